"""Facts real records have (issue 20): owners' decisions under the law of their date (物权法 art. 76
before 2021), refusal before the earliest text held, villager group meetings, published shares,
abstentions, exclusions for marriage, who actually decided, pending review, revocation."""

from __future__ import annotations

import pytest
from rules_factory import compliant_record

from xsim.errors import InputError
from xsim.records import record_from_dict
from xsim.rules import check_record


def report(data: dict, **kw):
    return check_record(record_from_dict(data), **kw)


def codes(data: dict) -> set[str]:
    return report(data).codes()


def owners(day: str, present: int, yes: int, *, item: int | None = 7, **extra) -> dict:
    """44 owners of equal area (100 m² each) decide by written consent on ``day``."""
    topic: dict = {"title": "加装电梯"}
    if item is not None:
        topic["civil_code_item"] = item
    else:
        topic["owners_matter"] = extra.pop("matter")
    return {
        "title": "某楼业主共同决定",
        "setting": "community",
        "population": {"residents": "unknown", "households": 44, "owners": 44},
        "topic": topic,
        "timeline": {"decided": day},
        "assembly": {
            "kind": "owners_consent",
            "members": 44,
            "present": present,
            "yes": yes,
            "area_total": 4400.0,
            "area_present": 100.0 * present,
            "area_yes": 100.0 * yes,
            **extra,
        },
        "results": {"adopted": True, "implemented": True},
    }


# --- owners' decisions by the law of their date -----------------------------------------------


def test_the_issues_2018_lift_is_lawful_under_the_property_law_not_the_civil_code():
    """32 of 44 owners (all voting): ≥ 2/3 of ALL owners (物权法 art. 76); under 民法典 art. 278
    the same vote needs 3/4 of those voting (33)."""
    r = report(owners("2018-06-01", 44, 32))
    assert r.codes() == set() and r.law_versions.get("property_law") == "2007"
    r = report(owners("2021-06-01", 44, 32))
    [f] = r.findings
    assert f.code == "PROC-MAJORITY" and f.cited() == "《民法典》第二百七十八条第二款"


@pytest.mark.parametrize(("yes", "passes"), [(30, True), (29, False)])
def test_property_law_special_matter_two_thirds_of_all(yes, passes):
    # 2/3 of 44 is 29.33: 30 passes, 29 fails — counted against ALL owners, not those voting
    r = report(owners("2019-03-01", yes, yes))
    assert r.codes() == (set() if passes else {"PROC-MAJORITY"})
    if not passes:
        assert r.findings[0].cited() == "《物权法》第七十六条第二款"


@pytest.mark.parametrize(("yes", "passes"), [(23, True), (22, False)])
def test_property_law_ordinary_matter_more_than_half_of_all(yes, passes):
    # the issue's 2019 ordinary decision backed by 39% of all owners came out compliant
    r = report(owners("2019-03-01", 30, yes, item=4))
    assert r.codes() == (set() if passes else {"PROC-MAJORITY"})


def test_the_civil_code_passes_what_the_property_law_refused():
    # 30 of 44 voting (≥ 2/3), 17 in favour: 39% of all, 57% of those voting
    assert codes(owners("2019-03-01", 30, 17, item=4)) == {"PROC-MAJORITY"}
    assert codes(owners("2021-03-01", 30, 17, item=4)) == set()


def test_without_the_item_a_pre_2021_decision_is_judged_both_ways():
    # 28 of 44 (63.6%): more than half of all, not two thirds — the readings disagree
    r = report(owners("2019-03-01", 44, 28, item=None, matter="special"))
    [f] = r.findings
    assert (f.code, f.severity, f.where) == ("PROC-MAJORITY", "unknown", "topic.civil_code_item")
    assert codes(owners("2019-03-01", 44, 30, item=None, matter="special")) == set()
    assert codes(owners("2019-03-01", 44, 22, item=None, matter="special")) == {"PROC-MAJORITY"}


def test_item_five_of_the_civil_code_was_special_under_the_property_law():
    # 使用维修资金: ordinary under 民法典 (half), special under 物权法 (2/3 of all)
    assert codes(owners("2020-05-01", 44, 25, item=5)) == {"PROC-MAJORITY"}
    assert codes(owners("2021-05-01", 44, 25, item=5)) == set()


