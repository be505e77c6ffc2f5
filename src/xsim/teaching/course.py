"""The course's one entry point for notebooks: each lesson cell is one short call, ``course.X(…)``.

A thin facade: the widgets live in their modules and take their data from the lesson's YAML by
the lesson id the cell passes (``course.quiz("03")``, ``course.LeadExercise(lesson="02")``) — no
lesson id is written in Python. Every judgement a trainee sees comes from the real rules engine,
the model or the lesson's data.

=========================  ==================================================================
``quote``, ``law``         the notice's and the law's Chinese text (here)
``quiz``, ``pretest``,     :mod:`~xsim.teaching.quiz` over :mod:`~xsim.teaching.answers`
``posttest``
``lab``, ``lab_table``     :mod:`~xsim.teaching.lab` (``labs.yaml``)
``claim``                  :mod:`~xsim.teaching.claims` (``claims.yaml``)
``stepper``, ``picker``    :mod:`~xsim.teaching.stepper` (``steps.yaml``), :mod:`~xsim.teaching.picker`
examples and 找问题          :mod:`~xsim.teaching.examples`
§1–§3 exercises            :mod:`~xsim.teaching.exercises` (``exercises.yaml``)
quorum calculator          :mod:`~xsim.teaching.quorum`
one run, village picture   :mod:`~xsim.teaching.runs`
lesson 08                  :mod:`~xsim.teaching.policy`
the capstone               :mod:`~xsim.teaching.capstone`
home, glossary, progress   :mod:`~xsim.teaching.panels`
=========================  ==================================================================

Names are imported from their modules on first use: a lesson's first cell imports none of them.
"""

from __future__ import annotations

import importlib
from typing import Any

from xsim.errors import InputError
from xsim.teaching.common import HtmlBlock, clause_quote_html

__all__ = [
    "claim",
    "lab",
    "lab_table",
    "law",
    "posttest",
    "pretest",
    "quiz",
    "quote",
    "ready",
    "stepper",
    *sorted(
        [
            "CalculationExercise",
            "Capstone",
            "ExampleCases",
            "FormMatchExercise",
            "JointProposalChecker",
            "LeadExercise",
            "PolicyLab",
            "PredictionExercise",
            "QuorumCalculator",
            "RecordFixExercise",
            "SpotExercise",
            "ThresholdExercise",
            "case_report",
            "classroom",
            "editor",
            "example_names",
            "example_record",
            "glossary",
            "home",
            "my_progress",
            "one_run",
            "picker",
            "policy_figure",
            "policy_robustness",
            "policy_summary",
            "policy_table",
            "scenario_intro",
            "summary_tables",
            "topic_table",
            "village",
        ]
    ),
]

#: names served from their modules on first use (name → module)
_LAZY = {
    "ExampleCases": "xsim.teaching.examples",
    "RecordFixExercise": "xsim.teaching.examples",
    "SpotExercise": "xsim.teaching.examples",
    "case_report": "xsim.teaching.examples",
    "editor": "xsim.teaching.examples",
    "example_names": "xsim.teaching.examples",
    "example_record": "xsim.teaching.examples",
    "CalculationExercise": "xsim.teaching.exercises",
    "FormMatchExercise": "xsim.teaching.exercises",
    "JointProposalChecker": "xsim.teaching.exercises",
    "LeadExercise": "xsim.teaching.exercises",
    "ThresholdExercise": "xsim.teaching.exercises",
    "topic_table": "xsim.teaching.exercises",
    "QuorumCalculator": "xsim.teaching.quorum",
    "one_run": "xsim.teaching.runs",
    "scenario_intro": "xsim.teaching.runs",
    "village": "xsim.teaching.runs",
    "PolicyLab": "xsim.teaching.policy",
    "PredictionExercise": "xsim.teaching.policy",
    "policy_figure": "xsim.teaching.policy",
    "policy_robustness": "xsim.teaching.policy",
    "policy_summary": "xsim.teaching.policy",
    "policy_table": "xsim.teaching.policy",
    "summary_tables": "xsim.teaching.policy",
    "glossary": "xsim.teaching.panels",
    "home": "xsim.teaching.panels",
    "IDLE_BEFORE_IMPORT_S": "xsim.teaching.model_loader",
}


def __getattr__(name: str) -> Any:
    if name == "Capstone":
        from xsim.teaching.model_loader import load_model

        load_model()  # its 运行 click simulates: the model's import starts now
        return importlib.import_module("xsim.teaching.capstone.widget").Capstone
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY, "Capstone"])


