"""The course as data: ``course/toc.yaml`` and each lesson's ``quiz.yaml``, ``labs.yaml``, ``steps.yaml``.

A trainer edits YAML, never Python. Every file is read by one safe YAML loader and validated with
pydantic; a mistake becomes an :class:`~xsim.errors.InputError` naming the file, the line and the
field, in Chinese (``course/04_协商程序/quiz.yaml:12：字段「questions[1].answer」：…``).

Layout::

    course/toc.yaml                 order, titles, durations, the notice's clauses each lesson teaches
    course/NN_名称/lesson.md         the lesson text and its code cells (MyST Markdown, jupytext)
    course/NN_名称/quiz.yaml         self-check questions        → :func:`load_quiz_file`
    course/NN_名称/labs.yaml         simulations the trainee steers → :func:`load_labs_file`
    course/NN_名称/steps.yaml        a procedure walk-through    → :func:`load_steps_file`

The widgets live in the sibling modules (``quiz``, ``stepper``, ``lab`` …); this module only turns
files into validated plain objects, so that ``make notebooks`` can check the whole course before
it builds anything (:func:`validate_course`).
"""

from __future__ import annotations

import difflib
import os
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xsim.errors import InputError
from xsim.io import format_path as field_path

__all__ = [
    "Toc",
    "TocLesson",
    "QuizFile",
    "QuizQuestion",
    "QuizChoice",
    "LabsFile",
    "LabSpec",
    "LabControl",
    "LabOption",
    "StepsFile",
    "StepSpec",
    "StepChoice",
    "course_dir",
    "load_toc",
    "lesson_folder",
    "load_quiz_file",
    "load_labs_file",
    "load_steps_file",
    "find_lab",
    "load_roles_file",
    "load_exercises_file",
    "lesson_exercises",
    "load_glossary_file",
    "validate_course",
]

Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- toc -------------------------------------------------------------------------------------------


class TocLesson(_Strict):
    """One lesson in the table of contents."""

    id: Annotated[str, Field(pattern=r"^\d\d$")]
    folder: Text  # course/<folder>/lesson.md; also the notebook's name
    title: Text
    summary: Text
    minutes: Annotated[int, Field(gt=0, le=600)]
    clauses: dict[str, Text] = Field(
        default_factory=dict
    )  # clause id → what the lesson does with it


class Toc(_Strict):
    title: Text
    lessons: Annotated[list[TocLesson], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self) -> Toc:
        for key in ("id", "folder"):
            seen: set[str] = set()
            for i, lesson in enumerate(self.lessons):
                value = getattr(lesson, key)
                if value in seen:
                    raise ValueError(f"duplicate:lessons:{i}:{key}")
                seen.add(value)
        return self


# --- quiz ------------------------------------------------------------------------------------------


class QuizChoice(_Strict):
    text: Text
    why: str = ""  # why this choice is wrong: shown before the right answer is revealed


class QuizQuestion(_Strict):
    prompt: Text
    choices: Annotated[list[Text | QuizChoice], Field(min_length=2, max_length=10)]
    answer: Text | Annotated[list[Text], Field(min_length=1)]
    explanation: str = ""
    clause: str | None = None

    @model_validator(mode="after")
    def _answer_among_choices(self) -> QuizQuestion:
        texts = self.choice_texts
        if len(set(texts)) != len(texts):
            raise ValueError("duplicate_choice:choices")
        for i, a in enumerate(self.answers):
            if a not in texts:
                where = "answer" if isinstance(self.answer, str) else f"answer:{i}"
                raise ValueError(f"answer_not_choice:{where}")
        if self.clause is not None and not _known_reference(self.clause):
            raise ValueError("unknown_clause:clause")
        return self

    @property
    def choice_texts(self) -> list[str]:
        return [c if isinstance(c, str) else c.text for c in self.choices]

    @property
    def answers(self) -> list[str]:
        return [self.answer] if isinstance(self.answer, str) else list(self.answer)

    @property
    def correct(self) -> int | list[int]:
        """0-based index of the right choice, or sorted indices for a multiple-choice question."""
        idx = sorted(self.choice_texts.index(a) for a in self.answers)
        return idx[0] if isinstance(self.answer, str) else idx

    @property
    def why(self) -> list[str]:
        return ["" if isinstance(c, str) else c.why for c in self.choices]


class QuizFile(_Strict):
    title: Text = "自我检测"
    questions: Annotated[list[QuizQuestion], Field(min_length=1)]


# --- labs ------------------------------------------------------------------------------------------


class LabOption(_Strict):
    label: Text
    form: str | None = None
    set: dict[str, Any] = Field(default_factory=dict)  # dotted scenario path → value


