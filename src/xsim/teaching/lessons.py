"""The course as data: reading ``course/toc.yaml`` and each lesson's YAML files.

A trainer edits YAML, never Python. Every file is read by one safe YAML loader (:mod:`xsim.io`)
and validated by its model in :mod:`xsim.teaching.schema`; a mistake becomes an
:class:`~xsim.errors.InputError` naming the file, the line and the field, in Chinese
(``course/04_协商程序/quiz.yaml:12：字段「questions[1].answer」：…``).

Layout::

    course/toc.yaml                 order, titles, durations, the notice's clauses each lesson teaches
    course/NN_名称/lesson.md         the lesson text and its code cells (MyST Markdown, jupytext)
    course/NN_名称/quiz.yaml         self-check questions          → :func:`load_quiz_file`
    course/00_导读/pretest.yaml      前测 (后测: 09's posttest.yaml)  → :func:`load_learning_test_file`
    course/NN_名称/labs.yaml         simulations the trainee steers → :func:`load_labs_file`
    course/NN_名称/steps.yaml        a procedure walk-through      → :func:`load_steps_file`
    course/NN_名称/exercises.yaml    the data of exercise widgets  → :func:`lesson_exercises`
    course/NN_名称/claims.yaml       simulated effects the text states → :func:`load_claims_file`
    course/09_综合演练/capstone.yaml  the capstone's options        → :func:`load_capstone_options`

The widgets live in the sibling modules (``quiz``, ``stepper``, ``lab`` …) and ask for their
lesson's data here by the lesson id the notebook passes (``lesson="04"``); this module only turns
files into validated plain objects, so that ``make notebooks`` can check the whole course before
it builds anything (:mod:`xsim.teaching.course_check`).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from xsim.errors import InputError
from xsim.io import format_path as field_path
from xsim.teaching.schema import (
    ClaimsFile,
    ExercisesFile,
    FacilitatorFile,
    GlossaryFile,
    LabControl,
    LabOption,
    LabsFile,
    LabSpec,
    LearningTestFile,
    Question,
    QuizChoice,
    QuizFile,
    RolesFile,
    StepChoice,
    StepsFile,
    StepSpec,
    Toc,
    TocLesson,
)

__all__ = [
    "Toc",
    "TocLesson",
    "QuizFile",
    "LearningTestFile",
    "Question",
    "QuizChoice",
    "LabsFile",
    "LabSpec",
    "LabControl",
    "LabOption",
    "StepsFile",
    "StepSpec",
    "StepChoice",
    "PROBLEMS",
    "course_dir",
    "load_facilitator_file",
    "load_toc",
    "lesson_folder",
    "lesson_file",
    "load_quiz_file",
    "load_learning_test_file",
    "load_labs_file",
    "load_steps_file",
    "find_lab",
    "load_claims_file",
    "load_roles_file",
    "load_exercises_file",
    "lesson_exercises",
    "load_glossary_file",
]


def load_exercises_file(path: Path) -> ExercisesFile:
    return read_course_file(Path(path), ExercisesFile)


def lesson_exercises(lesson: str) -> ExercisesFile:
    """The exercise data of lesson ``"NN"`` (empty when it has no exercises.yaml)."""
    path = lesson_file(lesson, "exercises.yaml")
    return load_exercises_file(path) if path.exists() else ExercisesFile()


def exercise_data(lesson: str, name: str) -> Any:
    """The entry ``name`` of lesson ``"NN"``'s ``exercises.yaml`` (``lead_cases``, ``spot_codes``
    …): what a widget of that lesson shows. Absent → an :class:`InputError` naming the file and
    the entry, so that a lesson whose widget lacks its data fails to build with that message."""
    value = getattr(lesson_exercises(lesson), name)
    if not value:
        raise InputError(
            str(lesson_file(lesson, "exercises.yaml")),
            name,
            f"the entry {name!r} this lesson's exercise reads",
            f"缺少练习用的数据“{name}”（本讲的练习要从这里读取）",
        )
    return value


def load_claims_file(path: Path) -> ClaimsFile:
    return read_course_file(Path(path), ClaimsFile)


def load_roles_file(path: Path) -> RolesFile:
    return read_course_file(Path(path), RolesFile)


def load_facilitator_file(path: Path) -> FacilitatorFile:
    return read_course_file(Path(path), FacilitatorFile)


def load_glossary_file(path: Path) -> GlossaryFile:
    return read_course_file(Path(path), GlossaryFile)


#: the problem codes of the course files' validators (``ValueError("code:field…")`` in
#: :mod:`xsim.teaching.schema`) → what was expected, in English and Chinese
PROBLEMS: dict[str, tuple[str, str]] = {
    "unknown_form": ("a consultation form of xsim.forms", "没有这种协商形式"),
    "unknown_clause": (
        "a notice clause id such as §1.f or a citation such as 《村民委员会组织法》第二十五条",
        "应为《通知》条款编号（如 §1.f）或法律条文（如《村民委员会组织法》第二十五条），"
        "且该条文存在",
    ),
    "answer_not_choice": (
        "the answer must be the text of one of the choices",
        "答案必须与某个选项的文字完全相同",
    ),
    "duplicate_choice": ("each choice only once", "选项不能重复"),
    "options_or_forms": (
        "either 'options' or 'forms', not both or neither",
        "应写 options 或 forms 二者之一",
    ),
    "empty": ("at least one item", "至少应有一项"),
    "clause_required": (
        "the clause the question asks about (前测 and 后测 compare by clause)",
        "前测、后测的每道题都要写明所考的条款（clause），前后测按条款比较",
    ),
    "no_best": (
        "mark at least one choice with 'best: true'",
        "至少要有一个选项标注 best: true（参考做法）",
    ),
    "duplicate": ("a value used only once", "取值重复：每一讲的编号和文件夹只能出现一次"),
    "duplicate_value": ("a value used only once", "取值重复：同一项只能出现一次"),
    "unknown_meeting": (
        "a meeting of the vocabulary (villagers_meeting, owners_meeting …)",
        "没有这种会议（应为 villagers_meeting、owners_meeting 等词表中的会议）",
    ),
    "unknown_law": (
        "a citation of an existing article, such as 《村民委员会组织法》第二十六条",
        "应为存在的法律条文，如《村民委员会组织法》第二十六条",
    ),
    "unknown_scenario": ("a scenario of the library", "情景库中没有这个情景"),
    "unknown_measure": ("a known outcome measure", "没有这项结果指标"),
    "unknown_comparison": (
        "a comparison of policy_comparisons",
        "没有这个比较（policy_comparisons 中的 name）",
    ),
    "unknown_variant": (
        "a variant of the comparison other than its first (the baseline)",
        "这个比较中没有这个方案（第一个方案是基准，不能拿来和自己比）",
    ),
    "unknown_code": ("a rule code of the rules engine", "规则引擎中没有这个规则编号"),
    "unknown_item": (
        "an exercise item id such as q3 or step2",
        "应为练习的编号，如 q3（自测第 3 题）、step2（程序演练第 2 步）",
    ),
}


def course_dir() -> Path:
    """The course folder: ``$XSIM_COURSE``, else ``course/`` of the source tree or of the cwd."""
    env = os.environ.get("XSIM_COURSE")
    candidates = [Path(env)] if env else []
    here = Path(__file__).resolve()
    candidates += [here.parents[3] / "course", Path.cwd() / "course", Path.cwd().parent / "course"]
    for c in candidates:
        if (c / "toc.yaml").is_file():
            return c
    raise InputError(
        "course/toc.yaml", "", "the course folder (set XSIM_COURSE)", "找不到课程文件夹 course/"
    )


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    from typing import get_args

    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            continue
        f = current.model_fields.get(part)
        if f is None:
            return current
        stack, nxt = [f.annotation], None
        while stack:
            t = stack.pop()
            if isinstance(t, type) and issubclass(t, BaseModel):
                nxt = t
                break
            stack.extend(get_args(t))
        if nxt is None:
            return current
        current = nxt
    return current if isinstance(current, type) else None


def _clean_loc(model: type[BaseModel], loc: tuple[Any, ...], unknown_key: bool) -> tuple[Any, ...]:
    """Drop pydantic's union-member tags (``constrained-str``, ``QuizChoice``) from a location;
    ``unknown_key``: the last part is a key the trainer wrote (an unknown field), keep it."""
    out: list[Any] = []
    for i, part in enumerate(loc):
        if isinstance(part, int) or (unknown_key and i == len(loc) - 1):
            out.append(part)
            continue
        parent = _model_at(model, tuple(out))
        if parent is not None and part in parent.model_fields:
            out.append(part)
        elif parent is None or not isinstance(part, str):
            out.append(part)  # inside a free mapping (a lab's ``set``): the trainer's own keys
    return tuple(out)


def _describe(err: dict[str, Any], model: type[BaseModel]) -> tuple[str, str, tuple[Any, ...]]:
    from xsim.io.validation import describe

    kind = err["type"]
    loc = _clean_loc(model, tuple(err["loc"]), kind == "extra_forbidden")
    if kind == "value_error":
        code, *rest = str((err.get("ctx") or {}).get("error", "")).split(":")
        if code in PROBLEMS:
            en, zh = PROBLEMS[code]
            suffix = tuple(int(p) if p.isdigit() else p for p in rest)
            return en, zh, (*loc, *suffix)
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        names = list(parent.model_fields) if parent else []
        close = difflib.get_close_matches(str(loc[-1]), names, n=1)
        hint_en = f"did you mean '{close[0]}'? " if close else ""
        hint_zh = f"是否应为“{close[0]}”？" if close else ""
        valid = ", ".join(names)
        return (
            f"unknown field (a typo?); {hint_en}valid fields here: {valid}",
            f"未知字段（是否拼写错误？）{hint_zh}此处可用的字段：{valid}",
            loc,
        )
    if kind == "string_pattern_mismatch":
        pattern = (err.get("ctx") or {}).get("pattern", "")
        return f"text matching {pattern}", f"格式不对（应符合 {pattern}）", loc
    return describe({**err, "loc": loc}, model, {})


def read_course_file(path: Path, model: type[BaseModel]) -> Any:
    """One course file through the kit's input layer (:mod:`xsim.io`), validated by ``model``."""
    from xsim.io import line_of, load_yaml_file

    doc = load_yaml_file(path)  # safe YAML 1.2, bounded; every problem is an InputError
    if doc.data is None:
        raise InputError(str(path), "", "content; the file is empty", "文件是空的")
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        # A misspelt key shows up as unknown and as missing: name the typo first.
        errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
        en, zh, loc = _describe(errors[0], model)
        more = len(errors) - 1
        if more:
            en += f" (and {more} more problem{'s' if more > 1 else ''})"
            zh += f"（另有{more}处问题）"
        raise InputError(str(path), field_path(loc), en, zh, line_of(doc.lines, loc)) from None


