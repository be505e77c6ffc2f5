"""Who decided: was the matter taken to the body the law gives it (PROC-ESCALATE), did that body
have power over it (PROC-BODY), and did its membership include everyone entitled
(PROC-ELECTORATE)? Law-level questions, asked of every record — a consultation under the notice or
owners' and villagers' self-governance alike (the notice's own escalation rule, §4.6, only where a
consultation took place)."""

from __future__ import annotations

from collections.abc import Iterator

from xsim import vocabulary as V
from xsim.records import CaseRecord, known
from xsim.rules import meetings as mt
from xsim.rules.catalogue import rule
from xsim.rules.checks.base import finding, law_basis
from xsim.rules.context import Context
from xsim.rules.report import Basis, Finding

MEETING_ZH = {key: term.zh for key, term in V.MEETINGS.items()}
MEETING_EN = {key: term.en for key, term in V.MEETINGS.items()}
BODY_ZH = {key: term.zh for key, term in V.DECIDING_BODIES.items()}
COLLECTIVE_MATTER_ZH = {key: term.zh for key, term in V.COLLECTIVE_MATTERS.items()}


def collective_route(rec: CaseRecord, ctx: Context) -> bool:
    """A collective matter where no collective economic organization is established: the
    villagers' committee (or a 居委会 holding a group's property) acts for it and the members'
    meeting thresholds apply (参照适用)."""
    return (
        rec.topic.collective_matter is not None
        and ctx.collective_law
        and not rec.population.collective_organization
    )


def collective_link(ctx: Context) -> mt.Citation:
    """The village law's pointer to the collective economic organizations law on that date."""
    return mt.village_cite(ctx.village, 24, 28, 3, 4)


def reserved_cite(ctx: Context) -> mt.Citation:
    """Matters the villagers' meeting decides (2018 art. 24 para. 1, 2025 art. 28 para. 1)."""
    return mt.village_cite(ctx.village, 24, 28, 1, 1)


def owners_cite(ctx: Context, paragraph: int = 1) -> mt.Citation:
    """民法典 art. 278 (from 2021) or 物权法 art. 76 (2007-10-01 to 2020-12-31)."""
    if ctx.owners_law == "property_law":
        return mt.Citation("property_law", "2007", 76, paragraph)
    return mt.Citation("civil_code", "2020", 278, paragraph)


