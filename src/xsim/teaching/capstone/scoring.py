"""The capstone's rubric (``rubric.yaml`` of the lesson) and its scoring: a pure function of the
plan, the run's measures and the rules engine's findings.

The capstone judges like the engine: a plan whose run breaks the law (:func:`law_level` — no
deciding meeting where the law requires one, a body without competence, a quorum or majority
not reached, notice shorter than the law's) fails whatever its other points; the rubric's
``law`` criterion says so to the trainee. Other faults (of the notice or a local rule) cost
points. Passing also needs the pass mark and every ``required`` criterion.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xsim.sim.measures import MEASURES
from xsim.sim.measures import label as measure_name

__all__ = [
    "Assessment",
    "Criterion",
    "CriterionScore",
    "Rubric",
    "fault_titles",
    "law_level",
    "law_violations",
    "load_rubric",
    "score",
    "score_run",
]


def law_level(finding: Any) -> bool:
    """Whether a finding breaks the law itself — the one place the course decides it: a violation
    whose level is the law (``Finding.level``, the engine's classification; before it had one,
    ``basis.kind``), not the notice, a local rule or a default of this kit."""
    level = getattr(finding, "level", None) or finding.basis.kind
    return finding.severity == "violation" and level == "law"


def law_violations(findings: Sequence[Any]) -> list[Any]:
    return [f for f in findings if law_level(f)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Annotated[str, Field(min_length=1)]
    kind: Literal["law", "rules", "measure", "documents"]
    points: Annotated[float, Field(gt=0, le=100)]
    required: bool = False
    # kind "measure": the first of these names the run's outcome has (read defensively)
    measures: list[str] = []
    full_at: float | None = None  # full points at or beyond this value
    zero_at: float | None = None  # no points at or short of this value (linear between)
    # kind "rules": points taken off per violation of the notice or a local rule
    per_violation: Annotated[float, Field(ge=0)] = 0.0
    # kind "documents": the fewest characters the trainee writes in each document
    min_chars: Annotated[int, Field(ge=1, le=2000)] = 20
    why: str = ""  # why the criterion matters, shown to the trainee

    @model_validator(mode="after")
    def _measure_fields(self) -> Criterion:
        if self.kind == "measure":
            if not self.measures or self.full_at is None or self.zero_at is None:
                raise ValueError("a measure criterion needs measures, full_at and zero_at")
            if self.full_at == self.zero_at:
                raise ValueError("full_at and zero_at must differ")
            # later names may be measures a newer model adds; one must be known today (typos)
            if not any(m in MEASURES for m in self.measures):
                raise ValueError(
                    f"measures {self.measures} name no known measure; known: {', '.join(MEASURES)}"
                )
        return self


class Rubric(_Strict):
    title: str
    pass_points: Annotated[float, Field(gt=0)]
    criteria: Annotated[list[Criterion], Field(min_length=1)]

    @model_validator(mode="after")
    def _reachable(self) -> Rubric:
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids must be unique")
        if self.pass_points > sum(c.points for c in self.criteria):
            raise ValueError("pass_points exceeds the sum of the criteria's points")
        if [c.kind for c in self.criteria].count("law") != 1:
            raise ValueError(
                "exactly one criterion of kind 'law' (a plan that breaks the law fails, and the "
                "trainee reads it in the rubric)"
            )
        return self


def load_rubric(path: str | Path | None = None, lesson: str | None = None) -> Rubric:
    """The capstone's rubric (the lesson's ``rubric.yaml``, or ``path``); any problem is one
    :class:`InputError` with file, line and field."""
    from xsim.teaching.lessons import lesson_file, read_course_file

    return read_course_file(
        Path(path) if path is not None else lesson_file(lesson, "rubric.yaml"), Rubric
    )


@dataclass
class CriterionScore:
    criterion: Criterion
    points: float | None  # None: the model has no such measure; not counted
    why: str

    @property
    def met(self) -> bool:
        return self.points is not None and self.points >= self.criterion.points - 1e-9


@dataclass
class Assessment:
    """A plan's score: the criteria's points, the law-level faults and whether it passes."""

    scores: list[CriterionScore]
    pass_points: float
    law_faults: list[Any]

    @property
    def points(self) -> float:
        return round(sum(s.points or 0.0 for s in self.scores), 1)

    @property
    def max_points(self) -> float:
        return sum(s.criterion.points for s in self.scores if s.points is not None)

    @property
    def lawful(self) -> bool:
        return not self.law_faults

    @property
    def required_met(self) -> bool:
        return all(s.met for s in self.scores if s.criterion.required and s.points is not None)

    @property
    def passed(self) -> bool:
        return self.lawful and self.required_met and self.points >= self.pass_points


def _measure(outcome: dict[str, Any], names: list[str]) -> tuple[str, float] | None:
    for name in names:
        value = outcome.get(name)
        if isinstance(value, bool | int | float) or hasattr(value, "dtype"):
            number = float(value)
            if math.isfinite(number):
                return name, number
    return None


def _scaled(value: float, full_at: float, zero_at: float) -> float:
    share = (value - zero_at) / (full_at - zero_at)
    return float(min(max(share, 0.0), 1.0))


def _fmt(value: float, name: str) -> str:
    """A measure's value or threshold as the trainee reads it (a share as %, a 0–1 score as 0.63)."""
    fmt = MEASURES[name].fmt if name in MEASURES else "num"
    if fmt in ("pct", "bool"):
        return f"{value:.0%}"
    return f"{value:.2f}" if fmt == "num" else f"{value:g}"


