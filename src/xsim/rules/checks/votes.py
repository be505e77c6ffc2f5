"""How the deciding meeting was called and voted: notice (PROC-ASSEMBLY-NOTICE), quorum
(PROC-QUORUM) and majority (PROC-MAJORITY), under the law in force on the meeting's date — the
Organic Laws of 2018 or 2025, the collective economic organizations law, 民法典 art. 278 or, for
owners' decisions before 2021, 物权法 art. 76 — with one implementation of each threshold
(:mod:`xsim.rules.meetings`). Where the record lacks a number, the threshold is judged on what it
does give (:func:`xsim.rules.checks.base.settle`): a published share, the ballots counted, the
members; what cannot be settled is 「无法判断」, never a violation."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from xsim import law
from xsim import vocabulary as V
from xsim.records import CaseRecord, known
from xsim.rules import meetings as mt
from xsim.rules.catalogue import rule
from xsim.rules.checks.base import (
    Pair,
    Settled,
    describe,
    finding,
    law_basis,
    local_prefix,
    missing_text,
    pair,
    settle,
)
from xsim.rules.checks.bodies import collective_link, collective_route
from xsim.rules.context import Context
from xsim.rules.report import Basis, Finding

MEETING_ZH = {key: term.zh for key, term in V.MEETINGS.items()}
MEETING_EN = {key: term.en for key, term in V.MEETINGS.items()}
# The articles setting both the quorum and the majority of the Organic Laws' meetings and owners'.
MEETING_CLAUSES = (
    "villagers_committees@2025 art. 26 para. 1",
    "villagers_committees@2025 art. 30 para. 2",
    "villagers_committees@2025 art. 32 para. 2",
    "urban_residents_committees@2025 art. 27",
    "urban_residents_committees@2025 art. 29",
    "civil_code@2020 art. 278 para. 2",
    "villagers_committees@2018 art. 22",
    "villagers_committees@2018 art. 26 para. 2",
    "villagers_committees@2018 art. 28 para. 1",
    "urban_residents_committees@2018 art. 9 para. 3",
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
        "property_management_regulations@2018 art. 14 para. 1",
        "chongqing_villagers_committees_measures@2013 art. 12 para. 2",
    ),
    title_zh="召开决定会议未按法定期限提前通知",
    title_en="deciding meeting without its legal notice",
    checks_zh="村民会议、居民会议（2026年1月1日起）、集体经济组织成员大会，assembly_held 与 assembly_notified "
    "相差不足10日；业主大会不足15日（物业管理条例第十四条）；恰好10日（15日）为合格。日期未写明时为「无法判断」。"
    "2026年起村民会议、居民会议遇有特殊情况可以临时通知：填写 assembly.urgent_reason 时为提醒而非违规。"
    "地方规定（如重庆）还要求村民代表会议提前告知议题（timeline.representatives_notified）。",
    checks_en="A villagers' meeting, a residents' meeting (from 2026-01-01) or a members' meeting held "
    "less than 10 days (`assembly_notice_days`, law) after `timeline.assembly_notified`; an "
    "owners' meeting less than 15 days after (Property Management Regulations art. 14); exactly "
    "10 (15) days passes. A date the record does not give is 'undetermined'. From 2026 the "
    "villagers' and residents' meetings may be called at short notice in special circumstances: "
    "with `assembly.urgent_reason` the finding is a warning naming the reason. A local rule may "
    "also require the representatives to be told the agenda ahead "
    "(`timeline.representatives_notified`).",
    why_zh="提前通知，村（居）民、成员和业主才能安排参加并了解议题；法定人数和表决才有意义。",
    why_en="Notice lets people arrange to attend and study the matter; without it quorum and vote "
    "mean little.",
    fields=(
        "timeline.assembly_notified",
        "timeline.assembly_held",
        "timeline.representatives_notified",
        "assembly.kind",
        "assembly.urgent_reason",
        "assembly.notice_kept",
    ),
    example="timeline: {assembly_notified: 2026-01-16, assembly_held: 2026-01-25}   # 9 days\nassembly: {kind: villagers_meeting, ...}",
)
def check_proc_assembly_notice(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """10 days' notice (law; a local rule may ask more) before a villagers' meeting, a residents'
    meeting from 2026, a members' meeting; 15 days before an owners' meeting; exactly that passes.
    From 2026, a recorded ``urgent_reason`` turns short notice into a warning; a date the record
    does not give is 「无法判断」."""
    a = rec.assembly
    if a is None:
        return
    notice = _notice(rec, ctx)
    if isinstance(notice, Finding):
        yield notice
    elif notice is not None:
        yield from _notice_days(rec, ctx, notice)
    yield from _representatives_notice(rec, ctx)


def _notice(rec: CaseRecord, ctx: Context) -> mt.Notice | Finding | None:
    kind = rec.assembly.kind
    if kind == "villagers_meeting" and "villagers_committees" in ctx.laws:
        return mt.villagers_meeting_notice(ctx.village)
    if kind == "residents_meeting" and "urban_residents_committees" in ctx.laws:
        return mt.residents_meeting_notice(ctx.urban)
    if kind == "members_meeting" and ctx.collective_law:
        return mt.members_meeting_notice()
    if kind == "owners_meeting":
        if "property_management_regulations" in ctx.laws:
            return mt.owners_meeting_notice()
        first = law.earliest_held("property_management_regulations")
        return finding(
            "PROC-ASSEMBLY-NOTICE",
            "timeline.assembly_notified",
            f"无法判断：本工具收录的《物业管理条例》最早为2018年修订文本（{first}起施行），不以该文本判断此前"
            "召开的业主大会的通知期限。",
            f"Undetermined: the earliest text of the Property Management Regulations this kit "
            f"holds is in force from {first}; an earlier owners' meeting is not judged by it.",
            Basis(
                "law",
                law="property_management_regulations",
                clause="property_management_regulations (before 2018-03-19: not held)",
            ),
            severity="unknown",
        )
    return None


def _notice_days(rec: CaseRecord, ctx: Context, notice: mt.Notice) -> Iterator[Finding]:
    a, t = rec.assembly, rec.timeline
    name_zh, name_en = MEETING_ZH[a.kind], MEETING_EN[a.kind]
    need = notice.days
    basis = law_basis(notice.citation)
    if a.kind != "owners_meeting" and ctx.rb.assembly_notice_days > need:
        need, basis = ctx.rb.assembly_notice_days, ctx.setting_basis("assembly_notice_days")
    if (not known(t.assembly_notified) or not known(t.assembly_held)) and a.notice_kept is not None:
        if not a.notice_kept:  # the source states the notice was not kept, without dates
            yield finding(
                "PROC-ASSEMBLY-NOTICE",
                "assembly.notice_kept",
                f"来源写明{name_zh}未按法定期限通知（应提前{need}日）。",
                f"The source states the {name_en} was called without the {need} days' notice "
                "required.",
                basis,
            )
        return
    if not known(t.assembly_notified) or not known(t.assembly_held):
        missing = (
            "timeline.assembly_notified"
            if not known(t.assembly_notified)
            else "timeline.assembly_held"
        )
        yield finding(
            "PROC-ASSEMBLY-NOTICE",
            missing,
            f"无法判断：记录未写明{V.field_label(missing)}，不能判断{name_zh}是否提前{need}日通知。",
            f"Undetermined: the record does not give {missing}; a {name_en} needs {need} days' "
            "notice.",
            basis,
            severity="unknown",
        )
        return
    days = (t.assembly_held - t.assembly_notified).days
    if days >= need:
        return
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
            f"{base_zh}；记录的特殊情况为“{a.urgent_reason}”，法律允许遇有特殊情况临时通知，"
            "请核实该情况确属特殊。",
            f"{base_en}; the recorded special circumstance is '{a.urgent_reason}', for which the "
            "law allows short notice — check that it truly is one.",
            basis,
            severity="warning",
        )
        return
    extra_zh = "；所适用的法律文本没有临时通知的规定" if a.urgent_reason else ""
    extra_en = "; the law applied allows no short notice" if a.urgent_reason else ""
    yield finding(
        "PROC-ASSEMBLY-NOTICE",
        "timeline.assembly_notified",
        f"{base_zh}{extra_zh}。",
        f"{base_en}{extra_en}.",
        basis,
    )


def _representatives_notice(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    a, t = rec.assembly, rec.timeline
    need = ctx.rb.representatives_notice_days
    if a.kind != "representatives_meeting" or rec.setting != "village" or need is None:
        return
    basis = ctx.setting_basis("representatives_notice_days")
    pre_zh, pre_en = local_prefix(basis)
    if not known(t.representatives_notified) or not known(t.assembly_held):
        yield finding(
            "PROC-ASSEMBLY-NOTICE",
            "timeline.representatives_notified",
            f"无法判断：记录未写明向村民代表告知议题的日期（{pre_zh.rstrip('：')}应在会前{need}日告知）。",
            f"Undetermined: no date recorded for telling the representatives the agenda; "
            f"{pre_en}{need} days ahead required.",
            basis,
            severity="unknown",
        )
        return
    days = (t.assembly_held - t.representatives_notified).days
    if days < need:
        yield finding(
            "PROC-ASSEMBLY-NOTICE",
            "timeline.representatives_notified",
            f"{pre_zh}村民代表会议提前{days}日告知议题，应至少提前{need}日。",
            f"{pre_en}representatives told the agenda {days} days ahead; at least {need} required.",
            basis,
        )


# --- thresholds ---------------------------------------------------------------------------------

# (field, what_zh, of_zh, unit_zh, what_en, of_en) for each threshold a judgement tests
Labels = tuple[str, str, str, str, str, str]


@dataclass
class Threshold:
    """A meeting law to judge: the function over (count, base) pairs, the pairs as the record
    gives them, how each is named, and where the requirement comes from."""

    judge: Callable[[Sequence[tuple[Any, Any]]], mt.Judgement]
    pairs: list[Pair]
    labels: list[Labels]
    basis: Basis | None = None
    note_zh: str = ""
    note_en: str = ""
    name_zh: str = ""  # after the meeting's name: 业主大会「重大事项（…）」
    name_en: str = ""


def _ballots(a) -> int | None:
    """Ballots counted (yes + no + abstained + invalid), a floor for an unknown attendance."""
    cast = [v for v in (a.yes, a.no, a.abstained, a.invalid_ballots) if v is not None]
    return sum(cast) if cast and all(known(v) for v in cast) else None


def _members(rec: CaseRecord) -> Any:
    """The meeting's members, or the law's electorate from the population where not given."""
    a, pop = rec.assembly, rec.population
    if known(a.members):
        return a.members
    return {
        "villagers_meeting": pop.residents,
        "residents_meeting": pop.residents,
        "owners_meeting": pop.owners,
        "owners_consent": pop.owners,
        "members_meeting": pop.collective_members,
    }.get(a.kind, a.members)


def _shares(rec: CaseRecord, name: str) -> str | None:
    shares = rec.assembly.shares
    return getattr(shares, name) if shares is not None else None


def _present(rec: CaseRecord, base: Any, share: str = "present") -> Pair:
    a = rec.assembly
    return pair(
        a.present,
        base,
        count_path="assembly.present",
        base_path="assembly.members",
        share=_shares(rec, share),
        count_floor=_ballots(a),
    )


def _households(rec: CaseRecord) -> list[Pair]:
    a = rec.assembly
    if a.households_total is None:
        return []
    return [
        pair(
            a.households_present,
            a.households_total,
            count_path="assembly.households_present",
            base_path="assembly.households_total",
            share=_shares(rec, "households_present"),
        )
    ]


def _with_households(fn: Callable[..., mt.Judgement], *head: Any):
    """A judge for fn(*head, base, count[, households, households_present])."""

    def judge(p: Sequence[tuple[Any, Any]]) -> mt.Judgement:
        rest = (p[1][1], p[1][0]) if len(p) > 1 else ()
        return fn(*head, p[0][1], p[0][0], *rest)

    return judge


PRESENT: Labels = ("assembly.present", "到会", "应到", "人", "present", "members")
HOUSEHOLDS: Labels = (
    "assembly.households_present",
    "到会户代表",
    "总户数",
    "户",
    "households represented",
    "households",
)


def _quorum(rec: CaseRecord, ctx: Context) -> Threshold | None:
    """The deciding meeting's quorum under the law in force, or None where the law sets none."""
    a, pop = rec.assembly, rec.population
    kind = a.kind
    members = _members(rec)
    village = "villagers_committees" in ctx.laws
    if kind == "villagers_meeting" and collective_route(rec, ctx):
        link = collective_link(ctx)
        return Threshold(
            lambda p: mt.members_meeting_quorum(p[0][1], p[0][0]),
            [_present(rec, members)],
            [PRESENT],
            note_zh=f"（村民委员会代行集体经济组织职能，参照适用成员大会的规定：{link.zh()}）",
            note_en=f" (members' meeting rules apply: {link.en()})",
        )
    if kind == "villagers_meeting" and village:
        note_zh = note_en = ""
        base = members
        away = pop.away_unreachable
        if ctx.rb.away_unreachable_excluded and known(away) and away and known(pop.residents):
            # Chongqing measures art. 7 para. 3: the adults on the roll less those away and
            # unreachable — subtracted once, whether or not the meeting's size already left them
            # out (a meeting that left out others too is PROC-ELECTORATE's finding).
            base = pop.residents - away
            if known(members):
                base = min(base, members)
            src = ctx.setting_basis("away_unreachable_excluded")
            note_zh = (
                f"（按地方规定（{src.source}），村民总数{pop.residents}人中外出无法联系的{away}人"
                f"不计入，人数基数为{base}人，只减一次）"
            )
            note_en = f" ({away} villagers away and unreachable left out of the base by local rule)"
        adults: Labels = ("assembly.present", "到会", "18周岁以上村民", "人", "present", "adults")
        pairs = [_present(rec, base), *_households(rec)]
        return Threshold(
            _with_households(mt.villagers_meeting_quorum, ctx.village),
            pairs,
            [adults, HOUSEHOLDS][: len(pairs)],
            note_zh=note_zh,
            note_en=note_en,
        )
    if kind == "villager_group_meeting" and village:
        adults = ("assembly.present", "到会", "本组18周岁以上村民", "人", "present", "adults")
        pairs = [_present(rec, members), *_households(rec)]
        return Threshold(
            _with_households(mt.villager_group_meeting_quorum, ctx.village),
            pairs,
            [adults, HOUSEHOLDS][: len(pairs)],
        )
    if kind == "residents_meeting" and "urban_residents_committees" in ctx.laws:
        pairs = [_present(rec, members), *_households(rec)]
        return Threshold(
            _with_households(mt.residents_meeting_quorum, ctx.urban),
            pairs,
            [PRESENT, HOUSEHOLDS][: len(pairs)],
        )
    if kind == "representatives_meeting":
        labels = [("assembly.present", "到会", "组成人员", "人", "present", "members")]
        pairs = [_present(rec, members)]
        if rec.setting == "village" and village:
            return Threshold(
                lambda p: mt.village_representatives_quorum(ctx.village, p[0][1], p[0][0]),
                pairs,
                labels,
            )
        if rec.setting == "community" and ctx.urban != "2018":
            return Threshold(
                lambda p: mt.residents_representatives_quorum(p[0][1], p[0][0]), pairs, labels
            )
        # The 2018 urban law had no residents' representatives' meeting: this kit's default
        # borrows the villagers' representatives' meeting threshold (2/3).
        return Threshold(
            lambda p: mt.village_representatives_quorum("2018", p[0][1], p[0][0]),
            pairs,
            labels,
            Basis("default", clause="default:urban_representatives_meeting_2018"),
            "（本工具默认参照村民代表会议的三分之二）",
            " (this kit's default: 2/3)",
        )
    if kind in V.OWNERS_KINDS and ctx.owners_law == "civil_code":
        area = pair(
            a.area_present,
            a.area_total,
            count_path="assembly.area_present",
            base_path="assembly.area_total",
            share=_shares(rec, "area_present"),
        )
        return Threshold(
            lambda p: mt.owners_meeting_quorum(p[1][1], p[1][0], p[0][1], p[0][0]),
            [area, _present(rec, members)],
            [
                (
                    "assembly.area_present",
                    "参与表决的专有部分面积",
                    "总面积",
                    "㎡",
                    "m² voting",
                    "m² in all",
                ),
                ("assembly.present", "参与表决业主", "业主总数", "人", "owners voting", "owners"),
            ],
        )
    if kind == "members_meeting" and ctx.collective_law:
        return Threshold(
            lambda p: mt.members_meeting_quorum(p[0][1], p[0][0]),
            [_present(rec, members)],
            [PRESENT],
        )
    return None


