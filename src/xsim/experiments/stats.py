"""The statistics behind a study's summary: intervals that behave at the edges, paired differences.

- a **proportion** (every value 0 or 1: adopted, escalated, consensus) gets a Wilson score interval
  (``scipy.stats.binomtest(...).proportion_ci(method="wilson")``): it stays inside [0, 1] and is not
  empty at 0 of n or n of n, unlike the percentile bootstrap;
- any other **mean** gets a BCa bootstrap interval (``scipy.stats.bootstrap(method="BCa")``), falling
  back to the percentile interval where BCa is undefined (few distinct values);
- any other measure whose values are **all equal** gets the zero-width interval [x, x]: there is
  nothing to resample, and it is reported as such (``method = "constant"``), never as evidence of
  anything;
- a **difference** between two variants is **paired** when both were run on the same seeds for the
  same replications (common random numbers, see :func:`xsim.experiments.study.run_seed`): the interval
  is then the BCa interval of the mean of the per-replication differences, which removes the noise the
  two variants share (population, network, schedule). Otherwise the two samples are resampled
  independently. A difference whose per-replication values are all equal is never "significant";
- each difference has an **effect size** beside it: Cohen's *d* (difference over the average of the
  two standard deviations, ``d_av`` in Cumming 2012) for measures on a continuous scale, Cohen's *h*
  (``2·asin√p₁ − 2·asin√p₂``) for proportions;
- each difference has a **p value** (paired t test, or the exact McNemar test for paired proportions;
  Welch's t test or Fisher's exact test when unpaired) so that many measures compared at once can be
  adjusted: :func:`adjust_benjamini_hochberg` (``scipy.stats.false_discovery_control``).

Everything random comes from the ``numpy.random.Generator`` passed in.

Memory is bounded whatever the number of replications: every ``scipy.stats.bootstrap`` call
resamples in batches (``batch=``, :func:`boot_batch`) of at most :data:`BOOT_BATCH_BYTES`, and the
jackknife behind BCa — ``n × (n − 1)`` values per measure — is batched the same way (20 000
replications of 80 measures would otherwise take 17 GiB for the resamples and 250 GB for the
jackknife). Above :data:`BCA_MAX_N` replications the percentile interval is used instead of BCa:
its cost grows as ``n`` rather than ``n²``, and with that many replications the two agree far
within the reported digits. Batching does not change any number: batches of an even number of
values draw exactly the random numbers one call would.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

# scipy.stats is imported inside the functions that compute: it takes about a second, and a lesson
# that reads a stored summary (lesson 08) computes no interval at all.

# Floating-point noise: an interval [1e-17, 2e-17] does not "exclude 0".
TOLERANCE = 1e-9

BOOT_BATCH_BYTES = 64 * 1024 * 1024
"""Most memory one batch of bootstrap resamples (or jackknife samples) may take."""

BCA_MAX_N = 5_000
"""Replications above which the percentile interval replaces BCa (the jackknife costs n²)."""


def boot_batch(n: int, k: int = 1, n_resamples: int = 2000) -> int:
    """Resamples per batch so that one batch of ``k`` measures × ``n`` values stays within
    :data:`BOOT_BATCH_BYTES` (indices and values); even, so the random stream is unchanged."""
    per = max(n, 1) * (8 * max(k, 1) + 17)  # values (8 B × k), indices (8 B), jackknife mask (1 B)
    batch = max(2, BOOT_BATCH_BYTES // per)
    batch -= batch % 2
    return int(min(batch, max(n_resamples, n, 2)))


def boot_bytes(n: int, k: int = 1, n_resamples: int = 2000) -> int:
    """Peak memory of one bootstrap call over ``n`` rows × ``k`` measures (for the budget)."""
    return boot_batch(n, k, n_resamples) * max(n, 1) * (8 * max(k, 1) + 17) + 16 * n_resamples * k


def _method(n: int) -> str:
    return "BCa" if n <= BCA_MAX_N else "percentile"


@dataclass(frozen=True)
class Interval:
    """A point estimate with its interval, how it was computed, and the sample size."""

    estimate: float
    low: float
    high: float
    n: int
    method: str  # "wilson", "bca", "percentile", "constant", "none"

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    @property
    def degenerate(self) -> bool:
        """Zero width: every value (or every paired difference) was the same."""
        return self.method == "constant"


@dataclass(frozen=True)
class Difference:
    """``variant − baseline`` for one measure."""

    interval: Interval
    paired: bool
    effect_size: float
    effect_kind: str  # "d" (Cohen's d_av) or "h" (Cohen's h, proportions)
    p_value: float

    @property
    def excludes_zero(self) -> bool:
        """The interval lies on one side of 0 — never for a zero-width (all-equal) difference."""
        i = self.interval
        if i.degenerate or np.isnan(i.low) or np.isnan(i.high):
            return False
        return bool(i.low > TOLERANCE or i.high < -TOLERANCE)


def _clean(values) -> np.ndarray:
    x = np.asarray(values, dtype=float).ravel()
    return x[~np.isnan(x)]


def is_proportion(values) -> bool:
    """Every (non-missing) value is 0 or 1."""
    x = _clean(values)
    return x.size > 0 and bool(np.isin(x, (0.0, 1.0)).all())


def _all_equal(x: np.ndarray) -> bool:
    return x.size > 0 and bool(np.ptp(x) <= TOLERANCE * max(1.0, float(np.abs(x).max())))


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion ``successes / n``."""
    from scipy import stats

    if n <= 0:
        return (math.nan, math.nan)
    ci = stats.binomtest(int(successes), int(n)).proportion_ci(
        confidence_level=level, method="wilson"
    )
    return (float(ci.low), float(ci.high))


