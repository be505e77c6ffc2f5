"""The example case records (``examples/records``) as exercises: their findings, fixing them,
finding their faults.

- :func:`example_names`, :func:`example_record`, :func:`case_report` — the records and the
  engine's report on one of them (static);
- :class:`ExampleCases` — a drop-down of the records and their findings;
- :class:`RecordFixExercise` (:func:`editor`) — fix a record, re-check;
- :class:`SpotExercise` — tick the faults of a record; the faults offered are the lesson's
  ``spot_codes`` (``exercises.yaml``), the key is the engine's findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from xsim.errors import InputError
from xsim.teaching.common import (
    HtmlBlock,
    TeachingWidget,
    bad_html,
    button,
    esc,
    note_html,
    ok_html,
    on_busy_click,
    rule_title_zh,
    safe_callback,
)
from xsim.teaching.findings import RecordEditor, check_dict, report_html

__all__ = [
    "ExampleCases",
    "RecordFixExercise",
    "SpotExercise",
    "case_report",
    "clauses_zh",
    "editor",
    "example_names",
    "example_record",
]


def _records_dir() -> Path:
    """The example case records: packaged copy if any, else the project's ``examples/records``."""
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[1] / "data" / "records",
        here.parents[3] / "examples" / "records",
        Path.cwd().parent / "examples" / "records",
    ):
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    raise InputError(
        "examples/records", "", "the example case records", "找不到示例协商记录（examples/records）"
    )


def example_names() -> list[str]:
    """File stems of the example records, in order (``01-elevator-compliant`` …)."""
    return sorted(p.stem for p in _records_dir().glob("*.yaml"))


def example_record(name: str) -> dict[str, Any]:
    """An example record as a plain dict (``name``: stem, or its number prefix ``"07"``)."""
    from xsim.records import load_record, record_to_dict

    matches = [n for n in example_names() if n == name or n.startswith(f"{name}-")]
    if len(matches) != 1:
        raise InputError(
            "examples/records",
            "name",
            f"one of {example_names()}",
            f"示例记录应为以下之一：{'、'.join(example_names())}",
        )
    return record_to_dict(load_record(_records_dir() / f"{matches[0]}.yaml"))


class ExampleCases(TeachingWidget):
    """A drop-down of the example records; choosing one shows its findings grouped by step."""

    kind_zh = "案例检查"

    def __init__(self, names: Sequence[str] | None = None, title: str = "示例协商记录的检查结果"):
        super().__init__()
        self.names = list(names) if names is not None else example_names()
        self.records = {n: example_record(n) for n in self.names}
        options = [(f"{self.records[n]['title']}", n) for n in self.names]
        self.picker = widgets.Dropdown(
            options=options, value=None, description="选择案例", layout=widgets.Layout(width="36em")
        )
        self.picker.observe(self._on_pick, names="value")
        self.summary = widgets.HTML("")
        self.body = widgets.HTML("")
        self.children = [
            widgets.HTML(f"<h4>{esc(title)}</h4>"),
            self.picker,
            self.status,
            self.summary,
            self.body,
        ]

    def show(self, name: str) -> None:
        """Select a case by name (tests, demos)."""
        self.picker.value = name

    @safe_callback
    def _on_pick(self, change=None) -> None:
        name = self.picker.value
        if name is None:
            return
        record = self.records[name]
        report = check_dict(record, source=f"{name}.yaml")
        self.report = report
        self.summary.value = note_html(esc(_case_summary(record)))
        self.body.value = report_html(report)


def _case_summary(record: dict[str, Any]) -> str:
    from xsim.teaching.common import FORM_ZH

    forms = "、".join(FORM_ZH.get(f, f) for f in record["consultation"]["forms"])
    setting = "农村" if record["setting"] == "village" else "城市社区"
    return (
        f"{setting}｜议题：{record['topic']['title']}｜协商形式：{forms}｜"
        f"18周岁以上村（居）民 {record['population']['residents']} 人"
    )


def case_report(name: str) -> HtmlBlock:
    """The engine's report on one example record (static: its text is compared by nbval)."""
    record = example_record(name)
    report = check_dict(record, source=f"{name}.yaml")
    lines = [f"{record['title']}：" + ("符合要求" if report.compliant else "不符合要求")]
    lines += [f"{f.severity} {f.code} [{f.clause}] {f.message_zh}" for f in report.findings]
    return HtmlBlock(
        note_html(esc(_case_summary(record))) + report_html(report, record=record), "\n".join(lines)
    )


def editor(name: str, lesson: str | None = None):
    """A record editor on an example record: the trainee fixes it and re-checks; each check is
    saved to the trainee's progress under ``lesson`` (right when no violation is left)."""
    return RecordFixExercise(example_record(name), title="改一改这份记录，再检查", lesson=lesson)


