"""Grading behind one small interface: an :class:`AnswerKey` judges a trainee's answer.

The widgets that grade from answers held in the course's YAML — the quizzes (items ``q1`` …,
``quiz.yaml``), lesson 03's form situations (items ``form1`` …) and the calculations (items
``calc1`` …, both ``exercises.yaml``) — show the
question from the course files and ask the key for the :class:`Judgement`; they never read an
answer themselves. Two keys:

- :class:`LocalAnswerKey` reads the course's YAML in the trainee's own kernel (the default);
- a training room sets ``$XSIM_ANSWER_KEY`` to ``module:attr`` (a class or factory called with
  no arguments) whose key asks the room's service, and gives the trainees a copy of the course
  without the answers (:func:`write_trainee_edition`), so that their kernels cannot read them.

The key decides what a try reveals (:func:`judgement`, the one rule): a wrong try gets the reason
each chosen wrong option is wrong (every wrong option has its own) and, for multiple choice, how
many right ones are missing; the right answer and the explanation come with a right try or after
:data:`REVEAL_AFTER_WRONG` wrong ones — never on the first wrong try.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from xsim.errors import InputError
from xsim.teaching.schema import CalculationData, FormSituationData, Question

__all__ = [
    "KEY_ENV",
    "LETTERS",
    "REVEAL_AFTER_WRONG",
    "AnswerKey",
    "Judgement",
    "LocalAnswerKey",
    "QUIZ_FILES",
    "answer_key",
    "choice_label",
    "calculation_judgement",
    "form_judgement",
    "judgement",
    "write_trainee_edition",
]

KEY_ENV = "XSIM_ANSWER_KEY"
LETTERS = "ABCDEFGHIJ"
#: the right answer is shown with the try after this many wrong ones (never on the first)
REVEAL_AFTER_WRONG = 2


@dataclass(frozen=True)
class Judgement:
    """What a trainee is told after one try (plain data: a key may send it as JSON)."""

    correct: bool
    right_answer_zh: str  # "" until revealed
    explanation_zh: str  # "" until revealed
    why_zh: str = ""  # why the chosen options are wrong, one line each


@runtime_checkable
class AnswerKey(Protocol):
    """``lesson``: the lesson id (``"03"``); ``item``: the progress item id (``q2``, ``form1``);
    ``answer``: the chosen option text(s), or a form key; ``attempt``: 1 + the number of the
    trainee's earlier wrong tries at this item. May raise :class:`InputError` for an unknown
    lesson or item."""

    def judge(
        self, lesson: str, item: str, answer: str | list[str], attempt: int = 1
    ) -> Judgement: ...


def choice_label(question: Question, index: int) -> str:
    """Choice ``index`` as shown: ``B. 五分之一以上``."""
    return f"{LETTERS[index]}. {question.choice_texts[index]}"


def _revealed(correct: bool, attempt: int) -> bool:
    return correct or attempt >= REVEAL_AFTER_WRONG


def judgement(question: Question, answer: str | Sequence[str], attempt: int = 1) -> Judgement:
    """How a quiz answer (option text, or texts for multiple choice) is judged and what it reveals."""
    texts = question.choice_texts
    chosen = {answer} if isinstance(answer, str) else set(answer)
    unknown = chosen - set(texts)
    if unknown:
        raise InputError(
            "<quiz>", "answer", f"options of the question, not {unknown}", "没有这个选项"
        )
    right = set(question.answers)
    correct = chosen == right
    lines = [
        f"{choice_label(question, i)}：{question.why[i] or '这个选项不对。'}"
        for i, t in enumerate(texts)
        if t in chosen - right
    ]
    missed = len(right - chosen)
    if missed and not correct and question.multiple_choice:
        lines.append(f"还漏选了 {missed} 个正确选项。")
    shown = _revealed(correct, attempt)
    right_text = "、".join(choice_label(question, i) for i, t in enumerate(texts) if t in right)
    return Judgement(
        correct=correct,
        right_answer_zh=right_text if shown else "",
        explanation_zh=question.explanation if shown else "",
        why_zh="\n".join(lines) if not correct else "",
    )


def form_judgement(situation: FormSituationData, answer: str, attempt: int = 1) -> Judgement:
    """How a form picked for one of lesson 03's situations is judged and what it reveals."""
    from xsim import vocabulary as V

    correct = answer in situation.fits
    shown = _revealed(correct, attempt)
    fits = "、".join(V.label(V.FORMS, f) for f in situation.fits)
    why = ""
    if not correct:
        name = V.label(V.FORMS, answer) if answer in V.FORMS else answer
        why = (
            f"“{name}”不太适合这种情形。想一想这件事涉及哪些人、他们方便怎样参加，"
            "读一读下面的条款。"
        )
    return Judgement(
        correct=correct,
        right_answer_zh=fits if shown else "",
        explanation_zh=situation.why if shown else "",
        why_zh=why,
    )