def _bootstrap(data: tuple[np.ndarray, ...], statistic, level: float, n_boot: int, rng, paired):
    """BCa interval, or the percentile interval where BCa is undefined; ``(low, high, method)``."""
    from scipy import stats

    n = max(len(d) for d in data)
    methods = ("BCa", "percentile") if _method(n) == "BCa" else ("percentile",)
    for method in methods:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # degenerate-data and BCa-instability warnings
            try:
                res = stats.bootstrap(
                    data,
                    statistic,
                    n_resamples=n_boot,
                    batch=boot_batch(n, len(data), n_boot),
                    confidence_level=level,
                    method=method,
                    paired=paired,
                    vectorized=True,
                    rng=rng,
                )
            except ValueError:
                continue
        low, high = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if np.isfinite(low) and np.isfinite(high):
            return low, high, method.lower()
    return math.nan, math.nan, "none"


def column_intervals(
    matrix: np.ndarray, level: float = 0.95, n_boot: int = 2000, rng=None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """BCa intervals of the mean of every column of a complete ``(n, k)`` matrix in one call.

    Rows (replications) are resampled jointly for all columns, which is what a study is. A column
    whose BCa interval is undefined falls back to its own percentile interval. Returns lows, highs
    and the method of each column; the caller leaves out constant columns and missing values.
    """
    from scipy import stats

    matrix = np.asarray(matrix, dtype=float)
    k = matrix.shape[1]
    lows, highs = np.full(k, math.nan), np.full(k, math.nan)
    methods = ["none"] * k
    if k == 0 or matrix.shape[0] < 3:
        return lows, highs, methods
    rng = _rng(rng)
    n = matrix.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = stats.bootstrap(
                (matrix,),
                _mean,
                n_resamples=n_boot,
                batch=boot_batch(n, k, n_boot),
                confidence_level=level,
                method=_method(n),
                axis=0,
                vectorized=True,
                rng=rng,
            )
            lows = np.asarray(res.confidence_interval.low, dtype=float).reshape(k)
            highs = np.asarray(res.confidence_interval.high, dtype=float).reshape(k)
        except ValueError:
            pass
    for j in range(k):
        if np.isfinite(lows[j]) and np.isfinite(highs[j]):
            methods[j] = _method(n).lower()
        else:
            lows[j], highs[j], methods[j] = _bootstrap(
                (matrix[:, j],), _mean, level, n_boot, rng, paired=False
            )
    return lows, highs, methods


def _mean(x, axis=-1):
    return np.mean(x, axis=axis)


def _mean_difference(x, y, axis=-1):
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def mean_interval(
    values,
    level: float = 0.95,
    n_boot: int = 2000,
    rng: np.random.Generator | None = None,
    *,
    proportion: bool | None = None,
    bootstrapped: tuple[float, float, str] | None = None,
) -> Interval:
    """The mean of ``values`` (NaN = missing) with a Wilson, BCa or zero-width interval.

    ``proportion``: whether the measure is a yes/no outcome (``None``: every value is 0 or 1). A
    caller that knows the measure should say so: a count that is 0 in every run is not a
    proportion, and a ratio that is 1 in every run is not one either. ``bootstrapped``: the
    (low, high, method) already computed by :func:`column_intervals` (used for a varying mean).
    """
    x = _clean(values)
    n = int(x.size)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0, "none")
    mean = float(x.mean())
    if proportion is None:
        proportion = is_proportion(x)
    if proportion:  # 0 of n is not certainty: the Wilson interval is not empty at the edges
        low, high = wilson_interval(int(x.sum()), n, level)
        return Interval(mean, low, high, n, "wilson")
    if _all_equal(x):
        return Interval(mean, mean, mean, n, "constant")
    if n < 3:
        return Interval(mean, math.nan, math.nan, n, "none")
    low, high, method = bootstrapped or _bootstrap(
        (x,), _mean, level, n_boot, _rng(rng), paired=False
    )
    return Interval(mean, low, high, n, method)


def _rng(rng):
    return rng if rng is not None else np.random.default_rng(0)


