"""The course home (lesson 00), progress saved as a trainee answers, busy buttons, the glossary."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from xsim import vocabulary as V
from xsim.teaching import course, progress
from xsim.teaching.display import BUSY_LABEL
from xsim.teaching.lessons import load_toc
from xsim.teaching.panels import GLOSSARY_TABLES, glossary_terms
from xsim.teaching.quiz import Quiz
from xsim.teaching.schema import Question

ROOT = Path(__file__).resolve().parents[1]


def test_home_lists_every_lesson_with_its_time_and_a_link_to_its_notebook():
    from xsim.teaching.edition import notebook_name

    page = course.home()
    toc = load_toc()
    links = re.findall(r'<a href="([^"]+)"', page._repr_html_())
    assert links == [notebook_name(e) for e in toc.lessons]
    for e in toc.lessons:
        assert (ROOT / "notebooks" / notebook_name(e)).exists(), e.id
        assert f"{e.id} {e.title}（{e.minutes} 分钟）" in repr(page)
    total = sum(e.minutes for e in toc.lessons)
    assert f"约 {total} 分钟" in page._repr_html_()


def test_lesson_00_shows_home_progress_glossary_and_keeps_its_first_quiz_answer_b():
    text = (ROOT / "course" / "00_导读" / "lesson.md").read_text(encoding="utf-8")
    cells = re.findall(r"```\{code-cell\}\n(.*?)```", text, re.S)
    calls = [c.strip().splitlines()[-1] for c in cells]
    assert calls.index("course.home()") < calls.index('course.quiz("00")')
    assert "course.my_progress()" in calls and "course.glossary()" in calls
    trainer = [c for c in cells if "course.classroom(" in c]
    assert trainer and ":tags: [trainer]" in trainer[0]  # the class summary is the trainer's
    quiz = (ROOT / "course" / "00_导读" / "quiz.yaml").read_text(encoding="utf-8")
    assert "提出协商议题" in quiz  # tests/test_browser.py answers B. 提出协商议题


def test_trainer_notebook_merges_a_rooms_exports():
    nb = json.loads((ROOT / "trainer" / "班级汇总.ipynb").read_text("utf-8"))
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "classroom" in code
    assert all(
        c["metadata"]["jupyter"]["source_hidden"] for c in nb["cells"] if c["cell_type"] == "code"
    )
    panel = course.classroom("进度文件")
    assert repr(panel) == "<班级汇总>"


def _quiz(lesson="zz"):
    return Quiz.of(
        [
            Question(
                prompt="一？",
                choices=[{"text": "甲", "why": "不对"}, "乙"],
                answer="乙",
                clause="§4.2",
            ),
            Question(prompt="二？（多选）", choices=["甲", "乙", "丙"], answer=["甲", "丙"]),
        ],
        lesson=lesson,
    )


def test_quiz_saves_each_answer_under_the_lesson_as_it_is_given():
    quiz = _quiz()
    assert progress.load().items == {"zz": ["q1", "q2"]}  # registered when shown
    quiz.cards[0].select(0)
    quiz.cards[0].submit.click()
    quiz.cards[0].select(1)
    quiz.cards[0].submit.click()
    attempts = progress.load().attempts
    assert [(a.item, a.correct, a.answer, a.clause) for a in attempts] == [
        ("q1", False, "A. 甲", "§4.2"),
        ("q1", True, "B. 乙", "§4.2"),
    ]
    first = progress.load().first_attempts()
    assert first[("zz", "q1")].correct is False  # the first attempt scores, as in the quiz


def test_a_quiz_without_a_lesson_saves_nothing():
    quiz = _quiz(lesson=None)
    quiz.cards[0].select(1)
    quiz.cards[0].submit.click()
    assert progress.load().attempts == []


def test_course_quiz_records_under_its_toc_id():
    quiz = course.quiz("01")
    assert quiz.lesson == "01"
    assert progress.load().items["01"] == [f"q{i + 1}" for i in range(len(quiz.cards))]


def test_submit_button_reads_busy_while_it_works_and_feedback_scrolls_into_view():
    quiz = _quiz(lesson=None)
    card = quiz.cards[0]
    seen = []
    card.feedback.observe(
        lambda ch: seen.append((card.submit.description, card.submit.disabled)), names="value"
    )
    card.select(1)
    card.submit.click()
    assert seen and set(seen) == {(BUSY_LABEL, True)}
    assert (card.submit.description, card.submit.disabled) == ("提交答案", False)
    assert card.scroll.shown == 1


def test_glossary_names_every_term_once_from_the_vocabulary():
    text = repr(course.glossary())
    for table, _ in GLOSSARY_TABLES:
        for term in glossary_terms(table):
            assert term.zh in text, (table, term.key)
    assert "；" in text  # names holding 、 stay whole


@pytest.mark.parametrize("key", ["hearing"])
def test_the_notices_word_names_the_form(key):
    from xsim.rules.clauses import CLAUSES

    notice = "".join(c.text_zh for c in CLAUSES.values() if not c.is_law)
    assert V.FORMS[key].zh in notice


def test_exercises_save_answers_under_their_lesson():
    ex = course.ThresholdExercise(residents=863, representatives=27, lesson="01")
    ex.villagers_answer.value, ex.reps_answer.value = 87, 5  # 27 / 5 = 5.4: 6 needed
    ex.submit.click()
    spot = course.SpotExercise("07", lesson="07")
    spot.select(*spot.truth)
    spot.submit.click()
    shown = spot.feedback.value.split("规则引擎")[0]
    assert not re.search(r"[A-Z]{2,}-[A-Z]", shown) and "找对了：“" in shown  # titles, not codes
    p = progress.load()
    assert p.items["01"] == ["threshold"] and p.items["07"] == ["spot07"]
    got = [(a.lesson, a.item, a.correct) for a in p.attempts]
    assert got == [("01", "threshold", False), ("07", "spot07", True)]


@pytest.mark.parametrize(
    "folder, call",
    [
        ("01_协商内容", 'ThresholdExercise(residents=863, representatives=27, lesson="01")'),
        ("02_协商主体", 'LeadExercise(lesson="02")'),
        ("07_案例_征地补偿与外嫁女权益", 'SpotExercise("07", lesson="07")'),
        ("08_政策比较", 'PredictionExercise("forms", lesson="08")'),
    ],
)
def test_lessons_pass_their_toc_id_to_their_exercises(folder, call):
    text = (ROOT / "course" / folder / "lesson.md").read_text(encoding="utf-8")
    assert f"course.{call}" in text
    assert folder.split("_")[0] in {e.id for e in load_toc().lessons}
