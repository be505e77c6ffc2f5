"""Procedure stepper, headless: choose at each step, click 确定, read the rules engine's verdict."""

from __future__ import annotations

import pytest

from xsim.teaching.stepper import ProcedureStepper, lesson_stepper

# For each default step (course/04_协商程序/steps.yaml): a wrong choice (by its label) and its code.
WRONG = [
    ("居委会主任觉得该装", "TOPIC-SOLICIT"),
    ("提前1天", "PROC-NOTICE"),
    ("只让支持加装的高层住户发言", "PROC-HEARD"),
    ("不必另开会", "PROC-HEARING"),
    ("按多数意见直接实施", "PROC-ESCALATE"),
    ("只告诉参加协商的人", "RES-FEEDBACK"),
]


def _index(stepper: ProcedureStepper, label_part: str) -> int:
    labels = [c.label for c in stepper.step.choices]
    return next(i for i, label in enumerate(labels) if label_part in label)


def _best(stepper: ProcedureStepper) -> int:
    return next(i for i, c in enumerate(stepper.step.choices) if c.best)


def _go_to(stepper: ProcedureStepper, index: int) -> None:
    while stepper.index < index:
        stepper.choose(_best(stepper))
        stepper.confirm.click()
        stepper.next.click()


def test_steps_cover_the_four_steps_and_the_special_cases():
    assert [s.clause for s in lesson_stepper("04").steps] == [
        "§4.1",
        "§4.2",
        "§4.3",
        "§4.5",
        "§4.6",
        "§4.4",
    ]


def test_right_path_is_compliant_at_every_step_and_at_the_end():
    s = lesson_stepper("04")
    for i in range(len(s.steps)):
        assert s.index == i
        s.choose(_best(s))
        s.confirm.click()
        assert "符合《通知》要求" in s.feedback.value, s.steps[i].clause
        s.next.click()
    assert s.viewer.report is not None and s.viewer.report.findings == []
    assert "全部环节完成" in s.status.value


@pytest.mark.parametrize("step", range(6))
def test_each_wrong_choice_raises_its_code(step):
    s = lesson_stepper("04")
    _go_to(s, step)
    wrong, code = WRONG[step]
    s.choose(_index(s, wrong))
    s.confirm.click()
    assert "这样做有问题" in s.feedback.value
    assert code in s.feedback.value


def test_third_choice_of_step_one_is_a_joint_proposal_below_one_tenth():
    s = lesson_stepper("04")
    s.choose(_index(s, "5名住户联名"))
    s.confirm.click()
    assert "TOPIC-JOINT" in s.feedback.value


def test_quorum_failure_at_the_owners_meeting():
    s = lesson_stepper("04")
    _go_to(s, 4)
    s.choose(_index(s, "只有20户参加"))
    s.confirm.click()
    assert "PROC-QUORUM" in s.feedback.value


def test_clause_is_quoted_and_header_counts_steps():
    s = lesson_stepper("04")
    assert "§4.1" in s.clause.value and "第 1 / 6 环节" in s.header.value


def test_confirm_without_choice_and_next_before_confirm_give_chinese_messages():
    s = lesson_stepper("04")
    s.confirm.click()
    assert "请先选择一项" in s.status.value
    s._on_next()
    assert "请先完成本环节的选择" in s.status.value and s.index == 0


def test_going_back_and_changing_a_choice_changes_the_final_report():
    s = lesson_stepper("04")
    s.choose(_index(s, "居委会主任觉得该装"))  # skip soliciting opinions
    s.confirm.click()
    s.next.click()
    _go_to(s, 5)
    s.choose(_best(s))
    s.confirm.click()
    assert s.viewer.report.codes() == {"TOPIC-SOLICIT"}
    summary = s.choices_html.value
    assert summary.count("✘") == 1 and summary.count("✔") == 5
    assert "✘</span> 第一步　提出协商议题：居委会主任觉得该装" in summary
    for _ in range(5):
        s.back.click()
    letter = "ABCDEFGHIJ"[_index(s, "居委会主任觉得该装")]
    assert s.index == 0 and s.options.value.startswith(f"{letter}.")
    s.choose(_best(s))
    s.confirm.click()
    assert s.record_dict()["topic"]["opinions_solicited"] is True
    assert "符合《通知》要求" in s.feedback.value


@pytest.mark.parametrize("lesson", ["04", "05"])
def test_every_best_choice_complies_and_every_other_breaks_a_rule_of_its_step(lesson):
    """The ``best`` marks in steps.yaml agree with the rules engine (the trainer edition shows them)."""
    from xsim.teaching import course

    stepper = course.stepper(lesson)
    for i, step in enumerate(stepper.steps):
        for j, choice in enumerate(step.choices):
            stepper.index = i
            stepper._render()
            stepper.choose(j)
            stepper.confirm.click()
            complies = (
                "符合" in stepper.feedback.value and "这样做有问题" not in stepper.feedback.value
            )
            assert complies is choice.best, (lesson, step.clause, choice.label)
        stepper.choose(next(k for k, c in enumerate(step.choices) if c.best))
        stepper.confirm.click()
