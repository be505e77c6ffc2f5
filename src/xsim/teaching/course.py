"""The course: helpers and exercise widgets the numbered notebooks (01–09) call, one call per cell.

The notebooks stay free of logic: a cell reads ``course.quote("§1.f")`` or
``course.ThresholdExercise(residents=863, representatives=27)``. Every judgement a trainee sees
comes from the real rules engine (:func:`xsim.rules.check_record` through
:func:`xsim.teaching.findings.check_dict`) — the exercises build a case record from the trainee's
choices and read the findings; no rule is re-implemented here.

- :func:`quote` — the notice's Chinese original for clause ids, as an HTML block; :func:`law` —
  the current official text of law articles (from :mod:`xsim.law`), cited in Chinese.
- :func:`case_report`, :class:`ExampleCases`, :func:`editor`, :class:`SpotExercise` — the example
  case records (``examples/records``), their findings, fixing them, finding their faults.
- :class:`ThresholdExercise`, :class:`JointProposalChecker`, :func:`topic_table` — §1 (lesson 01).
- :func:`picker`, :class:`LeadExercise` — §2, who takes part and who leads (02).
- :class:`FormMatchExercise`, :func:`form_chooser` — §3, which form fits which matter (03).
- :func:`stepper`, :class:`QuorumCalculator` — §4, the procedure and the meetings' quorum (04, 06, 07).
- :func:`results_stepper` — §4.4, §5 and §6.4 after the consultation (05).
- :func:`lab`, :func:`lab_table` (:class:`xsim.teaching.lab.ScenarioLab`), :func:`one_run`,
  :func:`scenario_intro` —
  simulations with the model whose outcome the trainee changes through choices.
- :func:`policy_table`, :func:`policy_figure`, :class:`PredictionExercise`, :class:`PolicyLab` —
  comparisons with bootstrap confidence intervals through ``xsim.experiments`` (08).
- :class:`Capstone` — the trainee organizes a whole consultation and gets the findings (09).

Lesson content is data in ``course/NN_名称/`` (``quiz.yaml``, ``labs.yaml``, ``steps.yaml``,
``exercises.yaml``: the matters of 01, the lead cases of 02, the form situations of 03, the quorum
calculator's meetings and their articles in 04, the comparisons and measures of 08), read by
:mod:`xsim.teaching.lessons`: ``quiz("01")``, ``lab("04")``, :func:`stepper` load it, so that a
trainer changes a question without Python. Figures and texts the notebooks show are computed at build
time with fixed seeds (``tools/build_course.py``, ``make notebooks``). Still Python literals (to move
to data next): the capstone's options (:mod:`xsim.teaching.capstone`).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from xsim import vocabulary as V
from xsim.errors import InputError
from xsim.forms import FORM_NAMES
from xsim.sim.measures import MEASURES
from xsim.teaching.cases import apply_patch, elevator_record
from xsim.teaching.common import (
    CheckboxGroup,
    HtmlBlock,
    Picture,
    TeachingWidget,
    bad_html,
    button,
    clause_quote_html,
    esc,
    html_table,
    note_html,
    ok_html,
    on_busy_click,
    rule_title_zh,
    safe_callback,
    text_with_rule_titles_html,
)
from xsim.teaching.findings import RecordEditor, check_dict, finding_html, report_html

__all__ = [
    "Capstone",
    "ExampleCases",
    "FormMatchExercise",
    "JointProposalChecker",
    "LeadExercise",
    "PolicyLab",
    "PredictionExercise",
    "QuorumCalculator",
    "RecordFixExercise",
    "SpotExercise",
    "ThresholdExercise",
    "case_report",
    "editor",
    "example_names",
    "example_record",
    "form_chooser",
    "lab",
    "lab_table",
    "one_run",
    "picker",
    "policy_figure",
    "policy_table",
    "quiz",
    "quote",
    "ready",
    "results_stepper",
    "scenario_intro",
    "stepper",
    "summary_tables",
    "topic_table",
    "village_record",
]


# --------------------------------------------------------------------------------------------------
# quotes


def quote(*clause_ids: str) -> HtmlBlock:
    """The Chinese original of each clause (``"§1.f"``, ``"Organic Law art. 22"``) as quote boxes."""
    from xsim.rules.clauses import CLAUSES

    unknown = [c for c in clause_ids if c not in CLAUSES]
    if unknown:
        raise InputError(
            "<quote>",
            "clause",
            f"known clause ids, not {unknown}",
            f"未知的条款编号：{'、'.join(unknown)}",
        )
    parts = [clause_quote_html(c, CLAUSES[c].title_zh) for c in clause_ids]
    plain = "\n".join(f"{c} {CLAUSES[c].title_zh}：{CLAUSES[c].text_zh}" for c in clause_ids)
    return HtmlBlock("".join(parts), plain)


def law(*citations: str) -> HtmlBlock:
    """The current official text of articles, cited as a trainee reads them::

        course.law("《村民委员会组织法》第二十五条", "《农村集体经济组织法》第二十七条")

    Texts come from :mod:`xsim.law` (the gazette texts pinned in the package), never from memory.
    """
    from xsim.law import LAWS, cite
    from xsim.law import quote as law_text
    from xsim.teaching.common import law_quote_html, law_reference

    refs = []
    for c in citations:
        ref = law_reference(c)
        if ref is None:
            raise InputError(
                "<law>",
                "citation",
                f"a citation such as 《村民委员会组织法》第二十五条, not {c!r}",
                f"无法识别的法律条文：{c}（应写成《村民委员会组织法》第二十五条这样的形式）",
            )
        refs.append(ref)
    html_text = "".join(law_quote_html(k, n) for k, n in refs)
    plain = "\n".join(f"{cite(k, n)}：{law_text(k, LAWS[k].versions[-1].key, n)}" for k, n in refs)
    return HtmlBlock(html_text, plain)


# --------------------------------------------------------------------------------------------------
# example records


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


def village_record() -> dict[str, Any]:
    """A compliant village record (the elevator record turned into a village road matter)."""
    return apply_patch(
        elevator_record(),
        {
            "title": "石坝村通组公路硬化协商",
            "setting": "village",
            "population": {"residents": 860, "households": 300, "representatives": 30},
            "scope": "whole",
            "lead": "party_branch",
            "topic.title": "三组通组公路硬化及筹资筹劳方案",
            "topic.categories": ["infrastructure", "large_fund"],
            "topic.law_reserved": True,
            "stakeholder_groups": [
                {"id": "group3", "name": "三组村民"},
                {"id": "others", "name": "其他组村民"},
            ],
            "participants": [
                {"role": "party_branch"},
                {"role": "committee"},
                {"role": "representative", "group": "group3", "count": 8},
                {"role": "representative", "group": "others", "count": 12},
                {"role": "expert"},
                {"role": "veteran", "respected": True},
            ],
            "consultation.forms": ["council", "hearing"],
            "assembly": {
                "kind": "representatives_meeting",
                "members": 30,
                "present": 24,
                "yes": 19,
            },
            "results.channels": ["bulletin", "meeting"],
        },
    )


# --------------------------------------------------------------------------------------------------
# §1.f joint proposals


def _joint_findings(residents: int, representatives: int, kind: str, signatures: int):
    """The TOPIC-JOINT findings the engine reports for this proposal."""
    data = apply_patch(
        village_record(),
        {
            "population.residents": residents,
            "population.representatives": representatives,
            "topic.proposed_by": {"kind": kind, "signatures": signatures},
            "topic.categories": ["joint_proposal", "infrastructure"],
        },
    )
    return [f for f in check_dict(data).findings if f.code == "TOPIC-JOINT"]


def _int_value(widget: widgets.IntText, label: str) -> int:
    value = widget.value
    if value is None or value < 0:
        raise InputError(
            "练习", "", f"{label}: a whole number >= 0", f"「{label}」应填写不小于 0 的整数"
        )
    return int(value)


class ThresholdExercise(TeachingWidget):
    """How many signatures make a joint proposal (§1.f)? The trainee types the smallest numbers.

    An answer ``k`` is right exactly when the engine accepts ``k`` signatures and rejects ``k - 1``
    (so "以上" includes the bound itself, as the notice means it).
    """

    kind_zh = "联名门槛练习"

    def __init__(self, residents: int = 863, representatives: int = 27, lesson: str | None = None):
        super().__init__()
        self.track(lesson, ["threshold"])
        self.residents, self.representatives = residents, representatives
        lay, style = widgets.Layout(width="26em"), {"description_width": "14em"}
        self.villagers_answer = widgets.IntText(
            value=0, description="村民联名至少需要（人）", style=style, layout=lay
        )
        self.reps_answer = widgets.IntText(
            value=0, description="村民代表联名至少需要（人）", style=style, layout=lay
        )
        self.submit = button("提交答案")
        on_busy_click(self.submit, self._on_submit)
        self.feedback = widgets.HTML("")
        self.children = [
            widgets.HTML(
                f"<h4>练一练：联名提出协商事项的门槛</h4><div>某村有 18 周岁以上村民 "
                f"<b>{residents}</b> 人，村民代表 <b>{representatives}</b> 人。"
                "村民想联名提出“修建村文化广场”的协商事项。</div>"
            ),
            self.villagers_answer,
            self.reps_answer,
            self.submit,
            self.status,
            self.feedback,
        ]

    def minimum(self, kind: str) -> int:
        """The smallest number of signatures the engine accepts (found by asking it)."""
        total = self.residents if kind == "joint_residents" else self.representatives
        lo, hi = 0, total
        while lo < hi:  # the engine's verdict is monotone in the number of signatures
            mid = (lo + hi) // 2
            if _joint_findings(self.residents, self.representatives, kind, mid):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _judge(self, kind: str, answer: int, who: str, share: str) -> tuple[bool, str]:
        total = self.residents if kind == "joint_residents" else self.representatives
        need = self.minimum(kind)
        exact = total / (10 if share == "十分之一" else 5)
        if answer == need:
            return True, (
                f"✔ {who}：{answer} 人正确。{total} 的{share}是 {exact:g}，"
                f"“以上”含本数，不足一人按一人算，至少 {need} 人。"
            )
        if answer < need:
            return False, (
                f"✘ {who}：{answer} 人不够，规则引擎判定为“{rule_title_zh('TOPIC-JOINT')}”。"
                f"提示：{total} × {share} = {exact:g}，“以上”含本数。"
            )
        return False, (
            f"✘ {who}：{answer} 人虽然够了，但不是“至少”——少一人也已达到门槛。"
            f"提示：{total} × {share} = {exact:g}，向上取整。"
        )

    @safe_callback
    def _on_submit(self, _button=None) -> None:
        self.clear_status()
        a = _int_value(self.villagers_answer, "村民联名人数")
        b = _int_value(self.reps_answer, "村民代表联名人数")
        r1 = self._judge("joint_residents", a, "村民联名", "十分之一")
        r2 = self._judge("joint_representatives", b, "村民代表联名", "五分之一")
        self.correct = r1[0] and r2[0]
        parts = [ok_html(esc(t)) if right else bad_html(esc(t)) for right, t in (r1, r2)]
        self.feedback.value = "".join(parts) + clause_quote_html("§1.f")
        self.save_answer("threshold", self.correct, f"村民 {a} 人；代表 {b} 人", clause="§1.f")


class JointProposalChecker(TeachingWidget):
    """Free practice: any village size and any number of signatures, judged by the engine (§1.f)."""

    kind_zh = "联名核对工具"

    def __init__(self, residents: int = 420, representatives: int = 12):
        super().__init__()
        lay, style = widgets.Layout(width="24em"), {"description_width": "11em"}
        self.kind = widgets.Dropdown(
            options=[
                (V.PROPOSERS[key].zh, key) for key in ("joint_residents", "joint_representatives")
            ],
            value="joint_residents",
            description="提出方式",
            style=style,
            layout=lay,
        )
        self.residents = widgets.IntText(
            value=residents, description="18周岁以上村（居）民", style=style, layout=lay
        )
        self.representatives = widgets.IntText(
            value=representatives, description="村（居）民代表", style=style, layout=lay
        )
        self.signatures = widgets.IntText(value=0, description="联名人数", style=style, layout=lay)
        self.check_button = button("核对")
        on_busy_click(self.check_button, self._on_check)
        self.result = widgets.HTML("")
        self.children = [
            widgets.HTML("<h4>联名核对：够不够门槛？</h4>"),
            self.kind,
            self.residents,
            self.representatives,
            self.signatures,
            self.check_button,
            self.status,
            self.result,
        ]

    @safe_callback
    def _on_check(self, _button=None) -> None:
        self.clear_status()
        self.result.value = ""
        residents = _int_value(self.residents, "村（居）民人数")
        reps = _int_value(self.representatives, "村（居）民代表人数")
        sig = _int_value(self.signatures, "联名人数")
        total = residents if self.kind.value == "joint_residents" else reps
        if total == 0:
            self.show_error("人数为 0 时无法联名，请先填写村（居）民或代表人数。")
            return
        if sig > total:
            self.show_error(f"联名人数（{sig}）不能多于总人数（{total}）。")
            return
        found = _joint_findings(residents, reps, self.kind.value, sig)
        if found:
            self.result.value = "".join(finding_html(f) for f in found)
        else:
            self.result.value = ok_html(f"✔ {sig} 人联名达到门槛，可以作为联名事项提出协商。")


# --------------------------------------------------------------------------------------------------
# §2.c who leads


@dataclass
class LeadCase:
    """A matter, its scope (``whole``/``group``/``cross_community``) and a short description."""

    text: str
    scope: str


LEADS: list[tuple[str, str]] = [
    (V.LEADS["party_branch"].zh, "party_branch"),
    (V.LEADS["committee"].zh, "committee"),
    (f"{V.LEADS['township'].zh}党（工）委", "township"),
    (f"{V.LEADS['other'].zh}（驻村企业或业主自行组织）", "other"),
]


LEADS_BY_KEY = [(key, label) for label, key in LEADS]


class LeadExercise(TeachingWidget):
    """For each matter the trainee picks who leads; the engine's SUBJ-LEAD judges each pick."""

    kind_zh = "牵头主体练习"

    def __init__(self, cases: Sequence[LeadCase] | None = None, lesson: str | None = None):
        super().__init__()
        if cases is None:  # lesson 02's exercises.yaml
            from xsim.teaching.lessons import lesson_exercises

            cases = [LeadCase(c.text, c.scope) for c in lesson_exercises("02").lead_cases or []]
        self.cases = list(cases)
        self.track(lesson, [f"lead{i + 1}" for i in range(len(self.cases))])
        self.pickers = [
            widgets.Dropdown(
                options=LEADS,
                value=None,
                description="由谁牵头",
                layout=widgets.Layout(width="28em"),
            )
            for _ in self.cases
        ]
        self.marks = [widgets.HTML("") for _ in self.cases]
        self.submit = button("提交答案")
        on_busy_click(self.submit, self._on_submit)
        rows = []
        for i, (c, p, m) in enumerate(zip(self.cases, self.pickers, self.marks, strict=True)):
            rows += [widgets.HTML(f"<b>事项 {i + 1}</b>　{esc(c.text)}"), p, m]
        self.children = [
            widgets.HTML("<h4>练一练：谁来牵头组织协商？</h4>"),
            *rows,
            self.submit,
            self.status,
        ]

    def choose(self, *leads: str) -> None:
        for p, lead in zip(self.pickers, leads, strict=True):
            p.value = lead

    @safe_callback
    def _on_submit(self, _button=None) -> None:
        self.clear_status()
        if any(p.value is None for p in self.pickers):
            self.show_error("请为每个事项都选择牵头主体，再点击「提交答案」。")
            return
        self.results = []
        for c, p, m in zip(self.cases, self.pickers, self.marks, strict=True):
            data = apply_patch(village_record(), {"scope": c.scope, "lead": p.value})
            found = [f for f in check_dict(data).findings if f.code == "SUBJ-LEAD"]
            self.results.append(not found)
            if found:
                m.value = "".join(finding_html(f) for f in found)
            else:
                m.value = ok_html("✔ 牵头主体与事项范围相符。")
        right = sum(self.results)
        self.show_note(f"答对 {right} / {len(self.cases)} 题。")
        leads = dict(LEADS_BY_KEY)
        for i, (ok, p) in enumerate(zip(self.results, self.pickers, strict=True)):
            self.save_answer(f"lead{i + 1}", ok, leads.get(p.value, p.value), clause="§2.c")


