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

As in the quizzes, the **first** attempt at an item is what scores; later attempts are kept (the
first, the best and the latest, at most :data:`MAX_ATTEMPTS` per item) so a trainer sees whether
a mistake was corrected. What widgets show: :func:`save_state` (own store only, not exported).
The file (lock, atomic write, damage) is :mod:`~xsim.teaching.progress_file`.

Other functions: :func:`load` (the :class:`Progress`), :func:`summary` (a table per lesson:
answered, right first time, score, finished), :func:`set_trainee` (the name shown to the trainer),
:func:`export` (one file a trainer collects), :func:`store_path`, and :func:`progress_panel` (the
widget for the course home page: name, the table, export with a download link).
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import math
import os
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from xsim.errors import InputError
from xsim.io.files import is_real_folder, read_bytes
from xsim.io.jsonfile import load_json_bytes
from xsim.teaching import progress_file as pf
from xsim.teaching.progress_view import lesson_sort_key

__all__ = [
    "EXPORT_FORMAT",
    "MAX_ANSWER_CHARS",
    "MAX_ATTEMPTS",
    "STORE_FORMAT",
    "SAVE_FAILED_ZH",
    "Attempt",
    "Progress",
    "export",
    "get_case",
    "load",
    "load_state",
    "load_export",
    "record_answer",
    "register_items",
    "save_state",
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
MAX_ATTEMPTS = 20  # per item: the first, the best and the latest
MAX_NAME_CHARS = 40
MAX_ID_CHARS = 80
MAX_STORE_BYTES = 20_000_000  # a store larger than this is not one xsim wrote

MAX_CASES = 20  # per-trainee exercise cases (the capstone's scenario); a handful in practice
MAX_STATE_CHARS = 400_000  # one widget's state as JSON: choices, typed documents, feedback shown
MAX_STATES = 60  # per lesson: its widgets (a dozen), and states of widgets the course changed
#: activity closer together than this belongs to one stretch of work (time spent in a lesson)
IDLE_MINUTES = 10
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
    #: lesson → item → its full marks, as the lesson registered them (an unanswered item counts
    #: towards the lesson's 满分 too)
    points: dict[str, dict[str, float]] = field(default_factory=dict)
    #: lesson → stretches of work ``[start, end]`` (ISO times): the time spent in the lesson
    activity: dict[str, list[list[str]]] = field(default_factory=dict)
    #: lesson → widget key → what the widget shows (choices, typed text, feedback), so that a
    #: restarted kernel, a reloaded page or Voilà shows the trainee's work as they left it; kept
    #: in the trainee's own store only (not in an export)
    states: dict[str, dict[str, Any]] = field(default_factory=dict)

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

    def full_marks(self, lesson: str) -> float:
        """The lesson's 满分: every registered item's full marks (1 unless registered otherwise),
        and any answered item the lesson did not register."""
        marks = {i: 1.0 for i in self.items.get(lesson, [])}
        marks.update(self.points.get(lesson, {}))
        for a in self.attempts:
            if a.lesson == lesson:
                marks.setdefault(a.item, a.max_points)
        return sum(marks.values())

    def minutes(self, lesson: str) -> float:
        """Time spent in the lesson: the stretches of activity added up (minutes)."""
        total = 0.0
        for start, end in self.activity.get(lesson, []):
            try:
                seconds = dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)
            except ValueError:
                continue
            total += max(seconds.total_seconds(), 0.0)
        return total / 60

    def to_json(self, kind: str = STORE_FORMAT) -> dict[str, Any]:
        return {
            "format": kind,
            "version": VERSION,
            "trainee_id": self.trainee_id,
            "trainee": self.trainee,
            "updated": self.updated,
            "items": self.items,
            "cases": self.cases,
            "points": self.points,
            "activity": self.activity,
            "attempts": [asdict(a) for a in self.attempts],
            **({"states": self.states} if kind == STORE_FORMAT else {}),
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
        trainee_id = pf.parse_field(
            source, "trainee_id", pf.as_text, data.get("trainee_id"), MAX_ID_CHARS
        )
        trainee = pf.parse_field(
            source, "trainee", pf.as_text, data.get("trainee", ""), MAX_NAME_CHARS
        )
        updated = pf.parse_field(source, "updated", pf.as_text, data.get("updated", ""), 40)
        attempts = [
            pf.parse_field(source, f"attempts[{i}]", _attempt_from_json, a)
            for i, a in enumerate(
                pf.parse_field(source, "attempts", pf.as_list, data.get("attempts", []))
            )
        ]
        items: dict[str, list[str]] = {}
        for k, v in pf.parse_field(source, "items", pf.as_dict, data.get("items", {})).items():
            lesson = pf.parse_field(source, "items", pf.as_text, k, MAX_ID_CHARS)
            items[lesson] = [
                pf.parse_field(source, f"items.{lesson}[{j}]", pf.as_text, i, MAX_ID_CHARS)
                for j, i in enumerate(pf.parse_field(source, f"items.{lesson}", pf.as_list, v))
            ]
        cases = {}
        for k, v in list(
            pf.parse_field(source, "cases", pf.as_dict, data.get("cases", {})).items()
        )[:MAX_CASES]:
            exercise = pf.parse_field(source, "cases", pf.as_text, k, MAX_ID_CHARS)
            cases[exercise] = pf.parse_field(source, f"cases.{exercise}", _case_from_json, v)
        # what a trainee's work looks like and when it happened: optional, and a part that
        # cannot be read is left out (the answers above are what is graded)
        return cls(
            trainee_id=trainee_id,
            trainee=trainee,
            attempts=attempts,
            items=items,
            cases=cases,
            updated=updated,
            points=pf.points_from_json(data.get("points")),
            activity=pf.activity_from_json(data.get("activity")),
            states=pf.states_from_json(data.get("states")) if kind == STORE_FORMAT else {},
        )


# -- the store ------------------------------------------------------------------------------------
def store_path() -> Path:
    """``<Jupyter data folder>/xsim/progress.json`` (follows ``JUPYTER_DATA_DIR``)."""
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "xsim" / "progress.json"


def load(path: str | Path | None = None) -> Progress:
    """The stored progress (an empty one if there is none yet). A damaged store is moved aside."""
    path = Path(path) if path is not None else store_path()
    try:
        with pf.locked(path):
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
        clause=pf.as_text(clause, MAX_ID_CHARS),
    )

    def change(progress: Progress) -> None:
        progress.attempts.append(attempt)
        _trim_attempts(progress, lesson, item)
        _active(progress, lesson, attempt.at)

    return attempt if _update(path, change) else None


