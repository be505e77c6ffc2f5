"""Quiz widget, driven headless: select answers, click 提交答案, read feedback and score."""

from __future__ import annotations

import pytest

from xsim.errors import InputError
from xsim.teaching.quiz import Question, Quiz


def _quiz() -> Quiz:
    return Quiz([
        Question("联名提出协商事项，至少需要多少村民？", ["十分之一以上", "五分之一以上", "过半数"],
                 correct=0, explanation="十分之一以上村（居）民联名。", clause="§1.f"),
        Question("哪些可以作为协商主体？", ["业主委员会", "物业服务企业", "与议题无关的外村商户"],
                 correct=[0, 1], explanation="无关人员不纳入。"),
    ])


def test_single_choice_right_answer_gives_chinese_praise_and_score():
    quiz = _quiz()
    card = quiz.cards[0]
    card.select(0)
    card.submit.click()
    assert "回答正确" in card.feedback.value
    assert "十分之一以上村（居）民联名" in card.feedback.value
    assert quiz.score == (1, 1, 2)
    assert "得分：1 / 2" in quiz.score_label.value


def test_wrong_answer_names_the_right_one_and_counts_zero():
    quiz = _quiz()
    card = quiz.cards[0]
    card.select(1)
    card.submit.click()
    assert "还不对" in card.feedback.value and "A. 十分之一以上" in card.feedback.value
    assert quiz.score == (0, 1, 2)
    # a second, right attempt shows praise but the score keeps the first attempt
    card.select(0)
    card.submit.click()
    assert "回答正确" in card.feedback.value and "第 2 次作答" in card.feedback.value
    assert quiz.score == (0, 1, 2)


def test_multiple_choice_needs_exactly_the_right_set():
    quiz = _quiz()
    card = quiz.cards[1]
    assert card.question.multiple
    card.select(0)  # only one of the two
    card.submit.click()
    assert "还不对" in card.feedback.value
    card.select(0, 1)
    card.submit.click()
    assert "回答正确" in card.feedback.value
    card.select(0, 1, 2)  # one too many
    card.submit.click()
    assert "还不对" in card.feedback.value


def test_submitting_nothing_gives_a_chinese_message_not_an_error():
    quiz = _quiz()
    card = quiz.cards[0]
    card.submit.click()
    assert "请先选择答案" in card.status.value
    assert card.feedback.value == ""
    assert quiz.score == (0, 0, 2)


def test_all_answered_reports_completion():
    quiz = _quiz()
    quiz.cards[0].select(0)
    quiz.cards[0].submit.click()
    quiz.cards[1].select(0, 1)
    quiz.cards[1].submit.click()
    assert quiz.score == (2, 2, 2)
    assert "全部完成" in quiz.score_label.value


@pytest.mark.parametrize("kwargs", [
    {"choices": ["只有一个"], "correct": 0},
    {"choices": ["甲", "乙"], "correct": 2},
    {"choices": ["甲", "乙"], "correct": []},
])
def test_authoring_mistakes_raise_input_error(kwargs):
    with pytest.raises(InputError):
        Question("题目", **kwargs)


def test_plain_text_repr_is_stable_for_nbval():
    assert repr(_quiz()) == "<自测题>"