def load_toc(folder: Path | None = None) -> Toc:
    folder = folder or course_dir()
    toc = read_course_file(folder / "toc.yaml", Toc)
    for i, lesson in enumerate(toc.lessons):
        if not (folder / lesson.folder / "lesson.md").is_file():
            raise InputError(
                str(folder / "toc.yaml"),
                f"lessons[{i}].folder",
                f"a folder with lesson.md: {lesson.folder}/lesson.md is missing",
                f"课程文件夹中找不到 {lesson.folder}/lesson.md",
            )
    return toc


def lesson_folder(lesson: str, folder: Path | None = None) -> Path:
    """``course/NN_名称`` of lesson ``"NN"``."""
    folder = folder or course_dir()
    for entry in load_toc(folder).lessons:
        if entry.id == lesson:
            return folder / entry.folder
    raise InputError(
        str(folder / "toc.yaml"), "lessons", f"a lesson {lesson!r}", f"课程目录中没有第 {lesson} 讲"
    )


def lesson_file(lesson: str, name: str, folder: Path | None = None) -> Path:
    """``course/NN_名称/<name>`` of lesson ``"NN"`` (it may not exist)."""
    return lesson_folder(lesson, folder) / name


def load_quiz_file(path: Path) -> QuizFile:
    return read_course_file(Path(path), QuizFile)


