"""Results of the course's static simulation tables, computed when the notebooks are built.

A lesson's worked tables (``course.lab_table("01")``: every option of a simulation side by side,
fixed seeds) and lesson 08's comparisons (``course.policy_summary``: replications and bootstrap
intervals, fixed seeds) are the same on every run, yet they cost seconds of model runs each time a trainee
clicks "run all". ``make notebooks`` (``tools/build_course.py``) executes the lessons with
``XSIM_PRECOMPUTE_WRITE=1``, and each such result is then stored as one JSON file in
``course/_computed/`` (``$XSIM_PRECOMPUTED`` overrides the folder), tagged with a fingerprint of
the code and data it came from: every ``.py``/``.yaml``/``.json`` file of the xsim package and
every YAML file of the course. A trainee's kernel shows a stored table only when the fingerprint
matches its own tree; after any change to the model, the scenarios, the lesson files or the
teaching code it computes the table live again (correct, just slower) until the notebooks are
rebuilt. Nothing random is stored: the tables use fixed seeds, so stored and live are the same
(tests compare them).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xsim.teaching.common import HtmlBlock, Picture

__all__ = [
    "STORE_ENV",
    "WRITE_ENV",
    "fingerprint",
    "run_key",
    "store_dir",
    "stored",
    "stored_block",
    "stored_picture",
    "stored_summary",
]

STORE_ENV = "XSIM_PRECOMPUTED"
WRITE_ENV = "XSIM_PRECOMPUTE_WRITE"
FINGERPRINT_SUFFIXES = (".py", ".yaml", ".yml", ".json")


def store_dir() -> Path:
    """``$XSIM_PRECOMPUTED``, else ``_computed/`` in the course folder."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env)
    from xsim.teaching.lessons import course_dir

    return course_dir() / "_computed"


@functools.cache
def fingerprint(package: Path | None = None, course: Path | None = None) -> str:
    """SHA-256 over the xsim package's code and data files and the course's YAML files (paths
    relative, sorted; compiled files and the store itself left out)."""
    if package is None:
        package = Path(__file__).resolve().parents[1]
    if course is None:
        from xsim.teaching.lessons import course_dir

        course = course_dir()
    digest = hashlib.sha256()
    for root in (package, course):
        files = sorted(
            p
            for p in root.rglob("*")
            if p.suffix in FINGERPRINT_SUFFIXES
            and p.is_file()
            and "__pycache__" not in p.parts
            and "_computed" not in p.parts
        )
        for path in files:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _file_for(key: str) -> Path:
    safe = re.sub(r"[^0-9A-Za-z_.-]", "_", key)
    return store_dir() / f"{safe}.json"


def run_key(kind: str, scenario: str, seed: int, form: str | None, overrides: Any) -> str:
    """The store key of a result of one run: its kind, scenario, seed, form and a hash of the
    overrides (another setting is another key)."""
    settings = json.dumps(overrides or {}, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(settings.encode("utf-8")).hexdigest()[:12]
    return f"{kind}-{scenario}-{seed}-{form or 'default'}-{digest}"


def stored_block(key: str, compute: Callable[[], HtmlBlock]) -> HtmlBlock:
    """The block stored under ``key`` if it was computed from this very tree, else ``compute()``
    (written to the store when ``$XSIM_PRECOMPUTE_WRITE`` is set, as ``make notebooks`` does).
    A missing, unreadable or stale file is never an error: the block is computed live."""
    return stored(
        key,
        compute,
        lambda block: {"html": block.html_text, "plain": block.plain},
        lambda data: HtmlBlock(str(data["html"]), str(data["plain"])),
    )


def stored_picture(key: str, compute: Callable[[], Picture]) -> Picture:
    """A figure stored like :func:`stored_block`, as its PNG bytes (base64) and description:
    drawing lesson 08's six-panel comparisons costs seconds, showing stored bytes nothing."""
    return stored(
        key,
        compute,
        lambda picture: {
            "png": base64.b64encode(picture.png).decode("ascii"),
            "plain": picture.plain,
        },
        lambda data: Picture(base64.b64decode(data["png"], validate=True), str(data["plain"])),
    )


def stored_summary(key: str, compute: Callable[[], Any]) -> Any:
    """A comparison's :class:`xsim.experiments.summary.Summary` (lesson 08), stored like
    :func:`stored_block`: its two tables as rows of plain values (floats exact), its fields as
    they are."""
    return stored(key, compute, _summary_to_data, _summary_from_data)


def stored[T](
    key: str,
    compute: Callable[[], T],
    encode: Callable[[T], dict[str, Any]],
    decode: Callable[[dict[str, Any]], T],
) -> T:
    """The value stored under ``key`` (decoded) if its fingerprint is this tree's, else
    ``compute()`` (and stored, when building). ``encode``/``decode``: value ⇄ JSON-able dict."""
    path = _file_for(key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") == key and data.get("fingerprint") == fingerprint():
            return decode(data["value"])
    except (
        OSError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
    ):  # binascii.Error is a ValueError
        pass
    value = compute()
    if os.environ.get(WRITE_ENV):
        _write(path, {"key": key, "fingerprint": fingerprint(), "value": encode(value)})
    return value


def _write(path: Path, data: dict[str, Any]) -> None:
    """Atomically (a temporary file renamed): lessons are built by parallel kernels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=0)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; every trainee's kernel reads it
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


SUMMARY_FIELDS = ("variants", "measures", "baseline", "level", "n_boot", "seed")


def _frame_to_data(frame) -> dict[str, Any]:
    return {
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(t) for t in frame.dtypes],
        "rows": [[_plain(v) for v in row] for row in frame.itertuples(index=False)],
    }


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value


def _frame_from_data(data: dict[str, Any]):
    import pandas as pd

    frame = pd.DataFrame(data["rows"], columns=data["columns"])
    return frame.astype(dict(zip(data["columns"], data["dtypes"], strict=True)))


def _summary_to_data(summary) -> dict[str, Any]:
    return {
        "table": _frame_to_data(summary.table),
        "differences": _frame_to_data(summary.differences),
        **{name: getattr(summary, name) for name in SUMMARY_FIELDS},
    }


def _summary_from_data(data: dict[str, Any]):
    from xsim.experiments.summary import Summary

    return Summary(
        table=_frame_from_data(data["table"]),
        differences=_frame_from_data(data["differences"]),
        **{name: data[name] for name in SUMMARY_FIELDS},
    )
