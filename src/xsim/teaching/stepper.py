"""Procedure stepper: the four steps of §4 and the special cases §4.5 / §4.6, one choice at a time.

For notebook authors::

    from xsim.teaching import ProcedureStepper
    ProcedureStepper()                        # the elevator case with its default steps
    ProcedureStepper(record_dict, steps=[Step(...), ...])

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

from xsim.teaching.cases import apply_patch, elevator_record
from xsim.teaching.common import (
    TeachingWidget,
    bad_html,
    button,
    clause_quote_html,
    esc,
    ok_html,
    safe_callback,
)
from xsim.teaching.findings import FindingsViewer, check_dict, finding_html


@dataclass
class Choice:
    """An option at a step: Chinese label, the record patch it means, why (shown after choosing)."""

    label: str
    patch: dict[str, Any] = field(default_factory=dict)
    explanation: str = ""


@dataclass
class Step:
    """One step of the procedure: clause id, title, the organizer's question, choices, codes."""

    clause: str
    title: str
    question: str
    choices: list[Choice]
    codes: tuple[str, ...]


def elevator_steps() -> list[Step]:
    """The default steps, on :func:`~xsim.teaching.cases.elevator_record`."""
    return [
        Step(
            "§4.1",
            "第一步　提出协商议题",
            "3号楼加装电梯，议题应当怎样提出？",
            [
                Choice(
                    "社区党组织、居委会先入户走访、设意见箱，充分征求意见后研究提出议题",
                    {"topic.opinions_solicited": True},
                    "议题要在充分征求意见的基础上提出，群众关心什么、担心什么先摸清楚。",
                ),
                Choice(
                    "居委会主任觉得该装，直接定下议题",
                    {"topic.opinions_solicited": False},
                    "没有征求意见就定议题，违反第四部分第一项。",
                ),
                Choice(
                    "由5名住户联名提出（小区共有420名居民），居委会照此立项",
                    {"topic.proposed_by": {"kind": "joint_residents", "signatures": 5}},
                    "联名提出须有十分之一以上居民（420人中至少42人），5人联名不够。",
                ),
            ],
            ("TOPIC-SOLICIT", "TOPIC-JOINT", "TOPIC-SCOPE"),
        ),
        Step(
            "§4.2",
            "第二步　确定协商主体并通报",
            "协商定在3月10日，什么时候把方案告诉参与者？",
            [
                Choice(
                    "3月3日（提前7天）把方案、费用分摊和图纸送到参与者手中",
                    {"timeline.notified": "2026-03-03"},
                    "预留了充分时间，参与者可以看图纸、算费用、和家人商量。",
                ),
                Choice(
                    "3月9日晚在业主群里发一条通知（提前1天）",
                    {"timeline.notified": "2026-03-09"},
                    "提前1天太仓促，参与者来不及了解内容，不符合“预留充分时间”。",
                ),
                Choice(
                    "为了省事，不提前通知，开会时当场介绍",
                    {"timeline.notified": None},
                    "没有事先通报，参与者无法准备，不符合第四部分第二项。",
                ),
            ],
            ("PROC-NOTICE",),
        ),
        Step(
            "§4.3",
            "第三步　组织开展协商",
            "会上时间有限，怎样安排发言？",
            [
                Choice(
                    "按楼层分组，一楼住户（受影响最大）先讲，每组都有人发言",
                    {},
                    "确保各类主体充分发表意见，尤其是利益受损的一方。",
                ),
                Choice(
                    "只让支持加装的高层住户发言，一楼住户会后再说",
                    {"participants[4].spoke": False},
                    "一楼住户没能发表意见，违反“确保各类主体充分发表意见建议”。",
                ),
            ],
            ("PROC-HEARD",),
        ),
        Step(
            "§4.5",
            "特殊情形　涉及面广、关注度高的事项",
            "加装电梯关注度很高，要不要走专门程序？",
            [
                Choice(
                    "召开专题议事会，邀请各方再议",
                    {"consultation.forms": ["owners", "special_council"]},
                    "涉及面广、关注度高的事项，要经过专题议事会、民主听证会等程序。",
                ),
                Choice(
                    "召开民主听证会，公开听取意见",
                    {"consultation.forms": ["owners", "hearing"]},
                    "民主听证会同样符合第四部分的要求。",
                ),
                Choice(
                    "不必另开会，业主协商一次就够了",
                    {"consultation.forms": ["owners"]},
                    "关注度高的事项只协商一次、不经专题议事会或听证会，不符合要求。",
                ),
            ],
            ("PROC-HEARING",),
        ),
        Step(
            "§4.6",
            "特殊情形　存在较大争议",
            "协商后一楼住户仍强烈反对，争议较大，怎么办？",
            [
                Choice(
                    "提交业主大会表决（36户中30户参加，26户同意）",
                    {"consultation.outcome": "disputed"},
                    "存在较大争议的事项应提交会议决定；加装电梯须经参与表决的四分之三以上业主同意。",
                ),
                Choice(
                    "争议虽大，居委会按多数意见直接实施",
                    {"consultation.outcome": "disputed", "assembly": None},
                    "较大争议的事项没有提交会议决定，违反第四部分。",
                ),
                Choice(
                    "提交业主大会，但只有20户参加",
                    {
                        "consultation.outcome": "disputed",
                        "assembly.present": 20,
                        "assembly.yes": 18,
                        "assembly.area_present": 1600.0,
                        "assembly.area_yes": 1440.0,
                    },
                    "参与表决的业主不足三分之二（民法典第二百七十八条），表决无效。",
                ),
            ],
            ("PROC-ESCALATE", "PROC-QUORUM", "PROC-MAJORITY"),
        ),
        Step(
            "§4.4",
            "第四步　实施协商成果并反馈",
            "电梯装好以后，还要做什么？",
            [
                Choice(
                    "8天内在公开栏和业主群公开，向协商主体、利益相关方和全体居民反馈，"
                    "并上门向反对的4户解释",
                    {},
                    "落实情况要公开、要反馈，对持不同意见的群众要解释说明。",
                ),
                Choice(
                    "只告诉参加协商的人",
                    {"results.feedback_to": ["subjects"]},
                    "还应向利益相关方和村（居）民反馈落实情况。",
                ),
                Choice(
                    "公开并反馈，但反对的4户就不去解释了",
                    {"results.dissenters_explained": 0},
                    "对持不同意见的群众，协商组织者要及时做好解释说明（第五部分）。",
                ),
            ],
            ("RES-FEEDBACK", "RES-PUBLICIZE", "RES-EXPLAIN", "RES-IMPLEMENT"),
        ),
    ]


