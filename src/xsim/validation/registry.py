"""The registry of statistics: one small documented function per value the model (or a kernel) says.

Every statistic is a function ``f(fast: bool, seed: int) -> Estimate`` registered under the name the
target table (``data/validation_targets.yaml``) gives in its ``statistic`` field; its docstring is
the definition printed in ``docs/validation.md``. A statistic that needs a measure the model does
not produce returns :func:`missing` (value NaN and a note): the target then fails and says why.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Estimate:
    """A statistic's value with its 95% interval (equal to the value for exact kernel results)."""

    value: float
    low: float
    high: float
    n: int  # replications, seeds or cases behind it
    note: str = ""


Statistic = Callable[[bool, int], Estimate]
STATISTICS: dict[str, Statistic] = {}


def statistic(name: str):
    def register(function: Statistic) -> Statistic:
        STATISTICS[name] = function
        return function

    return register


def exact(value: float, n: int, note: str = "") -> Estimate:
    return Estimate(float(value), float(value), float(value), n, note)


def missing(what: str) -> Estimate:
    return Estimate(math.nan, math.nan, math.nan, 0, f"not computable: {what}")


def mean_of(values: Sequence[float], seed: int) -> Estimate:
    """Mean with its 95% interval (Wilson for proportions, BCa otherwise; see experiments.stats)."""
    from xsim.experiments.stats import mean_interval

    x = np.asarray(values, dtype=float)
    if x.size == 0:
        return missing("no values")
    est = mean_interval(x, rng=np.random.default_rng(seed))
    return Estimate(est.estimate, est.low, est.high, est.n)
