"""The deciding meetings: who takes part and how they vote, and the law's quorum and majority.

Each meeting function takes who is present (decided in :mod:`xsim.sim.attendance`) and the
population's arrays and returns the meeting's numbers in the form of a record's ``assembly`` block
(members, present, yes, and households or floor areas where the law counts them).
:func:`meeting_decision` applies the thresholds of :mod:`xsim.rules.meetings` — the same functions
the rules engine judges records by — under the law version in force on the meeting's date.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from xsim import law
from xsim.rules import meetings as mt
from xsim.sim import attendance as A

if TYPE_CHECKING:  # pragma: no cover
    from xsim.sim.population import Population


def villagers_meeting(pop: Population, present: np.ndarray, abstain: float) -> dict[str, Any]:
    """Organic Law art. 22: more than half of adults, or ⅔ of households; > ½ of those present."""
    households = np.maximum.reduceat(present, pop.household_start)
    return {
        "members": pop.n,
        "present": int(present.sum()),
        "yes": int((present & (pop.opinion > abstain)).sum()),
        "households_total": pop.n_households,
        "households_present": int(households.sum()),
    }


def residents_meeting(
    pop: Population, present: np.ndarray, abstain: float, on: dt.date
) -> dict[str, Any]:
    """Every adult resident is a member (2025 law art. 26); the quorum may also be met by
    household representatives (art. 27). Under the 2018 law (art. 9) the meeting could be formed
    by one representative per household: then its members are the households."""
    households = np.maximum.reduceat(present, pop.household_start)
    if law.version_in_force("urban_residents_committees", on) == "2018":
        agree = pop.household_mean(pop.opinion) > abstain
        return {
            "members": pop.n_households,
            "present": int(households.sum()),
            "yes": int((households & agree).sum()),
        }
    return {
        "members": pop.n,
        "present": int(present.sum()),
        "yes": int((present & (pop.opinion > abstain)).sum()),
        "households_total": pop.n_households,
        "households_present": int(households.sum()),
    }


def members_meeting(
    pop: Population, present: np.ndarray, abstain: float, proxy_share: float, rng
) -> dict[str, Any]:
    """农村集体经济组织法 art. 27: every member (here every adult villager) may take part in
    person, online, or by a written proxy to a household member who attends; one member one
    vote; adopted with ≥ ⅔ of ALL members in favour."""
    taking_part = present | A.proxies(pop, present, proxy_share, rng)
    return {
        "members": pop.n,
        "present": int(taking_part.sum()),
        "yes": int((taking_part & (pop.opinion > abstain)).sum()),
    }


def representatives_meeting(
    positions: np.ndarray, present: np.ndarray, abstain: float
) -> dict[str, Any]:
    """Organic Law art. 26: sits with ≥ ⅔ of members; > ½ of those present agree. ``positions``:
    each seat's position (its own view and its households', :class:`xsim.sim.agents.Representative`)."""
    agree = positions > abstain
    return {
        "members": int(positions.size),
        "present": int(present.sum()),
        "yes": int((present & agree).sum()),
    }


def owners_meeting(
    pop: Population, turnout: np.ndarray, abstain: float, canvass: float, special: bool, rng
) -> dict[str, Any]:
    """Civil Code art. 278: ⅔ of area and of owners vote; special ¾ / ordinary > ½ of both.
    Owners vote by household: those with someone at the meeting, and those canvassed door to door
    (:func:`xsim.sim.attendance.households_turnout`)."""
    owners = pop.household_owner
    voting = owners & A.households_turnout(pop, turnout, canvass, rng)
    agree = voting & (pop.household_mean(pop.opinion) > abstain)
    return {
        "members": int(owners.sum()),
        "present": int(voting.sum()),
        "yes": int(agree.sum()),
        "area_total": round(float(pop.area[owners].sum()), 1),
        "area_present": round(float(pop.area[voting].sum()), 1),
        "area_yes": round(float(pop.area[agree].sum()), 1),
        "matter": "special" if special else "ordinary",
    }


def meeting_decision(
    kind: str, a: dict[str, Any], on: dt.date, setting: str = "village", collective: bool = False
) -> tuple[mt.Judgement, mt.Judgement]:
    """The law's quorum and majority for a deciding meeting held on ``on``: two judgements.

    ``a`` holds the meeting's numbers as the record's ``assembly`` block does. The thresholds are
    :mod:`xsim.rules.meetings`' (the ones the rules engine judges records by), under the law version
    in force that day (:func:`xsim.law.version_in_force`). ``collective``: a collective economic
    organization's matter decided, where no organization is established, by the villagers' (or
    representatives') meeting, which then applies the members' meeting thresholds (村民委员会组织法
    2025 art. 28 para. 4).
    """
    village = law.version_in_force("villagers_committees", on)
    urban = law.version_in_force("urban_residents_committees", on)
    collective = collective and "rural_collective_economic_organizations" in law.laws_in_force(on)
    present, members, yes = a["present"], a["members"], a["yes"]
    if kind == "members_meeting" or (kind == "villagers_meeting" and collective):
        return mt.members_meeting_quorum(members, present), mt.members_meeting_majority(
            members, yes
        )
    if kind == "members_representatives_meeting":
        # The law sets no quorum apart from approval by 2/3 of all representatives (art. 28).
        majority = mt.members_representatives_majority(members, yes)
        return majority, majority
    if kind == "representatives_meeting" and collective:
        quorum = mt.village_representatives_quorum(village, members, present)
        return quorum, mt.members_representatives_majority(members, yes)
    if kind == "villagers_meeting":
        hh = a.get("households_total"), a.get("households_present")
        quorum = mt.villagers_meeting_quorum(village, members, present, *hh)
        return quorum, mt.villagers_meeting_majority(village, present, yes)
    if kind == "residents_meeting":
        hh = a.get("households_total"), a.get("households_present")
        quorum = mt.residents_meeting_quorum(urban, members, present, *hh)
        return quorum, mt.residents_meeting_majority(urban, present, yes)
    if kind == "representatives_meeting":
        if setting == "community" and urban != "2018":
            return (
                mt.residents_representatives_quorum(members, present),
                mt.residents_representatives_majority(present, yes),
            )
        # The 2018 urban law had no residents' representatives' meeting: like the rules engine,
        # this kit borrows the villagers' representatives' meeting thresholds.
        version = village if setting == "village" else "2018"
        return (
            mt.village_representatives_quorum(version, members, present),
            mt.village_representatives_majority(version, present, yes),
        )
    if kind == "owners_meeting":
        quorum = mt.owners_meeting_quorum(members, present, a["area_total"], a["area_present"])
        majority = mt.owners_meeting_majority(
            a["matter"], present, yes, a["area_present"], a["area_yes"]
        )
        return quorum, majority
    raise ValueError(f"unknown deciding meeting {kind!r}")
