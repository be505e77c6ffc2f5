"""What the rules engine returns: findings, grouped into a report."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from xsim import vocabulary as V

__all__ = ["Basis", "Finding", "Report", "STEPS", "SEVERITIES", "clause_label"]

Severity = Literal["violation", "warning", "info"]
Step = Literal["topic", "subjects", "procedure", "results", "guarantees"]

SEVERITIES: tuple[str, ...] = ("violation", "warning", "info")

# The procedure's steps in order, with their names for a cadre (zh) and in English.
STEPS: dict[str, tuple[str, str]] = {k: (t.zh, t.en) for k, t in V.PROCEDURE_STEPS.items()}


@dataclass(frozen=True)
class Basis:
    """Where the requirement a finding applies comes from.

    ``kind``: ``notice`` (a clause of the Chongqing notice), ``law`` (law, version, article),
    ``local`` (a local rule: a profile file or the record's own ``rules:``, with its source), or
    ``default`` (an assumption of this kit, e.g. 3 days' notice; never a requirement of the notice).
    """

    kind: Literal["notice", "law", "local", "default"]
    clause: str | None = None  # notice clause id (§4.2)
    law: str | None = None
    version: str | None = None
    article: int | None = None
    paragraph: int | None = None
    file: str | None = None  # local: the profile file, or "rules:" of the record
    source: str | None = None  # local: the source's citation (Chinese)
    setting: str | None = None  # local / default: the rulebook setting

    def label(self, lang: str = "zh") -> str:
        """How a trainee reads it: 《村民委员会组织法》第二十六条（2025年修正）, §4.2, 地方规定 …"""
        if self.kind == "law":
            from xsim import law

            return law.cite(
                self.law, self.article, self.version, paragraph=self.paragraph, lang=lang
            )
        if self.kind == "notice":
            return self.clause or ""
        if self.kind == "local" and self.file == "rules:":
            if lang == "en":
                return f"local rule given in the record (rules.{self.setting})"
            return f"本记录填写的地方规定（{V.field_label(f'rules.{self.setting}')}）"
        if self.kind == "local":
            return f"local rule ({self.file})" if lang == "en" else f"地方规定：{self.source}"
        return "default of this kit" if lang == "en" else "本工具默认规则"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for key in (
            "clause",
            "law",
            "version",
            "article",
            "paragraph",
            "file",
            "source",
            "setting",
        ):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.kind == "law":
            out["citation_zh"] = self.label("zh")
            out["citation_en"] = self.label("en")
        return out


def clause_label(clause: str, lang: str = "zh") -> str:
    """A clause id as a reader sees it (§4.2 stays; law ids read as a Chinese citation)."""
    from xsim.rules.clauses import CLAUSES

    c = CLAUSES.get(clause)
    if c is None or not c.is_law:
        return clause
    return c.citation_en if lang == "en" else c.source_zh


@dataclass(frozen=True)
class Finding:
    """One thing the engine found: a rule code, where in the record, and what against what."""

    code: str
    severity: Severity
    clause: str  # "§4.2", or a law clause id "villagers_committees@2025 art. 26"
    step: Step
    message_zh: str
    message_en: str
    where: str  # field path in the record, e.g. "timeline.notified"
    basis: Basis = field(default_factory=lambda: Basis("notice"))

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def cited(self, lang: str = "zh") -> str:
        """The finding's source as a trainee reads it (Chinese citation; English on request)."""
        return self.basis.label(lang)

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "basis"}
        out["basis"] = self.basis.to_dict()
        return out


@dataclass
class Report:
    """The findings for one record. ``compliant`` means: no finding of severity ``violation``."""

    case: str
    findings: list[Finding] = field(default_factory=list)
    law_as_of: dt.date | None = None  # the day whose law was applied
    law_versions: dict[str, str] = field(default_factory=dict)  # law key -> version applied
    profile: str | None = None  # the local profile applied (file), if any

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
        """The JSON object of ``case-record.md`` (plus each finding's ``step`` and ``basis``, the
        ``law_as_of`` date and the law versions applied)."""
        return {
            "case": self.case,
            "compliant": self.compliant,
            "law_as_of": self.law_as_of.isoformat() if self.law_as_of else None,
            "law_versions": dict(self.law_versions),
            "profile": self.profile,
            "findings": [f.to_dict() for f in self.findings],
        }


def law_line(report: Report, lang: str = "zh") -> str:
    """One line naming the law applied: the date and the versions of the Organic Laws."""
    from xsim import law

    day = report.law_as_of
    if day is None:
        return ""
    names = []
    for key in ("villagers_committees", "urban_residents_committees"):
        version = report.law_versions.get(key)
        if version is None:
            continue
        entry = law.LAWS[key]
        v = entry.version(version)
        names.append(
            f"{entry.title_en} ({v.edition_en})"
            if lang == "en"
            else f"《{entry.title_zh}》（{v.edition_zh}）"
        )
    collective = "rural_collective_economic_organizations" in report.law_versions
    if lang == "en":
        text = f"Law applied: as in force on {day}: " + "; ".join(names)
        if collective:
            text += "; Law on Rural Collective Economic Organizations"
        if report.profile:
            text += f"; local profile {report.profile}"
        return text
    text = f"适用法律：按{day}施行的法律判断：" + "、".join(names)
    if collective:
        text += "、《农村集体经济组织法》"
    if report.profile:
        text += f"；地方规则：{report.profile}"
    return text
