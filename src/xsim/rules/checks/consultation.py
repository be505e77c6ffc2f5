"""The notice's consultation procedure: the topic (§1, §4.1), the subjects (§2), notifying them and
hearing them (§4.2–§4.5). Every rule here is the notice's (or this kit's default for a number the
notice leaves open) and applies only where a consultation under the notice took place
(``scope="consultation"``): owners' or villagers' self-governance without one is judged by law alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from xsim import vocabulary as V
from xsim.forms import WIDE_IMPACT_FORMS
from xsim.records import CaseRecord, known
from xsim.rules.catalogue import rule
from xsim.rules.checks.base import finding, least, local_prefix, source_en
from xsim.rules.context import Context
from xsim.rules.report import Basis, Finding
from xsim.vocabulary import FORMS, label

RESPECTED_ROLES = {"deputy", "veteran", "social_worker", "mass_org"}
EXPERT_ROLES = {"expert", "third_party"}
HEARING_FORMS = WIDE_IMPACT_FORMS  # the §4.5 procedures, from the form table (data/forms.yaml)
LEAD_ZH = {key: term.zh for key, term in V.LEADS.items()}
SCOPE_ZH = {key: term.zh for key, term in V.SCOPES.items()}


# --- step 1: the topic ----------------------------------------------------------------------------


@rule(
    "TOPIC-SCOPE",
    severity="info",
    step="topic",
    scope="consultation",
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
    scope="consultation",
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
    if by is None or by.kind not in ("joint_residents", "joint_representatives"):
        return
    total = (
        rec.population.residents if by.kind == "joint_residents" else rec.population.representatives
    )
    if by.signatures == "unknown" or not known(total):
        what = "联名人数" if by.signatures == "unknown" else "村（居）民或代表总数"
        yield finding(
            "TOPIC-JOINT",
            where if by.signatures == "unknown" else "population",
            f"无法判断：记录未写明{what}，不能判断联名是否达到通知规定的比例。",
            "Undetermined: the record does not give the signatures or the total they are counted "
            "against.",
            severity="unknown",
        )
        return
    signed = by.signatures or 0
    if by.kind == "joint_residents":
        if signed * 10 < total:
            need = least(total, 1, 10)
            yield finding(
                "TOPIC-JOINT",
                where,
                f"村（居）民联名{signed}人，少于村（居）民总数{total}人的十分之一，应至少{need}人联名。",
                f"{signed} residents signed; at least {need} required (1/10 of {total} residents).",
            )
    else:
        if signed * 5 < total or total == 0:
            need = least(total, 1, 5)
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
    scope="consultation",
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
    """The topic must be proposed after soliciting opinions (§4.1); a record that does not say is
    「无法判断」."""
    solicited = rec.topic.opinions_solicited
    if not known(solicited):
        yield finding(
            "TOPIC-SOLICIT",
            "topic.opinions_solicited",
            "无法判断：记录未写明提出议题前是否征求了意见。",
            "Undetermined: the record does not say whether opinions were solicited first.",
            severity="unknown",
        )
    elif not solicited:
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
    scope="consultation",
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
    if rec.lead is None or rec.scope is None:
        yield finding(
            "SUBJ-LEAD",
            "lead" if rec.lead is None else "scope",
            "无法判断：记录未写明" + ("牵头单位" if rec.lead is None else "事项范围") + "。",
            "Undetermined: the record does not give the "
            + ("leading body." if rec.lead is None else "scope of the matter."),
            severity="unknown",
        )
    elif rec.scope == "cross_community":
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
    scope="consultation",
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
    scope="consultation",
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
    scope="consultation",
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
    scope="consultation",
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
    scope="consultation",
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
    if not known(t.notified) or not known(t.consulted):
        missing = "timeline.notified" if not known(t.notified) else "timeline.consulted"
        if need > 0:
            yield finding(
                "PROC-NOTICE",
                missing,
                f"无法判断：记录未写明{V.field_label(missing)}，不能判断是否提前{need}天通报"
                f"（{pre_zh.rstrip('：')}）。",
                f"Undetermined: the record does not give {missing}; {pre_en}participants are "
                f"notified at least {need} days ahead.",
                basis,
                severity="unknown",
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
    scope="consultation",
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
    scope="consultation",
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