def calculation_judgement(calc: CalculationData, answer: str, attempt: int = 1) -> Judgement:
    """How a number typed for a calculation is judged and what it reveals."""
    try:
        value = int(str(answer).strip().replace(",", "").replace("，", ""))
    except ValueError:
        raise InputError("<calculation>", "answer", "a whole number", "请填写一个整数") from None
    correct = value == calc.answer
    shown = _revealed(correct, attempt)
    return Judgement(
        correct=correct,
        right_answer_zh=f"{calc.answer} {calc.unit}" if shown else "",
        explanation_zh=calc.explanation if shown else "",
        why_zh="" if correct else f"您填的是 {value} {calc.unit}。提示：{calc.hint}",
    )


#: the question files of a lesson, by the prefix of their items: the self-check quiz (``q1`` …),
#: the 前测 (``pre1`` …, lesson 00) and the 后测 (``post1`` …, lesson 09)
QUIZ_FILES = {"q": "quiz.yaml", "pre": "pretest.yaml", "post": "posttest.yaml"}

_ITEM = re.compile(r"^(?P<kind>q|pre|post|form|calc)(?P<n>[1-9]\d*)$")


class LocalAnswerKey:
    """Answers read in this kernel: the course's YAML (``course_dir``, default the course), or
    questions given in code (``quizzes``: quiz id → questions; items ``q1`` …)."""

    def __init__(
        self,
        course_dir: str | Path | None = None,
        quizzes: Mapping[str, Sequence[Question]] | None = None,
    ):
        self.course_dir = Path(course_dir) if course_dir is not None else None
        self.quizzes = {k: list(v) for k, v in (quizzes or {}).items()}

    def _file(self, lesson: str, name: str) -> Path:
        from xsim.teaching.lessons import lesson_file

        return lesson_file(lesson, name, self.course_dir)

    def questions(self, lesson: str, file: str = "quiz.yaml") -> list[Question]:
        if lesson in self.quizzes:
            return self.quizzes[lesson]
        from xsim.teaching.lessons import load_quiz_file

        return list(load_quiz_file(self._file(lesson, file)).questions)

    def judge(self, lesson: str, item: str, answer: str | list[str], attempt: int = 1) -> Judgement:
        m = _ITEM.match(item)
        if m is None:
            raise InputError("<answers>", item, "an item q1… or form1…", f"没有这道题：{item}")
        n = int(m.group("n"))
        if m.group("kind") in QUIZ_FILES:
            questions = self.questions(lesson, QUIZ_FILES[m.group("kind")])
            if n > len(questions) or questions[n - 1].answer is None:
                raise InputError(
                    "<answers>", item, "a question with its answer", f"没有这道题的答案：{item}"
                )
            return judgement(questions[n - 1], answer, attempt)
        from xsim.teaching.lessons import load_exercises_file

        data = load_exercises_file(self._file(lesson, "exercises.yaml"))
        if m.group("kind") == "calc":
            calcs = data.calculations or []
            if n > len(calcs) or calcs[n - 1].answer is None:
                raise InputError(
                    "<answers>", item, "a calculation with its answer", f"没有这道题的答案：{item}"
                )
            return calculation_judgement(calcs[n - 1], str(answer), attempt)
        situations = data.form_situations or []
        if n > len(situations) or not situations[n - 1].fits:
            raise InputError(
                "<answers>", item, "a situation with its forms", f"没有这道题的答案：{item}"
            )
        if not isinstance(answer, str):
            raise InputError("<answers>", item, "one form", "请选择一种形式")
        return form_judgement(situations[n - 1], answer, attempt)


