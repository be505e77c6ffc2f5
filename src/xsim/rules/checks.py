"""One check per rule code: a pure function ``(record, rulebook) -> Iterator[Finding]``.

Every threshold is compared in exact integer (or :class:`fractions.Fraction`) arithmetic by
cross-multiplying, never with floats: "1/10 以上" means ``signatures * 10 >= residents`` (the bound
itself passes), "过半数" means ``present * 2 > members`` (strictly more than half).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from math import ceil

from xsim.records import CaseRecord
from xsim.rules.catalogue import RULES
from xsim.rules.report import Finding
from xsim.rules.rulebook import Rulebook
from xsim.vocabulary import FORMS, label

__all__ = ["CHECKS", "run_checks"]

Check = Callable[[CaseRecord, Rulebook], Iterator[Finding]]
CHECKS: dict[str, Check] = {}

RESPECTED_ROLES = {"deputy", "veteran", "social_worker", "mass_org"}
EXPERT_ROLES = {"expert", "third_party"}
HEARING_FORMS = {"hearing", "special_council"}
MEETING_ZH = {
    "villagers_meeting": "村民会议",
    "residents_meeting": "居民会议",
    "representatives_meeting": "村（居）民代表会议",
    "owners_meeting": "业主大会",
}
MEETING_EN = {
    "villagers_meeting": "villagers' meeting",
    "residents_meeting": "residents' meeting",
    "representatives_meeting": "representatives' meeting",
    "owners_meeting": "owners' meeting",
}
FEEDBACK_ZH = {"subjects": "协商主体", "stakeholders": "利益相关方", "residents": "村（居）民"}
LEAD_ZH = {
    "party_branch": "村（社区）党组织",
    "committee": "村（居）民委员会",
    "township": "乡镇（街道）",
    "other": "其他主体",
}
SCOPE_ZH = {
    "whole": "全村（社区）事项",
    "group": "村（居）民小组或部分群众事项",
    "cross_community": "跨村（社区）事项",
}


def rule(code: str) -> Callable[[Check], Check]:
    """Register a check function under its rule code (the code must be in the catalogue)."""
    if code not in RULES:
        raise KeyError(code)

    def register(fn: Check) -> Check:
        CHECKS[code] = fn
        return fn

    return register


def finding(code: str, where: str, zh: str, en: str, clause: str | None = None) -> Finding:
    r = RULES[code]
    return Finding(code, r.severity, clause or r.clause, r.step, zh, en, where)  # type: ignore[arg-type]


def _need(total: int, num: int, den: int) -> int:
    """The least whole number n with n/total >= num/den ("以上": the bound itself counts)."""
    return ceil(Fraction(total * num, den))


def _more_than_half(total: int) -> int:
    return total // 2 + 1


def _num(x: float) -> Fraction:
    # Areas are decimals as written (9800.5 m²); str() gives the shortest decimal, exactly.
    return Fraction(str(x))


# --- step 1: the topic ----------------------------------------------------------------------------


@rule("TOPIC-SCOPE")
def check_topic_scope(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Info when ``topic.categories`` is empty: the topic fits no §1 category."""
    if not rec.topic.categories:
        yield finding(
            "TOPIC-SCOPE",
            "topic.categories",
            f"议题“{rec.topic.title}”不属于通知第一部分所列任何一类协商内容，请确认是否属于协商事项。",
            f"Topic '{rec.topic.title}' fits none of the §1 categories; check that it is a "
            "consultation matter at all.",
        )