def load_learning_test_file(path: Path) -> LearningTestFile:
    """A lesson's ``pretest.yaml`` or ``posttest.yaml`` (:class:`LearningTestFile`)."""
    return read_course_file(Path(path), LearningTestFile)


def load_labs_file(path: Path) -> LabsFile:
    labs = read_course_file(Path(path), LabsFile)
    _check_labs(Path(path), labs)
    return labs


def load_steps_file(path: Path) -> StepsFile:
    return read_course_file(Path(path), StepsFile)


def _check_labs(path: Path, labs: LabsFile) -> None:
    """Names a YAML schema cannot know: scenarios, forms and measures."""
    from xsim.forms import FORMS
    from xsim.io import line_of, load_yaml_file
    from xsim.teaching.measures import known_measure
    from xsim.teaching.schema import _scenario_names

    lines = load_yaml_file(path).lines

    def fail(loc: tuple[Any, ...], en: str, zh: str) -> None:
        raise InputError(str(path), field_path(loc), en, zh, line_of(lines, loc))

    def did_you_mean(value: str, names: list[str]) -> str:
        close = difflib.get_close_matches(value, names, n=1)
        return f"是否应为“{close[0]}”？" if close else ""

    scenarios = list(_scenario_names())
    forms = sorted(FORMS)
    seen: set[str] = set()
    for i, lab in enumerate(labs.labs):
        if lab.id in seen:
            fail(("labs", i, "id"), "a lab id used once", "模拟编号重复")
        seen.add(lab.id)
        if lab.scenario not in scenarios:
            fail(
                ("labs", i, "scenario"),
                f"a scenario of the library: {', '.join(scenarios)}",
                f"情景库中没有“{lab.scenario}”。{did_you_mean(lab.scenario, scenarios)}"
                f"可用的情景：{'、'.join(scenarios)}",
            )
        form_slots: list[tuple[tuple[Any, ...], str | None]] = [(("labs", i, "form"), lab.form)]
        for j, control in enumerate(lab.controls):
            for k, f in enumerate(control.forms or []):
                form_slots.append((("labs", i, "controls", j, "forms", k), f))
            for k, option in enumerate(control.options or []):
                form_slots.append((("labs", i, "controls", j, "options", k, "form"), option.form))
        for loc, f in form_slots:
            if f is not None and f not in FORMS:
                fail(
                    loc,
                    f"a form: {', '.join(forms)}",
                    f"没有“{f}”这种协商形式。{did_you_mean(f, forms)}可用的形式：{'、'.join(forms)}",
                )
        for j, m in enumerate(lab.measures):
            if not known_measure(m):
                fail(
                    ("labs", i, "measures", j),
                    "a known outcome measure",
                    f"没有“{m}”这项结果指标",
                )


def find_lab(lab_id: str, folder: Path | None = None) -> tuple[str, LabSpec]:
    """The lesson id and the lab ``lab_id`` (``"04"``, ``"03b"``) of the lesson whose
    ``labs.yaml`` declares it (lab ids are unique in the course: :mod:`xsim.teaching.course_check`)."""
    folder = folder or course_dir()
    for entry in load_toc(folder).lessons:
        path = folder / entry.folder / "labs.yaml"
        if path.is_file():
            for lab in load_labs_file(path).labs:
                if lab.id == lab_id:
                    return entry.id, lab
    raise InputError(
        str(folder / "toc.yaml"),
        "labs",
        f"a lab with id {lab_id!r}",
        f"课程中没有编号为 {lab_id} 的模拟",
    )
