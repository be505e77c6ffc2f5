"""The quorum and majority calculator: a meeting's numbers, judged by the rules engine.

The meetings offered and the article each rests on are the lesson's ``quorum_meetings``
(``exercises.yaml``); the judgement is the engine's PROC-QUORUM / PROC-MAJORITY findings on a
record with those numbers (one implementation of each threshold: :mod:`xsim.rules.meetings`).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from xsim import vocabulary as V
from xsim.errors import InputError
from xsim.teaching.cases import apply_patch, elevator_record, village_record
from xsim.teaching.common import (
    TeachingWidget,
    bad_html,
    button,
    clause_quote_html,
    int_value,
    ok_html,
    on_busy_click,
    safe_callback,
)
from xsim.teaching.findings import check_dict, finding_html

__all__ = ["QUORUM_PREDICTIONS", "QuorumCalculator", "quorum_meetings"]


_ASSEMBLY_CODES = ("PROC-QUORUM", "PROC-MAJORITY")
COLLECTIVE_KINDS = ("members_meeting", "members_representatives_meeting")


def quorum_meetings(lesson: str | None) -> list[tuple[str, str, str]]:
    """The calculator's meetings from the lesson's ``exercises.yaml``: (Chinese name, key, the
    article its quorum and majority rest on, cited in Chinese), in the order offered."""
    from xsim.teaching.lessons import exercise_data

    data = exercise_data(lesson, "quorum_meetings")
    return [(V.MEETINGS[m.meeting].zh, m.meeting, m.law) for m in data]


#: the trainee's two possible judgements of a meeting (valid → label)
QUORUM_PREDICTIONS = {
    True: "有效：到会人数和同意人数都够",
    False: "无效：到会人数不够，或者同意的人不够",
}


class QuorumCalculator(TeachingWidget):
    """Type a meeting's numbers; the engine says whether it had its quorum and its majority."""

    kind_zh = "法定人数计算器"

    def __init__(
        self,
        kind: str = "villagers_meeting",
        members: int = 860,
        present: int = 420,
        yes: int = 300,
        area_total: float = 0.0,
        area_present: float = 0.0,
        area_yes: float = 0.0,
        households_total: int = 0,
        households_present: int = 0,
        lesson: str | None = None,
    ):
        super().__init__()
        self.track(lesson, ["quorum"])
        meetings = quorum_meetings(lesson)
        self.laws = {key: law for _zh, key, law in meetings}
        self.meeting_names = {key: zh for zh, key, _law in meetings}
        if kind not in self.laws:
            raise InputError(
                "<计算器>",
                "kind",
                f"one of {', '.join(self.laws)}",
                f"会议类型应为：{'、'.join(self.meeting_names.values())}",
            )
        lay, style = widgets.Layout(width="26em"), {"description_width": "12em"}
        self.kind = widgets.Dropdown(
            options=[(zh, key) for zh, key, _law in meetings],
            value=kind,
            description="会议类型",
            style=style,
            layout=lay,
        )
        self.members = widgets.IntText(
            value=members, description="应到人数（有权参加）", style=style, layout=lay
        )
        self.present = widgets.IntText(
            value=present, description="实到人数（参加表决）", style=style, layout=lay
        )
        self.yes = widgets.IntText(value=yes, description="同意人数", style=style, layout=lay)
        self.households_total = widgets.IntText(
            value=households_total, description="全村户数（村民会议）", style=style, layout=lay
        )
        self.households_present = widgets.IntText(
            value=households_present,
            description="到会户代表数（村民会议）",
            style=style,
            layout=lay,
        )
        self.area_total = widgets.FloatText(
            value=area_total, description="专有部分总面积（㎡，业主）", style=style, layout=lay
        )
        self.area_present = widgets.FloatText(
            value=area_present, description="参与表决面积（㎡，业主）", style=style, layout=lay
        )
        self.area_yes = widgets.FloatText(
            value=area_yes, description="同意面积（㎡，业主）", style=style, layout=lay
        )
        self.special = widgets.Checkbox(
            value=True, indent=False, description="业主：加装电梯等改建、筹集维修资金等特别事项"
        )
        # the trainee judges first, the engine then says whether the judgement was right
        self.prediction = widgets.RadioButtons(
            options=[(label, valid) for valid, label in QUORUM_PREDICTIONS.items()],
            value=None,
            layout=widgets.Layout(width="auto"),
        )
        self.check_button = button("判断")
        on_busy_click(self.check_button, self._on_check)
        self.result = widgets.HTML("")
        self.children = [
            widgets.HTML("<h4>法定人数与表决计算器</h4>"),
            self.kind,
            self.members,
            self.present,
            self.yes,
            self.households_total,
            self.households_present,
            self.area_total,
            self.area_present,
            self.area_yes,
            self.special,
            widgets.HTML("<b>先判断：按上面的数字，这次会议作出的决定有效吗？</b>"),
            self.prediction,
            self.check_button,
            self.status,
            self.result,
        ]
        self.remembered = (
            "kind", "members", "present", "yes", "households_total", "households_present",
            "area_total", "area_present", "area_yes", "special", "prediction", "result",
        )  # fmt: skip
        self.recall()

    def predict(self, valid: bool) -> None:
        """Give the trainee's judgement (tests, demos)."""
        self.prediction.value = valid

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value
        members = int_value(self.members, "应到人数")
        present = int_value(self.present, "实到人数")
        yes = int_value(self.yes, "同意人数")
        if present > members:
            raise InputError(
                "<计算器>", "present", "present <= members", "实到人数不能多于应到人数"
            )
        if yes > present:
            raise InputError("<计算器>", "yes", "yes <= present", "同意人数不能多于实到人数")
        assembly: dict[str, Any] = {
            "kind": kind,
            "members": members,
            "present": present,
            "yes": yes,
        }
        if kind == "villagers_meeting" and self.households_total.value:
            assembly["households_total"] = int_value(self.households_total, "全村户数")
            assembly["households_present"] = int_value(self.households_present, "到会户代表数")
        if kind == "owners_meeting":
            a_total, a_present, a_yes = (
                float(self.area_total.value),
                float(self.area_present.value),
                float(self.area_yes.value),
            )
            if min(a_total, a_present, a_yes) < 0 or a_present > a_total or a_yes > a_present:
                raise InputError(
                    "<计算器>",
                    "area",
                    "0 <= area_yes <= area_present <= area_total",
                    "面积应满足：0 ≤ 同意面积 ≤ 参与表决面积 ≤ 总面积",
                )
            assembly.update(
                area_total=a_total,
                area_present=a_present,
                area_yes=a_yes,
                matter="special" if self.special.value else "ordinary",
            )
        base = (
            elevator_record()
            if kind in ("owners_meeting", "residents_meeting")
            else village_record()
        )
        patch: dict[str, Any] = {
            "assembly": assembly,
            "topic.law_reserved": kind != "owners_meeting",
        }
        if kind in ("villagers_meeting", *COLLECTIVE_KINDS):
            patch.update(
                {"timeline.assembly_notified": "2026-03-01", "timeline.assembly_held": "2026-03-12"}
            )
        if kind in COLLECTIVE_KINDS:  # land compensation: the collective's members decide
            patch.update(
                {
                    "topic.collective_matter": "land_compensation"
                    if kind == "members_meeting"
                    else "investment",
                    "population.collective_organization": True,
                    "population.collective_members": members,
                }
            )
        return apply_patch(base, patch)

    def findings(self):
        """The quorum / majority findings for the numbers now in the form."""
        return [f for f in check_dict(self.to_dict()).findings if f.code in _ASSEMBLY_CODES]

    def answer_text(self) -> str:
        """The trainee's judgement and the numbers it was about, in Chinese (progress store)."""
        numbers = (
            f"{self.meeting_names[self.kind.value]}：应到 {self.members.value}，"
            f"实到 {self.present.value}，同意 {self.yes.value}"
        )
        if self.kind.value == "owners_meeting":
            numbers += (
                f"；面积 {self.area_total.value:g}/{self.area_present.value:g}/"
                f"{self.area_yes.value:g}㎡"
            )
        return f"判断：{QUORUM_PREDICTIONS[self.prediction.value]}（{numbers}）"

    @safe_callback
    def _on_check(self, _button=None) -> None:
        self.clear_status()
        self.result.value = ""
        found = self.findings()  # bad numbers: their Chinese message first
        if self.prediction.value is None:
            self.show_error("请先判断这次会议的决定是否有效（选“有效”或“无效”），再点击「判断」。")
            return
        law = self.laws[self.kind.value]
        valid = not found
        right = self.prediction.value == valid
        verdict = (
            ok_html("✔ 您判断对了。") if right else bad_html("✘ 您的判断不对，请看规则引擎的理由。")
        )
        if found:
            body = "".join(finding_html(f) for f in found)
        else:
            body = ok_html("✔ 到会人数达到法定要求，表决也获得了所需多数，决定有效。")
        self.result.value = verdict + body + clause_quote_html(law)
        self.save_answer("quorum", right, self.answer_text(), clause=law)
