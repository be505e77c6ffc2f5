"""What a run leaves behind: the facts of one simulated consultation, collected as it goes.

:class:`Trace` holds days, attendance, the consultation opinion, the deciding meeting and what was
done afterwards. The case record is written from the finished run's state
(:func:`xsim.sim.record.case_record`), never from the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Trace:
    form: str
    day: dict[str, float] = field(default_factory=dict)
    informed_in_time: float = 0.0
    reps_present: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    respected_present: int = 0  # respected figures (§2.e) who came
    orgs_present: list = field(default_factory=list)  # OrganizationSeat of those present
    voices: dict[str, np.ndarray] = field(default_factory=dict)
    arrival: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per voice, before briefing
    initial: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per voice, before talk
    final: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rooms: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # per voice
    # per voice: the poll's questionnaire on arrival and at the end (xsim.sim.questionnaire)
    answers_before: np.ndarray = field(default_factory=lambda: np.zeros(0))
    answers_after: np.ndarray = field(default_factory=lambda: np.zeros(0))
    knowledge_before: float | None = None  # mean knowledge of residents present, before briefing
    knowledge_briefed: float | None = None  # … after the briefing, before the talk
    knowledge_after: float | None = None  # … after the briefing and the talk (None: nobody)
    # gain of those present with secondary schooling minus those without (None: not modelled)
    knowledge_gain_schooling_gap: float | None = None
    vote_weight: np.ndarray = field(default_factory=lambda: np.zeros(0))
    speaking: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    share_for: float = 0.5
    outcome: str = "disputed"
    escalated: bool = False
    assembly: dict[str, Any] | None = None
    quorum: bool | None = None  # the deciding meeting had its quorum
    consent: bool | None = None  # … and the majority it needs
    quorum_margin: float | None = None  # turnout above (+) or below (−) the quorum, share of base
    majority_margin: float | None = None  # yes votes above or below the majority, share of base
    voted: bool = False  # the body that decided said yes (what a record states as adopted)
    unlawful: list[str] = field(default_factory=list)  # law-level reasons the decision is void
    adopted: bool = False  # adopted lawfully: voted and no law-level reason against it
    adopted_unlawfully: bool = False  # voted, but void or revocable in law
    complainants: int = 0  # adults who complained (信访) about an unlawful decision
    corrected: bool | None = None  # the township (or supervision) had it put right (§5.6)
    feedback_to: list[str] = field(default_factory=list)
    dissenters: int = 0
    explained: int = 0
    noticed: int = 0  # breaches the supervision committee noticed and had put right
    amended: list[str] = field(default_factory=list)  # groups the plan was amended for
    void: bool = False  # a decision the law reserves for a meeting was taken without one

    @property
    def in_force(self) -> bool:
        """The decision stands: the body said yes and nobody had it revoked (lawful or not)."""
        return self.voted and not self.corrected