class LabControl(_Strict):
    label: Text
    options: list[LabOption] | None = None
    forms: list[Text] | None = (
        None  # shorthand: one option per form, labelled with its Chinese name
    )

    @model_validator(mode="after")
    def _one_kind(self) -> LabControl:
        if (self.options is None) == (self.forms is None):
            raise ValueError("options_or_forms:options")
        if self.options is not None and not self.options:
            raise ValueError("empty:options")
        if self.forms is not None and not self.forms:
            raise ValueError("empty:forms")
        return self

    def expanded(self) -> list[LabOption]:
        """The options, with the ``forms`` shorthand written out."""
        if self.options is not None:
            return list(self.options)
        from xsim.forms import FORMS

        return [LabOption(label=FORMS[f].zh, form=f) for f in self.forms or []]


class LabSpec(_Strict):
    id: Text
    title: str = ""
    scenario: Text
    form: str | None = None
    seeds: Annotated[int, Field(ge=1, le=20)] = 4
    controls: Annotated[list[LabControl], Field(min_length=1)]
    measures: Annotated[list[Text], Field(min_length=1)]


class LabsFile(_Strict):
    labs: Annotated[list[LabSpec], Field(min_length=1)]


# --- steps -----------------------------------------------------------------------------------------


class StepChoice(_Strict):
    label: Text
    set: dict[str, Any] = Field(default_factory=dict)  # patch on the case record
    explanation: str = ""
    best: bool = False  # the reference choice (trainer edition; answer-position test)


class StepSpec(_Strict):
    clause: Text
    title: Text
    question: Text
    codes: Annotated[list[Text], Field(min_length=1)]
    choices: Annotated[list[StepChoice], Field(min_length=2, max_length=10)]

    @model_validator(mode="after")
    def _has_best(self) -> StepSpec:
        if not any(c.best for c in self.choices):
            raise ValueError("no_best:choices")
        return self


class StepsFile(_Strict):
    record: Annotated[str, Field(pattern=r"^(elevator|results|village)$")]
    steps: Annotated[list[StepSpec], Field(min_length=1)]


# --- exercise data (exercises.yaml) ---------------------------------------------------------------


class Matter(_Strict):
    text: Text
    set: dict[str, Any] = Field(default_factory=dict)  # patch on the lesson's village record


class LeadCaseData(_Strict):
    text: Text
    scope: Literal["group", "whole", "cross_community"]


class FormSituationData(_Strict):
    text: Text
    fits: Annotated[list[Text], Field(min_length=1)]
    why: Text
    clause: Text

    @model_validator(mode="after")
    def _known(self) -> FormSituationData:
        from xsim.forms import FORMS

        for i, form in enumerate(self.fits):
            if form not in FORMS:
                raise ValueError(f"unknown_form:fits:{i}")
        if not _known_reference(self.clause):
            raise ValueError("unknown_clause:clause")
        return self


class QuorumMeetingData(_Strict):
    """A meeting the quorum calculator offers and the article its quorum and majority rest on."""

    meeting: Text
    law: Text  # 《村民委员会组织法》第二十六条

    @model_validator(mode="after")
    def _known(self) -> QuorumMeetingData:
        from xsim import vocabulary as V
        from xsim.teaching.common import law_reference

        if self.meeting not in V.MEETINGS:
            raise ValueError("unknown_meeting:meeting")
        if law_reference(self.law) is None:
            raise ValueError("unknown_law:law")
        return self


class PolicyVariantData(_Strict):
    """One variant of a policy comparison: a name, a consultation form, scenario overrides."""

    name: Text
    form: str | None = None
    set: dict[str, Any] = Field(default_factory=dict)  # dotted scenario paths → values

    @model_validator(mode="after")
    def _known(self) -> PolicyVariantData:
        from xsim.forms import FORMS

        if self.form is not None and self.form not in FORMS:
            raise ValueError("unknown_form:form")
        return self


class PolicyComparisonData(_Strict):
    """A comparison of lesson 08: its name, a scenario of the library and two or more variants."""

    name: Text  # how the lesson asks for it: course.policy_table("forms")
    scenario: Text
    variants: Annotated[list[PolicyVariantData], Field(min_length=2)]

    @model_validator(mode="after")
    def _known(self) -> PolicyComparisonData:
        if self.scenario not in _scenario_names():
            raise ValueError("unknown_scenario:scenario")
        names = [v.name for v in self.variants]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ValueError(f"duplicate_value:variants:{i}:name")
        return self


def _measures_known(measures: list[str] | None) -> None:
    from xsim.teaching.lab import known_measure

    for i, m in enumerate(measures or []):
        if not known_measure(m):
            raise ValueError(f"unknown_measure:policy_measures:{i}")


