"""The rule codes: a public, stable interface like a linter's. Never rename or reuse a code.

A rule is declared in one place: the ``@rule(...)`` decorator on its check function in
:mod:`xsim.rules.checks` carries the code, severity, step, clause, the clauses it rests on, what it
checks and why (Chinese and English), the record fields it reads and an example that fires it. This
module holds the :class:`Rule` type and the registry; ``RULES`` is filled, in declaration order, when
the checks module is imported (below). A new rule is one decorated function plus its tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xsim.rules.report import Finding

__all__ = ["Rule", "RULES", "rule"]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # "violation" | "warning" | "info"
    step: str  # "topic" | "subjects" | "procedure" | "results" | "guarantees"
    clause: str  # the main clause, as findings cite it when no law article applies
    clauses: tuple[str, ...]  # every clause id (notice or law) the rule rests on
    title_zh: str
    title_en: str
    checks_zh: str
    checks_en: str
    why_zh: str
    why_en: str
    fields: tuple[str, ...]  # record fields the check reads
    example: str  # a YAML fragment that fires it (docs/rules.md)
    check: Callable[..., Iterator[Finding]]


RULES: dict[str, Rule] = {}


def rule(code: str, **declared: Any) -> Callable[[Callable], Callable]:
    """Declare a rule on its check function: ``@rule("PROC-NOTICE", severity=…, …)``."""

    def register(fn: Callable) -> Callable:
        if code in RULES:
            raise ValueError(f"rule {code} declared twice")
        RULES[code] = Rule(code=code, check=fn, **declared)
        return fn

    return register


from xsim.rules import checks as _checks  # noqa: E402,F401  (its decorators fill RULES)
