"""A trainer's view of the room: merge the trainees' progress exports into a class summary.

Each trainee exports one file (:func:`xsim.teaching.progress.export`); the trainer collects them
in a folder and runs, in the trainer notebook::

    from xsim.teaching.classroom import class_summary
    summary = class_summary("收上来的进度文件/")
    summary.finished        # who finished which lesson (pandas DataFrame)
    summary.questions       # common mistakes per question (first attempts)
    summary.clauses         # mistakes per clause of the notice or law
    summary.save_html("班级汇总.html")   # a small Chinese report to print or project

Files that are not exports (or are damaged, too large, too deeply nested, a link, a pipe or a
device) are skipped and listed as 「无效」 with a Chinese reason in ``summary.skipped`` (and in the
report); one trainee's bad file never stops the class's summary, and nothing a trainer drops into
the folder raises. A trainee who exported twice
counts once (the later export); two trainees with the same name stay two (by their store id).
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xsim.errors import InputError
from xsim.io.files import write_atomic
from xsim.teaching.display import html_table
from xsim.teaching.progress import Progress, item_title, lesson_sort_key, load_export

__all__ = ["MAX_FILES", "ClassSummary", "class_summary", "load_exports"]

MAX_FILES = 1000  # a room is a few dozen trainees; more files than this is not a room's exports

NOT_STARTED, IN_PROGRESS, FINISHED = "未开始", "进行中", "已完成"
INVALID = "无效"  # how an unusable file is marked in the summary


@dataclass
class ClassSummary:
    """The merged room. All tables are pandas DataFrames with Chinese column names."""

    #: per trainee: 姓名, 已完成课次, 已答题数, 首次答对, 得分, 满分, 得分率, 综合演练情景 (the
    #: trainee's capstone case, to rerun it: ``capstone.assess(scenario, seed, plan)``)
    trainees: Any
    #: trainee × lesson: 已完成 / 进行中 / 未开始
    finished: Any
    #: per question: 课次, 题目, 条款, 作答人数, 首次答错人数, 答错率, 常见错误答案
    questions: Any
    #: per clause: 条款, 题目数, 作答人次, 首次答错人次, 答错率
    clauses: Any
    #: (file, Chinese reason) for every file that could not be used
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def to_html(self, title: str = "班级学习情况汇总") -> str:
        """A small self-contained Chinese HTML report (no scripts, nothing fetched)."""
        now = dt.datetime.now().strftime("%Y年%m月%d日 %H:%M")
        parts = [
            "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
            f"<title>{html.escape(title)}</title>",
            "<style>body{font-family:'Noto Sans CJK SC','Microsoft YaHei','PingFang SC',"
            "sans-serif;margin:2em;line-height:1.5}h1{font-size:1.6em}h2{font-size:1.25em;"
            "margin-top:1.5em}</style></head><body>",
            f"<h1>{html.escape(title)}</h1>",
            f"<p>学员 {len(self.trainees)} 人；生成时间：{now}。得分按每题第一次作答计算。</p>",
            "<h2>一、各学员完成情况</h2>",
            html_table(self.trainees, formats={"得分率": ".0%"}),
            html_table(self.finished, index=True, css=False),
            "<h2>二、各题常见错误（按答错率从高到低）</h2>",
            html_table(self.questions, formats={"答错率": ".0%"}, css=False),
            "<h2>三、按条款汇总</h2>",
            html_table(self.clauses, formats={"答错率": ".0%"}, css=False),
        ]
        if self.skipped:
            parts.append("<h2>四、未能读取的文件</h2><ul>")
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

    trainee_rows, finished_rows = [], {}
    question: dict[tuple[str, str], dict[str, Any]] = {}
    for p in room:
        first = p.first_attempts()
        status = {}
        for ls in lessons:
            answered = {item for (lesson, item) in first if lesson == ls}
            if not answered:
                status[ls] = NOT_STARTED
            elif expected[ls] and expected[ls] <= answered:
                status[ls] = FINISHED
            else:
                status[ls] = IN_PROGRESS
        finished_rows[names[p.trainee_id]] = status
        score = sum(a.points for a in first.values())
        full = sum(a.max_points for a in first.values())
        trainee_rows.append(
            {
                "姓名": names[p.trainee_id],
                "已完成课次": sum(s == FINISHED for s in status.values()),
                "已答题数": len(first),
                "首次答对": sum(a.correct for a in first.values()),
                "得分": round(score, 2),
                "满分": round(full, 2),
                "得分率": score / full if full else float("nan"),
                "综合演练情景": _capstone_case(p),
            }
        )
        for (ls, item), a in first.items():
            q = question.setdefault(
                (ls, item), {"clause": "", "answered": 0, "wrong": 0, "answers": Counter()}
            )
            q["clause"] = q["clause"] or a.clause
            q["answered"] += 1
            if not a.correct:
                q["wrong"] += 1
                q["answers"][a.answer or "（未作答）"] += 1

    trainees = pd.DataFrame(
        trainee_rows,
        columns=[
            "姓名",
            "已完成课次",
            "已答题数",
            "首次答对",
            "得分",
            "满分",
            "得分率",
            "综合演练情景",
        ],  # fmt: skip
    )
    if not trainees.empty:
        trainees = trainees.sort_values(["已完成课次", "得分"], ascending=False, kind="stable")
    finished = pd.DataFrame.from_dict(finished_rows, orient="index", columns=lessons)
    finished.index.name = "姓名"

    q_rows = [
        {
            "课次": ls,
            "题目": item_title(item),
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
    return ClassSummary(trainees.reset_index(drop=True), finished, questions, clauses, skipped)


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
