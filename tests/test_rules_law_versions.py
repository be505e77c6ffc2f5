"""The law in force on the day: both sides of 2026-01-01, the 2025 changes, the collective economic
organizations law, PROC-BODY, PROC-ELECTORATE, where each finding's rule comes from."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from rules_factory import add_days, compliant_record

from xsim.errors import InputError
from xsim.records import record_from_dict
from xsim.rules import check_record, record_law_date

D = dt.date


def report(data: dict, **kw):
    return check_record(record_from_dict(data), **kw)


def codes(data: dict, **kw) -> set[str]:
    return report(data, **kw).codes()


def dated(data: dict, held: str) -> dict:
    """The record moved so that its deciding meeting is held on ``held`` (all gaps kept)."""
    data = copy.deepcopy(data)
    t = data["timeline"]
    shift = (D.fromisoformat(held) - D.fromisoformat(t["assembly_held"])).days
    for key, value in t.items():
        if value is not None:
            t[key] = add_days(value, shift)
    return data


def community_meeting(notice_days: int = 10, **assembly) -> dict:
    """A residents' meeting in a community that meets everything but (maybe) the notice."""
    data = compliant_record()
    data["setting"] = "community"
    data["topic"]["law_reserved"] = False
    data["population"]["residents"] = 400
    a = {"kind": "residents_meeting", "members": 400, "present": 201, "yes": 101}
    a.update(assembly)
    data["assembly"] = a
    t = data["timeline"]
    t["assembly_notified"] = add_days(t["assembly_held"], -notice_days)
    return data


# --- judged by the date -----------------------------------------------------------------------


def test_the_record_date_is_the_meeting_date_else_the_consultation_date():
    data = compliant_record()
    assert record_law_date(record_from_dict(data)) == D(2026, 3, 22)
    data.pop("assembly")
    assert record_law_date(record_from_dict(data)) == D(2026, 3, 10)


@pytest.mark.parametrize(
    ("held", "version", "fires"), [("2025-12-20", "2018", False), ("2026-01-20", "2025", True)]
)
def test_residents_meeting_notice_only_from_2026(held, version, fires):
    """The same record dated 2025-12-20 and 2026-01-20: 5 days' notice of a residents' meeting."""
    data = dated(community_meeting(notice_days=5), held)
    r = report(data)
    assert r.law_as_of == D.fromisoformat(held)
    assert r.law_versions["urban_residents_committees"] == version
    assert r.to_dict()["law_as_of"] == held
    assert ("PROC-ASSEMBLY-NOTICE" in r.codes()) is fires
    if fires:
        [f] = r.findings
        assert f.cited() == "《城市居民委员会组织法》第二十六条第二款（2025年修订）"
        assert f.to_dict()["basis"] == {
            "kind": "law",
            "law": "urban_residents_committees",
            "version": "2025",
            "article": 26,
            "paragraph": 2,
            "citation_zh": "《城市居民委员会组织法》第二十六条第二款（2025年修订）",
            "citation_en": "Organic Law of the Urban Residents' Committees (2025 revision), "
            "art. 26 para. 2",
        }


@pytest.mark.parametrize(("days", "passes"), [(10, True), (9, False)])
def test_residents_meeting_ten_days_boundary(days, passes):
    assert codes(community_meeting(notice_days=days)) == (
        set() if passes else {"PROC-ASSEMBLY-NOTICE"}
    )


def test_as_of_overrides_the_record_date():
    data = dated(community_meeting(notice_days=5), "2026-01-20")
    assert codes(data, as_of=D(2025, 12, 31)) == set()
    assert codes(data, as_of=D(2026, 1, 1)) == {"PROC-ASSEMBLY-NOTICE"}


@pytest.mark.parametrize(
    ("held", "cited"),
    [
        ("2025-12-20", "《村民委员会组织法》第二十二条（2018年修正）"),
        ("2026-01-20", "《村民委员会组织法》第二十六条第一款（2025年修正）"),
    ],
)
def test_quorum_cites_the_article_in_force(held, cited):
    data = dated(compliant_record(), held)
    data["assembly"]["present"] = 490
    [f] = report(data).findings
    assert f.code == "PROC-QUORUM" and f.cited() == cited