def _needs_meeting(rec: CaseRecord, ctx: Context) -> tuple[str, str, mt.Citation] | None:
    """(what, body, citation) when the law gives the matter to a meeting, else None."""
    t = rec.topic
    if rec.owners_matter is not None:
        return "业主共同决定事项", "业主（业主大会）", owners_cite(ctx)
    if t.collective_matter is not None and ctx.collective_law:
        matter = f"集体经济组织事项（{COLLECTIVE_MATTER_ZH[t.collective_matter]}）"
        if rec.population.collective_organization:
            cite = mt.Citation("rural_collective_economic_organizations", "2024", 26, 1)
            return matter, "集体经济组织成员大会", cite
        if rec.setting == "village":
            return matter, "村民会议（参照适用成员大会的规定）", collective_link(ctx)
        return (
            matter,
            "集体经济组织成员大会",
            mt.Citation("rural_collective_economic_organizations", "2024", 26, 1),
        )
    if rec.setting != "village" or "villagers_committees" not in ctx.laws:
        return None
    if rec.scope == "group" and t.collective_matter is not None:
        cite = mt.village_cite(ctx.village, 28, 32, 3, 4)
        return "村民小组的集体财产事项", "村民小组会议", cite
    if t.law_reserved or t.collective_matter is not None:
        return (
            "依法须经村民会议讨论决定的事项",
            "村民会议（或经授权的村民代表会议）",
            reserved_cite(ctx),
        )
    return None


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
        "property_law@2007 art. 76 para. 1",
    ),
    title_zh="争议事项或法定事项未提交有权决定的会议决定",
    title_en="matter not escalated",
    checks_zh="协商结果为 disputed，或议题 law_reserved，或属于业主共同决定事项（owners_matter）、集体经济组织事项"
    "（collective_matter），但没有 assembly（也没有记录由谁决定：deciding_body）；或法定的村级事项由业主大会决定。"
    "争议事项一项只适用于按通知开展的协商。",
    checks_en="`consultation.outcome` is disputed, or `topic.law_reserved`, an owners' matter or "
    "`topic.collective_matter` is set, and there is no `assembly` (nor a `deciding_body`); or a "
    "law-reserved village matter went to an owners' meeting. The disputed branch is the notice's "
    "and applies only where a consultation took place.",
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
        "deciding_body",
    ),
    example="consultation: {outcome: disputed}\n# and no assembly:",
)
def check_proc_escalate(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Disputed, law-reserved, owners' and collective matters go to the body that may decide them
    (a recorded ``deciding_body`` without that power is PROC-BODY's finding)."""
    reserved = rec.topic.law_reserved
    if rec.assembly is None and rec.deciding_body is None:
        needed = _needs_meeting(rec, ctx)
        if needed is not None and rec.owners_matter is not None:
            yield finding(
                "PROC-ESCALATE",
                "assembly",
                "该事项属于业主共同决定的事项，应由业主依法表决（业主大会），不能由居民会议或协商会议代替，"
                "却未提交业主表决。",
                "The matter is one the owners decide jointly: the owners must vote on it (owners' "
                "meeting), not the residents' meeting or a consultation; it was not put to them.",
                law_basis(needed[2]),
            )
        elif needed is not None:
            what, body, cite = needed
            yield finding(
                "PROC-ESCALATE",
                "assembly",
                f"该事项属于{what}，应由{body}依法决定，却未提交会议决定。",
                "The matter is one the law gives to a deciding meeting; it was not put to one.",
                law_basis(cite),
            )
        elif rec.consultation is not None and rec.consultation.outcome == "disputed":
            yield finding(
                "PROC-ESCALATE",
                "assembly",
                "该事项存在较大争议，却未提交村（居）民会议或村（居）民代表会议决定。",
                "The matter is seriously disputed but was not submitted to the villagers' "
                "(residents') meeting or representatives' meeting.",
                Basis("notice", clause="§4.6"),
            )
        elif reserved:
            yield finding(
                "PROC-ESCALATE",
                "assembly",
                "该事项属于法律规定须由会议决定的事项，却未提交村（居）民会议或村（居）民代表会议决定。",
                "The matter is reserved by law for the meeting but was not submitted to the "
                "villagers' (residents') meeting or representatives' meeting.",
                Basis("notice", clause="§4.6"),
            )
    elif (
        reserved
        and rec.setting == "village"
        and rec.assembly is not None
        and rec.assembly.kind in V.OWNERS_KINDS
    ):
        yield finding(
            "PROC-ESCALATE",
            "assembly.kind",
            "法律规定须由村民会议或村民代表会议决定的事项，却由业主大会决定。",
            "A matter the law reserves for the villagers' or representatives' meeting was "
            "decided by an owners' meeting.",
            law_basis(reserved_cite(ctx)),
        )


@rule(
    "PROC-BODY",
    severity="violation",
    step="procedure",
    clause="villagers_committees@2025 art. 31",
    clauses=(
        "villagers_committees@2025 art. 31 para. 1",
        "villagers_committees@2018 art. 27 para. 1",
        "villagers_committees@2018 art. 24 para. 2",
        "villagers_committees@2025 art. 28 para. 2",
        "villagers_committees@2018 art. 28 para. 3",
        "villagers_committees@2025 art. 32 para. 4",
        "chongqing_villagers_committees_measures@2013 art. 10",
        "rural_collective_economic_organizations@2024 art. 26",
        "rural_collective_economic_organizations@2024 art. 28 para. 4",
        "villagers_committees@2025 art. 28 para. 4",
        "civil_code@2020 art. 278 para. 1",
        "property_law@2007 art. 76 para. 1",
    ),
    title_zh="作出决定的会议或机构无权决定该事项",
    title_en="the deciding body has no power over the matter",
    checks_zh="村民自治章程、村规民约（charter_rules）由村民代表会议决定；村民代表会议未经村民会议授权"
    "（assembly.authorised）决定法定事项；村民小组会议决定全村的法定事项；成员代表大会（或代行其职能的村民代表会议）"
    "决定了不得授权的集体经济组织事项（章程、成员确认、承包宅基地方案、土地补偿费、合并分立）；业主共同决定事项"
    "由业主以外的会议决定；已设立集体经济组织的村由村民会议或其他会议决定集体经济组织事项；或者没有会议，"
    "由村“两委”、村（居）委会、业主委员会、座谈会等（deciding_body）决定了须由会议决定的事项。",
    checks_en="Village rules or charter (`charter_rules`) decided by a representatives' meeting; a "
    "representatives' meeting deciding a law-reserved matter without the villagers' meeting's "
    "authorisation (`assembly.authorised`); a villager group meeting deciding a whole village's "
    "reserved matter; a non-delegable collective matter decided by representatives; an owners' "
    "matter decided by anyone but the owners; a collective matter decided by a villagers' (or any "
    "other) meeting where a collective economic organization is established; or no meeting at all: "
    "a body without that power (`deciding_body`: two committees, committee, owners' committee, "
    "forum …) decided a matter the law gives to a meeting.",
    why_zh="会议只能决定法律赋予它的事项：村规民约由村民会议制定；村民代表会议只能决定村民会议授权的事项；"
    "土地补偿费分配等事项只能由成员大会决定，不得授权成员代表大会；业主共同决定事项只能由业主决定。越权作出的决定不合法。",
    why_en="A meeting may decide only what the law gives it: village rules are made by the "
    "villagers' meeting; the representatives decide only what the villagers' meeting authorised; "
    "land compensation and the other listed matters only by the members' meeting, never "
    "delegated; owners' matters only by the owners. A decision beyond that power is unlawful.",
    fields=(
        "topic.categories",
        "topic.collective_matter",
        "topic.owners_matter",
        "population.collective_organization",
        "assembly.kind",
        "assembly.authorised",
        "deciding_body",
    ),
    example="topic: {categories: [charter_rules], ...}\nassembly: {kind: representatives_meeting, ...}",
)
def check_proc_body(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """The deciding body must have the power to decide this matter (see the rule's text)."""
    a = rec.assembly
    if a is None:
        if rec.deciding_body is not None and rec.results.adopted:
            needed = _needs_meeting(rec, ctx)
            if needed is not None and rec.deciding_body == "unknown":
                what, body, cite = needed
                yield finding(
                    "PROC-BODY",
                    "deciding_body",
                    f"无法判断：该事项属于{what}，应由{body}依法决定，记录未写明由谁作出决定。",
                    "Undetermined: the matter is one the law gives to a meeting, and the record "
                    "does not say who decided it.",
                    law_basis(cite),
                    severity="unknown",
                )
            elif needed is not None:
                what, body, cite = needed
                name = BODY_ZH[rec.deciding_body]
                yield finding(
                    "PROC-BODY",
                    "deciding_body",
                    f"该事项属于{what}，应由{body}依法决定；由{name}作出的决定越权。",
                    f"The matter is one the law gives to a meeting; the {rec.deciding_body} that "
                    "decided it has no such power.",
                    law_basis(cite),
                )
        return
    yield from _meeting_power(rec, ctx)


def _meeting_power(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    a, t = rec.assembly, rec.topic
    name_zh = MEETING_ZH[a.kind]
    village = rec.setting == "village" and "villagers_committees" in ctx.laws
    if village and "charter_rules" in t.categories and a.kind == "representatives_meeting":
        cite = mt.village_cite(ctx.village, 27, 31, 1, 1)
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            "村民自治章程、村规民约应由村民会议制定和修改，村民代表会议无权决定。",
            "Village rules and the self-governance charter are made by the villagers' meeting; a "
            "representatives' meeting has no power to adopt them.",
            law_basis(cite),
        )
    elif (
        village
        and a.kind == "representatives_meeting"
        and t.law_reserved
        and rec.owners_matter is None
        and not (t.collective_matter is not None and ctx.collective_law)
    ):
        cite = mt.village_cite(ctx.village, 24, 28, 2, 2)
        if a.authorised is False:
            yield finding(
                "PROC-BODY",
                "assembly.authorised",
                "村民代表会议决定了须经村民会议讨论决定的事项，而村民会议未授权其决定。",
                "The representatives' meeting decided a matter for the villagers' meeting "
                "without being authorised by it.",
                law_basis(cite),
            )
        elif not known(a.authorised):
            yield finding(
                "PROC-BODY",
                "assembly.authorised",
                "无法判断：记录未写明村民会议是否授权村民代表会议决定该事项（法定事项须经村民会议讨论决定，"
                "或由其授权村民代表会议决定）。",
                "Undetermined: the record does not say whether the villagers' meeting authorised "
                "the representatives to decide this reserved matter.",
                law_basis(cite),
                severity="unknown",
            )
    if village and a.kind == "villager_group_meeting" and t.law_reserved and rec.scope == "whole":
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            "全村的法定事项应由村民会议（或经授权的村民代表会议）决定，村民小组会议无权决定。",
            "A whole village's reserved matter was decided by a villager group meeting.",
            law_basis(reserved_cite(ctx)),
        )
    if rec.owners_matter is not None and a.kind not in V.OWNERS_KINDS:
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            f"业主共同决定事项由{name_zh}决定；应由业主依法表决（业主大会），其他会议无权决定。",
            f"An owners' matter was decided by the {MEETING_EN[a.kind]}; only the owners may "
            "decide it.",
            law_basis(owners_cite(ctx)),
        )
    yield from _collective_power(rec, ctx)


def _collective_power(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    a, matter = rec.assembly, rec.topic.collective_matter
    if matter is None or not ctx.collective_law:
        return
    name_zh = MEETING_ZH[a.kind]
    matter_zh = COLLECTIVE_MATTER_ZH[matter]
    organization = rec.population.collective_organization
    representatives = a.kind == "members_representatives_meeting" or (
        a.kind == "representatives_meeting" and not organization
    )
    if representatives and matter in mt.NON_DELEGABLE_COLLECTIVE_MATTERS:
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            f"“{matter_zh}”只能由集体经济组织成员大会决定，不得由成员代表大会（或代表会议）决定。",
            f"'{matter}' may be decided only by the members' meeting, never by representatives.",
            law_basis(mt.Citation("rural_collective_economic_organizations", "2024", 28, 4)),
        )
    elif organization and a.kind not in ("members_meeting", "members_representatives_meeting"):
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            f"已设立集体经济组织，“{matter_zh}”应由其成员大会决定，{name_zh}无权决定。",
            f"A collective economic organization is established; '{matter}' is for its members' "
            f"meeting, not the {MEETING_EN[a.kind]}.",
            law_basis(mt.Citation("rural_collective_economic_organizations", "2024", 26, 1)),
        )
    elif (
        not organization
        and rec.setting == "village"
        and a.kind
        not in (
            "villagers_meeting",
            "representatives_meeting",
            "villager_group_meeting",
            "members_meeting",
            "members_representatives_meeting",
        )
    ):
        yield finding(
            "PROC-BODY",
            "assembly.kind",
            f"“{matter_zh}”属于集体经济组织事项，应由村民会议参照成员大会的规定决定，{name_zh}无权决定。",
            f"'{matter}' is a collective matter for the villagers' meeting (under the members' "
            f"meeting rules), not the {MEETING_EN[a.kind]}.",
            law_basis(collective_link(ctx)),
        )