def register_items(
    lesson: str,
    items: Sequence[str],
    *,
    max_points: Mapping[str, float] | None = None,
    path: str | Path | None = None,
) -> bool:
    """Tell the store which items a lesson has (and, in ``max_points``, the full marks of those
    worth more than 1), so that :func:`summary` knows when it is finished and what 满分 is; the
    lesson counts as open now (time spent). Returns False if the store could not be written."""
    lesson = _identifier(lesson, "lesson")
    ids = [_identifier(i, "item") for i in items]
    marks = {_identifier(k, "item"): float(v) for k, v in (max_points or {}).items()}
    if any(not (math.isfinite(v) and v > 0) for v in marks.values()):
        raise InputError("<register_items>", "max_points", "each > 0", "满分必须大于 0")

    def change(progress: Progress) -> None:
        known = progress.items.setdefault(lesson, [])
        known.extend(i for i in ids if i not in known)
        if marks:
            progress.points.setdefault(lesson, {}).update(marks)
        _active(progress, lesson, _now())

    current = load(path)
    known = current.items.get(lesson, [])
    same_marks = all(current.points.get(lesson, {}).get(k) == v for k, v in marks.items())
    if all(i in known for i in ids) and same_marks and _recently_active(current, lesson):
        return True  # nothing new: the store is not written again for every widget shown
    return _update(path, change)


def save_state(lesson: str, key: str, state: Any, *, path: str | Path | None = None) -> bool:
    """Keep what a widget shows (``state``: JSON data, at most :data:`MAX_STATE_CHARS` as JSON)
    under its lesson and key; :func:`load_state` gives it back after a restart. Returns False
    (logged) if it could not be written or is too large; the exercise goes on."""
    lesson, key = _identifier(lesson, "lesson"), _identifier(key, "key")
    try:
        size = len(json.dumps(state, ensure_ascii=False, allow_nan=False))
    except (TypeError, ValueError):
        log.warning("widget state %s/%s is not JSON data; not saved", lesson, key)
        return False
    if size > MAX_STATE_CHARS:
        log.warning("widget state %s/%s is %d characters; not saved", lesson, key, size)
        return False

    def change(progress: Progress) -> None:
        states = progress.states.setdefault(lesson, {})
        states.pop(key, None)  # the latest last: the oldest go first when there are too many
        states[key] = state
        for old in list(states)[:-MAX_STATES]:
            del states[old]
        _active(progress, lesson, _now())

    return _update(path, change)


