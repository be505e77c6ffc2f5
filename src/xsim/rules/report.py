"""What the rules engine returns: findings, grouped into a report."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from xsim import vocabulary as V

__all__ = ["Basis", "Finding", "Report", "STEPS", "SEVERITIES", "LEVELS", "clause_label"]

Severity = Literal["violation", "warning", "info", "unknown"]
Step = Literal["topic", "subjects", "procedure", "results", "guarantees"]
Level = Literal["law", "notice", "local", "default"]
Validity = Literal["valid", "invalid", "undetermined", "no_decision"]

SEVERITIES: tuple[str, ...] = ("violation", "warning", "info", "unknown")
LEVELS: tuple[str, ...] = ("law", "notice", "local", "default")

# The procedure's steps in order, with their names for a cadre (zh) and in English.
STEPS: dict[str, tuple[str, str]] = {k: (t.zh, t.en) for k, t in V.PROCEDURE_STEPS.items()}


@dataclass(frozen=True)
class Basis:
    """Where the requirement a finding applies comes from.

    ``kind``: ``notice`` (a clause of the Chongqing notice), ``law`` (law, version, article),
    ``local`` (a local rule: a profile file or the record's own ``rules:``, with its source; with
    ``law``/``article`` when the profile takes it from a law text the kit holds), or ``default``
    (an assumption of this kit, e.g. 3 days' notice; never a requirement of the notice). A
    finding's ``level`` is its basis's kind.
    """

    kind: Level
    clause: str | None = None  # notice clause id (§4.2); for a default without a setting, its id
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

            if self.article is None:  # a law whose text for that day the kit does not hold
                entry = law.LAWS[self.law]
                return entry.title_en if lang == "en" else f"《{entry.title_zh}》"
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

    @property
    def level(self) -> Level:
        """``law`` / ``notice`` / ``local`` / ``default``: where the requirement comes from."""
        return self.basis.kind

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh

    def cited(self, lang: str = "zh") -> str:
        """The finding's source as a trainee reads it (Chinese citation; English on request)."""
        return self.basis.label(lang)

    def to_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "basis"}
        out["level"] = self.level
        out["basis"] = self.basis.to_dict()
        return out


@dataclass
class Report:
    """The findings for one record, in three layers.

    ``legal_validity`` answers the court's question from the ``law``-level findings only:
    ``invalid`` (a law-level violation: the decision may be void or revocable), ``undetermined`` (no
    law-level violation, but a law-level question the record cannot answer), ``valid``, or
    ``no_decision`` (nothing was adopted). ``compliant`` means: no finding of severity
    ``violation`` at any level (law, notice, local rule; a kit default never is one).
    """

    case: str
    findings: list[Finding] = field(default_factory=list)
    law_as_of: dt.date | None = None  # the day whose law was applied
    law_versions: dict[str, str] = field(default_factory=dict)  # law key -> version applied
    profile: str | None = None  # the local profile applied (file), if any
    decided: bool = True  # the record's decision was adopted (results.adopted)
    notice_applies: bool = True  # a consultation under the notice took place

    @property
    def compliant(self) -> bool:
        return not any(f.severity == "violation" for f in self.findings)

    @property
    def law_violations(self) -> list[Finding]:
        """Law-level violations that bear on the decision's validity (not a later duty such as
        posting the results)."""
        return [f for f in self._validity_findings() if f.severity == "violation"]

    @property
    def unknowns(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "unknown"]

    def _validity_findings(self) -> list[Finding]:
        from xsim.rules.catalogue import RULES

        return [
            f
            for f in self.findings
            if f.level == "law" and (f.code not in RULES or RULES[f.code].validity)
        ]

    @property
    def legal_validity(self) -> Validity:
        if not self.decided:
            return "no_decision"
        if self.law_violations:
            return "invalid"
        if any(f.severity == "unknown" for f in self._validity_findings()):
            return "undetermined"
        return "valid"

    @property
    def validity_reasons(self) -> list[str]:
        """The rule codes behind ``legal_validity`` (law-level violations, or law-level questions
        left open), in catalogue order, each once."""
        validity = self.legal_validity
        if validity == "invalid":
            chosen = self.law_violations
        elif validity == "undetermined":
            chosen = [f for f in self._validity_findings() if f.severity == "unknown"]
        else:
            chosen = []
        return list(dict.fromkeys(f.code for f in chosen))

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
            "legal_validity": self.legal_validity,
            "validity_reasons": self.validity_reasons,
            "compliant": self.compliant,
            "notice_applies": self.notice_applies,
            "law_as_of": self.law_as_of.isoformat() if self.law_as_of else None,
            "law_versions": dict(self.law_versions),
            "profile": self.profile,
            "findings": [f.to_dict() for f in self.findings],
        }


def law_line(report: Report, lang: str = "zh") -> str:
    """One line naming the law applied: the date and every law (with its edition) the report
    judged by, in the kit's order of laws; never an empty list."""
    from xsim import law

    day = report.law_as_of
    if day is None:
        return ""
    names = []
    for key, entry in law.LAWS.items():
        version = report.law_versions.get(key)
        if version is None:
            continue
        v = entry.version(version)
        if lang == "en":
            names.append(f"{entry.title_en}" + (f" ({v.edition_en})" if v.edition_en else ""))
        else:
            names.append(f"《{entry.title_zh}》" + (f"（{v.edition_zh}）" if v.edition_zh else ""))
    if lang == "en":
        text = f"Law applied: as in force on {day}: " + ("; ".join(names) or "(none held)")
        if report.profile:
            text += f"; local profile {report.profile}"
        return text
    text = f"适用法律：按{day}施行的法律判断：" + ("、".join(names) or "（本工具未收录）")
    if report.profile:
        text += f"；地方规则：{report.profile}"
    return text


def validity_line(report: Report, lang: str = "zh") -> str:
    """「决定的合法性：无效或可撤销（依据：PROC-QUORUM）」 — what a court would ask first."""
    validity = report.legal_validity
    name = V.label(V.LEGAL_VALIDITY, validity, lang)
    reasons = report.validity_reasons
    if lang == "en":
        text = f"Legal validity of the decision: {name.upper()}"
        return text + (f" ({', '.join(reasons)})" if reasons else "")
    from xsim.rules.catalogue import RULES

    titles = "；".join(RULES[code].title_zh for code in reasons)
    text = f"决定的合法性：{name}"
    if validity == "invalid":
        text += f"（违反法律：{titles}）"
    elif validity == "undetermined":
        text += f"（记录未写明法律要求的事实：{titles}）"
    elif validity == "no_decision":
        text += "（方案未获通过）"
    return text
