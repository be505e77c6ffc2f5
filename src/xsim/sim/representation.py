"""Who sits for whom: representatives chosen by the rule of the law, not by chance.

Villagers' representatives are elected "每五户至十五户推选一人，或者由各村民小组推选若干人", and women
make up at least one third of a villagers' representatives' meeting (《村民委员会组织法》第二十九条
（2025年修正）; quoted through :mod:`xsim.law`). This module applies that rule to a synthetic village:

- each stakeholder group with at least one block of households (``MIN_BLOCK`` = 5, the lower end of
  the law's 5–15) gets at least one seat, and the seats are shared between groups in proportion to
  their households (largest remainders);
- for villagers' representatives the total number of seats is kept within the law's range
  ⌈households / 15⌉ … ⌊households / 5⌋; building heads and residents' representatives use the
  scenario's count as given;
- each seat speaks for a block of consecutive households of one group (so mostly of one villager
  group or building), and its representative is an adult of a random household of the block;
- for villagers' representatives, if fewer than a third are women, men are replaced by a woman of
  their own block until a third are (blocks without an adult woman keep their man).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xsim.sim.population import Population
from xsim.sim.scenario import Scenario

MIN_BLOCK = 5  # 每五户至十五户推选一人: fewer than five households make no block of their own
MAX_BLOCK = 15
WOMEN_SHARE = 1.0 / 3.0  # 妇女村民代表应当占村民代表会议组成人员的三分之一以上


@dataclass(frozen=True)
class Seat:
    resident: int  # the adult who serves
    households: np.ndarray  # the households it speaks for
    group: int  # their stakeholder group


def seat_count(scenario: Scenario, n_households: int) -> int:
    """Seats of the representatives' body: the scenario's count, held to the law's 5–15 rule for
    villagers' representatives."""
    reps = scenario.representatives
    count = min(reps.count, n_households)
    if count == 0 or reps.kind != "villager_rep":
        return count
    lowest = -(-n_households // MAX_BLOCK)
    highest = max(1, n_households // MIN_BLOCK)
    return int(min(max(count, lowest), highest))


def seats_per_group(households_per_group: np.ndarray, total: int) -> np.ndarray:
    """Seats for each group: ≥ 1 for a group with at least ``MIN_BLOCK`` households, the rest by
    largest remainders in proportion to households."""
    hh = np.asarray(households_per_group, dtype=float)
    entitled = hh >= MIN_BLOCK
    if total <= 0 or not entitled.any():
        return np.zeros(hh.size, dtype=int)
    seats = entitled.astype(int)
    if seats.sum() >= total:
        return seats
    quota = np.where(entitled, hh / hh[entitled].sum() * total, 0.0)
    seats = np.maximum(seats, np.floor(quota).astype(int))
    while seats.sum() > total:  # minimum seats pushed the sum over: take from the largest
        seats[np.argmax(np.where(seats > 1, seats - quota, -np.inf))] -= 1
    remainder = quota - seats
    for k in np.argsort(-remainder, kind="stable")[: total - seats.sum()]:
        seats[k] += 1
    return seats


def choose_representatives(
    scenario: Scenario, pop: Population, rng: np.random.Generator
) -> list[Seat]:
    """The seats of the representatives' body and who fills them (see the module docstring)."""
    total = seat_count(scenario, pop.n_households)
    if total == 0:
        return []
    n_groups = len(scenario.stakeholder_groups)
    hh_per_group = np.bincount(pop.household_group, minlength=n_groups)
    seats = seats_per_group(hh_per_group, total)
    size = np.diff(np.append(pop.household_start, pop.n))
    out: list[Seat] = []
    for g in range(n_groups):
        if seats[g] == 0:
            continue
        mine = np.flatnonzero(pop.household_group == g)  # in unit order: blocks stay local
        for block in np.array_split(mine, min(int(seats[g]), mine.size)):
            hh = block[rng.integers(block.size)]
            resident = pop.household_start[hh] + rng.integers(size[hh])
            out.append(Seat(int(resident), block, g))
    if scenario.representatives.kind == "villager_rep":
        out = _at_least_a_third_women(out, pop, rng)
    return out


def _at_least_a_third_women(seats: list[Seat], pop: Population, rng) -> list[Seat]:
    needed = int(np.ceil(WOMEN_SHARE * len(seats) - 1e-9))
    women = sum(bool(pop.female[s.resident]) for s in seats)
    if women >= needed:
        return seats
    out = list(seats)
    for k in rng.permutation(len(seats)):
        if women >= needed:
            break
        seat = out[k]
        if pop.female[seat.resident]:
            continue
        adults = np.concatenate(
            [np.arange(pop.household_start[h], _household_end(pop, h)) for h in seat.households]
        )
        candidates = adults[pop.female[adults]]
        if candidates.size:
            out[k] = Seat(int(rng.choice(candidates)), seat.households, seat.group)
            women += 1
    return out


def _household_end(pop: Population, h: int) -> int:
    return int(pop.household_start[h + 1]) if h + 1 < pop.n_households else pop.n
