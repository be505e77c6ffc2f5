"""Helpers for the rules tests: a fully compliant record (fixed or generated) and single breakers.

Not a test module. ``compliant_record()`` is a hand-written village record with a villagers' meeting
that meets every requirement; ``compliant_records()`` is a hypothesis strategy over many shapes
(settings, scopes, every kind of deciding meeting, thresholds hit exactly or exceeded);
``BREAKERS[code](data, draw)`` breaks exactly the requirement behind ``code``.
"""

from __future__ import annotations

import copy
import datetime as dt
from math import ceil, floor

from hypothesis import strategies as st

from xsim.records import CATEGORIES
from xsim.rules.meetings import COLLECTIVE_MATTER_ITEMS, NON_DELEGABLE_COLLECTIVE_MATTERS

COLLECTIVE_MATTERS = sorted(COLLECTIVE_MATTER_ITEMS)
NON_DELEGABLE = NON_DELEGABLE_COLLECTIVE_MATTERS
COLLECTIVE_LAW = dt.date(2025, 5, 1)  # 农村集体经济组织法 in force
NEW_LAW = dt.date(2026, 1, 1)  # the 2025 texts of the Organic Laws in force

D = dt.date


def compliant_record() -> dict:
    """A village record that breaks no rule (a villagers' meeting decides, everything on time)."""
    return {
        "title": "测试村道路协商",
        "setting": "village",
        "population": {"residents": 980, "households": 330, "representatives": 33},
        "scope": "whole",
        "lead": "committee",
        "topic": {
            "title": "村道硬化",
            "categories": ["infrastructure"],
            "proposed_by": {"kind": "committee"},
            "opinions_solicited": True,
            "technical": True,
            "wide_impact": True,
            "law_reserved": True,
            "commissioned_by": "township",
        },
        "stakeholder_groups": [{"id": "a", "name": "沿路农户"}, {"id": "b", "name": "其他农户"}],
        "participants": [
            {"role": "committee"},
            {"role": "resident", "group": "a", "count": 5},
            {"role": "resident", "group": "b", "count": 5},
            {"role": "expert"},
            {"role": "veteran", "respected": True},
        ],
        "timeline": {
            "topic_proposed": "2026-03-01",
            "notified": "2026-03-03",
            "consulted": "2026-03-10",
            "assembly_notified": "2026-03-05",  # 17 days: a villagers' (10) or owners' (15) meeting
            "assembly_held": "2026-03-22",
            "implemented": "2026-04-10",
            "publicized": "2026-04-20",
        },
        "consultation": {"forms": ["hearing"], "outcome": "majority"},
        "assembly": {
            "kind": "villagers_meeting",
            "members": 980,
            "present": 491,
            "yes": 246,
        },
        "results": {
            "adopted": True,
            "implemented": True,
            "channels": ["bulletin"],
            "feedback_to": ["subjects", "stakeholders", "residents"],
            "reported_to_commissioner": True,
            "commissioner_responded": True,
            "dissenters": 10,
            "dissenters_explained": 10,
            "violates_law": False,
        },
        "subsidies": {"paid": True, "decided_by_meeting": True, "publicized": True},
    }


def iso(d: dt.date) -> str:
    return d.isoformat()


def add_days(s: str, n: int) -> str:
    return iso(D.fromisoformat(s) + dt.timedelta(days=n))


# --- generated compliant records ---------------------------------------------------------------


