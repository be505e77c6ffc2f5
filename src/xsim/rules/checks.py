"""One check per rule code, each declared where it is written: ``@rule(code, severity=…, …)``.

A check is a pure function ``(record, context) -> Iterator[Finding]``; the context
(:mod:`xsim.rules.context`) gives the law versions in force on the record's date, the local settings
and where each came from. Every threshold is compared in exact integer (or
:class:`fractions.Fraction`) arithmetic by cross-multiplying, never with floats: "1/10 以上" means
``signatures * 10 >= residents`` (the bound itself passes), "过半数" means ``present * 2 > members``
(strictly more than half). The meeting laws are :mod:`xsim.rules.meetings` (shared with the model).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from fractions import Fraction
from math import ceil

from xsim import vocabulary as V
from xsim.forms import WIDE_IMPACT_FORMS
from xsim.records import CaseRecord
from xsim.rules import meetings as mt
from xsim.rules.catalogue import RULES, rule
from xsim.rules.clauses import law_clause_id
from xsim.rules.context import Context
from xsim.rules.report import Basis, Finding
from xsim.vocabulary import FORMS, label

__all__ = ["CHECKS", "run_checks"]

Check = Callable[[CaseRecord, Context], Iterator[Finding]]


class _Checks(dict):
    """code -> check function, read from the catalogue (one declaration per rule)."""

    def __missing__(self, code: str) -> Check:
        return RULES[code].check

    def __iter__(self):
        return iter(RULES)

    def __len__(self) -> int:
        return len(RULES)

    def __contains__(self, code: object) -> bool:
        return code in RULES

    def keys(self):  # type: ignore[override]
        return RULES.keys()


CHECKS: dict[str, Check] = _Checks()

RESPECTED_ROLES = {"deputy", "veteran", "social_worker", "mass_org"}
EXPERT_ROLES = {"expert", "third_party"}
HEARING_FORMS = WIDE_IMPACT_FORMS  # the §4.5 procedures, from the form table (data/forms.yaml)
# Names a reader sees come from the one vocabulary (xsim.vocabulary).
MEETING_ZH = {key: term.zh for key, term in V.MEETINGS.items()}
MEETING_EN = {key: term.en for key, term in V.MEETINGS.items()}
COLLECTIVE_MATTER_ZH = {key: term.zh for key, term in V.COLLECTIVE_MATTERS.items()}
FEEDBACK_ZH = {key: term.zh for key, term in V.FEEDBACK_TARGETS.items()}
LEAD_ZH = {key: term.zh for key, term in V.LEADS.items()}
SCOPE_ZH = {key: term.zh for key, term in V.SCOPES.items()}


def finding(
    code: str,
    where: str,
    zh: str,
    en: str,
    basis: Basis | None = None,
    severity: str | None = None,
) -> Finding:
    """A finding of ``code``; ``basis`` defaults to the rule's notice clause. The finding's
    ``clause`` is the law clause id for a law basis, else the rule's clause."""
    r = RULES[code]
    basis = basis or Basis("notice", clause=r.clause)
    if basis.kind == "law":
        clause = law_clause_id(basis.law, basis.version, basis.article, basis.paragraph)
    elif basis.kind == "notice":
        clause = basis.clause or r.clause
    else:
        clause = r.clause
    return Finding(code, severity or r.severity, clause, r.step, zh, en, where, basis)  # type: ignore[arg-type]


def law_basis(cite: mt.Citation) -> Basis:
    return Basis(
        "law", law=cite.law, version=cite.version, article=cite.article, paragraph=cite.paragraph
    )


def local_prefix(basis: Basis) -> tuple[str, str]:
    """How a message says where its number comes from when it is not the notice or the law."""
    if basis.kind == "default":
        return (
            "按本工具默认规则（可由地方规定调整）：",
            "By this kit's default (a local rule may change it): ",
        )
    if basis.kind == "local" and basis.file == "rules:":
        return (
            f"按本记录填写的地方规定（{V.field_label(f'rules.{basis.setting}')}）：",
            f"By the local rule the record gives (rules.{basis.setting}): ",
        )
    if basis.kind == "local":
        return f"按地方规定（{basis.source}）：", f"By local rule ({basis.source}, {basis.file}): "
    return "", ""


def source_en(basis: Basis) -> str:
    """'by local rule (…)' for an English message that starts with the facts."""
    if basis.kind == "default":
        return "by this kit's default (a local rule may change it)"
    if basis.kind == "local" and basis.file == "rules:":
        return f"by the local rule the record gives (rules.{basis.setting})"
    if basis.kind == "local":
        return f"by local rule ({basis.file})"
    return ""


def _need(total: int, num: int, den: int) -> int:
    """The least whole number n with n/total >= num/den ("以上": the bound itself counts)."""
    return ceil(Fraction(total * num, den))


def _fmt(x) -> str:
    if isinstance(x, Fraction) and x.denominator != 1:
        return f"{float(x):.2f}"
    return str(int(x)) if isinstance(x, Fraction) else f"{x:g}" if isinstance(x, float) else str(x)


def describe(
    test: mt.Test, what_zh: str, of_zh: str, unit_zh: str, what_en: str, of_en: str
) -> tuple[str, str]:
    """ "到会470人，未超过980人的半数（应至少491人）" from one threshold test."""
    c, b, n = _fmt(test.count), _fmt(test.base), _fmt(test.need)
    if test.share_zh == "过半数":
        zh = f"{what_zh}{c}{unit_zh}，未超过{of_zh}{b}{unit_zh}的半数（应至少{n}{unit_zh}）"
    else:
        zh = f"{what_zh}{c}{unit_zh}，不足{of_zh}{b}{unit_zh}的{test.share_zh[:-2]}（应至少{n}{unit_zh}）"
    en = f"{c} {what_en}, which is not {test.share_en} of the {b} {of_en} ({n} needed)"
    if test.base == 0:
        zh += "；人数基数为0，会议无法依法作出决定"
        en += "; with a base of 0 nobody can lawfully decide"
    return zh, en


# --- step 1: the topic ----------------------------------------------------------------------------