class RecordFixExercise(RecordEditor):
    """The record editor as an exercise: every 重新检查 is an attempt, right when the engine
    finds no violation left; the clause is that of the faults the record starts with."""

    def __init__(
        self, record: dict[str, Any], title: str, lesson: str | None = None, item: str = "fix"
    ):
        super().__init__(record, title=title)
        self.item = item
        self.clause = clauses_zh(f.clause for f in check_dict(record).violations)
        self.track(lesson, [item])
        self.recall()

    def answer_text(self) -> str:
        """What the form now says, in Chinese (the trainee's answer)."""
        from xsim.teaching.common import FEEDBACK_ZH, FORM_ZH, OUTCOME_ZH

        def day(d) -> str:
            return f"{d.month}月{d.day}日" if d is not None else "未填"

        forms = "、".join(FORM_ZH.get(f, f) for f in self.forms.value) or "未选"
        feedback = "、".join(FEEDBACK_ZH.get(f, f) for f in self.feedback.value) or "无"
        return (
            f"征求意见：{'是' if self.solicited.value else '否'}；"
            f"通报 {day(self.notified.value)}，协商 {day(self.consulted.value)}，"
            f"公开 {day(self.publicized.value)}；形式：{forms}；"
            f"结果：{OUTCOME_ZH.get(self.outcome.value, '未选')}；反馈给：{feedback}；"
            f"不同意见 {self.dissenters.value} 人，已解释 {self.explained.value} 人"
        )

    @safe_callback
    def _on_check(self, _button=None) -> None:
        self.clear_status()
        self.viewer.body.value = ""
        data = self.to_dict()
        report = check_dict(data)
        self.viewer.show(report, data)
        self.save_answer(self.item, report.compliant, self.answer_text(), clause=self.clause)


class SpotExercise(TeachingWidget):
    """Read an example record, tick the problems you see; the engine's findings are the key.

    The problems offered are the lesson's ``spot_codes`` (``exercises.yaml``), by their Chinese
    titles. A wrong first try says how many were missed and which ticks are wrong, never the
    missing ones; they and the engine's report come after the second try or a right one."""

    kind_zh = "找问题练习"

    def __init__(self, name: str, codes: Sequence[str] | None = None, lesson: str | None = None):
        super().__init__()
        self.spot_item = f"spot{name}"  # the progress-store id of this exercise
        self.track(lesson, [self.spot_item])
        from xsim.rules import RULES
        from xsim.teaching.findings import record_table_html

        if codes is None:
            from xsim.teaching.lessons import exercise_data

            codes = exercise_data(lesson, "spot_codes")
        self.name = [n for n in example_names() if n == name or n.startswith(f"{name}-")][0]
        self.record = example_record(self.name)
        self.truth = {f.code for f in check_dict(self.record).findings if f.severity == "violation"}
        self.codes = list(codes)
        self.attempts = 0
        self.boxes = [
            widgets.Checkbox(
                value=False,
                indent=False,
                layout=widgets.Layout(width="auto"),
                description=RULES[c].title_zh,
            )
            for c in self.codes
        ]
        self.submit = button("提交答案")
        on_busy_click(self.submit, self._on_submit)
        self.feedback = widgets.HTML("")
        self.children = [
            widgets.HTML(
                f"<h4>找问题：{esc(self.record['title'])}</h4>"
                f"<details open><summary>协商记录</summary>{record_table_html(self.record)}</details>"
                "<div>这份记录有哪些违规？勾选您发现的问题（可多选），点击“提交答案”。</div>"
            ),
            *self.boxes,
            self.submit,
            self.status,
            self.feedback,
        ]
        self.remembered = ("boxes", "feedback", "attempts")
        self.recall()

    def select(self, *codes: str) -> None:
        for c, b in zip(self.codes, self.boxes, strict=True):
            b.value = c in codes

    @safe_callback
    def _on_submit(self, _button=None) -> None:
        from xsim.rules import RULES
        from xsim.teaching.answers import REVEAL_AFTER_WRONG

        self.clear_status()
        chosen = {c for c, b in zip(self.codes, self.boxes, strict=True) if b.value}
        if not chosen:
            self.show_error("请至少勾选一项，再点击「提交答案」。")
            return
        self.attempts += 1
        hits, misses, wrong = chosen & self.truth, self.truth - chosen, chosen - self.truth
        self.correct = not misses and not wrong
        revealed = self.correct or self.attempts >= REVEAL_AFTER_WRONG

        def titles(codes: set[str]) -> str:  # the rules by their Chinese titles, never by code
            return "；".join(f"“{rule_title_zh(c)}”" for c in sorted(codes))

        parts = []
        if self.correct:
            parts.append(ok_html("✔ 完全正确！"))
        if hits:
            parts.append(ok_html("找对了：" + esc(titles(hits))))
        if wrong:
            parts.append(bad_html("这份记录没有这些问题：" + esc(titles(wrong))))
        if misses and revealed:
            parts.append(bad_html("漏掉了：" + esc(titles(misses))))
        elif misses:
            parts.append(
                bad_html(
                    f"还漏掉了 {len(misses)} 个问题。再对照记录读一读，改选后再提交一次"
                    "（再答错一次将显示答案）。"
                )
            )
        clauses = clauses_zh(RULES[c].clause for c in self.truth if c in RULES)
        self.save_answer(self.spot_item, self.correct, titles(chosen), clause=clauses)
        if revealed:
            report = check_dict(self.record)
            parts.append("<h5>规则引擎的检查结果</h5>" + report_html(report, record=self.record))
        self.feedback.value = "".join(parts)


def clauses_zh(clause_ids) -> str:
    """The clauses an exercise trains, as the trainer's class summary groups them: a notice
    clause by its id (``§4.2``), a law article by its Chinese citation; several joined by ；."""
    from xsim.teaching.common import clause_citation_zh

    names = {c if c.startswith("§") else clause_citation_zh(c) for c in clause_ids}
    return "；".join(sorted(names))