@pytest.mark.parametrize(
    ("held", "severity"), [("2025-12-20", "violation"), ("2026-01-20", "warning")]
)
def test_urgent_reason_turns_short_notice_into_a_warning_from_2026(held, severity):
    data = compliant_record()
    t = data["timeline"]
    t["assembly_notified"] = add_days(t["assembly_held"], -3)
    data["assembly"]["urgent_reason"] = "山洪冲毁村道，须紧急决定抢修方案"
    data = dated(data, held)
    [f] = report(data).findings
    assert (f.code, f.severity) == ("PROC-ASSEMBLY-NOTICE", severity)
    if severity == "warning":
        assert "山洪冲毁村道" in f.message_zh and f.where == "assembly.urgent_reason"
        assert report(data).compliant
    else:
        assert "没有临时通知的规定" in f.message_zh


@pytest.mark.parametrize(
    ("held", "posted", "fires"),
    [
        ("2025-12-20", 10, False),  # the 2018 text sets no posting period
        ("2026-01-20", 15, False),  # exactly 15 days passes
        ("2026-01-20", 14, True),
    ],
)
def test_village_disclosure_stays_posted_15_days_from_2026(held, posted, fires):
    data = dated(compliant_record(), held)
    data["results"]["posted_days"] = posted
    r = report(data)
    assert r.codes() == ({"RES-PUBLICIZE"} if fires else set())
    if fires:
        assert r.findings[0].cited() == "《村民委员会组织法》第三十五条第四款（2025年修正）"


def test_community_disclosure_15_days_from_2026():
    data = community_meeting()
    data["results"]["posted_days"] = 14
    [f] = report(data).findings
    assert f.cited() == "《城市居民委员会组织法》第三十四条第三款（2025年修订）"


# --- residents' meeting and representatives' meeting under the 2025 urban law ----------------


@pytest.mark.parametrize(
    ("present", "hh_present", "passes"),
    [(150, 81, True), (150, 80, False), (201, 0, True), (200, 80, False)],
)
def test_residents_meeting_household_route(present, hh_present, passes):
    data = community_meeting(
        present=present, yes=present, households_total=160, households_present=hh_present
    )
    assert codes(data) == (set() if passes else {"PROC-QUORUM"})


def test_residents_meeting_household_route_under_both_texts():
    # 2025 art. 27: more than half of household representatives; 2018 art. 9 paras. 2–3: a
    # meeting of household representatives needs more than half of them present
    data = community_meeting(present=150, yes=150, households_total=160, households_present=120)
    assert codes(data) == set()
    assert codes(dated(data, "2025-12-20")) == set()


@pytest.mark.parametrize(("present", "passes"), [(451, True), (450, False)])
def test_2018_residents_meeting_of_household_representatives(present, passes):
    # the case: 451 household representatives of 900 households (members = adults 2000)
    data = community_meeting(members=2000, present=present, yes=present)
    data["population"]["residents"] = 2000
    data["assembly"].update(households_total=900, households_present=present)
    assert codes(dated(data, "2025-06-20")) == (set() if passes else {"PROC-QUORUM"})


@pytest.mark.parametrize(("present", "passes"), [(18, True), (17, False)])
def test_residents_representatives_meeting_two_thirds(present, passes):
    data = community_meeting(kind="representatives_meeting", members=27, present=present, yes=10)
    r = report(data)
    assert r.codes() == (set() if passes else {"PROC-QUORUM"})
    if not passes:
        assert r.findings[0].cited() == "《城市居民委员会组织法》第二十九条（2025年修订）"


def test_community_representatives_before_2026_use_this_kits_default():
    data = dated(
        community_meeting(kind="representatives_meeting", members=27, present=17, yes=10),
        "2025-12-20",
    )
    [f] = report(data).findings
    assert f.basis.kind == "default" and f.cited() == "本工具默认规则"