def test_an_item_that_contradicts_the_matter_is_refused():
    data = owners("2021-05-01", 44, 40, item=None, matter="ordinary")
    data["topic"]["civil_code_item"] = 7
    with pytest.raises(InputError) as e:
        record_from_dict(data, "x.yaml")
    assert e.value.field == "topic.civil_code_item"


@pytest.mark.parametrize(
    ("day", "earliest", "where"),
    [
        ("2007-09-30", "2007-10-01", "timeline.decided"),  # owners: 物权法 in force from then
        ("2010-10-27", "2010-10-28", "timeline.decided"),  # villages: the 2010 text
    ],
)
def test_a_date_before_the_earliest_text_held_is_refused(day, earliest, where):
    data = owners(day, 44, 40) if earliest == "2007-10-01" else village_exclusion(day)
    with pytest.raises(InputError) as e:
        report(data)
    assert earliest in e.value.message("zh") and e.value.field == where


def test_as_of_before_the_earliest_text_names_the_option():
    with pytest.raises(InputError) as e:
        report(compliant_record(), as_of=__import__("datetime").date(2009, 1, 1))
    assert e.value.file == "--as-of" and "2010-10-28" in e.value.message("en")


def test_a_year_is_enough_when_the_law_did_not_change_within_it():
    data = village_exclusion("2020-01-01")
    data["timeline"] = {"decided_in": "2020"}
    assert report(data).law_versions["villagers_committees"] == "2018"
    data["timeline"] = {"decided_in": "2025"}  # the collective law came into force on 2025-05-01
    with pytest.raises(InputError) as e:
        report(data)
    assert e.value.field == "timeline.decided_in" and "2025-05-01" in e.value.message("zh")


# --- content: exclusions for marriage ------------------------------------------------------------


def village_exclusion(day: str, reason: str = "married_out") -> dict:
    return {
        "title": "村民小组征地补偿款分配",
        "setting": "village",
        "population": {"residents": "unknown", "households": "unknown"},
        "scope": "group",
        "topic": {"title": "征地补偿款分配", "collective_matter": "land_compensation"},
        "timeline": {"decided": day},
        "assembly": {
            "kind": "villager_group_meeting",
            "members": 60,
            "present": 45,
            "yes": 40,
        },
        "results": {
            "adopted": True,
            "implemented": True,
            "excluded": [{"reason": reason, "count": 3}],
        },
    }


@pytest.mark.parametrize(
    ("day", "cited"),
    [
        ("2016-05-01", "《村民委员会组织法》第二十七条第二款（2010年修订）"),
        ("2018-10-25", "《村民委员会组织法》第二十七条第二款（2010年修订）"),
        ("2018-10-26", "《妇女权益保障法》第三十三条第一款（2018年修正）"),
        ("2020-05-01", "《妇女权益保障法》第三十三条第一款（2018年修正）"),
        ("2022-12-31", "《妇女权益保障法》第三十三条第一款（2018年修正）"),
        ("2023-05-01", "《妇女权益保障法》第五十六条第一款（2022年修订）"),
        ("2026-05-01", "《妇女权益保障法》第五十六条第一款（2022年修订）"),
    ],
)
def test_excluding_married_out_women_is_unlawful_under_the_law_of_the_day(day, cited):
    r = report(village_exclusion(day))
    [f] = r.findings
    assert (f.code, f.level, f.severity) == ("RES-EXCLUSION", "law", "violation")
    assert f.cited() == cited and r.legal_validity == "invalid"
    if day >= "2025-05-01":
        assert "《农村集体经济组织法》第八条第三款" in f.message_zh


def community_exclusion(day: str, reason: str = "married_out") -> dict:
    """A residents' committee shares out a former village group's income (no villagers' law)."""
    return {
        "title": "居委会发放小组承包金分红",
        "setting": "community",
        "population": {"residents": "unknown", "households": "unknown"},
        "scope": "group",
        "topic": {"title": "承包金分红", "collective_matter": "income_distribution"},
        "timeline": {"decided": day},
        "deciding_body": "committee",
        "results": {
            "adopted": True,
            "implemented": True,
            "excluded": [{"reason": reason, "count": 1}],
        },
    }


