"""Every rule at its boundary: the bound itself passes ("以上"), one less fails; "过半数" is strict."""

from __future__ import annotations

import copy

import pytest
from rules_factory import add_days, compliant_record

from xsim.records import record_from_dict
from xsim.rules import Rulebook, check_record


def findings(data: dict, rulebook: Rulebook | None = None):
    return check_record(record_from_dict(data), rulebook).findings


def codes(data: dict, rulebook: Rulebook | None = None) -> set[str]:
    return {f.code for f in findings(data, rulebook)}


def with_(**changes) -> dict:
    """The compliant record with dotted-path changes (``topic.proposed_by``=…)."""
    data = copy.deepcopy(compliant_record())
    for path, value in changes.items():
        keys = path.split("__")
        node = data
        for k in keys[:-1]:
            node = node[k]
        if value is _DELETE:
            node.pop(keys[-1], None)
        else:
            node[keys[-1]] = value
    return data


_DELETE = object()


def only(data: dict, code: str | None, rulebook: Rulebook | None = None) -> None:
    assert codes(data, rulebook) == ({code} if code else set())


# --- TOPIC-JOINT: 1/10 of residents, 1/5 of representatives, the bound included -------------------


@pytest.mark.parametrize(
    ("residents", "signatures", "passes"),
    [
        (420, 42, True),
        (420, 41, False),
        (425, 43, True),
        (425, 42, False),
        (10, 1, True),
        (10, 0, False),
        (11, 2, True),
        (11, 1, False),
    ],
)
def test_joint_residents_one_tenth(residents, signatures, passes):
    data = with_(topic__proposed_by={"kind": "joint_residents", "signatures": signatures})
    data["population"]["residents"] = residents
    data["population"]["households"] = min(residents, 330)
    data["assembly"]["members"] = residents
    data["assembly"]["present"] = residents // 2 + 1
    data["assembly"]["yes"] = (residents // 2 + 1) // 2 + 1
    only(data, None if passes else "TOPIC-JOINT")


@pytest.mark.parametrize(
    ("reps", "signatures", "passes"),
    [(12, 3, True), (12, 2, False), (10, 2, True), (10, 1, False), (5, 1, True), (5, 0, False)],
)
def test_joint_representatives_one_fifth(reps, signatures, passes):
    data = with_(topic__proposed_by={"kind": "joint_representatives", "signatures": signatures})
    data["population"]["representatives"] = reps
    only(data, None if passes else "TOPIC-JOINT")


def test_joint_message_states_found_and_required():
    data = with_(topic__proposed_by={"kind": "joint_residents", "signatures": 41})
    data["population"]["residents"] = 420
    [f] = [f for f in findings(data) if f.code == "TOPIC-JOINT"]
    assert "41" in f.message_zh and "42" in f.message_zh and "420" in f.message_zh
    assert "41 residents signed; at least 42 required" in f.message_en
    assert f.where == "topic.proposed_by.signatures" and f.clause == "§1.f"


def test_joint_representatives_with_no_representatives_fails():
    data = with_(topic__proposed_by={"kind": "joint_representatives", "signatures": 0})
    data["population"]["representatives"] = 0
    only(data, "TOPIC-JOINT")


# --- PROC-NOTICE: notice_days from the rulebook -----------------------------------------------------


@pytest.mark.parametrize(("days", "passes"), [(5, True), (4, False), (6, True), (0, False)])
def test_notice_days_from_record_rules(days, passes):
    data = with_(rules={"notice_days": 5})
    data["timeline"]["notified"] = add_days(data["timeline"]["consulted"], -days)
    only(data, None if passes else "PROC-NOTICE")


def test_notice_default_is_three_days():
    assert Rulebook().notice_days == 3
    data = with_()
    data["timeline"]["notified"] = add_days(data["timeline"]["consulted"], -3)
    only(data, None)
    data["timeline"]["notified"] = add_days(data["timeline"]["consulted"], -2)
    only(data, "PROC-NOTICE")


def test_notice_message_has_the_numbers():
    data = with_(rules={"notice_days": 5})
    data["timeline"]["notified"] = add_days(data["timeline"]["consulted"], -2)
    [f] = findings(data)
    assert "提前2天通知，应至少提前5天" in f.message_zh
    assert f.message_zh.startswith("按本记录填写的地方规定（协商通知至少提前天数）")
    assert f.message_en.startswith("Notified 2 days ahead; at least 5 required")
    assert (f.basis.kind, f.basis.setting) == ("local", "notice_days")
    assert (f.where, f.clause, f.step, f.severity, f.level) == (
        "timeline.notified",
        "local:rules.notice_days",  # the clause names the local rule, not the notice
        "procedure",
        "violation",
        "local",
    )


def test_record_rules_override_the_given_rulebook():
    data = with_()
    data["timeline"]["notified"] = add_days(data["timeline"]["consulted"], -4)
    only(data, "PROC-NOTICE", Rulebook(notice_days=5))
    data["rules"] = {"notice_days": 4}
    only(data, None, Rulebook(notice_days=5))


def test_missing_notification_date_fires():
    only(with_(timeline__notified=None), "PROC-NOTICE")


# --- PROC-ASSEMBLY-NOTICE: 10 days (law) ---------------------------------------------------------


@pytest.mark.parametrize(("days", "passes"), [(10, True), (9, False), (11, True), (1, False)])
def test_villagers_meeting_ten_days_notice(days, passes):
    data = with_()
    t = data["timeline"]
    t["assembly_notified"] = add_days(t["assembly_held"], -days)
    only(data, None if passes else "PROC-ASSEMBLY-NOTICE")


def test_assembly_notice_not_required_for_representatives_meeting():
    data = with_(
        assembly={
            "kind": "representatives_meeting",
            "authorised": True,
            "members": 33,
            "present": 22,
            "yes": 12,
        }
    )
    data["timeline"]["assembly_notified"] = add_days(data["timeline"]["assembly_held"], -1)
    only(data, None)


def test_assembly_notice_days_cannot_go_below_the_law():
    with pytest.raises(ValueError):
        Rulebook(assembly_notice_days=9)


def test_missing_assembly_notice_date_fires():
    only(with_(timeline__assembly_notified=None), "PROC-ASSEMBLY-NOTICE")


# --- PROC-QUORUM ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("members", "present", "passes"),
    [
        (980, 491, True),
        (980, 490, False),
        (981, 491, True),
        (981, 490, False),
        (2, 2, True),
        (2, 1, False),
    ],
)
def test_villagers_meeting_more_than_half(members, present, passes):
    data = with_(
        assembly={
            "kind": "villagers_meeting",
            "members": members,
            "present": present,
            "yes": present,
        }
    )
    data["population"]["residents"] = members  # everyone entitled is a member (PROC-ELECTORATE)
    only(data, None if passes else "PROC-QUORUM")


