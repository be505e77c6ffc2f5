"""Results of the course's fixed-seed simulations, stored when the notebooks are built, keyed by
their own inputs.

A lesson's worked tables (every option of a simulation side by side), the story of one run, a
village picture, lesson 08's comparisons and figures and the lessons' claims use fixed seeds:
the same on every run, yet seconds of simulation each time a trainee clicks "run all".
``make notebooks`` (``tools/build_course.py``) executes the lessons with ``XSIM_PRECOMPUTE_WRITE=1``
and each result is stored as one JSON file in ``course/_computed/`` (``$XSIM_PRECOMPUTED``
overrides the folder).

What is stored is the simulation's *data* (a run's measures and record, a snapshot, a summary),
never its rendering: the tables and texts are drawn from it live, so a change to the teaching
code never makes a stored result stale. A result's key is a hash of its own inputs — its kind,
the scenario file's bytes, the parameters (form, overrides, seeds …) and the source of the code
that computes it (:data:`SIMULATION_CODE`: the simulator and the rules engine it is judged by;
figures add the plotting code) — so a result is recomputed exactly when one of them changes, not
when any file of the tree does. A trainee's kernel shows a stored result only when its key
matches, else computes it live (correct, just slower). Tests compare stored and live results.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "FIGURE_CODE",
    "LOG_ENV",
    "SIMULATION_CODE",
    "STORE_ENV",
    "STUDY_CODE",
    "UNCERTAINTY_CODE",
    "WRITE_ENV",
    "code_digest",
    "result_key",
    "scenario_digest",
    "store_dir",
    "stored",
    "stored_picture",
    "stored_summary",
]

STORE_ENV = "XSIM_PRECOMPUTED"
WRITE_ENV = "XSIM_PRECOMPUTE_WRITE"
#: the build lists every file it used here (one name a line), to remove the ones no lesson uses
LOG_ENV = "XSIM_PRECOMPUTE_LOG"
CODE_SUFFIXES = (".py", ".yaml", ".yml", ".json", ".md")

#: what a run executes, relative to the ``xsim`` package: the simulator (``sim/``), the forms
#: (data), the rules engine that judges its record, the record schema, the law texts and the data
#: they read. A path that does not exist is skipped.
SIMULATION_CODE: tuple[str, ...] = (
    "sim",
    "forms.py",
    "data/forms.yaml",
    "rules",
    "records.py",
    "local_rules.py",
    "law.py",
    "vocabulary.py",
    "io",
    "data/law",
    "data/notice.yaml",
    "data/profiles",
)
#: a study over seeds and its summary (lesson 08)
STUDY_CODE = (*SIMULATION_CODE, "experiments")
#: a figure drawn from a summary
FIGURE_CODE = (*STUDY_CODE, "plots.py", "fonts.py")
#: a comparison over plausible parameter sets (lesson 08's robustness): the ranges it draws from
UNCERTAINTY_CODE = (*STUDY_CODE, "data/parameter_ranges.yaml")


def store_dir() -> Path:
    """``$XSIM_PRECOMPUTED``, else ``_computed/`` in the course folder."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env)
    from xsim.teaching.lessons import course_dir

    return course_dir() / "_computed"


def _package() -> Path:
    return Path(__file__).resolve().parents[1]


@functools.cache
def code_digest(parts: tuple[str, ...], package: Path | None = None) -> str:
    """SHA-256 over the source files under ``parts`` (paths relative to the package, sorted;
    compiled files left out): the code a result comes from."""
    root = package or _package()
    files: list[Path] = []
    for part in parts:
        path = root / part
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files += [
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts
            ]
    digest = hashlib.sha256()
    for path in sorted(set(files)):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@functools.cache
def scenario_digest(name: str) -> str:
    """SHA-256 of a scenario file's bytes (``name``: a bundled name or a path)."""
    from xsim.sim.scenario import scenario_path

    return hashlib.sha256(Path(scenario_path(name)).read_bytes()).hexdigest()


def result_key(kind: str, inputs: Mapping[str, Any], code: Sequence[str] = SIMULATION_CODE) -> str:
    """The key of a result: its kind and a hash of its inputs and of the code that computes it.
    ``inputs`` must be JSON-able; a ``scenario`` (name) stands for its file's bytes."""
    data = dict(inputs)
    if "scenario" in data:
        data["scenario_file"] = scenario_digest(str(data["scenario"]))
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(code_digest(tuple(code)).encode())
    return f"{kind}-{digest.hexdigest()[:16]}"


def _file_for(key: str, label: str) -> Path:
    safe = re.sub(r"[^0-9A-Za-z_.-]", "_", f"{key.split('-')[0]}-{label}-{key.split('-', 1)[1]}")
    return store_dir() / f"{safe}.json"


def stored[T](
    kind: str,
    inputs: Mapping[str, Any],
    compute: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
    *,
    code: Sequence[str] = SIMULATION_CODE,
    label: str = "",
) -> T:
    """The result stored under the key of ``inputs`` (decoded) if there is one, else ``compute()``
    (and stored, when building). ``encode``/``decode``: value ⇄ JSON-able data. ``label``: a
    readable part of the file name (a scenario's name). A missing, unreadable or damaged file is
    never an error: the result is computed live."""
    key = result_key(kind, inputs, code)
    path = _file_for(key, label or "x")
    _log(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") == key:
            return decode(data["value"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        pass  # binascii.Error is a ValueError
    value = compute()
    if os.environ.get(WRITE_ENV):
        _write(path, {"key": key, "inputs": dict(inputs), "value": encode(value)})
    return value


def _log(path: Path) -> None:
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(path.name + "\n")


def used_files(log: Path) -> set[str]:
    """The store's file names a build used (its log)."""
    try:
        return {line.strip() for line in log.read_text(encoding="utf-8").splitlines() if line}
    except OSError:
        return set()


def prune(folder: Path, keep: Iterable[str]) -> list[str]:
    """Remove the stored results not in ``keep`` (a full build's log): stale keys of old code."""
    keep = set(keep)
    gone = []
    for path in sorted(folder.glob("*.json")):
        if path.name not in keep:
            path.unlink()
            gone.append(path.name)
    return gone


def _write(path: Path, data: dict[str, Any]) -> None:
    """Atomically (a temporary file renamed): lessons are built by parallel kernels."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=0, default=str)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text + "\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; every trainee's kernel reads it
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stored_picture(kind: str, inputs: Mapping[str, Any], compute: Callable[[], Any], label=""):
    """A figure (:class:`xsim.teaching.common.Picture`) stored as its PNG bytes (base64) and its
    description: drawing lesson 08's six-panel comparisons costs seconds, showing bytes nothing."""
    from xsim.teaching.common import Picture

    return stored(
        kind,
        inputs,
        compute,
        lambda picture: {
            "png": base64.b64encode(picture.png).decode("ascii"),
            "plain": picture.plain,
        },
        lambda data: Picture(base64.b64decode(data["png"], validate=True), str(data["plain"])),
        code=FIGURE_CODE,
        label=label,
    )


def stored_summary(kind: str, inputs: Mapping[str, Any], compute: Callable[[], Any], label=""):
    """A comparison's :class:`xsim.experiments.summary.Summary` (lesson 08): its two tables as
    rows of plain values (floats exact), its fields as they are."""
    return stored(
        kind, inputs, compute, _summary_to_data, _summary_from_data, code=STUDY_CODE, label=label
    )


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
