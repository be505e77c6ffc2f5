"""A trainer's view of the room: merge the trainees' progress exports into a class summary.

Each trainee exports one file (:func:`xsim.teaching.progress.export`); the trainer collects them
in a folder and runs, in the trainer notebook (``trainer/班级汇总.ipynb``)::

    from xsim.teaching.classroom import class_summary
    summary = class_summary("收上来的进度文件/")
    summary.trainees        # per trainee: first, best and last score, attempts, time, capstone
    summary.lessons         # per trainee and lesson (also the CSV: summary.save_csv(...))
    summary.questions       # common mistakes per question (first attempts), named as shown
    summary.clauses         # mistakes per clause of the notice or law
    summary.learning        # 前测 → 后测 per trainee and clause; summary.learning_class per clause
    summary.save_html("班级汇总.html")   # a Chinese report to print or project
    summary.save_completions("结业记录/")  # a printable completion record per trainee who passed

Scores: an item's *first* attempt (what the quizzes count), its *best* and its *last*; a lesson's
score adds its items', out of the lesson's 满分 (every item it registered, answered or not). The
capstone passes on its best attempt (a passing attempt before a higher failing one). Time spent is
the trainee's stretches of activity in the lesson added up (:meth:`Progress.minutes`). Learning
gain: per clause, the share of the 后测's questions on it right at the first attempt minus the
前测's (items ``post…`` and ``pre…``, :data:`xsim.teaching.answers.QUIZ_FILES`), for each trainee
who took both, and its mean over those trainees for the class.

Files that are not exports (or are damaged, too large, too deeply nested, a link, a pipe or a
device) are skipped and listed as 「无效」 with a Chinese reason in ``summary.skipped`` (and in the
report); one trainee's bad file never stops the class's summary, and nothing a trainer drops into
the folder raises. A trainee who exported twice counts once (the later export); two trainees with
the same name stay two (by their store id).
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xsim.errors import InputError
from xsim.io.files import write_atomic
from xsim.teaching.display import html_table
from xsim.teaching.item_names import item_name
from xsim.teaching.progress import Attempt, Progress, load_export
from xsim.teaching.progress_view import lesson_sort_key

__all__ = [
    "CAPSTONE",
    "MAX_FILES",
    "ClassSummary",
    "class_summary",
    "learning_by_clause",
    "load_exports",
]

MAX_FILES = 1000  # a room is a few dozen trainees; more files than this is not a room's exports

NOT_STARTED, IN_PROGRESS, FINISHED = "未开始", "进行中", "已完成"
INVALID = "无效"  # how an unusable file is marked in the summary
PASSED, FAILED, NOT_DONE = "通过", "未通过", "未做"
CAPSTONE = "capstone"  # the capstone's item id (xsim.teaching.capstone.case.ITEM)
PRE, POST = "pre", "post"  # item prefixes of the 前测 and the 后测 (answers.QUIZ_FILES)
LEARNING_COLUMNS = ["姓名", "条款", "前测", "后测", "提高"]
LEARNING_CLASS_COLUMNS = ["条款", "人数", "前测", "后测", "提高"]

TRAINEE_COLUMNS = [
    "姓名", "已完成课次", "作答次数", "首次得分", "最好得分", "最后得分", "满分", "得分率",
    "用时（分钟）", "综合演练", "综合演练最好得分", "综合演练情景",
]  # fmt: skip
LESSON_COLUMNS = [
    "姓名", "课次", "状态", "首次得分", "最好得分", "最后得分", "满分", "作答次数", "用时（分钟）",
    "综合演练",
]  # fmt: skip


@dataclass
class ClassSummary:
    """The merged room. All tables are pandas DataFrames with Chinese column names."""

    #: per trainee (:data:`TRAINEE_COLUMNS`); 得分率 = best score / 满分; 综合演练 通过/未通过/未做
    #: on the best attempt; 综合演练情景 the trainee's case, to rerun it with
    #: ``capstone.assess(scenario, seed, plan)``
    trainees: Any
    #: per trainee and lesson (:data:`LESSON_COLUMNS`): what :meth:`save_csv` writes
    lessons: Any
    #: trainee × lesson: 已完成 / 进行中 / 未开始
    finished: Any
    #: per question: 课次, 题目 (as the trainee saw it), 条款, 作答人数, 首次答错人数, 答错率, 常见错误答案
    questions: Any
    #: per clause: 条款, 题目数, 作答人次, 首次答错人次, 答错率
    clauses: Any
    #: per trainee and clause (:data:`LEARNING_COLUMNS`): share right at the first attempt in
    #: the 前测 and the 后测, and 提高 = 后测 − 前测 (missing when one of them was not taken)
    learning: Any = None
    #: per clause over the trainees who took both (:data:`LEARNING_CLASS_COLUMNS`): means
    learning_class: Any = None
    #: (file, Chinese reason) for every file that could not be used
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: the trainees as read, and each one's name as shown (for the completion records)
    room: list[Progress] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    def to_html(self, title: str = "班级学习情况汇总") -> str:
        """A self-contained Chinese HTML report (no scripts, nothing fetched), printable."""
        now = dt.datetime.now().strftime("%Y年%m月%d日 %H:%M")
        pct = {"得分率": ".0%", "答错率": ".0%", "前测": ".0%", "后测": ".0%", "提高": "+.0%"}
        parts = [
            "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
            f"<title>{html.escape(title)}</title>",
            "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',"
            "sans-serif;margin:2em;line-height:1.5}h1{font-size:1.6em}h2{font-size:1.25em;"
            "margin-top:1.5em}@media print{body{margin:0}}</style></head><body>",
            f"<h1>{html.escape(title)}</h1>",
            f"<p>学员 {len(self.trainees)} 人；生成时间：{now}。首次得分按每题第一次作答计算，"
            "最好得分、最后得分分别取每题得分最高的一次和最后一次；综合演练按最好的一次判断是否通过。</p>",
            "<h2>一、各学员完成情况</h2>",
            html_table(self.trainees, formats=pct),
            html_table(self.finished, index=True, css=False),
            "<h2>二、各学员各讲得分</h2>",
            html_table(self.lessons, formats=pct, css=False),
        ]
        if self.learning_class is not None and not self.learning_class.empty:
            parts += [
                "<h2>三、学习效果：前测和后测（同一条款、不同题目，按第一次作答的正确率）</h2>",
                "<p>提高 = 后测正确率 − 前测正确率；全班一行只计前测、后测都做了的学员。</p>",
                html_table(self.learning_class, caption="全班", formats=pct, css=False),
                html_table(self.learning, caption="各学员", formats=pct, css=False),
            ]
        parts += [
            "<h2>四、各题常见错误（按答错率从高到低）</h2>",
            html_table(self.questions, formats=pct, css=False),
            "<h2>五、按条款汇总</h2>",
            html_table(self.clauses, formats=pct, css=False),
        ]
        if self.skipped:
            parts.append("<h2>六、未能读取的文件</h2><ul>")
            parts += [
                f"<li>{html.escape(Path(f).name)}：{html.escape(why)}</li>"
                for f, why in self.skipped
            ]
            parts.append("</ul>")
        parts.append("</body></html>")
        return "".join(parts)

    def save_html(self, path: str | Path, title: str = "班级学习情况汇总") -> Path:
        """Write the report (a new or regular file; a link, pipe or device there is refused)."""
        return write_atomic(path, self.to_html(title).encode("utf-8"))

    def csv_text(self) -> str:
        """The per-trainee, per-lesson table as CSV (what :meth:`save_csv` writes)."""
        buffer = io.StringIO()
        self.lessons.to_csv(buffer, index=False)
        return buffer.getvalue()

    def save_csv(self, path: str | Path) -> Path:
        """The per-trainee, per-lesson table as CSV, UTF-8 with a byte-order mark so that
        spreadsheet programs read the Chinese as it is."""
        return write_atomic(path, self.csv_text().encode("utf-8-sig"))

    def capstone_best(self, p: Progress) -> Attempt | None:
        """The trainee's best capstone attempt (what 通过 is judged on), or None."""
        return _capstone_best(p)

    def capstone_case(self, p: Progress) -> str:
        """The trainee's capstone case as a trainer reads it."""
        return _capstone_case(p)

    def passed(self) -> list[Progress]:
        """The trainees whose best capstone attempt passed (those who get a completion record)."""
        return [p for p in self.room if (best := _capstone_best(p)) is not None and best.correct]

    def save_completions(self, folder: str | Path) -> list[Path]:
        """A printable completion record (HTML, A4) for every trainee who passed; returns them."""
        from xsim.teaching.completion import completion_html, completion_name

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        return [
            write_atomic(
                out / completion_name(self.names[p.trainee_id]),
                completion_html(self, p).encode("utf-8"),
            )
            for p in self.passed()
        ]


