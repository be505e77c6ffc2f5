"""What a trainer reads for an exercise item of the progress store: a human Chinese name.

The store keeps stable ids (``q3``, ``step2``, ``spot07``); the trainer's view names each by what
the trainee saw — 「自测第 3 题：召集村民会议，应当提前几天通知村民？」, 「找问题：某村村道硬化协商记录」 —
from the lesson's own files (``quiz.yaml``, ``exercises.yaml``, ``steps.yaml``, the example
records). An item whose files are missing falls back to its kind (「程序演练第 2 步」); an id no exercise
uses is shown as it is. Lesson-independent names of record fields with an index say which one
in words: 「第3个利益相关群体：底层住户」 (:func:`xsim.teaching.findings.record_item_name`).
"""

from __future__ import annotations

import contextlib
import re
from functools import cache

from xsim.teaching.progress_view import item_title

__all__ = ["item_name", "item_names"]

NAME_CHARS = 28  # a name's own words are cut here (the trainer reads a table, not the exercise)


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"


@cache
def item_names(lesson: str) -> dict[str, str]:
    """Item id → human name for the items of ``lesson`` that its files describe."""
    from xsim.teaching import lessons as L

    names: dict[str, str] = {}

    def quiz(file: str, prefix: str, kind: str) -> None:
        path = L.lesson_file(lesson, file)
        if path.exists():
            for i, q in enumerate(L.load_quiz_file(path).questions, 1):
                names[f"{prefix}{i}"] = f"{kind}第 {i} 题：{_short(q.prompt)}"

    def part(build) -> None:
        # a lesson without these files (or a trainer's copy of another course) keeps kind names
        with contextlib.suppress(Exception):
            build()

    part(lambda: quiz("quiz.yaml", "q", "自测"))
    part(lambda: quiz("pretest.yaml", "pre", "前测"))
    part(lambda: quiz("posttest.yaml", "post", "后测"))

    def exercises() -> None:
        data = L.lesson_exercises(lesson)
        for i, c in enumerate(data.lead_cases or [], 1):
            names[f"lead{i}"] = f"由谁牵头第 {i} 题：{_short(c.text)}"
        for i, s in enumerate(data.form_situations or [], 1):
            names[f"form{i}"] = f"什么事用什么形式第 {i} 题：{_short(s.text)}"
        for i, c in enumerate(data.calculations or [], 1):
            names[f"calc{i}"] = f"算一算第 {i} 题：{_short(c.prompt)}"

    def steps() -> None:
        path = L.lesson_file(lesson, "steps.yaml")
        if path.exists():
            for i, step in enumerate(L.load_steps_file(path).steps, 1):
                names[f"step{i}"] = f"程序演练第 {i} 步：{_short(step.title)}"

    part(exercises)
    part(steps)
    return names


@cache
def _record_title(name: str) -> str:
    from xsim.teaching.examples import example_record

    return str(example_record(name)["title"])


def item_name(lesson: str, item: str) -> str:
    """The human name of one item: from the lesson's files, an example record's title for a
    找问题 exercise, else its kind (:func:`~xsim.teaching.progress_view.item_title`)."""
    name = item_names(lesson).get(item)
    if name:
        return name
    m = re.fullmatch(r"spot(\w+)", item)
    if m:
        try:
            return f"找问题：{_short(_record_title(m.group(1)))}"
        except Exception:  # noqa: BLE001 - an example the trainer's copy lacks
            pass
    return item_title(item)
