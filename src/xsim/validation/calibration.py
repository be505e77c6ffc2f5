"""Calibration by history matching: the plausible ranges of the parameters calibration targets constrain.

Only targets with role ``calibration`` are used — never a validation target, so validation stays out
of sample. History matching (Craig et al. 1997; Vernon, Goldstein & Bower 2010; Andrianakis et al.
2015) rules out parameter values at which the model cannot reproduce the observations: for each
parameter set *x* of a Latin hypercube over the prior box (``scipy.stats.qmc``) and each calibration
target *j* the implausibility is

    I_j(x) = d_j(x) / sqrt(se_obs,j² + se_model,j(x)² + δ²)

where d_j is the distance of the model's estimate from the observed value (or from the tolerance
interval when the source gives a bound, not a value), se_obs the source's standard error, se_model
the estimate's (its 95% half-width / 1.96) and δ the model discrepancy (an assumption:
:data:`DISCREPANCY`, or the target's own ``discrepancy`` where its statistic lives on a smaller
scale than the shares the default was set for). A set is *non-implausible* when max_j I_j(x) <
:data:`CUTOFF` (Pukelsheim's three-sigma rule). A second wave samples the box around the first
wave's non-implausible sets; the calibrated range of each parameter is the span of the
non-implausible sets of both waves. A target whose statistic the model cannot compute yet is left
out and said so; its parameters keep their prior.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xsim.validation.registry import Estimate
from xsim.validation.runs import behaviour_overrides
from xsim.validation.statistics import STATISTICS
from xsim.validation.targets import Target

CUTOFF = 3.0
DISCREPANCY = 0.05

#: parameter -> (prior low, prior high, the calibration targets that constrain it)
PRIORS: dict[str, tuple[float, float, tuple[str, ...]]] = {
    "online_offset": (-3.0, 0.0, ("C-ONLINE-PLATFORM",)),
    "rep_attend": (0.5, 1.0, ("C-ZG-TURNOUT",)),
    "susceptibility": (0.1, 0.7, ("C-DP-HOMOGENIZATION",)),
    "argument_rate": (0.0, 0.3, ("C-DP-HOMOGENIZATION",)),
    "expert_knowledge": (0.0, 0.6, ("C-DP-KNOWLEDGE", "C-DP-KNOWLEDGE-PHASES")),
    "talk_knowledge": (0.0, 0.5, ("C-DP-KNOWLEDGE", "C-DP-KNOWLEDGE-PHASES")),
    "less_schooled_learning": (0.0, 1.0, ("C-DP-KNOWLEDGE-SCHOOLING",)),
}


def implausibility(target: Target, estimate: Estimate) -> float:
    """I_j for one estimate (NaN when the model cannot compute it)."""
    if math.isnan(estimate.value):
        return math.nan
    obs = target.observed
    se_model = 0.0
    if not (math.isnan(estimate.low) or math.isnan(estimate.high)):
        se_model = (estimate.high - estimate.low) / (2 * 1.96)
    if obs.se is not None and obs.value is not None:
        distance, se_obs = abs(estimate.value - obs.value), obs.se
    else:  # the source gives a bound: the distance from the tolerance interval
        tol = target.tolerance
        low, high = tol.range if tol.range is not None else (-math.inf, math.inf)
        if tol.above is not None:
            low = tol.above
        if tol.below is not None:
            high = tol.below
        distance, se_obs = max(0.0, low - estimate.value, estimate.value - high), 0.0
    delta = DISCREPANCY if target.discrepancy is None else target.discrepancy
    return distance / math.sqrt(se_obs**2 + se_model**2 + delta**2)


@dataclass
class Wave:
    box: dict[str, tuple[float, float]]
    samples: pd.DataFrame  # one row per parameter set: parameters, then I per target, I_max, kept
    skipped: dict[str, str] = field(default_factory=dict)  # target id -> why left out


def _lhs(box: Mapping[str, tuple[float, float]], n: int, seed: int) -> pd.DataFrame:
    from scipy.stats import qmc

    names = list(box)
    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng([seed, 11])).random(n)
    low = np.array([box[p][0] for p in names])
    high = np.array([box[p][1] for p in names])
    return pd.DataFrame(np.round(qmc.scale(unit, low, high), 5), columns=names)


def run_wave(
    box: Mapping[str, tuple[float, float]],
    targets: list[Target],
    n: int,
    seed: int,
    *,
    fast: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Wave:
    """Evaluate every calibration target at ``n`` parameter sets of ``box``."""
    sets = _lhs(box, n, seed)
    wave = Wave(dict(box), sets.copy())
    for i, row in sets.iterrows():
        with behaviour_overrides({p: float(v) for p, v in row.items()}):
            for t in targets:
                est = STATISTICS[t.statistic](fast, seed)
                wave.samples.loc[i, f"model:{t.id}"] = est.value
                wave.samples.loc[i, f"I:{t.id}"] = implausibility(t, est)
                if math.isnan(est.value):
                    wave.skipped[t.id] = est.note
        if progress is not None:
            progress(i + 1, n)
    used = [c for c in wave.samples if c.startswith("I:") and c[2:] not in wave.skipped]
    imax = wave.samples[used].max(axis=1) if used else pd.Series(0.0, index=wave.samples.index)
    wave.samples["I_max"] = imax
    wave.samples["kept"] = imax < CUTOFF
    return wave


def next_box(wave: Wave, margin: float = 0.1) -> dict[str, tuple[float, float]]:
    """The box around the wave's non-implausible sets (widened by ``margin`` of the prior width)."""
    kept = wave.samples[wave.samples["kept"]]
    if kept.empty:
        return dict(wave.box)
    out = {}
    for p, (low, high) in wave.box.items():
        pad = margin * (high - low)
        out[p] = (max(low, float(kept[p].min()) - pad), min(high, float(kept[p].max()) + pad))
    return out


def calibrated_ranges(waves: list[Wave]) -> dict[str, tuple[float, float] | None]:
    """The span of the non-implausible sets of every wave per parameter (None: none kept)."""
    kept = pd.concat([w.samples[w.samples["kept"]] for w in waves])
    out: dict[str, tuple[float, float] | None] = {}
    for p in waves[0].box:
        out[p] = None if kept.empty else (float(kept[p].min()), float(kept[p].max()))
    return out
