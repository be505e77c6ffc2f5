"""What the model (or a kernel) says for each validation target: one small function per statistic.

Every statistic is a function ``f(fast: bool, seed: int) -> Estimate`` registered under the name the
target table (``data/validation_targets.yaml``) gives in its ``statistic`` field. Its docstring is the
definition printed in ``docs/validation.md``. Kernel statistics call the published kernels in
:mod:`xsim.sim.talk.dynamics` and :mod:`xsim.sim.cascade`; model statistics run the consultation model
through :class:`xsim.experiments.study.Study` (common random numbers, seeds from ``seed``) and read
only measures of ``Outcome.to_dict()`` or the synthetic population, so that they re-evaluate
unchanged on a rewritten model. A statistic that needs a measure the model does not (yet) produce
returns an estimate with ``value = NaN`` and a note naming the measure: the target then fails and
says why. ``fast`` uses fewer replications (``make test``); the full variant is ``xsim validate``.
"""

from __future__ import annotations

import contextlib
import functools
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


def missing(measure: str) -> Estimate:
    return Estimate(
        math.nan,
        math.nan,
        math.nan,
        0,
        f"the model does not produce the measure '{measure}' (not computable yet)",
    )


def mean_of(values: Sequence[float], seed: int) -> Estimate:
    """Mean with its 95% interval (Wilson for proportions, BCa otherwise; see experiments.stats)."""
    from xsim.experiments.stats import mean_interval

    x = np.asarray(values, dtype=float)
    est = mean_interval(x, rng=np.random.default_rng(seed))
    return Estimate(est.estimate, est.low, est.high, est.n)


# ---------------------------------------------------------------------------------------------
# kernels (published results)


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


# ---------------------------------------------------------------------------------------------
# the consultation model


def _reps(fast: bool) -> int:
    return 6 if fast else 30


#: Behaviour values every model run of the statistics uses instead of the defaults (set only by
#: :func:`behaviour_overrides`, e.g. by tools/calibrate.py while it searches for the defaults).
_BEHAVIOUR: dict[str, float] = {}


@contextlib.contextmanager
def behaviour_overrides(values: dict[str, float]):
    """Within the block, model statistics run with ``behaviour.<name> = value`` for each entry."""
    saved = dict(_BEHAVIOUR)
    _BEHAVIOUR.clear()
    _BEHAVIOUR.update(values)
    try:
        yield
    finally:
        _BEHAVIOUR.clear()
        _BEHAVIOUR.update(saved)


def model_runs(
    scenario: str, forms: Sequence[str], reps: int, seed: int, overrides: dict | None = None
):
    """Rows of a study of ``scenario`` × ``forms`` (one row per run; common random numbers).

    Studies are cached for the process: targets that read the same runs (owners and the old in
    the same meetings) do not run them twice. Treat the rows as read-only.
    """
    merged = {f"behaviour.{k}": v for k, v in _BEHAVIOUR.items()} | dict(overrides or {})
    key = tuple(sorted(merged.items()))
    return _model_runs(scenario, tuple(forms), int(reps), int(seed), key)


@functools.lru_cache(maxsize=64)
def _model_runs(scenario: str, forms: tuple, reps: int, seed: int, overrides: tuple):
    from xsim.experiments.study import Study
    from xsim.sim.scenario import load_scenario

    loaded = load_scenario(scenario)
    if overrides:
        loaded = loaded.with_overrides(dict(overrides), source="<validation>")
    study = Study(loaded, [{"form": f} for f in forms], reps, seed)
    return study.run("in-process", progress=False).rows


def _scenarios(setting: str | None = None) -> list:
    from xsim.sim.scenario import list_scenarios

    return [s for s in list_scenarios() if setting is None or s.setting == setting]


def _has(frame, measure: str) -> bool:
    return measure in frame.columns and frame[measure].notna().any()


@statistic("net_opinion_change_share")
def net_opinion_change_share(fast: bool, seed: int) -> Estimate:
    """Share of bundled scenarios (each with its configured form) in which the mean opinion of those
    present moves significantly: the 95% paired interval of opinion_after − opinion_before over
    the replications excludes 0."""
    from xsim.experiments.stats import difference

    hits = []
    for sc in _scenarios():
        rows = model_runs(sc.name, [sc.organizer.form or sc.forms[0]], _reps(fast), seed)
        d = difference(
            rows["opinion_after"].to_numpy(float),
            rows["opinion_before"].to_numpy(float),
            paired=True,
            rng=np.random.default_rng(seed),
        )
        hits.append(float(d.excludes_zero))
    return mean_of(hits, seed)


@statistic("mixed_group_spread_change")
def mixed_group_spread_change(fast: bool, seed: int) -> Estimate:
    """Mean relative change of the spread of opinions among those present in a facilitated council
    of a mixed scenario (elevator_retrofit): opinion_spread / opinion_spread_before − 1."""
    rows = model_runs("elevator_retrofit", ["council"], _reps(fast), seed)
    if not _has(rows, "opinion_spread_before"):
        return missing("opinion_spread_before")
    change = rows["opinion_spread"] / rows["opinion_spread_before"] - 1
    return mean_of(change.to_numpy(float), seed)


