"""Checking claims (:mod:`xsim.sim.claims`) over seeds: the evaluator behind ``xsim scenarios
--verify`` and the scenario library's tests.

A claim's runs are a :class:`xsim.experiments.study.Study`: one variant per setting ("arm"), the
same seeds for every arm (common random numbers), so a comparison is paired seed by seed. All the
arms of a scenario's claims are run in one study (arms several claims share are run once), on any
executor, with the same numbers. A claim holds when its mean (or paired difference) clears the
claim's bound; ``per_seed`` also asks that a share of the paired seeds agree in direction.

>>> results = verify("elevator_retrofit", ablate=("talk",))        # doctest: +SKIP
>>> [(r.id, r.holds) for r in results]                              # doctest: +SKIP
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xsim.experiments.study import Study
from xsim.sim.claims import Claim, TeachingPoint

__all__ = ["ClaimResult", "PointResult", "check", "verify"]

ROOT_SEED = 2026  # the studies' root seed: the same claims give the same numbers everywhere


@dataclass(frozen=True)
class ClaimResult:
    """What a claim's runs showed: the mean of each arm, their paired difference (B − A), the
    share of seeds agreeing with the expected direction, and whether the claim holds."""

    claim: Claim
    holds: bool
    mean_a: float
    mean_b: float | None = None
    difference: float | None = None
    agreeing: float | None = None
    runs: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "measure": self.claim.measure,
            "expect": self.claim.expect,
            "holds": self.holds,
            "mean_a": _finite(self.mean_a),
            "mean_b": _finite(self.mean_b),
            "difference": _finite(self.difference),
            "agreeing": _finite(self.agreeing),
            "runs": self.runs,
        }


@dataclass(frozen=True)
class PointResult:
    scenario: str
    id: str
    text: str
    holds: bool
    claims: list[ClaimResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "id": self.id,
            "text": self.text,
            "holds": self.holds,
            "claims": [c.to_dict() for c in self.claims],
        }


def _finite(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def _arms(claim: Claim) -> list[dict[str, Any]]:
    """The variant specs of a claim: one arm, or two differing in the claim's knob."""
    base = {"form": claim.form, **claim.set}
    knob = claim.knob
    if knob is None:
        return [base]
    path, a, b = knob
    return [{**base, path: a}, {**base, path: b}]


def _key(arm: dict[str, Any]) -> str:
    return json.dumps(arm, sort_keys=True, default=str, ensure_ascii=False)


def _values(rows, measure: str) -> np.ndarray:
    """Per seed, the measure as a number (yes/no → 1/0; missing → NaN)."""
    if measure not in rows:
        raise KeyError(measure)
    column = rows[measure]
    return np.array([np.nan if v is None else float(v) for v in column], dtype=float)


def check(claim: Claim, a: np.ndarray, b: np.ndarray | None = None) -> ClaimResult:
    """Whether a claim holds for the per-seed values of its arm(s) (paired by position)."""
    ok_a = ~np.isnan(a)
    if b is None:
        mean_a = float(np.mean(a[ok_a])) if ok_a.any() else math.nan
        bound = float(claim.value)
        holds = mean_a >= bound if claim.expect == "at_least" else mean_a <= bound
        return ClaimResult(claim, bool(holds and ok_a.any()), mean_a, runs=int(ok_a.sum()))
    both = ok_a & ~np.isnan(b)
    d = b[both] - a[both]
    mean_a = float(np.mean(a[both])) if both.any() else math.nan
    mean_b = float(np.mean(b[both])) if both.any() else math.nan
    diff = float(np.mean(d)) if both.any() else math.nan
    if claim.expect == "higher":
        holds, agree = diff >= claim.margin and diff > 0, float(np.mean(d > 0)) if d.size else 0.0
    elif claim.expect == "lower":
        holds, agree = diff <= -claim.margin and diff < 0, float(np.mean(d < 0)) if d.size else 0.0
    else:  # same
        holds = abs(diff) <= claim.margin
        agree = float(np.mean(np.abs(d) <= max(claim.margin, 1e-12))) if d.size else 0.0
    if claim.per_seed is not None:
        holds = holds and agree >= claim.per_seed
    return ClaimResult(claim, bool(holds and both.any()), mean_a, mean_b, diff, agree, int(d.size))


def verify(
    scenario: Any,
    points: Iterable[TeachingPoint] | None = None,
    *,
    ablate: Iterable[str] = (),
    overrides: dict[str, Any] | None = None,
    executor: Any = None,
    seed: int = ROOT_SEED,
) -> list[PointResult]:
    """Check every teaching point of a scenario (or the ``points`` given) over its seeds.

    ``ablate``: mechanisms switched off in every run; ``overrides``: scenario changes for every run
    (e.g. a smaller village in tests). All arms run in one study with common random numbers.
    """
    from xsim.sim.scenario import load_scenario

    spec = scenario if hasattr(scenario, "teaching_points") else load_scenario(scenario)
    if overrides:
        spec = spec.with_overrides(overrides)
    points = list(spec.teaching_points if points is None else points)
    arms: dict[str, dict[str, Any]] = {}
    seeds = max([c.seeds for p in points for c in p.claims], default=0)
    for point in points:
        for claim in point.claims:
            for arm in _arms(claim):
                arms.setdefault(_key(arm), arm)
    if not arms:
        return []
    keys = list(arms)
    variants = [
        {"name": f"arm{k}", **{p: v for p, v in arms[key].items() if v is not None}}
        for k, key in enumerate(keys)
    ]
    study = Study(spec, variants, seeds, seed, ablate=tuple(ablate))
    frame = study.run(executor or "in-process", progress=False).rows
    by_arm = {
        key: frame[frame["variant_index"] == k].sort_values("rep") for k, key in enumerate(keys)
    }
    out = []
    for point in points:
        results = []
        for claim in point.claims:
            values = [
                _values(by_arm[_key(arm)], claim.measure)[: claim.seeds] for arm in _arms(claim)
            ]
            results.append(check(claim, *values))
        holds = all(r.holds for r in results)
        out.append(PointResult(spec.name, point.id, point.text, holds, results))
    return out
