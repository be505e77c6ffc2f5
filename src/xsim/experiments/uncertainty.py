"""Uncertainty in comparisons: how often does form A beat form B over the plausible parameters?

``xsim compare --uncertainty N`` draws N behaviour parameter sets from the plausible ranges
(:mod:`xsim.experiments.parameter_ranges`; a Latin hypercube from ``scipy.stats.qmc`` seeded by the
study's seed) and runs every form under every set with the study's replications. Seeds are paired
as in any study: replication *r* has the same seed in every form and every parameter set (common
random numbers), so the rows — and every number below — are the same on every executor.

For each pair of forms and each headline measure it reports ``p_a_better``, the share of parameter
sets in which A does better than B (mean over replications of the paired difference, in the
measure's better direction; a tie counts half), ``p_tie``, the share of sets in which the two are
equal (a form that never adopts and another that rarely does tie in most sets: :func:`shares`
separates the two so no sentence counts a tie as a win), and the ``drivers``: the parameter ranges in which
the ranking flips, found by scenario discovery with PRIM from the EMA Workbench
(:mod:`xsim.experiments.discovery`). :func:`xsim.experiments.discovery.pair_sentence` says it in
plain Chinese (or English) for the demo and lesson 08.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from xsim.errors import InputError
from xsim.experiments.limits import check_runs, check_whole

#: headline measures of an uncertainty comparison (the text table and the memo)
HEADLINE = ("adopted", "participation", "fairness")
#: the largest --uncertainty accepted (parameter sets; each runs every form × --reps)
MAX_SETS = 5_000


def direction(measure: str) -> int:
    """−1 when less of ``measure`` is better (the measure registry says "lower"), else +1.

    For a measure with no better side ("none", e.g. adoption: adopting a bad plan is no success)
    ``p_a_better`` is the share of parameter sets in which A's value is *higher* than B's.
    """
    from xsim.sim.measures import MEASURES

    found = MEASURES.get(measure)
    return -1 if found is not None and found.direction == "lower" else 1


def shares(pair: Mapping[str, Any]) -> tuple[float, float, float]:
    """(A strictly better, B strictly better, tie): the shares of parameter sets behind ``pair``'s
    ``p_a_better`` (ties counted half there). A pair without ``p_tie`` (written before it was
    recorded) has no ties."""
    tie = float(pair.get("p_tie", 0.0))
    a = float(pair["p_a_better"]) - tie / 2
    return max(a, 0.0), max(1.0 - a - tie, 0.0), tie


def check_sets(n: Any, flag: str = "--uncertainty") -> int:
    return check_whole(n, flag, 2, MAX_SETS)


def draw_parameter_sets(ranges: Mapping, n: int, seed: int) -> pd.DataFrame:
    """``n`` parameter sets (rows) over ``ranges`` (columns), a Latin hypercube seeded by ``seed``."""
    from scipy.stats import qmc

    n = check_sets(n)
    names = list(ranges)
    sampler = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng([seed, 23]))
    unit = sampler.random(n)
    low = np.array([ranges[p].low for p in names])
    high = np.array([ranges[p].high for p in names])
    values = np.round(qmc.scale(unit, low, high), 6)
    return pd.DataFrame(values, columns=names)


def uncertainty_variants(forms: Sequence[str], sets: pd.DataFrame) -> list[dict]:
    """Every form under every parameter set: variant ``"{form} @k"`` with behaviour overrides."""
    variants = []
    for k, row in sets.iterrows():
        overrides = {f"behaviour.{p}": float(v) for p, v in row.items()}
        for form in forms:
            variants.append({"name": f"{form} @{k}", "form": form, **overrides})
    return variants


def make_study(scenario, forms: Sequence[str], n_sets: int, reps: int, seed: int, **kwargs):
    """The study of an uncertainty comparison and its parameter sets (nothing run yet)."""
    from xsim.experiments.parameter_ranges import load_ranges
    from xsim.experiments.study import Study

    ranges = load_ranges(kwargs.pop("ranges_path", None))
    with_defaults = kwargs.pop("with_defaults", False)
    if len(forms) < 2:
        raise InputError(
            "<options>", "--forms", "at least two forms to compare", "至少需要两种协商形式"
        )
    check_runs(len(forms) * (check_sets(n_sets) + with_defaults), reps)
    sets = draw_parameter_sets(ranges, n_sets, seed)
    variants = [{"form": f} for f in forms] if with_defaults else []
    variants += uncertainty_variants(forms, sets)
    study = Study(scenario, variants, reps, seed, **kwargs)
    return study, sets, ranges


def _set_of(variant: str) -> int:
    return int(variant.rsplit("@", 1)[1])


def analyse(
    rows: pd.DataFrame,
    sets: pd.DataFrame,
    forms: Sequence[str],
    ranges: Mapping,
    measures: Sequence[str] = HEADLINE,
    *,
    reps: int | None = None,
) -> dict[str, Any]:
    """The ``uncertainty`` block of the JSON: pairwise probabilities and their drivers."""
    from xsim.experiments.discovery import drivers

    frame = rows[rows["variant"].str.contains("@", regex=False)].copy()
    frame["set"] = frame["variant"].map(_set_of)
    present = [m for m in measures if m in frame.columns]
    pairs = []
    for a, b in itertools.combinations(forms, 2):
        fa = frame[frame["form"] == a].set_index(["set", "rep"]).sort_index()
        fb = frame[frame["form"] == b].set_index(["set", "rep"]).sort_index()
        for measure in present:
            diff = (fa[measure].astype(float) - fb[measure].astype(float)) * direction(measure)
            per_set = diff.groupby(level="set").mean().reindex(range(len(sets)))
            better = np.where(per_set > 0, 1.0, np.where(per_set < 0, 0.0, 0.5))
            p = float(np.nanmean(better))
            majority = 1.0 if p >= 0.5 else 0.0
            flipped = (better != majority) & (better != 0.5)
            pairs.append(
                {
                    "a": a,
                    "b": b,
                    "measure": measure,
                    "direction": direction(measure),
                    "p_a_better": round(p, 4),
                    "p_tie": round(float(np.nanmean(better == 0.5)), 4),
                    "n_flipped": int(flipped.sum()),
                    "drivers": drivers(sets, flipped, ranges),
                }
            )
    return {
        "n_parameter_sets": int(len(sets)),
        "reps_per_set": reps,
        "parameters": [
            {"name": p, "low": r.low, "high": r.high, "basis": r.basis} for p, r in ranges.items()
        ],
        "pairs": pairs,
    }
