"""The rule codes: a public, stable interface like a linter's. Never rename or reuse a code.

Each :class:`Rule` names its severity, the clause it rests on (ids of ``xsim.rules.clauses``), the
step of the procedure it belongs to, and says what it checks and why, in Chinese and English. The check
itself is the function of the same code in :mod:`xsim.rules.checks`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Rule", "RULES"]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # "violation" | "warning" | "info"
    step: str  # "topic" | "subjects" | "procedure" | "results" | "guarantees"
    clause: str  # the main clause, as findings cite it
    clauses: tuple[str, ...]  # every clause id (notice or law) the rule rests on
    title_zh: str
    title_en: str
    checks_zh: str
    checks_en: str
    why_zh: str
    why_en: str
    fields: tuple[str, ...]  # record fields the check reads


def _r(*args, **kw) -> Rule:
    return Rule(*args, **kw)


_ALL = [
    _r(
        "TOPIC-SCOPE",
        "info",
        "topic",
        "§1",
        ("§1.a", "§1.b", "§1.c", "§1.d", "§1.e", "§1.f", "§1.g", "§1.h"),
        "议题不属于第一部分所列任何协商内容",
        "topic fits no §1 category",
        "议题的 categories 为空，即不属于通知第一部分列举的任何一类协商内容。",
        "`topic.categories` is empty: the topic fits none of the categories the notice lists in §1.",
        "协商内容要围绕村（社区）公共事务和群众切身利益；不属于这些类别的事项可能根本不是协商事项。",
        "Consultation is about public affairs and residents' interests; a matter outside every §1 "
        "category may not be a consultation matter at all. Nothing is wrong — it is worth a look.",
        ("topic.categories",),
    ),
    _r(
        "TOPIC-JOINT",
        "violation",
        "topic",
        "§1.f",
        ("§1.f",),
        "联名提出的议题联名人数不足",
        "joint proposal lacks signatures",
        "联名提出的议题：村（居）民联名人数须达到村（居）民总数的十分之一以上，或村（居）民代表联名"
        "人数须达到代表总数的五分之一以上（“以上”含本数）。",
        "A joint proposal needs signatures of at least 1/10 of residents (joint_residents) or at "
        "least 1/5 of representatives (joint_representatives); the bound itself passes ('以上').",
        "通知把“十分之一以上村（居）民联名或五分之一以上村（居）民代表联名提出的事项”列为协商内容，"
        "门槛防止少数人以联名名义启动协商。",
        "The notice makes a matter a consultation matter when that share of residents or "
        "representatives signs; below it the proposal does not carry that standing.",
        ("topic.proposed_by", "population.residents", "population.representatives"),
    ),
    _r(
        "TOPIC-SOLICIT",
        "violation",
        "topic",
        "§4.1",
        ("§4.1",),
        "提出议题前未充分征求意见",
        "topic proposed without soliciting opinions",
        "opinions_solicited 为 false：议题未经征求意见就提出。",
        "`topic.opinions_solicited` is false: the topic was proposed without soliciting opinions.",
        "第一步“提出协商议题”要求党组织、村（居）委会在充分征求意见的基础上研究提出议题。",
        "Step 1 of the procedure: the topic is proposed after fully soliciting opinions.",
        ("topic.opinions_solicited",),
    ),
    _r(
        "SUBJ-LEAD",
        "violation",
        "subjects",
        "§2.c",
        ("§2.c", "§4.7"),
        "牵头主体与事项范围不符",
        "leading body does not fit the scope",
        "跨村（社区）事项须由乡镇（街道）牵头；全村（社区）或村（居）民小组事项须由村（社区）党组织或"
        "村（居）委会牵头。",
        "A cross-community matter must be led by the township; a whole-community or group matter "
        "by the village (community) Party organization or the committee.",
        "通知按事项范围规定由谁牵头组织协商，跨村事项单靠某一村无法开展。",
        "The notice assigns the lead by the matter's scope; one village cannot run a cross-village "
        "consultation.",
        ("scope", "lead"),
    ),
    _r(
        "SUBJ-MISSING",
        "violation",
        "subjects",
        "§2.b",
        ("§2.b", "§4.2"),
        "有利益相关群体无人代表",
        "a stakeholder group has nobody speaking for it",
        "stakeholder_groups 中的某个群体，在 participants 中没有任何人（group 字段）代表它。",
        "A group in `stakeholder_groups` has no participant whose `group` names it.",
        "参与者要有相关性和代表性；根据协商内容确定参与协商的各类主体。",
        "Participants must be relevant and representative; the subjects are chosen by the content.",
        ("stakeholder_groups", "participants"),
    ),
    _r(
        "SUBJ-IRRELEVANT",
        "violation",
        "subjects",
        "§2.b",
        ("§2.b",),
        "纳入了与协商内容无关的人员",
        "an unrelated participant was brought in",
        "participants 中有 relevant: false 的参与者。",
        "A participant is marked `relevant: false`.",
        "通知要求避免将与协商内容不相关的人员或组织纳入协商活动。",
        "The notice says people or organizations unrelated to the matter are not to be brought in.",
        ("participants",),
    ),
    _r(
        "SUBJ-EXPERT",
        "violation",
        "subjects",
        "§2.d",
        ("§2.d",),
        "专业性事项未请专家或第三方论证",
        "technical matter without expert assessment",
        "议题 technical: true，但参与者中没有 expert 或 third_party。",
        "`topic.technical` is true but no participant has role `expert` or `third_party`.",
        "专业性、技术性较强的事项，应邀请专家学者、专业技术人员、第三方机构论证评估。",
        "Specialist or technical matters call for experts, technical staff or third parties.",
        ("topic.technical", "participants"),
    ),
    _r(
        "SUBJ-RESPECTED",
        "warning",
        "subjects",
        "§2.e",
        ("§2.e",),
        "没有威望高、办事公道的人士参与",
        "no respected figure took part",
        "参与者中没有 respected: true 的人，也没有 deputy、veteran、social_worker、mass_org 角色。",
        "No participant has `respected: true` or role deputy / veteran / social_worker / mass_org.",
        "通知要求重视吸纳老党员、老干部、党代表、人大代表、社会工作者等参与；缺少不违反硬性规定，但值得改进。",
        "The notice asks to value respected, fair-minded people; missing them breaks no hard rule.",
        ("participants",),
    ),
    _r(
        "PROC-NOTICE",
        "violation",
        "procedure",
        "§4.2",
        ("§4.2",),
        "通报协商内容的时间不足",
        "participants notified too late",
        "consulted 与 notified 之间的天数少于 rulebook 的 notice_days（默认3天，本工具假设）。",
        "`timeline.consulted` − `timeline.notified` is less than `notice_days` (rulebook; default 3, "
        "an assumption of this kit, not law).",
        "第二步要求预留充分时间向参与者通报协商内容和相关信息；具体天数由当地规定。",
        "Step 2: leave enough time to inform participants; the number of days is set locally.",
        ("timeline.notified", "timeline.consulted", "rules.notice_days"),
    ),
    _r(
        "PROC-HEARD",
        "violation",
        "procedure",
        "§4.3",
        ("§4.3",),
        "有参与者未能发表意见",
        "a participant group did not get to speak",
        "participants 中有 spoke: false 的参与者。",
        "A participant is marked `spoke: false`.",
        "第三步要求确保各类主体充分发表意见建议。",
        "Step 3: make sure every kind of subject fully expresses its views.",
        ("participants",),
    ),
    _r(
        "PROC-HEARING",
        "violation",
        "procedure",
        "§4.5",
        ("§4.5",),
        "涉及面广、关注度高的事项未经专题议事会或听证会",
        "wide-impact matter without hearing",
        "议题 wide_impact: true，但 consultation.forms 中既无 hearing 也无 special_council。",
        "`topic.wide_impact` is true and `consultation.forms` has neither hearing nor special_council.",
        "涉及面广、关注度高的事项，要经过专题议事会、民主听证会等程序进行协商。",
        "Matters of wide impact and high attention go through a special council or a hearing.",
        ("topic.wide_impact", "consultation.forms"),
    ),
    _r(
        "PROC-ESCALATE",
        "violation",
        "procedure",
        "§4.6",
        ("§4.6", "Organic Law art. 24"),
        "争议事项或法定事项未提交村（居）民会议或代表会议决定",
        "matter not escalated",
        "协商结果为 disputed，或议题 law_reserved，但没有 assembly；或法定的村级事项由业主大会决定。",
        "`consultation.outcome` is disputed or `topic.law_reserved` is true and there is no "
        "`assembly`; or a law-reserved village matter went to an owners' meeting.",
        "协商无法解决或争议较大的事项，以及法律规定须由村（居）民会议或代表会议决定的事项，应当提交该会议决定。",
        "Unsettled or seriously disputed matters, and those the law reserves for the villagers' "
        "(residents') meeting or representatives' meeting, are submitted to that meeting.",
        ("consultation.outcome", "topic.law_reserved", "assembly"),
    ),
    _r(
        "PROC-ASSEMBLY-NOTICE",
        "violation",
        "procedure",
        "Organic Law art. 21",
        ("Organic Law art. 21",),
        "召开村民会议未提前十天通知",
        "villagers' meeting without 10 days' notice",
        "assembly.kind 为 villagers_meeting，且 assembly_held 与 assembly_notified 相差不足10天"
        "（或未记录通知日期）；恰好10天为合格。",
        "A villagers' meeting held less than `assembly_notice_days` (10, law) after "
        "`timeline.assembly_notified` (or with no notice date recorded); exactly 10 days passes.",
        "村民委员会组织法第二十一条：召集村民会议，应当提前十天通知村民。",
        "Organic Law of Villagers' Committees art. 21: villagers are notified 10 days ahead.",
        ("timeline.assembly_notified", "timeline.assembly_held", "assembly.kind"),
    ),
    _r(
        "PROC-QUORUM",
        "violation",
        "procedure",
        "Organic Law art. 22",
        (
            "Organic Law art. 22",
            "Organic Law art. 26",
            "Urban Organic Law art. 9",
            "Civil Code art. 278",
        ),
        "决定会议未达到法定人数",
        "deciding meeting lacked its quorum",
        "村民会议：到会人数须超过18周岁以上村民的半数，或到会户数达三分之二以上；居民会议：过半数；"
        "村民代表会议：三分之二以上组成人员；业主大会：专有部分面积三分之二以上且人数三分之二以上参与表决。",
        "Villagers' meeting: present > half of adults, or ≥ 2/3 of households represented; "
        "residents' meeting: present > half; representatives' meeting: ≥ 2/3 of members; owners: "
        "≥ 2/3 of the area and ≥ 2/3 of the owners vote.",
        "法定人数不足，会议不能合法作出决定。",
        "Without its quorum the meeting cannot lawfully decide.",
        ("assembly",),
    ),
    _r(
        "PROC-MAJORITY",
        "violation",
        "procedure",
        "Organic Law art. 22",
        (
            "Organic Law art. 22",
            "Organic Law art. 26",
            "Urban Organic Law art. 9",
            "Civil Code art. 278",
        ),
        "决定未获得法定多数通过",
        "decision without the required majority",
        "成果已采纳（results.adopted）时：村民会议、居民会议、代表会议须到会人员过半数（严格超过半数）同意；"
        "业主大会重大事项须参与表决面积和人数均四分之三以上同意，其他事项均过半数。",
        "When `results.adopted`: villagers' / residents' / representatives' meetings need more than "
        "half of those present; owners' special matters ≥ 3/4 of participating area and owners; "
        "ordinary matters more than half of both.",
        "决定须经法定多数通过才有效。",
        "A decision is valid only with the majority the law requires.",
        ("assembly", "results.adopted"),
    ),
    _r(
        "RES-IMPLEMENT",
        "violation",
        "results",
        "§5.2",
        ("§5.2",),
        "已采纳的协商成果未落实",
        "adopted result not implemented",
        "results.adopted 为 true 而 results.implemented 为 false。",
        "`results.adopted` is true and `results.implemented` is false.",
        "需要村（社区）落实的事项，党组织、村（居）委会应当及时组织实施。",
        "Results the village must carry out are implemented promptly.",
        ("results.adopted", "results.implemented"),
    ),
    _r(
        "RES-PUBLICIZE",
        "violation",
        "results",
        "§5.2",
        ("§5.2",),
        "落实情况未在规定期限内公开",
        "implementation not made public in time",
        "已落实，但 timeline.publicized 缺失，或晚于 implemented 超过 publicize_within_days 天"
        "（默认30天，本工具假设）。",
        "Implemented, and `timeline.publicized` is missing or more than `publicize_within_days` "
        "(default 30, an assumption) after `timeline.implemented`.",
        "落实情况要在规定期限内通过公开栏、社区刊物、网络论坛、群工系统等渠道公开，接受监督。",
        "The implementation is made public within the set period and open to supervision.",
        ("timeline.implemented", "timeline.publicized", "rules.publicize_within_days"),
    ),
    _r(
        "RES-FEEDBACK",
        "violation",
        "results",
        "§4.4",
        ("§4.4",),
        "落实情况未反馈给协商主体、利益相关方或村（居）民",
        "feedback missing",
        "已落实，但 results.feedback_to 缺少 subjects、stakeholders、residents 之一。",
        "Implemented, and `results.feedback_to` lacks subjects, stakeholders or residents.",
        "第四步要求向协商主体、利益相关方和村（居）民反馈落实情况。",
        "Step 4: feed back how the result was implemented to all three.",
        ("results.feedback_to",),
    ),
    _r(
        "RES-REPORT",
        "violation",
        "results",
        "§5.3",
        ("§5.3",),
        "受委托事项的结果未向委托方报告",
        "commissioned result not reported",
        "topic.commissioned_by 已填写，但 results.reported_to_commissioner 不为 true。",
        "`topic.commissioned_by` is set and `results.reported_to_commissioner` is not true.",
        "受乡镇（街道）或有关部门委托的协商事项，协商结果要及时向其报告。",
        "Commissioned matters: the result is reported to the commissioning township or department.",
        ("topic.commissioned_by", "results.reported_to_commissioner"),
    ),
    _r(
        "RES-RESPONSE",
        "warning",
        "results",
        "§5.3",
        ("§5.3",),
        "委托方未回应协商结果",
        "commissioner did not respond",
        "结果已报告委托方，但 results.commissioner_responded 不为 true。",
        "The result was reported but `results.commissioner_responded` is not true.",
        "乡镇（街道）和有关部门要认真研究吸纳，并以适当方式反馈；这是对委托方的要求，不是组织者的违规。",
        "The commissioner should study, adopt and respond; a duty of the commissioner, so a warning.",
        ("results.commissioner_responded",),
    ),
    _r(
        "RES-EXPLAIN",
        "violation",
        "results",
        "§5.4",
        ("§5.4",),
        "未向持不同意见的群众解释说明",
        "dissenters not given an explanation",
        "results.dissenters_explained 少于 results.dissenters。",
        "`results.dissenters_explained` is less than `results.dissenters`.",
        "对协商过程中持不同意见的群众，协商组织者要及时做好解释说明工作。",
        "Organizers explain to residents who held different opinions.",
        ("results.dissenters", "results.dissenters_explained"),
    ),
    _r(
        "RES-LEGAL",
        "violation",
        "results",
        "§5.6",
        ("§5.6", "Organic Law art. 27"),
        "违法的协商结果未纠正",
        "unlawful result not corrected",
        "results.violates_law 为 true 而 results.corrected 不为 true。",
        "`results.violates_law` is true and `results.corrected` is not true.",
        "协商结果违反法律法规的要依法纠正；村规民约等不得侵犯村民人身、民主和合法财产权利"
        "（如剥夺外嫁女集体收益分配权）。",
        "Unlawful results are corrected; rules must not infringe villagers' rights (classic case: "
        "cutting married-out women out of collective income).",
        ("results.violates_law", "results.corrected"),
    ),
    _r(
        "GUAR-SUBSIDY",
        "violation",
        "guarantees",
        "§6.4",
        ("§6.4", "Organic Law art. 24"),
        "误工补贴未经会议决定或未公示",
        "lost-work subsidy not decided or not publicized",
        "subsidies.paid 为 true，且 decided_by_meeting 或 publicized 不为 true。",
        "`subsidies.paid` is true and `decided_by_meeting` or `publicized` is not true.",
        "误工补贴须经村（居）民会议或代表会议讨论决定，并按村（居）务公开要求公示。",
        "Lost-work subsidies need a decision of the villagers' (residents') meeting or "
        "representatives' meeting, and must be made public.",
        ("subsidies",),
    ),
]

RULES: dict[str, Rule] = {rule.code: rule for rule in _ALL}