# --- collective economic organizations ---------------------------------------------------------


def collective(matter: str = "land_compensation", org: bool = True, **assembly) -> dict:
    data = compliant_record()
    data["topic"]["collective_matter"] = matter
    data["population"]["collective_organization"] = org
    data["population"]["collective_members"] = 900
    a = {"kind": "members_meeting", "members": 900, "present": 600, "yes": 600}
    a.update(assembly)
    data["assembly"] = a
    return data


@pytest.mark.parametrize(("present", "passes"), [(600, True), (599, False)])
def test_members_meeting_quorum_two_thirds(present, passes):
    data = collective(present=present, yes=min(present, 600))
    data["results"]["adopted"] = False
    data["results"]["implemented"] = False
    assert codes(data) == (set() if passes else {"PROC-QUORUM"})


@pytest.mark.parametrize(("yes", "passes"), [(600, True), (599, False)])
def test_members_meeting_needs_two_thirds_of_all_members(yes, passes):
    data = collective(present=900, yes=yes)  # 599 of 900 is far more than half of those present
    r = report(data)
    assert r.codes() == (set() if passes else {"PROC-MAJORITY"})
    if not passes:
        f = r.findings[0]
        assert f.cited() == "《农村集体经济组织法》第二十七条第三款"
        assert "599" in f.message_zh and "900" in f.message_zh and "600" in f.message_zh


@pytest.mark.parametrize(("days", "passes"), [(10, True), (9, False)])
def test_members_meeting_ten_days_notice(days, passes):
    data = collective()
    t = data["timeline"]
    t["assembly_notified"] = add_days(t["assembly_held"], -days)
    data["assembly"]["urgent_reason"] = "工期紧"  # the collective law allows no short notice
    assert codes(data) == (set() if passes else {"PROC-ASSEMBLY-NOTICE"})


@pytest.mark.parametrize(
    ("matter", "allowed"),
    [
        ("charter", False),
        ("membership", False),
        ("contracting_homestead", False),
        ("land_compensation", False),
        ("merger", False),
        ("income_distribution", True),
        ("investment", True),
        ("other", True),
    ],
)
def test_members_representatives_may_not_decide_items_1_3_8_10_12(matter, allowed):
    data = collective(
        matter, kind="members_representatives_meeting", members=30, present=30, yes=20
    )
    r = report(data)
    assert r.codes() == (set() if allowed else {"PROC-BODY"})
    if not allowed:
        assert r.findings[0].cited() == "《农村集体经济组织法》第二十八条第四款"


@pytest.mark.parametrize(("yes", "passes"), [(20, True), (19, False)])
def test_members_representatives_need_two_thirds_of_all(yes, passes):
    data = collective(
        "investment", kind="members_representatives_meeting", members=30, present=30, yes=yes
    )
    assert codes(data) == (set() if passes else {"PROC-MAJORITY"})


def test_collective_matter_by_the_villagers_meeting_where_an_organization_exists():
    data = collective(kind="villagers_meeting", members=980, present=700, yes=700)
    [f] = report(data).findings
    assert f.code == "PROC-BODY" and f.cited() == "《农村集体经济组织法》第二十六条第一款"


def test_without_an_organization_the_villagers_meeting_decides_by_the_members_rules():
    """Village law 2025 art. 28 para. 4: 参照适用 — 2/3 present, 2/3 of all in favour."""
    data = collective(org=False, kind="villagers_meeting", members=980, present=654, yes=654)
    assert codes(data) == set()
    data["assembly"]["yes"] = 653  # far more than half present, but not 2/3 of all 980
    [f] = report(data).findings
    assert f.code == "PROC-MAJORITY" and "参照适用" in f.message_zh
    data["assembly"].update(present=653, yes=653)
    assert codes(data) == {"PROC-QUORUM", "PROC-MAJORITY"}