def effect_size(x, y, proportion: bool | None = None) -> tuple[float, str]:
    """Cohen's h for two proportions, otherwise Cohen's d_av; NaN when both samples are constant."""
    x, y = _clean(x), _clean(y)
    if proportion is None:
        proportion = is_proportion(x) and is_proportion(y)
    if x.size == 0 or y.size == 0:
        return math.nan, "h" if proportion else "d"
    if proportion:
        h = 2 * math.asin(math.sqrt(x.mean())) - 2 * math.asin(math.sqrt(y.mean()))
        return float(h), "h"
    sx = x.std(ddof=1) if x.size > 1 else 0.0
    sy = y.std(ddof=1) if y.size > 1 else 0.0
    scale = math.sqrt((sx**2 + sy**2) / 2)
    if scale <= TOLERANCE:
        return math.nan, "d"
    return float((x.mean() - y.mean()) / scale), "d"


def _p_value(x: np.ndarray, y: np.ndarray, paired: bool, proportion: bool) -> float:
    from scipy import stats

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if paired:
            d = x - y
            if _all_equal(d):
                return 1.0 if abs(d[0]) <= TOLERANCE else math.nan
            if proportion:
                only_x = int(((x == 1) & (y == 0)).sum())
                only_y = int(((x == 0) & (y == 1)).sum())
                if only_x + only_y == 0:
                    return 1.0
                # exact McNemar test: discordant pairs ~ Binomial(b + c, 1/2), two-sided
                k = min(only_x, only_y)
                return float(min(1.0, 2 * stats.binom.cdf(k, only_x + only_y, 0.5)))
            # paired t test (as scipy.stats.ttest_rel, without its per-call overhead)
            sd = d.std(ddof=1)
            if sd == 0:
                return 0.0
            t = d.mean() / (sd / math.sqrt(d.size))
            return float(2 * stats.t.sf(abs(t), d.size - 1))
        if proportion:
            table = [[x.sum(), x.size - x.sum()], [y.sum(), y.size - y.sum()]]
            return float(stats.fisher_exact(table).pvalue)
        if _all_equal(x) and _all_equal(y):
            return 1.0 if abs(x[0] - y[0]) <= TOLERANCE else math.nan
        return float(stats.ttest_ind(x, y, equal_var=False).pvalue)


def difference(
    x,
    y,
    *,
    paired: bool,
    level: float = 0.95,
    n_boot: int = 2000,
    rng: np.random.Generator | None = None,
    proportion: bool | None = None,
    bootstrapped: tuple[float, float, str] | None = None,
) -> Difference:
    """``mean(x) − mean(y)`` with its interval, effect size and p value.

    ``paired``: ``x[i]`` and ``y[i]`` come from the same replication (same seed); pairs with a
    missing value on either side are left out. Unpaired: NaNs are dropped from each side.
    ``proportion``: as in :func:`mean_interval` (decides Cohen's h and the exact tests).
    ``bootstrapped``: the (low, high, method) of the paired differences, already computed for many
    measures at once by :func:`column_intervals` (used only when the differences vary).
    """
    x = np.asarray(x, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if paired:
        if x.shape != y.shape:
            raise ValueError("paired samples must have the same length")
        keep = ~(np.isnan(x) | np.isnan(y))
        x, y = x[keep], y[keep]
    else:
        x, y = _clean(x), _clean(y)
    if proportion is None:
        proportion = is_proportion(x) and is_proportion(y)
    effect, kind = effect_size(x, y, proportion)
    if x.size == 0 or y.size == 0:
        return Difference(
            Interval(math.nan, math.nan, math.nan, 0, "none"), paired, effect, kind, math.nan
        )
    estimate = float(x.mean() - y.mean())
    n = int(x.size) if paired else int(min(x.size, y.size))
    p = _p_value(x, y, paired, proportion)
    if paired:
        d = x - y
        if _all_equal(d):
            interval = Interval(estimate, estimate, estimate, n, "constant")
        elif d.size < 3:
            interval = Interval(estimate, math.nan, math.nan, n, "none")
        else:
            low, high, method = bootstrapped or _bootstrap(
                (d,), _mean, level, n_boot, _rng(rng), paired=False
            )
            interval = Interval(estimate, low, high, n, method)
    elif _all_equal(x) and _all_equal(y):
        interval = Interval(estimate, estimate, estimate, n, "constant")
    elif min(x.size, y.size) < 3:
        interval = Interval(estimate, math.nan, math.nan, n, "none")
    else:
        low, high, method = _bootstrap(
            (x, y), _mean_difference, level, n_boot, _rng(rng), paired=False
        )
        interval = Interval(estimate, low, high, n, method)
    return Difference(interval, paired, effect, kind, p)


def adjust_benjamini_hochberg(p_values) -> np.ndarray:
    """Benjamini–Hochberg adjusted p values (q values); NaN entries stay NaN and are not counted."""
    from scipy import stats

    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    valid = ~np.isnan(p)
    if valid.any():
        q[valid] = stats.false_discovery_control(np.clip(p[valid], 0.0, 1.0), method="bh")
    return q
