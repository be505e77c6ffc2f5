"""Exercises of the notice's first three parts, judged by the rules engine or by the lesson's data.

- §1: :func:`topic_table` (the lesson's ``matters``), :class:`ThresholdExercise`,
  :class:`JointProposalChecker` (joint proposals, §1.f);
- §2.c: :class:`LeadExercise` (the lesson's ``lead_cases``: who leads);
- §3: :class:`FormMatchExercise` (the lesson's ``form_situations``: which form fits);
- :class:`CalculationExercise` (the lesson's ``calculations``: numbers the trainee works out).

Each takes ``lesson="NN"`` and reads its data from that lesson's ``exercises.yaml``
(:func:`xsim.teaching.lessons.exercise_data`); every judgement comes from the rules engine on a
record built from the trainee's choice, or from the lesson's data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from xsim import vocabulary as V
from xsim.forms import NOTICE_FORMS
from xsim.teaching.cases import apply_patch, village_record
from xsim.teaching.common import (
    FORM_ZH,
    HtmlBlock,
    TeachingWidget,
    bad_html,
    button,
    clause_quote_html,
    esc,
    int_value,
    ok_html,
    on_busy_click,
    rule_title_zh,
    safe_callback,
    table_block,
)
from xsim.teaching.findings import check_dict, finding_html

__all__ = [
    "CalculationExercise",
    "FormMatchExercise",
    "JointProposalChecker",
    "LeadExercise",
    "ThresholdExercise",
    "minimum_signatures",
    "topic_table",
]

# -- §1.f joint proposals ---------------------------------------------------------------------------


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
        self.remembered = ("villagers_answer", "reps_answer", "feedback")
        self.recall()

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
        a = int_value(self.villagers_answer, "村民联名人数")
        b = int_value(self.reps_answer, "村民代表联名人数")
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
        residents = int_value(self.residents, "村（居）民人数")
        reps = int_value(self.representatives, "村（居）民代表人数")
        sig = int_value(self.signatures, "联名人数")
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
            from xsim.teaching.lessons import exercise_data

            cases = [LeadCase(c.text, c.scope) for c in exercise_data(lesson, "lead_cases")]
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
        self.remembered = ("pickers", "marks")
        self.recall()

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


def minimum_signatures(total: int, share: int) -> int:
    """``ceil(total / share)`` — shown next to the engine's verdicts in the worked examples."""
    return math.ceil(total / share)


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


def topic_table(lesson: str | None = None, matters: Sequence[Matter] | None = None) -> HtmlBlock:
    """The lesson's matters (``matters`` of its exercises.yaml), their §1 categories and the
    engine's topic findings."""
    if matters is None:
        from xsim.teaching.lessons import exercise_data

        matters = [Matter(m.text, dict(m.set)) for m in exercise_data(lesson, "matters")]
    rows = []
    for m in matters:
        data = apply_patch(village_record(), {"topic.title": m.text, **m.patch})
        found = [f for f in check_dict(data).findings if f.code.startswith("TOPIC-")]
        verdict = "；".join(f.message_zh for f in found) or "可以作为协商事项"
        rows.append([m.text, _category_names(data["topic"]["categories"]), verdict])
    return table_block(["事项", "属于第一部分哪一类", "规则引擎的判断"], rows)


# --------------------------------------------------------------------------------------------------
# lesson 03: which form fits which matter


#: The forms a trainee chooses from: every form of the form table (src/xsim/data/forms.yaml).
FORM_CHOICES = NOTICE_FORMS


