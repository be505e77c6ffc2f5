"""The people and bodies of a consultation, as Mesa agents.

Agents carry identity, choices and what goes into the record. Their numbers — opinion, stake,
knowledge, trust … — live in arrays the model owns (:class:`xsim.population.Population`); a
:class:`Resident` holds only its row index. Behaviour that involves many residents is a class
method working on whole arrays (who learns of a meeting when, who comes), so no Python loop runs
over residents in any arithmetic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from xsim.participation import threshold_cascade
from xsim.population import OLD

if TYPE_CHECKING:  # pragma: no cover
    from xsim.forms import Form
    from xsim.model import ConsultationModel

# Daily chance that a channel reaches an adult at home (ASSUMPTION; see docs/model.md).
CHANNEL_REACH = {
    "bulletin": 0.08,  # 公开栏: people pass by it; the elderly more often (+0.12)
    "publication": 0.04,
    "online_forum": 0.35,  # needs digital access
    "wechat": 0.6,  # 微信群 of the building / villager group; needs digital access
    "mass_work_system": 0.25,  # needs digital access
    "meeting": 0.05,
    "broadcast": 0.3,  # village loudspeaker; 0.05 in a community
    "door_to_door": 0.5,  # grid worker / building head knocks; misses those away
}
TALKERS = 0.3  # share of adults who pass news of a notice on to acquaintances (ASSUMPTION)
DIGITAL_CHANNELS = {"online_forum", "wechat", "mass_work_system"}
# The record's ``results.channels`` vocabulary; other channels are recorded as "other".
RECORD_CHANNELS = {
    "bulletin",
    "publication",
    "online_forum",
    "mass_work_system",
    "meeting",
    "wechat",
}


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class Resident(mesa.Agent):
    """An adult villager or resident; state in ``model.pop`` at row ``index``."""

    def __init__(self, model: ConsultationModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    @property
    def opinion(self) -> float:
        return float(self.model.pop.opinion[self.index])

    @property
    def stake(self) -> float:
        return float(self.model.pop.stake[self.index])

    @property
    def attended(self) -> bool:
        return bool(self.model.attended[self.index])

    @property
    def group(self) -> str:
        return self.model.spec.stakeholder_groups[self.model.pop.group[self.index]].id

    # -- vectorized behaviour of all residents ------------------------------------------------
    @classmethod
    def learn_days(cls, model: ConsultationModel, channels: list[str]) -> np.ndarray:
        """Days after a notice until each adult knows of it (∞ if no channel reaches them).

        Each channel reaches a person at a constant daily rate, so the first contact is
        exponential; then news spreads one step through households (next day) and contacts.
        """
        pop, rng, b = model.pop, model.rng, model.behaviour
        home = ~pop.away
        rate = np.zeros(pop.n)
        for ch in dict.fromkeys(channels):
            r = CHANNEL_REACH[ch]
            if ch == "broadcast" and model.spec.setting != "village":
                r = 0.05
            if ch in DIGITAL_CHANNELS:
                rate += r * pop.digital
            elif ch == "bulletin":
                rate += (r + 0.12 * (pop.age == OLD)) * home
            else:
                rate += r * home
        with np.errstate(divide="ignore"):
            days = rng.exponential(1.0, pop.n) / rate
        household_first = np.minimum.reduceat(days, pop.household_start)[pop.household]
        days = np.minimum(days, household_first + 1.0)
        if pop.contacts.shape[1] and b.word_of_mouth > 0:
            # only some adults pass news on to acquaintances at all (TALKERS, ASSUMPTION)
            talks = rng.random(pop.n) < TALKERS
            via_contacts = np.where(talks[pop.contacts], days[pop.contacts], np.inf).min(axis=1)
            delay = rng.exponential(1.0 / b.word_of_mouth, pop.n)
            days = np.minimum(days, via_contacts + delay)
        return days

    @classmethod
    def propensity(
        cls, model: ConsultationModel, form: Form, slack: np.ndarray, boost: float = 0.0
    ) -> np.ndarray:
        """Chance each adult takes part on their own, before anyone else's example counts.

        ``boost`` is added to the logit: a deciding meeting is mobilized harder (door-to-door,
        group heads) than an ordinary consultation.
        """
        pop, b = model.pop, model.behaviour
        band = pop.age
        if form.online:
            hour_weight = np.array([0.3, 0.3, 0.3])[band]  # a phone in the evening
            age_term = (
                np.array(
                    [b.online_affinity.young, b.online_affinity.middle, b.online_affinity.old]
                )[band]
                + b.online_offset
            )
        else:
            w = b.work_cost if form.daytime else b.evening_cost
            hour_weight = np.array([w.young, w.middle, w.old])[band]
            age_term = np.array([b.age_offset.young, b.age_offset.middle, b.age_offset.old])[band]
            age_term = age_term + b.tenant_offset * ~pop.owner
            if model.spec.setting == "village":
                age_term = age_term + b.female_offset * pop.female
        logit = (
            b.attend_base
            + b.attend_stake * np.abs(pop.stake)
            + b.attend_trust * (2.0 * pop.trust - 1.0)
            + b.attend_knowledge * pop.knowledge
            - b.attend_cost * form.hours * hour_weight
            + age_term
            + boost
        )
        plan = np.array([b.plan_days.young, b.plan_days.middle, b.plan_days.old])[band]
        feasible = np.where(slack > 0, 1.0 - np.exp(-np.maximum(slack, 0.0) / plan), 0.0)
        away = np.where(pop.away, b.away_online_factor if form.online else b.away_factor, 1.0)
        able = pop.digital if form.online else True
        return sigmoid(logit) * feasible * away * able

    @classmethod
    def decide_attendance(
        cls, model: ConsultationModel, p: np.ndarray, eligible: np.ndarray, online: bool = False
    ) -> np.ndarray:
        """Who comes: own propensity, then a Granovetter cascade within each unit.

        A person who would not come on their own comes once the share of their unit going reaches
        θᵢ = (uᵢ − pᵢ) / cascade — the lower their own wish, the more neighbours they need to see
        going. ``threshold_cascade`` gives how many end up going; they are the lowest thresholds.
        """
        pop, rng, b = model.pop, model.rng, model.behaviour
        u = rng.random(pop.n)
        going = np.zeros(pop.n, dtype=bool)
        theta = np.where(u < p, 0.0, (u - p) / max(b.cascade, 1e-9))
        if not online:  # neighbours going do not bring back someone working far away
            theta = np.where(pop.away & (u >= p), np.inf, theta)
        for unit in range(model.spec.population.units):
            members = np.flatnonzero(eligible & (pop.unit == unit))
            if members.size == 0:
                continue
            counts = np.ceil(theta[members] * members.size)
            counts = np.where(np.isfinite(counts), counts, members.size + 1).astype(np.int64)
            counts = np.minimum(counts, members.size + 1)
            k = threshold_cascade(counts)
            going[members[np.argsort(counts, kind="stable")[:k]]] = True
        return going


class Representative(mesa.Agent):
    """A villagers' / residents' representative or building head who speaks for households.

    ``households`` are the households that chose them (a block of one stakeholder group, see
    :func:`xsim.representation.choose_representatives`); ``index`` is the resident who serves.
    """

    def __init__(self, model, index, households, group, kind, voice):
        super().__init__(model)
        self.index = int(index)  # the resident who serves as representative
        self.households = np.asarray(households, dtype=np.int64)
        self.group = int(group)  # stakeholder group of the households it speaks for
        self.kind = kind
        self.voice = float(voice)

    def position(self) -> float:
        """Own view plus the mean view of the households it speaks for (half each)."""
        return float(self.positions(self.model, [self])[0])

    @classmethod
    def positions(cls, model: ConsultationModel, reps) -> np.ndarray:
        """Positions of many representatives at once (block means by one bincount)."""
        pop = model.pop
        if not len(reps):
            return np.zeros(0)
        block = np.full(pop.n_households, -1, dtype=np.int64)
        for k, r in enumerate(reps):
            block[r.households] = k
        of_resident = block[pop.household]
        mine = of_resident >= 0
        sums = np.bincount(of_resident[mine], weights=pop.opinion[mine], minlength=len(reps))
        counts = np.bincount(of_resident[mine], minlength=len(reps))
        block_mean = sums / np.maximum(counts, 1)
        own = pop.opinion[np.array([r.index for r in reps])]
        return 0.5 * own + 0.5 * block_mean


class Organization(mesa.Agent):
    """Party branch, committee, owners' committee, property company …: an interest and a voice."""

    def __init__(self, model, spec) -> None:
        super().__init__(model)
        self.role = spec.role
        self.name = spec.name
        self.position = spec.position
        self.voice = spec.voice
        self.group = spec.group
        self.detect = spec.detect
        self.relevant = spec.relevant

    def notices(self) -> bool:
        """Supervision: whether the committee notices one breach (chance ``detect``)."""
        return bool(self.detect > 0 and self.model.rng.random() < self.detect)


