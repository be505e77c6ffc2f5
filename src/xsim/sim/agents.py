"""The people and bodies of a consultation, as Mesa agents.

Agents carry identity, choices and what goes into the record. Their numbers — opinion, stake,
knowledge, trust … — live in arrays the model owns (:class:`xsim.sim.population.Population`); a
:class:`Resident` holds only its row index. An agent reads the model it belongs to
(:class:`xsim.sim.model.ConsultationModel`: ``pop``, ``spec``, ``behaviour``, ``rng``) only through
those attributes, so this module does not import the model. Behaviour that involves many residents works on whole
arrays — who learns of a meeting when and who comes in :mod:`xsim.sim.attendance`, talk in
:mod:`xsim.sim.talk` — so no Python loop runs over residents in any arithmetic.
"""

from __future__ import annotations

import mesa
import numpy as np

from xsim.sim.schooling import closed_share


class Resident(mesa.Agent):
    """An adult villager or resident; state in ``model.pop`` at row ``index``."""

    def __init__(self, model: mesa.Model, index: int) -> None:
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


class Representative(mesa.Agent):
    """A villagers' / residents' representative or building head who speaks for households.

    ``households`` are the households that chose them (a block of one stakeholder group, see
    :func:`xsim.sim.representation.choose_representatives`); ``index`` is the resident who serves.
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
    def positions(cls, model: mesa.Model, reps) -> np.ndarray:
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
        return bool(self.detect > 0 and self.model.streams["supervision"].random() < self.detect)


class Expert(mesa.Agent):
    """An expert or third-party assessor: briefs participants on the proposal's merit."""

    def __init__(self, model, merit: float, role: str = "expert") -> None:
        super().__init__(model)
        self.merit = float(merit)
        self.role = role

    def brief(
        self, opinion: np.ndarray, knowledge: np.ndarray, learning: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Information, not persuasion of the room into one view: each listener moves toward the
        merit by ``expert_pull`` · (what they did not yet know) of the gap between the room's mean
        and the merit, so the room's mean moves while the differences between people stay
        (deliberative polls: informed opinion changes without homogenizing, Luskin, Fishkin &
        Jowell 2002). Knowledge closes ``expert_knowledge`` of its gap, times each listener's
        ``learning`` factor (their schooling, xsim.sim.schooling)."""
        b = self.model.behaviour
        if opinion.size == 0:
            return opinion, knowledge
        pull = b.expert_pull * (1.0 - knowledge)
        closed = closed_share(b.expert_knowledge, learning)
        return (
            np.clip(opinion + pull * (self.merit - opinion.mean()), -1.0, 1.0),
            knowledge + closed * (1.0 - knowledge),
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