class ExercisesFile(_Strict):
    """``exercises.yaml``: the data of a lesson's exercise widgets (each key optional)."""

    matters: list[Matter] | None = None
    lead_cases: list[LeadCaseData] | None = None
    form_situations: list[FormSituationData] | None = None
    #: lesson 04: the quorum calculator's meetings, in the order offered
    quorum_meetings: Annotated[list[QuorumMeetingData], Field(min_length=1)] | None = None
    #: lesson 08: the measures of the comparison tables, and the comparisons by name
    policy_measures: Annotated[list[Text], Field(min_length=1)] | None = None
    policy_comparisons: list[PolicyComparisonData] | None = None

    @model_validator(mode="after")
    def _unique_names(self) -> ExercisesFile:
        for key, values in (
            ("quorum_meetings", [m.meeting for m in self.quorum_meetings or []]),
            ("policy_comparisons", [c.name for c in self.policy_comparisons or []]),
        ):
            for i, value in enumerate(values):
                if value in values[:i]:
                    field = "meeting" if key == "quorum_meetings" else "name"
                    raise ValueError(f"duplicate_value:{key}:{i}:{field}")
        _measures_known(self.policy_measures)
        return self


def load_exercises_file(path: Path) -> ExercisesFile:
    return _read(Path(path), ExercisesFile)


def lesson_exercises(lesson: str) -> ExercisesFile:
    """The exercise data of lesson ``"NN"`` (empty when it has no exercises.yaml)."""
    path = lesson_folder(lesson) / "exercises.yaml"
    return load_exercises_file(path) if path.exists() else ExercisesFile()


# --- handouts: role cards and the glossary ---------------------------------------------------------


class RoleCard(_Strict):
    name: Text
    situation: Text
    concerns: Text
    task: Text


class RolesFile(_Strict):
    """``roles.yaml`` of a role-play lesson: the cards printed for the participants."""

    title: Text
    roles: Annotated[list[RoleCard], Field(min_length=2)]


class GlossaryTerm(_Strict):
    term: Text
    meaning: Text
    example: Text


class GlossaryFile(_Strict):
    """``course/handouts/glossary.yaml``: the one-page glossary with worked numbers."""

    title: Text
    terms: Annotated[list[GlossaryTerm], Field(min_length=1)]


def load_roles_file(path: Path) -> RolesFile:
    return _read(Path(path), RolesFile)


def load_glossary_file(path: Path) -> GlossaryFile:
    return _read(Path(path), GlossaryFile)


# --- reading ---------------------------------------------------------------------------------------


def _known_reference(text: str) -> bool:
    """A notice clause id (``§1.f``) or a citation of an existing article (《…》第N条)."""
    from xsim.rules.clauses import CLAUSES
    from xsim.teaching.common import law_reference

    return all(
        part.strip() in CLAUSES or law_reference(part) is not None for part in text.split(";")
    )


_RULES: dict[str, tuple[str, str]] = {
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
        if code in _RULES:
            en, zh = _RULES[code]
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


def _read(path: Path, model: type[BaseModel]) -> Any:
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
    toc = _read(folder / "toc.yaml", Toc)
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


def load_quiz_file(path: Path) -> QuizFile:
    return _read(Path(path), QuizFile)


def load_labs_file(path: Path) -> LabsFile:
    labs = _read(Path(path), LabsFile)
    _check_labs(Path(path), labs)
    return labs


def load_steps_file(path: Path) -> StepsFile:
    return _read(Path(path), StepsFile)


@cache
def _scenario_names() -> tuple[str, ...]:
    from xsim.sim.scenario import bundled_names

    return tuple(bundled_names())


def _check_labs(path: Path, labs: LabsFile) -> None:
    """Names a YAML schema cannot know: scenarios, forms and measures."""
    from xsim.forms import FORMS
    from xsim.io import line_of, load_yaml_file
    from xsim.teaching.lab import known_measure

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


def find_lab(lab_id: str, folder: Path | None = None) -> LabSpec:
    """The lab ``lab_id`` (``"04"``, ``"03b"``) from its lesson's ``labs.yaml``."""
    path = lesson_folder(lab_id[:2], folder) / "labs.yaml"
    for lab in load_labs_file(path).labs:
        if lab.id == lab_id:
            return lab
    raise InputError(str(path), "labs", f"a lab with id {lab_id!r}", f"没有编号为 {lab_id} 的模拟")


def validate_course(folder: Path | None = None) -> Toc:
    """Read and check every file of the course; the first problem raises :class:`InputError`."""
    folder = folder or course_dir()
    toc = load_toc(folder)
    for entry in toc.lessons:
        here = folder / entry.folder
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
            from xsim.teaching.capstone import load_rubric

            load_rubric(here / "rubric.yaml")
    if (folder / "handouts" / "glossary.yaml").exists():
        load_glossary_file(folder / "handouts" / "glossary.yaml")
    return toc
