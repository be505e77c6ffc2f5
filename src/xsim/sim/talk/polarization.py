"""Measures of an opinion distribution: clusters, spread, polarization.

Arrays of opinions in, one number out; no simulation here (the kernels that move opinions are
:mod:`xsim.sim.talk.dynamics`). Sources:
- Esteban & Ray (1994), Econometrica 62 (polarization index).
- Sarle's bimodality coefficient (SAS Institute 1990; Pfister et al. 2013, Front. Psychol. 4:700).
- DiMaggio, Evans & Bryson (1996), AJS 102 (polarization as bimodality, not dispersion).
"""

from __future__ import annotations

import numpy as np

from xsim.sim.talk.dynamics import _as_opinions

__all__ = [
    "bimodality_coefficient",
    "clusters",
    "esteban_ray",
    "spread",
    "two_camp_polarization",
    "variance",
]


def clusters(opinions, tol: float = 1e-6) -> list[tuple[float, int]]:
    """Groups of opinions whose consecutive sorted gaps are all <= tol, as (center, size).

    ``center`` is the group mean; groups come in ascending order of opinion.
    """
    xs = np.sort(_as_opinions(opinions))
    if xs.size == 0:
        return []
    cuts = np.flatnonzero(np.diff(xs) > tol) + 1
    bounds = np.concatenate(([0], cuts, [xs.size]))
    sums = np.add.reduceat(xs, bounds[:-1])
    sizes = np.diff(bounds)
    return [(float(s / k), int(k)) for s, k in zip(sums, sizes, strict=True)]


def variance(opinions) -> float:
    """Population variance of opinions (0 at consensus)."""
    return float(np.var(_as_opinions(opinions)))


def spread(opinions) -> float:
    """Range max − min of opinions."""
    x = _as_opinions(opinions)
    return float(x.max() - x.min()) if x.size else 0.0


def esteban_ray(opinions, *, alpha: float = 1.6, tol: float = 1e-6, k: float = 1.0) -> float:
    """Esteban-Ray (1994) polarization P = K Σ_i Σ_j π_i^(1+α) π_j |y_i − y_j| over opinion groups.

    Groups are ``clusters(opinions, tol)``, π their population shares, y their centers; α in
    (0, 1.6] is the weight of group identification (1.6 is the upper end allowed by the axioms).
    Zero at consensus; largest for two equal groups far apart.
    """
    groups = clusters(opinions, tol)
    if not groups:
        return 0.0
    y = np.array([c for c, _ in groups])
    pi = np.array([s for _, s in groups], dtype=float)
    pi /= pi.sum()
    dist = np.abs(y[:, None] - y[None, :])
    return float(k * np.sum((pi ** (1 + alpha))[:, None] * pi[None, :] * dist))


def bimodality_coefficient(opinions) -> float:
    """Sarle's bimodality coefficient (g² + 1) / (κ + 3(n−1)²/((n−2)(n−3))); > 5/9 hints bimodal.

    g is the sample skewness and κ the sample excess kurtosis (bias-corrected). Needs n >= 4 and
    non-constant opinions; returns NaN otherwise.
    """
    x = _as_opinions(opinions)
    n = x.size
    if n < 4:
        return float("nan")
    d = x - x.mean()
    m2 = np.mean(d**2)
    if m2 == 0:
        return float("nan")
    g1 = np.mean(d**3) / m2**1.5
    g2 = np.mean(d**4) / m2**2 - 3.0
    skew = g1 * np.sqrt(n * (n - 1)) / (n - 2)
    kurt = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    return float((skew**2 + 1) / (kurt + 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))))


def two_camp_polarization(opinions) -> float:
    """Polarization as the distance between two camps, weighted by how evenly they split (0..1).

    The opinions are split into the two camps that best explain them (the 1-D two-means split,
    found exactly by trying every cut of the sorted opinions); the index is
    ``(c_high − c_low) / 2 · 2·sqrt(p·(1 − p))`` with c the camps' means and p a camp's share — half
    the gap between camps on the −1..1 scale, times 1 for an even split and less for a lopsided one.
    It is 0 at consensus, 1 for two equal camps at −1 and +1, orders a bimodal spread above a
    uniform one above a narrow normal one, and falls as opinions converge (an ASSUMPTION of this
    kit in the spirit of Esteban & Ray 1994 and DiMaggio, Evans & Bryson 1996: bimodality times
    distance, not spread alone).
    """
    x = np.sort(_as_opinions(opinions))
    n = x.size
    if n < 2 or x[-1] - x[0] < 1e-12:
        return 0.0
    csum = np.cumsum(x)
    k = np.arange(1, n)  # size of the low camp
    low_mean = csum[:-1] / k
    high_mean = (csum[-1] - csum[:-1]) / (n - k)
    between = k * (n - k) * (high_mean - low_mean) ** 2  # ∝ between-camp sum of squares
    best = int(np.argmax(between))
    p = (best + 1) / n
    gap = high_mean[best] - low_mean[best]
    return float(gap / 2.0 * 2.0 * np.sqrt(p * (1.0 - p)))