def load_exports(
    sources: str | Path | Iterable[str | Path],
) -> tuple[list[Progress], list[tuple[str, str]]]:
    """Read exports from a folder (its ``*.json`` files) or a list of files.

    Returns (one :class:`Progress` per trainee, skipped files with a Chinese reason)."""
    if isinstance(sources, (str, Path)) and Path(sources).is_dir():
        files = sorted(Path(sources).glob("*.json"))[: MAX_FILES + 1000]
    elif isinstance(sources, (str, Path)):
        files = [Path(sources)]
    else:
        files = [Path(s) for s in sources]
    skipped: list[tuple[str, str]] = []
    if len(files) > MAX_FILES:
        skipped += [(str(f), f"文件过多，只读取前 {MAX_FILES} 个") for f in files[MAX_FILES:]]
        files = files[:MAX_FILES]
    latest: dict[str, Progress] = {}
    for f in files:
        try:
            p = load_export(f)
        except InputError as err:
            where = f"（字段「{err.field}」）" if err.field else ""
            skipped.append((str(f), f"{INVALID}：{err.expected_zh or err.expected_en}{where}"))
            continue
        except Exception as exc:  # one trainee's file never stops the room's summary
            skipped.append((str(f), f"{INVALID}：文件无法读取（{type(exc).__name__}）"))
            continue
        known = latest.get(p.trainee_id)
        if known is None or p.updated >= known.updated:
            latest[p.trainee_id] = p
    return list(latest.values()), skipped