def entitled(rec: CaseRecord, ctx: Context) -> tuple[int | None, str, str, mt.Citation | None]:
    """(how many are entitled to the deciding meeting, who zh, who en, citation), from the
    population; None when the law or the record does not say. A local rule that leaves out
    villagers away and unreachable (Chongqing measures art. 7 para. 3) leaves them out here."""
    a, pop = rec.assembly, rec.population
    if a.kind == "villagers_meeting" and "villagers_committees" in ctx.laws:
        cite = mt.village_cite(ctx.village, 21, 25, 1, 1)
        if not known(pop.residents):
            return None, "", "", cite
        count = pop.residents
        if ctx.rb.away_unreachable_excluded and known(pop.away_unreachable):
            count -= pop.away_unreachable
        return count, "本村18周岁以上村民", "adult villagers", cite
    urban = "urban_residents_committees" in ctx.laws
    if a.kind == "residents_meeting" and urban and ctx.urban != "2018" and known(pop.residents):
        # The 2018 law let household or group representatives form the meeting (art. 9 para. 2).
        cite = mt.Citation("urban_residents_committees", "2025", 26, 1)
        return pop.residents, "本社区18周岁以上居民", "adult residents", cite
    if a.kind in V.OWNERS_KINDS and known(pop.owners) and ctx.owners_law:
        cite = owners_cite(ctx, 2 if ctx.owners_law == "property_law" else 1)
        return pop.owners, "全体业主", "owners in all", cite
    if a.kind == "members_meeting" and known(pop.collective_members) and ctx.collective_law:
        cite = mt.Citation("rural_collective_economic_organizations", "2024", 26, 1)
        return pop.collective_members, "全体成员", "members", cite
    return None, "", "", None


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
        "property_law@2007 art. 76 para. 2",
        "rural_collective_economic_organizations@2024 art. 26 para. 1",
        "chongqing_villagers_committees_measures@2013 art. 7 para. 3",
    ),
    title_zh="决定会议的应到人数少于依法有权参加的人数",
    title_en="the deciding meeting left entitled members out",
    checks_zh="assembly.members 小于依法有权参加的人数：村民会议、居民会议（2026年起）为名册上全部成年人"
    "（population.residents；地方规定不计外出无法联系的村民时减去 population.away_unreachable）；业主大会为全体业主"
    "（population.owners）；成员大会为全体成员（population.collective_members）。人数未写明时不判断。",
    checks_en="`assembly.members` is smaller than those entitled: every adult on the roll for a "
    "villagers' meeting or (from 2026) residents' meeting (`population.residents`, less "
    "`population.away_unreachable` where a local rule leaves them out), every owner for an owners' "
    "meeting (`population.owners`), every member for a members' meeting "
    "(`population.collective_members`). Not judged where the numbers are not given.",
    why_zh="把某个群体排除在表决之外，不只是公平问题，而是使决定不合法：会议由全体有权参加的人组成。",
    why_en="Leaving a group out of the vote is not a fairness detail; it makes the decision "
    "unlawful: the meeting consists of everyone entitled.",
    fields=(
        "assembly.members",
        "population.residents",
        "population.owners",
        "population.collective_members",
        "population.away_unreachable",
    ),
    example="population: {residents: 980, ...}\nassembly: {kind: villagers_meeting, members: 900, ...}",
)
def check_proc_electorate(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """The deciding meeting's ``members`` must be everyone entitled to take part."""
    a = rec.assembly
    if a is None or not known(a.members):
        return
    count, who_zh, who_en, cite = entitled(rec, ctx)
    if count is not None and cite is not None and a.members < count:
        yield finding(
            "PROC-ELECTORATE",
            "assembly.members",
            f"{MEETING_ZH[a.kind]}应到{a.members}人，少于{who_zh}{count}人：有{count - a.members}"
            "人被排除在表决之外，决定不合法。",
            f"The {MEETING_EN[a.kind]} counted {a.members} members, fewer than the {count} "
            f"{who_en} entitled: {count - a.members} were left out of the vote.",
            law_basis(cite),
        )
