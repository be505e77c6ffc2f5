"""The outcome measures a lesson shows: which ones, how their numbers read, their column headings.

A measure's Chinese name is :func:`xsim.experiments.labels.measure_label` (the one name, from the
vocabulary); this module adds only what a trainee needs to read a number — its format and, where
the direction is not obvious, a hint such as （越小越好）. Per-group measures
(``participation.age_old``, ``participation.group.ground``) are named after the group.
"""

from __future__ import annotations

from typing import Any

__all__ = ["MEASURE_FORMATS", "format_value", "known_measure", "measure_heading", "measure_kind"]

#: Outcome measures a lesson can show: key of ``Outcome.to_dict()`` → (format, reading hint).
MEASURE_FORMATS: dict[str, tuple[str, str]] = {
    "participation": ("pct", ""),
    "informed_in_time": ("pct", ""),
    "representativeness_groups": ("num", "（越小越好）"),
    "voice_dominance": ("num", "（越接近1越均衡）"),
    "support": ("pct", ""),
    "consultation_outcome": ("text", ""),
    "escalated": ("bool", ""),
    "adopted": ("bool", ""),
    "implemented": ("bool", ""),
    "result_informed": ("pct", ""),
    "fairness": ("num", "（0—1）"),
    "days_to_decision": ("int", ""),
    "person_hours": ("int", ""),
    "money_yuan": ("int", ""),
    "supervision_noticed": ("num", ""),
    "n_violations": ("num", ""),
}

#: measures whose per-group variants (``participation.age_old``) a lesson may show
GROUPED = ("participation.", "fairness.", "informed_in_time.")


def known_measure(key: str) -> bool:
    """Whether ``key`` is an outcome measure a lesson can show (a course-file check)."""
    return key in MEASURE_FORMATS or key.startswith(GROUPED)


def measure_kind(key: str) -> str:
    """How the measure's value reads: ``pct``, ``num``, ``int``, ``bool`` (a share of runs) or ``text``."""
    if key in MEASURE_FORMATS:
        return MEASURE_FORMATS[key][0]
    head = key.partition(".")[0]
    return MEASURE_FORMATS.get(head, ("num", ""))[0]


def measure_heading(key: str, group_names: dict[str, str] | None = None) -> str:
    """A column heading in Chinese: the measure's name with its reading hint; a per-group
    measure is named after its group (``group_names``: a scenario's stakeholder group ids →
    names, for ``participation.group.ground``)."""
    from xsim import vocabulary as V
    from xsim.experiments.labels import measure_label

    if key == "consultation_outcome":
        return "协商结果"
    if key in MEASURE_FORMATS:
        return measure_label(key) + MEASURE_FORMATS[key][1]
    head, _, group = key.partition(".")
    what = measure_label(head)
    if group.startswith("group."):
        sub = (group_names or {}).get(group.removeprefix("group."), group)
    else:
        sub = V.label(V.GROUPS, group) if group in V.GROUPS else group
    return f"{sub}{what}"


def format_value(value: Any, kind: str) -> str:
    """A measure's value as a trainee reads it (``kind`` from :func:`measure_kind`)."""
    if value is None:
        return "—"
    if kind == "pct":
        return f"{100 * float(value):.1f}%"
    if kind == "num":
        return f"{float(value):.2f}"
    if kind == "int":
        return f"{float(value):,.0f}"
    if kind == "bool":
        return f"{100 * float(value):.0f}%"
    if kind == "text":
        from xsim import vocabulary as V

        return V.label(V.OUTCOMES, str(value)) if str(value) in V.OUTCOMES else str(value)
    return str(value)