@pytest.mark.parametrize(
    ("total", "present_h", "passes"),
    [(330, 220, True), (330, 219, False), (331, 221, True), (331, 220, False)],
)
def test_villagers_meeting_two_thirds_of_households(total, present_h, passes):
    data = with_(
        assembly={
            "kind": "villagers_meeting",
            "members": 980,
            "present": 400,
            "yes": 300,
            "households_total": total,
            "households_present": present_h,
        }
    )
    only(data, None if passes else "PROC-QUORUM")


def test_quorum_message_has_the_numbers():
    data = with_(
        assembly={
            "kind": "villagers_meeting",
            "members": 980,
            "present": 470,
            "yes": 402,
            "households_total": 330,
            "households_present": 200,
        }
    )
    [f] = findings(data)
    assert "470" in f.message_zh and "491" in f.message_zh and "220" in f.message_zh
    assert f.clause == "villagers_committees@2025 art. 26 para. 1"
    assert f.cited() == "《村民委员会组织法》第二十六条第一款（2025年修正）"
    assert (f.basis.kind, f.basis.law, f.basis.version, f.basis.article) == (
        "law",
        "villagers_committees",
        "2025",
        26,
    )


@pytest.mark.parametrize(
    ("members", "present", "passes"),
    [(100, 51, True), (100, 50, False), (101, 51, True), (101, 50, False)],
)
def test_residents_meeting_more_than_half(members, present, passes):
    data = with_(
        setting="community",
        assembly={
            "kind": "residents_meeting",
            "members": members,
            "present": present,
            "yes": present,
        },
    )
    data["population"]["residents"] = members
    only(data, None if passes else "PROC-QUORUM")


@pytest.mark.parametrize(
    ("members", "present", "passes"),
    [(27, 18, True), (27, 17, False), (26, 18, True), (26, 17, False), (3, 2, True), (3, 1, False)],
)
def test_representatives_meeting_two_thirds(members, present, passes):
    data = with_(
        assembly={
            "kind": "representatives_meeting",
            "authorised": True,
            "members": members,
            "present": present,
            "yes": present,
        }
    )
    only(data, None if passes else "PROC-QUORUM")


def owners(**kw) -> dict:
    a = {
        "kind": "owners_meeting",
        "members": 36,
        "present": 24,
        "yes": 24,
        "area_total": 3000.0,
        "area_present": 2000.0,
        "area_yes": 2000.0,
        "matter": "ordinary",
    }
    a.update(kw)
    data = with_(setting="community", assembly=a)
    data["topic"]["law_reserved"] = False
    return data