class FormMatchExercise(TeachingWidget):
    """For each of the lesson's situations (``form_situations``) the trainee picks a form; an
    answer key judges it (:mod:`xsim.teaching.answers`): a wrong pick first sends the trainee back
    to the clause, the fitting forms and why come after a second try (or with a right one)."""

    kind_zh = "协商形式配对练习"

    def __init__(self, lesson: str, key=None):
        super().__init__()
        from xsim.teaching.answers import answer_key
        from xsim.teaching.lessons import exercise_data

        self.lesson_id = lesson
        self.key = key if key is not None else answer_key()
        self.situations = list(exercise_data(lesson, "form_situations"))
        self.wrong_tries = [0] * len(self.situations)
        self.track(lesson, [self.item_id(i) for i in range(len(self.situations))])
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
        self.remembered = ("pickers", "marks", "wrong_tries")
        self.recall()

    @staticmethod
    def item_id(index: int) -> str:
        """The progress-store (and answer-key) id of situation ``index`` (0-based): form1 …"""
        return f"form{index + 1}"

    def choose(self, *forms: str) -> None:
        for p, f in zip(self.pickers, forms, strict=True):
            p.value = f

    @safe_callback
    def _on_submit(self, _button=None) -> None:
        self.clear_status()
        if any(p.value is None for p in self.pickers):
            self.show_error("请为每个情形都选择一种形式，再点击「提交答案」。")
            return
        self.results = []
        judged = []
        for i, p in enumerate(self.pickers):
            # the attempt: 1 + the earlier wrong tries (the answer shows after a second wrong one)
            j = self.key.judge(self.lesson_id, self.item_id(i), p.value, self.wrong_tries[i] + 1)
            self.wrong_tries[i] += not j.correct
            self.results.append(j.correct)
            judged.append(j)
        self.show_note(f"答对 {sum(self.results)} / {len(self.situations)} 题。")
        for i, (s, p, m, j) in enumerate(
            zip(self.situations, self.pickers, self.marks, judged, strict=True)
        ):
            if j.correct:
                m.value = ok_html(esc(f"✔ 合适。{j.explanation_zh}（{s.clause}）"))
            elif j.right_answer_zh:
                m.value = bad_html(
                    esc(f"✘ 更合适的是：{j.right_answer_zh}。{j.explanation_zh}（{s.clause}）")
                )
            else:
                m.value = bad_html(
                    esc(f"✘ {j.why_zh}改选后再提交一次（再选错一次将显示答案）。")
                ) + clause_quote_html(s.clause)
            self.save_answer(self.item_id(i), j.correct, FORM_ZH[p.value], clause=s.clause)


class CalculationExercise(TeachingWidget):
    """The lesson's ``calculations``: the trainee types each number and clicks 提交答案; an answer
    key judges it (:mod:`xsim.teaching.answers`): a wrong number gets the hint and the clause, the
    right number and how it is worked out only after a second wrong try (or with a right one)."""

    kind_zh = "计算练习"

    def __init__(self, lesson: str, key=None, title: str = "算一算"):
        super().__init__()
        from xsim.teaching.answers import answer_key
        from xsim.teaching.lessons import exercise_data

        self.lesson_id = lesson
        self.key = key if key is not None else answer_key()
        self.calculations = list(exercise_data(lesson, "calculations"))
        self.wrong_tries = [0] * len(self.calculations)
        self.track(lesson, [self.item_id(i) for i in range(len(self.calculations))])
        self.inputs = [
            widgets.IntText(
                value=0,
                description=f"答（{c.unit}）",
                style={"description_width": "6em"},
                layout=widgets.Layout(width="16em"),
            )
            for c in self.calculations
        ]
        self.marks = [widgets.HTML("") for _ in self.calculations]
        self.submit = button("提交答案")
        on_busy_click(self.submit, self._on_submit)
        rows = []
        for i, (c, box, mark) in enumerate(
            zip(self.calculations, self.inputs, self.marks, strict=True)
        ):
            rows += [widgets.HTML(f"<b>第 {i + 1} 题</b>　{esc(c.prompt)}"), box, mark]
        self.children = [widgets.HTML(f"<h4>{esc(title)}</h4>"), *rows, self.submit, self.status]
        self.remembered = ("inputs", "marks", "wrong_tries")
        self.recall()

    @staticmethod
    def item_id(index: int) -> str:
        """The progress-store (and answer-key) id of calculation ``index`` (0-based): calc1 …"""
        return f"calc{index + 1}"

    def fill(self, *numbers: int) -> None:
        for box, n in zip(self.inputs, numbers, strict=True):
            box.value = n

    @safe_callback
    def _on_submit(self, _button=None) -> None:
        self.clear_status()
        values = [int_value(box, f"第 {i + 1} 题") for i, box in enumerate(self.inputs)]
        self.results = []
        judged = []
        for i, value in enumerate(values):
            j = self.key.judge(self.lesson_id, self.item_id(i), str(value), self.wrong_tries[i] + 1)
            self.wrong_tries[i] += not j.correct
            self.results.append(j.correct)
            judged.append(j)
        self.show_note(f"答对 {sum(self.results)} / {len(self.calculations)} 题。")
        for i, (c, mark, j, value) in enumerate(
            zip(self.calculations, self.marks, judged, values, strict=True)
        ):
            clause = clause_quote_html(c.clause) if c.clause else ""
            if j.correct:
                mark.value = ok_html(esc(f"✔ {value} {c.unit}，对了。{j.explanation_zh}"))
            elif j.right_answer_zh:
                mark.value = (
                    bad_html(esc(f"✘ 正确答案是 {j.right_answer_zh}。{j.explanation_zh}")) + clause
                )
            else:
                mark.value = (
                    bad_html(esc(f"✘ 还不对。{j.why_zh}改一改再提交（再答错一次将显示答案）。"))
                    + clause
                )
            self.save_answer(self.item_id(i), j.correct, f"{value} {c.unit}", clause=c.clause or "")