def load_state(lesson: str, key: str, *, path: str | Path | None = None) -> Any:
    """The widget state saved under this lesson and key, or None."""
    return load(path).states.get(_identifier(lesson, "lesson"), {}).get(_identifier(key, "key"))


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
                "满分": round(progress.full_marks(lesson), 2),
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
    pf.write_json_atomic(
        target, data
    )  # a link, pipe or device at ``target`` is refused (InputError)
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
        with pf.locked(target):
            progress = _read(target)
            change(progress)
            progress.updated = _now()
            pf.write_json_atomic(target, progress.to_json())
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
        pf.move_aside(path, err.message("en"))
        return Progress()


def _trim_attempts(progress: Progress, lesson: str, item: str) -> None:
    """Keep the first, the best and the latest attempts of an item (bounded store)."""
    tries = progress.attempts
    idx = [i for i, a in enumerate(tries) if (a.lesson, a.item) == (lesson, item)]
    if len(idx) > MAX_ATTEMPTS:
        keep = {idx[0], max(idx, key=lambda i: (tries[i].correct, tries[i].points))}
        keep |= set(idx[len(idx) - (MAX_ATTEMPTS - len(keep)) :])
        progress.attempts = [a for i, a in enumerate(tries) if i not in set(idx) - keep]


def _attempt_from_json(a: dict[str, Any]) -> Attempt:
    if not isinstance(a, dict):
        raise TypeError("a mapping of fields expected")
    max_points = pf.as_number(a["max_points"])
    points = pf.as_number(a["points"])
    if not (max_points > 0 and 0 <= points <= max_points):
        raise ValueError("points out of range")
    if not isinstance(a["correct"], bool):
        raise TypeError("true or false expected")
    return Attempt(
        lesson=pf.as_text(a["lesson"], MAX_ID_CHARS),
        item=pf.as_text(a["item"], MAX_ID_CHARS),
        correct=a["correct"],
        answer=pf.as_text(a.get("answer", ""), MAX_ANSWER_CHARS),
        points=points,
        max_points=max_points,
        at=pf.as_text(a.get("at", ""), 40),
        clause=pf.as_text(a.get("clause", ""), MAX_ID_CHARS),
    )


def _case_from_json(case: Any) -> dict[str, Any]:
    if not isinstance(case, dict):
        raise TypeError("a mapping of fields expected")
    scenario, seed = case["scenario"], case["seed"]
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_CASE_SEED:
        raise ValueError("a case's seed must be a whole number >= 0")
    scenario = pf.as_text(scenario, MAX_ID_CHARS).strip()
    if not scenario:
        raise ValueError("a case needs a scenario name")
    return {"scenario": scenario, "seed": seed}


def _recently_active(progress: Progress, lesson: str, seconds: float = 60) -> bool:
    sessions = progress.activity.get(lesson)
    try:
        last = dt.datetime.fromisoformat(sessions[-1][1]) if sessions else None
    except ValueError:
        return False
    return last is not None and dt.datetime.now(dt.UTC) - last <= dt.timedelta(seconds=seconds)


def _active(progress: Progress, lesson: str, at: str) -> None:
    """Note activity in ``lesson`` at ``at``: it extends the lesson's last stretch of work, or
    starts a new one after :data:`IDLE_MINUTES` without activity."""
    sessions = progress.activity.setdefault(lesson, [])
    try:
        now = dt.datetime.fromisoformat(at)
        gap = now - dt.datetime.fromisoformat(sessions[-1][1]) if sessions else None
    except ValueError:
        gap = None
    if gap is not None and dt.timedelta(0) <= gap <= dt.timedelta(minutes=IDLE_MINUTES):
        sessions[-1][1] = at
    else:
        sessions.append([at, at])
    del sessions[: -pf.MAX_SESSIONS]


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


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
