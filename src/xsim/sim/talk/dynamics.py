"""Opinion-dynamics kernels on NumPy arrays, checked against published results.

Measures of the resulting distributions (clusters, spread, polarization) are
:mod:`xsim.sim.talk.polarization`.

Every kernel works on whole arrays: no Python loop over agents. Loops that remain run over rounds
(HK, DeGroot, Friedkin-Johnsen) or over conflict-free batches of interactions (Deffuant).

Sources
- Hegselmann & Krause (2002), JASSS 5(3); Hegarty & Wedin (2014), arXiv:1406.0819 (equally spaced
  agents); Fortunato (2005), IJMPC 16; Lorenz (2006), JASSS 9(1) (consensus threshold near 0.2).
- DeGroot (1974), JASA 69; Friedkin & Johnsen (1990), J. Math. Sociol. 15.
- Deffuant, Neau, Amblard & Weisbuch (2000), Adv. Complex Syst. 3; Weisbuch et al. (2002),
  Complexity 7 (about 1/(2 epsilon) clusters).
- Mäs & Flache (2013), PLoS ONE 8(11) e74516 (argument communication: like-minded groups polarize,
  mixed groups keep their diversity); Vinokur & Burnstein (1974), JPSP 29 (persuasive arguments).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "deffuant",
    "degroot",
    "friedkin_johnsen",
    "hegselmann_krause",
    "hk_step",
    "persuasive_arguments",
]

#: Relative tolerance of the bounded-confidence test |x_i - x_j| <= epsilon (see ``_boundary_tol``).
BOUNDARY_RTOL = 1e-9


# ---------------------------------------------------------------------------------------------
# input checks (kernels are developer API: ValueError, not InputError)


def _as_opinions(x0) -> np.ndarray:
    x = np.array(x0, dtype=float, copy=True).ravel()
    if not np.all(np.isfinite(x)):
        raise ValueError("opinions must be finite numbers")
    return x


def _check_epsilon(epsilon: float) -> float:
    epsilon = float(epsilon)
    if not (np.isfinite(epsilon) and epsilon >= 0):
        raise ValueError(f"epsilon must be a finite number >= 0, got {epsilon!r}")
    return epsilon


def _boundary_tol(x: np.ndarray, epsilon: float) -> float:
    """Slack added to epsilon so that a distance of exactly epsilon counts as inside.

    Equally spaced starts with gap epsilon (Hegarty-Wedin) are not exact in binary floating point
    (0.7 - 0.6 is 0.1 + 2 ulp), so the comparison gets 1e-9 of the problem's scale
    max(epsilon, spread of x), plus 16 ulp of the largest |x| for opinions far from 0. Distances
    genuinely in (epsilon, epsilon + tol] are treated as epsilon; at opinion scales of 1 that is far
    below any meaningful difference of opinion. Pass ``tol=0`` for the raw floating-point test.
    """
    if x.size == 0:
        return 0.0
    scale = max(epsilon, float(x.max() - x.min()))
    return BOUNDARY_RTOL * scale + 16 * float(np.spacing(np.max(np.abs(x))))


# ---------------------------------------------------------------------------------------------
# Hegselmann-Krause


def hk_step(xs: np.ndarray, epsilon: float, *, tol: float = 0.0, weights=None) -> np.ndarray:
    """One synchronous HK round on opinions ``xs`` that are sorted ascending.

    Each agent moves to the (weighted) mean of all opinions within ``epsilon + tol`` of its own,
    itself included. O(n log n): the neighbourhood of each agent is a contiguous slice of the sorted
    array, found with ``searchsorted``; its sum comes from prefix sums. A slice whose first and last
    opinions are equal is a settled cluster and keeps its value exactly (prefix-sum differences would
    otherwise add rounding noise and a frozen state would never be recognised as frozen).
    """
    lo = np.searchsorted(xs, xs - (epsilon + tol), side="left")
    hi = np.searchsorted(xs, xs + (epsilon + tol), side="right")
    # Prefix sums of deviations from the median keep the partial sums (and their rounding error)
    # small when opinions sit far from 0, e.g. on a 1e6 + [0, 1] scale.
    ref = xs[xs.size // 2]
    dev = xs - ref
    if weights is None:
        csum = np.concatenate(([0.0], np.cumsum(dev)))
        new = ref + (csum[hi] - csum[lo]) / (hi - lo)
    else:
        wsum = np.concatenate(([0.0], np.cumsum(weights)))
        wxsum = np.concatenate(([0.0], np.cumsum(weights * dev)))
        new = ref + (wxsum[hi] - wxsum[lo]) / (wsum[hi] - wsum[lo])
    settled = xs[lo] == xs[hi - 1]
    new[settled] = xs[settled]
    # The exact means are within [xs[lo], xs[hi-1]]; keep rounding from leaving that range.
    return np.clip(new, xs[lo], xs[hi - 1])


def hegselmann_krause(
    x0,
    epsilon: float,
    *,
    max_steps: int = 10_000,
    weights=None,
    tol: float | None = None,
) -> tuple[np.ndarray, int]:
    """Synchronous Hegselmann-Krause dynamics with closed neighbourhoods |x_i - x_j| <= epsilon.

    Parameters
    ----------
    x0 : opinions (any real scale), one per agent.
    epsilon : confidence bound (>= 0).
    max_steps : upper bound on rounds (HK always freezes in finite time; the bound guards input).
    weights : optional positive "voice" per agent; each agent then moves to the voice-weighted mean of
        its neighbourhood (high-status voices pull harder). ``None`` is the classical, unweighted model.
    tol : slack of the boundary test; default ``1e-9 * max(epsilon, spread of x0)`` plus 16 ulp
        (see ``_boundary_tol``).

    Returns
    -------
    (opinions, steps): final opinions in the caller's agent order, and ``steps`` = the number of rounds
    in which at least one opinion changed, i.e. the smallest t with x(t + 1) == x(t) exactly. A
    configuration that is already frozen gives 0; two agents within epsilon give 1. If ``max_steps``
    rounds all changed something, ``steps == max_steps`` and the state is not frozen.
    """
    x = _as_opinions(x0)
    epsilon = _check_epsilon(epsilon)
    if x.size == 0:
        return x, 0
    if tol is None:
        tol = _boundary_tol(x, epsilon)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    ws = None
    if weights is not None:
        w = np.asarray(weights, dtype=float).ravel()
        if w.shape != x.shape or not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ValueError("weights must be one finite positive number per agent")
        ws = w[order]
    steps = 0
    while steps < max_steps:
        new = hk_step(xs, epsilon, tol=tol, weights=ws)
        if np.array_equal(new, xs):
            break
        steps += 1
        if np.any(new[1:] < new[:-1]):
            # HK preserves order exactly; rounding can swap near-equal neighbours by an ulp.
            resort = np.argsort(new, kind="stable")
            new, order = new[resort], order[resort]
            if ws is not None:
                ws = ws[resort]
        xs = new
    out = np.empty_like(xs)
    out[order] = xs
    return out, steps


# ---------------------------------------------------------------------------------------------
# DeGroot and Friedkin-Johnsen


def _check_stochastic(T, name: str):
    if not hasattr(T, "tocsr"):
        T = np.asarray(T, dtype=float)
    shape = getattr(T, "shape", None)
    if shape is None or len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"{name} must be a square matrix")
    if hasattr(T, "tocsr"):  # scipy.sparse
        data, rows = T.tocsr().data, np.asarray(T.sum(axis=1)).ravel()
    else:
        T = np.asarray(T, dtype=float)
        data, rows = T.ravel(), T.sum(axis=1)
    if np.any(data < 0) or not np.all(np.isfinite(data)):
        raise ValueError(f"{name} must have finite, non-negative entries")
    if not np.allclose(rows, 1.0, atol=1e-9):
        raise ValueError(f"every row of {name} must sum to 1 (row-stochastic)")
    return T


def degroot(T, x0, *, tol: float = 1e-12, max_steps: int = 100_000) -> tuple[np.ndarray, int]:
    """DeGroot averaging x(t + 1) = T x(t) with a row-stochastic T (dense array or scipy.sparse).

    Iterates until max |x(t + 1) - x(t)| <= tol * max(1, |x|) and returns (opinions, steps), where
    ``steps`` counts the rounds applied. For an irreducible aperiodic T, the limit is consensus on
    the left-eigenvector (stationary distribution) weighted average of x0 (DeGroot 1974).
    """
    T = _check_stochastic(T, "T")
    x = _as_opinions(x0)
    if x.size != T.shape[0]:
        raise ValueError(f"x0 has {x.size} opinions but T is {T.shape[0]}x{T.shape[0]}")
    scale = max(1.0, float(np.max(np.abs(x)))) if x.size else 1.0
    steps = 0
    while steps < max_steps:
        new = np.asarray(T @ x).ravel()
        steps += 1
        done = np.max(np.abs(new - x)) <= tol * scale
        x = new
        if done:
            break
    return x, steps


def _anchored(W, lam: np.ndarray) -> bool:
    """True when ρ(ΛW) < 1, i.e. I − ΛW is invertible.

    ΛW is substochastic with row sums λ_i; its spectral radius is below 1 exactly when every agent
    reaches, along ties of positive weight, an agent with λ < 1 (someone anchored to their own
    initial opinion). Found by growing the set of such agents backwards along W; each pass is one
    matrix-vector product, so this costs far less than a condition number.
    """
    reach = lam < 1.0
    while not reach.all():
        grown = reach | (np.asarray(W @ reach.astype(float)).ravel() > 0)
        if np.array_equal(grown, reach):
            return False
        reach = grown
    return True


def friedkin_johnsen(
    W,
    x0,
    susceptibility,
    *,
    method: str = "solve",
    tol: float = 1e-12,
    max_steps: int = 100_000,
) -> np.ndarray:
    """Friedkin-Johnsen equilibrium of x(t + 1) = Λ W x(t) + (I − Λ) x0.

    ``susceptibility`` (Λ's diagonal, scalar or one value per agent in [0, 1]) is how far each agent
    lets others move it; 1 − λ_i is its anchoring on its own initial opinion. ``method="solve"``
    returns x* = (I − ΛW)⁻¹ (I − Λ) x0 by a linear solve; ``method="iterate"`` runs the dynamics
    until max |Δx| <= tol. When every λ_i = 1 the model is DeGroot and has no unique equilibrium:
    a ValueError says so (use ``degroot``).
    """
    W = _check_stochastic(W, "W")
    x = _as_opinions(x0)
    n = x.size
    if n != W.shape[0]:
        raise ValueError(f"x0 has {n} opinions but W is {W.shape[0]}x{W.shape[0]}")
    lam = np.broadcast_to(np.asarray(susceptibility, dtype=float), (n,)).copy()
    if np.any(~np.isfinite(lam)) or np.any(lam < 0) or np.any(lam > 1):
        raise ValueError("susceptibility must lie in [0, 1]")
    anchor = (1.0 - lam) * x
    if not _anchored(W, lam):
        raise ValueError(
            "I - ΛW is singular: some group of agents with susceptibility 1 listens only to itself, "
            "so there is no unique Friedkin-Johnsen equilibrium (use degroot() for that group)"
        )
    if method == "solve":
        if hasattr(W, "tocsr"):
            import scipy.sparse as sp
            import scipy.sparse.linalg as spla

            A = (sp.identity(n, format="csr") - sp.diags(lam) @ W).tocsc()
            return np.asarray(spla.spsolve(A, anchor), dtype=float)
        A = np.eye(n) - lam[:, None] * np.asarray(W, dtype=float)
        return np.linalg.solve(A, anchor)
    if method == "iterate":
        scale = max(1.0, float(np.max(np.abs(x)))) if n else 1.0
        cur = x.copy()
        for _ in range(max_steps):
            new = lam * np.asarray(W @ cur).ravel() + anchor
            if np.max(np.abs(new - cur)) <= tol * scale:
                return new
            cur = new
        raise ValueError(
            f"Friedkin-Johnsen iteration did not converge in {max_steps} steps "
            "(is every susceptibility 1 on some closed group?)"
        )
    raise ValueError(f"method must be 'solve' or 'iterate', got {method!r}")


# ---------------------------------------------------------------------------------------------
# Deffuant-Weisbuch


def _complete_graph_pairs(n: int, size: int, rng: np.random.Generator):
    """``size`` i.i.d. uniformly random unordered pairs of distinct agents out of n."""
    i = rng.integers(0, n, size=size)
    j = rng.integers(0, n - 1, size=size)
    j = j + (j >= i)  # uniform over the other n - 1 agents
    return i, j


def _conflict_free_batches(i: np.ndarray, j: np.ndarray):
    """Cut a sequence of interactions (i[k], j[k]) into consecutive batches with no agent twice.

    Within such a batch the interactions touch disjoint agents, so doing them at once gives
    exactly what doing them one after another in sequence order gives. Yields slices.
    """
    m = i.size
    ends = np.concatenate((i, j))
    pos = np.concatenate((np.arange(m), np.arange(m)))
    order = np.lexsort((pos, ends))
    e_sorted, p_sorted = ends[order], pos[order]
    prev = np.full(2 * m, -1)
    same = e_sorted[1:] == e_sorted[:-1]
    prev_sorted = np.where(same, p_sorted[:-1], -1)
    prev[order[1:]] = prev_sorted
    # latest earlier interaction that shares an agent with interaction k (-1 if none)
    conflict = np.maximum(prev[:m], prev[m:])
    # Batches are short (birthday problem: about sqrt(n) interactions on n agents), so look for the
    # end of a batch in a bounded window first and scan further only when needed.
    look = 64 + 4 * int(np.sqrt(m))
    start = 0
    while start < m:
        # the batch ends before the first k > start whose conflicting interaction lies in it
        stop = m
        lo = start + 1
        while lo < m:
            hits = np.flatnonzero(conflict[lo : lo + look] >= start)
            if hits.size:
                stop = lo + hits[0]
                break
            lo += look
        yield slice(start, stop)
        start = stop


def _deffuant_frozen(x: np.ndarray, epsilon: float, tol: float, edges) -> bool:
    """True when no interaction can change any opinion by more than ``tol`` any more."""
    if edges is None:
        xs = np.sort(x)
        gaps = np.diff(xs)
        cuts = np.flatnonzero(gaps > tol)
        if np.any(gaps[cuts] < epsilon):
            return False
        starts = np.concatenate(([0], cuts + 1))
        stops = np.concatenate((cuts, [xs.size - 1]))
        return bool(np.all(xs[stops] - xs[starts] <= tol))
    d = np.abs(x[edges[:, 0]] - x[edges[:, 1]])
    return bool(np.all((d <= tol) | (d >= epsilon)))


def _as_edges(edges, n: int) -> np.ndarray | None:
    if edges is None:
        return None
    if hasattr(edges, "tocoo"):  # scipy.sparse adjacency
        coo = edges.tocoo()
        e = np.column_stack((coo.row, coo.col))
    elif hasattr(edges, "edges") and hasattr(edges, "nodes"):  # networkx graph on 0..n-1
        e = np.array(list(edges.edges()), dtype=np.int64).reshape(-1, 2)
    else:
        e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    e = e[e[:, 0] != e[:, 1]]
    e = np.unique(np.sort(e, axis=1), axis=0)
    if e.size and (e.min() < 0 or e.max() >= n):
        raise ValueError(f"edges must join agents 0..{n - 1}")
    return e


def deffuant(
    x0,
    epsilon: float,
    mu: float = 0.5,
    *,
    rng: np.random.Generator,
    edges=None,
    steps: int = 1_000,
    schedule: str = "sequential",
    tol: float = 1e-6,
) -> np.ndarray:
    """Deffuant-Weisbuch pairwise bounded confidence.

    A random pair (i, j) of agents joined by an edge (every pair when ``edges`` is None: the
    complete graph) interacts; if |x_i − x_j| < epsilon (strict, as in Deffuant et al. 2000) both
    move towards each other by ``mu`` times the difference. Time is counted in sweeps of ⌊n/2⌋
    interactions (one interaction per agent on average); at most ``steps`` sweeps are run, fewer
    when the state is frozen (every pair within epsilon already agrees within ``tol``).

    ``schedule``:
    - ``"sequential"`` (default): the classical random-sequential model with i.i.d. uniformly chosen
      pairs (edges). The sequence is cut into consecutive batches in which no agent occurs twice, and
      each batch is applied at once; as the interactions in a batch touch disjoint agents, this is
      exactly the sequential process, not an approximation.
    - ``"matching"``: each sweep applies one random matching at once — a random permutation of the
      agents paired off (complete graph), or on a graph the edges whose random priority is the
      smallest at both their ends. Every agent meets at most one partner per sweep instead of a
      Poisson(1) number. On the complete graph each pair is equally likely and the per-agent rate is
      the same, and the cluster counts agree with the sequential model (tested); on a graph,
      edges between low-degree agents are picked more often. Faster, for large populations.

    ``edges``: None (complete graph), an (m, 2) array of agent indices, a scipy.sparse adjacency,
    or a networkx graph on nodes 0..n-1.
    """
    x = _as_opinions(x0)
    epsilon = _check_epsilon(epsilon)
    mu = float(mu)
    if not 0.0 < mu <= 0.5:
        raise ValueError(f"mu must be in (0, 0.5], got {mu!r}")
    if schedule not in ("sequential", "matching"):
        raise ValueError(f"schedule must be 'sequential' or 'matching', got {schedule!r}")
    n = x.size
    e = _as_edges(edges, n)
    if n < 2 or (e is not None and e.size == 0):
        return x
    per_sweep = max(n // 2, 1)
    for _ in range(int(steps)):
        if schedule == "sequential":
            if e is None:
                i, j = _complete_graph_pairs(n, per_sweep, rng)
            else:
                pick = rng.integers(0, e.shape[0], size=per_sweep)
                i, j = e[pick, 0], e[pick, 1]
            for batch in _conflict_free_batches(i, j):
                _deffuant_update(x, i[batch], j[batch], epsilon, mu)
        else:
            i, j = _random_matching(n, e, rng)
            _deffuant_update(x, i, j, epsilon, mu)
        if _deffuant_frozen(x, epsilon, tol, e):
            break
    return x


def _deffuant_update(x, i, j, epsilon, mu) -> None:
    xi, xj = x[i], x[j]
    diff = xj - xi
    close = np.abs(diff) < epsilon
    x[i[close]] = xi[close] + mu * diff[close]
    x[j[close]] = xj[close] - mu * diff[close]


def _random_matching(n: int, e, rng: np.random.Generator):
    if e is None:
        perm = rng.permutation(n)
        half = n // 2
        return perm[:half], perm[half : 2 * half]
    prio = rng.random(e.shape[0])
    best = np.full(n, np.inf)
    np.minimum.at(best, e[:, 0], prio)
    np.minimum.at(best, e[:, 1], prio)
    keep = (prio == best[e[:, 0]]) & (prio == best[e[:, 1]])
    return e[keep, 0], e[keep, 1]


def persuasive_arguments(
    x,
    sources_x,
    *,
    sources_weight=None,
    homophily: float = 0.0,
    rate: float = 0.1,
    conviction: float = 0.5,
) -> np.ndarray:
    """One round of persuasive arguments: each listener moves toward the side whose arguments
    they heard more of; returns the new opinions (−1..1).

    A source j states arguments for its side, side_j = clip(x_j / conviction, −1, 1). Listener i
    weighs them by w_j · similarity^homophily (similarity = 1 − |x_i − x_j| / 2: one listens more
    to those who think alike) and moves by ``rate · balance_i · (1 − |x_i|)``, where balance_i ∈
    [−1, 1] is the weighted mean side heard. The step shifts a room rather than pulling it
    together: a like-minded room hears one side only and moves toward its pole (group
    polarization, Vinokur & Burnstein 1974; Schkade, Sunstein & Hastie 2007), a balanced room
    hears both and stays put, and homophily lets each camp hear its own side so a mixed room
    splits (Mäs & Flache 2013). The functional form is an ASSUMPTION of this kit.
    """
    xl = _as_opinions(x)
    xs = np.asarray(sources_x, dtype=float)
    if xl.size == 0 or xs.size == 0:
        return xl.copy()
    # sources shared by every listener (1-D) or one row of sources per listener (2-D, NaN = none)
    xs = xs[None, :] if xs.ndim == 1 else xs
    w = np.ones(xs.shape) if sources_weight is None else np.asarray(sources_weight, dtype=float)
    w = np.where(np.isnan(xs), 0.0, np.broadcast_to(w, xs.shape))
    xs = np.nan_to_num(xs)
    side = np.clip(xs / max(conviction, 1e-9), -1.0, 1.0)
    sim = 1.0 - np.abs(xl[:, None] - xs) / 2.0
    weight = w * np.power(np.maximum(sim, 0.0), homophily)
    total = weight.sum(axis=1)
    balance = np.where(
        total > 0, (weight * side).sum(axis=1) / np.where(total > 0, total, 1.0), 0.0
    )
    return np.clip(xl + rate * balance * (1.0 - np.abs(xl)), -1.0, 1.0)
