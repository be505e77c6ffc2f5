"""Statistics of the published kernels (Hegselmann–Krause, Deffuant, DeGroot, Friedkin–Johnsen,
Granovetter): the code reproduces a published result (role ``verification``)."""

from __future__ import annotations

import numpy as np

from xsim.validation.registry import Estimate, exact, mean_of, statistic


def _hw_sizes(n: int) -> list[int]:
    half = [3] * (n // 6)
    return half + ([n % 6] if n % 6 else []) + half


@statistic("hk_equally_spaced_clusters")
def hk_equally_spaced_clusters(fast: bool, seed: int) -> Estimate:
    """Share of cases (n agents equally spaced at gap ε, n in 12…120, ε in 1, 0.1, 0.05) whose
    Hegselmann–Krause dynamics freeze into 2⌊n/6⌋ clusters of 3 plus a middle cluster of n mod 6."""
    from xsim.sim.talk.dynamics import hegselmann_krause
    from xsim.sim.talk.polarization import clusters

    ns = (12, 13, 17, 30, 47, 60) if fast else (12, 13, 14, 15, 16, 17, 30, 47, 60, 91, 120)
    hits = cases = 0
    for eps in (1.0, 0.1, 0.05):
        for n in ns:
            x, _ = hegselmann_krause(np.arange(n) * eps, eps)
            hits += [k for _, k in clusters(x, tol=1e-9 * eps)] == _hw_sizes(n)
            cases += 1
    return exact(hits / cases, cases)


@statistic("hk_freezing_time_excess")
def hk_freezing_time_excess(fast: bool, seed: int) -> Estimate:
    """Largest |freezing time − 5n/6| over equally spaced configurations, n = 6…120 (ε = 1)."""
    from xsim.sim.talk.dynamics import hegselmann_krause

    ns = range(6, 61) if fast else range(6, 121)
    worst = max(abs(hegselmann_krause(np.arange(n, dtype=float), 1.0)[1] - 5 * n / 6) for n in ns)
    return exact(worst, len(ns))


def _hk_consensus_share(eps: float, fast: bool, seed: int) -> Estimate:
    from xsim.sim.talk.dynamics import hegselmann_krause
    from xsim.sim.talk.polarization import clusters

    seeds = 10 if fast else 30
    hits = []
    for s in range(seeds):
        x0 = np.random.default_rng([seed, s]).random(500)
        x, _ = hegselmann_krause(x0, eps)
        hits.append(float(len(clusters(x, 1e-6)) == 1))
    return mean_of(hits, seed)


@statistic("hk_consensus_share_eps_0_3")
def hk_consensus_share_eps_0_3(fast: bool, seed: int) -> Estimate:
    """Share of random starts (500 agents, uniform on [0, 1]) that end in one cluster at ε = 0.3."""
    return _hk_consensus_share(0.3, fast, seed)


@statistic("hk_consensus_share_eps_0_1")
def hk_consensus_share_eps_0_1(fast: bool, seed: int) -> Estimate:
    """Share of random starts (500 agents, uniform on [0, 1]) that end in one cluster at ε = 0.1."""
    return _hk_consensus_share(0.1, fast, seed)


@statistic("deffuant_major_clusters_eps_0_2")
def deffuant_major_clusters_eps_0_2(fast: bool, seed: int) -> Estimate:
    """Mean number of major clusters (≥ 5% of agents) after Deffuant–Weisbuch dynamics with
    ε = 0.2, μ = 0.5, 200 agents uniform on [0, 1], random matching, 400 rounds."""
    from xsim.sim.talk.dynamics import deffuant
    from xsim.sim.talk.polarization import clusters

    seeds = 10 if fast else 30
    counts = []
    for s in range(seeds):
        rng = np.random.default_rng([seed, s])
        x = deffuant(rng.random(200), 0.2, 0.5, rng=rng, steps=400, schedule="matching")
        counts.append(sum(1 for _, k in clusters(x, 1e-3) if k >= 0.05 * 200))
    return mean_of(counts, seed)


@statistic("degroot_consensus_error")
def degroot_consensus_error(fast: bool, seed: int) -> Estimate:
    """Largest |DeGroot limit − left-eigenvector-weighted mean of the initial opinions| over random
    row-stochastic, strongly connected, aperiodic matrices (10 to 40 agents)."""
    from xsim.sim.talk.dynamics import degroot

    rng = np.random.default_rng(seed)
    worst = 0.0
    trials = 5 if fast else 20
    for _ in range(trials):
        n = int(rng.integers(10, 41))
        T = rng.random((n, n)) + np.eye(n)  # positive: strongly connected and aperiodic
        T /= T.sum(axis=1, keepdims=True)
        values, vectors = np.linalg.eig(T.T)
        w = np.real(vectors[:, np.argmin(np.abs(values - 1))])
        w /= w.sum()
        x0 = rng.uniform(-1, 1, n)
        x, _ = degroot(T, x0)
        worst = max(worst, float(np.abs(x - w @ x0).max()))
    return exact(worst, trials)


@statistic("friedkin_johnsen_equilibrium_error")
def friedkin_johnsen_equilibrium_error(fast: bool, seed: int) -> Estimate:
    """Largest |Friedkin–Johnsen equilibrium − (I − ΛW)⁻¹(I − Λ)x₀| over random networks of 30
    agents with susceptibilities drawn from [0.2, 0.95]."""
    from xsim.sim.talk.dynamics import friedkin_johnsen

    rng = np.random.default_rng(seed)
    worst = 0.0
    trials = 5 if fast else 20
    for _ in range(trials):
        n = 30
        W = rng.random((n, n)) * (rng.random((n, n)) < 0.4) + np.eye(n) * 0.1
        W /= W.sum(axis=1, keepdims=True)
        lam = rng.uniform(0.2, 0.95, n)
        x0 = rng.uniform(-1, 1, n)
        closed = np.linalg.solve(np.eye(n) - np.diag(lam) @ W, (1 - lam) * x0)
        worst = max(worst, float(np.abs(friedkin_johnsen(W, x0, lam) - closed).max()))
    return exact(worst, trials)


@statistic("granovetter_uniform_cascade")
def granovetter_uniform_cascade(fast: bool, seed: int) -> Estimate:
    """Final size of the cascade of 100 people with thresholds 0, 1, …, 99."""
    from xsim.sim.cascade import threshold_cascade

    return exact(threshold_cascade(np.arange(100)), 1)


@statistic("granovetter_perturbed_cascade")
def granovetter_perturbed_cascade(fast: bool, seed: int) -> Estimate:
    """Final size of the same cascade when the person with threshold 1 has threshold 2 instead."""
    from xsim.sim.cascade import threshold_cascade

    thresholds = np.arange(100)
    thresholds[1] = 2
    return exact(threshold_cascade(thresholds), 1)