def fault_titles(findings: Sequence[Any]) -> str:
    """The rules a run broke, by their Chinese titles in quotes (never by code)."""
    from xsim.teaching.common import rule_title_zh

    return "、".join(sorted({f"“{rule_title_zh(f.code)}”" for f in findings}))


def score(
    criterion: Criterion,
    texts: dict[str, str],
    outcome: dict[str, Any],
    findings: Sequence[Any],
    document_titles: dict[str, str],
) -> CriterionScore:
    """One criterion of the rubric on one run, with the reason in Chinese."""
    c = criterion
    if c.kind == "law":
        faults = law_violations(findings)
        if not faults:
            return CriterionScore(c, c.points, "没有违反法律的规定。")
        why = (
            f"违反了法律的规定（{fault_titles(faults)}）：这样的方案不能通过，无论其他各项得分多少。"
            "详见下面的检查结果。"
        )
        return CriterionScore(c, 0.0, why)
    if c.kind == "rules":
        others = [f for f in findings if f.severity == "violation" and not law_level(f)]
        n = len(others)
        pts = max(c.points - c.per_violation * n, 0.0)
        if c.required and n:
            pts = min(pts, c.points - 1e-6)  # a required rules criterion is met only without faults
        why = (
            "没有违反《通知》或本地规则的要求。"
            if not n
            else f"有 {n} 处不符合《通知》或本地规则的要求（{fault_titles(others)}），"
            f"每处扣 {c.per_violation:g} 分；详见下面的检查结果。"
        )
        return CriterionScore(c, round(max(pts, 0.0), 1), why)
    if c.kind == "documents":
        short = [
            title
            for key, title in document_titles.items()
            if len("".join((texts.get(key) or "").split())) < c.min_chars
        ]
        pts = c.points * (len(document_titles) - len(short)) / len(document_titles)
        why = (
            "四份文书都写了您自己的内容。"
            if not short
            else f"{'、'.join(short)}中您要写的部分少于 {c.min_chars} 个字。"
        )
        return CriterionScore(c, round(pts, 1), why)
    found = _measure(outcome, c.measures)
    if found is None:
        return CriterionScore(c, None, "本次模拟没有这一指标，不计分。")
    name, value = found
    pts = c.points * _scaled(value, c.full_at, c.zero_at)
    label = measure_name(name) if name in MEASURES else c.title  # never a raw name
    better = "越高越好" if c.full_at > c.zero_at else "越低越好"
    why = (
        f"{label}：{_fmt(value, name)}（{better}；达到 {_fmt(c.full_at, name)} 得满分，"
        f"{_fmt(c.zero_at, name)} 不得分）。"
    )
    return CriterionScore(c, round(pts, 1), why)


def score_run(
    rubric: Rubric,
    texts: dict[str, str],
    outcome: dict[str, Any],
    findings: Sequence[Any],
    document_titles: dict[str, str],
) -> Assessment:
    """The whole rubric on one run — a pure function of the trainee's texts, the run's measures
    and the engine's findings."""
    scores = [score(c, texts, outcome, findings, document_titles) for c in rubric.criteria]
    return Assessment(scores, rubric.pass_points, law_violations(findings))