class Expert(mesa.Agent):
    """An expert or third-party assessor: briefs participants on the proposal's merit."""

    def __init__(self, model, merit: float, role: str = "expert") -> None:
        super().__init__(model)
        self.merit = float(merit)
        self.role = role

    def brief(self, opinion: np.ndarray, knowledge: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Information, not persuasion of the room into one view: each listener moves toward the
        merit by ``expert_pull`` · (what they did not yet know) of the gap between the room's mean
        and the merit, so the room's mean moves while the differences between people stay
        (deliberative polls: informed opinion changes without homogenizing, Luskin, Fishkin &
        Jowell 2002). Knowledge closes ``expert_knowledge`` of its gap."""
        b = self.model.behaviour
        if opinion.size == 0:
            return opinion, knowledge
        pull = b.expert_pull * (1.0 - knowledge)
        return (
            np.clip(opinion + pull * (self.merit - opinion.mean()), -1.0, 1.0),
            knowledge + b.expert_knowledge * (1.0 - knowledge),
        )


class Organizer(mesa.Agent):
    """The committee / Party branch / township running the consultation: its choices."""

    def __init__(self, model, choices, lead: str) -> None:
        super().__init__(model)
        self.choices = choices
        self.lead = lead

    def invites(self, group_ids: list[str]) -> np.ndarray:
        """Boolean per stakeholder group: did the organizer invite it?"""
        chosen = self.choices.invite_groups
        return np.array([chosen == "all" or gid in chosen for gid in group_ids], dtype=bool)

    def explained(self, dissenters: int) -> int:
        return int(round(self.choices.explain_dissenters * dissenters))