@pytest.mark.parametrize(
    ("kw", "passes"),
    [
        ({}, True),
        ({"present": 23, "yes": 23}, False),
        ({"area_present": 1999.9, "area_yes": 1999.9}, False),
        # 0.6 / 0.9 is exactly 2/3; float arithmetic would say 1.7999… < 1.8 and fail it.
        ({"area_total": 0.9, "area_present": 0.6, "area_yes": 0.6}, True),
        ({"area_total": 0.9, "area_present": 0.5, "area_yes": 0.5}, False),
    ],
)
def test_owners_two_thirds_of_area_and_owners(kw, passes):
    only(owners(**kw), None if passes else "PROC-QUORUM")


# --- PROC-MAJORITY --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "yes", "passes"),
    [(30, 16, True), (30, 15, False), (31, 16, True), (31, 15, False), (1, 1, True), (1, 0, False)],
)
def test_more_than_half_of_those_present(present, yes, passes):
    data = with_(
        assembly={
            "kind": "representatives_meeting",
            "authorised": True,
            "members": present,
            "present": present,
            "yes": yes,
        }
    )
    only(data, None if passes else "PROC-MAJORITY")


def test_majority_only_judged_when_adopted():
    data = with_(
        assembly={
            "kind": "representatives_meeting",
            "authorised": True,
            "members": 30,
            "present": 30,
            "yes": 10,
        }
    )
    data["results"]["adopted"] = False
    data["results"]["implemented"] = False
    only(data, None)


@pytest.mark.parametrize(
    ("kw", "passes"),
    [
        ({"present": 40, "yes": 30, "members": 40}, True),
        ({"present": 40, "yes": 29, "members": 40}, False),
        ({"area_present": 2700.0, "area_yes": 2025.0, "area_total": 2700.0}, True),
        ({"area_present": 2700.0, "area_yes": 2024.9, "area_total": 2700.0}, False),
    ],
)
def test_owners_special_matter_three_quarters(kw, passes):
    only(owners(matter="special", **kw), None if passes else "PROC-MAJORITY")


@pytest.mark.parametrize(
    ("kw", "passes"),
    [
        ({"present": 40, "yes": 21, "members": 40}, True),
        ({"present": 40, "yes": 20, "members": 40}, False),
        ({"area_yes": 1000.1}, True),
        ({"area_yes": 1000.0}, False),
    ],
)
def test_owners_ordinary_matter_more_than_half(kw, passes):
    only(owners(**kw), None if passes else "PROC-MAJORITY")


# --- the other rules: the requirement met and missed ----------------------------------------------


@pytest.mark.parametrize(
    ("scope", "lead", "passes"),
    [
        ("whole", "committee", True),
        ("whole", "party_branch", True),
        ("whole", "township", False),
        ("group", "committee", True),
        ("group", "other", False),
        ("cross_community", "township", True),
        ("cross_community", "committee", False),
        ("cross_community", "party_branch", False),
    ],
)
def test_lead_fits_scope(scope, lead, passes):
    only(with_(scope=scope, lead=lead), None if passes else "SUBJ-LEAD")


def test_each_missing_group_is_named():
    data = with_()
    data["participants"] = [p for p in data["participants"] if p.get("group") != "b"]
    [f] = findings(data)
    assert f.code == "SUBJ-MISSING" and f.where == "stakeholder_groups[1]"
    assert "其他农户" in f.message_zh


def test_group_with_zero_people_is_missing():
    data = with_()
    data["participants"][2]["count"] = 0
    only(data, "SUBJ-MISSING")


def test_irrelevant_participant():
    data = with_()
    data["participants"].append({"role": "other", "relevant": False})
    [f] = findings(data)
    assert (f.code, f.where) == ("SUBJ-IRRELEVANT", "participants[5].relevant")


@pytest.mark.parametrize("role", ["expert", "third_party"])
def test_technical_matter_needs_expert_or_third_party(role):
    data = with_()
    data["participants"][3]["role"] = role
    only(data, None)
    data["participants"].pop(3)
    only(data, "SUBJ-EXPERT")
    data["topic"]["technical"] = False
    only(data, None)


@pytest.mark.parametrize(
    "who",
    [
        {"role": "deputy"},
        {"role": "veteran"},
        {"role": "social_worker"},
        {"role": "mass_org"},
        {"role": "other", "respected": True},
    ],
)
def test_respected_figure(who):
    data = with_()
    data["participants"][4] = who
    only(data, None)
    data["participants"].pop(4)
    [f] = findings(data)
    assert (f.code, f.severity) == ("SUBJ-RESPECTED", "warning")
    assert check_record(record_from_dict(data)).compliant  # a warning is not a violation


def test_participant_not_heard():
    data = with_()
    data["participants"][1]["spoke"] = False
    [f] = findings(data)
    assert (f.code, f.where) == ("PROC-HEARD", "participants[1].spoke")
    assert "沿路农户" in f.message_zh