@statistic("like_minded_extremity_change")
def like_minded_extremity_change(fast: bool, seed: int) -> Estimate:
    """Change of the extremity of the mean opinion of those present, |after| − |before|, when every
    stakeholder group of village_square leans the same way (opinion mean +0.4, sd 0.2) and meets in
    a council."""
    from xsim.sim.scenario import load_scenario

    groups = load_scenario("village_square").stakeholder_groups
    overrides = {}
    for g in groups:
        overrides[f"stakeholder_groups.{g.id}.opinion.mean"] = 0.4
        overrides[f"stakeholder_groups.{g.id}.opinion.sd"] = 0.2
    rows = model_runs("village_square", ["council"], _reps(fast), seed, overrides)
    change = rows["opinion_after"].abs() - rows["opinion_before"].abs()
    return mean_of(change.to_numpy(float), seed)


@statistic("women_speaking_ratio_majority_rule")
def women_speaking_ratio_majority_rule(fast: bool, seed: int) -> Estimate:
    """Women's share of the residents who spoke over their share of the residents present, in an
    unmoderated villagers' meeting of village_road (decided by majority, women a minority of those
    present; no moderator, as in the experiments): ``voice_share.female`` /
    ``attendance_share.female`` per run."""
    rows = model_runs(
        "village_road", ["villagers_meeting"], _reps(fast), seed, {"organizer.facilitated": False}
    )
    for measure in ("voice_share.female", "attendance_share.female"):
        if not _has(rows, measure):
            return missing(measure)
    ratio = (rows["voice_share.female"] / rows["attendance_share.female"]).to_numpy(float)
    return mean_of(ratio[np.isfinite(ratio)], seed)


def _participation_ratio(fast: bool, seed: int, top: str, bottom: str) -> Estimate:
    ratios = []
    notes = []
    for sc in _scenarios("community"):
        meeting = [f for f in (sc.forms or []) if f in ("hearing", "compound", "residents_meeting")]
        if not meeting:
            continue
        rows = model_runs(sc.name, meeting[:1], _reps(fast), seed)
        if not (_has(rows, top) and _has(rows, bottom)):
            notes.append(sc.name)
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            r = rows[top].to_numpy(float) / rows[bottom].to_numpy(float)
        ratios.extend(r[np.isfinite(r)])
    if not ratios:
        return missing(f"{top} / {bottom}")
    est = mean_of(ratios, seed)
    note = f"no {top} or {bottom} in: {', '.join(notes)}" if notes else ""
    return Estimate(est.value, est.low, est.high, est.n, note)


@statistic("old_young_attendance_ratio")
def old_young_attendance_ratio(fast: bool, seed: int) -> Estimate:
    """Participation of the old (60+) over that of the young (18–39) in the first in-person public
    meeting form (hearing, compound or residents' meeting) of each community scenario."""
    return _participation_ratio(fast, seed, "participation.age_old", "participation.age_young")


@statistic("owner_tenant_attendance_ratio")
def owner_tenant_attendance_ratio(fast: bool, seed: int) -> Estimate:
    """Participation of owners over that of tenants in the same meetings as above."""
    return _participation_ratio(fast, seed, "participation.owner", "participation.tenant")


def _population_share(fast: bool, seed: int, setting: str | None, who) -> Estimate:
    from xsim.sim.population import build_population

    shares = []
    draws = 3 if fast else 10
    for sc in _scenarios(setting):
        for s in range(draws):
            pop = build_population(sc, np.random.default_rng([seed, s]))
            mask = who(pop)
            if mask.any():
                shares.append(float(pop.digital[mask].mean()))
    return mean_of(shares, seed)


@statistic("rural_digital_share")
def rural_digital_share(fast: bool, seed: int) -> Estimate:
    """Share of adults who can use an online platform in the synthetic populations of the village
    scenarios (mean over scenarios and population draws)."""
    return _population_share(fast, seed, "village", lambda p: np.ones(p.n, dtype=bool))


@statistic("old_digital_share")
def old_digital_share(fast: bool, seed: int) -> Estimate:
    """Share of adults aged 60+ who can use an online platform, over every bundled scenario."""
    from xsim.sim.population import OLD

    return _population_share(fast, seed, None, lambda p: p.age == OLD)


@statistic("online_participation")
def online_participation(fast: bool, seed: int) -> Estimate:
    """Participation (share of adults who take part) in the online form of every scenario that
    offers one."""
    values = []
    for sc in _scenarios():
        if "online" in (sc.forms or []):
            rows = model_runs(sc.name, ["online"], _reps(fast), seed)
            values.extend(rows["participation"].to_numpy(float))
    return mean_of(values, seed)


@statistic("villagers_meeting_attendance")
def villagers_meeting_attendance(fast: bool, seed: int) -> Estimate:
    """Participation of adults in a villagers' meeting (村民会议) in the village scenarios where a
    quarter or more of adults work away."""
    values = []
    for sc in _scenarios("village"):
        if "villagers_meeting" in (sc.forms or []) and sc.population.away_share >= 0.25:
            rows = model_runs(sc.name, ["villagers_meeting"], _reps(fast), seed)
            values.extend(rows["participation"].to_numpy(float))
    if not values:
        return missing("participation (no village scenario with a villagers' meeting)")
    return mean_of(values, seed)
