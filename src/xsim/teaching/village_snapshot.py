"""One consultation as the village view needs it: per household, who was reached, who came, who
spoke, opinions before and after, and marks for the households a lesson asks about.

:class:`VillageSnapshot` is plain arrays (JSON-able for the course's stored results);
:func:`snapshot_from_model` is the ONE place that knows the model's attributes. What a given day
looks like (:func:`participation_on`, :func:`opinion_on`, :func:`event_on`) is computed here too;
the picture and the widget are :mod:`xsim.teaching.village_view`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xsim.vocabulary import PROCEDURE_EVENTS, VIEW_MODES

__all__ = [
    "ATTENDED",
    "EVENT_ZH",
    "INFORMED",
    "MARKS",
    "MODES",
    "NOT_REACHED",
    "PARTICIPATION_COLORS",
    "PARTICIPATION_ZH",
    "SPOKE",
    "VillageSnapshot",
    "event_on",
    "opinion_on",
    "participation_on",
    "snapshot_from_model",
]

#: the procedure's steps as trace keys → what a trainee reads
EVENT_ZH: dict[str, str] = {key: term.zh for key, term in PROCEDURE_EVENTS.items()}
NOT_REACHED, INFORMED, ATTENDED, SPOKE = 0, 1, 2, 3
PARTICIPATION_ZH = ("未获知", "已获知", "到会", "发言")
PARTICIPATION_COLORS = ("#d4d4d4", "#9ecae1", "#2b7bba", "#e6550d")
MODES = {key: term.zh for key, term in VIEW_MODES.items()}
#: households a lesson may ask about → (what the caption calls them, how they are chosen)
MARKS: dict[str, tuple[str, str]] = {
    "elderly": ("老人多的户", "一半及以上成年人在 60 岁以上"),
}


@dataclass(frozen=True, eq=False)
class VillageSnapshot:
    """One consultation, per household (arrays of length ``n_households``), as the view needs it.

    ``day_notified``: the day the first adult of the household knew of the consultation (``inf``:
    never). ``attended``/``spoke``: someone of the household came to / spoke at the consultation
    meeting, held on ``day_consulted``. Opinions are household means in −1 (against) … 1 (for),
    before the consultation and after it (with word of mouth). ``events``: (day, trace key) of the
    procedure's steps in order of day.
    """

    setting: str  # "village" | "community"
    title: str
    unit_names: tuple[str, ...]
    group_names: tuple[str, ...]
    household_unit: np.ndarray
    household_group: np.ndarray
    day_notified: np.ndarray
    attended: np.ndarray
    spoke: np.ndarray
    opinion_before: np.ndarray
    opinion_after: np.ndarray
    day_consulted: float | None
    events: tuple[tuple[float, str], ...]
    #: per key of :data:`MARKS`: which households it marks (bool per household)
    marks: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.household_unit.size
        arrays = (
            self.household_group,
            self.day_notified,
            self.attended,
            self.spoke,
            self.opinion_before,
            self.opinion_after,
            *self.marks.values(),
        )
        if any(a.shape != (n,) for a in arrays):
            raise ValueError("every per-household array must have the same length")
        if n and (
            self.household_unit.min() < 0 or self.household_unit.max() >= len(self.unit_names)
        ):
            raise ValueError("household_unit must index unit_names")
        if np.any(self.spoke & ~self.attended):
            raise ValueError("a household that spoke must have attended")
        if set(self.marks) - set(MARKS):
            raise ValueError(f"marks must be among {list(MARKS)}")

    @property
    def n_households(self) -> int:
        return int(self.household_unit.size)

    def to_data(self) -> dict[str, Any]:
        """JSON-able and exact (floats round-trip; a never-notified household's ``inf`` is None),
        for the course's stored results (:mod:`xsim.teaching.precomputed`)."""
        return {
            "setting": self.setting,
            "title": self.title,
            "unit_names": list(self.unit_names),
            "group_names": list(self.group_names),
            "household_unit": self.household_unit.tolist(),
            "household_group": self.household_group.tolist(),
            "day_notified": [None if math.isinf(d) else d for d in self.day_notified.tolist()],
            "attended": self.attended.tolist(),
            "spoke": self.spoke.tolist(),
            "opinion_before": self.opinion_before.tolist(),
            "opinion_after": self.opinion_after.tolist(),
            "day_consulted": self.day_consulted,
            "events": [[day, key] for day, key in self.events],
            "marks": {key: marked.tolist() for key, marked in self.marks.items()},
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> VillageSnapshot:
        """The snapshot :meth:`to_data` wrote (a malformed one raises, and the caller recomputes)."""
        notified = [math.inf if d is None else float(d) for d in data["day_notified"]]
        consulted = data["day_consulted"]
        return cls(
            setting=str(data["setting"]),
            title=str(data["title"]),
            unit_names=tuple(str(u) for u in data["unit_names"]),
            group_names=tuple(str(g) for g in data["group_names"]),
            household_unit=np.asarray(data["household_unit"], dtype=np.int64),
            household_group=np.asarray(data["household_group"], dtype=np.int64),
            day_notified=np.asarray(notified, dtype=float),
            attended=np.asarray(data["attended"], dtype=bool),
            spoke=np.asarray(data["spoke"], dtype=bool),
            opinion_before=np.asarray(data["opinion_before"], dtype=float),
            opinion_after=np.asarray(data["opinion_after"], dtype=float),
            day_consulted=None if consulted is None else float(consulted),
            events=tuple((float(day), str(key)) for day, key in data["events"]),
            marks={str(k): np.asarray(v, dtype=bool) for k, v in data["marks"].items()},
        )

    @property
    def last_day(self) -> int:
        """The last day worth showing: the last step of the procedure (at least the meeting)."""
        days = [d for d, _ in self.events] + [self.day_consulted or 0.0]
        return int(math.ceil(max(days)))


def snapshot_from_model(model: Any) -> VillageSnapshot:
    """The ONE adapter from :class:`xsim.sim.model.ConsultationModel` (after ``run()``) to the view.

    Reads: ``model.pop`` (``household``, ``unit``, ``household_start``, ``household_group``,
    ``opinion0``, ``opinion``), ``model.learned`` (days after the notice each adult knew),
    ``model.pop.age`` (the marks), ``model.notified_day``, ``model.attended``, ``model.trace.voices["resident"]`` and
    ``model.trace.speaking`` (who spoke), ``model.trace.day`` (the steps' days), ``model.spec``
    (setting, title, units, stakeholder groups).
    """
    if getattr(model, "_outcome", None) is None and hasattr(model, "run"):
        model.run()
    pop, spec, trace = model.pop, model.spec, model.trace
    starts = pop.household_start
    n_hh = starts.size
    notified = model.notified_day
    if notified is None:
        knew = np.full(pop.n, np.inf)
    else:
        knew = notified + np.asarray(model.learned, dtype=float)
    day_notified = np.minimum.reduceat(knew, starts) if n_hh else np.zeros(0)
    attended = (
        np.maximum.reduceat(model.attended, starts).astype(bool) if n_hh else np.zeros(0, bool)
    )
    spoke_adult = np.zeros(pop.n, dtype=bool)
    voices = getattr(trace, "voices", None)
    speaking = getattr(trace, "speaking", None)
    if voices is not None and speaking is not None and np.size(speaking):
        rows = np.asarray(voices["resident"])
        said = np.asarray(speaking, dtype=bool) & (rows >= 0)
        spoke_adult[rows[said]] = True
    spoke = np.maximum.reduceat(spoke_adult, starts).astype(bool) if n_hh else attended.copy()
    units = int(spec.population.units)
    if spec.setting == "village":
        unit_names = tuple(f"第{i + 1}村民小组" for i in range(units))
    else:
        unit_names = tuple(f"{i + 1}号楼" for i in range(units))
    days = {k: float(v) for k, v in trace.day.items() if v is not None and k in EVENT_ZH}
    events = tuple(sorted(((d, k) for k, d in days.items()), key=lambda e: (e[0], _order(e[1]))))
    return VillageSnapshot(
        setting=spec.setting,
        title=getattr(spec, "title", "") or spec.name,
        unit_names=unit_names,
        group_names=tuple(g.name for g in spec.stakeholder_groups),
        household_unit=np.asarray(pop.unit[starts], dtype=int),
        household_group=np.asarray(pop.household_group, dtype=int),
        day_notified=day_notified,
        attended=attended,
        spoke=spoke & attended,
        opinion_before=pop.household_mean(pop.opinion0) if n_hh else np.zeros(0),
        opinion_after=pop.household_mean(pop.opinion) if n_hh else np.zeros(0),
        day_consulted=days.get("consulted"),
        events=events,
        marks={"elderly": _elderly(pop) if n_hh else np.zeros(0, bool)},
    )


def _elderly(pop: Any) -> np.ndarray:
    """Households where at least half of the adults are 60 or older (age band 2)."""
    old = pop.household_mean((np.asarray(pop.age) == 2).astype(float))
    return old >= 0.5


def _order(key: str) -> int:
    return list(EVENT_ZH).index(key)


# -- what a day looks like -----------------------------------------------------------------------
def participation_on(snap: VillageSnapshot, day: float) -> np.ndarray:
    """Per household on ``day``: 0 未获知, 1 已获知, 2 到会, 3 发言 (the meeting counts from its day)."""
    state = np.where(snap.day_notified <= day, INFORMED, NOT_REACHED)
    if snap.day_consulted is not None and day >= snap.day_consulted:
        state = np.where(snap.attended, ATTENDED, state)
        state = np.where(snap.spoke, SPOKE, state)
    return state


def opinion_on(snap: VillageSnapshot, day: float) -> np.ndarray:
    """Household opinions on ``day``: as before until the meeting, then as after it."""
    if snap.day_consulted is not None and day >= snap.day_consulted:
        return snap.opinion_after
    return snap.opinion_before


def event_on(snap: VillageSnapshot, day: float) -> str:
    """What the procedure has reached by ``day`` (the latest step), in Chinese."""
    reached = [k for d, k in snap.events if d <= day]
    return EVENT_ZH[reached[-1]] if reached else "征求意见、酝酿议题"
