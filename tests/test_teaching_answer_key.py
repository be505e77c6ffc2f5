"""Grading through one interface (xsim.teaching.answers): the local key over the course files, a
room's key named by $XSIM_ANSWER_KEY, and the trainees' copy of the course without answers."""

from __future__ import annotations

import sys
import types

import pytest

from xsim.errors import InputError
from xsim.io import load_yaml_file
from xsim.teaching import course
from xsim.teaching.answers import (
    KEY_ENV,
    AnswerKey,
    Judgement,
    LocalAnswerKey,
    answer_key,
    judgement,
    write_trainee_edition,
)
from xsim.teaching.course_check import validate_course
from xsim.teaching.lessons import course_dir, load_quiz_file, load_toc


@pytest.fixture(autouse=True)
def _own_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    monkeypatch.delenv(KEY_ENV, raising=False)


def test_the_local_key_reveals_nothing_on_a_first_wrong_try():
    key = LocalAnswerKey()
    assert isinstance(key, AnswerKey)
    for entry in load_toc().lessons:
        path = course_dir() / entry.folder / "quiz.yaml"
        if not path.exists():
            continue
        for i, q in enumerate(load_quiz_file(path).questions):
            wrong = next(t for t in q.choice_texts if t not in q.answers)
            answer = wrong if not q.multiple_choice else [wrong]
            first = key.judge(entry.id, f"q{i + 1}", answer, attempt=1)
            assert not first.correct and first.right_answer_zh == first.explanation_zh == ""
            assert first.why_zh  # a reason, never the answer
            second = key.judge(entry.id, f"q{i + 1}", answer, attempt=2)
            assert second.right_answer_zh and not second.correct
            right = key.judge(entry.id, f"q{i + 1}", q.answer, attempt=1)
            assert right.correct and right.right_answer_zh


def test_form_situations_are_judged_by_the_key():
    key = LocalAnswerKey()
    assert key.judge("03", "form1", "hearing").correct
    wrong = key.judge("03", "form1", "online")
    assert not wrong.correct and wrong.right_answer_zh == "" and "网络议事平台" in wrong.why_zh
    assert "民主听证会" in key.judge("03", "form1", "online", attempt=2).right_answer_zh


@pytest.mark.parametrize("item", ["x1", "q99", "form99", "q0"])
def test_an_unknown_item_is_an_input_error(item):
    with pytest.raises(InputError):
        LocalAnswerKey().judge("03", item, "甲")


class RoomKey:
    """A room's key: answers from elsewhere; records what the kernel asked."""

    asked: list = []

    def judge(self, lesson, item, answer, attempt=1):
        RoomKey.asked.append((lesson, item, answer, attempt))
        return Judgement(correct=False, right_answer_zh="", explanation_zh="", why_zh="服务说不对")


def test_a_room_key_named_in_the_environment_grades_the_quiz(monkeypatch, tmp_path):
    module = types.ModuleType("xsim_test_room_answers")
    module.RoomKey = RoomKey
    monkeypatch.setitem(sys.modules, "xsim_test_room_answers", module)
    monkeypatch.setenv(KEY_ENV, "xsim_test_room_answers:RoomKey")
    assert isinstance(answer_key(), RoomKey)
    # the trainees' copy of the course: no answers for the kernel to read
    edition = tmp_path / "course"
    write_trainee_edition(course_dir(), edition)
    monkeypatch.setenv("XSIM_COURSE", str(edition))
    quiz = course.quiz("01")
    card = quiz.cards[0]
    assert card.question.answer is None and card.question.explanation == ""
    card.select(1)
    card.submit.click()
    card.select(2)
    card.submit.click()
    assert RoomKey.asked[-2:] == [
        ("01", "q1", card.question.choice_texts[1], 1),
        ("01", "q1", card.question.choice_texts[2], 2),
    ]
    assert "服务说不对" in card.feedback.value
    form = course.FormMatchExercise(lesson="03")
    form.choose(*["online"] * len(form.situations))
    form.submit.click()
    assert RoomKey.asked[-1][:3] == ("03", f"form{len(form.situations)}", "online")


def test_a_misconfigured_room_key_is_a_chinese_message(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "no_such_module:Key")
    with pytest.raises(InputError) as err:
        answer_key()
    assert "答案服务设置有误" in err.value.message("zh")


def test_the_trainee_edition_holds_no_answer_and_still_checks(tmp_path):
    edition = tmp_path / "course"
    write_trainee_edition(course_dir(), edition)
    assert validate_course(edition).edition == "trainee"
    for name, fields in (
        ("quiz.yaml", ("answer:", "explanation:", "why:")),
        ("exercises.yaml", ("fits:", "why:")),
        ("steps.yaml", ("best:",)),  # a choice's explanation is the engine's feedback: it stays
    ):
        text = "\n".join(p.read_text(encoding="utf-8") for p in edition.rglob(name))
        assert text
        for field in fields:
            assert f" {field}" not in text and f"\n{field}" not in text, (name, field)
    lessons = "".join(p.read_text(encoding="utf-8") for p in edition.rglob("lesson.md"))
    assert "参考答案" not in lessons  # the trainer's cells are gone too
    for entry in load_toc(edition).lessons:  # multiple choice still shows check boxes
        path = edition / entry.folder / "quiz.yaml"
        full = course_dir() / entry.folder / "quiz.yaml"
        if path.exists():
            kept = [q.multiple_choice for q in load_quiz_file(path).questions]
            assert kept == [q.multiple_choice for q in load_quiz_file(full).questions]
    assert load_yaml_file(edition / "toc.yaml").data["edition"] == "trainee"


def test_the_full_course_refuses_a_question_without_its_answer(tmp_path):
    import shutil

    full = tmp_path / "course"
    shutil.copytree(course_dir(), full)
    quiz = full / "01_协商内容" / "quiz.yaml"
    quiz.write_text(
        quiz.read_text(encoding="utf-8").replace("  answer:", "  # answer:", 1), encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        validate_course(full)
    assert err.value.field.startswith("questions[") and "答案" in err.value.message("zh")


def test_judgement_is_pure_and_names_every_wrong_choice():
    from xsim.teaching.schema import Question

    q = Question(
        prompt="？",
        choices=["甲", {"text": "乙", "why": "乙错在这里"}, {"text": "丙", "why": "丙也错"}],
        answer=["甲"],
    )
    j = judgement(q, ["乙", "丙"], 1)
    assert j.why_zh.splitlines() == [
        "B. 乙：乙错在这里",
        "C. 丙：丙也错",
        "还漏选了 1 个正确选项。",
    ]
    assert judgement(q, ["乙", "丙"], 1) == j


def test_a_calculation_checks_the_trainees_number(monkeypatch):
    """Lesson 07's "work it out" exercise: the number is checked, never left on paper; the
    answer shows only after a second wrong try."""
    from xsim.teaching import common

    monkeypatch.setattr(common, "BUSY_SETTLE_S", 0)
    ex = course.CalculationExercise(lesson="07")
    ex.fill(980, 990)
    ex.submit.click()
    first = ex.marks[0].value
    assert ex.results == [False, False] and "1000" not in first and "提示" in first
    ex.submit.click()
    assert "正确答案是 1000 人" in ex.marks[0].value
    ex.fill(1000, 1000)
    ex.submit.click()
    assert ex.results == [True, True] and "答对 2 / 2" in ex.status.value
    key = LocalAnswerKey()
    assert key.judge("07", "calc1", "1,000").correct  # a thousands separator is read
    with pytest.raises(InputError):
        key.judge("07", "calc1", "一千")
