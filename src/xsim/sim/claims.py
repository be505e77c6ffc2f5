"""Claims as data: a statement about what the simulation shows, in a form a program can check.

A :class:`Claim` names a measure (a column of :meth:`xsim.sim.model.Run.to_dict`; a yes/no column
counts as the share of runs), the runs it is about (the scenario's form or another, overrides for
every run) and what is expected of it — either of one setting (``at_least`` / ``at_most`` a
value) or of two settings that differ in one choice (``vary``: a scenario path or ``form`` and its
two values, compared seed by seed: ``higher``, ``lower`` or ``same`` within a margin). A
:class:`TeachingPoint` of a scenario is its Chinese sentence and the claims that back it; ``xsim
scenarios --verify`` checks every one over its seeds (:mod:`xsim.experiments.claims`), with and
without a mechanism switched off.

    teaching_points:
      - id: short_notice
        text: 提前1天通知时，到会的人明显减少。
        claims:
          - measure: participation
            vary: {organizer.notice_days: [7, 1]}
            expect: lower
            margin: 0.1

The schema is plain data (pydantic, validated through :mod:`xsim.io` with the scenario).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xsim.io import FieldProblem

__all__ = ["MAX_SEEDS", "MIN_SEEDS", "Claim", "Expect", "TeachingPoint"]

Expect = Literal["higher", "lower", "same", "at_least", "at_most"]
MIN_SEEDS = 30  # a pattern is claimed over at least 30 seeds (the charter's standard)
MAX_SEEDS = 1000


class Claim(BaseModel):
    """One checkable statement (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: Annotated[str, Field(min_length=1, max_length=200)]
    form: str | None = None  # the form of the runs (default: the scenario's)
    set: dict[str, Any] = {}  # scenario overrides for every run of the claim
    vary: dict[str, Annotated[list[Any], Field(min_length=2, max_length=2)]] = {}
    expect: Expect
    margin: Annotated[float, Field(ge=0.0, le=1e6)] = 0.0  # least difference (same: most)
    value: Annotated[float, Field(ge=-1e9, le=1e9)] | None = None  # bound of at_least / at_most
    per_seed: Annotated[float, Field(ge=0.0, le=1.0)] | None = None  # paired seeds that agree
    seeds: Annotated[int, Field(ge=MIN_SEEDS, le=MAX_SEEDS)] = MIN_SEEDS

    @model_validator(mode="after")
    def _consistent(self) -> Claim:
        comparing = self.expect in ("higher", "lower", "same")
        if comparing and len(self.vary) != 1:
            raise FieldProblem(
                ("vary",),
                f"'{self.expect}' compares two settings: vary one choice, e.g. "
                "vary: {organizer.notice_days: [7, 1]}",
                f"「{self.expect}」比较两种做法：vary 中应正好给出一个选项及其两个取值",
            )
        if not comparing and (self.value is None or self.vary):
            raise FieldProblem(
                ("value",),
                f"'{self.expect}' needs a value and no vary",
                f"「{self.expect}」需要给出 value（且不用 vary）",
            )
        return self

    @property
    def knob(self) -> tuple[str, Any, Any] | None:
        """(path or "form", value A, value B) of a comparison; None for a one-setting claim."""
        if not self.vary:
            return None
        ((path, (a, b)),) = self.vary.items()
        return path, a, b


class TeachingPoint(BaseModel):
    """A teaching point of a scenario: its id, its Chinese sentence, the claims that back it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    text: Annotated[str, Field(min_length=1)]
    claims: Annotated[list[Claim], Field(min_length=1)]
