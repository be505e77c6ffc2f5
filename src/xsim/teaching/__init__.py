"""Teaching widgets for the Chinese notebooks (ipywidgets; all logic testable without a browser).

Widgets (each is an ``ipywidgets.VBox``; leave it as the last expression of a cell to show it):

- :class:`Quiz` / :class:`Question` — self-check with feedback and a score (``quiz``), graded
  through an :class:`AnswerKey` (``answers``: the course files, or a training room's service)
- :class:`ProcedureStepper` / :class:`Step` / :class:`Choice` — the §4 procedure, step by step
- :class:`ParticipantPicker` / :class:`Candidate` — who takes part, judged by the rules engine
- :class:`ScenarioLab` / :func:`form_chooser` — choose a form and organizer options, simulate
- :mod:`xsim.teaching.lessons` — the course's YAML files (toc, quiz, labs, steps), validated
- :class:`FindingsViewer` / :class:`RecordEditor` — findings grouped by step; edit and re-check
- :class:`RecordChecker` — paste or upload a whole YAML case record and check it

Lesson content is data in ``course/`` (see ``docs/teaching.md``). Submodules are imported lazily so that a notebook
that only shows a quiz does not import the model.
"""

from __future__ import annotations

from xsim._lazy import lazy_getattr

_LAZY = {
    "Question": "xsim.teaching.schema",
    "Quiz": "xsim.teaching.quiz",
    "AnswerKey": "xsim.teaching.answers",
    "LocalAnswerKey": "xsim.teaching.answers",
    "answer_key": "xsim.teaching.answers",
    "QuestionCard": "xsim.teaching.quiz",
    "load_quiz": "xsim.teaching.quiz",
    "ProcedureStepper": "xsim.teaching.stepper",
    "Step": "xsim.teaching.stepper",
    "Choice": "xsim.teaching.stepper",
    "lesson_stepper": "xsim.teaching.stepper",
    "ParticipantPicker": "xsim.teaching.picker",
    "Candidate": "xsim.teaching.picker",
    "elevator_candidates": "xsim.teaching.picker",
    "scenario_candidates": "xsim.teaching.picker",
    "ScenarioLab": "xsim.teaching.lab",
    "form_chooser": "xsim.teaching.lab",
    "load_toc": "xsim.teaching.lessons",
    "validate_course": "xsim.teaching.course_check",
    "FindingsViewer": "xsim.teaching.findings",
    "RecordEditor": "xsim.teaching.findings",
    "RecordChecker": "xsim.teaching.findings",
    "elevator_record": "xsim.teaching.cases",
    "apply_patch": "xsim.teaching.cases",
}

__all__ = sorted(_LAZY)

__getattr__ = lazy_getattr(__name__, _LAZY)


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