@pytest.mark.parametrize(
    ("day", "reason", "severity", "cited"),
    [
        ("2018-10-25", "married_out", "unknown", None),
        (
            "2018-10-26",
            "married_out",
            "violation",
            "《妇女权益保障法》第三十三条第一款（2018年修正）",
        ),
        (
            "2020-03-14",
            "uxorilocal",
            "violation",
            "《妇女权益保障法》第三十三条第二款（2018年修正）",
        ),
        (
            "2023-01-01",
            "uxorilocal",
            "violation",
            "《妇女权益保障法》第五十六条第二款（2022年修订）",
        ),
    ],
)
def test_outside_a_village_the_womens_law_of_the_day_decides(day, reason, severity, cited):
    """Without the villagers' law (a residents' committee), only the Women's Rights Law speaks:
    its 2018 text from 2018-10-26, its 2022 text from 2023; before 2018-10-26 (the 2005 text,
    not held) the kit says 「无法判断」 and names the earliest text it holds."""
    r = report(community_exclusion(day, reason))
    [f] = [f for f in r.findings if f.code == "RES-EXCLUSION"]
    assert (f.level, f.severity) == ("law", severity)
    if cited is None:
        assert "2018年修正文本（2018-10-26起施行）" in f.message_zh
        assert r.legal_validity == "undetermined"
    else:
        assert f.cited() == cited and r.legal_validity == "invalid"


@pytest.mark.parametrize(
    ("reason", "before", "after"),
    [
        ("divorced", "violation", "violation"),
        ("widowed", "violation", "violation"),
        ("uxorilocal", "violation", "violation"),
        ("returned", "unknown", "violation"),  # 农村集体经济组织法 art. 18 para. 1
        ("children", "unknown", "violation"),  # art. 12 para. 2
        ("moved_away", "unknown", "unknown"),
        ("member_elsewhere", "info", "info"),  # art. 17: membership lost
    ],
)
def test_each_ground_before_and_after_the_collective_law(reason, before, after):
    for day, expected in (("2024-06-01", before), ("2025-06-01", after)):
        [f] = report(village_exclusion(day, reason)).findings
        assert (f.code, f.severity) == ("RES-EXCLUSION", expected), (reason, day)


def test_violates_law_remains_for_what_the_format_cannot_describe():
    data = village_exclusion("2024-06-01")
    data["results"]["excluded"] = []
    data["results"]["violates_law"] = True
    [f] = report(data).findings
    assert (f.code, f.level, f.severity) == ("RES-LEGAL", "law", "violation")


# --- who decided ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "severity"), [("two_committees", "violation"), ("unknown", "unknown")]
)
def test_a_body_without_power_over_a_reserved_matter(body, severity):
    data = village_exclusion("2020-05-01")
    data["results"]["excluded"] = []
    data.pop("assembly")
    data["deciding_body"] = body
    data["scope"] = "whole"
    [f] = report(data).findings
    assert (f.code, f.severity, f.where) == ("PROC-BODY", severity, "deciding_body")
    assert f.cited() == "《村民委员会组织法》第二十四条第一款（2018年修正）"


def test_deciding_body_and_assembly_together_are_refused():
    data = village_exclusion("2020-05-01")
    data["deciding_body"] = "committee"
    with pytest.raises(InputError) as e:
        record_from_dict(data, "x.yaml")
    assert e.value.field == "deciding_body"


@pytest.mark.parametrize(("authorised", "severity"), [(False, "violation"), ("unknown", "unknown")])
def test_representatives_need_the_villagers_meetings_authorisation(authorised, severity):
    data = compliant_record()
    data["assembly"] = {
        "kind": "representatives_meeting",
        "authorised": authorised,
        "members": 33,
        "present": 22,
        "yes": 12,
    }
    [f] = report(data).findings
    assert (f.code, f.severity) == ("PROC-BODY", severity)
    assert f.cited() == "《村民委员会组织法》第二十八条第二款（2025年修正）"


# --- the villager group meeting under both texts ---------------------------------------------------


