"""Headless tests of the course's exercise widgets (xsim.teaching.course): set values, click, assert.

Every verdict a widget shows comes from the rules engine, so these tests pin the exact boundaries
the trainee is taught (1/10 and 1/5 "以上" includes the bound; more than half; 2/3; 3/4).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsim.errors import InputError
from xsim.rules.clauses import CLAUSES
from xsim.teaching import course
from xsim.teaching.quorum import quorum_meetings


def test_quote_shows_the_exact_chinese_text():
    q = course.quote("§1.f", "Organic Law art. 22")
    assert CLAUSES["§1.f"].text_zh in q._repr_html_()
    assert CLAUSES["Organic Law art. 22"].text_zh in repr(q)
    with pytest.raises(InputError):
        course.quote("§9.9")


@pytest.mark.parametrize(
    ("residents", "representatives", "villagers", "reps"),
    [(863, 27, 87, 6), (420, 12, 42, 3), (500, 30, 50, 6)],
)
def test_threshold_minimum_is_found_by_the_engine(residents, representatives, villagers, reps):
    ex = course.ThresholdExercise(residents=residents, representatives=representatives)
    assert ex.minimum("joint_residents") == villagers
    assert ex.minimum("joint_representatives") == reps


def test_threshold_exercise_feedback():
    ex = course.ThresholdExercise(residents=863, representatives=27)
    ex.villagers_answer.value, ex.reps_answer.value = 87, 6
    ex.submit.click()
    assert ex.correct and "✔ 村民联名" in ex.feedback.value
    ex.villagers_answer.value = 86  # one short: not enough
    ex.submit.click()
    assert not ex.correct and "不够" in ex.feedback.value
    ex.villagers_answer.value = 88  # enough, but not the minimum
    ex.submit.click()
    assert not ex.correct and "不是“至少”" in ex.feedback.value
    ex.villagers_answer.value = -1
    ex.submit.click()  # no exception: a Chinese message instead
    assert "不小于 0" in ex.status.value


def test_joint_proposal_checker_boundary_and_bad_input():
    ch = course.JointProposalChecker(residents=420, representatives=12)
    ch.signatures.value = 42
    ch.check_button.click()
    assert "✔" in ch.result.value
    ch.signatures.value = 41
    ch.check_button.click()
    assert "TOPIC-JOINT" in ch.result.value and "42" in ch.result.value
    ch.signatures.value = 500
    ch.check_button.click()
    assert "不能多于" in ch.status.value and ch.result.value == ""
    ch.residents.value = 0
    ch.signatures.value = 0
    ch.check_button.click()
    assert "人数为 0" in ch.status.value


def test_lead_exercise():
    ex = course.LeadExercise(lesson="02")
    ex.submit.click()
    assert "请为每个事项" in ex.status.value
    ex.choose("committee", "party_branch", "township")
    ex.submit.click()
    assert ex.results == [True, True, True]
    ex.choose("township", "other", "party_branch")
    ex.submit.click()
    assert ex.results == [False, False, False]
    assert all("SUBJ-LEAD" in m.value for m in ex.marks)


@pytest.mark.parametrize(
    ("kind", "members", "present", "ok"),
    [
        ("villagers_meeting", 860, 430, False),
        ("villagers_meeting", 860, 431, True),
        ("representatives_meeting", 30, 19, False),
        ("representatives_meeting", 30, 20, True),
        ("residents_meeting", 100, 50, False),
        ("residents_meeting", 100, 51, True),
    ],
)
def test_quorum_boundaries(kind, members, present, ok):
    calc = course.QuorumCalculator(
        lesson="04", kind=kind, members=members, present=present, yes=present
    )
    codes = {f.code for f in calc.findings()}
    assert ("PROC-QUORUM" not in codes) is ok


def test_quorum_households_route_and_owners_three_quarters():
    calc = course.QuorumCalculator(
        lesson="04",
        kind="villagers_meeting",
        members=1890,
        present=900,
        yes=700,
        households_total=700,
        households_present=466,
    )
    assert {f.code for f in calc.findings()} == {"PROC-QUORUM"}
    calc.households_present.value = 467  # 2/3 of 700 households is 466.7
    assert calc.findings() == []
    owners = course.QuorumCalculator(
        lesson="04",
        kind="owners_meeting",
        members=36,
        present=30,
        yes=22,
        area_total=2880.0,
        area_present=2400.0,
        area_yes=2080.0,
    )
    assert {f.code for f in owners.findings()} == {"PROC-MAJORITY"}
    owners.yes.value = 23  # 3/4 of 30 is 22.5
    assert owners.findings() == []
    owners.special.value = False  # ordinary matter: more than half suffices
    owners.yes.value = 16
    assert owners.findings() == []


def test_quorum_bad_input_is_a_chinese_message():
    calc = course.QuorumCalculator(
        lesson="04", kind="villagers_meeting", members=10, present=20, yes=5
    )
    calc.check_button.click()
    assert "实到人数不能多于应到人数" in calc.status.value and calc.result.value == ""


def test_form_match_exercise():
    ex = course.FormMatchExercise(lesson="03")
    ex.choose("hearing", "owners", "online", "evaluation", "talk_day")
    ex.submit.click()
    assert ex.results == [True] * 5
    ex.choose("board", "board", "board", "board", "board")
    ex.submit.click()  # a first wrong pick: back to the clause, the fitting forms not named
    assert ex.results == [False] * 5 and "更合适的是" not in ex.marks[0].value
    assert "再提交一次" in ex.marks[0].value and "通知原文" in ex.marks[0].value
    ex.submit.click()  # a second: now the fitting forms and why
    assert "更合适的是" in ex.marks[0].value


def test_spot_exercise_key_comes_from_the_engine():
    ex = course.SpotExercise("05", lesson="09")
    assert ex.truth == {"PROC-QUORUM"}
    ex.submit.click()
    assert "请至少勾选一项" in ex.status.value
    ex.select("PROC-QUORUM")
    ex.submit.click()
    assert ex.correct
    ex.select("PROC-QUORUM", "PROC-NOTICE")
    ex.submit.click()
    from xsim.rules import RULES

    # the rules by their Chinese titles (the code only in the engine's findings, as a reference)
    assert not ex.correct and RULES["PROC-NOTICE"].title_zh in ex.feedback.value


def test_results_stepper_best_choices_comply_others_break_their_rule():
    stepper = course.stepper("05")
    for i, step in enumerate(stepper.steps):
        stepper.index = i
        for j, choice in enumerate(step.choices):
            stepper._render()
            stepper.choose(j)
            stepper.confirm.click()
            complies = "✔ 这样做符合" in stepper.feedback.value
            assert complies is choice.best, (step.clause, j)
        stepper.choose(next(k for k, c in enumerate(step.choices) if c.best))
        stepper.confirm.click()
    assert stepper.viewer.report is not None and stepper.viewer.report.compliant


def test_case_report_and_editor():
    assert "RES-EXCLUSION" in repr(course.case_report("07"))
    editor = course.editor("06")
    editor.check_button.click()
    assert "RES-PUBLICIZE" in editor.viewer.body.value
    import datetime as dt

    editor.publicized.value = dt.date(2026, 6, 20)
    editor.check_button.click()
    assert "RES-PUBLICIZE" not in editor.viewer.body.value


def test_scenario_lab_is_reproducible_and_shows_the_rule_broken():
    lab = course.lab("04", seeds=2)
    first = lab.simulate([0, 0, 0])
    again = lab.simulate([0, 0, 0])
    assert first.rows == again.rows
    assert "PROC-NOTICE" not in first.codes()
    late = lab.simulate([2, 0, 0])  # one day's notice
    assert late.codes().get("PROC-NOTICE") == 2
    lab.choose(2, 0, 0)
    lab.run_button.click()
    from xsim.rules import RULES

    title = RULES["PROC-NOTICE"].title_zh  # the rule by its Chinese title, the code small
    assert title in lab.result.value and title in lab.table.value
    assert 'class="xsim-ref"' in lab.result.value


def test_every_lesson_has_a_quiz_and_unknown_lessons_are_refused():
    for lesson in [f"{n:02d}" for n in range(1, 10)]:
        assert course.quiz(lesson).cards
    with pytest.raises(InputError):
        course.quiz("42")
    with pytest.raises(InputError):
        course.lab("42")


_ints = st.integers(min_value=-5, max_value=5000)


@settings(max_examples=40, deadline=None)
@given(
    kind=st.sampled_from([k for _, k, _law in quorum_meetings("04")]),
    members=_ints,
    present=_ints,
    yes=_ints,
    area=st.floats(min_value=-10, max_value=1e5, allow_nan=False),
)
def test_quorum_calculator_never_raises(kind, members, present, yes, area):
    calc = course.QuorumCalculator(
        lesson="04",
        kind=kind,
        members=members,
        present=present,
        yes=yes,
        area_total=area,
        area_present=area / 2,
        area_yes=area / 3,
    )
    calc.check_button.click()
    # either a verdict or a specific Chinese message — never the generic apology
    assert calc.result.value or calc.status.value
    assert "这不是您的错" not in calc.status.value


@settings(max_examples=40, deadline=None)
@given(
    residents=_ints,
    reps=_ints,
    signatures=_ints,
    kind=st.sampled_from(["joint_residents", "joint_representatives"]),
)
def test_joint_checker_never_raises(residents, reps, signatures, kind):
    ch = course.JointProposalChecker(residents=residents, representatives=reps)
    ch.kind.value = kind
    ch.signatures.value = signatures
    ch.check_button.click()
    assert ch.result.value or ch.status.value
    assert "这不是您的错" not in ch.status.value