def test_collective_matter_with_no_meeting_escalates_to_the_members_meeting():
    data = collective()
    data.pop("assembly")
    [f] = report(data).findings
    assert f.code == "PROC-ESCALATE" and "成员大会" in f.message_zh


def test_before_the_collective_law_the_collective_rules_do_not_apply():
    data = dated(
        collective(kind="villagers_meeting", members=980, present=700, yes=700), "2025-04-20"
    )
    assert codes(data) == set()


def test_a_community_may_hold_a_groups_collective_property():
    # a 居委会 that manages a former village group's collective property (撤村建居): accepted and
    # judged under the collective economic organizations law
    data = community_meeting()
    data["topic"]["collective_matter"] = "land_compensation"
    data["assembly"] = {"kind": "members_meeting", "members": 90, "present": 60, "yes": 59}
    data["population"]["collective_members"] = 90
    r = report(data)
    assert r.codes() == {"PROC-MAJORITY"}  # 2/3 of ALL 90 members is 60
    assert r.findings[0].cited().startswith("《农村集体经济组织法》第二十七条")
    data["assembly"]["yes"] = 60
    assert codes(data) == set()


# --- PROC-BODY: village rules, owners' matters -----------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fires"), [("representatives_meeting", True), ("villagers_meeting", False)]
)
def test_village_rules_are_made_by_the_villagers_meeting(kind, fires):
    data = compliant_record()
    data["topic"]["categories"].append("charter_rules")
    if kind == "representatives_meeting":
        data["assembly"] = {"kind": kind, "members": 33, "present": 22, "yes": 12}
    assert codes(data) == ({"PROC-BODY"} if fires else set())


def owners_record(**assembly) -> dict:
    data = community_meeting(notice_days=15)  # 物业管理条例 art. 14: 15 days
    data["topic"]["owners_matter"] = "special"
    data["population"]["owners"] = 36
    a = {
        "kind": "owners_meeting",
        "members": 36,
        "present": 24,
        "yes": 18,
        "area_total": 3000.0,
        "area_present": 2000.0,
        "area_yes": 1500.0,
    }
    a.update(assembly)
    data["assembly"] = a
    return data


def test_owners_matter_decided_by_the_owners_passes_and_uses_the_topic_matter():
    assert codes(owners_record()) == set()
    assert codes(owners_record(yes=17)) == {"PROC-MAJORITY"}  # 3/4 of 24 is 18


def test_owners_matter_by_the_residents_meeting_is_proc_body():
    data = community_meeting()
    data["topic"]["owners_matter"] = "ordinary"
    [f] = report(data).findings
    assert f.code == "PROC-BODY" and f.cited() == "《民法典》第二百七十八条第一款"


def test_owners_matter_with_no_meeting_escalates_to_the_owners():
    data = community_meeting()
    data["topic"]["owners_matter"] = "special"
    data.pop("assembly")
    [f] = report(data).findings
    assert f.code == "PROC-ESCALATE" and f.level == "law"
    assert "业主" in f.message_zh and "不能由居民会议" in f.message_zh


def test_owners_meeting_needs_a_matter_somewhere():
    data = owners_record()
    data["topic"].pop("owners_matter")
    with pytest.raises(InputError) as e:
        record_from_dict(data, "x.yaml")
    assert e.value.field == "assembly.matter"


# --- PROC-ELECTORATE ----------------------------------------------------------------------------


@pytest.mark.parametrize(("members", "fires"), [(980, False), (979, True)])
def test_villagers_meeting_counts_every_adult(members, fires):
    data = compliant_record()
    data["assembly"].update(members=members)
    r = report(data)
    assert r.codes() == ({"PROC-ELECTORATE"} if fires else set())
    if fires:
        assert r.findings[0].where == "assembly.members" and "1人" in r.findings[0].message_zh


@pytest.mark.parametrize(("owners", "fires"), [(36, False), (37, True), (None, False)])
def test_owners_meeting_counts_every_owner(owners, fires):
    data = owners_record()
    data["population"]["owners"] = owners
    assert codes(data) == ({"PROC-ELECTORATE"} if fires else set())