def answer_key() -> AnswerKey:
    """The key of this kernel: ``$XSIM_ANSWER_KEY`` (``module:attr``, called with no arguments)
    when set, else a :class:`LocalAnswerKey` over the course files."""
    spec = os.environ.get(KEY_ENV, "").strip()
    if not spec:
        return LocalAnswerKey()
    module, _, attr = spec.partition(":")
    try:
        key = getattr(importlib.import_module(module), attr)()
    except Exception as exc:  # a room's misconfiguration: name it, never a traceback
        raise InputError(
            KEY_ENV,
            "",
            f"module:attr of an answer key, not {spec!r} ({exc})",
            f"答案服务设置有误（{spec}），请培训老师检查",
        ) from None
    if not isinstance(key, AnswerKey):
        raise InputError(KEY_ENV, "", "an object with judge()", f"答案服务设置有误（{spec}）")
    return key


# -- the trainees' copy of the course, without answers ---------------------------------------------

#: fields holding answers, per course file: removed from the trainee edition
ANSWER_FIELDS = {
    **{name: ("answer", "explanation", "why") for name in QUIZ_FILES.values()},
    "exercises.yaml": ("fits", "why", "answer", "explanation"),
    "steps.yaml": ("best",),
}

#: course files for the trainer only: left out of the trainee edition (the facilitator plan's
#: common mistakes name the right answers)
TRAINER_FILES = frozenset({"facilitator.yaml"})

#: a cell of the trainer's edition in a lesson's MyST source: from its marker to the next ``+++``
_TRAINER_CELL = re.compile(
    r'^\+\+\+ \{"tags": \["(?:answer|trainer)"\]\}\n.*?^\+\+\+\n', re.M | re.S
)


def _strip(data: Any, fields: Sequence[str], quiz: bool = False) -> Any:
    if isinstance(data, dict):
        out = {k: _strip(v, fields, quiz) for k, v in data.items() if k not in fields}
        if quiz and "answer" in data and "prompt" in data:
            out["multiple"] = isinstance(data["answer"], list)  # check boxes or radio buttons
        return out
    if isinstance(data, list):
        return [_strip(v, fields, quiz) for v in data]
    return data


def write_trainee_edition(course_dir: str | Path, out: str | Path) -> None:
    """A copy of the course at ``out`` for trainees' kernels: every answer field removed from
    the quizzes, the form situations and the walk-throughs' reference choices; the lessons'
    text without the trainer's cells; the stored results as they are. ``toc.yaml`` is marked
    ``edition: trainee`` (its loaders then accept the missing fields)."""
    import yaml

    from xsim.teaching.lessons import load_toc

    src, dst = Path(course_dir), Path(out)
    toc = load_toc(src)
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    if (src / "_computed").is_dir():
        shutil.copytree(src / "_computed", dst / "_computed")
    if (src / "handouts").is_dir():
        shutil.copytree(src / "handouts", dst / "handouts")
    from xsim.io import load_yaml_file

    toc_data = dict(load_yaml_file(src / "toc.yaml").data)
    toc_data["edition"] = "trainee"
    (dst / "toc.yaml").write_text(
        yaml.safe_dump(toc_data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    for entry in toc.lessons:
        here, there = src / entry.folder, dst / entry.folder
        there.mkdir()
        for path in sorted(here.iterdir()):
            if path.name in TRAINER_FILES:
                continue
            if path.suffix in (".yaml", ".yml"):
                data = load_yaml_file(path).data
                fields = ANSWER_FIELDS.get(path.name, ())
                stripped = _strip(data, fields, quiz=path.name in QUIZ_FILES.values())
                text = yaml.safe_dump(stripped, allow_unicode=True, sort_keys=False)
                (there / path.name).write_text(text, encoding="utf-8")
            elif path.name == "lesson.md":
                text = _TRAINER_CELL.sub("", path.read_text(encoding="utf-8"))
                (there / path.name).write_text(text, encoding="utf-8")
