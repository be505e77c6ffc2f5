"""The outcome measures a lesson shows: which ones, how their numbers read, their column headings.

Everything about a measure — its Chinese name, format and which way is better — is declared once
in the measure registry (:mod:`xsim.sim.measures`); this module only turns it into what a trainee
reads: a column heading with its reading hint (（越小越好）) and a formatted value. Per-category
measures (``participation.age_old``, ``participation.group.ground``) are named after the category.
"""

from __future__ import annotations

from typing import Any

from xsim.sim.measures import MEASURES, PER_CATEGORY, reading_hint
from xsim.sim.measures import label as measure_name

__all__ = ["format_value", "known_measure", "measure_heading", "measure_kind", "measure_phrase"]


def known_measure(key: str) -> bool:
    """Whether ``key`` is an outcome measure a lesson can show (a course-file check)."""
    head, dot, _ = key.partition(".")
    return key in MEASURES or (bool(dot) and head in PER_CATEGORY)


def measure_kind(key: str) -> str:
    """How the measure's value reads: ``pct``, ``num``, ``int``, ``bool`` (a share of runs) or ``text``."""
    if key in MEASURES:
        return MEASURES[key].fmt
    head = key.partition(".")[0]
    return MEASURES[head].fmt if head in MEASURES else "num"


def measure_heading(key: str, group_names: dict[str, str] | None = None) -> str:
    """A column heading in Chinese: the measure's name with its reading hint; a per-category
    measure is named after its category (``group_names``: a scenario's stakeholder group ids →
    names, for ``participation.group.ground``)."""
    from xsim import vocabulary as V

    if key in MEASURES:
        return measure_name(key) + reading_hint(key)
    head, _, group = key.partition(".")
    what = measure_name(head)
    if group.startswith("group."):
        sub = (group_names or {}).get(group.removeprefix("group."), group)
    else:
        sub = V.label(V.GROUPS, group) if group in V.GROUPS else group
    return f"{sub}{what}"


def measure_phrase(key: str, group_names: dict[str, str] | None = None) -> str:
    """The measure named in a sentence (no reading hint): 及时获知比例, 一楼住户公平感."""
    if key in MEASURES:
        return measure_name(key)
    return measure_heading(key, group_names)


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