@pytest.mark.parametrize(("members", "fires"), [(900, False), (901, True)])
def test_members_meeting_counts_every_member(members, fires):
    data = collective()
    data["population"]["collective_members"] = members
    assert codes(data) == ({"PROC-ELECTORATE"} if fires else set())


def test_residents_meeting_electorate_only_under_the_2025_law():
    data = community_meeting(members=300, present=151, yes=76)
    assert codes(data) == {"PROC-ELECTORATE"}
    # 2018 art. 9: household or group representatives could form the meeting
    assert codes(dated(data, "2025-12-20")) == set()


# --- zero-member meetings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "assembly",
    [
        {
            "kind": "representatives_meeting",
            "authorised": True,
            "members": 0,
            "present": 0,
            "yes": 0,
        },
        {"kind": "members_meeting", "members": 0, "present": 0, "yes": 0},
        {
            "kind": "owners_meeting",
            "members": 0,
            "present": 0,
            "yes": 0,
            "area_total": 0.0,
            "area_present": 0.0,
            "area_yes": 0.0,
            "matter": "special",
        },
    ],
)
def test_a_zero_member_meeting_has_no_quorum(assembly):
    data = compliant_record() if assembly["kind"] != "owners_meeting" else community_meeting()
    if assembly["kind"] == "members_meeting":
        data = collective()
        data["population"]["collective_members"] = 0
    data["assembly"] = assembly
    r = report(data)
    assert "PROC-QUORUM" in r.codes() and not r.compliant
    [f] = [f for f in r.findings if f.code == "PROC-QUORUM"]
    assert "基数为0" in f.message_zh


# --- where a finding's rule comes from ---------------------------------------------------------


def test_a_default_is_never_presented_as_a_requirement():
    data = compliant_record()
    data["timeline"]["notified"] = add_days(data["timeline"]["consulted"], -2)
    [f] = report(data).findings
    assert f.message_zh.startswith("按本工具默认规则（可由地方规定调整）：提前2天通报，默认至少3天")
    assert f.basis.kind == "default" and f.basis.setting == "notice_days"
    assert f.to_dict()["basis"] == {"kind": "default", "setting": "notice_days"}


def test_every_finding_has_a_basis_kind():
    data = compliant_record()
    data["consultation"]["outcome"] = "disputed"
    data.pop("assembly")
    data["topic"]["opinions_solicited"] = False
    for f in report(data).findings:
        assert f.to_dict()["basis"]["kind"] in ("notice", "law", "local", "default")


# --- the Chongqing profile ----------------------------------------------------------------------


def chongqing(data: dict) -> dict:
    data = copy.deepcopy(data)
    data["rules"] = {"profile": "chongqing"}
    return data


@pytest.mark.parametrize(("present", "passes"), [(441, True), (440, False)])
def test_chongqing_leaves_villagers_away_out_of_the_quorum_base(present, passes):
    data = chongqing(compliant_record())
    data["population"]["away_unreachable"] = 100  # base 980 - 100 = 880: more than half is 441
    data["assembly"].update(present=present, yes=present)
    r = report(data)
    assert r.codes() == (set() if passes else {"PROC-QUORUM"})
    data.pop("rules")  # without the local rule the base is 980: 441 is not enough
    assert codes(data) == {"PROC-QUORUM"}


