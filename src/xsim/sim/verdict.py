"""The rules engine's verdict on a run: findings per rule code, violations, warnings, compliance.

A run's measures (:class:`xsim.sim.outcome.Outcome`) describe what happened; its verdict is what the
rules engine (:func:`xsim.rules.check_record`) says of the run's case record, exactly as ``xsim
check`` judges a real consultation. Data flows one way — scenario → run → record and outcome →
findings — so the two are kept apart and joined only where a table row needs both
(:class:`xsim.sim.model.Run`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xsim.rules import RULES

if TYPE_CHECKING:  # pragma: no cover
    from xsim.rules import Report


@dataclass(frozen=True)
class Verdict:
    findings: dict[str, int] = field(default_factory=dict)  # every rule code: its findings
    n_violations: int = 0
    n_warnings: int = 0
    compliant: bool = True

    @classmethod
    def of(cls, report: Report) -> Verdict:
        """The verdict of a rules-engine report (every rule code counted, 0 when it did not fire)."""
        findings = {code: 0 for code in RULES}
        for f in report.findings:
            findings[f.code] = findings.get(f.code, 0) + 1
        return cls(
            findings=findings,
            n_violations=len(report.violations),
            n_warnings=len(report.warnings),
            compliant=report.compliant,
        )

    def to_dict(self) -> dict[str, Any]:
        """Flat columns: ``findings.<CODE>``, then ``n_violations``, ``n_warnings``, ``compliant``."""
        out: dict[str, Any] = {f"findings.{code}": n for code, n in self.findings.items()}
        out.update(
            n_violations=self.n_violations, n_warnings=self.n_warnings, compliant=self.compliant
        )
        return out