@rule("TOPIC-JOINT")
def check_topic_joint(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Joint proposals need ≥ 1/10 of residents' or ≥ 1/5 of representatives' signatures (a
    representatives' joint proposal where there are no representatives also fires)."""
    by = rec.topic.proposed_by
    where = "topic.proposed_by.signatures"
    signed = by.signatures or 0
    if by.kind == "joint_residents":
        total = rec.population.residents
        if signed * 10 < total:
            need = _need(total, 1, 10)
            yield finding(
                "TOPIC-JOINT",
                where,
                f"村（居）民联名{signed}人，少于村（居）民总数{total}人的十分之一，应至少{need}人联名。",
                f"{signed} residents signed; at least {need} required (1/10 of {total} residents).",
            )
    elif by.kind == "joint_representatives":
        total = rec.population.representatives
        if signed * 5 < total or total == 0:
            need = _need(total, 1, 5)
            yield finding(
                "TOPIC-JOINT",
                where,
                f"村（居）民代表联名{signed}人，少于代表总数{total}人的五分之一，应至少{need}人联名。"
                if total
                else "记录中村（居）民代表人数为0，不能以代表联名方式提出议题。",
                f"{signed} representatives signed; at least {need} required (1/5 of {total})."
                if total
                else "There are no representatives (0), so no joint proposal by them.",
            )


@rule("TOPIC-SOLICIT")
def check_topic_solicit(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """The topic must be proposed after soliciting opinions (§4.1)."""
    if not rec.topic.opinions_solicited:
        yield finding(
            "TOPIC-SOLICIT",
            "topic.opinions_solicited",
            "议题提出前未征求意见，应在充分征求意见的基础上提出协商议题。",
            "The topic was proposed without soliciting opinions; it must follow a full "
            "solicitation of opinions.",
        )


# --- step 2: the subjects -------------------------------------------------------------------------


@rule("SUBJ-LEAD")
def check_subj_lead(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Cross-community matters are led by the township; others by the Party branch or committee."""
    if rec.scope == "cross_community":
        if rec.lead != "township":
            yield finding(
                "SUBJ-LEAD",
                "lead",
                f"跨村（社区）事项由{LEAD_ZH[rec.lead]}牵头，应由乡镇（街道）党（工）委牵头。",
                f"A cross-community matter was led by '{rec.lead}'; the township must lead it.",
                clause="§2.c",
            )
    elif rec.lead not in ("party_branch", "committee"):
        yield finding(
            "SUBJ-LEAD",
            "lead",
            f"{SCOPE_ZH[rec.scope]}由{LEAD_ZH[rec.lead]}牵头，应由村（社区）党组织或村（居）民委员会牵头。",
            f"A '{rec.scope}' matter was led by '{rec.lead}'; the village (community) Party "
            "organization or the committee must lead it.",
        )


@rule("SUBJ-MISSING")
def check_subj_missing(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Every stakeholder group needs a participant (``count`` ≥ 1) whose ``group`` names it."""
    spoken_for = {p.group for p in rec.participants if p.group is not None and p.count > 0}
    for i, g in enumerate(rec.stakeholder_groups):
        if g.id not in spoken_for:
            yield finding(
                "SUBJ-MISSING",
                f"stakeholder_groups[{i}]",
                f"利益相关群体“{g.name}”在参与者中无人代表，应有人代表该群体参与协商。",
                f"Stakeholder group '{g.name}' ({g.id}) has no participant speaking for it; "
                "at least one is required.",
            )


@rule("SUBJ-IRRELEVANT")
def check_subj_irrelevant(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """No participant may be unrelated to the matter (``relevant: false``)."""
    for i, p in enumerate(rec.participants):
        if not p.relevant:
            yield finding(
                "SUBJ-IRRELEVANT",
                f"participants[{i}].relevant",
                f"参与者（{p.role}，{p.count}人）与协商内容无关，不应纳入协商。",
                f"Participant ({p.role}, {p.count}) is unrelated to the matter and should not "
                "have been brought in.",
            )


@rule("SUBJ-EXPERT")
def check_subj_expert(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """A technical matter needs an expert or third party (``count`` ≥ 1) among the participants."""
    if rec.topic.technical and not any(
        p.role in EXPERT_ROLES and p.count > 0 for p in rec.participants
    ):
        yield finding(
            "SUBJ-EXPERT",
            "participants",
            "专业技术性事项，参与者中专家或第三方机构0人，应至少邀请1名专家或第三方论证评估。",
            "Technical matter with 0 experts or third parties taking part; at least 1 required.",
        )


@rule("SUBJ-RESPECTED")
def check_subj_respected(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Warn when no respected figure (§2.e) took part."""
    if not any(
        (p.respected or p.role in RESPECTED_ROLES) and p.count > 0 for p in rec.participants
    ):
        yield finding(
            "SUBJ-RESPECTED",
            "participants",
            "没有老党员、老干部、人大代表、社会工作者等威望高、办事公道的人士参与（0人），建议吸纳。",
            "No respected figure (veteran, deputy, social worker, …) took part (0); the notice "
            "asks to involve them.",
        )


# --- step 3: the consultation ---------------------------------------------------------------------


@rule("PROC-NOTICE")
def check_proc_notice(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Participants must be notified at least ``notice_days`` before the consultation."""
    need = rb.notice_days
    t = rec.timeline
    if t.notified is None:
        if need > 0:
            yield finding(
                "PROC-NOTICE",
                "timeline.notified",
                f"未记录向参与者通报协商内容的日期，应至少提前{need}天通报。",
                f"No notification date recorded; participants must be notified at least {need} "
                "days ahead.",
            )
        return
    days = (t.consulted - t.notified).days
    if days < 0:
        yield finding(
            "PROC-NOTICE",
            "timeline.notified",
            f"通报日期（{t.notified}）晚于协商日期（{t.consulted}），应至少提前{need}天通报。",
            f"Notified ({t.notified}) after the consultation ({t.consulted}); at least {need} "
            "days ahead required.",
        )
    elif days < need:
        yield finding(
            "PROC-NOTICE",
            "timeline.notified",
            f"提前{days}天通知，应至少提前{need}天（{t.notified} 通知，{t.consulted} 协商）。",
            f"Notified {days} days ahead; at least {need} required (notified {t.notified}, "
            f"consulted {t.consulted}).",
        )


@rule("PROC-HEARD")
def check_proc_heard(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Every participant must get to express views (``spoke: false`` fires)."""
    names = {g.id: g.name for g in rec.stakeholder_groups}
    for i, p in enumerate(rec.participants):
        if not p.spoke:
            group = names.get(p.group, p.group) if p.group else None
            who = f"（{p.role}" + (f"，代表“{group}”" if group else "") + f"，{p.count}人）"
            yield finding(
                "PROC-HEARD",
                f"participants[{i}].spoke",
                f"参与者{who}未能发表意见，应确保各类主体充分发表意见建议。",
                f"Participant ({p.role}{', for ' + repr(group) if group else ''}, {p.count}) did "
                "not get to express views; every kind of subject must be heard.",
            )


@rule("PROC-HEARING")
def check_proc_hearing(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """A wide-impact matter needs a special council or a democratic hearing."""
    if rec.topic.wide_impact and not HEARING_FORMS & set(rec.consultation.forms):
        forms = "、".join(label(FORMS, f) for f in rec.consultation.forms)
        yield finding(
            "PROC-HEARING",
            "consultation.forms",
            f"涉及面广、关注度高的事项仅采用了 {forms}，应经过专题议事会或民主听证会。",
            f"Wide-impact matter consulted only by {', '.join(rec.consultation.forms)}; a special "
            "council or a democratic hearing is required.",
        )


@rule("PROC-ESCALATE")
def check_proc_escalate(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Disputed or law-reserved matters go to the villagers' (residents') / representatives' meeting."""
    disputed = rec.consultation.outcome == "disputed"
    reserved = rec.topic.law_reserved
    if (disputed or reserved) and rec.assembly is None:
        why_zh = "存在较大争议" if disputed else "属于法律规定须由会议决定的事项"
        why_en = "seriously disputed" if disputed else "reserved by law for the meeting"
        yield finding(
            "PROC-ESCALATE",
            "assembly",
            f"该事项{why_zh}，却未提交村（居）民会议或村（居）民代表会议决定。",
            f"The matter is {why_en} but was not submitted to the villagers' (residents') "
            "meeting or representatives' meeting.",
            clause="§4.6" if disputed else "Organic Law art. 24",
        )
    elif (
        reserved
        and rec.setting == "village"
        and rec.assembly is not None
        and rec.assembly.kind == "owners_meeting"
    ):
        yield finding(
            "PROC-ESCALATE",
            "assembly.kind",
            "法律规定须由村民会议或村民代表会议决定的事项，却由业主大会决定。",
            "A matter the law reserves for the villagers' or representatives' meeting was "
            "decided by an owners' meeting.",
            clause="Organic Law art. 24",
        )


@rule("PROC-ASSEMBLY-NOTICE")
def check_proc_assembly_notice(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """A villagers' meeting needs ``assembly_notice_days`` (10, law) days' notice; 10 passes.
    A villagers' meeting without a recorded notice (or meeting) date also fires."""
    a = rec.assembly
    if a is None or a.kind != "villagers_meeting":
        return
    need = rb.assembly_notice_days
    t = rec.timeline
    if t.assembly_notified is None or t.assembly_held is None:
        missing = "assembly_notified" if t.assembly_notified is None else "assembly_held"
        yield finding(
            "PROC-ASSEMBLY-NOTICE",
            f"timeline.{missing}",
            f"召开了村民会议，但未记录{'通知日期' if missing == 'assembly_notified' else '开会日期'}；"
            f"应提前{need}天通知村民。",
            f"A villagers' meeting was held but timeline.{missing} is not recorded; villagers "
            f"must be notified {need} days ahead.",
        )
        return
    days = (t.assembly_held - t.assembly_notified).days
    if days < need:
        yield finding(
            "PROC-ASSEMBLY-NOTICE",
            "timeline.assembly_notified",
            f"村民会议提前{days}天通知，应至少提前{need}天（{t.assembly_notified} 通知，"
            f"{t.assembly_held} 开会）。",
            f"Villagers' meeting notified {days} days ahead; at least {need} required "
            f"(notified {t.assembly_notified}, held {t.assembly_held}).",
        )


@rule("PROC-QUORUM")
def check_proc_quorum(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """The deciding meeting must have its quorum (exact fractions, see module docstring)."""
    a = rec.assembly
    if a is None:
        return
    name_zh, name_en = MEETING_ZH[a.kind], MEETING_EN[a.kind]
    if a.kind == "villagers_meeting":
        by_people = a.present * 2 > a.members
        by_households = (
            a.households_total is not None and a.households_present * 3 >= a.households_total * 2
        )
        if not (by_people or by_households):
            hh_zh = hh_en = ""
            if a.households_total is not None:
                need_h = _need(a.households_total, 2, 3)
                hh_zh = f"；到会户代表{a.households_present}户，也未达{a.households_total}户的三分之二（{need_h}户）"
                hh_en = (
                    f"; {a.households_present} households represented, not 2/3 of "
                    f"{a.households_total} ({need_h} needed) either"
                )
            yield finding(
                "PROC-QUORUM",
                "assembly.present",
                f"{name_zh}到会{a.present}人，未超过18周岁以上村民{a.members}人的半数"
                f"（应至少{_more_than_half(a.members)}人）{hh_zh}。",
                f"{name_en}: {a.present} present, not more than half of {a.members} adults "
                f"({_more_than_half(a.members)} needed){hh_en}.",
                clause="Organic Law art. 22",
            )
    elif a.kind == "residents_meeting":
        if not a.present * 2 > a.members:
            yield finding(
                "PROC-QUORUM",
                "assembly.present",
                f"{name_zh}到会{a.present}人，未超过应到{a.members}人的半数（应至少"
                f"{_more_than_half(a.members)}人）。",
                f"{name_en}: {a.present} present, not more than half of {a.members} "
                f"({_more_than_half(a.members)} needed).",
                clause="Urban Organic Law art. 9",
            )
    elif a.kind == "representatives_meeting":
        if a.present * 3 < a.members * 2:
            need = _need(a.members, 2, 3)
            yield finding(
                "PROC-QUORUM",
                "assembly.present",
                f"{name_zh}到会{a.present}人，不足组成人员{a.members}人的三分之二（应至少{need}人）。",
                f"{name_en}: {a.present} present, fewer than 2/3 of {a.members} members "
                f"({need} needed).",
                clause="Organic Law art. 26",
            )
    else:  # owners_meeting
        area_total, area_present = _num(a.area_total), _num(a.area_present)
        short: list[tuple[str, str, str]] = []
        if area_present * 3 < area_total * 2:
            need_area = area_total * 2 / 3
            short.append(
                (
                    "assembly.area_present",
                    f"参与表决的专有部分面积{a.area_present:g}㎡，不足总面积{a.area_total:g}㎡的三分之二"
                    f"（应至少{float(need_area):.2f}㎡）",
                    f"{a.area_present:g} m² voted, less than 2/3 of {a.area_total:g} m² "
                    f"({float(need_area):.2f} m² needed)",
                )
            )
        if a.present * 3 < a.members * 2:
            need = _need(a.members, 2, 3)
            short.append(
                (
                    "assembly.present",
                    f"参与表决业主{a.present}人，不足业主总数{a.members}人的三分之二（应至少{need}人）",
                    f"{a.present} owners voted, fewer than 2/3 of {a.members} ({need} needed)",
                )
            )
        if short:
            yield finding(
                "PROC-QUORUM",
                short[0][0],
                f"{name_zh}：" + "；".join(s[1] for s in short) + "。",
                f"{name_en}: " + "; ".join(s[2] for s in short) + ".",
                clause="Civil Code art. 278",
            )


@rule("PROC-MAJORITY")
def check_proc_majority(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """An adopted decision needs its majority: more than half present; owners' special ≥ 3/4."""
    a = rec.assembly
    if a is None or not rec.results.adopted:
        return
    name_zh, name_en = MEETING_ZH[a.kind], MEETING_EN[a.kind]
    if a.kind != "owners_meeting":
        if not a.yes * 2 > a.present:
            clause = {
                "villagers_meeting": "Organic Law art. 22",
                "residents_meeting": "Urban Organic Law art. 9",
                "representatives_meeting": "Organic Law art. 26",
            }[a.kind]
            yield finding(
                "PROC-MAJORITY",
                "assembly.yes",
                f"{name_zh}赞成{a.yes}人，未超过到会{a.present}人的半数（应至少"
                f"{_more_than_half(a.present)}人），决定不能通过。",
                f"{name_en}: {a.yes} in favour, not more than half of {a.present} present "
                f"({_more_than_half(a.present)} needed).",
                clause=clause,
            )
        return
    area_present, area_yes = _num(a.area_present), _num(a.area_yes)
    short: list[tuple[str, str, str]] = []
    if a.matter == "special":
        if a.yes * 4 < a.present * 3:
            short.append(
                (
                    "assembly.yes",
                    f"同意业主{a.yes}人，不足参与表决{a.present}人的四分之三（应至少"
                    f"{_need(a.present, 3, 4)}人）",
                    f"{a.yes} owners agreed, fewer than 3/4 of {a.present} voting "
                    f"({_need(a.present, 3, 4)} needed)",
                )
            )
        if area_yes * 4 < area_present * 3:
            need_area = area_present * 3 / 4
            short.append(
                (
                    "assembly.area_yes",
                    f"同意面积{a.area_yes:g}㎡，不足参与表决面积{a.area_present:g}㎡的四分之三"
                    f"（应至少{float(need_area):.2f}㎡）",
                    f"{a.area_yes:g} m² agreed, less than 3/4 of {a.area_present:g} m² "
                    f"voting ({float(need_area):.2f} m² needed)",
                )
            )
        kind_zh, kind_en = (
            "重大事项（筹集维修资金、改建重建、改变共有部分用途等）",
            "special matter",
        )
    else:
        if not a.yes * 2 > a.present:
            short.append(
                (
                    "assembly.yes",
                    f"同意业主{a.yes}人，未超过参与表决{a.present}人的半数",
                    f"{a.yes} owners agreed, not more than half of {a.present} voting",
                )
            )
        if not area_yes * 2 > area_present:
            short.append(
                (
                    "assembly.area_yes",
                    f"同意面积{a.area_yes:g}㎡，未超过参与表决面积{a.area_present:g}㎡的半数",
                    f"{a.area_yes:g} m² agreed, not more than half of {a.area_present:g} m² voting",
                )
            )
        kind_zh, kind_en = "一般事项", "ordinary matter"
    if short:
        yield finding(
            "PROC-MAJORITY",
            short[0][0],
            f"{name_zh}{kind_zh}：" + "；".join(s[1] for s in short) + "。",
            f"{name_en}, {kind_en}: " + "; ".join(s[2] for s in short) + ".",
            clause="Civil Code art. 278",
        )


# --- step 4: the results --------------------------------------------------------------------------


@rule("RES-IMPLEMENT")
def check_res_implement(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """An adopted result must be implemented."""
    if rec.results.adopted and not rec.results.implemented:
        yield finding(
            "RES-IMPLEMENT",
            "results.implemented",
            "协商成果已采纳但未落实，应及时组织实施。",
            "The result was adopted but not implemented; it must be carried out promptly.",
        )


@rule("RES-PUBLICIZE")
def check_res_publicize(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """The implementation must be public within ``publicize_within_days`` of implementing it."""
    if not rec.results.implemented:
        return
    limit = rb.publicize_within_days
    t = rec.timeline
    if t.publicized is None:
        yield finding(
            "RES-PUBLICIZE",
            "timeline.publicized",
            f"落实情况未公开，应在落实后{limit}天内公开。",
            f"The implementation was never made public; it must be within {limit} days.",
        )
    elif t.implemented is not None and (t.publicized - t.implemented).days > limit:
        days = (t.publicized - t.implemented).days
        yield finding(
            "RES-PUBLICIZE",
            "timeline.publicized",
            f"落实后第{days}天才公开，应在{limit}天内公开（{t.implemented} 落实，{t.publicized} 公开）。",
            f"Made public {days} days after implementation; at most {limit} allowed "
            f"(implemented {t.implemented}, publicized {t.publicized}).",
        )


@rule("RES-FEEDBACK")
def check_res_feedback(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Feedback must reach the subjects, the stakeholders and the residents."""
    if not rec.results.implemented:
        return
    missing = [
        t for t in ("subjects", "stakeholders", "residents") if t not in rec.results.feedback_to
    ]
    if missing:
        yield finding(
            "RES-FEEDBACK",
            "results.feedback_to",
            "落实情况未反馈给："
            + "、".join(FEEDBACK_ZH[m] for m in missing)
            + "；应向协商主体、利益相关方和村（居）民三方反馈。",
            "No feedback reached: "
            + ", ".join(missing)
            + "; all of subjects, stakeholders and residents are required.",
        )


@rule("RES-REPORT")
def check_res_report(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """A commissioned matter's result must be reported to the commissioner."""
    by = rec.topic.commissioned_by
    if by is not None and rec.results.reported_to_commissioner is not True:
        who_zh = "乡镇（街道）" if by == "township" else "有关部门"
        yield finding(
            "RES-REPORT",
            "results.reported_to_commissioner",
            f"受{who_zh}委托的协商事项，结果未向{who_zh}报告。",
            f"The matter was commissioned by the {by}, but the result was not reported to it.",
        )


@rule("RES-RESPONSE")
def check_res_response(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Warn when a commissioned result was reported and got no response (an unreported result is
    RES-REPORT's finding alone: nobody can answer a report never sent)."""
    by = rec.topic.commissioned_by
    r = rec.results
    if (
        by is not None
        and r.reported_to_commissioner is True
        and r.commissioner_responded is not True
    ):
        who_zh = "乡镇（街道）" if by == "township" else "有关部门"
        yield finding(
            "RES-RESPONSE",
            "results.commissioner_responded",
            f"结果已报告，但委托方（{who_zh}）未予回应。",
            f"The result was reported, but the commissioning {by} did not respond.",
        )


@rule("RES-EXPLAIN")
def check_res_explain(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Everyone who disagreed must be given an explanation."""
    r = rec.results
    if r.dissenters_explained < r.dissenters:
        yield finding(
            "RES-EXPLAIN",
            "results.dissenters_explained",
            f"持不同意见群众{r.dissenters}人，仅向{r.dissenters_explained}人做了解释说明，"
            f"还有{r.dissenters - r.dissenters_explained}人未解释。",
            f"{r.dissenters} residents disagreed; only {r.dissenters_explained} were given an "
            f"explanation ({r.dissenters - r.dissenters_explained} not).",
        )


@rule("RES-LEGAL")
def check_res_legal(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """A result that violates law must be corrected."""
    r = rec.results
    if r.violates_law and r.corrected is not True:
        yield finding(
            "RES-LEGAL",
            "results.corrected",
            "协商结果违反法律法规（如侵犯外嫁女等村民的合法财产权利），且未依法纠正。",
            "The result violates the law (e.g. infringes married-out women's property rights) "
            "and was not corrected.",
        )


# --- guarantees -----------------------------------------------------------------------------------


@rule("GUAR-SUBSIDY")
def check_guar_subsidy(rec: CaseRecord, rb: Rulebook) -> Iterator[Finding]:
    """Lost-work subsidies need a meeting's decision and must be made public."""
    s = rec.subsidies
    if not s.paid:
        return
    missing_zh, missing_en, where = [], [], "subsidies"
    if s.decided_by_meeting is not True:
        missing_zh.append("未经村（居）民会议或代表会议讨论决定")
        missing_en.append("not decided by the villagers' (residents') or representatives' meeting")
        where = "subsidies.decided_by_meeting"
    if s.publicized is not True:
        missing_zh.append("未公示")
        missing_en.append("not made public")
        where = where if where != "subsidies" else "subsidies.publicized"
    if missing_zh:
        yield finding(
            "GUAR-SUBSIDY",
            where,
            "发放了误工补贴，但" + "，且".join(missing_zh) + "。",
            "Lost-work subsidies were paid but " + " and ".join(missing_en) + ".",
        )


def run_checks(rec: CaseRecord, rb: Rulebook) -> list[Finding]:
    """All checks in catalogue order."""
    out: list[Finding] = []
    for code in RULES:
        out.extend(CHECKS[code](rec, rb))
    return out