def class_summary(sources: str | Path | Iterable[Any]) -> ClassSummary:
    """Merge a room's exports (a folder, files, or :class:`Progress` objects) into a summary."""
    import pandas as pd

    items = list(sources) if not isinstance(sources, (str, Path)) else None
    if items is not None and all(isinstance(s, Progress) for s in items):
        room, skipped = items, []
    else:
        room, skipped = load_exports(sources if items is None else items)
    names = _display_names(room)
    lessons = sorted(
        {a.lesson for p in room for a in p.attempts} | {ls for p in room for ls in p.items},
        key=lesson_sort_key,
    )
    expected = {ls: set().union(*(set(p.items.get(ls, [])) for p in room)) for ls in lessons}

    trainee_rows, lesson_rows, finished_rows = [], [], {}
    question: dict[tuple[str, str], dict[str, Any]] = {}
    for p in room:
        by_item = _attempts_by_item(p)
        status, totals = {}, Counter()
        for ls in lessons:
            mine = {item: a for (lesson, item), a in by_item.items() if lesson == ls}
            if not mine:
                status[ls] = NOT_STARTED
            elif expected[ls] and expected[ls] <= set(mine):
                status[ls] = FINISHED
            else:
                status[ls] = IN_PROGRESS
            row = _lesson_row(p, ls, mine)
            if mine or p.items.get(ls):
                lesson_rows.append({"姓名": names[p.trainee_id], "状态": status[ls], **row})
            for key in ("首次得分", "最好得分", "最后得分", "满分", "作答次数", "用时（分钟）"):
                totals[key] += row[key]
        finished_rows[names[p.trainee_id]] = status
        best = _capstone_best(p)
        trainee_rows.append(
            {
                "姓名": names[p.trainee_id],
                "已完成课次": sum(s == FINISHED for s in status.values()),
                **{k: round(v, 2) for k, v in totals.items()},
                "得分率": totals["最好得分"] / totals["满分"] if totals["满分"] else float("nan"),
                "综合演练": NOT_DONE if best is None else PASSED if best.correct else FAILED,
                "综合演练最好得分": None if best is None else round(best.points, 1),
                "综合演练情景": _capstone_case(p),
            }
        )
        for (ls, item), tries in by_item.items():
            a = tries[0]
            q = question.setdefault(
                (ls, item), {"clause": "", "answered": 0, "wrong": 0, "answers": Counter()}
            )
            q["clause"] = q["clause"] or a.clause
            q["answered"] += 1
            if not a.correct:
                q["wrong"] += 1
                q["answers"][a.answer or "（未作答）"] += 1

    trainees = pd.DataFrame(trainee_rows, columns=TRAINEE_COLUMNS)
    if not trainees.empty:
        trainees = trainees.sort_values(["已完成课次", "最好得分"], ascending=False, kind="stable")
    lesson_table = pd.DataFrame(lesson_rows, columns=LESSON_COLUMNS)
    finished = pd.DataFrame.from_dict(finished_rows, orient="index", columns=lessons)
    finished.index.name = "姓名"
    questions, clauses = _mistakes(question)
    learning, learning_class = _learning(room, names)
    return ClassSummary(
        trainees.reset_index(drop=True),
        lesson_table,
        finished,
        questions,
        clauses,
        learning,
        learning_class,
        skipped,
        room,
        names,
    )


