"""A synthetic village or community built from a scenario: one row per adult, as NumPy arrays.

Households are spread over units (villager groups 村民小组 or buildings 楼栋) and stakeholder groups
by the scenario's shares; every adult gets a registration status, age band, gender, digital access,
stake, opinion, knowledge, trust and a few acquaintances in the same unit. Residents are sorted by
unit and then household, so a household is a contiguous slice (``household_start``).

Nothing here loops over people: the whole population is drawn with vectorized calls on the model's
generator, so the same seed always gives the same village.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xsim.sim.scenario import Scenario

YOUNG, MIDDLE, OLD = 0, 1, 2
AGE_BANDS = ("young", "middle", "old")


@dataclass
class Population:
    """Per-resident state (arrays of length ``n``) plus per-household and per-unit indices."""

    household: np.ndarray  # household index of each adult
    unit: np.ndarray  # villager group / building index
    group: np.ndarray  # stakeholder group index
    registered: np.ndarray  # bool: 户籍
    owner: np.ndarray  # bool: the household owns its home
    age: np.ndarray  # 0 young 18–39, 1 middle 40–59, 2 old 60+
    female: np.ndarray  # bool
    digital: np.ndarray  # bool: can use an online platform
    away: np.ndarray  # bool: working away most of the time
    stake: np.ndarray  # −1..1
    opinion: np.ndarray  # −1..1 (current)
    opinion0: np.ndarray  # −1..1 (before the consultation)
    knowledge: np.ndarray  # 0..1
    trust: np.ndarray  # 0..1
    status: np.ndarray  # bool: a high-status voice (cadre, veteran, established owner …)
    contacts: np.ndarray  # (n, k) indices of acquaintances in the same unit
    household_start: np.ndarray  # first resident of each household
    household_group: np.ndarray  # stakeholder group of each household
    household_owner: np.ndarray  # bool per household
    area: np.ndarray  # floor area per household (m²), 0 for tenants
    #: −1 schooling not modelled, 0 below secondary completion, 1 secondary or more
    #: (xsim.sim.schooling; drawn from its own stream, so set after the rest)
    schooled: np.ndarray | None = None

    @property
    def n(self) -> int:
        return self.household.size

    @property
    def n_households(self) -> int:
        return self.household_start.size

    def household_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean of a per-resident quantity over each household."""
        sums = np.add.reduceat(values.astype(float), self.household_start)
        return sums / np.diff(np.append(self.household_start, self.n))

    def nbytes(self) -> int:
        return sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))


def _clipped_normal(rng, mean, sd, size, lo, hi) -> np.ndarray:
    return np.clip(rng.normal(mean, sd, size) if sd > 0 else np.full(size, float(mean)), lo, hi)


