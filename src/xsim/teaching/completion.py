"""A printable completion record (结业记录) for a trainee who passed the capstone.

One self-contained HTML page (A4, no scripts, nothing fetched; the browser prints it): the
trainee's name, the course, each lesson's status, best score and time, the capstone's case and
best attempt, and the 前测 → 后测 result per clause. Written by
:meth:`xsim.teaching.classroom.ClassSummary.save_completions` for every trainee whose best capstone
attempt passed; the numbers are the class summary's, so the record and the trainer's table agree.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from xsim.teaching.display import html_table

__all__ = ["completion_html", "completion_name"]

PAGE_CSS = (
    "@page{size:A4;margin:20mm 18mm}body{font-family:'Noto Sans CJK SC','Microsoft YaHei',"
    "'PingFang SC',sans-serif;line-height:1.6;color:#111;margin:0 auto;max-width:48em}"
    "h1{text-align:center;font-size:1.7em;letter-spacing:.3em;margin:0.5em 0}"
    ".who{text-align:center;font-size:1.2em}.sign{margin-top:3em;text-align:right}"
    "table{width:100%}"
)


def completion_name(name: str) -> str:
    """The record's file name: 结业记录_<姓名>.html (characters a file name cannot hold → _)."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", name) or "学员"
    return f"结业记录_{safe}.html"


def _course() -> tuple[str, dict[str, str]]:
    """The course's title and each lesson's name (「第 03 讲 协商形式」) by its id."""
    try:
        from xsim.teaching.lessons import load_toc

        toc = load_toc()
        return toc.title, {e.id: f"第 {e.id} 讲 {e.title}" for e in toc.lessons}
    except Exception:  # noqa: BLE001 - a trainer's copy without the course keeps plain names
        return "城乡社区协商培训课程", {}


def completion_html(summary: Any, p: Any) -> str:
    """The completion record of ``p`` (a :class:`~xsim.teaching.progress.Progress` of
    ``summary``, a :class:`~xsim.teaching.classroom.ClassSummary`); ``ValueError`` unless the
    trainee's best capstone attempt passed."""
    name = summary.names[p.trainee_id]
    best = summary.capstone_best(p)
    if best is None or not best.correct:
        raise ValueError("a completion record is only for a trainee whose capstone passed")
    when = (best.at if best is not None else p.updated)[:10]
    try:
        day = dt.date.fromisoformat(when)
        when = f"{day.year}年{day.month}月{day.day}日"
    except ValueError:
        when = "—"
    lessons = summary.lessons
    course, lesson_names = _course()
    mine = lessons[lessons["姓名"] == name][["课次", "状态", "最好得分", "满分", "用时（分钟）"]]
    mine = mine.assign(课次=[lesson_names.get(ls, ls) for ls in mine["课次"]])
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>结业记录：{html.escape(name)}</title><style>{PAGE_CSS}</style></head><body>",
        "<h1>结业记录</h1>",
        f"<p class='who'>学员 <b>{html.escape(name)}</b> 参加了《{html.escape(course)}》"
        f"的学习，综合演练考核通过。</p>",
        "<h2>各讲学习情况</h2>",
        html_table(mine),
        "<h2>综合演练</h2>",
        f"<p>情景：{html.escape(summary.capstone_case(p))}；最好成绩 "
        f"{best.points:g} 分（满分 {best.max_points:g}），通过日期 {when}。</p>",
    ]
    learning = summary.learning
    if learning is not None and not learning.empty:
        own = learning[learning["姓名"] == name][["条款", "前测", "后测", "提高"]]
        if not own.empty:
            parts += [
                "<h2>学习效果：前测和后测（按条款，第一次作答的正确率）</h2>",
                html_table(own, formats={"前测": ".0%", "后测": ".0%", "提高": "+.0%"}, css=False),
            ]
    parts += [
        f"<p class='sign'>培训单位（盖章）：__________________<br>日期：{when}</p>",
        "<p style='color:#666;font-size:0.85em'>本记录根据学员导出的学习进度生成；"
        "各讲得分取每题最好的一次作答。</p></body></html>",
    ]
    return "".join(parts)
