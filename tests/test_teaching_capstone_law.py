"""The capstone judges like the engine: over all 12 scenarios of the library a lawful, well-made
plan passes, and each statutory shortcut — no deciding meeting where the law requires one, a body
without competence, a meeting called on shorter notice than the law's, a quorum missed by design —
fails whatever its other points. Scoring is a pure function (score_run), tested on its own too."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from capstone_support import OPTIONS, RUBRIC, SEED, TEXTS, TITLES, good_plan

from xsim.rules.report import Basis, Finding
from xsim.sim.scenario import load_scenario
from xsim.teaching.capstone.case import assess, scenario_names
from xsim.teaching.capstone.plan import NO_MEETING, Plan
from xsim.teaching.capstone.scoring import law_level, law_violations, score_run

#: the engine of this tree reports a missing meeting for a law-reserved matter whose
#: consultation ended disputed with the notice (§4.6) as its basis, not the law; the engine of
#: issue 20 (``Finding.level``) reports the law. Until that engine is here, such a shortcut is
#: checked to be reported (PROC-ESCALATE), not to fail; with it, to fail like the others.
ENGINE_HAS_LEVELS = "level" in Finding.__dataclass_fields__


def engine_gap(label: str, result) -> bool:
    return (
        not ENGINE_HAS_LEVELS
        and label == "no deciding meeting"
        and result.record.consultation.outcome == "disputed"
    )


def shortcuts(name: str, plan: Plan) -> dict[str, Plan]:
    """The statutory shortcuts open in this scenario, from the law's facts of its matter (not
    from what the engine reports)."""
    topic = load_scenario(name).topic
    meeting = plan.deciding_meeting
    out = {}
    if topic.law_reserved or topic.owners_matter or topic.collective_matter:
        out["no deciding meeting"] = replace(plan, deciding_meeting=NO_MEETING)
    if topic.owners_matter:  # Civil Code art. 278: the owners decide, not the residents
        out["a body without competence"] = replace(plan, deciding_meeting="residents_meeting")
    if topic.collective_matter:  # collective law art. 26: the members' meeting decides
        out["a body without competence"] = replace(plan, deciding_meeting="villagers_meeting")
    if topic.law_reserved and "charter_rules" in topic.categories:  # 村规民约: villagers only
        out["a body without competence"] = replace(plan, deciding_meeting="representatives_meeting")
    if meeting in ("villagers_meeting", "residents_meeting", "members_meeting"):
        out["notice shorter than the law's"] = replace(plan, meeting_notice_days=1)
    if meeting == "representatives_meeting":  # called the day before: two thirds cannot come
        out["a quorum missed by design"] = replace(plan, meeting_notice_days=1)
    return out


@pytest.fixture(scope="module", params=scenario_names())
def case(request):
    name = request.param
    plan = good_plan(name)
    return name, plan, assess(name, SEED, plan, RUBRIC, OPTIONS)


def test_the_library_has_its_twelve_scenarios_of_both_settings():
    names = scenario_names()
    assert len(names) == 12
    assert {load_scenario(n).setting for n in names} == {"village", "community"}


def test_a_lawful_good_plan_passes(case):
    name, _plan, result = case
    a = result.assessment
    assert a.lawful and a.passed, (name, [(s.criterion.id, s.points, s.why) for s in a.scores])
    assert a.points >= RUBRIC.pass_points


def test_each_statutory_shortcut_fails(case):
    name, plan, good = case
    tried = shortcuts(name, plan)
    for label, shortcut in tried.items():
        result = assess(name, SEED, shortcut, RUBRIC, OPTIONS)
        a = result.assessment
        if engine_gap(label, result):
            assert "PROC-ESCALATE" in result.report.codes("violation"), (name, label)
            continue
        if label == "a quorum missed by design" and not law_violations(result.report.findings):
            # representatives asked in person can still come on a day's notice (the model's
            # rep_attend): no quorum was missed, so nothing unlawful happened and nothing fails;
            # whenever the quorum is missed, the engine's law-level finding fails the plan below
            continue
        assert not a.lawful and not a.passed, (name, label, result.report.codes("violation"))
        # the other points do not save it: the fault is the law's, named to the trainee
        law = next(s for s in a.scores if s.criterion.kind == "law")
        assert law.points == 0 and "不能通过" in law.why


def test_every_scenario_with_a_deciding_meeting_has_a_shortcut_to_try():
    """The shortcut test is not vacuous: each scenario whose matter goes to a meeting has one."""
    for name in scenario_names():
        plan = replace(good_plan(name), texts={})
        if plan.deciding_meeting != NO_MEETING:
            assert shortcuts(name, plan), name


# -- the pure scoring --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fake:
    code: str
    severity: str
    basis: Basis
    level: str | None = None


def _finding(code, severity, kind, level=None):
    return Fake(code, severity, Basis(kind), level)


FULL = {"informed_in_time": 1.0, "result_informed": 1.0, "fairness": 1.0, "complaints": 0.0}


def test_one_law_level_violation_fails_a_plan_with_every_other_point():
    a = score_run(RUBRIC, TEXTS, FULL, [_finding("PROC-QUORUM", "violation", "law")], TITLES)
    assert a.points == sum(c.points for c in RUBRIC.criteria) - 10  # all but the law's 10
    assert a.points >= RUBRIC.pass_points and not a.passed and not a.lawful
    b = score_run(RUBRIC, TEXTS, FULL, [_finding("PROC-NOTICE", "violation", "notice")], TITLES)
    assert b.lawful and b.passed  # a notice-level fault costs points only


@pytest.mark.parametrize(
    ("severity", "kind", "level", "law"),
    [
        ("violation", "law", None, True),
        ("violation", "notice", None, False),
        ("violation", "local", None, False),
        ("warning", "law", None, False),  # a warning never fails a plan
        ("violation", "notice", "law", True),  # the engine's own level decides when it has one
        ("violation", "law", "notice", False),
        ("unknown", "law", "law", False),  # 「无法判断」 is not a violation
    ],
)
def test_law_level_is_decided_in_one_place(severity, kind, level, law):
    assert law_level(_finding("X", severity, kind, level)) is law


def test_scoring_is_pure():
    findings = [_finding("PROC-NOTICE", "violation", "notice")]
    first = score_run(RUBRIC, TEXTS, FULL, findings, TITLES)
    again = score_run(RUBRIC, dict(TEXTS), dict(FULL), list(findings), dict(TITLES))
    assert (first.points, first.passed) == (again.points, again.passed)


def test_the_rubric_says_in_chinese_that_breaking_the_law_fails():
    (law,) = [c for c in RUBRIC.criteria if c.kind == "law"]
    assert "不能通过" in law.title and "法律" in law.why


def test_every_measure_criterion_is_reachable_by_a_good_plan():
    """No rubric item a good plan cannot earn (the old 「方案获得通过」 was 0 in every run)."""
    earned: dict[str, int] = {}
    for name in scenario_names():
        a = assess(name, SEED, good_plan(name), RUBRIC, OPTIONS).assessment
        for s in a.scores:
            full = s.points is not None and s.points >= 0.9 * s.criterion.points
            earned[s.criterion.id] = earned.get(s.criterion.id, 0) + full
    assert all(n >= 6 for n in earned.values()), earned
