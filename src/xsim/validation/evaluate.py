"""Run each target's statistic, judge it against its tolerance (and, on request, again with its
mechanism switched off), and report: text zh/en or JSON."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xsim.errors import InputError
from xsim.validation.ablation import ablated
from xsim.validation.registry import Estimate
from xsim.validation.statistics import STATISTICS
from xsim.validation.targets import Target


def _clean(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


@dataclass(frozen=True)
class Ablation:
    """The target re-evaluated with its mechanism switched off."""

    mechanism: str
    estimate: Estimate
    holds: bool

    @property
    def is_evidence(self) -> bool:
        """The target fails without its mechanism (a value that cannot be computed is no proof)."""
        return not self.holds and not math.isnan(self.estimate.value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mechanism": self.mechanism,
            "value": _clean(self.estimate.value),
            "holds": self.holds,
            "note": self.estimate.note,
        }


@dataclass(frozen=True)
class Result:
    target: Target
    estimate: Estimate
    holds: bool
    seconds: float
    ablation: Ablation | None = None

    @property
    def gap(self) -> float:
        """How far the estimate is from the tolerance (0 when it holds; NaN when not computable)."""
        e, t = self.estimate, self.target.tolerance
        if self.holds:
            return 0.0
        if math.isnan(e.value):
            return math.nan
        if t.range is not None:
            return min(abs(e.value - t.range[0]), abs(e.value - t.range[1]))
        if t.above is not None:
            return t.above - e.low if not math.isnan(e.low) else math.nan
        return e.high - t.below if not math.isnan(e.high) else math.nan

    def to_dict(self) -> dict[str, Any]:
        t, e = self.target, self.estimate
        out = {
            "id": t.id,
            "family": t.family,
            "kind": t.kind,
            "role": t.role,
            "counted": t.counted,
            "mechanism": t.mechanism,
            "pattern": t.pattern.model_dump(),
            "observed": t.observed.model_dump(),
            "source": t.source.model_dump(),
            "statistic": t.statistic,
            "model": {
                "value": _clean(e.value),
                "ci_low": _clean(e.low),
                "ci_high": _clean(e.high),
                "level": 0.95,
                "n": e.n,
                "note": e.note,
            },
            "tolerance": t.tolerance.model_dump(),
            "affects": t.affects.model_dump() if t.affects is not None else None,
            "holds": self.holds,
            "gap": _clean(self.gap),
            "seconds": round(self.seconds, 2),
        }
        if self.ablation is not None:
            out["ablation"] = self.ablation.to_dict()
        return out


def _estimate(target: Target, fast: bool, seed: int) -> tuple[Estimate, bool]:
    try:
        estimate = STATISTICS[target.statistic](fast, seed)
    except InputError as exc:  # e.g. a scenario the statistic needs does not load
        estimate = Estimate(math.nan, math.nan, math.nan, 0, f"not computable: {exc.message('en')}")
    holds = not math.isnan(estimate.value) and target.tolerance.holds(
        estimate.value, estimate.low, estimate.high
    )
    return estimate, holds


def evaluate_target(
    target: Target,
    *,
    fast: bool = False,
    seed: int = 0,
    ablations: bool = False,
    ablate: Sequence[str] = (),
) -> Result:
    """The target's result; ``ablate`` switches mechanisms off for every run; ``ablations`` adds
    the re-evaluation with the target's own mechanism switched off (model targets)."""
    start = time.monotonic()
    with ablated(*ablate):
        estimate, holds = _estimate(target, fast, seed)
        ablation = None
        if ablations and target.kind == "model" and target.mechanism:
            with ablated(target.mechanism):
                off, off_holds = _estimate(target, fast, seed)
            ablation = Ablation(target.mechanism, off, off_holds)
    return Result(target, estimate, holds, time.monotonic() - start, ablation)


@dataclass
class Report:
    results: list[Result]
    fast: bool
    seed: int
    ablate: tuple[str, ...] = ()

    @property
    def counted(self) -> list[Result]:
        return [r for r in self.results if r.target.counted]

    @property
    def not_evidence(self) -> list[Result]:
        """Counted targets that still hold (or cannot be computed) without their mechanism."""
        return [r for r in self.counted if r.ablation is not None and not r.ablation.is_evidence]

    @property
    def all_hold(self) -> bool:
        """Every target holds (plausibility checks are shown but never fail the run)."""
        return all(r.holds for r in self.results if r.target.role != "plausibility")

    @property
    def ok(self) -> bool:
        return self.all_hold and not self.not_evidence

    def to_dict(self) -> dict[str, Any]:
        counted = self.counted
        ablated_ = [r for r in counted if r.ablation is not None]
        return {
            "variant": "fast" if self.fast else "full",
            "seed": self.seed,
            "ablate": list(self.ablate),
            "n_targets": len(self.results),
            "n_hold": sum(r.holds for r in self.results),
            "all_hold": self.all_hold,
            "validation": {
                "n_counted": len(counted),
                "n_hold": sum(r.holds for r in counted),
                "n_with_observed_number": sum(r.target.observed.number_found for r in counted),
                "n_ablated": len(ablated_),
                "n_fail_without_mechanism": sum(r.ablation.is_evidence for r in ablated_),
            },
            "targets": [r.to_dict() for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self, lang: str = "zh") -> str:
        from xsim.validation.report_text import report_text

        return report_text(self, lang)


def evaluate(
    targets: Sequence[Target],
    *,
    fast: bool = False,
    seed: int = 0,
    ablations: bool = False,
    ablate: Sequence[str] = (),
    progress=None,
) -> Report:
    """Every target's result, in table order. ``progress(result)`` is called after each."""
    results = []
    for target in targets:
        result = evaluate_target(target, fast=fast, seed=seed, ablations=ablations, ablate=ablate)
        results.append(result)
        if progress is not None:
            progress(result)
    return Report(results, fast, seed, tuple(ablate))
