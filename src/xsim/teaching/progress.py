"""A trainee's progress that survives kernel restarts: answers and scores in a small local store.

Where: ``<Jupyter data folder>/xsim/progress.json`` (``jupyter_core.paths.jupyter_data_dir()``,
which follows ``JUPYTER_DATA_DIR``; e.g. ``~/.local/share/jupyter`` on Linux). One JSON file per
user account, written atomically (a temporary file in the same folder, then ``os.replace``) under
a lock, so two open lessons never lose each other's answers and a crash never leaves half a file.
A store that cannot be read (damaged, hand-edited, another program's file, a link, a pipe or a
device in its place) is moved aside to ``progress.json.damaged-<time>`` — never deleted — and a
fresh one is started. Files are read through :mod:`xsim.io` (a regular file of bounded size, UTF-8,
bounded depth, no NaN or infinity); the lock file is opened without following a link, so a link
planted there never makes xsim create or write a file elsewhere.

API for the teaching widgets (call after each submitted answer; never raises for a store
problem — progress is a convenience, the lesson must go on; it logs and returns ``None``)::

    from xsim.teaching import progress
    progress.register_items("03", ["q1", "q2", "q3"])     # the lesson's items (once, when shown)
    progress.record_answer("03", "q1", correct=False, answer="B. 村民会议", clause="§4.2")
    progress.record_answer("03", "q1", correct=True, answer="A. 村民议事会")

- ``lesson``: the lesson's number or short name as the course shows it (``"03"``);
  ``item``: the question's id, stable between runs (``"q1"``, ``"stepper.notice"``);
- ``correct``: whether this attempt is right; ``answer``: what the trainee chose (text or a list of
  texts — stored as text, at most :data:`MAX_ANSWER_CHARS` characters);
- ``points`` (default: ``max_points`` if correct, else 0) out of ``max_points`` (default 1);
- ``clause``: the clause of the notice or law the item is about (e.g. ``"§4.2"``), used by the
  trainer's class summary (:mod:`xsim.teaching.classroom`) to group mistakes.

As in the quizzes, the **first** attempt at an item is what scores; later attempts are kept (at
most :data:`MAX_ATTEMPTS` per item) so a trainer sees whether a mistake was corrected.

Other functions: :func:`load` (the :class:`Progress`), :func:`summary` (a table per lesson:
answered, right first time, score, finished), :func:`set_trainee` (the name shown to the trainer),
:func:`export` (one file a trainer collects), :func:`store_path`, and :func:`progress_panel` (the
widget for the course home page: name, the table, export with a download link).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import math
import os
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from xsim.errors import InputError
from xsim.io.files import is_real_folder, is_regular_file, read_bytes, write_atomic
from xsim.io.jsonfile import load_json_bytes

__all__ = [
    "EXPORT_FORMAT",
    "MAX_ANSWER_CHARS",
    "MAX_ATTEMPTS",
    "STORE_FORMAT",
    "SAVE_FAILED_ZH",
    "Attempt",
    "Progress",
    "download_link_html",
    "export",
    "get_case",
    "item_title",
    "load",
    "lesson_sort_key",
    "load_export",
    "record_answer",
    "register_items",
    "set_case",
    "set_trainee",
    "store_path",
    "summary",
]

log = logging.getLogger("xsim.teaching")

STORE_FORMAT = "xsim-progress"
EXPORT_FORMAT = "xsim-progress-export"
VERSION = 1
MAX_ANSWER_CHARS = 500
MAX_ATTEMPTS = 20  # per item: the first, and the latest 19
MAX_NAME_CHARS = 40
MAX_ID_CHARS = 80
MAX_STORE_BYTES = 20_000_000  # a store larger than this is not one xsim wrote

MAX_CASES = 20  # per-trainee exercise cases (the capstone's scenario); a handful in practice
MAX_CASE_SEED = 2**63 - 1

#: what a widget shows beside its feedback when an answer could not be saved (the lesson goes on)
SAVE_FAILED_ZH = (
    "您的答案暂时没能保存到本机的学习进度（存放进度的文件或文件夹无法写入）。"
    "练习可以照常进行；需要保存进度时，请培训老师帮助。"
)

SUMMARY_COLUMNS = ["课次", "已答题数", "题目总数", "首次答对", "得分", "满分", "已完成"]


@dataclass
class Attempt:
    """One submitted answer."""

    lesson: str
    item: str
    correct: bool
    answer: str
    points: float
    max_points: float
    at: str  # ISO 8601 time, UTC
    clause: str = ""


@dataclass
class Progress:
    """Everything stored for one trainee (one user account)."""

    trainee_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    trainee: str = ""
    attempts: list[Attempt] = field(default_factory=list)
    #: lesson → the ids of its items, as the lesson registered them
    items: dict[str, list[str]] = field(default_factory=dict)
    #: exercise id → the case drawn for this trainee (``{"scenario": name, "seed": n}``), so that
    #: a trainee keeps one case across kernel restarts and a trainer can rerun it from the export
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    updated: str = ""

    # -- derived views ------------------------------------------------------------------------
    def first_attempts(self) -> dict[tuple[str, str], Attempt]:
        """The scoring attempt of each (lesson, item)."""
        first: dict[tuple[str, str], Attempt] = {}
        for a in self.attempts:
            first.setdefault((a.lesson, a.item), a)
        return first

    def lessons(self) -> list[str]:
        names = {a.lesson for a in self.attempts} | set(self.items)
        return sorted(names, key=lesson_sort_key)

    def to_json(self, kind: str = STORE_FORMAT) -> dict[str, Any]:
        return {
            "format": kind,
            "version": VERSION,
            "trainee_id": self.trainee_id,
            "trainee": self.trainee,
            "updated": self.updated,
            "items": self.items,
            "cases": self.cases,
            "attempts": [asdict(a) for a in self.attempts],
        }

    @classmethod
    def from_json(cls, data: Any, source: str, kind: str = STORE_FORMAT) -> Progress:
        """Parse and validate; raises :class:`InputError` naming what is wrong."""
        if not isinstance(data, dict) or data.get("format") != kind:
            raise InputError(
                source,
                "format",
                f"not an xsim progress file (format {kind!r} expected)",
                "这不是本课程的学习进度文件",
            )
        version = data.get("version")
        if type(version) is not int or version != VERSION:
            shown = repr(version)[:40]
            raise InputError(
                source,
                "version",
                f"unsupported version {shown} (expected {VERSION})",
                f"进度文件版本 {shown} 无法识别（应为 {VERSION}）",
            )
        trainee_id = _field(source, "trainee_id", _text, data.get("trainee_id"), MAX_ID_CHARS)
        trainee = _field(source, "trainee", _text, data.get("trainee", ""), MAX_NAME_CHARS)
        updated = _field(source, "updated", _text, data.get("updated", ""), 40)
        attempts = [
            _field(source, f"attempts[{i}]", _attempt_from_json, a)
            for i, a in enumerate(_field(source, "attempts", _list, data.get("attempts", [])))
        ]
        items: dict[str, list[str]] = {}
        for k, v in _field(source, "items", _dict, data.get("items", {})).items():
            lesson = _field(source, "items", _text, k, MAX_ID_CHARS)
            items[lesson] = [
                _field(source, f"items.{lesson}[{j}]", _text, i, MAX_ID_CHARS)
                for j, i in enumerate(_field(source, f"items.{lesson}", _list, v))
            ]
        cases = {}
        for k, v in list(_field(source, "cases", _dict, data.get("cases", {})).items())[:MAX_CASES]:
            exercise = _field(source, "cases", _text, k, MAX_ID_CHARS)
            cases[exercise] = _field(source, f"cases.{exercise}", _case_from_json, v)
        return cls(
            trainee_id=trainee_id,
            trainee=trainee,
            attempts=attempts,
            items=items,
            cases=cases,
            updated=updated,
        )


def _field(source: str, where: str, parse, *args):
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


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("a list expected")
    return value


def _dict(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("a mapping expected")
    return value


# -- the store ------------------------------------------------------------------------------------
def store_path() -> Path:
    """``<Jupyter data folder>/xsim/progress.json`` (follows ``JUPYTER_DATA_DIR``)."""
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "xsim" / "progress.json"


def load(path: str | Path | None = None) -> Progress:
    """The stored progress (an empty one if there is none yet). A damaged store is moved aside."""
    path = Path(path) if path is not None else store_path()
    try:
        with _locked(path):
            return _read(path)
    except Exception:  # a store problem never stops the lesson: show an empty progress, go on
        log.warning("xsim progress store %s could not be read", path, exc_info=True)
        return Progress()


def record_answer(
    lesson: str,
    item: str,
    *,
    correct: bool,
    answer: Any,
    points: float | None = None,
    max_points: float = 1.0,
    clause: str = "",
    path: str | Path | None = None,
) -> Attempt | None:
    """Save one submitted answer at once. Returns the stored :class:`Attempt`, or ``None`` if the
    store could not be written (logged; the lesson goes on). Bad arguments from a widget author
    (empty ids, points outside 0..max_points) raise :class:`InputError`."""
    lesson, item = _identifier(lesson, "lesson"), _identifier(item, "item")
    max_points = float(max_points)
    if not max_points > 0:
        raise InputError("<record_answer>", "max_points", "must be > 0", "满分必须大于 0")
    points = (max_points if correct else 0.0) if points is None else float(points)
    if not 0.0 <= points <= max_points:
        raise InputError(
            "<record_answer>",
            "points",
            f"must be between 0 and max_points={max_points}",
            f"得分必须在 0 和满分 {max_points} 之间",
        )
    attempt = Attempt(
        lesson=lesson,
        item=item,
        correct=bool(correct),
        answer=_answer_text(answer),
        points=points,
        max_points=max_points,
        at=_now(),
        clause=_text(clause, MAX_ID_CHARS),
    )

    def change(progress: Progress) -> None:
        progress.attempts.append(attempt)
        _trim_attempts(progress, lesson, item)

    return attempt if _update(path, change) else None


def register_items(lesson: str, items: Sequence[str], *, path: str | Path | None = None) -> bool:
    """Tell the store which items a lesson has, so that :func:`summary` knows when it is finished.
    Writes only when something changed. Returns False if the store could not be written."""
    lesson = _identifier(lesson, "lesson")
    ids = [_identifier(i, "item") for i in items]

    def change(progress: Progress) -> None:
        known = progress.items.setdefault(lesson, [])
        known.extend(i for i in ids if i not in known)

    current = load(path)
    if all(i in current.items.get(lesson, []) for i in ids):
        return True
    return _update(path, change)


def get_case(exercise: str, *, path: str | Path | None = None) -> dict[str, Any] | None:
    """The case stored for this trainee and exercise (``{"scenario": …, "seed": …}``), or None."""
    case = load(path).cases.get(_identifier(exercise, "exercise"))
    return dict(case) if case is not None else None


def set_case(exercise: str, scenario: str, seed: int, *, path: str | Path | None = None) -> bool:
    """Store the case drawn for this trainee (it replaces the previous one). Returns False
    (logged) if the store could not be written: the case then lasts only until the kernel ends."""
    exercise = _identifier(exercise, "exercise")
    try:
        case = _case_from_json({"scenario": scenario, "seed": seed})
    except (TypeError, ValueError):
        raise InputError(
            "<set_case>",
            "seed",
            f"a scenario name and a whole-number seed 0..{MAX_CASE_SEED}",
            "情景名称不能为空，情景编号应为不小于 0 的整数",
        ) from None

    def change(progress: Progress) -> None:
        progress.cases[exercise] = case

    return _update(path, change)


def set_trainee(name: str, *, path: str | Path | None = None) -> str:
    """Set the name a trainer sees in the class summary (1–40 characters, no line breaks)."""
    clean = str(name).strip()
    if not clean or len(clean) > MAX_NAME_CHARS or any(ord(c) < 32 for c in clean):
        raise InputError(
            "<trainee>",
            "trainee",
            f"a name of 1 to {MAX_NAME_CHARS} characters without line breaks",
            f"请填写 1 到 {MAX_NAME_CHARS} 个字的姓名（不要换行）",
        )

    def change(progress: Progress) -> None:
        progress.trainee = clean

    if not _update(path, change):
        raise InputError("<trainee>", "trainee", "could not save the name", "姓名未能保存")
    return clean


def summary(progress: Progress | None = None) -> Any:
    """Per lesson: items answered, total items (as registered), right first time, score, maximum
    and whether finished (every registered item answered). A pandas DataFrame, Chinese headers."""
    import pandas as pd

    progress = load() if progress is None else progress
    first = progress.first_attempts()
    rows = []
    for lesson in progress.lessons():
        mine = [a for (ls, _), a in first.items() if ls == lesson]
        registered = progress.items.get(lesson, [])
        answered = {a.item for a in mine}
        total = len(set(registered) | answered)
        rows.append(
            {
                "课次": lesson,
                "已答题数": len(answered),
                "题目总数": total,
                "首次答对": sum(a.correct for a in mine),
                "得分": round(sum(a.points for a in mine), 2),
                "满分": round(sum(a.max_points for a in mine), 2),
                "已完成": bool(registered) and set(registered) <= answered,
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def export(path: str | Path, *, progress: Progress | None = None) -> Path:
    """Write the trainee's progress to one file a trainer collects; return its path.

    ``path`` may be a folder: the file is then named ``学习进度_<姓名>_<日期>.json`` in it."""
    progress = load() if progress is None else progress
    target = Path(path)
    if target.is_dir():
        who = re.sub(r'[\\/:*?"<>|\s]+', "_", progress.trainee) or progress.trainee_id[:8]
        target = target / f"学习进度_{who}_{dt.date.today():%Y%m%d}.json"
    data = progress.to_json(EXPORT_FORMAT)
    data["exported"] = _now()
    _atomic_write(target, data)  # a link, pipe or device at ``target`` is refused (InputError)
    return target


def load_export(path: str | Path) -> Progress:
    """Read an exported file (raises :class:`InputError`, naming the field, for anything else:
    not a regular file, too large, not UTF-8 JSON, too deep, NaN, a field of the wrong type)."""
    source = str(path)
    raw = read_bytes(path, max_bytes=MAX_STORE_BYTES, what="progress file")
    return Progress.from_json(load_json_bytes(raw, source), source, EXPORT_FORMAT)


# -- internals ------------------------------------------------------------------------------------
def _update(path: str | Path | None, change) -> bool:
    """Read, change and write back the store under its lock; False (logged) if it failed."""
    target = Path(path) if path is not None else store_path()
    try:
        with _locked(target):
            progress = _read(target)
            change(progress)
            progress.updated = _now()
            _atomic_write(target, progress.to_json())
        return True
    except Exception:  # documented: a store problem is logged, never raised to the widget
        log.warning("xsim progress store %s could not be written", target, exc_info=True)
        return False


def _read(path: Path) -> Progress:
    """The store at ``path``; one that cannot be read is moved aside (never deleted)."""
    if not os.path.lexists(path):
        return Progress()
    if is_real_folder(path):  # a folder is nobody's damaged store: left alone, not saved over
        raise IsADirectoryError(errno.EISDIR, "a folder in place of the progress store", str(path))
    try:
        raw = read_bytes(path, max_bytes=MAX_STORE_BYTES, what="progress file")
        return Progress.from_json(load_json_bytes(raw, str(path)), str(path))
    except InputError as err:
        _move_aside(path, err.message("en"))
        return Progress()


def _move_aside(path: Path, why: str) -> Path:
    """Rename a damaged file (or a link, pipe or device in its place) to ``<name>.damaged-<time>``
    in the same folder; nothing is deleted and nothing a link points to is touched."""
    aside = path.with_name(f"{path.name}.damaged-{dt.datetime.now():%Y%m%d-%H%M%S-%f}")
    os.replace(path, aside)
    log.warning(
        "xsim progress store %s was damaged (%s); kept as %s, starting anew", path, why, aside
    )
    return aside


def _atomic_write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
    write_atomic(path, text.encode("utf-8"))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
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
            _move_aside(lock_path, "not a regular file")
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


def _trim_attempts(progress: Progress, lesson: str, item: str) -> None:
    """Keep the first and the latest attempts of an item (bounded store)."""
    idx = [i for i, a in enumerate(progress.attempts) if (a.lesson, a.item) == (lesson, item)]
    if len(idx) > MAX_ATTEMPTS:
        drop = set(idx[1 : len(idx) - (MAX_ATTEMPTS - 1)])
        progress.attempts = [a for i, a in enumerate(progress.attempts) if i not in drop]


def _attempt_from_json(a: dict[str, Any]) -> Attempt:
    if not isinstance(a, dict):
        raise TypeError("a mapping of fields expected")
    max_points = _number(a["max_points"])
    points = _number(a["points"])
    if not (max_points > 0 and 0 <= points <= max_points):
        raise ValueError("points out of range")
    if not isinstance(a["correct"], bool):
        raise TypeError("true or false expected")
    return Attempt(
        lesson=_text(a["lesson"], MAX_ID_CHARS),
        item=_text(a["item"], MAX_ID_CHARS),
        correct=a["correct"],
        answer=_text(a.get("answer", ""), MAX_ANSWER_CHARS),
        points=points,
        max_points=max_points,
        at=_text(a.get("at", ""), 40),
        clause=_text(a.get("clause", ""), MAX_ID_CHARS),
    )


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("a number expected")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("points out of range")
    return number


def _case_from_json(case: Any) -> dict[str, Any]:
    if not isinstance(case, dict):
        raise TypeError("a mapping of fields expected")
    scenario, seed = case["scenario"], case["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_CASE_SEED:
        raise ValueError("a case's seed must be a whole number >= 0")
    scenario = _text(scenario, MAX_ID_CHARS).strip()
    if not scenario:
        raise ValueError("a case needs a scenario name")
    return {"scenario": scenario, "seed": seed}


def _identifier(value: Any, name: str) -> str:
    text = str(value).strip()
    if not text or len(text) > MAX_ID_CHARS or any(ord(c) < 32 for c in text):
        raise InputError(
            "<record_answer>",
            name,
            f"a non-empty id of at most {MAX_ID_CHARS} characters",
            f"「{name}」应为不超过 {MAX_ID_CHARS} 个字符的非空标识",
        )
    return text


def _answer_text(answer: Any) -> str:
    if isinstance(answer, str):
        text = answer
    elif isinstance(answer, Iterable) and not isinstance(answer, (bytes, dict)):
        text = "；".join(str(x) for x in answer)
    else:
        text = str(answer)
    return text[:MAX_ANSWER_CHARS]


def _text(value: Any, limit: int) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value[:limit]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


#: the item ids the course's exercises use → how a trainer reads them (``{n}``: the number in the id)
ITEM_TITLES = (
    (r"q(\d+)", "自测第 {n} 题"),
    (r"predict-\w+-(\d+)", "先预测第 {n} 题"),
    (r"threshold", "联名门槛练习"),
    (r"picker", "请谁来协商"),
    (r"lead(\d+)", "由谁牵头第 {n} 题"),
    (r"form(\d+)", "什么事用什么形式第 {n} 题"),
    (r"step(\d+)", "程序演练第 {n} 步"),
    (r"quorum", "法定人数计算器"),
    (r"fix", "改一改这份记录"),
    (r"spot(\w+)", "找问题（示例记录 {n}）"),
    (r"calc(\d+)", "算一算第 {n} 题"),
    (r"capstone", "综合演练"),
)


def item_title(item: str) -> str:
    """An exercise item in Chinese for the trainer's class summary (``step3`` → 程序演练第 3 步);
    an id no exercise of the course uses is shown as it is."""
    for pattern, title in ITEM_TITLES:
        m = re.fullmatch(pattern, item)
        if m:
            return title.format(n=m.group(1) if m.groups() else "")
    return item


def lesson_sort_key(lesson: str) -> tuple[int, str]:
    """Lessons by their number when they start with one ("03", "03_协商形式"), then by name."""
    m = re.match(r"\d+", lesson)
    return (int(m.group()) if m else 10**6, lesson)


def download_link_html(path: Path, text: str = "下载") -> str:
    """A link that downloads ``path``'s bytes from the page itself (a data URI): works offline,
    in JupyterLab and in Voilà (which serves no JSON files)."""
    import base64
    import html as _html

    data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
    return (
        f'<a download="{_html.escape(Path(path).name)}" '
        f'href="data:application/octet-stream;base64,{data}">{_html.escape(text)}</a>'
    )