@st.composite
def _assembly(draw, kind: str, pop: dict) -> dict:
    if kind in ("villagers_meeting", "residents_meeting"):
        members = pop["residents"]
        present = draw(st.integers(members // 2 + 1, members))
        a = {"kind": kind, "members": members, "present": present}
        if kind == "villagers_meeting" and draw(st.booleans()):
            h = pop["households"]
            a["households_total"] = h
            a["households_present"] = draw(st.integers(0, h))
    elif kind == "representatives_meeting":
        members = pop["representatives"]
        present = draw(st.integers(ceil(2 * members / 3), members))
        # authorised by the villagers' meeting to decide reserved matters (village law art. 24/28)
        a = {"kind": kind, "members": members, "present": present, "authorised": True}
    elif kind in ("members_meeting", "members_representatives_meeting", "collective_villagers"):
        # 2/3 of all members present and in favour (农村集体经济组织法 arts. 27–28)
        if kind == "members_representatives_meeting":
            members = draw(st.integers(21, 80))
        elif kind == "collective_villagers":
            members = pop["residents"]
        else:
            members = pop.get("collective_members") or pop["residents"]
        yes = draw(st.integers(ceil(2 * members / 3), members))
        present = draw(st.integers(yes, members))
        real = "villagers_meeting" if kind == "collective_villagers" else kind
        return {"kind": real, "members": members, "present": present, "yes": yes}
    else:
        members = draw(st.integers(1, 400))
        present = draw(st.integers(ceil(2 * members / 3), members))
        total = draw(st.integers(10, 200_000))  # tenths of m²
        area_present = draw(st.integers(ceil(2 * total / 3), total))
        matter = draw(st.sampled_from(["special", "ordinary"]))
        if matter == "special":
            area_yes = draw(st.integers(ceil(3 * area_present / 4), area_present))
        else:
            area_yes = draw(st.integers(area_present // 2 + 1, area_present))
        a = {
            "kind": kind,
            "members": members,
            "present": present,
            "matter": matter,
            "area_total": total / 10,
            "area_present": area_present / 10,
            "area_yes": area_yes / 10,
        }
    if kind == "owners_meeting" and a["matter"] == "special":
        a["yes"] = draw(st.integers(ceil(3 * present / 4), present))
    else:
        a["yes"] = draw(st.integers(present // 2 + 1, present))
    return a


def _assembly_kinds(
    setting: str, pop: dict, law_reserved: bool, categories: tuple = ()
) -> list[str]:
    kinds = ["villagers_meeting"] if setting == "village" else ["residents_meeting"]
    # village rules and charter are for the villagers' meeting only (PROC-BODY)
    if pop["representatives"] >= 1 and not (setting == "village" and "charter_rules" in categories):
        kinds.append("representatives_meeting")
    if setting == "community" or not law_reserved:
        kinds.append("owners_meeting")
    return kinds


@st.composite
def compliant_records(draw) -> dict:
    """A record meeting every requirement of every rule (hypothesis strategy)."""
    setting = draw(st.sampled_from(["village", "community"]))
    residents = draw(st.integers(10, 5000))
    pop = {
        "residents": residents,
        "households": draw(st.integers(1, residents)),
        "representatives": draw(st.integers(0, 60)),
    }
    scope = draw(st.sampled_from(["whole", "group", "cross_community"]))
    lead = (
        "township"
        if scope == "cross_community"
        else draw(st.sampled_from(["party_branch", "committee"]))
    )
    kinds = ["committee", "party_branch", "township", "subject", "joint_residents"]
    if pop["representatives"]:
        kinds.append("joint_representatives")
    kind = draw(st.sampled_from(kinds))
    proposed: dict = {"kind": kind}
    if kind == "joint_residents":
        proposed["signatures"] = draw(st.integers(ceil(residents / 10), residents))
    elif kind == "joint_representatives":
        reps = pop["representatives"]
        proposed["signatures"] = draw(st.integers(ceil(reps / 5), reps))
    technical, wide, reserved = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    commissioned = draw(st.sampled_from([None, "township", "department"]))
    topic = {
        "title": "议题",
        "categories": draw(
            st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True)
        ),
        "proposed_by": proposed,
        "opinions_solicited": True,
        "technical": technical,
        "wide_impact": wide,
        "law_reserved": reserved,
        "commissioned_by": commissioned,
    }
    n_groups = draw(st.integers(1, 4))
    groups = [{"id": f"g{i}", "name": f"群体{i}"} for i in range(n_groups)]
    participants: list[dict] = [{"role": lead if lead != "township" else "township"}]
    participants += [
        {
            "role": draw(st.sampled_from(["resident", "representative"])),
            "group": g["id"],
            "count": draw(st.integers(1, 20)),
        }
        for g in groups
    ]
    if technical or draw(st.booleans()):
        participants.append({"role": draw(st.sampled_from(["expert", "third_party"]))})
    respected = draw(st.sampled_from(["deputy", "veteran", "social_worker", "mass_org", "flag"]))
    participants.append(
        {"role": "other", "respected": True} if respected == "flag" else {"role": respected}
    )
    rules: dict = {}
    if draw(st.integers(0, 3)) == 0:
        rules["profile"] = "chongqing"
        if setting == "village" and draw(st.booleans()):
            pop["away_unreachable"] = draw(st.integers(0, residents // 4))
    if draw(st.booleans()):
        rules["notice_days"] = draw(st.integers(0, 14))
    if draw(st.booleans()):
        rules["publicize_within_days"] = draw(st.integers(0, 60))
    if draw(st.booleans()):
        rules["assembly_notice_days"] = draw(st.integers(10, 20))
    notice = rules.get("notice_days", 3)
    chongqing = rules.get("profile") == "chongqing" and setting == "village"
    limit = rules.get("publicize_within_days", 10 if chongqing else 30)
    assembly_days = rules.get("assembly_notice_days", 10)
    d0 = D(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 700)))  # both law versions
    notified = d0 + dt.timedelta(days=draw(st.integers(0, 10)))
    consulted = notified + dt.timedelta(days=notice + draw(st.integers(0, 10)))
    a_notified = consulted + dt.timedelta(days=draw(st.integers(0, 5)))
    # 15 days: also an owners' meeting's notice (物业管理条例 art. 14)
    a_held = a_notified + dt.timedelta(days=max(assembly_days, 15) + draw(st.integers(0, 5)))
    implemented = a_held + dt.timedelta(days=draw(st.integers(1, 60)))
    publicized = implemented + dt.timedelta(days=draw(st.integers(0, limit)))
    forms = draw(
        st.lists(
            st.sampled_from(
                [
                    "council",
                    "board",
                    "group_meeting",
                    "compound",
                    "owners",
                    "forum",
                    "online",
                    "talk_day",
                ]
            ),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    if wide:
        forms.append(draw(st.sampled_from(["hearing", "special_council"])))
    outcome = draw(st.sampled_from(["consensus", "majority", "disputed"]))
    record: dict = {
        "title": "生成的协商记录",
        "setting": setting,
        "population": pop,
        "scope": scope,
        "lead": lead,
        "topic": topic,
        "stakeholder_groups": groups,
        "participants": participants,
        "timeline": {
            "topic_proposed": iso(d0),
            "notified": iso(notified),
            "consulted": iso(consulted),
            "assembly_notified": iso(a_notified),
            "assembly_held": iso(a_held),
            "implemented": iso(implemented),
            "publicized": iso(publicized),
        },
        "consultation": {"forms": forms, "outcome": outcome},
    }
    if outcome == "disputed" or reserved or draw(st.booleans()):
        kind = draw(st.sampled_from(_assembly_kinds(setting, pop, reserved, topic["categories"])))
        record["assembly"] = draw(_assembly(kind, pop))
        a = record["assembly"]
        if a["kind"] == "owners_meeting" and draw(st.booleans()):
            pop["owners"] = a["members"]  # every owner counted (PROC-ELECTORATE)
            if draw(st.booleans()):
                topic["owners_matter"] = a.pop("matter")
        if (
            a["kind"] == "representatives_meeting"
            and setting == "village"
            and rules.get("profile") == "chongqing"
        ):
            record["timeline"]["representatives_notified"] = iso(
                a_held - dt.timedelta(days=3 + draw(st.integers(0, 5)))
            )
    if setting == "village" and a_held >= COLLECTIVE_LAW and draw(st.integers(0, 3)) == 0:
        # a collective economic organization's matter, decided by the body the law gives it
        matter = draw(st.sampled_from(COLLECTIVE_MATTERS))
        topic["collective_matter"] = matter
        topic.pop("owners_matter", None)
        org = draw(st.booleans())
        pop["collective_organization"] = org
        if org:
            pop["collective_members"] = draw(st.integers(10, 3000))
            kinds = ["members_meeting"]
            if matter not in NON_DELEGABLE:
                kinds.append("members_representatives_meeting")
        else:
            kinds = ["collective_villagers"]
        record["assembly"] = draw(_assembly(draw(st.sampled_from(kinds)), pop))
    adopted = draw(st.booleans())
    dissenters = draw(st.integers(0, 50))
    violates = draw(st.booleans())
    record["results"] = {
        "adopted": adopted,
        "implemented": adopted or draw(st.booleans()),
        "channels": ["bulletin"],
        "feedback_to": ["subjects", "stakeholders", "residents"],
        "reported_to_commissioner": True if commissioned else None,
        "commissioner_responded": True if commissioned else None,
        "dissenters": dissenters,
        "dissenters_explained": dissenters,
        "violates_law": violates,
        "corrected": True if violates else None,
    }
    if draw(st.booleans()):
        record["results"]["posted_days"] = draw(st.integers(15, 60))
    paid = draw(st.booleans())
    record["subsidies"] = {
        "paid": paid,
        "decided_by_meeting": True if paid else None,
        "publicized": True if paid else None,
    }
    if rules:
        record["rules"] = rules
    return record


# --- breakers: each breaks exactly one requirement ------------------------------------------------


def _effective(data: dict, key: str, default: int) -> int:
    return (data.get("rules") or {}).get(key, default)


def _adopt(data: dict) -> None:
    data["results"]["adopted"] = True
    data["results"]["implemented"] = True


def _law_date(data: dict) -> dt.date:
    t = data["timeline"]
    day = t["assembly_held"] if data.get("assembly") and t.get("assembly_held") else t["consulted"]
    return D.fromisoformat(day)


def _collective_route(data: dict) -> bool:
    """A collective matter decided by the villagers' meeting under the members' meeting rules."""
    return (
        data["setting"] == "village"
        and data["topic"].get("collective_matter") is not None
        and not data["population"].get("collective_organization")
        and _law_date(data) >= COLLECTIVE_LAW
    )


def _ensure_assembly(data: dict, draw, kind: str | None = None) -> dict:
    a = data.get("assembly")
    if a is None or (kind is not None and a["kind"] != kind):
        pop = data["population"]
        topic = data["topic"]
        kinds = (
            [kind]
            if kind
            else _assembly_kinds(data["setting"], pop, topic["law_reserved"], topic["categories"])
        )
        data["assembly"] = draw(_assembly(draw(st.sampled_from(kinds)), pop))
        # a new deciding body: the matter is no longer an owners' or a collective one
        topic.pop("owners_matter", None)
        topic.pop("collective_matter", None)
        pop["collective_organization"] = False
        if data["assembly"]["kind"] == "representatives_meeting":
            held = data["timeline"]["assembly_held"]
            data["timeline"]["representatives_notified"] = add_days(held, -3)
    return data["assembly"]


def b_topic_scope(d, draw):
    d["topic"]["categories"] = []


def b_topic_joint(d, draw):
    reps = d["population"]["representatives"]
    if reps and draw(st.booleans()):
        d["topic"]["proposed_by"] = {
            "kind": "joint_representatives",
            "signatures": ceil(reps / 5) - 1,
        }
    else:
        d["topic"]["proposed_by"] = {
            "kind": "joint_residents",
            "signatures": ceil(d["population"]["residents"] / 10) - 1,
        }


def b_topic_solicit(d, draw):
    d["topic"]["opinions_solicited"] = False


def b_subj_lead(d, draw):
    if d["scope"] == "cross_community":
        d["lead"] = draw(st.sampled_from(["party_branch", "committee", "other"]))
    else:
        d["lead"] = draw(st.sampled_from(["township", "other"]))


def b_subj_missing(d, draw):
    d["stakeholder_groups"].append({"id": "forgotten", "name": "被遗漏的群体"})


def b_subj_irrelevant(d, draw):
    d["participants"].append({"role": "other", "relevant": False})


def b_subj_expert(d, draw):
    d["topic"]["technical"] = True
    d["participants"] = [p for p in d["participants"] if p["role"] not in ("expert", "third_party")]


def b_subj_respected(d, draw):
    d["participants"] = [
        p
        for p in d["participants"]
        if not p.get("respected")
        and p["role"] not in ("deputy", "veteran", "social_worker", "mass_org")
    ]


def b_proc_notice(d, draw):
    need = _effective(d, "notice_days", 3)
    if need == 0:
        d.setdefault("rules", {})["notice_days"] = need = 1
    d["timeline"]["notified"] = add_days(d["timeline"]["consulted"], -(need - 1))


def b_proc_heard(d, draw):
    i = draw(st.integers(0, len(d["participants"]) - 1))
    d["participants"][i]["spoke"] = False


def b_proc_hearing(d, draw):
    d["topic"]["wide_impact"] = True
    forms = [f for f in d["consultation"]["forms"] if f not in ("hearing", "special_council")]
    d["consultation"]["forms"] = forms or ["council"]


def b_proc_escalate(d, draw):
    if d["setting"] == "village" and draw(st.booleans()):
        d["topic"]["law_reserved"] = True
        _ensure_assembly(d, draw, "owners_meeting")
    else:
        d["consultation"]["outcome"] = "disputed"
        d.pop("assembly", None)


def b_proc_assembly_notice(d, draw):
    _ensure_assembly(d, draw, "villagers_meeting")
    need = _effective(d, "assembly_notice_days", 10)
    t = d["timeline"]
    if draw(st.booleans()):
        t["assembly_notified"] = add_days(t["assembly_held"], -(need - 1))
    else:
        t["assembly_notified"] = None


def b_proc_quorum(d, draw):
    a = _ensure_assembly(d, draw)
    if a["kind"] == "members_representatives_meeting":  # has no quorum rule of its own
        a = d["assembly"] = draw(_assembly("members_meeting", d["population"]))
    d["population"].pop("away_unreachable", None)
    p = a["present"]
    if a["kind"] == "members_meeting" or _collective_route(d):
        m = a["members"]
        a["present"] = ceil(2 * m / 3) - 1  # one short of 2/3 of the members
        a["yes"] = min(a["yes"], a["present"])
        d["results"]["adopted"] = False  # 2/3 of all in favour is now impossible: not adopted
    elif a["kind"] in ("villagers_meeting", "residents_meeting"):
        a["members"] = 2 * p  # exactly half present: not "more than half"
        a.pop("households_total", None)
        a.pop("households_present", None)
        if a["kind"] == "villagers_meeting" and draw(st.booleans()):
            h = max(d["population"]["households"], 3)
            a["households_total"] = h
            a["households_present"] = ceil(2 * h / 3) - 1
    elif a["kind"] == "representatives_meeting" or draw(st.booleans()):
        a["members"] = floor(3 * p / 2) + 1  # one short of 2/3
    else:  # owners: the area is short of 2/3
        a["area_total"] = round(a["area_present"] * 3 / 2 + 0.1, 1)


def b_proc_majority(d, draw):
    _adopt(d)
    a = _ensure_assembly(d, draw)
    p = a["present"]
    matter = a.get("matter") or d["topic"].get("owners_matter")
    if a["kind"] in ("members_meeting", "members_representatives_meeting") or _collective_route(d):
        a["yes"] = ceil(2 * a["members"] / 3) - 1  # one short of 2/3 of ALL members
    elif a["kind"] == "owners_meeting" and matter == "special":
        a["yes"] = ceil(3 * p / 4) - 1
    else:
        a["yes"] = p // 2  # exactly half (or less): not a majority


def b_res_implement(d, draw):
    d["results"]["adopted"] = True
    d["results"]["implemented"] = False


def b_res_publicize(d, draw):
    _adopt(d)
    # the Chongqing measures apply to village records only
    profile = (d.get("rules") or {}).get("profile") and d["setting"] == "village"
    limit = _effective(d, "publicize_within_days", 10 if profile else 30)
    t = d["timeline"]
    need = 15 if _law_date(d) >= NEW_LAW else (10 if profile else None)
    way = draw(st.sampled_from(["never", "late", "posted"] if need else ["never", "late"]))
    if way == "posted":
        d["results"]["posted_days"] = need - 1  # taken down one day early
    else:
        t["publicized"] = None if way == "never" else add_days(t["implemented"], limit + 1)
        if way == "never":
            d["results"]["channels"] = []  # made public nowhere (not merely unrecorded)


def b_proc_body(d, draw):
    options = ["owners"]
    if d["setting"] == "village" and d["population"]["representatives"] >= 1:
        options.append("charter")
    if d["setting"] == "village" and _law_date(d) >= COLLECTIVE_LAW:
        options.append("collective")
    way = draw(st.sampled_from(options))
    if way == "owners":  # an owners' matter decided by the villagers' / residents' meeting
        _ensure_assembly(
            d, draw, "villagers_meeting" if d["setting"] == "village" else "residents_meeting"
        )
        d["topic"]["owners_matter"] = draw(st.sampled_from(["special", "ordinary"]))
    elif way == "charter":  # village rules made by the representatives' meeting
        _ensure_assembly(d, draw, "representatives_meeting")
        if "charter_rules" not in d["topic"]["categories"]:
            d["topic"]["categories"].append("charter_rules")
    else:  # a collective matter decided by the villagers' meeting where an organization exists
        a = _ensure_assembly(d, draw, "villagers_meeting")
        a.pop("households_total", None)
        a.pop("households_present", None)
        if a["present"] * 2 <= a["members"] or a["yes"] * 2 <= a["present"]:
            d["assembly"] = draw(_assembly("villagers_meeting", d["population"]))
        d["population"]["collective_organization"] = True
        d["population"]["collective_members"] = d["population"]["residents"]
        d["topic"]["collective_matter"] = draw(st.sampled_from(COLLECTIVE_MATTERS))


def b_proc_electorate(d, draw):
    pop = d["population"]
    a = _ensure_assembly(d, draw)
    more = draw(st.integers(1, 50))
    if a["kind"] == "owners_meeting":
        pop["owners"] = a["members"] + more
        return
    if a["kind"] == "members_meeting":
        pop["collective_members"] = a["members"] + more
        return
    if a["kind"] not in ("villagers_meeting", "residents_meeting") or (
        a["kind"] == "residents_meeting" and _law_date(d) < NEW_LAW
    ):
        if d["setting"] == "village":
            a = _ensure_assembly(d, draw, "villagers_meeting")
        elif _law_date(d) >= NEW_LAW:
            a = _ensure_assembly(d, draw, "residents_meeting")
        else:  # the 2018 urban law let representatives form the residents' meeting
            a = _ensure_assembly(d, draw, "owners_meeting")
            pop["owners"] = a["members"] + more
            return
    # adults on the roll the meeting left out (beyond any a local rule leaves out: away, unreachable)
    pop["residents"] = a["members"] + more + (pop.get("away_unreachable") or 0)
    by = d["topic"]["proposed_by"]
    if by["kind"] == "joint_residents":
        by["signatures"] = max(by["signatures"], ceil(pop["residents"] / 10))


def b_res_feedback(d, draw):
    d["results"]["implemented"] = True
    drop = draw(st.sampled_from(["subjects", "stakeholders", "residents"]))
    d["results"]["feedback_to"].remove(drop)


def b_res_report(d, draw):
    d["topic"]["commissioned_by"] = draw(st.sampled_from(["township", "department"]))
    d["results"]["reported_to_commissioner"] = draw(st.sampled_from([False, None]))
    d["results"]["commissioner_responded"] = None


def b_res_response(d, draw):
    d["topic"]["commissioned_by"] = draw(st.sampled_from(["township", "department"]))
    d["results"]["reported_to_commissioner"] = True
    d["results"]["commissioner_responded"] = draw(st.sampled_from([False, None]))


def b_res_explain(d, draw):
    r = d["results"]
    r["dissenters"] = max(r["dissenters"], 1)
    r["dissenters_explained"] = r["dissenters"] - 1


def b_res_legal(d, draw):
    d["results"]["violates_law"] = True
    d["results"]["corrected"] = draw(st.sampled_from([False, None]))


def b_res_exclusion(d, draw):
    reason = draw(
        st.sampled_from(["married_out", "divorced", "widowed", "remarried", "uxorilocal"])
    )
    d["results"]["excluded"] = [{"reason": reason, "count": draw(st.integers(1, 30))}]


def b_guar_subsidy(d, draw):
    s = {"paid": True, "decided_by_meeting": True, "publicized": True}
    s[draw(st.sampled_from(["decided_by_meeting", "publicized"]))] = False
    d["subsidies"] = s


BREAKERS = {
    "TOPIC-SCOPE": b_topic_scope,
    "TOPIC-JOINT": b_topic_joint,
    "TOPIC-SOLICIT": b_topic_solicit,
    "SUBJ-LEAD": b_subj_lead,
    "SUBJ-MISSING": b_subj_missing,
    "SUBJ-IRRELEVANT": b_subj_irrelevant,
    "SUBJ-EXPERT": b_subj_expert,
    "SUBJ-RESPECTED": b_subj_respected,
    "PROC-NOTICE": b_proc_notice,
    "PROC-HEARD": b_proc_heard,
    "PROC-HEARING": b_proc_hearing,
    "PROC-ESCALATE": b_proc_escalate,
    "PROC-BODY": b_proc_body,
    "PROC-ELECTORATE": b_proc_electorate,
    "PROC-ASSEMBLY-NOTICE": b_proc_assembly_notice,
    "PROC-QUORUM": b_proc_quorum,
    "PROC-MAJORITY": b_proc_majority,
    "RES-IMPLEMENT": b_res_implement,
    "RES-PUBLICIZE": b_res_publicize,
    "RES-FEEDBACK": b_res_feedback,
    "RES-REPORT": b_res_report,
    "RES-RESPONSE": b_res_response,
    "RES-EXPLAIN": b_res_explain,
    "RES-LEGAL": b_res_legal,
    "RES-EXCLUSION": b_res_exclusion,
    "GUAR-SUBSIDY": b_guar_subsidy,
}


def broken(data: dict, code: str, draw) -> dict:
    out = copy.deepcopy(data)
    BREAKERS[code](out, draw)
    return out
