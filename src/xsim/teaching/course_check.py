"""Check the whole course before anything is built (``tools/build_course.py --check``).

Every file is read through its model (:mod:`xsim.teaching.lessons`); then the names a schema
cannot know are checked: clause ids and law citations, scenario paths and values of ``set``,
forms allowed in a setting, rule codes, lesson folders. The first problem is one
:class:`~xsim.errors.InputError` with file, line and field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xsim.errors import InputError
from xsim.teaching.lessons import (
    course_dir,
    load_exercises_file,
    load_glossary_file,
    load_labs_file,
    load_quiz_file,
    load_roles_file,
    load_steps_file,
    load_toc,
)
from xsim.teaching.schema import Toc

__all__ = ["validate_course"]


def _fail(path: Path, loc: tuple[Any, ...], en: str, zh: str) -> None:
    from xsim.io import format_path, line_of, load_yaml_file

    lines = load_yaml_file(path).lines
    raise InputError(str(path), format_path(loc), en, zh, line_of(lines, loc))


def _check_answers(here: Path) -> None:
    """The answers the full course must hold (a trainee edition has none): each question's
    answer and a reason for each wrong option, each situation's forms and why, each step's
    reference choice."""
    quiz = here / "quiz.yaml"
    if quiz.exists():
        for i, q in enumerate(load_quiz_file(quiz).questions):
            if q.answer is None:
                _fail(quiz, ("questions", i), "an answer", "缺少答案（answer）")
            for j, c in enumerate(q.choices):
                text = c if isinstance(c, str) else c.text
                if text not in q.answers and (isinstance(c, str) or not c.why.strip()):
                    _fail(
                        quiz,
                        ("questions", i, "choices", j),
                        "every wrong option with its own reason: {text: …, why: …}",
                        "每个错误选项都要写出它错在哪里（写成 {text: …, why: …}）",
                    )
    exercises = here / "exercises.yaml"
    if exercises.exists():
        data = load_exercises_file(exercises)
        for i, c in enumerate(data.calculations or []):
            if c.answer is None or not c.explanation.strip():
                _fail(
                    exercises,
                    ("calculations", i),
                    "answer and explanation",
                    "缺少答案（answer）或解析（explanation）",
                )
        for i, s in enumerate(data.form_situations or []):
            if not s.fits or not s.why.strip():
                _fail(
                    exercises,
                    ("form_situations", i),
                    "fits and why",
                    "缺少合适的形式（fits）或理由（why）",
                )
    steps = here / "steps.yaml"
    if steps.exists():
        for i, step in enumerate(load_steps_file(steps).steps):
            if not any(c.best for c in step.choices):
                _fail(
                    steps,
                    ("steps", i, "choices"),
                    "mark at least one choice with 'best: true'",
                    "至少要有一个选项标注 best: true（参考做法）",
                )


def validate_course(folder: Path | None = None) -> Toc:
    """Read and check every file of the course; the first problem raises :class:`InputError`."""
    folder = folder or course_dir()
    toc = load_toc(folder)
    for entry in toc.lessons:
        here = folder / entry.folder
        if toc.edition == "full":
            _check_answers(here)
        if (here / "quiz.yaml").exists():
            load_quiz_file(here / "quiz.yaml")
        if (here / "labs.yaml").exists():
            load_labs_file(here / "labs.yaml")
        if (here / "steps.yaml").exists():
            load_steps_file(here / "steps.yaml")
        if (here / "exercises.yaml").exists():
            load_exercises_file(here / "exercises.yaml")
        if (here / "roles.yaml").exists():
            load_roles_file(here / "roles.yaml")
        if (here / "rubric.yaml").exists():  # lesson 09's capstone
            from xsim.teaching.capstone.scoring import load_rubric

            load_rubric(here / "rubric.yaml")
        if (here / "capstone.yaml").exists():
            from xsim.teaching.capstone.plan import load_options

            load_options(path=here / "capstone.yaml")
    if (folder / "handouts" / "glossary.yaml").exists():
        load_glossary_file(folder / "handouts" / "glossary.yaml")
    return toc
