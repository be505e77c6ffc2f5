"""The one vocabulary: every coded name a user reads, with its Chinese and English label.

Forms, roles, channels, meetings (assembly kinds), population groups, outcomes and the other coded
values of records and scenarios are defined here once. The record schema's literal
types (:mod:`xsim.records`), the forms table of the model, the CLI, the summaries, the widgets and
the docs tables take their keys and labels from here; ``tests/test_vocabulary.py`` fails when a
module defines a Chinese label for one of these keys itself.

Chinese names follow the notice (``/work/shared/seed/notice-zh.txt``) and the laws it cites where
they name the thing; the English names are this kit's. This module is light on purpose (standard
library only): ``xsim check`` and the CLI import it.

Each table maps key → :class:`Term`; :func:`label` gives the label in a language and falls back to
the key for an unknown one (a user's own stakeholder-group id, say). The measures of a run have
their own registry, :mod:`xsim.sim.measures` (a measure has a format and a direction besides its
names).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "Term",
    "label",
    "keys",
    "SETTINGS",
    "SCOPES",
    "LEADS",
    "TOPIC_CATEGORIES",
    "PROPOSERS",
    "ROLES",
    "FORMS",
    "OUTCOMES",
    "MEETINGS",
    "COLLECTIVE_MATTERS",
    "OWNERS_MATTERS",
    "CHANNELS",
    "RECORD_CHANNELS",
    "FEEDBACK_TARGETS",
    "GROUPS",
    "SEVERITIES",
    "LEVELS",
    "LEGAL_VALIDITY",
    "DECIDING_BODIES",
    "EXCLUSION_REASONS",
    "REVOKERS",
    "TABLES",
    "FIELDS",
    "field_label",
]


@dataclass(frozen=True)
class Term:
    """A coded name (``key``) and what a reader sees: ``zh`` (default) and ``en``."""

    key: str
    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


Table = MappingProxyType  # key -> Term, read-only


def _table(*rows: tuple[str, str, str]) -> MappingProxyType[str, Term]:
    out: dict[str, Term] = {}
    for key, zh, en in rows:
        if key in out:
            raise ValueError(f"vocabulary key {key!r} defined twice")
        out[key] = Term(key, zh, en)
    return MappingProxyType(out)


def keys(table: MappingProxyType[str, Term]) -> tuple[str, ...]:
    """The keys of a table in their defined order (for ``Literal[...]`` and choice lists)."""
    return tuple(table)


def label(table: MappingProxyType[str, Term], key: str, lang: str = "zh") -> str:
    """The label of ``key`` in ``lang`` (``"zh"`` or ``"en"``); the key itself when unknown."""
    term = table.get(key)
    return key if term is None else term.label(lang)


# -- a consultation and its matter (case-record spec: setting, scope, lead, topic) ------------------

SETTINGS = _table(
    ("village", "农村", "village"),
    ("community", "城市社区", "urban community"),
)

SCOPES = _table(
    ("whole", "全村（社区）事项", "matter of the whole village (community)"),
    ("group", "村（居）民小组或部分群众事项", "matter of a group or part of the residents"),
    ("cross_community", "跨村（社区）事项", "cross-community matter"),
)

LEADS = _table(
    ("party_branch", "村（社区）党组织", "village (community) Party organization"),
    ("committee", "村（居）民委员会", "villagers' (residents') committee"),
    ("township", "乡镇（街道）", "township (sub-district)"),
    ("owners_committee", "业主委员会", "owners' committee"),
    ("villager_group", "村（居）民小组", "villager (resident) group"),
    ("other", "其他主体", "another body"),
)

TOPIC_CATEGORIES = _table(
    ("law_required", "法律法规和政策明确要求协商的事项", "required by law or policy"),
    ("policy_implementation", "方针政策、重点工作部署的落实", "implementing a policy"),
    ("planning", "发展建设规划", "development planning"),
    ("infrastructure", "基础设施建设", "infrastructure"),
    ("major_activity", "重大活动开展", "major activity"),
    ("large_fund", "大额资金使用", "large expenditure"),
    ("rights_policy", "涉及村（居）民权益政策措施的制定和调整", "policy on residents' rights"),
    ("charter_rules", "自治章程、村（居）规民约的制定和修改", "charter and village rules"),
    ("dispute", "实际困难问题和矛盾纠纷", "pressing problem or dispute"),
    ("joint_proposal", "村（居）民或代表联名提出的事项", "jointly proposed matter"),
    ("other_public", "其他重要公共事务和公益事业", "other public affairs"),
    ("subject_request", "协商主体提出协商需求的事项", "requested by a party to the consultation"),
)

PROPOSERS = _table(
    ("committee", "村（居）民委员会", "the committee"),
    ("party_branch", "村（社区）党组织", "the Party organization"),
    ("joint_residents", "村（居）民联名", "residents jointly"),
    ("joint_representatives", "村（居）民代表联名", "representatives jointly"),
    ("subject", "协商主体", "a party to the consultation"),
    ("township", "乡镇（街道）", "the township"),
)

# -- who takes part (case-record spec: participants[].role; scenario organizations) -----------------

ROLES = _table(
    ("resident", "村（居）民", "resident"),
    ("representative", "村（居）民代表", "representative"),
    ("party_branch", "村（社区）党组织", "Party organization"),
    ("committee", "村（居）民委员会", "villagers' (residents') committee"),
    ("supervision_committee", "村（居）务监督委员会", "supervision committee"),
    ("villager_group", "村（居）民小组", "villager (resident) group"),
    ("resident_unit", "驻村（社区）单位", "unit based in the village (community)"),
    ("social_org", "社区社会组织", "community social organization"),
    ("owners_committee", "业主委员会", "owners' committee"),
    ("collective_economy", "农村集体经济组织", "rural collective economic organization"),
    ("cooperative", "农民合作组织", "farmers' cooperative"),
    ("property_company", "物业服务企业", "property management company"),
    ("township", "乡镇（街道）", "township (sub-district)"),
    ("expert", "专家学者、专业技术人员", "expert"),
    ("third_party", "第三方机构", "third-party institution"),
    ("deputy", "党代表、人大代表、政协委员", "deputy (Party congress, people's congress, CPPCC)"),
    ("veteran", "老党员、老干部", "veteran Party member or cadre"),
    ("social_worker", "社会工作者", "social worker"),
    ("mass_org", "群团组织负责人", "head of a mass organization"),
    ("other", "其他", "other"),
)

# -- how (notice §3; case-record spec: consultation.forms, consultation.outcome) ----------------

FORMS = _table(
    ("villagers_meeting", "村民会议", "villagers' meeting"),
    ("residents_meeting", "居民会议", "residents' meeting"),
    ("representatives_meeting", "村（居）民代表会议", "representatives' meeting"),
    ("council", "村（居）民议事会", "residents' council"),
    ("board", "村（居）民理事会", "residents' board"),
    ("group_meeting", "村（居）民小组会", "group meeting"),
    ("compound", "小区协商", "compound consultation"),
    ("owners", "业主协商", "owners' consultation"),
    ("hearing", "民主听证会", "democratic hearing"),  # the notice's word (§4)
    ("special_council", "专题议事会", "special council"),
    ("evaluation", "民主评议", "democratic evaluation"),
    ("talk_day", "民情恳谈日", "open talk day"),
    ("forum", "村（居）民论坛", "residents' forum"),
    ("online", "网络议事平台", "online consultation platform"),
)

OUTCOMES = _table(
    ("consensus", "协商一致", "consensus"),  # the notice's words (§4, §4.6)
    ("majority", "多数同意", "majority view"),
    ("disputed", "存在较大争议", "disputed"),  # the notice's words (§4.6)
)

OWNERS_KINDS = ("owners_meeting", "owners_consent")
"""Assembly kinds by which owners decide jointly (民法典 art. 278)."""

MEETINGS = _table(
    ("villagers_meeting", "村民会议", "villagers' meeting"),
    ("residents_meeting", "居民会议", "residents' meeting"),
    ("representatives_meeting", "村（居）民代表会议", "representatives' meeting"),
    ("owners_meeting", "业主大会", "owners' meeting"),
    ("owners_consent", "业主书面征求意见（签字同意）", "owners' written consent"),
    ("villager_group_meeting", "村民小组会议", "villager group meeting"),
    ("members_meeting", "集体经济组织成员大会", "members' meeting"),
    (
        "members_representatives_meeting",
        "集体经济组织成员代表大会",
        "members' representatives' meeting",
    ),
)
"""Deciding meetings (assembly kinds): ``assembly.kind`` of a record and the meetings the model can
hold. ``owners_consent`` is an owners' joint decision taken by collecting the owners' written
consent (e.g. a building's owners on a lift) rather than at an owners' meeting; the thresholds of
民法典 art. 278 (物权法 art. 76) apply to it alike. ``villager_group_meeting`` is the 村民小组会议 (村民委员会组织法 2018 art. 28, 2025 art. 32); the
last two are a rural collective economic organization's (农村集体经济组织法 arts. 26–28)."""

DECIDING_BODIES = _table(
    (
        "two_committees",
        "村（社区）“两委”会议",
        "joint meeting of the Party branch and the committee",
    ),
    ("committee", "村（居）民委员会", "the villagers' (residents') committee"),
    ("party_branch", "村（社区）党组织", "the village (community) Party organization"),
    ("group_leader", "村（居）民小组长", "the group leader"),
    ("owners_committee", "业主委员会", "the owners' committee"),
    ("forum", "座谈会", "a forum (informal meeting)"),
    ("township", "乡镇（街道）", "the township (sub-district)"),
    ("other", "其他机构或人员", "another body or person"),
    ("unknown", "来源未写明由谁决定", "not stated in the source"),
)
"""``deciding_body`` of a record: who actually took the decision when it was not a meeting with
power over the matter (no ``assembly``)."""

EXCLUSION_REASONS = _table(
    ("married_out", "出嫁（外嫁）", "married out"),
    ("divorced", "离婚", "divorced"),
    ("widowed", "丧偶", "widowed"),
    ("remarried", "再婚", "remarried"),
    ("uxorilocal", "男方因结婚到女方落户", "husband settled with his wife's family"),
    ("returned", "返乡、回迁（就学、服役、务工后）", "returned (after study, service or work)"),
    ("moved_away", "户籍迁出或长期在外", "moved away"),
    ("children", "外嫁女等人员的子女", "their children"),
    ("member_elsewhere", "已取得其他集体经济组织成员身份", "member of another collective"),
    ("other", "其他理由", "another reason"),
)
"""``results.excluded[].reason``: the ground a decision gave for leaving people out of a benefit."""

REVOKERS = _table(
    ("court", "人民法院", "a court"),
    ("government", "人民政府或其部门", "a government or its department"),
    ("meeting", "村（居）民会议、业主大会等会议", "a meeting (villagers', residents', owners')"),
    ("other", "其他", "other"),
)
"""``results.revoked.by``: who revoked the decision (or ordered it corrected)."""

COLLECTIVE_MATTERS = _table(
    ("charter", "制定、修改集体经济组织章程", "the organization's charter"),
    ("membership", "确认集体经济组织成员", "confirming membership"),
    ("contracting_homestead", "农村土地承包、宅基地使用等方案", "land contracting and homesteads"),
    ("income_distribution", "收益分配方案", "distribution of income"),
    ("land_compensation", "土地补偿费的分配、使用办法", "land compensation"),
    ("investment", "投资等重大事项", "investment"),
    ("merger", "合并、分立等重大事项", "merger or division"),
    ("other", "其他集体财产和成员权益事项", "other collective matters"),
)
"""``topic.collective_matter`` of a record (农村集体经济组织法 art. 26 para. 1)."""

OWNERS_MATTERS = _table(
    ("special", "重大事项（第二百七十八条第一款第六至八项）", "special matter (items 6–8)"),
    ("ordinary", "一般事项", "ordinary matter"),
)
"""``topic.owners_matter`` / ``assembly.matter`` of a record (民法典 art. 278)."""

# -- telling people (notice §4.2, §5.2; records: results.channels; scenarios: organizer channels) ---

CHANNELS = _table(
    ("bulletin", "公开栏", "notice board"),
    ("publication", "社区刊物", "community publication"),
    ("online_forum", "网络论坛", "online forum"),
    ("mass_work_system", "群工系统", "mass-work system"),
    ("broadcast", "广播（大喇叭）", "village broadcast"),
    ("door_to_door", "入户告知", "door to door"),
    ("wechat", "微信群", "WeChat group"),
    ("meeting", "在会上宣布", "announced at a meeting"),
    ("other", "其他渠道", "another channel"),
)

RECORD_CHANNELS: tuple[str, ...] = (
    "bulletin",
    "publication",
    "online_forum",
    "mass_work_system",
    "meeting",
    "wechat",
    "other",
)
"""The channels a case record may name for publicity (``results.channels``, case-record spec)."""

FEEDBACK_TARGETS = _table(
    ("subjects", "协商主体", "parties to the consultation"),
    ("stakeholders", "利益相关方", "stakeholders"),
    ("residents", "村（居）民", "residents"),
)

# -- who: reporting groups of the population (outcome measures ``participation.<group>``) ----------

GROUPS = _table(
    ("age_young", "青年", "aged 18–39"),  # 18–39
    ("age_middle", "中年", "aged 40–59"),  # 40–59
    ("age_old", "老年", "aged 60+"),  # 60 and over
    ("registered", "户籍居民", "registered residents"),
    ("nonregistered", "非户籍居民", "non-registered residents"),
    ("female", "女性", "women"),
    ("male", "男性", "men"),
    ("owner", "业主", "owners"),
    ("tenant", "租户", "tenants"),
    ("stake_pos", "受益方", "who gain"),
    ("stake_neg", "受损方", "who lose"),
    ("digital", "能上网者", "online"),
    ("nodigital", "不能上网者", "offline"),
)

SEVERITIES = _table(
    ("violation", "违规", "violation"),
    ("warning", "提醒", "warning"),
    ("info", "提示", "note"),
    ("unknown", "无法判断", "undetermined"),
)
"""``unknown``: a fact the rule needs is not in the record (never a violation)."""

LEVELS = _table(
    ("law", "法律", "law"),
    ("notice", "通知", "the notice"),
    ("local", "地方规定", "local rule"),
    ("default", "本工具默认规则", "this kit's default"),
)
"""Where a finding's requirement comes from (``Finding.level`` = its basis): a statute (the
decision may be void or revocable), the Chongqing notice's procedure, a local profile, or an
assumption of this kit (never a violation)."""

LEGAL_VALIDITY = _table(
    ("valid", "有效", "valid"),
    ("invalid", "无效或可撤销", "invalid or revocable"),
    ("undetermined", "无法判断", "undetermined"),
    ("no_decision", "未作出决定", "no decision"),
)
"""``Report.legal_validity``: is the decision lawful (from the law-level findings only)?"""

# -- the procedure's five steps, as findings are grouped (the notice's §1–§6) --------------------------

PROCEDURE_STEPS = _table(
    ("topic", "一、提出协商议题（§1、§4.1）", "1. Proposing the topic (§1, §4.1)"),
    ("subjects", "二、确定协商主体（§2、§4.2）", "2. Choosing the subjects (§2, §4.2)"),
    (
        "procedure",
        "三、组织开展协商（§3、§4.2–§4.7）",
        "3. Holding the consultation (§3, §4.2–§4.7)",
    ),
    (
        "results",
        "四、实施与运用协商成果（§4.4、§5）",
        "4. Implementing and using the results (§4.4, §5)",
    ),
    ("guarantees", "五、组织保障（§6）", "5. Support and guarantees (§6)"),
)

# -- the procedure's steps as a run traces them (the village view plays through them) ----------------

PROCEDURE_EVENTS = _table(
    ("topic_proposed", "提出协商议题", "topic proposed"),
    ("notified", "发出协商通知", "participants notified"),
    ("consulted", "召开协商会议", "consultation held"),
    ("assembly_notified", "发出表决会议通知", "deciding meeting notified"),
    ("assembly_held", "召开表决会议", "deciding meeting held"),
    ("decided", "作出决定", "decided"),
    ("implemented", "组织实施", "implemented"),
    ("publicized", "公示协商结果", "results made public"),
)

#: what the village view colours households by (view options, not coded names of records or runs)
VIEW_MODES = _table(
    ("participation", "参与情况", "who was reached, came and spoke"),
    ("opinion", "意见", "opinion"),
)

# -- the fields of a case record, as a form names them (findings say where in the record) -----------

FIELDS = _table(
    ("topic", "协商议题", "topic"),
    ("topic.categories", "议题类别", "topic categories"),
    ("topic.opinions_solicited", "提出议题前征求意见", "opinions solicited"),
    ("topic.wide_impact", "涉及面广、关注度高", "wide impact"),
    ("topic.proposed_by", "议题提出方", "proposed by"),
    ("topic.proposed_by.signatures", "联名人数", "signatures"),
    ("lead", "牵头单位", "lead body"),
    ("participants", "参与协商的人员", "participants"),
    ("participants.relevant", "参与人员与议题的相关性", "participant relevant"),
    ("participants.spoke", "参与人员发言情况", "participant spoke"),
    ("stakeholder_groups", "利益相关群体", "stakeholder groups"),
    ("timeline", "时间安排", "timeline"),
    ("timeline.topic_proposed", "议题提出日期", "topic proposed on"),
    ("timeline.notified", "通报日期", "notified on"),
    ("timeline.consulted", "协商日期", "consulted on"),
    ("timeline.assembly_notified", "表决会议通知日期", "deciding meeting notified on"),
    ("timeline.assembly_held", "表决会议召开日期", "deciding meeting held on"),
    ("timeline.implemented", "实施日期", "implemented on"),
    ("timeline.publicized", "公开日期", "made public on"),
    ("consultation", "协商过程", "consultation"),
    ("consultation.forms", "协商形式", "forms"),
    ("consultation.outcome", "协商结果", "outcome"),
    ("assembly", "提交会议决定", "deciding meeting"),
    ("assembly.kind", "决定事项的会议", "kind of deciding meeting"),
    ("assembly.members", "应到人数", "members"),
    ("assembly.present", "实到人数", "present"),
    ("assembly.yes", "同意人数", "in favour"),
    ("assembly.households_total", "全村户数", "households"),
    ("assembly.households_present", "到会户代表数", "households present"),
    ("assembly.area_present", "参与表决业主的专有部分面积", "area of owners voting"),
    ("assembly.area_yes", "同意业主的专有部分面积", "area of owners in favour"),
    ("results", "协商成果运用", "results"),
    ("results.implemented", "落实情况", "implemented"),
    ("results.adopted", "方案是否通过", "adopted"),
    ("results.channels", "公开渠道", "publicity channels"),
    ("results.feedback_to", "落实情况反馈对象", "feedback to"),
    ("results.reported_to_commissioner", "向委托方报告", "reported to the commissioner"),
    ("results.commissioner_responded", "委托方答复", "commissioner responded"),
    ("results.dissenters", "持不同意见人数", "dissenters"),
    ("results.dissenters_explained", "已解释说明人数", "dissenters given an explanation"),
    ("results.corrected", "依法纠正", "corrected"),
    ("subsidies", "误工补贴", "subsidies"),
    ("subsidies.decided_by_meeting", "误工补贴经会议决定", "subsidies decided by a meeting"),
    ("subsidies.publicized", "误工补贴公示", "subsidies made public"),
    ("assembly.urgent_reason", "临时通知的特殊情况", "reason for short notice"),
    ("results.posted_days", "公开栏公布天数", "days the results stayed posted"),
    ("results.violates_law", "决定违反法律", "the decision violates the law"),
    ("timeline.representatives_notified", "告知代表议题日期", "representatives told the agenda"),
    ("topic.collective_matter", "集体经济组织事项", "collective economic organization matter"),
    ("topic.commissioned_by", "委托协商的单位", "commissioned by"),
    ("topic.law_reserved", "依法须经会议决定的事项", "matter the law reserves to a meeting"),
    ("topic.owners_matter", "业主共同决定事项", "owners' joint decision"),
    ("topic.technical", "专业性、技术性事项", "technical matter"),
    ("population", "人口情况", "population"),
    ("population.residents", "有选举权的成年居民（村民）数", "adults entitled"),
    ("population.representatives", "代表人数", "representatives"),
    ("population.owners", "业主总数", "owners"),
    ("population.away_unreachable", "外出且无法联系的村民数", "villagers away and unreachable"),
    ("population.collective_members", "集体经济组织成员数", "collective members"),
    ("population.collective_organization", "已设立集体经济组织", "collective organization set up"),
    ("rules", "地方规定", "local rules"),
    ("rules.profile", "地方规定文件", "local rule profile"),
    ("rules.notice_days", "协商通知至少提前天数", "days of notice required"),
    (
        "rules.publicize_within_days",
        "实施后公开的期限（天）",
        "days to publicize after implementation",
    ),
    (
        "rules.assembly_notice_days",
        "会议通知至少提前天数",
        "days of notice of the deciding meeting",
    ),
    (
        "rules.representatives_notice_days",
        "代表会议议题至少提前告知天数",
        "days representatives are told the agenda",
    ),
    ("rules.posted_days", "公开栏至少公布天数", "days results stay posted"),
    (
        "rules.away_unreachable_excluded",
        "外出无法联系的村民不计入法定人数基数",
        "villagers away and unreachable left out of the quorum base",
    ),
    ("rules.bulletin_required", "须在固定公开栏公布", "fixed bulletin board required"),
    ("scope", "事项范围", "scope of the matter"),
    ("setting", "农村或城市社区", "village or urban community"),
    ("deciding_body", "实际作出决定的机构", "body that actually decided"),
    ("timeline.decided", "作出决定日期", "decided on"),
    ("topic.civil_code_item", "民法典第二百七十八条第一款所列事项", "item of Civil Code art. 278"),
    ("population.households", "户数", "households"),
    ("assembly.no", "反对人数", "against"),
    ("assembly.abstained", "弃权人数", "abstentions"),
    ("assembly.invalid_ballots", "无效票数", "invalid ballots"),
    ("assembly.area_total", "建筑物专有部分总面积", "total exclusive area"),
    ("assembly.shares", "公布的比例", "published shares"),
    ("assembly.shares.present", "到会人数占比", "share present"),
    ("assembly.shares.yes", "同意人数占到会人数比例", "share in favour of those present"),
    ("assembly.shares.yes_of_all", "同意人数占全体比例", "share in favour of all"),
    ("assembly.shares.households_present", "到会户数占比", "share of households present"),
    ("assembly.shares.area_present", "参与表决面积占比", "share of area voting"),
    ("assembly.shares.area_yes", "同意面积占参与表决面积比例", "share of area in favour of voting"),
    ("assembly.shares.area_yes_of_all", "同意面积占总面积比例", "share of area in favour of all"),
    ("assembly.matter", "业主共同决定事项类别", "owners' matter"),
    ("assembly.authorised", "村民会议授权代表会议决定", "authorised by the villagers' meeting"),
    ("assembly.recounted", "票数经复核", "figures recounted"),
    ("assembly.notice_kept", "来源写明已按法定期限通知", "notice kept (source states it)"),
    ("results.excluded", "被排除享受权益的人员", "people left out of a benefit"),
    ("results.excluded.reason", "排除的理由", "ground for leaving them out"),
    ("results.excluded.count", "被排除人数", "how many were left out"),
    ("results.excluded.note", "排除情况说明", "note on the exclusion"),
    ("results.revoked", "决定被撤销", "decision revoked"),
    ("results.revoked.by", "撤销机关", "revoked by"),
    ("results.revoked.on", "撤销日期", "revoked on"),
)
"""Fields of a case record (``Finding.where``, index-free: ``participants[3].spoke`` →
``participants.spoke``); :func:`field_label` names a path with its index."""


def field_label(path: str, lang: str = "zh") -> str:
    """A record field path as a reader names it: ``stakeholder_groups[2]`` → 利益相关群体（第3项）.

    Indices are dropped for the lookup and said in words; an unknown path falls back to its
    longest known prefix, then to 记录 / record (a path is never shown).
    """
    import re

    indices = [int(i) for i in re.findall(r"\[(\d+)\]", path)]
    parts = re.sub(r"\[\d+\]", "", path).split(".")
    for n in range(len(parts), 0, -1):
        term = FIELDS.get(".".join(parts[:n]))
        if term is not None:
            name = term.label(lang)
            break
    else:
        return "记录" if lang != "en" else "record"
    if indices:
        name += f"（第{indices[0] + 1}项）" if lang != "en" else f" (item {indices[0] + 1})"
    return name


TABLES: MappingProxyType[str, MappingProxyType[str, Term]] = MappingProxyType(
    {
        "settings": SETTINGS,
        "scopes": SCOPES,
        "leads": LEADS,
        "topic_categories": TOPIC_CATEGORIES,
        "proposers": PROPOSERS,
        "roles": ROLES,
        "forms": FORMS,
        "outcomes": OUTCOMES,
        "meetings": MEETINGS,
        "collective_matters": COLLECTIVE_MATTERS,
        "owners_matters": OWNERS_MATTERS,
        "channels": CHANNELS,
        "feedback_targets": FEEDBACK_TARGETS,
        "groups": GROUPS,
        "severities": SEVERITIES,
        "legal_validity": LEGAL_VALIDITY,
        "deciding_bodies": DECIDING_BODIES,
        "exclusion_reasons": EXCLUSION_REASONS,
        "revokers": REVOKERS,
        "procedure_events": PROCEDURE_EVENTS,
        "fields": FIELDS,
    }
)
"""Every table by name (for docs tables and the duplicate-name test). ``LEVELS`` is left out: its
keys are common words (``notice``, ``default``, ``local``) other modules use for other things."""