# --------------------------------------------------------------------------------------------------
# quorum and majority (Organic Law arts. 22, 26; Urban Organic Law art. 9; Civil Code art. 278)

_ASSEMBLY_CODES = ("PROC-QUORUM", "PROC-MAJORITY")
COLLECTIVE_KINDS = ("members_meeting", "members_representatives_meeting")


def quorum_meetings() -> list[tuple[str, str, str]]:
    """The calculator's meetings from lesson 04's ``exercises.yaml``: (Chinese name, key, the
    article its quorum and majority rest on, cited in Chinese), in the order offered."""
    from xsim.teaching.lessons import lesson_exercises

    data = lesson_exercises("04").quorum_meetings
    if not data:
        raise InputError(
            "course/04_协商程序/exercises.yaml",
            "quorum_meetings",
            "the quorum calculator's meetings",
            "缺少“法定人数与表决计算器”的会议列表（quorum_meetings）",
        )
    return [(V.MEETINGS[m.meeting].zh, m.meeting, m.law) for m in data]


def __getattr__(name: str) -> Any:
    """``MEETINGS`` ((Chinese name, key) pairs) and ``CALCULATOR_LAW`` (key → article), read from
    the course data when first asked for (importing this module reads no course file), and the
    capstone's names from its own module, imported on first use."""
    if name == "MEETINGS":
        return [(zh, key) for zh, key, _law in quorum_meetings()]
    if name == "CALCULATOR_LAW":
        return {key: law for _zh, key, law in quorum_meetings()}
    if name == "POLICY_MEASURES":
        return policy_measures()
    if name in _FROM_CAPSTONE:  # the capstone module is imported on first use
        from xsim.teaching import capstone

        if name == "Capstone":
            _load_model()  # its 运行 click simulates: the model's import starts now

        return getattr(capstone, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
        meetings = quorum_meetings()
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

    def predict(self, valid: bool) -> None:
        """Give the trainee's judgement (tests, demos)."""
        self.prediction.value = valid

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value
        members = _int_value(self.members, "应到人数")
        present = _int_value(self.present, "实到人数")
        yes = _int_value(self.yes, "同意人数")
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
            assembly["households_total"] = _int_value(self.households_total, "全村户数")
            assembly["households_present"] = _int_value(self.households_present, "到会户代表数")
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


# --------------------------------------------------------------------------------------------------
# small helpers for notebooks


def clauses_zh(clause_ids) -> str:
    """The clauses an exercise trains, as the trainer's class summary groups them: a notice
    clause by its id (``§4.2``), a law article by its Chinese citation; several joined by ；."""
    from xsim.teaching.common import clause_citation_zh

    names = {c if c.startswith("§") else clause_citation_zh(c) for c in clause_ids}
    return "；".join(sorted(names))


def minimum_signatures(total: int, share: int) -> int:
    """``ceil(total / share)`` — shown next to the engine's verdicts in the worked examples."""
    return math.ceil(total / share)


# --------------------------------------------------------------------------------------------------
# notebook set-up and worked tables


def ready() -> None:
    """First cell of every lesson: a greeting, and matplotlib Figures shown as pictures.

    Nothing heavy is imported here: the course's figures are stored pictures or set the Chinese
    font themselves (:func:`xsim.plots.style`), so a lesson no longer needs ``%matplotlib inline``
    (about a second of importing pyplot). A Figure a trainer returns from a cell is still drawn,
    by IPython's own function, registered by name so that matplotlib loads only when one is."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        from IPython.core.pylabtools import print_figure

        png = shell.display_formatter.formatters["image/png"]
        png.for_type_by_name(
            "matplotlib.figure", "Figure", lambda fig: print_figure(fig, "png", bbox_inches="tight")
        )
    print("工具已载入，可以继续往下学习。")


# --------------------------------------------------------------------------------------------------
# the course home (lesson 00): the lessons from course/toc.yaml, the trainee's progress


def home() -> HtmlBlock:
    """The course's table of contents from ``course/toc.yaml``: each lesson with its content, its
    time and a link to its notebook (the notebooks sit side by side in ``notebooks/``)."""
    from xsim.teaching.display import TABLE_CSS
    from xsim.teaching.edition import notebook_name
    from xsim.teaching.lessons import load_toc

    toc = load_toc()
    rows = []
    for e in toc.lessons:
        link = f'<a href="{esc(notebook_name(e))}" target="_self">{esc(e.id)} {esc(e.title)}</a>'
        rows.append(
            f"<tr><td>{link}</td><td>{esc(e.summary)}</td>"
            f'<td class="num">{e.minutes} 分钟</td></tr>'
        )
    total = sum(e.minutes for e in toc.lessons)
    table = (
        '<div class="xsim-table-wrap"><table class="xsim-table">'
        f"<caption>{esc(toc.title)}（共 {len(toc.lessons)} 讲，约 {total} 分钟）</caption>"
        "<thead><tr><th>讲次（点击打开）</th><th>内容</th><th class='num'>时长</th></tr></thead>"
        "<tbody>\n" + "\n".join(rows) + "\n</tbody></table></div>"
    )
    plain = "\n".join(f"{e.id} {e.title}（{e.minutes} 分钟）" for e in toc.lessons)
    return HtmlBlock(TABLE_CSS + table, plain)


#: the vocabulary tables a trainee meets in the course, under the heading the glossary gives them
GLOSSARY_TABLES = (
    ("forms", "协商形式"),
    ("meetings", "决定事项的会议"),
    ("roles", "协商主体（参与者的身份）"),
    ("leads", "牵头单位"),
    ("topic_categories", "协商内容的类别"),
    ("channels", "通报和公开的渠道"),
    ("feedback_targets", "反馈对象"),
    ("outcomes", "协商结果"),
    ("groups", "居民群体"),
    ("measures", "模拟结果的指标"),
    ("fields", "协商记录中的项目"),
    ("severities", "检查结果的等级"),
)


def glossary_terms(table: str):
    """The terms of one glossary table: the vocabulary's, or the measure registry's."""
    return MEASURES.values() if table == "measures" else V.TABLES[table].values()


def glossary() -> HtmlBlock:
    """The one glossary of names, generated from :mod:`xsim.vocabulary`: every name a widget,
    table or finding of the course uses for a form, body, meeting, group, measure or field."""
    rows = [
        [heading, "；".join(term.zh for term in glossary_terms(table))]
        for table, heading in GLOSSARY_TABLES
    ]
    return html_table(["类别", "本课程使用的名称"], rows)


def my_progress(folder: str | Path | None = None):
    """The trainee's progress on the home page: saved answers per lesson, and the export a
    trainer collects (:func:`xsim.teaching.progress.progress_panel`)."""
    from xsim.teaching.progress import progress_panel

    return progress_panel(folder)


def classroom(folder: str | Path = "进度文件"):
    """The trainer's class summary: a folder of trainees' exports merged
    (:func:`xsim.teaching.classroom.classroom_panel`)."""
    from xsim.teaching.classroom import classroom_panel

    return classroom_panel(folder)


@dataclass
class Matter:
    """A worked example for lesson 01: a matter described as a patch on :func:`village_record`."""

    text: str
    patch: dict[str, Any]


#: the notice clause that names each topic category (§1 of the notice)
CATEGORY_CLAUSE = {
    "law_required": "§1.a",
    "policy_implementation": "§1.b",
    "planning": "§1.c",
    "infrastructure": "§1.c",
    "major_activity": "§1.c",
    "large_fund": "§1.c",
    "rights_policy": "§1.d",
    "charter_rules": "§1.d",
    "dispute": "§1.e",
    "joint_proposal": "§1.f",
    "other_public": "§1.g",
    "subject_request": "§1.h",
}


def _category_names(categories: Sequence[str]) -> str:
    def name(key: str) -> str:
        term = V.TOPIC_CATEGORIES.get(key)
        return key if term is None else f"{term.zh}（{CATEGORY_CLAUSE[key]}）"

    return "、".join(name(c) for c in categories) or "不属于任何一类"


def topic_table(matters: Sequence[Matter] | None = None) -> HtmlBlock:
    """Lesson 01's three matters, their §1 categories and the engine's topic findings."""
    if matters is None:  # lesson 01's exercises.yaml
        from xsim.teaching.lessons import lesson_exercises

        matters = [Matter(m.text, dict(m.set)) for m in lesson_exercises("01").matters or []]
    rows = []
    for m in matters:
        data = apply_patch(village_record(), {"topic.title": m.text, **m.patch})
        found = [f for f in check_dict(data).findings if f.code.startswith("TOPIC-")]
        verdict = "；".join(f.message_zh for f in found) or "可以作为协商事项"
        rows.append([m.text, _category_names(data["topic"]["categories"]), verdict])
    return html_table(["事项", "属于第一部分哪一类", "规则引擎的判断"], rows)


# --------------------------------------------------------------------------------------------------
# the lesson's data files (course/NN_名称/*.yaml), read through xsim.teaching.lessons


def quiz(lesson: str):
    """The self-check quiz of a lesson (``"01"`` …), from its ``quiz.yaml``; each answer is saved
    to the trainee's progress under the lesson's id as it is given."""
    from xsim.teaching.lessons import lesson_folder
    from xsim.teaching.quiz import load_quiz

    return load_quiz(lesson_folder(lesson) / "quiz.yaml", lesson=lesson)


def lab(lab_id: str, **kwargs: Any):
    """The simulation widget ``lab_id`` (``"04"``, ``"03b"``) from its lesson's ``labs.yaml``."""
    from xsim.teaching.lab import ScenarioLab
    from xsim.teaching.lessons import find_lab

    _load_model()
    return ScenarioLab.from_spec(find_lab(lab_id), **kwargs)


_MODEL_LOADING: dict[bool, threading.Thread] = {}
#: the import starts once the kernel has run no cell for this long: after "run all", not during it
IDLE_BEFORE_IMPORT_S = 0.5


def _load_model(study: bool = False) -> None:
    """Import the model (and the study runner) in the background, once per kernel, as soon as
    the lesson's cells have run.

    The first import (Mesa, SciPy, pandas) takes seconds. Done in the lesson's cell it would delay
    "run all"; left to the first 运行 click it would delay the answer. A background thread does it
    while the trainee reads; a click that comes sooner simply waits for the import to finish
    (Python's import lock), so nothing runs half-imported. In a kernel the thread starts only when
    no cell has run for :data:`IDLE_BEFORE_IMPORT_S` (:class:`_WhenIdle`): started during "run all"
    it would compete with the remaining cells for the interpreter and slow them down."""
    if study in _MODEL_LOADING:
        return

    def load() -> None:
        try:
            import xsim.sim.model  # noqa: F401

            if study:
                import xsim.experiments.study  # noqa: F401
        except Exception:  # noqa: BLE001 — the click that needs the model reports the error
            pass

    thread = threading.Thread(target=load, name="xsim-model-import", daemon=True)
    _MODEL_LOADING[study] = thread
    _WhenIdle.start(thread)


class _WhenIdle:
    """Starts threads once the IPython kernel is idle: a timer armed after each cell and disarmed
    when the next one begins (``pre_run_cell`` / ``post_run_cell`` events). Outside IPython a
    thread starts at once."""

    waiting: list[threading.Thread] = []
    timer: threading.Timer | None = None
    hooked = False

    @classmethod
    def start(cls, thread: threading.Thread) -> None:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            thread.start()
            return
        cls.waiting.append(thread)
        if not cls.hooked:
            shell.events.register("pre_run_cell", cls._cell_begins)
            shell.events.register("post_run_cell", cls._cell_ended)
            cls.hooked = True

    @classmethod
    def _cell_begins(cls, *_: Any) -> None:
        if cls.timer is not None:
            cls.timer.cancel()
            cls.timer = None

    @classmethod
    def _cell_ended(cls, *_: Any) -> None:
        cls._cell_begins()
        if cls.waiting:
            cls.timer = threading.Timer(IDLE_BEFORE_IMPORT_S, cls._release)
            cls.timer.daemon = True
            cls.timer.start()

    @classmethod
    def _release(cls) -> None:
        waiting, cls.waiting = cls.waiting, []
        for thread in waiting:
            thread.start()


def lab_table(lab_id: str, control: int = 0) -> HtmlBlock:
    """A static table: every option of one control of a simulation, side by side (fixed seeds:
    stored when the notebooks are built, :mod:`xsim.teaching.precomputed`)."""
    from xsim.teaching.precomputed import stored_block

    return stored_block(
        f"lab_table-{lab_id}-{control}", lambda: lab(lab_id).compare_options(control)
    )


def _steps(lesson: str):
    from xsim.teaching.lessons import lesson_folder, load_steps_file
    from xsim.teaching.stepper import steps_from_spec

    return steps_from_spec(load_steps_file(lesson_folder(lesson) / "steps.yaml"))


# --------------------------------------------------------------------------------------------------
# shortcuts to the other widgets, so that a cell is one short call


def case_report(name: str) -> HtmlBlock:
    """The engine's report on one example record (static: its text is compared by nbval)."""
    record = example_record(name)
    report = check_dict(record, source=f"{name}.yaml")
    lines = [f"{record['title']}：" + ("符合要求" if report.compliant else "不符合要求")]
    lines += [f"{f.severity} {f.code} [{f.clause}] {f.message_zh}" for f in report.findings]
    return HtmlBlock(note_html(esc(_case_summary(record))) + report_html(report), "\n".join(lines))


def picker(lesson: str | None = None):
    """Lesson 02: who takes part in the elevator consultation (the engine judges the picks);
    each check is saved to the trainee's progress under ``lesson``."""
    from xsim.teaching.picker import ParticipantPicker, elevator_candidates

    return ParticipantPicker(
        elevator_record(),
        elevator_candidates(),
        title="练一练：3号楼加装电梯，请谁来协商？",
        lesson=lesson,
    )


def form_chooser(scenario: str = "online_talk_day"):
    """A simulation with one choice, the consultation form (:func:`xsim.teaching.lab.form_chooser`)."""
    from xsim.teaching.lab import form_chooser as chooser

    _load_model()
    return chooser(scenario)


def stepper(lesson: str | None = None):
    """Lesson 04: the §4 procedure on the elevator case, one choice per step (each confirmed
    choice saved to the trainee's progress under ``lesson``)."""
    from xsim.teaching.stepper import ProcedureStepper

    return ProcedureStepper(elevator_record(), _steps("04"), lesson=lesson)


def results_record() -> dict[str, Any]:
    """Lesson 05's compliant base: the village road, commissioned by the township, with dissenters."""
    return apply_patch(
        village_record(),
        {
            "topic.commissioned_by": "township",
            "results.reported_to_commissioner": True,
            "results.commissioner_responded": True,
            "results.dissenters": 12,
            "results.dissenters_explained": 12,
            "subsidies": {"paid": True, "decided_by_meeting": True, "publicized": True},
        },
    )


def results_stepper(lesson: str | None = None):
    """Lesson 05: what happens after the consultation (§4.4, §5, §6.4), from its ``steps.yaml``."""
    from xsim.teaching.stepper import ProcedureStepper

    return ProcedureStepper(
        results_record(), _steps("05"), title="协商之后：你来落实成果", lesson=lesson
    )


def editor(name: str = "06", lesson: str | None = None):
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
        report = check_dict(self.to_dict())
        self.viewer.show(report)
        self.save_answer(self.item, report.compliant, self.answer_text(), clause=self.clause)


# --------------------------------------------------------------------------------------------------
# lesson 03: which form fits which matter


@dataclass
class FormSituation:
    """A situation, the forms that fit it and why (with the clause)."""

    text: str
    fits: tuple[str, ...]
    why: str
    clause: str


#: The forms a trainee chooses from: every form of the form table (src/xsim/data/forms.yaml).
FORM_CHOICES = FORM_NAMES


def form_situations() -> list[FormSituation]:
    """Lesson 03's situations (its exercises.yaml)."""
    from xsim.teaching.lessons import lesson_exercises

    return [
        FormSituation(x.text, tuple(x.fits), x.why, x.clause)
        for x in lesson_exercises("03").form_situations or []
    ]


class FormMatchExercise(TeachingWidget):
    """For each situation the trainee picks a form; feedback names the fitting forms and why."""

    kind_zh = "协商形式配对练习"

    def __init__(
        self, situations: Sequence[FormSituation] | None = None, lesson: str | None = None
    ):
        super().__init__()
        from xsim.teaching.common import FORM_ZH

        self.situations = list(situations) if situations is not None else form_situations()
        self.track(lesson, [f"form{i + 1}" for i in range(len(self.situations))])
        options = [(FORM_ZH[f], f) for f in FORM_CHOICES]
        self.pickers = [
            widgets.Dropdown(
                options=options,
                value=None,
                description="选用形式",
                layout=widgets.Layout(width="24em"),
            )
            for _ in self.situations
        ]
        self.marks = [widgets.HTML("") for _ in self.situations]
        self.submit = button("提交答案")
        on_busy_click(self.submit, self._on_submit)
        rows = []
        for i, (s, p, m) in enumerate(zip(self.situations, self.pickers, self.marks, strict=True)):
            rows += [widgets.HTML(f"<b>情形 {i + 1}</b>　{esc(s.text)}"), p, m]
        self.children = [
            widgets.HTML("<h4>练一练：什么事用什么形式</h4>"),
            *rows,
            self.submit,
            self.status,
        ]

    def choose(self, *forms: str) -> None:
        for p, f in zip(self.pickers, forms, strict=True):
            p.value = f

    @safe_callback
    def _on_submit(self, _button=None) -> None:
        from xsim.teaching.common import FORM_ZH

        self.clear_status()
        if any(p.value is None for p in self.pickers):
            self.show_error("请为每个情形都选择一种形式，再点击「提交答案」。")
            return
        self.results = []
        for s, p, m in zip(self.situations, self.pickers, self.marks, strict=True):
            right = p.value in s.fits
            self.results.append(right)
            fits = "、".join(FORM_ZH[f] for f in s.fits)
            text = (
                f"✔ 合适。{s.why}" if right else f"✘ 更合适的是：{fits}。{s.why}"
            ) + f"（{s.clause}）"
            m.value = ok_html(esc(text)) if right else bad_html(esc(text))
        self.show_note(f"答对 {sum(self.results)} / {len(self.situations)} 题。")
        for i, (s, p, right) in enumerate(
            zip(self.situations, self.pickers, self.results, strict=True)
        ):
            self.save_answer(f"form{i + 1}", right, FORM_ZH[p.value], clause=s.clause)


# --------------------------------------------------------------------------------------------------
# a scenario's story and one consultation from start to end


def scenario_intro(name: str) -> HtmlBlock:
    """A scenario's title, narrative, stakeholder groups and teaching points (static)."""
    from xsim.sim.scenario import load_scenario

    s = load_scenario(name)
    rows = [
        [g.name, f"{100 * g.share:.0f}%", f"{g.stake.mean:+.1f}", f"{g.opinion.mean:+.1f}"]
        for g in s.stakeholder_groups
    ]
    table = html_table(
        ["利益相关群体", "占住户", "利益（−1 受损 … +1 受益）", "最初态度（−1 反对 … +1 支持）"],
        rows,
    )
    points = "".join(f"<li>{text_with_rule_titles_html(p)}</li>" for p in s.teaching_points)
    adults = round(s.population.households * s.population.adults_per_household)
    head = (
        f"<h4>{esc(s.title)}</h4><p>{text_with_rule_titles_html(s.narrative)}</p>"
        f"<p>约 {s.population.households} 户、{adults} 名成年人；"
        f"议题：{esc(s.topic.title)}</p>"
    )
    plain = "\n".join([s.title, s.narrative.strip(), table.plain, *s.teaching_points])
    return HtmlBlock(
        head + table.html_text + (f"<p><b>教学要点</b></p><ul>{points}</ul>" if points else ""),
        plain,
    )


def _story(model, outcome) -> list[str]:
    """What happened in one run, step by step, in Chinese (from the run's case record)."""
    from xsim.teaching.common import FORM_ZH, OUTCOME_ZH

    r = model.record
    t = r.timeline
    lines = []
    solicited = "充分征求了意见" if r.topic.opinions_solicited else "没有征求意见"
    lines.append(f"第一步　提出议题：{solicited}。")
    days = (t.consulted - t.notified).days if t.notified and t.consulted else None
    notice = f"提前 {days} 天通报" if days is not None else "没有事先通报"
    lines.append(f"第二步　确定主体：邀请 {outcome.invited} 人及相关组织，{notice}。")
    forms = "、".join(FORM_ZH.get(f, f) for f in r.consultation.forms)
    lines.append(
        f"第三步　开展协商（{forms}）：到会 {outcome.attended} 人"
        f"（占成年村（居）民的 {100 * outcome.participation:.1f}%），"
        f"结果：{OUTCOME_ZH.get(r.consultation.outcome, r.consultation.outcome)}，"
        f"支持方案的占 {100 * outcome.support:.0f}%。"
    )
    a = r.assembly
    if a is not None:
        lines.append(
            f"提交{V.label(V.MEETINGS, a.kind)}决定：应到 {a.members}，实到 {a.present}，"
            f"同意 {a.yes}；方案{'通过' if r.results.adopted else '未通过'}。"
        )
    else:
        lines.append(f"没有提交会议决定；方案{'通过' if r.results.adopted else '未通过'}。")
    if r.results.violates_law:
        fixed = "监督发现后已依法纠正" if r.results.corrected else "没有人纠正"
        lines.append(f"方案内容违反法律法规：{fixed}。")
    if r.results.implemented:
        pub = (
            f"{(t.publicized - t.implemented).days} 天后公开"
            if t.publicized and t.implemented
            else "没有公开"
        )
        lines.append(f"第四步　实施成果：已实施，{pub}。")
    lines.append(
        f"平均{MEASURES['fairness'].zh} {outcome.fairness:.2f}；投入 {outcome.person_hours:,.0f} 人·小时。"
    )
    return lines


def one_run(
    scenario: str, seed: int = 0, form: str | None = None, overrides: dict[str, Any] | None = None
) -> HtmlBlock:
    """One simulated consultation told step by step, with the rules engine's findings (static:
    fixed seed, stored when the notebooks are built, :mod:`xsim.teaching.precomputed`)."""
    from xsim.teaching.precomputed import run_key, stored_block

    key = run_key("one_run", scenario, seed, form, overrides)
    return stored_block(key, lambda: _one_run(scenario, seed, form, overrides))


def _one_run(
    scenario: str, seed: int, form: str | None, overrides: dict[str, Any] | None
) -> HtmlBlock:
    from xsim.sim.model import ConsultationModel

    model = ConsultationModel(scenario, form=form, rng=seed, overrides=overrides)
    outcome = model.run()
    lines = _story(model, outcome)
    story = "".join(f"<li>{esc(line)}</li>" for line in lines)
    report = model.report
    plain = "\n".join(lines + [f"{f.code} {f.message_zh}" for f in report.findings])
    return HtmlBlock(f"<ol>{story}</ol>" + report_html(report), plain)


# --------------------------------------------------------------------------------------------------
# lesson 09's capstone and the village pictures of 03, 04, 06 live in xsim.teaching.capstone,
# imported on first use: the other lessons' first cell does not pay for it

_FROM_CAPSTONE = ("Capstone", "village")
if TYPE_CHECKING:
    from xsim.teaching.capstone import Capstone, village  # noqa: F401


class SpotExercise(TeachingWidget):
    """Read an example record, tick the problems you see; the engine's findings are the key."""

    kind_zh = "找问题练习"

    def __init__(
        self, name: str = "05", codes: Sequence[str] | None = None, lesson: str | None = None
    ):
        super().__init__()
        self.spot_item = f"spot{name}"  # the progress-store id of this exercise
        self.track(lesson, [self.spot_item])
        from xsim.records import load_record
        from xsim.rules import RULES

        self.name = [n for n in example_names() if n == name or n.startswith(f"{name}-")][0]
        record = load_record(_records_dir() / f"{self.name}.yaml")
        self.truth = {
            f.code for f in check_dict(example_record(name)).findings if f.severity == "violation"
        }
        self.codes = (
            list(codes)
            if codes is not None
            else [
                "TOPIC-JOINT",
                "TOPIC-SOLICIT",
                "SUBJ-LEAD",
                "SUBJ-MISSING",
                "PROC-NOTICE",
                "PROC-ESCALATE",
                "PROC-BODY",
                "PROC-ELECTORATE",
                "PROC-ASSEMBLY-NOTICE",
                "PROC-QUORUM",
                "PROC-MAJORITY",
                "RES-PUBLICIZE",
                "RES-EXPLAIN",
                "RES-LEGAL",
                "RES-EXCLUSION",
                "GUAR-SUBSIDY",
            ]
        )
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
        from xsim.teaching.findings import record_table_html

        text = record_table_html(example_record(name))
        self.children = [
            widgets.HTML(
                f"<h4>找问题：{esc(record.title)}</h4>"
                f"<details open><summary>协商记录</summary>{text}</details>"
                "<div>这份记录有哪些违规？勾选您发现的问题（可多选），点击“提交答案”。</div>"
            ),
            *self.boxes,
            self.submit,
            self.status,
            self.feedback,
        ]

    def select(self, *codes: str) -> None:
        for c, b in zip(self.codes, self.boxes, strict=True):
            b.value = c in codes

    @safe_callback
    def _on_submit(self, _button=None) -> None:
        from xsim.rules import RULES

        self.clear_status()
        chosen = {c for c, b in zip(self.codes, self.boxes, strict=True) if b.value}
        if not chosen:
            self.show_error("请至少勾选一项，再点击「提交答案」。")
            return
        hits, misses, wrong = chosen & self.truth, self.truth - chosen, chosen - self.truth
        self.correct = not misses and not wrong
        parts = []
        if self.correct:
            parts.append(ok_html("✔ 完全正确！"))

        def titles(codes: set[str]) -> str:  # the rules by their Chinese titles, never by code
            return "；".join(f"“{rule_title_zh(c)}”" for c in sorted(codes))

        if hits:
            parts.append(ok_html("找对了：" + esc(titles(hits))))
        if misses:
            parts.append(bad_html("漏掉了：" + esc(titles(misses))))
        if wrong:
            parts.append(bad_html("这份记录没有这些问题：" + esc(titles(wrong))))
        clauses = clauses_zh(RULES[c].clause for c in self.truth if c in RULES)
        self.save_answer(self.spot_item, self.correct, titles(chosen), clause=clauses)
        report = check_dict(example_record(self.name))
        self.feedback.value = "".join(parts) + "<h5>规则引擎的检查结果</h5>" + report_html(report)


# --------------------------------------------------------------------------------------------------
# lesson 08: comparing policies with confidence intervals (xsim.experiments, in-process)

_STUDIES: dict[tuple, Any] = {}


def policy_measures() -> list[str]:
    """The measures of lesson 08's comparisons (its ``exercises.yaml``)."""
    from xsim.teaching.lessons import lesson_exercises

    return list(lesson_exercises("08").policy_measures or [])


def policy_variants(kind: str) -> tuple[str, list[dict[str, Any]]]:
    """The scenario and variants of a comparison of lesson 08's ``exercises.yaml`` (``"forms"``,
    ``"notice"``): variants as :class:`xsim.experiments.Study` takes them."""
    from xsim.teaching.lessons import lesson_exercises

    comparisons = {c.name: c for c in lesson_exercises("08").policy_comparisons or []}
    if kind not in comparisons:
        raise InputError(
            "course/08_政策比较/exercises.yaml",
            "policy_comparisons",
            f"a comparison named {kind!r}; there are: {', '.join(comparisons)}",
            f"没有名为“{kind}”的比较；已有：{'、'.join(comparisons)}",
        )
    c = comparisons[kind]
    variants = [
        {"name": v.name, **({"form": v.form} if v.form else {}), **v.set} for v in c.variants
    ]
    return c.scenario, variants


def policy_summary(kind: str = "forms", reps: int = 8, seed: int = 2026):
    """Run (once per session) a small study in-process and summarize it with bootstrap CIs."""
    key = (kind, reps, seed)
    if key not in _STUDIES:
        from xsim.teaching.precomputed import stored_summary

        def compute():
            from xsim.experiments import Study

            scenario, variants = policy_variants(kind)
            result = Study(scenario, variants, reps=reps, seed=seed).run(
                executor="in-process", progress=False
            )
            return result.summary(measures=policy_measures(), n_boot=1000, seed=seed)

        # fixed seeds: stored when the notebooks are built (xsim.teaching.precomputed)
        _STUDIES[key] = stored_summary(f"policy_summary-{kind}-{reps}-{seed}", compute)
    return _STUDIES[key]


def _number(x: float, decimals: int, signed: bool = False) -> str:
    if x is None or math.isnan(x):
        return "—"
    x = round(float(x), decimals) + 0.0  # no "-0.000" from rounding noise
    return f"{x:+.{decimals}f}" if signed and x > 0 else f"{x:.{decimals}f}"


def _decimals(*values: float) -> int:
    scale = max((abs(v) for v in values if v is not None and not math.isnan(v)), default=0.0)
    return 0 if scale >= 100 else 1 if scale >= 10 else 3


def _interval(low: float, high: float, decimals: int) -> str:
    return f"{_number(low, decimals)} – {_number(high, decimals)}"  # reads as a number: no wrap


def summary_tables(summary, measures: Sequence[str] | None = None) -> HtmlBlock:
    """A study's summary as two HTML tables with Chinese headers (numbers never wrap): each
    variant's mean and 95% interval per measure, then each variant against the baseline."""
    from xsim.experiments.labels import measure_label, variant_label
    from xsim.teaching.display import TABLE_CSS
    from xsim.teaching.display import html_table as table_html

    measures = [m for m in (measures or policy_measures()) if m in summary.measures]
    pct = f"{summary.level:.0%}"
    head = ["指标"]
    for v in summary.variants:
        head += [f"{variant_label(v)}：均值", f"{variant_label(v)}：{pct} 置信区间"]
    rows = []
    for m in measures:
        row = {"指标": measure_label(m)}
        for v in summary.variants:
            e = summary.estimate(v, m)
            d = _decimals(e["mean"], e["ci_low"], e["ci_high"])
            row[f"{variant_label(v)}：均值"] = _number(e["mean"], d)
            row[f"{variant_label(v)}：{pct} 置信区间"] = _interval(e["ci_low"], e["ci_high"], d)
        rows.append(row)
    base = variant_label(summary.baseline)
    diff_head = ["指标", "方案", f"与「{base}」之差", f"{pct} 置信区间", "是否明显不同"]
    diff_rows = []
    for m in measures:
        for v in summary.variants:
            if v == summary.baseline:
                continue
            x = summary.difference(v, m)
            d = _decimals(x["diff"], x["ci_low"], x["ci_high"])
            if x["ci_low"] <= 0 <= x["ci_high"] or math.isnan(x["diff"]):
                verdict = "看不出差别（区间含 0）"
            else:
                verdict = "明显更高" if x["diff"] > 0 else "明显更低"
            diff_rows.append(
                {
                    "指标": measure_label(m),
                    "方案": variant_label(v),
                    diff_head[2]: _number(x["diff"], d, signed=True),
                    diff_head[3]: _interval(x["ci_low"], x["ci_high"], d),
                    "是否明显不同": verdict,
                }
            )
    caption = f"各方案的均值和 {pct} 置信区间（每种方案模拟 {summary.reps} 次）"
    html_text = table_html(rows, columns=head, caption=caption, css=False)
    if diff_rows:
        html_text += table_html(
            diff_rows,
            columns=diff_head,
            caption=f"与基准方案「{base}」相比（差值的 {pct} 置信区间不含 0，才算明显不同）",
            css=False,
        )
    plain = "\n".join(
        [
            caption,
            " | ".join(head),
            *(" | ".join(r[h] for h in head) for r in rows),
            " | ".join(diff_head),
            *(" | ".join(r[h] for h in diff_head) for r in diff_rows),
        ]
    )
    return HtmlBlock(TABLE_CSS + html_text.replace("<tr>", "\n<tr>"), plain)


def policy_table(kind: str = "forms", reps: int = 8) -> HtmlBlock:
    """The summary tables (means, 95% CIs, differences vs the first variant) as HTML."""
    return summary_tables(policy_summary(kind, reps))


POLICY_FIGURE_MEASURES = (
    "participation",
    "participation.age_old",
    "participation.age_young",
    "fairness",
    "person_hours",
    "representativeness_groups",
)


def policy_figure(kind: str = "forms", reps: int = 8):
    """Bars with 95% CIs for the headline measures, as a stored picture (fixed seeds: drawn when
    the notebooks are built, :mod:`xsim.teaching.precomputed`)."""
    from xsim.teaching.precomputed import stored_picture

    def draw() -> Picture:
        from xsim.experiments.figures import comparison_figure
        from xsim.experiments.labels import measure_label

        summary = policy_summary(kind, reps)
        measures = "、".join(measure_label(m) for m in POLICY_FIGURE_MEASURES)
        plain = f"图：{measures}，各方案的均值和 95% 置信区间（{reps} 次重复）"
        return Picture.of_figure(comparison_figure(summary, list(POLICY_FIGURE_MEASURES)), plain)

    return stored_picture(f"policy_figure-{kind}-{reps}", draw)


class PredictionExercise(TeachingWidget):
    """Predict the comparison before reading it; the key is computed from the study's CIs."""

    kind_zh = "预测练习"

    def __init__(self, kind: str = "forms", reps: int = 8, lesson: str | None = None):
        super().__init__()
        from xsim.experiments.labels import measure_label, variant_label
        from xsim.teaching.quiz import Question, Quiz

        summary = policy_summary(kind, reps)
        questions = []
        day1, day3 = "提前1天", "提前3天"  # variant names of the notice-days study
        pairs = (
            [
                ("online", "participation.age_old"),
                ("online", "participation.age_young"),
                ("hearing", "participation"),
            ]
            if kind == "forms"
            else [(day1, "participation"), (day3, "fairness")]
        )
        choices = [
            "明显更高（置信区间不含 0）",
            "明显更低（置信区间不含 0）",
            "看不出差别（置信区间含 0）",
        ]
        for variant, measure in pairs:
            d = summary.difference(variant, measure)
            key = 2 if d["ci_low"] <= 0 <= d["ci_high"] else (0 if d["diff"] > 0 else 1)
            questions.append(
                Question(
                    f"与「{variant_label(summary.baseline)}」相比，「{variant_label(variant)}」的"
                    f"“{measure_label(measure)}”会怎样？",
                    choices,
                    correct=key,
                    explanation=(
                        f"模拟结果：差值 {d['diff']:+.3f}，95% 置信区间 "
                        f"[{d['ci_low']:.3f}, {d['ci_high']:.3f}]。"
                    ),
                )
            )
        self.quiz = Quiz(
            questions, title="先预测，再看结果", lesson=lesson, item_prefix=f"predict-{kind}-"
        )
        self.children = [self.quiz, self.status]


class PolicyLab(TeachingWidget):
    """Pick variants and replications, click 运行比较: a small study with bootstrap CIs."""

    kind_zh = "模拟实验"

    def __init__(self, scenario: str = "elevator_retrofit"):
        super().__init__()
        from xsim.sim.scenario import load_scenario
        from xsim.teaching.common import FORM_ZH

        _load_model(study=True)
        self.scenario_name = scenario
        s = load_scenario(scenario)
        style, lay = {"description_width": "10em"}, widgets.Layout(width="40em")
        # check boxes, not a multi-select list: no Ctrl-click, no silently dropped choice
        self.forms = CheckboxGroup(
            [(FORM_ZH.get(f, f), f) for f in s.forms],
            value=tuple(s.forms[:2]),
            description="比较哪些形式（可多选）",
        )
        self.notice = widgets.IntSlider(
            value=s.organizer.notice_days,
            min=0,
            max=14,
            description="提前几天通报",
            style=style,
            layout=lay,
        )
        self.reps = widgets.IntSlider(
            value=6, min=3, max=20, description="每种形式重复次数", style=style, layout=lay
        )
        self.run_button = button("运行比较")
        on_busy_click(self.run_button, self._on_run)
        self.result = widgets.HTML("")
        self.children = [
            widgets.HTML(f"<h4>政策比较实验：{esc(s.title)}</h4>"),
            self.forms,
            self.notice,
            self.reps,
            self.run_button,
            self.status,
            self.result,
        ]

    def summary(self):
        from xsim.experiments import Study

        if len(self.forms.value) < 2:
            raise InputError("政策比较", "", "at least two forms", "请至少选择两种形式进行比较")
        variants = [
            {"name": f, "form": f, "organizer.notice_days": int(self.notice.value)}
            for f in self.forms.value
        ]
        result = Study(self.scenario_name, variants, reps=int(self.reps.value), seed=2026).run(
            executor="in-process", progress=False
        )
        return result.summary(measures=policy_measures(), n_boot=500, seed=2026)

    @safe_callback
    def _on_run(self, _button=None) -> None:
        self.clear_status()
        self.result.value = ""
        self.result.value = summary_tables(self.summary()).html_text