class ProcedureStepper(TeachingWidget):
    """Walks a trainee through the steps; each choice is checked by the rules engine at once."""

    kind_zh = "协商程序演练"

    def __init__(
        self,
        record: dict[str, Any] | None = None,
        steps: list[Step] | None = None,
        title: str = "协商程序演练：你来当组织者",
    ):
        super().__init__()
        self.base = record if record is not None else elevator_record()
        self.steps = steps if steps is not None else elevator_steps()
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
        self.confirm.on_click(self._on_confirm)
        self.back.on_click(self._on_back)
        self.next.on_click(self._on_next)
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
        report = check_dict(self.record_dict(upto=self.index))
        found = [f for f in report.findings if f.code in step.codes]
        why = step.choices[pick].explanation
        if not found:
            text = ok_html("✔ 这样做符合《通知》要求。" + (f"<br>{esc(why)}" if why else ""))
        else:
            text = bad_html("✘ 这样做有问题：" + (f"<br>{esc(why)}" if why else ""))
            text += "".join(finding_html(f) for f in found)
        return text

    # --- callbacks --------------------------------------------------------------------------
    @safe_callback
    def _on_confirm(self, _button=None) -> None:
        self.clear_status()
        if self.options.value is None:
            self.show_error("请先选择一项，再点击「确定」。")
            return
        self.picks[self.index] = self.options.options.index(self.options.value)
        self._render()
        if self.index == len(self.steps) - 1 and all(p is not None for p in self.picks):
            report = check_dict(self.record_dict())
            self.viewer.show(report)
            self.viewer.layout.display = None
            self.choices_html.value = self._choices_summary(report)
            self.show_note("全部环节完成。下面是整个协商的检查结果，可以返回修改选择再看变化。")

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
