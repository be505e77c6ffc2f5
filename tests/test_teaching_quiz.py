"""Quiz widget, driven headless: select answers, click 提交答案, read feedback and score."""

from __future__ import annotations

import pytest

from xsim.errors import InputError
from xsim.teaching.quiz import Question, Quiz


def _quiz() -> Quiz:
    return Quiz(
        [
            Question(
                "联名提出协商事项，至少需要多少村民？",
                ["十分之一以上", "五分之一以上", "过半数"],
                correct=0,
                explanation="十分之一以上村（居）民联名。",
                clause="§1.f",
            ),
            Question(
                "哪些可以作为协商主体？",
                ["业主委员会", "物业服务企业", "与议题无关的外村商户"],
                correct=[0, 1],
                explanation="无关人员不纳入。",
            ),
        ]
    )


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


@pytest.mark.parametrize(
    "kwargs",
    [
        {"choices": ["只有一个"], "correct": 0},
        {"choices": ["甲", "乙"], "correct": 2},
        {"choices": ["甲", "乙"], "correct": []},
    ],
)
def test_authoring_mistakes_raise_input_error(kwargs):
    with pytest.raises(InputError):
        Question("题目", **kwargs)


def test_plain_text_repr_is_stable_for_nbval():
    assert repr(_quiz()) == "<自测题>"


def test_quiz_from_yaml_and_its_bad_files(tmp_path):
    from xsim.teaching.quiz import load_quiz

    good = tmp_path / "q.yaml"
    good.write_text(
        "title: 第一讲自测\nquestions:\n"
        "  - prompt: 联名至少需要多少村民？\n    choices: [十分之一以上, 过半数]\n"
        "    correct: 0\n    explanation: 十分之一以上。\n    clause: §1.f\n"
        "  - prompt: 哪些是协商主体？\n    choices: [业主委员会, 物业服务企业, 外村商户]\n"
        "    correct: [0, 1]\n",
        encoding="utf-8",
    )
    quiz = load_quiz(good)
    assert len(quiz.cards) == 2 and quiz.cards[1].question.multiple
    quiz.cards[0].select(0)
    quiz.cards[0].submit.click()
    assert quiz.score == (1, 1, 2)
    cases = {
        "questions: [\n": ("", "YAML 格式有误"),
        "questions:\n  - prompt: 题\n    choices: [甲, 乙]\n    correct: 5\n": (
            "questions[0].correct",
            "正确答案须是已有选项的序号",
        ),
        "questions:\n  - prompt: 题\n    choices: [甲, 乙]\n    correct: true\n": (
            "questions[0].correct",
            "应为选项序号",
        ),
        "questions:\n  - prompt: 题\n    choices: [甲, 乙]\n    correct: 0\n    answer: 1\n": (
            "questions[0].answer",
            "未知字段",
        ),
        "title: 没有题目\n": ("questions", "应有 questions 列表"),
    }
    for i, (text, (field, zh)) in enumerate(cases.items()):
        bad = tmp_path / f"bad{i}.yaml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as err:
            load_quiz(bad)
        assert err.value.field == field and zh in err.value.message("zh"), text
