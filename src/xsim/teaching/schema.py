"""The course's data files as pydantic models: what each YAML file of ``course/`` may hold.

One model per file kind (``toc.yaml`` → :class:`Toc`, ``quiz.yaml`` → :class:`QuizFile` of
:class:`Question`, ``labs.yaml`` → :class:`LabsFile`, ``steps.yaml`` → :class:`StepsFile`,
``exercises.yaml`` → :class:`ExercisesFile`, ``claims.yaml`` → :class:`ClaimsFile`, the
capstone's ``capstone.yaml`` → :class:`CapstoneOptions`, ``pretest.yaml``/``posttest.yaml`` →
:class:`LearningTestFile`, ``roles.yaml``, the glossary, ``facilitator.yaml`` →
:class:`FacilitatorFile`). Reading
them (safe YAML, line numbers, Chinese messages) is :mod:`xsim.teaching.lessons`; the widgets
take these plain, frozen objects. Validators raise ``ValueError("code:field…")`` with a code of
:data:`xsim.teaching.lessons.PROBLEMS`, which the reader turns into a message naming the field.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    #: ``trainee``: a training room's copy without the answers (:mod:`xsim.teaching.answers`)
    edition: Literal["full", "trainee"] = "full"
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


class Question(_Strict):
    """A quiz question with its key: the one question type of the course (``quiz.yaml`` entries,
    and questions a widget builds, such as lesson 08's predictions). ``answer`` is the text of the
    right choice, or a list of texts for multiple choice. A trainee's screen gets only
    :meth:`view` (:mod:`xsim.teaching.answers` grades through an answer key)."""

    prompt: Text
    choices: Annotated[list[Text | QuizChoice], Field(min_length=2, max_length=10)]
    #: absent only in the trainees' copy of a training room (``edition: trainee``)
    answer: Text | Annotated[list[Text], Field(min_length=1)] | None = None
    explanation: str = ""
    clause: str | None = None
    #: check boxes rather than radio buttons; written only where ``answer`` is absent
    multiple: bool | None = None

    @model_validator(mode="after")
    def _answer_among_choices(self) -> Question:
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
        if self.answer is None:
            return []
        return [self.answer] if isinstance(self.answer, str) else list(self.answer)

    @property
    def correct(self) -> int | list[int]:
        """0-based index of the right choice, or sorted indices for a multiple-choice question."""
        idx = sorted(self.choice_texts.index(a) for a in self.answers)
        return idx[0] if isinstance(self.answer, str) else idx

    @property
    def correct_set(self) -> frozenset[int]:
        return frozenset(self.choice_texts.index(a) for a in self.answers)

    @property
    def multiple_choice(self) -> bool:
        """Multiple choice (check boxes) when ``answer`` is a list, else single choice."""
        if self.answer is None:
            return bool(self.multiple)
        return isinstance(self.answer, list)

    @property
    def why(self) -> list[str]:
        return ["" if isinstance(c, str) else c.why for c in self.choices]


class QuizFile(_Strict):
    title: Text = "自我检测"
    questions: Annotated[list[Question], Field(min_length=1)]


# --- pre-test and post-test ------------------------------------------------------------------------


class LearningTestFile(QuizFile):
    """A 前测 (``pretest.yaml``, lesson 00) or 后测 (``posttest.yaml``, lesson 09): 4–6 quiz
    questions, each on one clause. The two files ask about the same clauses with different
    questions, so that post − pre share right per clause is the learning gain
    (:mod:`xsim.teaching.classroom`); :mod:`xsim.teaching.course_check` checks the pairing."""

    questions: Annotated[list[Question], Field(min_length=4, max_length=6)]

    @model_validator(mode="after")
    def _each_on_a_clause(self) -> LearningTestFile:
        for i, q in enumerate(self.questions):
            if not q.clause:
                raise ValueError(f"clause_required:questions:{i}:clause")
        return self

    @property
    def clauses(self) -> list[str]:
        """The clauses asked about, once each, in the order of the questions."""
        return list(dict.fromkeys(q.clause or "" for q in self.questions))


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


class StepsFile(_Strict):
    record: Annotated[str, Field(pattern=r"^(elevator|results|village)$")]
    title: Text = "协商程序演练：你来当组织者"
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
    #: the forms that fit and why: absent only in the trainees' copy (``edition: trainee``)
    fits: Annotated[list[Text], Field(min_length=1)] | None = None
    why: str = ""
    clause: Text

    @model_validator(mode="after")
    def _known(self) -> FormSituationData:
        from xsim.forms import FORMS

        for i, form in enumerate(self.fits or []):
            if form not in FORMS:
                raise ValueError(f"unknown_form:fits:{i}")
        if not _known_reference(self.clause):
            raise ValueError("unknown_clause:clause")
        return self


class CalculationData(_Strict):
    """A number the trainee works out (一道计算题): the prompt, the unit, a hint for a wrong try,
    and — absent only in the trainees' copy — the answer and its explanation."""

    prompt: Text
    unit: Text
    hint: Text
    answer: Annotated[int, Field(ge=0)] | None = None
    explanation: str = ""
    clause: str | None = None

    @model_validator(mode="after")
    def _known(self) -> CalculationData:
        if self.clause is not None and not _known_reference(self.clause):
            raise ValueError("unknown_clause:clause")
        return self


class QuorumMeetingData(_Strict):
    """A meeting the quorum calculator offers and the article its quorum and majority rest on."""

    meeting: Text
    law: Text  # 《村民委员会组织法》第二十六条

    @model_validator(mode="after")
    def _known(self) -> QuorumMeetingData:
        from xsim import vocabulary as V
        from xsim.teaching.citations import law_reference

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
    from xsim.teaching.measures import known_measure

    for i, m in enumerate(measures or []):
        if not known_measure(m):
            raise ValueError(f"unknown_measure:policy_measures:{i}")


class PredictionData(_Strict):
    """A "predict first" question of lesson 08: how does ``variant`` of the comparison differ
    from its baseline in ``measure``? The key is computed from the comparison's intervals."""

    comparison: Text
    variant: Text
    measure: Text


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
    predictions: list[PredictionData] | None = None
    #: numbers the trainee works out and types in (checked, not left "on paper")
    calculations: list[CalculationData] | None = None
    #: the faults a "spot the problems" exercise offers to tick, as rule codes
    spot_codes: Annotated[list[Text], Field(min_length=2)] | None = None

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
        comparisons = {c.name: c for c in self.policy_comparisons or []}
        for i, p in enumerate(self.predictions or []):
            if p.comparison not in comparisons:
                raise ValueError(f"unknown_comparison:predictions:{i}:comparison")
            if p.variant not in [v.name for v in comparisons[p.comparison].variants[1:]]:
                raise ValueError(f"unknown_variant:predictions:{i}:variant")
            if p.measure not in (self.policy_measures or []):
                raise ValueError(f"unknown_measure:predictions:{i}:measure")
        if self.spot_codes:
            from xsim.rules import RULES

            for i, code in enumerate(self.spot_codes):
                if code not in RULES:
                    raise ValueError(f"unknown_code:spot_codes:{i}")
        return self


# --- claims (claims.yaml): simulated effects a lesson states ---------------------------------------


class Claim(_Strict):
    """A simulated effect a lesson states, as data: in ``scenario`` (with ``form``), turning
    ``knob`` (a dotted scenario path, or ``form``) from ``values[0]`` to ``values[1]`` moves
    ``measure`` in ``direction`` by at least ``margin`` over ``seeds`` paired runs — or, with
    ``direction: none``, moves it by less than ``margin`` either way (看不出明显差别)."""

    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    scenario: Text
    form: str | None = None
    knob: Text
    values: Annotated[list[Any], Field(min_length=2, max_length=2)]
    labels: Annotated[list[Text], Field(min_length=2, max_length=2)]  # how the lesson names them
    measure: Text
    direction: Literal["higher", "lower", "none"]
    seeds: Annotated[int, Field(ge=30, le=2000)] = 30
    margin: Annotated[float, Field(gt=0)]
    set: dict[str, Any] = Field(default_factory=dict)  # other settings held fixed in both runs


class ClaimsFile(_Strict):
    """``claims.yaml`` of a lesson: the simulated effects its text states."""

    claims: Annotated[list[Claim], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self) -> ClaimsFile:
        ids = [c.id for c in self.claims]
        for i, value in enumerate(ids):
            if value in ids[:i]:
                raise ValueError(f"duplicate_value:claims:{i}:id")
        return self


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
    """One term: a one-line definition, where it comes from (a law's article and version, a part
    of the notice, or 本工具用语) and, for a threshold, a worked example."""

    term: Text
    meaning: Text
    source: Text
    example: str = ""


class GlossaryFile(_Strict):
    """``course/handouts/glossary.yaml``: the glossary of lesson 00 and of the printed handout."""

    title: Text
    terms: Annotated[list[GlossaryTerm], Field(min_length=1)]


# --- facilitator plan (the trainer edition) --------------------------------------------------------


class FacilitatorSegment(_Strict):
    """One part of the lesson as the trainer runs it: how long, what happens, what is on the
    projector meanwhile ("" when nothing new is shown)."""

    minutes: Annotated[int, Field(gt=0, le=120)]
    activity: Text
    project: str = ""


class FacilitatorMistake(_Strict):
    """A mistake trainees commonly make, how to take it up, the notice clause it concerns and the
    exercise items of the class summary where it shows (``q3``, ``step2``: ids of
    :data:`xsim.teaching.progress_view.ITEM_TITLES`)."""

    mistake: Text
    remedy: Text
    clause: str | None = None
    items: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known(self) -> FacilitatorMistake:
        from xsim.rules.clauses import CLAUSES
        from xsim.teaching.progress_view import ITEM_TITLES

        if self.clause is not None and self.clause not in CLAUSES:
            raise ValueError("unknown_clause:clause")
        for i, item in enumerate(self.items):
            if not any(re.fullmatch(pattern, item) for pattern, _ in ITEM_TITLES):
                raise ValueError(f"unknown_item:items:{i}")
        return self


class FacilitatorPlan(_Strict):
    """A lesson's plan for the trainer: the timed segments (their minutes add up to the lesson's
    minutes in ``toc.yaml``, checked by :mod:`xsim.teaching.course_check`), questions for
    discussion and the common mistakes to look out for."""

    segments: Annotated[list[FacilitatorSegment], Field(min_length=2)]
    questions: Annotated[list[Text], Field(min_length=2)]
    mistakes: Annotated[list[FacilitatorMistake], Field(min_length=2)]

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.segments)


class FacilitatorFile(_Strict):
    """``course/NN_名称/facilitator.yaml``: the ``facilitator:`` section of a lesson."""

    facilitator: FacilitatorPlan


@cache
def _scenario_names() -> tuple[str, ...]:
    from xsim.sim.scenario import bundled_names

    return tuple(bundled_names())


def _known_reference(text: str) -> bool:
    """A notice clause id (``§1.f``) or a citation of an existing article (《…》第N条)."""
    from xsim.rules.clauses import CLAUSES
    from xsim.teaching.citations import law_reference

    return all(
        part.strip() in CLAUSES or law_reference(part) is not None for part in text.split(";")
    )