@rule(
    "PROC-QUORUM",
    severity="violation",
    step="procedure",
    clause="villagers_committees@2025 art. 26 para. 1",
    clauses=(
        *MEETING_CLAUSES,
        "rural_collective_economic_organizations@2024 art. 27 para. 1",
        "chongqing_villagers_committees_measures@2013 art. 7 para. 3",
    ),
    title_zh="决定会议未达到法定人数",
    title_en="deciding meeting lacked its quorum",
    checks_zh="村民会议：到会超过18周岁以上村民的半数，或到会户代表达三分之二以上；村民小组会议：本组18周岁以上村民"
    "三分之二以上或三分之二以上的户的代表；居民会议：过半数（2018年文本可由户代表组成，户代表过半数亦可；2026年起也可按户代表"
    "过半数）；村（居）民代表会议：三分之二以上组成人员；业主大会（2021年起）：专有部分面积和人数均三分之二以上参与表决；"
    "成员大会：三分之二以上成员参加。应到人数为0的会议一律视为未达法定人数；人数未写明时按记录给出的比例或票数判断，"
    "仍不能确定的为「无法判断」。",
    checks_en="Villagers' meeting: present > half of adults, or ≥ 2/3 of households represented; "
    "villager group meeting: ≥ 2/3 of the group's adults or households; residents' meeting: "
    "present > half (2018: a meeting of household representatives counts households; from 2026 "
    "also by household representatives); representatives' meetings: ≥ 2/3 of members; owners "
    "(from 2021): ≥ 2/3 of the area and ≥ 2/3 of the owners vote; members' meeting: ≥ 2/3 of "
    "members. A meeting with 0 members never has its quorum. Numbers a record lacks are judged "
    "from the shares or ballots it gives; what remains open is 'undetermined'.",
    why_zh="法定人数不足，会议不能合法作出决定。",
    why_en="Without its quorum the meeting cannot lawfully decide.",
    fields=(
        "assembly",
        "assembly.shares",
        "population.away_unreachable",
        "rules.away_unreachable_excluded",
    ),
    example="assembly: {kind: villagers_meeting, members: 980, present: 490, yes: 400}   # 491 needed",
)
def check_proc_quorum(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """The deciding meeting must have its quorum under the law in force (:mod:`xsim.rules.meetings`)."""
    if rec.assembly is None:
        return
    spec = _quorum(rec, ctx)
    if spec is not None:
        yield from _verdict("PROC-QUORUM", rec, spec, "达到法定人数")


def _owners_majority(rec: CaseRecord, ctx: Context) -> Threshold | list[Threshold]:
    a = rec.assembly
    matter = rec.owners_matter
    if ctx.owners_law == "property_law":
        item = rec.topic.civil_code_item
        matters = (
            [mt.CIVIL_ITEM_TO_2007_MATTER[item]] if item is not None else ["special", "ordinary"]
        )
        area = pair(
            a.area_yes,
            a.area_total,
            count_path="assembly.area_yes",
            base_path="assembly.area_total",
            share=_shares(rec, "area_yes_of_all"),
        )
        owners = pair(
            a.yes,
            _members(rec),
            count_path="assembly.yes",
            base_path="assembly.members",
            share=_shares(rec, "yes_of_all"),
        )
        labels = [
            (
                "assembly.area_yes",
                "同意业主的专有部分面积",
                "建筑物总面积",
                "㎡",
                "m² in favour",
                "m² in all",
            ),
            ("assembly.yes", "同意业主", "业主总人数", "人", "owners in favour", "owners in all"),
        ]
        out = []
        for m in matters:
            out.append(
                Threshold(
                    lambda p, m=m: mt.owners_meeting_majority_2007(
                        m, p[1][1], p[1][0], p[0][1], p[0][0]
                    ),
                    [area, owners],
                    labels,
                    name_zh="（筹集和使用维修资金、改建重建）"
                    if m == "special"
                    else "（其他事项）",
                    name_en=", maintenance funds or rebuilding"
                    if m == "special"
                    else ", other matter",
                )
            )
        return out
    ballots = _ballots(a)
    yes = pair(
        a.yes,
        a.present,
        count_path="assembly.yes",
        base_path="assembly.present",
        share=_shares(rec, "yes"),
        base_floor=ballots,
        base_ceiling=_members(rec),
    )
    area = pair(
        a.area_yes,
        a.area_present,
        count_path="assembly.area_yes",
        base_path="assembly.area_present",
        share=_shares(rec, "area_yes"),
        base_ceiling=a.area_total,
    )
    special = matter == "special"
    return Threshold(
        lambda p: mt.owners_meeting_majority(matter, p[0][1], p[0][0], p[1][1], p[1][0]),
        [yes, area],
        [
            ("assembly.yes", "同意业主", "参与表决", "人", "owners in favour", "owners voting"),
            ("assembly.area_yes", "同意面积", "参与表决面积", "㎡", "m² in favour", "m² voting"),
        ],
        name_zh="重大事项（筹集维修资金、改建重建、改变共有部分用途等）" if special else "一般事项",
        name_en=", special matter" if special else ", ordinary matter",
    )


def _majority(rec: CaseRecord, ctx: Context) -> Threshold | list[Threshold] | None:
    a = rec.assembly
    kind = a.kind
    members = _members(rec)
    yes_present: Labels = ("assembly.yes", "赞成", "到会", "人", "in favour", "present")
    yes_all: Labels = ("assembly.yes", "同意", "全体", "人", "in favour", "members in all")
    of_present = pair(
        a.yes,
        a.present,
        count_path="assembly.yes",
        base_path="assembly.present",
        share=_shares(rec, "yes"),
        base_floor=_ballots(a),
        base_ceiling=members,
    )
    of_all = pair(
        a.yes,
        members,
        count_path="assembly.yes",
        base_path="assembly.members",
        share=_shares(rec, "yes_of_all"),
    )
    village = "villagers_committees" in ctx.laws
    if kind in ("villagers_meeting", "representatives_meeting") and collective_route(rec, ctx):
        link = collective_link(ctx)
        fn = (
            mt.members_meeting_majority
            if kind == "villagers_meeting"
            else mt.members_representatives_majority
        )
        return Threshold(
            lambda p: fn(p[0][1], p[0][0]),
            [of_all],
            [yes_all],
            note_zh=f"（村民委员会代行集体经济组织职能，参照适用成员大会的规定：{link.zh()}）",
            note_en=f" (members' meeting rules apply: {link.en()})",
        )
    if kind == "villagers_meeting" and village:
        return Threshold(
            lambda p: mt.villagers_meeting_majority(ctx.village, p[0][1], p[0][0]),
            [of_present],
            [yes_present],
        )
    if kind == "villager_group_meeting" and village:
        return Threshold(
            lambda p: mt.villager_group_meeting_majority(ctx.village, p[0][1], p[0][0]),
            [of_present],
            [yes_present],
        )
    if kind == "residents_meeting" and "urban_residents_committees" in ctx.laws:
        return Threshold(
            lambda p: mt.residents_meeting_majority(ctx.urban, p[0][1], p[0][0]),
            [of_present],
            [yes_present],
        )
    if kind == "representatives_meeting":
        if rec.setting == "village" and village:
            fn = lambda p: mt.village_representatives_majority(ctx.village, p[0][1], p[0][0])  # noqa: E731
            return Threshold(fn, [of_present], [yes_present])
        if rec.setting == "community" and ctx.urban != "2018":
            fn = lambda p: mt.residents_representatives_majority(p[0][1], p[0][0])  # noqa: E731
            return Threshold(fn, [of_present], [yes_present])
        return Threshold(
            lambda p: mt.village_representatives_majority("2018", p[0][1], p[0][0]),
            [of_present],
            [yes_present],
            Basis("default", clause="default:urban_representatives_meeting_2018"),
        )
    if kind in V.OWNERS_KINDS and ctx.owners_law is not None:
        return _owners_majority(rec, ctx)
    if kind == "members_meeting" and ctx.collective_law:
        return Threshold(
            lambda p: mt.members_meeting_majority(p[0][1], p[0][0]), [of_all], [yes_all]
        )
    if kind == "members_representatives_meeting" and ctx.collective_law:
        return Threshold(
            lambda p: mt.members_representatives_majority(p[0][1], p[0][0]), [of_all], [yes_all]
        )
    return None


@rule(
    "PROC-MAJORITY",
    severity="violation",
    step="procedure",
    clause="villagers_committees@2025 art. 26 para. 1",
    clauses=(
        *MEETING_CLAUSES,
        "rural_collective_economic_organizations@2024 art. 27 para. 3",
        "rural_collective_economic_organizations@2024 art. 28 para. 5",
        "property_law@2007 art. 76 para. 2",
    ),
    title_zh="决定未获得法定多数通过",
    title_en="decision without the required majority",
    checks_zh="成果已采纳（results.adopted）时：村民会议、村民小组会议、居民会议、代表会议须到会人员过半数（严格超过半数）同意"
    "（弃权、无效票计入到会人数）；业主共同决定（2021年起）的重大事项（第二百七十八条第一款第六至八项）须参与表决面积和"
    "人数均四分之三以上同意，其他事项均过半数；2021年以前的业主共同决定按物权法第七十六条：维修资金、改建重建须"
    "建筑物总面积和业主总人数均三分之二以上同意，其他事项均过半数（按全体计算，未写明属于第几项时按两种可能判断）；"
    "成员大会须全体成员三分之二以上同意，成员代表大会须全体成员代表三分之二以上同意（按全体计算，不是按到会人数）。"
    "票数未公布时按记录给出的比例判断，仍不能确定的为「无法判断」。",
    checks_en="When `results.adopted`: villagers', villager group, residents' and representatives' "
    "meetings need more than half of those present (abstentions and invalid ballots count among "
    "those present); owners (from 2021): special matters (art. 278 para. 1 items 6–8) ≥ 3/4 of "
    "participating area and owners, ordinary matters more than half of both; owners before 2021 "
    "(Property Law art. 76): maintenance funds and rebuilding ≥ 2/3 of the total area and of all "
    "owners, other matters more than half of both (of ALL; without `topic.civil_code_item` both "
    "readings are tried); a members' meeting ≥ 2/3 of ALL members, a members' representatives' "
    "meeting ≥ 2/3 of all representatives. Shares are used where counts were not published; what "
    "remains open is 'undetermined'.",
    why_zh="决定须经法定多数通过才有效。",
    why_en="A decision is valid only with the majority the law requires.",
    fields=(
        "assembly",
        "assembly.shares",
        "assembly.abstained",
        "assembly.invalid_ballots",
        "assembly.recounted",
        "results.adopted",
        "topic.owners_matter",
        "topic.civil_code_item",
        "topic.collective_matter",
    ),
    example="assembly: {kind: representatives_meeting, members: 30, present: 30, yes: 15}   # exactly half fails",
)
def check_proc_majority(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """An adopted decision needs its majority under the law in force (:mod:`xsim.rules.meetings`)."""
    a = rec.assembly
    if a is None or not rec.results.adopted:
        return
    spec = _majority(rec, ctx)
    if spec is None:
        return
    note_zh = note_en = ""
    if a.abstained or a.invalid_ballots:
        note_zh += f"（弃权{a.abstained or 0}人、无效票{a.invalid_ballots or 0}张计入到会人数）"
        note_en += f" (abstentions {a.abstained or 0}, invalid {a.invalid_ballots or 0} counted as present)"
    if a.recounted:
        note_zh += "（按复核后的票数）"
        note_en += " (recounted figures)"
    if isinstance(spec, list):  # owners before 2021 without the item: every reading
        settled = [(s, settle(s.judge, s.pairs)) for s in spec]
        if all(r.met for _, r in settled):
            return
        if any(r.met is False for _, r in settled) and not any(r.met for _, r in settled):
            spec = next(s for s, r in settled if r.met is False)
        elif len(spec) > 1:
            yield finding(
                "PROC-MAJORITY",
                "topic.civil_code_item",
                "无法判断：记录未写明该事项属于民法典第二百七十八条第一款第几项（topic.civil_code_item），"
                "按物权法第七十六条，维修资金、改建重建须三分之二以上业主同意，其他事项过半数即可，两种情形结论不同。",
                "Undetermined: the record does not give the item (topic.civil_code_item); under "
                "Property Law art. 76 the two readings give different answers.",
                law_basis(mt.Citation("property_law", "2007", 76, 2)),
                severity="unknown",
            )
            return
        else:
            spec = spec[0]
    spec.note_zh += note_zh
    spec.note_en += note_en
    yield from _verdict("PROC-MAJORITY", rec, spec, "获得法定多数同意")


def _verdict(code: str, rec: CaseRecord, spec: Threshold, question_zh: str) -> Iterator[Finding]:
    """The finding for one threshold: none when met, a violation when failed, 「无法判断」 when
    the record cannot settle it."""
    a = rec.assembly
    result: Settled = settle(spec.judge, spec.pairs)
    name_zh = MEETING_ZH[a.kind] + spec.name_zh
    name_en = MEETING_EN[a.kind] + spec.name_en
    basis = spec.basis or law_basis(result.judgement.citation)
    if result.met:
        return
    if result.met is None:
        what_zh, what_en = missing_text(result.missing)
        yield finding(
            code,
            result.missing[0] if result.missing else "assembly",
            f"无法判断：记录未写明{what_zh}，不能判断{name_zh}是否{question_zh}。",
            f"Undetermined: the record does not give {what_en}; whether the {name_en} met its "
            "threshold cannot be told.",
            basis,
            severity="unknown",
        )
        return
    j = result.judgement
    labels = spec.labels
    if not result.exact:
        labels = [(f, w, o, "%", we, oe) for f, w, o, _, we, oe in labels]
    parts = [(t, lab) for t, lab in zip(j.tests, labels, strict=True) if not t.met]
    texts = [describe(t, *lab[1:]) for t, lab in parts]
    if j.combine == "any":  # every route failed: "…；到会户代表200户，也不足…"
        texts = [texts[0]] + [
            (z.replace("，未超过", "，也未超过", 1).replace("，不足", "，也不足", 1), e)
            for z, e in texts[1:]
        ]
    joiner_en = "; and " if j.combine == "any" else "; "
    yield finding(
        code,
        parts[0][1][0],
        name_zh + "；".join(z for z, _ in texts) + f"{spec.note_zh}。",
        f"{name_en}: " + joiner_en.join(e for _, e in texts) + f"{spec.note_en}.",
        basis,
    )
