"""The rule codes: a public, stable interface like a linter's. Never rename or reuse a code.

A rule is declared in one place: the ``@rule(...)`` decorator on its check function in the
:mod:`xsim.rules.checks` package carries the code, severity, step, clause, the clauses it rests on, what it
checks and why (Chinese and English), the record fields it reads and an example that fires it. This
module holds the :class:`Rule` type and the registry; ``RULES`` is filled, in declaration order, when
the checks package is imported (below). A new rule is one decorated function plus its tests.
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
    # "consultation": a rule of the notice's procedure, applied only where a consultation under
    # the notice took place (the record has ``consultation``); "decision": applied to every record
    scope: str = "decision"
    # does a law-level finding of this rule bear on the decision's validity? (publicity after the
    # decision is a duty of its own: breaking it does not make the decision void or revocable)
    validity: bool = True


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
