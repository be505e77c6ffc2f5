"""What the rules engine returns: findings, grouped into a report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["Finding", "Report", "STEPS", "SEVERITIES", "CLAUSE_ZH", "clause_label"]

Severity = Literal["violation", "warning", "info"]
Step = Literal["topic", "subjects", "procedure", "results", "guarantees"]

SEVERITIES: tuple[str, ...] = ("violation", "warning", "info")

# The procedure's steps in order, with their names for a cadre (zh) and the clauses they rest on.
STEPS: dict[str, tuple[str, str]] = {
    "topic": ("一、提出协商议题（§1、§4.1）", "1. Proposing the topic (§1, §4.1)"),
    "subjects": ("二、确定协商主体（§2、§4.2）", "2. Choosing the subjects (§2, §4.2)"),
    "procedure": (
        "三、组织开展协商（§3、§4.2–§4.7）",
        "3. Holding the consultation (§3, §4.2–§4.7)",
    ),
    "results": (
        "四、实施与运用协商成果（§4.4、§5）",
        "4. Implementing and using the results (§4.4, §5)",
    ),
    "guarantees": ("五、组织保障（§6）", "5. Support and guarantees (§6)"),
}


# How a cadre reads a law clause id in Chinese text output (JSON keeps the stable id).
CLAUSE_ZH: dict[str, str] = {
    "Organic Law art. 21": "村委会组织法第21条",
    "Organic Law art. 22": "村委会组织法第22条",
    "Organic Law art. 24": "村委会组织法第24条",
    "Organic Law art. 26": "村委会组织法第26条",
    "Organic Law art. 27": "村委会组织法第27条",
    "Urban Organic Law art. 9": "居委会组织法第9条",
    "Civil Code art. 278": "民法典第278条",
}


def clause_label(clause: str, lang: str = "zh") -> str:
    """The clause id as a reader sees it: ``§4.2`` stays, law articles get their Chinese name."""
    return clause if lang == "en" else CLAUSE_ZH.get(clause, clause)


@dataclass(frozen=True)
class Finding:
    """One thing the engine found: a rule code, where in the record, and what against what."""

    code: str
    severity: Severity
    clause: str  # "§4.2", "Organic Law art. 22"
    step: Step
    message_zh: str
    message_en: str
    where: str  # field path in the record, e.g. "timeline.notified"

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Report:
    """The findings for one record. ``compliant`` means: no finding of severity ``violation``."""

    case: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def compliant(self) -> bool:
        return not any(f.severity == "violation" for f in self.findings)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def codes(self, severity: str | None = None) -> set[str]:
        return {f.code for f in self.findings if severity is None or f.severity == severity}

    def by_step(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {step: [] for step in STEPS}
        for f in self.findings:
            out[f.step].append(f)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``case-record.md`` (plus each finding's ``step``)."""
        return {
            "case": self.case,
            "compliant": self.compliant,
            "findings": [f.to_dict() for f in self.findings],
        }
