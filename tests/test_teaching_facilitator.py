"""Facilitator plans (issue 24 §4): each lesson's ``facilitator.yaml`` — timed segments, what to
project, discussion questions, common mistakes pointing at the class summary's items — checked
against the lesson and rendered in the trainer edition only."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from xsim.errors import InputError
from xsim.rules.clauses import CLAUSES
from xsim.teaching.answers import write_trainee_edition
from xsim.teaching.course_check import lesson_items, validate_course
from xsim.teaching.edition import facilitator_markdown, lesson_notebook
from xsim.teaching.lessons import course_dir, load_facilitator_file, load_quiz_file, load_toc
from xsim.teaching.progress_view import item_title

COURSE = course_dir()
TOC = load_toc(COURSE)
LESSONS = TOC.lessons


def _plan(entry):
    return load_facilitator_file(COURSE / entry.folder / "facilitator.yaml").facilitator


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_every_lesson_has_a_plan_that_fits_its_time(entry):
    plan = _plan(entry)
    assert plan.minutes == entry.minutes
    assert len(plan.segments) >= 2 and len(plan.questions) >= 2 and len(plan.mistakes) >= 2
    assert any(seg.project for seg in plan.segments) or entry.id == "00"


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_mistakes_point_at_what_the_lesson_teaches_and_its_exercises(entry):
    """A mistake's clause is one the lesson takes up (toc, its text or its quiz); its items are
    exercises the lesson has; every § id in the plan exists."""
    here = COURSE / entry.folder
    plan = _plan(entry)
    text = (here / "lesson.md").read_text(encoding="utf-8")
    quiz = load_quiz_file(here / "quiz.yaml").questions if (here / "quiz.yaml").exists() else []
    taught = set(entry.clauses) | {q.clause for q in quiz if q.clause}
    known = lesson_items(here)
    for m in plan.mistakes:
        if m.clause:
            assert m.clause in CLAUSES
            assert m.clause in taught or m.clause in text, (entry.id, m.clause)
        assert set(m.items) <= known, (entry.id, m.items)
    raw = (here / "facilitator.yaml").read_text(encoding="utf-8")
    for ref in re.findall(r"§\d(?:\.[a-z0-9]+)?", raw):
        assert ref in CLAUSES, (entry.id, ref)
    # the class summary shows where to look (lesson 00 is the tool's introduction: no exercise)
    assert any(m.items for m in plan.mistakes) or entry.id == "00"


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_the_trainer_edition_shows_the_plan_and_the_trainee_edition_does_not(entry):
    plan = _plan(entry)
    trainer = "\n".join(c.source for c in lesson_notebook(entry, TOC, "trainer", COURSE).cells)
    trainee = "\n".join(c.source for c in lesson_notebook(entry, TOC, "trainee", COURSE).cells)
    assert "【培训者版·授课安排】" in trainer and "授课安排" not in trainee
    assert f"共 {entry.minutes} 分钟" in trainer
    for seg in plan.segments:
        assert seg.activity in trainer and seg.activity not in trainee
    for q in plan.questions:
        assert q in trainer
    for m in plan.mistakes:
        assert m.mistake in trainer and m.remedy in trainer
        for item in m.items:
            assert item_title(item) in trainer  # in Chinese, as the class summary names it


def test_segments_are_timed_one_after_another():
    entry = next(e for e in LESSONS if e.id == "04")
    text = facilitator_markdown(COURSE / entry.folder)
    starts = [int(a) for a, _ in re.findall(r"<td>(\d+)–(\d+) 分钟</td>", text)]
    ends = [int(b) for _, b in re.findall(r"<td>(\d+)–(\d+) 分钟</td>", text)]
    assert starts[0] == 0 and ends[-1] == entry.minutes and starts[1:] == ends[:-1]


def test_the_trainee_copy_of_the_course_leaves_the_plans_out(tmp_path):
    write_trainee_edition(COURSE, tmp_path / "course")
    assert not list((tmp_path / "course").rglob("facilitator.yaml"))
    assert validate_course(tmp_path / "course").edition == "trainee"


# -- a trainer's typo gets a message naming file, field and what was expected ---------------------


@pytest.fixture
def course_copy(tmp_path) -> Path:
    dst = tmp_path / "course"
    shutil.copytree(COURSE, dst, ignore=shutil.ignore_patterns("_computed"))
    return dst


def _edit(course: Path, lesson: str, change) -> Path:
    path = next(course.glob(f"{lesson}_*")) / "facilitator.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data["facilitator"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _message(course: Path) -> str:
    with pytest.raises(InputError) as err:
        validate_course(course)
    return err.value.message("zh")


def test_minutes_that_do_not_add_up_are_refused(course_copy):
    _edit(course_copy, "04", lambda f: f["segments"][0].update(minutes=15))
    message = _message(course_copy)
    assert "facilitator.yaml" in message and "60" in message and "70" in message


def test_an_item_the_lesson_does_not_have_is_refused(course_copy):
    _edit(course_copy, "04", lambda f: f["mistakes"][0].update(items=["q9"]))
    message = _message(course_copy)
    assert "q9" in message and "本讲没有这项练习" in message


def test_an_item_of_no_exercise_kind_is_refused(course_copy):
    _edit(course_copy, "02", lambda f: f["mistakes"][0].update(items=["第三题"]))
    assert "应为练习的编号" in _message(course_copy)


@pytest.mark.parametrize("where", ["clause", "text"])
def test_a_clause_that_does_not_exist_is_refused(course_copy, where):
    if where == "clause":
        _edit(course_copy, "05", lambda f: f["mistakes"][0].update(clause="§5.9"))
    else:
        _edit(course_copy, "05", lambda f: f["questions"].append("对照 §7.1 怎样做？"))
    message = _message(course_copy)
    assert "facilitator.yaml" in message and ("§7.1" in message or "条款" in message)


def test_a_missing_plan_is_refused_in_the_full_course(course_copy):
    (next(course_copy.glob("06_*")) / "facilitator.yaml").unlink()
    assert "facilitator.yaml" in _message(course_copy)


def test_an_unknown_field_is_refused(course_copy):
    _edit(course_copy, "01", lambda f: f.update(homework="无"))
    assert "homework" in _message(course_copy)