@rule(
    "TOPIC-SCOPE",
    severity="info",
    step="topic",
    clause="§1",
    clauses=("§1.a", "§1.b", "§1.c", "§1.d", "§1.e", "§1.f", "§1.g", "§1.h"),
    title_zh="议题不属于第一部分所列任何协商内容",
    title_en="topic fits no §1 category",
    checks_zh="议题的 categories 为空，即不属于通知第一部分列举的任何一类协商内容。",
    checks_en="`topic.categories` is empty: the topic fits none of the categories the notice lists in §1.",
    why_zh="协商内容要围绕村（社区）公共事务和群众切身利益；不属于这些类别的事项可能根本不是协商事项。",
    why_en="Consultation is about public affairs and residents' interests; a matter outside every §1 category may not be a consultation matter at all. Nothing is wrong — it is worth a look.",
    fields=("topic.categories",),
    example="topic:\n  categories: []",
)
def check_topic_scope(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Info when ``topic.categories`` is empty: the topic fits no §1 category."""
    if not rec.topic.categories:
        yield finding(
            "TOPIC-SCOPE",
            "topic.categories",
            f"议题“{rec.topic.title}”不属于通知第一部分所列任何一类协商内容，请确认是否属于协商事项。",
            f"Topic '{rec.topic.title}' fits none of the §1 categories; check that it is a "
            "consultation matter at all.",
        )


@rule(
    "TOPIC-JOINT",
    severity="violation",
    step="topic",
    clause="§1.f",
    clauses=("§1.f",),
    title_zh="联名提出的议题联名人数不足",
    title_en="joint proposal lacks signatures",
    checks_zh="联名提出的议题：村（居）民联名人数须达到村（居）民总数的十分之一以上，或村（居）民代表联名人数须达到代表总数的五分之一以上（“以上”含本数）。",
    checks_en="A joint proposal needs signatures of at least 1/10 of residents (joint_residents) or at least 1/5 of representatives (joint_representatives); the bound itself passes ('以上').",
    why_zh="通知把“十分之一以上村（居）民联名或五分之一以上村（居）民代表联名提出的事项”列为协商内容，门槛防止少数人以联名名义启动协商。",
    why_en="The notice makes a matter a consultation matter when that share of residents or representatives signs; below it the proposal does not carry that standing.",
    fields=("topic.proposed_by", "population.residents", "population.representatives"),
    example="population: {residents: 420, ...}\ntopic:\n  proposed_by: {kind: joint_residents, signatures: 41}   # 42 needed; 42 passes",
)
def check_topic_joint(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


@rule(
    "TOPIC-SOLICIT",
    severity="violation",
    step="topic",
    clause="§4.1",
    clauses=("§4.1",),
    title_zh="提出议题前未充分征求意见",
    title_en="topic proposed without soliciting opinions",
    checks_zh="opinions_solicited 为 false：议题未经征求意见就提出。",
    checks_en="`topic.opinions_solicited` is false: the topic was proposed without soliciting opinions.",
    why_zh="第一步“提出协商议题”要求党组织、村（居）委会在充分征求意见的基础上研究提出议题。",
    why_en="Step 1 of the procedure: the topic is proposed after fully soliciting opinions.",
    fields=("topic.opinions_solicited",),
    example="topic:\n  opinions_solicited: false",
)
def check_topic_solicit(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


@rule(
    "SUBJ-LEAD",
    severity="violation",
    step="subjects",
    clause="§2.c",
    clauses=("§2.c", "§4.7"),
    title_zh="牵头主体与事项范围不符",
    title_en="leading body does not fit the scope",
    checks_zh="跨村（社区）事项须由乡镇（街道）牵头；全村（社区）或村（居）民小组事项须由村（社区）党组织或村（居）委会牵头。",
    checks_en="A cross-community matter must be led by the township; a whole-community or group matter by the village (community) Party organization or the committee.",
    why_zh="通知按事项范围规定由谁牵头组织协商，跨村事项单靠某一村无法开展。",
    why_en="The notice assigns the lead by the matter's scope; one village cannot run a cross-village consultation.",
    fields=("scope", "lead"),
    example="scope: cross_community\nlead: committee      # must be township",
)
def check_subj_lead(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Cross-community matters are led by the township; others by the Party branch or committee."""
    if rec.scope == "cross_community":
        if rec.lead != "township":
            yield finding(
                "SUBJ-LEAD",
                "lead",
                f"跨村（社区）事项由{LEAD_ZH[rec.lead]}牵头，应由乡镇（街道）党（工）委牵头。",
                f"A cross-community matter was led by '{rec.lead}'; the township must lead it.",
                Basis("notice", clause="§2.c"),
            )
    elif rec.lead not in ("party_branch", "committee"):
        yield finding(
            "SUBJ-LEAD",
            "lead",
            f"{SCOPE_ZH[rec.scope]}由{LEAD_ZH[rec.lead]}牵头，应由村（社区）党组织或村（居）民委员会牵头。",
            f"A '{rec.scope}' matter was led by '{rec.lead}'; the village (community) Party "
            "organization or the committee must lead it.",
        )


@rule(
    "SUBJ-MISSING",
    severity="violation",
    step="subjects",
    clause="§2.b",
    clauses=("§2.b", "§4.2"),
    title_zh="有利益相关群体无人代表",
    title_en="a stakeholder group has nobody speaking for it",
    checks_zh="stakeholder_groups 中的某个群体，在 participants 中没有任何人（group 字段）代表它。",
    checks_en="A group in `stakeholder_groups` has no participant whose `group` names it.",
    why_zh="参与者要有相关性和代表性；根据协商内容确定参与协商的各类主体。",
    why_en="Participants must be relevant and representative; the subjects are chosen by the content.",
    fields=("stakeholder_groups", "participants"),
    example="stakeholder_groups:\n  - {id: vendors, name: 早市摊贩}\nparticipants:\n  - {role: resident, group: nearby}   # nobody for vendors",
)
def check_subj_missing(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


@rule(
    "SUBJ-IRRELEVANT",
    severity="violation",
    step="subjects",
    clause="§2.b",
    clauses=("§2.b",),
    title_zh="纳入了与协商内容无关的人员",
    title_en="an unrelated participant was brought in",
    checks_zh="participants 中有 relevant: false 的参与者。",
    checks_en="A participant is marked `relevant: false`.",
    why_zh="通知要求避免将与协商内容不相关的人员或组织纳入协商活动。",
    why_en="The notice says people or organizations unrelated to the matter are not to be brought in.",
    fields=("participants",),
    example="participants:\n  - {role: other, relevant: false}",
)
def check_subj_irrelevant(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """No participant may be unrelated to the matter (``relevant: false``)."""
    for i, p in enumerate(rec.participants):
        if not p.relevant:
            yield finding(
                "SUBJ-IRRELEVANT",
                f"participants[{i}].relevant",
                f"参与者（{V.label(V.ROLES, p.role)}，{p.count}人）与协商内容无关，不应纳入协商。",
                f"Participant ({p.role}, {p.count}) is unrelated to the matter and should not "
                "have been brought in.",
            )


@rule(
    "SUBJ-EXPERT",
    severity="violation",
    step="subjects",
    clause="§2.d",
    clauses=("§2.d",),
    title_zh="专业性事项未请专家或第三方论证",
    title_en="technical matter without expert assessment",
    checks_zh="议题 technical: true，但参与者中没有 expert 或 third_party。",
    checks_en="`topic.technical` is true but no participant has role `expert` or `third_party`.",
    why_zh="专业性、技术性较强的事项，应邀请专家学者、专业技术人员、第三方机构论证评估。",
    why_en="Specialist or technical matters call for experts, technical staff or third parties.",
    fields=("topic.technical", "participants"),
    example="topic: {technical: true, ...}\nparticipants: [{role: committee}]   # no expert",
)
def check_subj_expert(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


@rule(
    "SUBJ-RESPECTED",
    severity="warning",
    step="subjects",
    clause="§2.e",
    clauses=("§2.e",),
    title_zh="没有威望高、办事公道的人士参与",
    title_en="no respected figure took part",
    checks_zh="参与者中没有 respected: true 的人，也没有 deputy、veteran、social_worker、mass_org 角色。",
    checks_en="No participant has `respected: true` or role deputy / veteran / social_worker / mass_org.",
    why_zh="通知要求重视吸纳老党员、老干部、党代表、人大代表、社会工作者等参与；缺少不违反硬性规定，但值得改进。",
    why_en="The notice asks to value respected, fair-minded people; missing them breaks no hard rule.",
    fields=("participants",),
    example="participants: [{role: committee}, {role: resident, group: a}]",
)
def check_subj_respected(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


@rule(
    "PROC-NOTICE",
    severity="violation",
    step="procedure",
    clause="§4.2",
    clauses=("§4.2",),
    title_zh="通报协商内容的时间不足",
    title_en="participants notified too late",
    checks_zh="consulted 与 notified 之间的天数少于 rulebook 的 notice_days（默认3天，本工具假设）。",
    checks_en="`timeline.consulted` − `timeline.notified` is less than `notice_days` (rulebook; default 3, an assumption of this kit, not law).",
    why_zh="第二步要求预留充分时间向参与者通报协商内容和相关信息；具体天数由当地规定。",
    why_en="Step 2: leave enough time to inform participants; the number of days is set locally.",
    fields=("timeline.notified", "timeline.consulted", "rules.notice_days"),
    example="timeline: {notified: 2026-04-08, consulted: 2026-04-10}\nrules: {notice_days: 5}   # 2 days given, 5 required",
)
def check_proc_notice(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Participants must be notified at least ``notice_days`` before the consultation; the message
    says whether that number is a local rule or this kit's default."""
    need = ctx.rb.notice_days
    basis = ctx.setting_basis("notice_days")
    pre_zh, pre_en = local_prefix(basis)
    t = rec.timeline
    if t.notified is None:
        if need > 0:
            yield finding(
                "PROC-NOTICE",
                "timeline.notified",
                f"{pre_zh}未记录向参与者通报协商内容的日期，应至少提前{need}天通报。",
                f"{pre_en}No notification date recorded; participants must be notified at least "
                f"{need} days ahead.",
                basis,
            )
        return
    days = (t.consulted - t.notified).days
    if days < 0:
        yield finding(
            "PROC-NOTICE",
            "timeline.notified",
            f"{pre_zh}通报日期（{t.notified}）晚于协商日期（{t.consulted}），应至少提前{need}天通报。",
            f"{pre_en}Notified ({t.notified}) after the consultation ({t.consulted}); at least "
            f"{need} days ahead required.",
            basis,
        )
    elif days < need:
        if basis.kind == "default":
            zh = f"{pre_zh}提前{days}天通报，默认至少{need}天（{t.notified} 通知，{t.consulted} 协商）。"
            en = (
                f"{pre_en}notified {days} days ahead; at least {need} by default "
                f"(notified {t.notified}, consulted {t.consulted})."
            )
        else:
            zh = (
                f"{pre_zh}提前{days}天通知，应至少提前{need}天（{t.notified} 通知，"
                f"{t.consulted} 协商）。"
            )
            en = (
                f"Notified {days} days ahead; at least {need} required {source_en(basis)} "
                f"(notified {t.notified}, consulted {t.consulted})."
            )
        yield finding("PROC-NOTICE", "timeline.notified", zh, en, basis)


@rule(
    "PROC-HEARD",
    severity="violation",
    step="procedure",
    clause="§4.3",
    clauses=("§4.3",),
    title_zh="有参与者未能发表意见",
    title_en="a participant group did not get to speak",
    checks_zh="participants 中有 spoke: false 的参与者。",
    checks_en="A participant is marked `spoke: false`.",
    why_zh="第三步要求确保各类主体充分发表意见建议。",
    why_en="Step 3: make sure every kind of subject fully expresses its views.",
    fields=("participants",),
    example="participants:\n  - {role: resident, group: ground, count: 3, spoke: false}",
)
def check_proc_heard(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Every participant must get to express views (``spoke: false`` fires)."""
    names = {g.id: g.name for g in rec.stakeholder_groups}
    for i, p in enumerate(rec.participants):
        if not p.spoke:
            group = names.get(p.group, p.group) if p.group else None
            who = (
                f"（{V.label(V.ROLES, p.role)}"
                + (f"，代表“{group}”" if group else "")
                + f"，{p.count}人）"
            )
            yield finding(
                "PROC-HEARD",
                f"participants[{i}].spoke",
                f"参与者{who}未能发表意见，应确保各类主体充分发表意见建议。",
                f"Participant ({p.role}{', for ' + repr(group) if group else ''}, {p.count}) did "
                "not get to express views; every kind of subject must be heard.",
            )


@rule(
    "PROC-HEARING",
    severity="violation",
    step="procedure",
    clause="§4.5",
    clauses=("§4.5",),
    title_zh="涉及面广、关注度高的事项未经专题议事会或听证会",
    title_en="wide-impact matter without hearing",
    checks_zh="议题 wide_impact: true，但 consultation.forms 中既无 hearing 也无 special_council。",
    checks_en="`topic.wide_impact` is true and `consultation.forms` has neither hearing nor special_council.",
    why_zh="涉及面广、关注度高的事项，要经过专题议事会、民主听证会等程序进行协商。",
    why_en="Matters of wide impact and high attention go through a special council or a hearing.",
    fields=("topic.wide_impact", "consultation.forms"),
    example="topic: {wide_impact: true, ...}\nconsultation: {forms: [council]}",
)
def check_proc_hearing(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


def _collective_route(rec: CaseRecord, ctx: Context) -> bool:
    """A collective matter in a village with no collective economic organization: the villagers'
    committee acts for it and the members' meeting thresholds apply (参照适用)."""
    return (
        rec.setting == "village"
        and rec.topic.collective_matter is not None
        and ctx.collective_law
        and not rec.population.collective_organization
    )


def _collective_link(ctx: Context) -> mt.Citation:
    """The village law's pointer to the collective economic organizations law on that date."""
    if ctx.village == "2018":
        return mt.Citation("villagers_committees", "2018", 24, 3)
    return mt.Citation("villagers_committees", "2025", 28, 4)


def _reserved_cite(ctx: Context) -> mt.Citation:
    if ctx.village == "2018":
        return mt.Citation("villagers_committees", "2018", 24, 1)
    return mt.Citation("villagers_committees", "2025", 28, 1)


@rule(
    "PROC-ESCALATE",
    severity="violation",
    step="procedure",
    clause="§4.6",
    clauses=(
        "§4.6",
        "villagers_committees@2025 art. 28",
        "villagers_committees@2018 art. 24",
        "rural_collective_economic_organizations@2024 art. 26",
        "civil_code@2020 art. 278 para. 1",
    ),
    title_zh="争议事项或法定事项未提交有权决定的会议决定",
    title_en="matter not escalated",
    checks_zh="协商结果为 disputed，或议题 law_reserved，或属于业主共同决定事项（owners_matter）、集体经济组织事项"
    "（collective_matter），但没有 assembly；或法定的村级事项由业主大会决定。",
    checks_en="`consultation.outcome` is disputed, or `topic.law_reserved`, `topic.owners_matter` or "
    "`topic.collective_matter` is set, and there is no `assembly`; or a law-reserved village matter "
    "went to an owners' meeting.",
    why_zh="协商无法解决或争议较大的事项，以及法律规定须由村（居）民会议、代表会议、业主（业主大会）或集体经济组织成员大会"
    "决定的事项，应当提交有权决定的会议。",
    why_en="Unsettled or seriously disputed matters, and those the law reserves for a deciding body "
    "(villagers' / residents' meeting, representatives, the owners, the members' meeting), are "
    "submitted to that body.",
    fields=(
        "consultation.outcome",
        "topic.law_reserved",
        "topic.owners_matter",
        "topic.collective_matter",
        "assembly",
    ),
    example="consultation: {outcome: disputed}\n# and no assembly:",
)
def check_proc_escalate(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Disputed, law-reserved, owners' and collective matters go to the body that may decide them."""
    disputed = rec.consultation.outcome == "disputed"
    reserved = rec.topic.law_reserved
    owners = rec.topic.owners_matter is not None
    collective = (
        rec.setting == "village" and rec.topic.collective_matter is not None and ctx.collective_law
    )
    if rec.assembly is None and (disputed or reserved or owners or collective):
        if owners:
            cite = mt.Citation("civil_code", "2020", 278, 1)
            yield finding(
                "PROC-ESCALATE",
                "assembly",
                "该事项属于业主共同决定的事项，应由业主依法表决（业主大会），不能由居民会议或协商会议代替，"
                "却未提交业主表决。",
                "The matter is one the owners decide jointly: the owners must vote on it (owners' "
                "meeting), not the residents' meeting or a consultation; it was not put to them.",
                law_basis(cite),
            )
        elif collective:
            matter = COLLECTIVE_MATTER_ZH[rec.topic.collective_matter]
            if rec.population.collective_organization:
                body_zh, body_en = "集体经济组织成员大会", "the members' meeting"
                cite = mt.Citation("rural_collective_economic_organizations", "2024", 26, 1)
            else:
                body_zh = "村民会议（村民委员会代行集体经济组织职能，参照适用成员大会的规定）"
                body_en = "the villagers' meeting (under the members' meeting rules)"
                cite = _collective_link(ctx)
            yield finding(
                "PROC-ESCALATE",
                "assembly",
                f"该事项（{matter}）属于集体经济组织事项，应由{body_zh}决定，却未提交会议决定。",
                f"The matter is a collective economic organization's ({rec.topic.collective_matter}) "
                f"and must be decided by {body_en}; it was not put to a meeting.",
                law_basis(cite),
            )
        elif disputed:
            yield finding(
                "PROC-ESCALATE",
                "assembly",
                "该事项存在较大争议，却未提交村（居）民会议或村（居）民代表会议决定。",
                "The matter is seriously disputed but was not submitted to the villagers' "
                "(residents') meeting or representatives' meeting.",
                Basis("notice", clause="§4.6"),
            )
        else:
            basis = (
                law_basis(_reserved_cite(ctx))
                if rec.setting == "village"
                else Basis("notice", clause="§4.6")
            )
            yield finding(
                "PROC-ESCALATE",
                "assembly",
                "该事项属于法律规定须由会议决定的事项，却未提交村（居）民会议或村（居）民代表会议决定。",
                "The matter is reserved by law for the meeting but was not submitted to the "
                "villagers' (residents') meeting or representatives' meeting.",
                basis,
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
            law_basis(_reserved_cite(ctx)),
        )


@rule(
    "PROC-BODY",
    severity="violation",
    step="procedure",
    clause="villagers_committees@2025 art. 31",
    clauses=(
        "villagers_committees@2025 art. 31 para. 1",
        "villagers_committees@2018 art. 27 para. 1",
        "chongqing_villagers_committees_measures@2013 art. 10",
        "rural_collective_economic_organizations@2024 art. 26",
        "rural_collective_economic_organizations@2024 art. 28 para. 4",
        "villagers_committees@2025 art. 28 para. 4",
        "civil_code@2020 art. 278 para. 1",
    ),
    title_zh="作出决定的会议无权决定该事项",
    title_en="the deciding body has no power over the matter",
    checks_zh="村民自治章程、村规民约（charter_rules）由村民代表会议决定；成员代表大会（或代行其职能的村民代表会议）"
    "决定了不得授权的集体经济组织事项（章程、成员确认、承包宅基地方案、土地补偿费、合并分立）；业主共同决定事项"
    "由业主以外的会议决定；已设立集体经济组织的村由村民会议或其他会议决定集体经济组织事项。",
    checks_en="Village rules or charter (`charter_rules`) decided by a representatives' meeting; a "
    "non-delegable collective matter (charter, membership, contracting/homestead, land compensation, "
    "merger) decided by representatives; an owners' matter decided by anyone but the owners; a "
    "collective matter decided by a villagers' (or any other) meeting where a collective economic "
    "organization is established (`population.collective_organization`).",
    why_zh="会议只能决定法律赋予它的事项：村规民约由村民会议制定；土地补偿费分配等事项只能由成员大会决定，"
    "不得授权成员代表大会；业主共同决定事项只能由业主决定。越权作出的决定不合法。",
    why_en="A meeting may decide only what the law gives it: village rules are made by the "
    "villagers' meeting; land compensation and the other listed matters only by the members' "
    "meeting, never delegated; owners' matters only by the owners. A decision beyond that power is "
    "unlawful.",
    fields=(
        "topic.categories",
        "topic.collective_matter",
        "topic.owners_matter",
        "population.collective_organization",
        "assembly.kind",
    ),
    example="topic: {categories: [charter_rules], ...}\nassembly: {kind: representatives_meeting, ...}",
)
def check_proc_body(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """The deciding body must have the power to decide this matter (see the rule's text)."""
    a = rec.assembly
    if a is None:
        return
    t = rec.topic
    name_zh = MEETING_ZH[a.kind]
    if (
        rec.setting == "village"
        and "charter_rules" in t.categories
        and a.kind == "representatives_meeting"
    ):
        cite = (
            mt.Citation("villagers_committees", "2018", 27, 1)
            if ctx.village == "2018"
            else mt.Citation("villagers_committees", "2025", 31, 1)
        )
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            "村民自治章程、村规民约应由村民会议制定和修改，村民代表会议无权决定。",
            "Village rules and the self-governance charter are made by the villagers' meeting; a "
            "representatives' meeting has no power to adopt them.",
            law_basis(cite),
        )
    if t.owners_matter is not None and a.kind != "owners_meeting":
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            f"业主共同决定事项由{name_zh}决定；应由业主依法表决（业主大会），其他会议无权决定。",
            f"An owners' matter was decided by the {MEETING_EN[a.kind]}; only the owners may "
            "decide it.",
            law_basis(mt.Citation("civil_code", "2020", 278, 1)),
        )
    matter = t.collective_matter
    if matter is None or rec.setting != "village" or not ctx.collective_law:
        return
    matter_zh = COLLECTIVE_MATTER_ZH[matter]
    representatives = a.kind == "members_representatives_meeting" or (
        a.kind == "representatives_meeting" and not rec.population.collective_organization
    )
    if representatives and matter in mt.NON_DELEGABLE_COLLECTIVE_MATTERS:
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            f"“{matter_zh}”只能由集体经济组织成员大会决定，不得由成员代表大会（或代表会议）决定。",
            f"'{matter}' may be decided only by the members' meeting, never by representatives.",
            law_basis(mt.Citation("rural_collective_economic_organizations", "2024", 28, 4)),
        )
    elif rec.population.collective_organization and a.kind not in (
        "members_meeting",
        "members_representatives_meeting",
    ):
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            f"本村已设立集体经济组织，“{matter_zh}”应由其成员大会决定，{name_zh}无权决定。",
            f"A collective economic organization is established; '{matter}' is for its members' "
            f"meeting, not the {MEETING_EN[a.kind]}.",
            law_basis(mt.Citation("rural_collective_economic_organizations", "2024", 26, 1)),
        )
    elif not rec.population.collective_organization and a.kind not in (
        "villagers_meeting",
        "representatives_meeting",
        "members_meeting",
        "members_representatives_meeting",
    ):
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            f"“{matter_zh}”属于集体经济组织事项，应由村民会议参照成员大会的规定决定，{name_zh}无权决定。",
            f"'{matter}' is a collective matter for the villagers' meeting (under the members' "
            f"meeting rules), not the {MEETING_EN[a.kind]}.",
            law_basis(_collective_link(ctx)),
        )


@rule(
    "PROC-ELECTORATE",
    severity="violation",
    step="procedure",
    clause="villagers_committees@2025 art. 25 para. 1",
    clauses=(
        "villagers_committees@2025 art. 25 para. 1",
        "villagers_committees@2018 art. 21 para. 1",
        "urban_residents_committees@2025 art. 26 para. 1",
        "civil_code@2020 art. 278 para. 1",
        "rural_collective_economic_organizations@2024 art. 26 para. 1",
    ),
    title_zh="决定会议的应到人数少于依法有权参加的人数",
    title_en="the deciding meeting left entitled members out",
    checks_zh="assembly.members 小于依法有权参加的人数：村民会议、居民会议（2026年起）为名册上全部成年人"
    "（population.residents）；业主大会为全体业主（population.owners）；成员大会为全体成员"
    "（population.collective_members）。",
    checks_en="`assembly.members` is smaller than those entitled: every adult on the roll for a "
    "villagers' meeting or (from 2026) residents' meeting (`population.residents`), every owner for "
    "an owners' meeting (`population.owners`), every member for a members' meeting "
    "(`population.collective_members`).",
    why_zh="把某个群体排除在表决之外，不只是公平问题，而是使决定不合法：会议由全体有权参加的人组成。",
    why_en="Leaving a group out of the vote is not a fairness detail; it makes the decision "
    "unlawful: the meeting consists of everyone entitled.",
    fields=(
        "assembly.members",
        "population.residents",
        "population.owners",
        "population.collective_members",
    ),
    example="population: {residents: 980, ...}\nassembly: {kind: villagers_meeting, members: 900, ...}",
)
def check_proc_electorate(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """The deciding meeting's ``members`` must be everyone entitled to take part."""
    a = rec.assembly
    if a is None:
        return
    pop = rec.population
    entitled: int | None = None
    cite: mt.Citation | None = None
    who_zh = who_en = ""
    if a.kind == "villagers_meeting":
        entitled, who_zh, who_en = pop.residents, "本村18周岁以上村民", "adult villagers"
        cite = (
            mt.Citation("villagers_committees", "2018", 21, 1)
            if ctx.village == "2018"
            else mt.Citation("villagers_committees", "2025", 25, 1)
        )
    elif a.kind == "residents_meeting" and ctx.urban != "2018":
        # The 2018 law let household or group representatives form the meeting (art. 9 para. 2).
        entitled, who_zh, who_en = pop.residents, "本社区18周岁以上居民", "adult residents"
        cite = mt.Citation("urban_residents_committees", "2025", 26, 1)
    elif a.kind == "owners_meeting" and pop.owners is not None:
        entitled, who_zh, who_en = pop.owners, "全体业主", "owners in all"
        cite = mt.Citation("civil_code", "2020", 278, 1)
    elif a.kind == "members_meeting" and pop.collective_members is not None and ctx.collective_law:
        entitled, who_zh, who_en = pop.collective_members, "全体成员", "members"
        cite = mt.Citation("rural_collective_economic_organizations", "2024", 26, 1)
    if entitled is not None and cite is not None and a.members < entitled:
        yield finding(
            "PROC-ELECTORATE",
            "assembly.members",
            f"{MEETING_ZH[a.kind]}应到{a.members}人，少于{who_zh}{entitled}人：有{entitled - a.members}"
            "人被排除在表决之外，决定不合法。",
            f"The {MEETING_EN[a.kind]} counted {a.members} members, fewer than the {entitled} "
            f"{who_en} entitled: {entitled - a.members} were left out of the vote.",
            law_basis(cite),
        )


@rule(
    "PROC-ASSEMBLY-NOTICE",
    severity="violation",
    step="procedure",
    clause="villagers_committees@2025 art. 25 para. 2",
    clauses=(
        "villagers_committees@2025 art. 25 para. 2",
        "villagers_committees@2018 art. 21 para. 2",
        "urban_residents_committees@2025 art. 26 para. 2",
        "rural_collective_economic_organizations@2024 art. 27 para. 1",
        "chongqing_villagers_committees_measures@2013 art. 12 para. 2",
    ),
    title_zh="召开决定会议未提前十日通知",
    title_en="deciding meeting without 10 days' notice",
    checks_zh="村民会议、居民会议（2026年1月1日起）、集体经济组织成员大会，assembly_held 与 assembly_notified "
    "相差不足10日（或未记录通知日期）；恰好10日为合格。2026年起村民会议、居民会议遇有特殊情况可以临时通知："
    "填写 assembly.urgent_reason 时为提醒而非违规。地方规定（如重庆）还要求村民代表会议提前告知议题"
    "（timeline.representatives_notified）。",
    checks_en="A villagers' meeting, a residents' meeting (from 2026-01-01) or a members' meeting held "
    "less than `assembly_notice_days` (10, law) after `timeline.assembly_notified` (or with no "
    "notice date); exactly 10 days passes. From 2026 the villagers' and residents' meetings may be "
    "called at short notice in special circumstances: with `assembly.urgent_reason` the finding "
    "is a warning naming the reason. A local rule may also require the representatives to be told "
    "the agenda ahead (`timeline.representatives_notified`).",
    why_zh="提前十日通知，村（居）民和成员才能安排参加并了解议题；法定人数和表决才有意义。",
    why_en="Ten days' notice lets people arrange to attend and study the matter; without it quorum "
    "and vote mean little.",
    fields=(
        "timeline.assembly_notified",
        "timeline.assembly_held",
        "timeline.representatives_notified",
        "assembly.kind",
        "assembly.urgent_reason",
    ),
    example="timeline: {assembly_notified: 2026-01-16, assembly_held: 2026-01-25}   # 9 days\nassembly: {kind: villagers_meeting, ...}",
)
def check_proc_assembly_notice(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """10 days' notice (law; a local rule may ask more) before a villagers' meeting, a residents'
    meeting from 2026, a members' meeting; 10 passes. A missing notice or meeting date also fires.
    From 2026, a recorded ``urgent_reason`` turns short notice into a warning."""
    a = rec.assembly
    if a is None:
        return
    t = rec.timeline
    notice: mt.Notice | None = None
    if a.kind == "villagers_meeting":
        notice = mt.villagers_meeting_notice(ctx.village)
    elif a.kind == "residents_meeting":
        notice = mt.residents_meeting_notice(ctx.urban)
    elif a.kind == "members_meeting" and ctx.collective_law:
        notice = mt.members_meeting_notice()
    name_zh, name_en = MEETING_ZH[a.kind], MEETING_EN[a.kind]
    if notice is not None:
        need = max(notice.days, ctx.rb.assembly_notice_days)
        basis = (
            law_basis(notice.citation)
            if need == notice.days
            else ctx.setting_basis("assembly_notice_days")
        )
        if t.assembly_notified is None or t.assembly_held is None:
            missing = "assembly_notified" if t.assembly_notified is None else "assembly_held"
            yield finding(
                "PROC-ASSEMBLY-NOTICE",
                f"timeline.{missing}",
                f"召开了{name_zh}，但未记录{'通知日期' if missing == 'assembly_notified' else '开会日期'}；"
                f"应提前{need}日通知。",
                f"A {name_en} was held but timeline.{missing} is not recorded; members must be "
                f"notified {need} days ahead.",
                basis,
            )
        else:
            days = (t.assembly_held - t.assembly_notified).days
            if days < need:
                base_zh = (
                    f"{name_zh}提前{days}日通知，应至少提前{need}日（{t.assembly_notified} 通知，"
                    f"{t.assembly_held} 开会）"
                )
                base_en = (
                    f"{name_en} notified {days} days ahead; at least {need} required (notified "
                    f"{t.assembly_notified}, held {t.assembly_held})"
                )
                if a.urgent_reason and notice.urgent_allowed:
                    yield finding(
                        "PROC-ASSEMBLY-NOTICE",
                        "assembly.urgent_reason",
                        f"{base_zh}；记录的特殊情况为“{a.urgent_reason}”，法律允许遇有特殊情况临时通知"
                        "，请核实该情况确属特殊。",
                        f"{base_en}; the recorded special circumstance is '{a.urgent_reason}', "
                        "for which the law allows short notice — check that it truly is one.",
                        basis,
                        severity="warning",
                    )
                else:
                    extra_zh = extra_en = ""
                    if a.urgent_reason:
                        extra_zh = "；所适用的法律文本没有临时通知的规定"
                        extra_en = "; the law applied allows no short notice"
                    yield finding(
                        "PROC-ASSEMBLY-NOTICE",
                        "timeline.assembly_notified",
                        f"{base_zh}{extra_zh}。",
                        f"{base_en}{extra_en}.",
                        basis,
                    )
    need_reps = ctx.rb.representatives_notice_days
    if a.kind == "representatives_meeting" and rec.setting == "village" and need_reps is not None:
        basis = ctx.setting_basis("representatives_notice_days")
        pre_zh, pre_en = local_prefix(basis)
        if t.representatives_notified is None or t.assembly_held is None:
            yield finding(
                "PROC-ASSEMBLY-NOTICE",
                "timeline.representatives_notified",
                f"{pre_zh}未记录向村民代表告知议题的日期，应在会前{need_reps}日告知。",
                f"{pre_en}no date recorded for telling the representatives the agenda; "
                f"{need_reps} days ahead required.",
                basis,
            )
        else:
            days = (t.assembly_held - t.representatives_notified).days
            if days < need_reps:
                yield finding(
                    "PROC-ASSEMBLY-NOTICE",
                    "timeline.representatives_notified",
                    f"{pre_zh}村民代表会议提前{days}日告知议题，应至少提前{need_reps}日。",
                    f"{pre_en}representatives told the agenda {days} days ahead; at least "
                    f"{need_reps} required.",
                    basis,
                )


# (field, what_zh, of_zh, unit_zh, what_en, of_en) for each threshold a judgement tests
Labels = tuple[str, str, str, str, str, str]
PEOPLE_PRESENT: Labels = ("assembly.present", "到会", "应到", "人", "present", "members")
HOUSEHOLDS_PRESENT: Labels = (
    "assembly.households_present",
    "到会户代表",
    "总户数",
    "户",
    "households represented",
    "households",
)


def _judged(
    code: str,
    name_zh: str,
    name_en: str,
    judgement: mt.Judgement,
    labels: list[Labels],
    basis: Basis | None = None,
    note_zh: str = "",
    note_en: str = "",
) -> Iterator[Finding]:
    if judgement.met:
        return
    parts = [(t, lab) for t, lab in zip(judgement.tests, labels, strict=True) if not t.met]
    texts = [describe(t, lab[1], lab[2], lab[3], lab[4], lab[5]) for t, lab in parts]
    if judgement.combine == "any":  # every route failed: "…；到会户代表200户，也不足…"
        texts = [texts[0]] + [
            (z.replace("，未超过", "，也未超过", 1).replace("，不足", "，也不足", 1), e)
            for z, e in texts[1:]
        ]
    joiner_zh = "；"
    joiner_en = "; and " if judgement.combine == "any" else "; "
    yield finding(
        code,
        parts[0][1][0],
        f"{name_zh}" + joiner_zh.join(z for z, _ in texts) + f"{note_zh}。",
        f"{name_en}: " + joiner_en.join(e for _, e in texts) + f"{note_en}.",
        basis or law_basis(judgement.citation),
    )


def _quorum_judgement(rec: CaseRecord, ctx: Context):
    """(judgement, labels, basis, note_zh, note_en) for the deciding meeting's quorum, or None."""
    a = rec.assembly
    pop = rec.population
    if a.kind == "villagers_meeting" and _collective_route(rec, ctx):
        link = _collective_link(ctx)
        j = mt.members_meeting_quorum(a.members, a.present)
        note_zh = f"（村民委员会代行集体经济组织职能，参照适用成员大会的规定：{link.zh()}）"
        return j, [PEOPLE_PRESENT], None, note_zh, f" (members' meeting rules apply: {link.en()})"
    if a.kind == "villagers_meeting":
        base, note_zh, note_en = a.members, "", ""
        away = pop.away_unreachable or 0
        if ctx.rb.away_unreachable_excluded and away:
            base = max(a.members - away, 0)
            src = ctx.setting_basis("away_unreachable_excluded")
            note_zh = f"（按地方规定（{src.source}），外出无法联系的{away}人不计入人数基数）"
            note_en = f" ({away} villagers away and unreachable left out of the base by local rule)"
        j = mt.villagers_meeting_quorum(
            ctx.village, base, a.present, a.households_total, a.households_present
        )
        labels = [("assembly.present", "到会", "18周岁以上村民", "人", "present", "adults")]
        return j, labels + [HOUSEHOLDS_PRESENT] * (len(j.tests) - 1), None, note_zh, note_en
    if a.kind == "residents_meeting":
        j = mt.residents_meeting_quorum(
            ctx.urban, a.members, a.present, a.households_total, a.households_present
        )
        return j, [PEOPLE_PRESENT] + [HOUSEHOLDS_PRESENT] * (len(j.tests) - 1), None, "", ""
    if a.kind == "representatives_meeting":
        labels = [("assembly.present", "到会", "组成人员", "人", "present", "members")]
        if rec.setting == "village":
            return (
                mt.village_representatives_quorum(ctx.village, a.members, a.present),
                labels,
                None,
                "",
                "",
            )
        if ctx.urban != "2018":
            return mt.residents_representatives_quorum(a.members, a.present), labels, None, "", ""
        # The 2018 urban law had no residents' representatives' meeting: this kit's default
        # borrows the villagers' representatives' meeting threshold (2/3).
        j = mt.village_representatives_quorum("2018", a.members, a.present)
        return (
            j,
            labels,
            Basis("default", setting=None),
            "（本工具默认参照村民代表会议的三分之二）",
            " (this kit's default: 2/3)",
        )
    if a.kind == "owners_meeting":
        j = mt.owners_meeting_quorum(a.members, a.present, a.area_total, a.area_present)
        labels = [
            (
                "assembly.area_present",
                "参与表决的专有部分面积",
                "总面积",
                "㎡",
                "m² voting",
                "m² in all",
            ),
            ("assembly.present", "参与表决业主", "业主总数", "人", "owners voting", "owners"),
        ]
        return j, labels, None, "", ""
    if a.kind == "members_meeting" and ctx.collective_law:
        return mt.members_meeting_quorum(a.members, a.present), [PEOPLE_PRESENT], None, "", ""
    return None


@rule(
    "PROC-QUORUM",
    severity="violation",
    step="procedure",
    clause="villagers_committees@2025 art. 26 para. 1",
    clauses=(
        "villagers_committees@2025 art. 26 para. 1",
        "villagers_committees@2025 art. 30 para. 2",
        "urban_residents_committees@2025 art. 27",
        "urban_residents_committees@2025 art. 29",
        "rural_collective_economic_organizations@2024 art. 27 para. 1",
        "civil_code@2020 art. 278 para. 2",
        "villagers_committees@2018 art. 22",
        "villagers_committees@2018 art. 26 para. 2",
        "urban_residents_committees@2018 art. 9 para. 3",
    ),
    title_zh="决定会议未达到法定人数",
    title_en="deciding meeting lacked its quorum",
    checks_zh="村民会议：到会超过18周岁以上村民的半数，或到会户代表达三分之二以上；居民会议：过半数（2026年起也可按户代表过半数）；"
    "村（居）民代表会议：三分之二以上组成人员；业主大会：专有部分面积和人数均三分之二以上参与表决；"
    "成员大会：三分之二以上成员参加。应到人数为0的会议一律视为未达法定人数。",
    checks_en="Villagers' meeting: present > half of adults, or ≥ 2/3 of households represented; "
    "residents' meeting: present > half (from 2026 also by household representatives); "
    "representatives' meetings: ≥ 2/3 of members; owners: ≥ 2/3 of the area and ≥ 2/3 of the "
    "owners vote; members' meeting: ≥ 2/3 of members. A meeting with 0 members never has its quorum.",
    why_zh="法定人数不足，会议不能合法作出决定。",
    why_en="Without its quorum the meeting cannot lawfully decide.",
    fields=("assembly", "population.away_unreachable", "rules.away_unreachable_excluded"),
    example="assembly: {kind: villagers_meeting, members: 980, present: 490, yes: 400}   # 491 needed",
)
def check_proc_quorum(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """The deciding meeting must have its quorum under the law in force (:mod:`xsim.rules.meetings`)."""
    if rec.assembly is None:
        return
    judged = _quorum_judgement(rec, ctx)
    if judged is None:
        return
    j, labels, basis, note_zh, note_en = judged
    name_zh, name_en = MEETING_ZH[rec.assembly.kind], MEETING_EN[rec.assembly.kind]
    yield from _judged("PROC-QUORUM", name_zh, name_en, j, labels, basis, note_zh, note_en)


@rule(
    "PROC-MAJORITY",
    severity="violation",
    step="procedure",
    clause="villagers_committees@2025 art. 26 para. 1",
    clauses=(
        "villagers_committees@2025 art. 26 para. 1",
        "villagers_committees@2025 art. 30 para. 2",
        "urban_residents_committees@2025 art. 27",
        "urban_residents_committees@2025 art. 29",
        "rural_collective_economic_organizations@2024 art. 27 para. 3",
        "rural_collective_economic_organizations@2024 art. 28 para. 5",
        "civil_code@2020 art. 278 para. 2",
        "villagers_committees@2018 art. 22",
        "villagers_committees@2018 art. 26 para. 2",
        "urban_residents_committees@2018 art. 9 para. 3",
    ),
    title_zh="决定未获得法定多数通过",
    title_en="decision without the required majority",
    checks_zh="成果已采纳（results.adopted）时：村民会议、居民会议、代表会议须到会人员过半数（严格超过半数）同意；"
    "业主共同决定的重大事项（第二百七十八条第一款第六至八项）须参与表决面积和人数均四分之三以上同意，其他事项均过半数；"
    "成员大会须全体成员三分之二以上同意，成员代表大会须全体成员代表三分之二以上同意"
    "（按全体计算，不是按到会人数）。",
    checks_en="When `results.adopted`: villagers' / residents' / representatives' meetings need more "
    "than half of those present; owners' special matters (art. 278 para. 1 items 6–8) ≥ 3/4 of "
    "participating area and owners, ordinary matters more than half of both; a members' meeting "
    "≥ 2/3 of ALL members, a members' representatives' meeting ≥ 2/3 of all representatives.",
    why_zh="决定须经法定多数通过才有效。",
    why_en="A decision is valid only with the majority the law requires.",
    fields=("assembly", "results.adopted", "topic.owners_matter", "topic.collective_matter"),
    example="assembly: {kind: representatives_meeting, members: 30, present: 30, yes: 15}   # exactly half fails",
)
def check_proc_majority(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """An adopted decision needs its majority under the law in force (:mod:`xsim.rules.meetings`)."""
    a = rec.assembly
    if a is None or not rec.results.adopted:
        return
    name_zh, name_en = MEETING_ZH[a.kind], MEETING_EN[a.kind]
    yes_present: Labels = ("assembly.yes", "赞成", "到会", "人", "in favour", "present")
    yes_all: Labels = ("assembly.yes", "同意", "全体", "人", "in favour", "members in all")
    note_zh = note_en = ""
    basis = None
    if a.kind in ("villagers_meeting", "representatives_meeting") and _collective_route(rec, ctx):
        link = _collective_link(ctx)
        if a.kind == "villagers_meeting":
            j = mt.members_meeting_majority(a.members, a.yes)
        else:
            j = mt.members_representatives_majority(a.members, a.yes)
        labels = [yes_all]
        note_zh = f"（村民委员会代行集体经济组织职能，参照适用成员大会的规定：{link.zh()}）"
        note_en = f" (members' meeting rules apply: {link.en()})"
    elif a.kind == "villagers_meeting":
        j, labels = mt.villagers_meeting_majority(ctx.village, a.present, a.yes), [yes_present]
    elif a.kind == "residents_meeting":
        j, labels = mt.residents_meeting_majority(ctx.urban, a.present, a.yes), [yes_present]
    elif a.kind == "representatives_meeting":
        labels = [yes_present]
        if rec.setting == "village":
            j = mt.village_representatives_majority(ctx.village, a.present, a.yes)
        elif ctx.urban != "2018":
            j = mt.residents_representatives_majority(a.present, a.yes)
        else:
            j = mt.village_representatives_majority("2018", a.present, a.yes)
            basis = Basis("default", setting=None)
    elif a.kind == "owners_meeting":
        matter = a.matter or rec.topic.owners_matter
        j = mt.owners_meeting_majority(matter, a.present, a.yes, a.area_present, a.area_yes)
        labels = [
            ("assembly.yes", "同意业主", "参与表决", "人", "owners in favour", "owners voting"),
            ("assembly.area_yes", "同意面积", "参与表决面积", "㎡", "m² in favour", "m² voting"),
        ]
        if matter == "special":
            name_zh += "重大事项（筹集维修资金、改建重建、改变共有部分用途等）"
            name_en += ", special matter"
        else:
            name_zh += "一般事项"
            name_en += ", ordinary matter"
    elif a.kind == "members_meeting" and ctx.collective_law:
        j, labels = mt.members_meeting_majority(a.members, a.yes), [yes_all]
    elif a.kind == "members_representatives_meeting" and ctx.collective_law:
        j, labels = mt.members_representatives_majority(a.members, a.yes), [yes_all]
    else:
        return
    yield from _judged("PROC-MAJORITY", name_zh, name_en, j, labels, basis, note_zh, note_en)


# --- step 4: the results --------------------------------------------------------------------------


@rule(
    "RES-IMPLEMENT",
    severity="violation",
    step="results",
    clause="§5.2",
    clauses=("§5.2",),
    title_zh="已采纳的协商成果未落实",
    title_en="adopted result not implemented",
    checks_zh="results.adopted 为 true 而 results.implemented 为 false。",
    checks_en="`results.adopted` is true and `results.implemented` is false.",
    why_zh="需要村（社区）落实的事项，党组织、村（居）委会应当及时组织实施。",
    why_en="Results the village must carry out are implemented promptly.",
    fields=("results.adopted", "results.implemented"),
    example="results: {adopted: true, implemented: false, ...}",
)
def check_res_implement(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """An adopted result must be implemented."""
    if rec.results.adopted and not rec.results.implemented:
        yield finding(
            "RES-IMPLEMENT",
            "results.implemented",
            "协商成果已采纳但未落实，应及时组织实施。",
            "The result was adopted but not implemented; it must be carried out promptly.",
        )


@rule(
    "RES-PUBLICIZE",
    severity="violation",
    step="results",
    clause="§5.2",
    clauses=(
        "§5.2",
        "villagers_committees@2025 art. 35 para. 4",
        "urban_residents_committees@2025 art. 34 para. 3",
        "chongqing_villagers_committees_measures@2013 art. 28",
        "chongqing_villagers_committees_measures@2013 art. 30",
    ),
    title_zh="落实情况未在规定期限内公开",
    title_en="implementation not made public in time",
    checks_zh="已落实，但 timeline.publicized 缺失，或晚于 implemented 超过 publicize_within_days 天"
    "（默认30天，本工具默认规则，可由地方规定调整）；2026年1月1日起公布期限不得少于15日"
    "（results.posted_days）；地方规定可要求在固定公开栏（bulletin）公布、保留更长时间。",
    checks_en="Implemented, and `timeline.publicized` is missing or more than "
    "`publicize_within_days` (default 30, this kit's assumption) after `timeline.implemented`; "
    "from 2026-01-01 the results stay posted at least 15 days (`results.posted_days`); a local rule "
    "may require the fixed bulletin board (`bulletin`) or a posting period of its own.",
    why_zh="落实情况要在规定期限内通过公开栏、社区刊物、网络论坛、群工系统等渠道公开，接受监督；"
    "公布时间太短，群众来不及看到。",
    why_en="The implementation is made public within the set period and open to supervision; a "
    "notice taken down too soon is not seen.",
    fields=(
        "timeline.implemented",
        "timeline.publicized",
        "results.posted_days",
        "results.channels",
        "rules.publicize_within_days",
        "rules.posted_days",
        "rules.bulletin_required",
    ),
    example="timeline: {implemented: 2026-06-15, publicized: null}",
)
def check_res_publicize(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """The implementation must be public within ``publicize_within_days`` of implementing it, stay
    posted as long as the law (from 2026: 15 days) or a local rule asks, on the board a local rule
    names."""
    if not rec.results.implemented:
        return
    limit = ctx.rb.publicize_within_days
    t = rec.timeline
    if t.publicized is None:
        yield finding(
            "RES-PUBLICIZE",
            "timeline.publicized",
            "落实情况未公开，应在规定期限内公开（通知第五部分）。",
            f"The implementation was never made public; it must be (§5.2, within {limit} days).",
        )
        return
    if t.implemented is not None and (t.publicized - t.implemented).days > limit:
        days = (t.publicized - t.implemented).days
        basis = ctx.setting_basis("publicize_within_days")
        pre_zh, pre_en = local_prefix(basis)
        yield finding(
            "RES-PUBLICIZE",
            "timeline.publicized",
            f"{pre_zh}落实后第{days}天才公开，"
            + ("默认" if basis.kind == "default" else "应")
            + f"在{limit}天内公开（{t.implemented} 落实，{t.publicized} 公开）。",
            f"{pre_en}made public {days} days after implementation; at most {limit} allowed "
            f"(implemented {t.implemented}, publicized {t.publicized}).",
            basis,
        )
    posted = rec.results.posted_days
    need, basis = 0, None
    if rec.setting == "village" and ctx.village != "2018":
        need, basis = 15, law_basis(mt.Citation("villagers_committees", "2025", 35, 4))
    elif rec.setting == "community" and ctx.urban != "2018":
        need, basis = 15, law_basis(mt.Citation("urban_residents_committees", "2025", 34, 3))
    local = ctx.rb.posted_days
    if local is not None and local > need:
        need, basis = local, ctx.setting_basis("posted_days")
    if posted is not None and basis is not None and posted < need:
        pre_zh, pre_en = local_prefix(basis)
        yield finding(
            "RES-PUBLICIZE",
            "results.posted_days",
            f"{pre_zh}公开内容只保留了{posted}天，应至少保留{need}天。",
            f"{pre_en}the results stayed posted {posted} days; at least {need} required.",
            basis,
        )
    if (
        ctx.rb.bulletin_required
        and rec.setting == "village"
        and "bulletin" not in rec.results.channels
    ):
        basis = ctx.setting_basis("bulletin_required")
        pre_zh, pre_en = local_prefix(basis)
        yield finding(
            "RES-PUBLICIZE",
            "results.channels",
            f"{pre_zh}未在固定村务公开栏（bulletin）公布，应在公开栏公布，可同时采用其他方式。",
            f"{pre_en}the results were not posted on the fixed village-affairs bulletin board "
            "(`bulletin`).",
            basis,
        )


@rule(
    "RES-FEEDBACK",
    severity="violation",
    step="results",
    clause="§4.4",
    clauses=("§4.4",),
    title_zh="落实情况未反馈给协商主体、利益相关方或村（居）民",
    title_en="feedback missing",
    checks_zh="已落实，但 results.feedback_to 缺少 subjects、stakeholders、residents 之一。",
    checks_en="Implemented, and `results.feedback_to` lacks subjects, stakeholders or residents.",
    why_zh="第四步要求向协商主体、利益相关方和村（居）民反馈落实情况。",
    why_en="Step 4: feed back how the result was implemented to all three.",
    fields=("results.feedback_to",),
    example="results: {implemented: true, feedback_to: [subjects, stakeholders], ...}",
)
def check_res_feedback(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


@rule(
    "RES-REPORT",
    severity="violation",
    step="results",
    clause="§5.3",
    clauses=("§5.3",),
    title_zh="受委托事项的结果未向委托方报告",
    title_en="commissioned result not reported",
    checks_zh="topic.commissioned_by 已填写，但 results.reported_to_commissioner 不为 true。",
    checks_en="`topic.commissioned_by` is set and `results.reported_to_commissioner` is not true.",
    why_zh="受乡镇（街道）或有关部门委托的协商事项，协商结果要及时向其报告。",
    why_en="Commissioned matters: the result is reported to the commissioning township or department.",
    fields=("topic.commissioned_by", "results.reported_to_commissioner"),
    example="topic: {commissioned_by: township, ...}\nresults: {reported_to_commissioner: false, ...}",
)
def check_res_report(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


@rule(
    "RES-RESPONSE",
    severity="warning",
    step="results",
    clause="§5.3",
    clauses=("§5.3",),
    title_zh="委托方未回应协商结果",
    title_en="commissioner did not respond",
    checks_zh="结果已报告委托方，但 results.commissioner_responded 不为 true。",
    checks_en="The result was reported but `results.commissioner_responded` is not true.",
    why_zh="乡镇（街道）和有关部门要认真研究吸纳，并以适当方式反馈；这是对委托方的要求，不是组织者的违规。",
    why_en="The commissioner should study, adopt and respond; a duty of the commissioner, so a warning.",
    fields=("results.commissioner_responded",),
    example="results: {reported_to_commissioner: true, commissioner_responded: false}",
)
def check_res_response(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


@rule(
    "RES-EXPLAIN",
    severity="violation",
    step="results",
    clause="§5.4",
    clauses=("§5.4",),
    title_zh="未向持不同意见的群众解释说明",
    title_en="dissenters not given an explanation",
    checks_zh="results.dissenters_explained 少于 results.dissenters。",
    checks_en="`results.dissenters_explained` is less than `results.dissenters`.",
    why_zh="对协商过程中持不同意见的群众，协商组织者要及时做好解释说明工作。",
    why_en="Organizers explain to residents who held different opinions.",
    fields=("results.dissenters", "results.dissenters_explained"),
    example="results: {dissenters: 25, dissenters_explained: 24, ...}",
)
def check_res_explain(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


@rule(
    "RES-LEGAL",
    severity="violation",
    step="results",
    clause="§5.6",
    clauses=(
        "§5.6",
        "villagers_committees@2025 art. 31 para. 2",
        "villagers_committees@2018 art. 27 para. 2",
        "women_rights_protection@2022 art. 56",
    ),
    title_zh="违法的协商结果未纠正",
    title_en="unlawful result not corrected",
    checks_zh="results.violates_law 为 true 而 results.corrected 不为 true。",
    checks_en="`results.violates_law` is true and `results.corrected` is not true.",
    why_zh="协商结果违反法律法规的要依法纠正；村规民约等不得侵犯村民人身、民主和合法财产权利（如剥夺外嫁女集体收益分配权）。",
    why_en="Unlawful results are corrected; rules must not infringe villagers' rights (classic case: cutting married-out women out of collective income).",
    fields=("results.violates_law", "results.corrected"),
    example="results: {violates_law: true, corrected: false, ...}",
)
def check_res_legal(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


@rule(
    "GUAR-SUBSIDY",
    severity="violation",
    step="guarantees",
    clause="§6.4",
    clauses=("§6.4", "villagers_committees@2025 art. 28", "villagers_committees@2018 art. 24"),
    title_zh="误工补贴未经会议决定或未公示",
    title_en="lost-work subsidy not decided or not publicized",
    checks_zh="subsidies.paid 为 true，且 decided_by_meeting 或 publicized 不为 true。",
    checks_en="`subsidies.paid` is true and `decided_by_meeting` or `publicized` is not true.",
    why_zh="误工补贴须经村（居）民会议或代表会议讨论决定，并按村（居）务公开要求公示。",
    why_en="Lost-work subsidies need a decision of the villagers' (residents') meeting or representatives' meeting, and must be made public.",
    fields=("subsidies",),
    example="subsidies: {paid: true, decided_by_meeting: false, publicized: true}",
)
def check_guar_subsidy(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
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


def run_checks(rec: CaseRecord, ctx: Context) -> list[Finding]:
    """All checks in catalogue order."""
    out: list[Finding] = []
    for r in RULES.values():
        out.extend(r.check(rec, ctx))
    return out
