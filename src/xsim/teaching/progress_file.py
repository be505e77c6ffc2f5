"""The progress store on disk (:mod:`xsim.teaching.progress`'s file): fields read one by one with
the field named in any complaint, an exclusive lock beside the store that never follows a link,
atomic writes, and a damaged file (or a link, pipe or device in its place) moved aside — never
deleted. The parts that say what a trainee's work looked like and when (full marks, stretches of
activity, widget states) are read leniently: what cannot be read is left out, the graded answers
stay.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xsim.errors import InputError
from xsim.io.files import is_regular_file, write_atomic

__all__ = [
    "activity_from_json",
    "as_dict",
    "as_list",
    "as_number",
    "as_text",
    "locked",
    "move_aside",
    "parse_field",
    "points_from_json",
    "states_from_json",
    "write_json_atomic",
]

log = logging.getLogger("xsim.teaching")

MAX_ID_CHARS = 80
MAX_SESSIONS = 200  # per lesson: the stretches of activity that make up the time spent


def parse_field(source: str, where: str, parse, *args):
    """``parse(*args)``; a wrong type or value becomes an :class:`InputError` naming ``where``."""
    try:
        return parse(*args)
    except KeyError as exc:
        en, zh = f"missing field {exc.args[0]!r}", f"缺少字段「{exc.args[0]}」"
    except (TypeError, ValueError, AttributeError, OverflowError) as exc:
        en, zh = str(exc) or type(exc).__name__, _ZH_PROBLEMS.get(str(exc), "内容无效")
    raise InputError(
        source,
        where,
        f"damaged progress file ({en})",
        f"进度文件内容已损坏（{zh}）",
    )


_ZH_PROBLEMS = {
    "text expected": "应为文字",
    "a list expected": "应为列表",
    "a mapping expected": "应为映射",
    "a mapping of fields expected": "应为字段映射",
    "a number expected": "应为数",
    "true or false expected": "应为 true 或 false",
    "points out of range": "得分超出范围",
    "a case's seed must be a whole number >= 0": "情景编号应为非负整数",
    "a case needs a scenario name": "缺少情景名称",
}


def as_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("a list expected")
    return value


def as_dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("a mapping expected")
    return value


def move_aside(path: Path, why: str) -> Path:
    """Rename a damaged file (or a link, pipe or device in its place) to ``<name>.damaged-<time>``
    in the same folder; nothing is deleted and nothing a link points to is touched."""
    aside = path.with_name(f"{path.name}.damaged-{dt.datetime.now():%Y%m%d-%H%M%S-%f}")
    os.replace(path, aside)
    log.warning(
        "xsim progress store %s was damaged (%s); kept as %s, starting anew", path, why, aside
    )
    return aside


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
    write_atomic(path, text.encode("utf-8"))


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside the store (POSIX ``flock``; elsewhere no lock).

    The lock file is opened without following a link and without blocking; a link, pipe or
    device planted under its name is moved aside (and a real lock file made), so that no file is
    ever created or written elsewhere. Without a usable lock the store is read and written unlocked.
    """
    try:
        import fcntl
    except ImportError:  # Windows: one kernel at a time is the common case
        yield
        return
    lock_path = path.with_name(path.name + ".lock")
    fd = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = _open_lock(lock_path)
    except OSError:  # a read-only folder: reading needs no lock, writing will fail and say so
        fd = None
    if fd is None:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _open_lock(lock_path: Path) -> int | None:
    flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    for _ in range(2):
        if os.path.lexists(lock_path) and not is_regular_file(lock_path):
            move_aside(lock_path, "not a regular file")
            continue
        try:
            fd = os.open(lock_path, flags, 0o600)
        except OSError:
            if os.path.islink(lock_path):  # created meanwhile (O_NOFOLLOW refused it)
                continue
            raise
        if is_regular_file(lock_path):
            return fd
        os.close(fd)
    return None


def as_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("a number expected")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("points out of range")
    return number


def points_from_json(value: Any) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for lesson, marks in (value if isinstance(value, dict) else {}).items():
        if isinstance(lesson, str) and isinstance(marks, dict):
            out[lesson[:MAX_ID_CHARS]] = {
                str(k)[:MAX_ID_CHARS]: float(v)
                for k, v in marks.items()
                if isinstance(v, int | float) and not isinstance(v, bool) and 0 < v < 1e9
            }
    return out


def activity_from_json(value: Any) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for lesson, sessions in (value if isinstance(value, dict) else {}).items():
        if isinstance(lesson, str) and isinstance(sessions, list):
            out[lesson[:MAX_ID_CHARS]] = [
                [s[0][:40], s[1][:40]]
                for s in sessions[-MAX_SESSIONS:]
                if isinstance(s, list) and len(s) == 2 and all(isinstance(t, str) for t in s)
            ]
    return out


def states_from_json(value: Any) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for lesson, states in (value if isinstance(value, dict) else {}).items():
        if isinstance(lesson, str) and isinstance(states, dict):
            out[lesson[:MAX_ID_CHARS]] = {
                k[:MAX_ID_CHARS]: v for k, v in states.items() if isinstance(k, str)
            }
    return out


def as_text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value[:limit]
