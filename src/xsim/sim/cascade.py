"""Who takes part: Granovetter threshold cascades, on a crowd and on a network of ties.

Granovetter (1978), "Threshold models of collective behavior", Am. J. Sociol. 83(6): each person joins
once at least as many others as their threshold already take part. 100 people with thresholds
0, 1, ..., 99 all join; raise the threshold-1 person to 2 and only the threshold-0 person joins.
Watts (2002), PNAS 99(9), gives the network form: a node joins when the fraction of its ties who take
part reaches its threshold.
"""

from __future__ import annotations

import numpy as np

__all__ = ["network_cascade", "threshold_cascade"]


def threshold_cascade(thresholds) -> int:
    """How many people end up taking part (Granovetter 1978).

    ``thresholds[i]`` is the number of *others* who must already take part before person i joins
    (<= 0: joins unprompted; ``inf``: never). Starting from nobody, the process adds everyone whose
    threshold is met until no one else joins. With thresholds sorted ascending, s[0] <= s[1] <= ...,
    the cascade stops at the first k with s[k] > k: then exactly k people have s <= k - 1 < k and
    nobody else's threshold is reached, while every j < k had s[j] <= j, so each earlier stage let at
    least one more person in. O(n log n), no loop over people.
    """
    t = np.asarray(thresholds, dtype=float).ravel()
    if np.any(np.isnan(t)):
        raise ValueError("thresholds must be numbers (NaN given)")
    s = np.sort(t)
    stops = np.flatnonzero(s > np.arange(s.size))
    return int(stops[0]) if stops.size else int(s.size)


def network_cascade(thresholds_frac, adjacency, initially_active=None) -> np.ndarray:
    """Final participants of a threshold cascade on a network (Watts 2002).

    Parameters
    ----------
    thresholds_frac : per person, the fraction (0..1) of their ties that must take part before they
        do. A value <= 0 means they take part whatever their ties do; > 1 means never via ties.
    adjacency : n×n matrix of ties (scipy.sparse, CSR preferred, or a dense array); entry (i, j) is
        how much j's participation counts for i (1 for a plain tie). Rows need not be symmetric.
    initially_active : boolean mask (or index array) of people taking part from the start, e.g.
        committee members; default nobody.

    Returns a boolean array: who takes part at the fixed point. Person i joins when
    (weight of active ties) / (weight of all ties) >= threshold_i; people without ties join only if
    their threshold is <= 0 or they were active from the start. Participation never reverts, so at
    most n rounds are needed; each round is one sparse matrix-vector product.
    """
    theta = np.asarray(thresholds_frac, dtype=float).ravel()
    n = theta.size
    if np.any(np.isnan(theta)):
        raise ValueError("thresholds_frac must be numbers (NaN given)")
    shape = getattr(adjacency, "shape", None)
    if shape != (n, n):
        raise ValueError(f"adjacency must be {n}x{n} to match thresholds_frac, got {shape}")
    active = np.zeros(n, dtype=bool)
    if initially_active is not None:
        init = np.asarray(initially_active)
        if init.dtype == bool:
            if init.shape != (n,):
                raise ValueError(f"initially_active mask must have {n} entries")
            active |= init
        else:
            active[init.astype(np.int64)] = True
    degree = np.asarray(adjacency.sum(axis=1), dtype=float).ravel()
    if np.any(degree < 0):
        raise ValueError("adjacency weights must be non-negative")
    has_ties = degree > 0
    safe_degree = np.where(has_ties, degree, 1.0)
    active |= theta <= 0
    while True:
        share = np.asarray(adjacency @ active.astype(float), dtype=float).ravel() / safe_degree
        new = active | (has_ties & (share >= theta))
        if np.array_equal(new, active):
            return active
        active = new
