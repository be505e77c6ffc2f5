"""Procedure stepper: the four steps of §4 and the special cases §4.5 / §4.6, one choice at a time.

For notebook authors::

    from xsim.teaching import ProcedureStepper
    ProcedureStepper(record_dict, steps=[Step(...), ...])
    lesson_stepper("04")                      # a lesson's steps.yaml (``course.stepper("04")``)

Each :class:`Step` quotes its clause in Chinese, asks the organizer's question and offers
:class:`Choice` s. A choice is a *patch* on the case record (dotted paths, see
:func:`xsim.teaching.cases.apply_patch`). On 确定 the stepper applies the patch to the record built
so far, validates it and runs the real rules engine; the feedback lists the findings whose codes
belong to this step (``Step.codes``) — or says the choice fits the notice — followed by the choice's
explanation. After the last step the whole report is shown (``self.viewer``). Choices stay
changeable: going back and choosing again rebuilds the record from the base.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from xsim.teaching.cases import apply_patch
from xsim.teaching.common import (
    TeachingWidget,
    bad_html,
    button,
    clause_quote_html,
    esc,
    ok_html,
    on_busy_click,
    safe_callback,
)
from xsim.teaching.findings import FindingsViewer, check_dict, finding_html


@dataclass
class Choice:
    """An option at a step: Chinese label, the record patch it means, why (shown after choosing)."""

    label: str
    patch: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""
    best: bool = False  # the reference choice (shown in the trainer edition)


@dataclass
class Step:
    """One step of the procedure: clause id, title, the organizer's question, choices, codes."""

    clause: str
    title: str
    question: str
    choices: list[Choice]
    codes: tuple[str, ...]


def steps_from_spec(spec) -> list[Step]:
    """The steps a :class:`xsim.teaching.lessons.StepsFile` (a lesson's steps.yaml) describes."""
    return [
        Step(
            s.clause,
            s.title,
            s.question,
            [Choice(c.label, dict(c.set), c.explanation, c.best) for c in s.choices],
            tuple(s.codes),
        )
        for s in spec.steps
    ]


def lesson_stepper(lesson: str, title: str | None = None) -> ProcedureStepper:
    """The walk-through of a lesson's ``steps.yaml``: its base record (``record:``), its steps
    and its title; each confirmed choice is saved under ``lesson``."""
    from xsim.teaching.cases import base_record
    from xsim.teaching.lessons import lesson_file, load_steps_file

    spec = load_steps_file(lesson_file(lesson, "steps.yaml"))
    return ProcedureStepper(
        base_record(spec.record), steps_from_spec(spec), title=title or spec.title, lesson=lesson
    )