def build_population(scenario: Scenario, rng: np.random.Generator) -> Population:
    """Draw the adults of the scenario's village or community."""
    pop = scenario.population
    groups = scenario.stakeholder_groups
    n_hh = pop.households

    # Households: their stakeholder group (by shares, exact counts) and unit.
    shares = np.array([g.share for g in groups])
    counts = np.floor(shares * n_hh).astype(int)
    counts[np.argmax(shares)] += n_hh - counts.sum()
    hh_group = rng.permutation(np.repeat(np.arange(len(groups)), counts))
    hh_unit = np.sort(rng.integers(0, pop.units, n_hh))
    owner_share = np.array(
        [pop.owner_share if g.owner_share is None else g.owner_share for g in groups]
    )
    hh_owner = rng.random(n_hh) < owner_share[hh_group]

    # Adults per household: 1 + Poisson, capped at 6 — the mean matches adults_per_household.
    size = np.minimum(1 + rng.poisson(pop.adults_per_household - 1.0, n_hh), 6)
    household = np.repeat(np.arange(n_hh), size)
    n = household.size
    hh_start = np.concatenate(([0], np.cumsum(size)[:-1]))
    group = hh_group[household]
    unit = hh_unit[household]

    reg_share = np.array(
        [pop.registered_share if g.registered_share is None else g.registered_share for g in groups]
    )
    old_share = np.array([np.nan if g.old_share is None else g.old_share for g in groups])
    age = _draw_age(rng, n, pop, old_share[group])
    digital_p = np.array(
        [pop.digital_access.young, pop.digital_access.middle, pop.digital_access.old]
    )

    stake_mean = np.array([g.stake.mean for g in groups])
    stake_sd = np.array([g.stake.sd for g in groups])
    op_mean = np.array([g.opinion.mean for g in groups])
    op_sd = np.array([g.opinion.sd for g in groups])
    stake = np.clip(stake_mean[group] + stake_sd[group] * rng.standard_normal(n), -1.0, 1.0)
    opinion = np.clip(op_mean[group] + op_sd[group] * rng.standard_normal(n), -1.0, 1.0)
    owner = hh_owner[household]
    registered = rng.random(n) < reg_share[group]
    female = rng.random(n) < pop.female_share
    # High status (ASSUMPTION): registered owners over 40, men more often in villages (traditional
    # village politics), about one in five adults; plus everyone is equal online.
    status_p = np.where(registered & owner & (age > YOUNG), 0.35, 0.05)
    if scenario.setting == "village":
        status_p = np.where(female, status_p * 0.6, status_p * 1.4)
    area = np.where(
        hh_owner,
        _clipped_normal(rng, pop.area_m2.mean, pop.area_m2.sd, n_hh, 20.0, 400.0),
        0.0,
    )
    return Population(
        household=household,
        unit=unit,
        group=group,
        registered=registered,
        owner=owner,
        age=age,
        female=female,
        digital=rng.random(n) < digital_p[age],
        away=_away(rng, scenario, group, age),
        stake=stake,
        opinion=opinion.copy(),
        opinion0=opinion,
        knowledge=_clipped_normal(rng, pop.knowledge.mean, pop.knowledge.sd, n, 0.0, 1.0),
        trust=_clipped_normal(rng, pop.trust.mean, pop.trust.sd, n, 0.0, 1.0),
        status=rng.random(n) < status_p,
        contacts=_contacts(rng, unit, pop.ties),
        household_start=hh_start,
        household_group=hh_group,
        household_owner=hh_owner,
        area=np.round(area, 1),
    )


def _away(rng, scenario: Scenario, group: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Adults living away: ``away_share`` among working-age adults (× 1.25 under 60, so the share
    over all adults stays near ``away_share``); a group in ``away_by_group`` (e.g. married-out
    women living in their husbands' villages) has its own share at every age."""
    pop = scenario.population
    u = rng.random(group.size)
    away = (age < OLD) & (u < pop.away_share * 1.25)
    for k, g in enumerate(scenario.stakeholder_groups):
        if g.id in pop.away_by_group:
            mine = group == k
            away = np.where(mine, u < pop.away_by_group[g.id], away)
    return away


def _draw_age(rng, n: int, pop, old_override: np.ndarray) -> np.ndarray:
    """Age bands by the population's shares; a group's ``old_share`` rescales young vs. middle."""
    a = pop.age
    p_old = np.where(np.isnan(old_override), a.old, old_override)
    rest = a.young + a.middle
    p_young = (1.0 - p_old) * (a.young / rest if rest > 0 else 0.5)
    u = rng.random(n)
    return np.where(u < p_young, YOUNG, np.where(u < 1.0 - p_old, MIDDLE, OLD)).astype(np.int8)


def _contacts(rng, unit: np.ndarray, k: int) -> np.ndarray:
    """k random acquaintances per adult in the same unit (residents are sorted by unit)."""
    n = unit.size
    if k == 0 or n == 0:
        return np.zeros((n, 0), dtype=np.int64)
    starts = np.searchsorted(unit, unit, side="left")
    ends = np.searchsorted(unit, unit, side="right")
    offsets = np.floor(rng.random((n, k)) * (ends - starts)[:, None]).astype(np.int64)
    return starts[:, None] + offsets
