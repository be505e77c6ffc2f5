"""A trainee's capstone case and its run: the scenario and seed drawn for the trainee (kept in the
progress store), the model run of a plan, its record, measures, findings and score.

Each trainee gets a case of their own: a scenario of the bundled library and a run seed, drawn
the first time from a generator seeded with the operating system's entropy
(:func:`draw_trainee_case`) and kept in the trainee's progress store (:func:`trainee_case`), so
that it survives a kernel restart, the run is reproducible and a trainer can rerun it from the
trainee's export.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import numpy as np

from xsim.teaching import progress
from xsim.teaching.capstone.plan import CapstoneOptions, Plan
from xsim.teaching.capstone.scoring import Assessment, Rubric, score_run

__all__ = [
    "ITEM",
    "TRAINEE_MAX_SEED",
    "Result",
    "assess",
    "draw_scenario",
    "draw_trainee_case",
    "run_plan",
    "scenario_names",
    "trainee_case",
]

ITEM = "capstone"  # the progress-store id of the capstone (its attempts and its drawn case)
#: a trainee's case: run seeds drawn from this range (so that two trainees practically never
#: share a case); demos and tests with a fixed generator keep the small range of the library draws
TRAINEE_MAX_SEED = 2**31


def scenario_names() -> list[str]:
    from xsim.sim.scenario import list_scenarios

    return sorted(s.name for s in list_scenarios())


def draw_scenario(rng: np.random.Generator, max_seed: int = 10_000) -> tuple[str, int]:
    """A scenario of the bundled library (village or community) and the seed of its run."""
    names = scenario_names()
    return names[int(rng.integers(len(names)))], int(rng.integers(1, max_seed))


def draw_trainee_case() -> tuple[str, int]:
    """A new case for a trainee: a generator seeded from the operating system's entropy
    (:mod:`secrets`), so that every trainee — and every 换一个情景 — gets a case of their own.
    The run itself is then seeded by the drawn seed (stored, hence reproducible)."""
    rng = np.random.default_rng(secrets.randbits(128))
    return draw_scenario(rng, max_seed=TRAINEE_MAX_SEED)


def trainee_case(path=None, *, new: bool = False) -> tuple[str, int, bool]:
    """This trainee's capstone case ``(scenario, seed, saved)``: the one in the progress store if
    there is one (the same after a kernel restart), else — or with ``new`` — a new draw, saved.
    ``saved`` is False when the store could not be written (the case then lasts this kernel)."""
    if not new:
        stored = progress.get_case(ITEM, path=path)
        if stored is not None and stored["scenario"] in scenario_names():
            return stored["scenario"], int(stored["seed"]), True
    scenario, seed = draw_trainee_case()
    return scenario, seed, progress.set_case(ITEM, scenario, seed, path=path)


@dataclass
class Result:
    """One run of a plan: the model (for the village picture), its case record, measures,
    the engine's report and the rubric's assessment."""

    scenario: str
    seed: int
    plan: Plan
    model: Any
    record: Any
    outcome: dict[str, Any]
    report: Any
    assessment: Assessment


def run_plan(scenario: str, seed: int, plan: Plan, options: CapstoneOptions):
    """The model run of a plan (raises InputError if the plan is incomplete): the model, its
    record, measures and the engine's report."""
    from xsim.rules import check_record
    from xsim.sim.model import ConsultationModel

    model = ConsultationModel(
        scenario, form=plan.form, rng=int(seed), overrides=plan.overrides(options)
    )
    outcome = model.run().to_dict()
    return model, model.record, outcome, check_record(model.record)


def assess(
    scenario: str, seed: int, plan: Plan, rubric: Rubric, options: CapstoneOptions
) -> Result:
    """Run the plan once and score it."""
    model, record, outcome, report = run_plan(scenario, seed, plan, options)
    assessment = score_run(rubric, plan.texts, outcome, report.findings, options.document_titles())
    return Result(scenario, int(seed), plan, model, record, outcome, report, assessment)
