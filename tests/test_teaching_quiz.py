"""Quiz widget, driven headless: select answers, click 提交答案, read feedback and score."""

from __future__ import annotations

import pytest

from xsim.errors import InputError
from xsim.teaching.quiz import Quiz
from xsim.teaching.schema import Question


def _quiz() -> Quiz:
    return Quiz.of(
        [
            Question(
                prompt="联名提出协商事项，至少需要多少村民？",
                choices=[
                    "十分之一以上",
                    {"text": "五分之一以上", "why": "五分之一是村（居）民代表联名的门槛。"},
                    {"text": "过半数", "why": "过半数是会议表决的门槛，不是联名的门槛。"},
                ],
                answer="十分之一以上",
                explanation="十分之一以上村（居）民联名。",
                clause="§1.f",
            ),
            Question(
                prompt="哪些可以作为协商主体？",
                choices=[
                    "业主委员会",
                    "物业服务企业",
                    {"text": "与议题无关的外村商户", "why": "无关"},
                ],
                answer=["业主委员会", "物业服务企业"],
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


def test_wrong_answer_first_says_why_then_reveals_the_right_one():
    quiz = _quiz()
    card = quiz.cards[0]
    card.select(1)
    card.submit.click()
    first = card.feedback.value
    assert "还不对" in first and "五分之一是村（居）民代表联名的门槛" in first
    assert "正确答案是" not in first and "A. 十分之一以上" not in first  # not revealed yet
    assert quiz.score == (0, 1, 2)
    card.select(2)  # wrong again: now the right answer is shown
    card.submit.click()
    assert "正确答案是：A. 十分之一以上" in card.feedback.value
    # a right attempt shows praise but the score keeps the first attempt
    card.select(0)
    card.submit.click()
    assert "回答正确" in card.feedback.value and "第 3 次作答" in card.feedback.value
    assert quiz.score == (0, 1, 2)


def test_wrong_choice_without_a_reason_still_gets_a_hint_not_the_answer():
    quiz = _quiz()
    card = quiz.cards[1]
    card.select(0)  # one of two right choices
    card.submit.click()
    assert "漏选了 1 个" in card.feedback.value and "正确答案是" not in card.feedback.value


def test_multiple_choice_needs_exactly_the_right_set():
    quiz = _quiz()
    card = quiz.cards[1]
    assert card.question.multiple_choice
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
        {"choices": ["只有一个"], "answer": "只有一个"},
        {"choices": ["甲", "乙"], "answer": "丙"},
        {"choices": ["甲", "乙"], "answer": []},
        {"choices": ["甲", "甲"], "answer": "甲"},
    ],
)
def test_authoring_mistakes_in_code_are_programming_errors(kwargs):
    with pytest.raises(ValueError):
        Question(prompt="题目", **kwargs)


def test_plain_text_repr_is_stable_for_nbval():
    assert repr(_quiz()) == "<自测题>"


def test_quiz_from_yaml_and_its_bad_files(tmp_path):
    from xsim.teaching.quiz import load_quiz

    good = tmp_path / "q.yaml"
    good.write_text(
        "title: 第一讲自测\nquestions:\n"
        "  - prompt: 联名至少需要多少村民？\n"
        "    choices: [过半数, {text: 五分之一以上, why: 那是代表联名}, 十分之一以上]\n"
        "    answer: 十分之一以上\n    explanation: 十分之一以上。\n    clause: §1.f\n"
        "  - prompt: 哪些是协商主体？\n    choices: [业主委员会, 物业服务企业, 外村商户]\n"
        "    answer: [业主委员会, 物业服务企业]\n",
        encoding="utf-8",
    )
    quiz = load_quiz(good)
    assert len(quiz.cards) == 2 and quiz.cards[1].question.multiple_choice
    question = quiz.cards[0].question
    assert question.correct == 2 and question.why == ["", "那是代表联名", ""]
    quiz.cards[0].select(2)
    quiz.cards[0].submit.click()
    assert quiz.score == (1, 1, 2)
    head = "questions:\n  - prompt: 题\n    choices: [甲, 乙]\n"
    cases = {
        "questions: [\n": ("", "YAML", None),
        head + "    answer: 丙\n": ("questions[0].answer", "答案必须与某个选项的文字完全相同", 4),
        head + "    answer: 3\n": ("questions[0].answer", "应为文字", 4),
        head + "    answer: 甲\n    anwser: 乙\n": ("questions[0].anwser", "是否应为“answer”", 5),
        head + "    answer: 甲\n    clause: §9.z\n": ("questions[0].clause", "条款编号", 5),
        head + "    answer: 甲\n    clause: 《村民委员会组织法》第九十九条\n": (
            "questions[0].clause",
            "法律条文",
            5,
        ),
        "title: 没有题目\n": ("questions", "缺少必填字段", None),
    }
    for i, (text, (field, zh, line)) in enumerate(cases.items()):
        bad = tmp_path / f"bad{i}.yaml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as err:
            load_quiz(bad)
        message = err.value.message("zh")
        assert err.value.field == field and zh in message, (text, message)
        assert err.value.file == str(bad)
        if line is not None:
            assert err.value.line == line, (text, err.value.line)