@pytest.mark.parametrize("day", ["2024-06-01", "2026-06-01"])
@pytest.mark.parametrize(
    ("present", "households", "passes"),
    [(40, None, True), (39, None, False), (30, 40, True), (30, 39, False)],
)
def test_villager_group_meeting_two_thirds(day, present, households, passes):
    data = village_exclusion(day)
    data["results"]["excluded"] = []
    data["topic"]["collective_matter"] = "other"
    a = data["assembly"]
    a.update(present=present, yes=present)
    if households is not None:  # 2/3 of 60 households represented is the other route
        a.update(households_total=60, households_present=households)
    r = report(data)
    assert r.codes() == (set() if passes else {"PROC-QUORUM"})
    if not passes:
        article = (
            "第二十八条第一款（2018年修正）" if day < "2026" else "第三十二条第二款（2025年修正）"
        )
        assert r.findings[0].cited() == f"《村民委员会组织法》{article}"


# --- shares and ballots ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "expected"),
    [("66.8%", set()), ("66.7%", {"PROC-QUORUM"}), ("66.6%", {"PROC-QUORUM"})],
)
def test_a_published_share_is_read_with_its_precision(share, expected):
    data = owners("2022-03-01", 40, 40, item=4)
    a = data["assembly"]
    a.update(present="unknown", members="unknown", area_present="unknown")
    a["shares"] = {"present": share, "area_present": "90%", "yes": "100%", "area_yes": "100%"}
    data["population"]["owners"] = "unknown"
    r = report(data)
    assert r.codes() == expected
    if share == "66.7%":  # 66.65–66.75% straddles two thirds: the record cannot tell
        assert r.findings[0].severity == "unknown"
    if share == "66.6%":
        assert r.findings[0].severity == "violation" and "66.65%" in r.findings[0].message_zh


def test_abstentions_and_invalid_ballots_count_among_those_present():
    data = compliant_record()
    a = data["assembly"]
    a.update(present=500, yes=250, no=240, abstained=8, invalid_ballots=2)
    [f] = report(data).findings
    assert f.code == "PROC-MAJORITY" and "弃权8人、无效票2张计入到会人数" in f.message_zh
    a.update(present=499)
    with pytest.raises(InputError):
        record_from_dict(data, "x.yaml")


def test_an_unreadable_share_is_refused_naming_the_field():
    data = owners("2022-03-01", 40, 40, item=4)
    data["assembly"]["shares"] = {"present": "120%"}
    with pytest.raises(InputError) as e:
        record_from_dict(data, "x.yaml")
    assert e.value.field == "assembly.shares.present" and "72.7%" in e.value.message("zh")


# --- what happened later ---------------------------------------------------------------------------


def test_pending_review_and_revocation_are_noted_not_violations():
    data = compliant_record()
    data["results"]["implemented"] = "pending"
    data["timeline"].pop("implemented")
    data["timeline"].pop("publicized")
    data["results"]["revoked"] = {"by": "court", "on": "2026-09-01"}
    r = report(data)
    assert {(f.code, f.severity) for f in r.findings} == {
        ("RES-IMPLEMENT", "info"),
        ("RES-LEGAL", "info"),
    }
    assert r.compliant and r.legal_validity == "valid"


# --- the Chongqing profile subtracts the unreachable once ---------------------------------------


@pytest.mark.parametrize(
    ("members", "present", "passes"),
    [(900, 451, True), (900, 450, False), (1000, 451, True), (1000, 450, False)],
)
def test_chongqing_subtracts_away_villagers_once(members, present, passes):
    """1000 adults, 100 away and unreachable: the base is 900 whether or not the meeting's size
    already left them out (the old code took 900 − 100 = 800 when it had)."""
    data = compliant_record()
    data["rules"] = {"profile": "chongqing"}
    data["population"].update(residents=1000, away_unreachable=100)
    data["assembly"].update(members=members, present=present, yes=present)
    data["topic"]["proposed_by"] = {"kind": "committee"}
    data["results"]["channels"] = ["bulletin"]
    data["results"]["posted_days"] = 15
    data["timeline"]["publicized"] = data["timeline"]["implemented"]
    r = report(data)
    assert (r.codes() - {"PROC-ELECTORATE"}) == (set() if passes else {"PROC-QUORUM"})
    if not passes:
        [f] = [f for f in r.findings if f.code == "PROC-QUORUM"]
        assert "人数基数为900人" in f.message_zh