@pytest.mark.parametrize(
    ("forms", "passes"),
    [(["hearing"], True), (["special_council", "online"], True), (["council", "online"], False)],
)
def test_wide_impact_needs_hearing(forms, passes):
    only(with_(consultation__forms=forms), None if passes else "PROC-HEARING")


def test_disputed_or_reserved_matter_goes_to_the_meeting():
    only(with_(assembly=_DELETE), "PROC-ESCALATE")  # law_reserved without a meeting
    data = with_(assembly=_DELETE, topic__law_reserved=False)
    only(data, None)
    data["consultation"]["outcome"] = "disputed"
    [f] = findings(data)
    assert (f.code, f.clause, f.where) == ("PROC-ESCALATE", "§4.6", "assembly")


def test_reserved_village_matter_not_decided_by_owners():
    data = owners()
    data["topic"]["law_reserved"] = True
    only(data, None)  # a community: the owners' meeting may decide
    data["setting"] = "village"
    only(data, "PROC-ESCALATE")


def test_adopted_but_not_implemented():
    only(with_(results__implemented=False), "RES-IMPLEMENT")


@pytest.mark.parametrize(("days", "passes"), [(30, True), (31, False), (0, True)])
def test_publicize_within_default_thirty_days(days, passes):
    data = with_()
    data["timeline"]["publicized"] = add_days(data["timeline"]["implemented"], days)
    only(data, None if passes else "RES-PUBLICIZE")


def test_publicize_limit_from_record_rules_and_never_publicized():
    data = with_(rules={"publicize_within_days": 7})
    data["timeline"]["publicized"] = add_days(data["timeline"]["implemented"], 7)
    only(data, None)
    data["timeline"]["publicized"] = add_days(data["timeline"]["implemented"], 8)
    [f] = findings(data)
    assert "第8天" in f.message_zh and "7天内" in f.message_zh
    only(with_(timeline__publicized=None), "RES-PUBLICIZE")
    # nothing implemented: nothing to publicize
    only(with_(timeline__publicized=None, results__adopted=False, results__implemented=False), None)


@pytest.mark.parametrize("drop", ["subjects", "stakeholders", "residents"])
def test_feedback_reaches_all_three(drop):
    data = with_()
    data["results"]["feedback_to"].remove(drop)
    [f] = findings(data)
    assert f.code == "RES-FEEDBACK" and drop in f.message_en


def test_commissioned_result_reported_and_answered():
    only(with_(results__reported_to_commissioner=False), "RES-REPORT")
    only(
        with_(results__reported_to_commissioner=None, results__commissioner_responded=None),
        "RES-REPORT",
    )
    data = with_(results__commissioner_responded=False)
    [f] = findings(data)
    assert (f.code, f.severity) == ("RES-RESPONSE", "warning")
    only(
        with_(
            topic__commissioned_by=None,
            results__reported_to_commissioner=None,
            results__commissioner_responded=None,
        ),
        None,
    )


@pytest.mark.parametrize(
    ("dissenters", "explained", "passes"),
    [(25, 25, True), (25, 24, False), (0, 0, True), (1, 0, False)],
)
def test_every_dissenter_gets_an_explanation(dissenters, explained, passes):
    data = with_(results__dissenters=dissenters, results__dissenters_explained=explained)
    only(data, None if passes else "RES-EXPLAIN")


@pytest.mark.parametrize(("corrected", "passes"), [(True, True), (False, False), (None, False)])
def test_unlawful_result_must_be_corrected(corrected, passes):
    data = with_(results__violates_law=True, results__corrected=corrected)
    only(data, None if passes else "RES-LEGAL")


@pytest.mark.parametrize(
    ("decided", "publicized", "passes"),
    [(True, True, True), (False, True, False), (True, False, False), (None, None, False)],
)
def test_subsidy_needs_meeting_decision_and_publicity(decided, publicized, passes):
    data = with_(subsidies={"paid": True, "decided_by_meeting": decided, "publicized": publicized})
    only(data, None if passes else "GUAR-SUBSIDY")


def test_unpaid_subsidy_needs_nothing():
    only(with_(subsidies={"paid": False}), None)


def test_topic_scope_is_info_only():
    data = with_(topic__categories=[])
    report = check_record(record_from_dict(data))
    assert [(f.code, f.severity) for f in report.findings] == [("TOPIC-SCOPE", "info")]
    assert report.compliant


def test_topic_solicit():
    only(with_(topic__opinions_solicited=False), "TOPIC-SOLICIT")


def test_notification_after_the_consultation():
    data = with_()
    data["timeline"]["notified"] = add_days(data["timeline"]["consulted"], 2)
    [f] = findings(data)
    assert f.code == "PROC-NOTICE" and "晚于协商日期" in f.message_zh
