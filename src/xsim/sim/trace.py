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
    initial: np.ndarray = field(default_factory=lambda: np.zeros(0))
    final: np.ndarray = field(default_factory=lambda: np.zeros(0))
    vote_weight: np.ndarray = field(default_factory=lambda: np.zeros(0))
    speaking: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    share_for: float = 0.5
    outcome: str = "disputed"
    escalated: bool = False
    assembly: dict[str, Any] | None = None
    quorum: bool | None = None  # the deciding meeting had its quorum
    consent: bool | None = None  # … and the majority it needs
    adopted: bool = False
    corrected: bool | None = None
    feedback_to: list[str] = field(default_factory=list)
    dissenters: int = 0
    explained: int = 0
    noticed: int = 0  # breaches the supervision committee noticed and had put right
    amended: list[str] = field(default_factory=list)  # groups the plan was amended for
    void: bool = False  # a decision the law reserves for a meeting was taken without one