def _attempts_by_item(p: Progress) -> dict[tuple[str, str], list[Attempt]]:
    """Each (lesson, item)'s attempts in the order given (the store keeps the first and the
    latest ones)."""
    out: dict[tuple[str, str], list[Attempt]] = defaultdict(list)
    for a in p.attempts:
        out[(a.lesson, a.item)].append(a)
    return dict(out)


def _lesson_row(p: Progress, lesson: str, mine: dict[str, list[Attempt]]) -> dict[str, Any]:
    first = sum(t[0].points for t in mine.values())
    best = sum(max(a.points for a in t) for t in mine.values())
    last = sum(t[-1].points for t in mine.values())
    capstone = _capstone_best(p) if lesson == _capstone_lesson(p) else None
    return {
        "课次": lesson,
        "首次得分": round(first, 2),
        "最好得分": round(best, 2),
        "最后得分": round(last, 2),
        "满分": round(p.full_marks(lesson), 2),
        "作答次数": sum(len(t) for t in mine.values()),
        "用时（分钟）": round(p.minutes(lesson)),
        "综合演练": "" if capstone is None else PASSED if capstone.correct else FAILED,
    }


def _capstone_lesson(p: Progress) -> str | None:
    return next((a.lesson for a in p.attempts if a.item == CAPSTONE), None)


def _capstone_best(p: Progress) -> Attempt | None:
    """The capstone's best attempt: a passing one before any failing one, then the most points."""
    tries = [a for a in p.attempts if a.item == CAPSTONE]
    return max(tries, key=lambda a: (a.correct, a.points)) if tries else None