def ready() -> None:
    """First cell of every lesson: a greeting, and matplotlib Figures shown as pictures.

    Nothing heavy is imported here: the course's figures are stored pictures or set the Chinese
    font themselves (:func:`xsim.plots.style`), so a lesson no longer needs ``%matplotlib inline``
    (about a second of importing pyplot). A Figure a trainer returns from a cell is still drawn,
    by IPython's own function, registered by name so that matplotlib loads only when one is."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        from IPython.core.pylabtools import print_figure

        png = shell.display_formatter.formatters["image/png"]
        png.for_type_by_name(
            "matplotlib.figure", "Figure", lambda fig: print_figure(fig, "png", bbox_inches="tight")
        )
    print("工具已载入，可以继续往下学习。")


def quote(*clause_ids: str) -> HtmlBlock:
    """The Chinese original of each clause (``"§1.f"``, ``"Organic Law art. 22"``) as quote boxes."""
    from xsim.rules.clauses import CLAUSES

    unknown = [c for c in clause_ids if c not in CLAUSES]
    if unknown:
        raise InputError(
            "<quote>",
            "clause",
            f"known clause ids, not {unknown}",
            f"未知的条款编号：{'、'.join(unknown)}",
        )
    parts = [clause_quote_html(c, CLAUSES[c].title_zh) for c in clause_ids]
    plain = "\n".join(f"{c} {CLAUSES[c].title_zh}：{CLAUSES[c].text_zh}" for c in clause_ids)
    return HtmlBlock("".join(parts), plain)


def law(*citations: str) -> HtmlBlock:
    """The current official text of articles, cited as a trainee reads them::

        course.law("《村民委员会组织法》第二十五条", "《农村集体经济组织法》第二十七条")

    Texts come from :mod:`xsim.law` (the gazette texts pinned in the package), never from memory.
    """
    from xsim.law import LAWS, cite
    from xsim.law import quote as law_text
    from xsim.teaching.citations import law_reference
    from xsim.teaching.common import law_quote_html

    refs = []
    for c in citations:
        ref = law_reference(c)
        if ref is None:
            raise InputError(
                "<law>",
                "citation",
                f"a citation such as 《村民委员会组织法》第二十五条, not {c!r}",
                f"无法识别的法律条文：{c}（应写成《村民委员会组织法》第二十五条这样的形式）",
            )
        refs.append(ref)
    html_text = "".join(law_quote_html(k, n) for k, n in refs)
    plain = "\n".join(f"{cite(k, n)}：{law_text(k, LAWS[k].versions[-1].key, n)}" for k, n in refs)
    return HtmlBlock(html_text, plain)


def quiz(lesson: str):
    """The self-check quiz of a lesson (``"01"`` …), through the installed answer key (the
    lesson's ``quiz.yaml`` by default); each answer is saved under the lesson's id."""
    from xsim.teaching.quiz import Quiz

    return Quiz(lesson, lesson=lesson)


def pretest(lesson: str):
    """The 前测 of the course (the lesson's ``pretest.yaml``, lesson 00): answered first, saved
    under items ``pre1`` … so that the trainer's summary compares it with the 后测 by clause."""
    from xsim.teaching.quiz import Quiz

    return Quiz(lesson, lesson=lesson, item_prefix="pre")


def posttest(lesson: str):
    """The 后测 (the lesson's ``posttest.yaml``, lesson 09): the 前测's clauses asked again with other
    questions, saved under items ``post1`` …"""
    from xsim.teaching.quiz import Quiz

    return Quiz(lesson, lesson=lesson, item_prefix="post")


def lab(lab_id: str, **kwargs: Any):
    """The simulation widget ``lab_id`` (``"04"``, ``"03b"``) of the lesson whose ``labs.yaml``
    declares it."""
    from xsim.teaching.lab import ScenarioLab
    from xsim.teaching.lessons import find_lab
    from xsim.teaching.model_loader import load_model

    load_model()
    lesson, spec = find_lab(lab_id)
    return ScenarioLab.from_spec(spec, lesson=lesson, **kwargs)


def lab_table(lab_id: str, control: int = 0) -> HtmlBlock:
    """A static table: every option of one control of a simulation, side by side (the runs'
    data stored when the notebooks are built, :mod:`xsim.teaching.precomputed`)."""
    from xsim.teaching.lab import ScenarioLab
    from xsim.teaching.lessons import find_lab

    lesson, spec = find_lab(lab_id)
    return ScenarioLab.from_spec(spec, lesson=lesson).compare_options(control)


def claim(claim_id: str) -> HtmlBlock:
    """A simulated effect the lesson states, as a sentence with its measured numbers
    (:mod:`xsim.teaching.claims`; declared in the lesson's ``claims.yaml``)."""
    from xsim.teaching.claims import claim_block

    return claim_block(claim_id)


def stepper(lesson: str, title: str = "协商程序演练：你来当组织者"):
    """The procedure walk-through of a lesson (its ``steps.yaml``: the base record and one
    choice per step), each confirmed choice saved to the trainee's progress."""
    from xsim.teaching.stepper import lesson_stepper

    return lesson_stepper(lesson, title)


def picker(lesson: str | None = None):
    """Who takes part in the elevator consultation (the engine judges the picks); each check is
    saved to the trainee's progress under ``lesson``."""
    from xsim.teaching.cases import elevator_record
    from xsim.teaching.picker import ParticipantPicker, elevator_candidates

    return ParticipantPicker(
        elevator_record(),
        elevator_candidates(),
        title="练一练：3号楼加装电梯，请谁来协商？",
        lesson=lesson,
    )


def my_progress(folder=None):
    """The trainee's progress on the home page: saved answers per lesson, and the export a
    trainer collects (:func:`xsim.teaching.panels.progress_panel`)."""
    from xsim.teaching.panels import progress_panel

    return progress_panel(folder)


def classroom(folder="进度文件"):
    """The trainer's class summary: a folder of trainees' exports merged
    (:func:`xsim.teaching.panels.classroom_panel`)."""
    from xsim.teaching.panels import classroom_panel

    return classroom_panel(folder)