@pytest.mark.parametrize(("days", "passes"), [(3, True), (2, False), (None, None)])
def test_chongqing_representatives_told_the_agenda_three_days_ahead(days, passes):
    data = chongqing(compliant_record())
    data["assembly"] = {
        "kind": "representatives_meeting",
        "authorised": True,
        "members": 33,
        "present": 22,
        "yes": 12,
    }
    t = data["timeline"]
    t["representatives_notified"] = None if days is None else add_days(t["assembly_held"], -days)
    r = report(data)
    assert r.codes() == (set() if passes else {"PROC-ASSEMBLY-NOTICE"})
    if passes is False:
        f = r.findings[0]
        assert f.basis.kind == "local" and "第十二条第二款" in f.basis.source
        assert f.message_zh.startswith(
            "按地方规定（《重庆市实施〈中华人民共和国村民委员会组织法〉办法》"
        )
        assert f.clause == "chongqing_villagers_committees_measures@2013 art. 12 para. 2"
    if passes is None:  # no date: the record cannot tell (never a violation)
        [f] = r.findings
        assert f.severity == "unknown" and f.level == "local" and r.compliant
        assert f.message_zh.startswith("无法判断：")


def test_chongqing_fixed_bulletin_and_ten_days():
    data = chongqing(compliant_record())
    data["results"]["channels"] = ["wechat"]
    assert codes(data) == {"RES-PUBLICIZE"}
    data = chongqing(compliant_record())
    t = data["timeline"]
    t["publicized"] = add_days(t["implemented"], 10)
    assert codes(data) == set()
    t["publicized"] = add_days(t["implemented"], 11)
    assert codes(data) == {"RES-PUBLICIZE"}


@pytest.mark.parametrize(
    ("held", "posted", "fires"),
    [("2025-12-20", 10, False), ("2025-12-20", 9, True), ("2026-01-20", 14, True)],
)
def test_chongqing_posted_ten_days_and_the_law_wins_when_stricter(held, posted, fires):
    data = dated(chongqing(compliant_record()), held)
    data["results"]["posted_days"] = posted
    assert codes(data) == ({"RES-PUBLICIZE"} if fires else set())


def test_the_record_rules_override_the_profile():
    data = chongqing(compliant_record())
    data["rules"]["bulletin_required"] = False
    data["results"]["channels"] = ["wechat"]
    assert codes(data) == set()


def test_a_profile_given_by_the_caller_overrides_the_records(tmp_path):
    mine = tmp_path / "county.yaml"
    mine.write_text(
        "name: county\ntitle_zh: 某县实施办法\nsettings:\n  notice_days:\n    value: 8\n"
        "    source: {document: 某县城乡社区协商实施办法, article: 第五条}\n",
        encoding="utf-8",
    )
    data = chongqing(compliant_record())
    r = report(data, profile=str(mine))
    [f] = r.findings
    assert f.code == "PROC-NOTICE" and f.basis.file == str(mine)
    assert "《某县城乡社区协商实施办法》第五条" in f.message_zh
    assert r.profile == str(mine)


def test_an_unknown_profile_is_an_input_error():
    data = compliant_record()
    data["rules"] = {"profile": "atlantis"}
    with pytest.raises(InputError) as e:
        report(data)
    assert "chongqing" in e.value.message("zh")


def test_a_profile_named_in_rules_sets_the_rulebook_and_record_settings_win():
    from xsim.rules import Rulebook

    rb = Rulebook().merged({"profile": "chongqing", "notice_days": 6})
    assert (rb.representatives_notice_days, rb.publicize_within_days, rb.notice_days) == (3, 10, 6)
    assert rb.away_unreachable_excluded and rb.bulletin_required


def test_a_scenario_profile_reaches_the_simulated_record():
    from xsim.sim.model import ConsultationModel
    from xsim.sim.scenario import load_scenario

    scenario = load_scenario("village_road").with_overrides({"rules.profile": "chongqing"})
    model = ConsultationModel(scenario, form="council", rng=1)
    model.run()
    assert model.record.rules.representatives_notice_days == 3
    assert model.record.rules.bulletin_required is True
    with pytest.raises(InputError):
        load_scenario("village_road").with_overrides({"rules.profile": "atlantis"})


def test_the_chongqing_village_measures_do_not_apply_to_a_community():
    data = community_meeting()
    data["results"]["channels"] = ["wechat"]
    data["results"]["posted_days"] = 15
    r = report(data, profile="chongqing")
    assert r.codes() == set() and r.profile is None