def _mistakes(question: dict[tuple[str, str], dict[str, Any]]):
    import pandas as pd

    q_rows = [
        {
            "课次": ls,
            "题目": item_name(ls, item),
            "条款": q["clause"] or "—",
            "作答人数": q["answered"],
            "首次答错人数": q["wrong"],
            "答错率": q["wrong"] / q["answered"],
            "常见错误答案": "；".join(f"{a}（{n}人）" for a, n in q["answers"].most_common(2))
            or "—",
        }
        for (ls, item), q in question.items()
    ]
    questions = pd.DataFrame(
        q_rows,
        columns=["课次", "题目", "条款", "作答人数", "首次答错人数", "答错率", "常见错误答案"],
    )
    if not questions.empty:
        questions = questions.sort_values(
            ["答错率", "首次答错人数"], ascending=False, kind="stable"
        ).reset_index(drop=True)
    by_clause: dict[str, dict[str, int]] = {}
    for row in q_rows:
        c = by_clause.setdefault(row["条款"], {"题目数": 0, "作答人次": 0, "首次答错人次": 0})
        c["题目数"] += 1
        c["作答人次"] += row["作答人数"]
        c["首次答错人次"] += row["首次答错人数"]
    clauses = pd.DataFrame(
        [
            {"条款": k, **v, "答错率": v["首次答错人次"] / v["作答人次"]}
            for k, v in by_clause.items()
        ],
        columns=["条款", "题目数", "作答人次", "首次答错人次", "答错率"],
    )
    if not clauses.empty:
        clauses = clauses.sort_values("答错率", ascending=False, kind="stable").reset_index(
            drop=True
        )
    return questions, clauses


def learning_by_clause(p: Progress) -> dict[str, dict[str, float]]:
    """One trainee's 前测 and 后测 per clause: the share of that clause's questions right at the
    first attempt (``{"§4.2": {"pre": 0.5, "post": 1.0}}``; a side not taken is absent)."""
    tally: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    for (_, item), a in p.first_attempts().items():
        for side in (PRE, POST):
            if item.startswith(side) and item[len(side) :].isdigit() and a.clause:
                tally[a.clause][side].append(a.correct)
    return {
        clause: {side: sum(v) / len(v) for side, v in sides.items()}
        for clause, sides in tally.items()
    }


def _learning(room: list[Progress], names: dict[str, str]):
    import pandas as pd

    rows = []
    for p in room:
        for clause, sides in sorted(learning_by_clause(p).items()):
            pre, post = sides.get(PRE), sides.get(POST)
            gain = post - pre if pre is not None and post is not None else None
            rows.append([names[p.trainee_id], clause, pre, post, gain])
    learning = pd.DataFrame(rows, columns=LEARNING_COLUMNS)
    both = learning.dropna(subset=["提高"])
    per_clause = [
        [clause, len(g), g["前测"].mean(), g["后测"].mean(), g["提高"].mean()]
        for clause, g in both.groupby("条款", sort=True)
    ]
    return learning, pd.DataFrame(per_clause, columns=LEARNING_CLASS_COLUMNS)


def _display_names(room: list[Progress]) -> dict[str, str]:
    """Each trainee's name as shown; unnamed ones and namesakes get a short distinguishing tag."""
    counts = Counter(p.trainee for p in room)
    names = {}
    for p in room:
        name = p.trainee or f"未署名（{p.trainee_id[:6]}）"
        if p.trainee and counts[p.trainee] > 1:
            name = f"{p.trainee}（{p.trainee_id[:6]}）"
        names[p.trainee_id] = name
    return names


def _capstone_case(p: Progress) -> str:
    """The trainee's capstone case as a trainer reads it: 情景 title and 情景编号 (the seed)."""
    case = p.cases.get("capstone")
    if case is None:
        return "—"
    from xsim.sim.scenario import bundled_names, load_scenario

    # only a scenario of the library is looked up: an export is a trainee's file, never a path
    # for the trainer's machine to open
    name = case["scenario"]
    title = load_scenario(name).title if name in bundled_names() else name
    return f"{title}（情景编号 {case['seed']}）"
