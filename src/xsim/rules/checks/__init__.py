"""One check per rule code, each declared where it is written: ``@rule(code, severity=…, …)``.

A check is a pure function ``(record, context) -> Iterator[Finding]``; the context
(:mod:`xsim.rules.context`) gives the law versions in force on the record's date, the local settings
and where each came from. Every threshold is compared in exact integer (or
:class:`fractions.Fraction`) arithmetic by cross-multiplying, never with floats: "1/10 以上" means
``signatures * 10 >= residents`` (the bound itself passes), "过半数" means ``present * 2 > members``
(strictly more than half). The meeting laws are :mod:`xsim.rules.meetings` (shared with the model).

The checks live in four modules, imported here in catalogue order:
:mod:`~xsim.rules.checks.consultation` (the notice's procedure: topic, subjects, notice, hearing),
:mod:`~xsim.rules.checks.bodies` (who decided), :mod:`~xsim.rules.checks.votes` (notice, quorum and
majority of the deciding meeting), :mod:`~xsim.rules.checks.results` (implementation, publicity,
content, subsidies). :mod:`~xsim.rules.checks.base` holds what they share.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module

from xsim.records import CaseRecord
from xsim.rules.catalogue import RULES
from xsim.rules.context import Context
from xsim.rules.report import Finding

# Their decorators fill RULES in this order: the catalogue's order (the procedure's steps).
MODULES = ("consultation", "bodies", "votes", "results")
for _name in MODULES:
    import_module(f"xsim.rules.checks.{_name}")

__all__ = ["CHECKS", "run_checks"]

Check = Callable[[CaseRecord, Context], Iterator[Finding]]


class _Checks(dict):
    """code -> check function, read from the catalogue (one declaration per rule)."""

    def __missing__(self, code: str) -> Check:
        return RULES[code].check

    def __iter__(self):
        return iter(RULES)

    def __len__(self) -> int:
        return len(RULES)

    def __contains__(self, code: object) -> bool:
        return code in RULES

    def keys(self):  # type: ignore[override]
        return RULES.keys()


CHECKS: dict[str, Check] = _Checks()


def run_checks(rec: CaseRecord, ctx: Context) -> list[Finding]:
    """All checks in catalogue order. Where no consultation under the notice took place (owners'
    or villagers' self-governance), the notice's rules are not applied: only law and local rules."""
    out: list[Finding] = []
    for r in RULES.values():
        if not ctx.consultation and r.scope == "consultation":
            continue
        found = r.check(rec, ctx)
        out.extend(f for f in found if ctx.consultation or f.level != "notice")
    return out
