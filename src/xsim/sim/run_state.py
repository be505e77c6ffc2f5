"""The state of a finished run: what the record (:mod:`xsim.sim.trace`) and the measures
(:mod:`xsim.sim.outcome`) are computed from.

:class:`RunState` is built once, at the end of a run, by
:meth:`xsim.sim.model.ConsultationModel.state`; it holds plain data (the scenario, the form, the
population's arrays, the trace, the per-adult facts of the run, the representatives, organizations
and experts present) and no reference to the model or its agents, so writing the record and
measuring the outcome cannot reach into the simulation or change it. Its per-adult arrays are
read-only views.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from xsim.forms import Form
    from xsim.rules import Rulebook
    from xsim.sim.population import Population
    from xsim.sim.scenario import Behaviour, Organizer, Scenario
    from xsim.sim.trace import Trace


@dataclass(frozen=True)
class OrganizationSeat:
    """An organization present at the consultation, as the record and the measures see it."""

    role: str
    group: str | None  # the stakeholder group it speaks for
    relevant: bool  # relevant to the matter (SUBJ-IRRELEVANT when not)


@dataclass(frozen=True)
class RunState:
    """A finished run, read-only. Per-adult arrays are rows of ``pop``; per-seat arrays follow the
    order of the representatives."""

    spec: Scenario
    form: Form
    rulebook: Rulebook
    choices: Organizer  # the organizer's procedural choices
    pop: Population
    trace: Trace
    # per adult
    invited: np.ndarray  # asked to the consultation
    attended: np.ndarray  # present at the consultation
    heard: np.ndarray  # present, and someone of their group spoke
    spoke: np.ndarray  # had a speaking turn themselves
    represented: np.ndarray  # their household's representative spoke
    explained: np.ndarray  # a dissenter the organizer explained to
    told_result: np.ndarray  # told the result (publicity, feedback, explanation)
    # per stakeholder group
    group_invited: np.ndarray  # the organizer invited the group
    amended: np.ndarray  # the plan was amended for the group
    # per representative seat
    rep_groups: np.ndarray  # stakeholder group (index) of the households the seat speaks for
    rep_households: tuple[np.ndarray, ...]  # the households that chose the seat
    # others present
    organizations: tuple[OrganizationSeat, ...]  # organizations present at the consultation
    experts: tuple[str, ...]  # roles of the experts / third parties who briefed it

    @property
    def behaviour(self) -> Behaviour:
        return self.spec.behaviour

    @property
    def n_representatives(self) -> int:
        return len(self.rep_households)

    def date(self, day: float | None) -> dt.date | None:
        """The calendar date of model day ``day`` (day 0 = the scenario's ``start_date``)."""
        return None if day is None else self.spec.start_date + dt.timedelta(days=int(day))


def read_only(a: np.ndarray) -> np.ndarray:
    """A view of ``a`` that cannot be written through."""
    view = a.view()
    view.flags.writeable = False
    return view
