"""Participant picker: trainees tick who takes part; the real rules engine judges the choice.

For notebook authors::

    from xsim.teaching import Candidate, ParticipantPicker, elevator_record
    ParticipantPicker(elevator_record())          # the elevator case with its default candidates
    ParticipantPicker(record_dict, candidates=[
        Candidate("一楼住户代表（2人）", {"role": "resident", "group": "ground", "count": 2}),
        Candidate("隔壁小区商户", {"role": "other", "relevant": False}),
        ...])

Each :class:`Candidate` is a Chinese label plus the ``participants`` entry of the case-record spec it
stands for (``relevant: False`` marks someone unrelated to the matter). On 检查人选 the picker puts
the ticked candidates into a copy of the record, validates it as a ``CaseRecord`` and runs
``xsim.rules.check_record``; it shows the subject findings (:data:`SUBJECT_CODES`) with their rule
codes and marks the candidates a finding points to. No rule is re-implemented here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from xsim.teaching.cases import apply_patch
from xsim.teaching.common import (
    ROLE_ZH,
    TeachingWidget,
    button,
    esc,
    ok_html,
    on_busy_click,
    ref_html,
    safe_callback,
)
from xsim.teaching.display import ScrollIntoView
from xsim.teaching.findings import check_dict, finding_html

#: Codes the picker reports: who takes part (§2.b, §2.d, §2.e).
SUBJECT_CODES = ("SUBJ-IRRELEVANT", "SUBJ-MISSING", "SUBJ-EXPERT", "SUBJ-RESPECTED")
_PARTICIPANT = re.compile(r"participants\[(\d+)\]")


@dataclass
class Candidate:
    """A person or body a trainee may invite: Chinese label + its ``participants`` entry."""

    label: str
    participant: dict[str, Any] = field(default_factory=dict)


def elevator_candidates() -> list[Candidate]:
    """Candidates for :func:`~xsim.teaching.cases.elevator_record` (two are unrelated to it)."""
    return [
        Candidate("社区居委会", {"role": "committee"}),
        Candidate("业主委员会", {"role": "owners_committee"}),
        Candidate("四至六楼住户代表（6人）", {"role": "resident", "group": "upper", "count": 6}),
        Candidate("二、三楼住户代表（4人）", {"role": "resident", "group": "lower", "count": 4}),
        Candidate("一楼住户代表（2人）", {"role": "resident", "group": "ground", "count": 2}),
        Candidate("物业服务企业", {"role": "property_company"}),
        Candidate("电梯安全与结构工程师", {"role": "expert"}),
        Candidate("老党员王大爷（威望高、办事公道）", {"role": "veteran", "respected": True}),
        Candidate("隔壁小区的商户老板", {"role": "other", "relevant": False}),
        Candidate("上门推销的电梯公司销售", {"role": "other", "relevant": False}),
    ]


def candidates_from_record(record: dict[str, Any]) -> list[Candidate]:
    """One candidate per participant of a record, labelled by role and group name."""
    names = {g["id"]: g["name"] for g in record.get("stakeholder_groups", [])}
    out = []
    for p in record.get("participants", []):
        label = ROLE_ZH.get(p["role"], p["role"])
        if p.get("group"):
            label = f"{label}（{names.get(p['group'], p['group'])}）"
        if p.get("count", 1) > 1:
            label += f" ×{p['count']}"
        out.append(Candidate(label, dict(p)))
    return out


def scenario_candidates(scenario) -> list[Candidate]:
    """Candidates for a scenario: each stakeholder group, each organization, an expert, a
    respected figure — and two people unrelated to the matter."""
    out = [
        Candidate(f"{g.name}代表", {"role": "resident", "group": g.id, "count": 2})
        for g in scenario.stakeholder_groups
    ]
    for org in scenario.organizations:
        entry: dict[str, Any] = {"role": org.role}
        if org.group is not None:
            entry["group"] = org.group
        out.append(Candidate(org.name or ROLE_ZH.get(org.role, org.role), entry))
    out += [
        Candidate("专家、第三方机构（论证评估）", {"role": "expert"}),
        Candidate("老党员、老干部（威望高、办事公道）", {"role": "veteran", "respected": True}),
        Candidate("与此事无关的外村（外小区）商户", {"role": "other", "relevant": False}),
        Candidate("上门推销的企业人员", {"role": "other", "relevant": False}),
    ]
    return out


class ParticipantPicker(TeachingWidget):
    """Check boxes for candidates; 检查人选 runs the rules engine on the chosen participants."""

    kind_zh = "协商主体选择练习"

    def __init__(
        self,
        record: dict[str, Any],
        candidates: list[Candidate] | None = None,
        title: str = "请选出应当参加协商的人员和组织",
        lesson: str | None = None,
        item: str = "picker",
    ):
        super().__init__()
        self.base = record
        self.item = item  # the progress-store id of this exercise
        self.track(lesson, [item])
        if candidates is None:
            candidates = candidates_from_record(record)
        self.candidates = list(candidates)
        self.boxes = [
            widgets.Checkbox(
                value=False, description=c.label, indent=False, layout=widgets.Layout(width="auto")
            )
            for c in self.candidates
        ]
        self.marks = [widgets.HTML("") for _ in self.candidates]
        self.check_button = button("检查人选")
        on_busy_click(self.check_button, self._on_check)
        self.result = widgets.HTML("")
        self.scroll = ScrollIntoView()  # the verdict comes below the list: bring it into view
        self.report = None
        rows = [widgets.HBox([b, m]) for b, m in zip(self.boxes, self.marks, strict=True)]
        self.children = [
            widgets.HTML(f"<h4>{esc(title)}</h4><div>议题：{esc(record['topic']['title'])}</div>"),
            *rows,
            self.check_button,
            self.status,
            self.result,
            self.scroll,
        ]
        self.remembered = ("boxes", "marks", "result")
        self.recall()

    @classmethod
    def from_scenario(cls, scenario="elevator_retrofit", seed: int = 0, **kwargs):
        """A picker over a bundled scenario (name) or a ``Scenario``: the record is the one the
        model writes for a run with the scenario's default choices; candidates from
        :func:`scenario_candidates`."""
        from xsim.sim.model import ConsultationModel
        from xsim.sim.scenario import load_scenario

        spec = load_scenario(scenario) if isinstance(scenario, str) else scenario
        model = ConsultationModel(spec, rng=seed)
        model.run()
        record = model.record.model_dump(mode="json", exclude_none=True)
        return cls(record, scenario_candidates(spec), **kwargs)

    def chosen(self) -> list[Candidate]:
        return [c for c, b in zip(self.candidates, self.boxes, strict=True) if b.value]

    def select(self, *labels: str) -> None:
        """Tick exactly the candidates with these labels (tests, demos)."""
        for c, b in zip(self.candidates, self.boxes, strict=True):
            b.value = c.label in labels

    def to_dict(self) -> dict[str, Any]:
        """The record with the chosen participants."""
        return apply_patch(self.base, {"participants": [c.participant for c in self.chosen()]})

    @property
    def codes(self) -> set[str]:
        """The subject codes found by the last check."""
        if self.report is None:
            return set()
        return {f.code for f in self.report.findings if f.code in SUBJECT_CODES}

    @safe_callback
    def _on_check(self, _button=None) -> None:
        self.clear_status()
        self.result.value = ""
        for m in self.marks:
            m.value = ""
        chosen = self.chosen()
        if not chosen:
            self.report = None
            self.show_error("请至少勾选一位参与者，再点击「检查人选」。")
            return
        data = self.to_dict()
        self.report = check_dict(data)
        found = [f for f in self.report.findings if f.code in SUBJECT_CODES]
        self._mark(chosen, found)
        if not found:
            self.result.value = ok_html(
                "✔ 人选合适：利益相关各方都有人代表，没有无关人员，专业问题有专家论证，"
                "也有威望高、办事公道的人参与。"
            )
        else:
            self.result.value = (
                f"<div style='margin:4px 0'><b>发现 {len(found)} 个问题：</b></div>"
                + "".join(finding_html(f, data) for f in found)
            )
        # §2.b: the people related to the matter take part (the clause the picker trains)
        self.save_answer(self.item, not found, [c.label for c in chosen], clause="§2.b")
        self.scroll.show(self.result)

    def _mark(self, chosen: list[Candidate], found) -> None:
        """Put the rule code next to each ticked candidate a finding points to."""
        index = {id(c): i for i, c in enumerate(self.candidates)}
        for f in found:
            m = _PARTICIPANT.search(f.where or "")
            if m and int(m.group(1)) < len(chosen):
                i = index[id(chosen[int(m.group(1))])]
                self.marks[
                    i
                ].value = (
                    f"<span style='color:#b71c1c'>⚠ {esc(f.message_zh)}</span> {ref_html(f.code)}"
                )