class ProcedureStepper(TeachingWidget):
    """Walks a trainee through the steps; each choice is checked by the rules engine at once."""

    kind_zh = "协商程序演练"

    def __init__(
        self,
        record: dict[str, Any],
        steps: list[Step],
        title: str = "协商程序演练：你来当组织者",
        lesson: str | None = None,
    ):
        super().__init__()
        self.base = record
        self.steps = steps
        self.track(lesson, [self.item_id(i) for i in range(len(self.steps))])
        self.step_ok: bool | None = None  # whether the engine found no fault at the shown step
        self.picks: list[int | None] = [None] * len(self.steps)
        self.index = 0
        self.header = widgets.HTML("")
        self.clause = widgets.HTML("")
        self.question = widgets.HTML("")
        self.options = widgets.RadioButtons(
            options=[], value=None, layout=widgets.Layout(width="auto")
        )
        self.confirm = button("确定")
        self.back = button("上一步", style="")
        self.next = button("下一步", style="")
        self.feedback = widgets.HTML("")
        self.choices_html = widgets.HTML("")
        self.viewer = FindingsViewer(title="整个协商的检查结果")
        self.viewer.layout.display = "none"
        on_busy_click(self.confirm, self._on_confirm)
        on_busy_click(self.back, self._on_back)
        on_busy_click(self.next, self._on_next)
        self.children = [
            widgets.HTML(f"<h4>{esc(title)}</h4>"),
            self.header,
            self.clause,
            self.question,
            self.options,
            widgets.HBox([self.back, self.confirm, self.next]),
            self.status,
            self.feedback,
            self.choices_html,
            self.viewer,
        ]
        self._render()
        self.remembered = ("picks", "index")
        self.recall()

    def after_recall(self) -> None:
        """The step the trainee was at, with its feedback; the whole check when all are done."""
        n = len(self.steps)
        self.picks = [
            p if isinstance(p, int) and 0 <= p < len(s.choices) else None
            for p, s in zip((list(self.picks) + [None] * n)[:n], self.steps, strict=True)
        ]
        self.index = self.index if isinstance(self.index, int) and 0 <= self.index < n else 0
        self._render()
        if all(p is not None for p in self.picks):
            data = self.record_dict()
            report = check_dict(data)
            self.viewer.show(report, data)
            self.viewer.layout.display = None
            self.choices_html.value = self._choices_summary(report)

    # --- state ------------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.steps[self.index]

    def record_dict(self, upto: int | None = None) -> dict[str, Any]:
        """The base record with the choices of steps ``0..upto`` applied (all by default)."""
        data = self.base
        last = len(self.steps) - 1 if upto is None else upto
        for i, pick in enumerate(self.picks[: last + 1]):
            if pick is not None:
                data = apply_patch(data, self.steps[i].choices[pick].patch)
        return data

    @staticmethod
    def item_id(index: int) -> str:
        """The progress-store id of step ``index`` (0-based): ``step1``, ``step2`` …"""
        return f"step{index + 1}"

    def choose(self, index: int) -> None:
        """Select the choice with this index at the current step (tests, demos)."""
        self.options.value = self.options.options[index]

    # --- rendering --------------------------------------------------------------------------
    def _render(self) -> None:
        step = self.step
        self.header.value = (
            f"<b>第 {self.index + 1} / {len(self.steps)} 环节：{esc(step.title)}</b>"
        )
        self.clause.value = clause_quote_html(step.clause)
        self.question.value = f"<b>{esc(step.question)}</b>"
        labels = [f"{chr(65 + i)}. {c.label}" for i, c in enumerate(step.choices)]
        self.options.options = labels
        pick = self.picks[self.index]
        self.options.value = labels[pick] if pick is not None else None
        self.back.disabled = self.index == 0
        self.next.disabled = self.index == len(self.steps) - 1 or pick is None
        self.feedback.value = self._feedback(pick) if pick is not None else ""

    def _feedback(self, pick: int) -> str:
        step = self.step
        data = self.record_dict(upto=self.index)
        report = check_dict(data)
        found = [f for f in report.findings if f.code in step.codes]
        why = step.choices[pick].explanation
        self.step_ok = not found
        if not found:
            text = ok_html("✔ 这样做符合《通知》要求。" + (f"<br>{esc(why)}" if why else ""))
        else:
            text = bad_html("✘ 这样做有问题：" + (f"<br>{esc(why)}" if why else ""))
            text += "".join(finding_html(f, data) for f in found)
        return text

    # --- callbacks --------------------------------------------------------------------------
    @safe_callback
    def _on_confirm(self, _button=None) -> None:
        self.clear_status()
        if self.options.value is None:
            self.show_error("请先选择一项，再点击「确定」。")
            return
        pick = self.picks[self.index] = self.options.options.index(self.options.value)
        self._render()
        step_ok = bool(self.step_ok)
        if self.index == len(self.steps) - 1 and all(p is not None for p in self.picks):
            data = self.record_dict()
            report = check_dict(data)
            self.viewer.show(report, data)
            self.viewer.layout.display = None
            self.choices_html.value = self._choices_summary(report)
            self.show_note("全部环节完成。下面是整个协商的检查结果，可以返回修改选择再看变化。")
        step = self.step
        self.save_answer(self.item_id(self.index), step_ok, step.choices[pick].label, step.clause)

    def _choices_summary(self, report) -> str:
        """Your choice at every step, marked by whether the engine found a problem there."""
        codes = report.codes()
        items = []
        for step, pick in zip(self.steps, self.picks, strict=True):
            ok = not codes & set(step.codes)
            mark = "✔" if ok else "✘"
            color = "#2e7d32" if ok else "#b71c1c"
            items.append(
                f"<li><span style='color:{color}'>{mark}</span> {esc(step.title)}："
                f"{esc(step.choices[pick].label)}</li>"
            )
        return f"<h4>你的选择</h4><ol style='line-height:1.7'>{''.join(items)}</ol>"

    @safe_callback
    def _on_next(self, _button=None) -> None:
        if self.picks[self.index] is None:
            self.show_error("请先完成本环节的选择并点击「确定」。")
            return
        if self.index < len(self.steps) - 1:
            self.clear_status()
            self.index += 1
            self._render()

    @safe_callback
    def _on_back(self, _button=None) -> None:
        self.clear_status()
        if self.index > 0:
            self.index -= 1
            self._render()
