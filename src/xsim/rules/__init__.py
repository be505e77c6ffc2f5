"""The procedure engine: the notice as data, the rule codes, the rulebook, and the checker.

``check_record(record, rulebook=None) -> Report`` judges a :class:`xsim.records.CaseRecord` against
every rule code of :data:`RULES`. Pure functions; no Mesa, pandas or matplotlib on this path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from xsim.rules.catalogue import RULES, Rule
from xsim.rules.report import STEPS, Finding, Report
from xsim.rules.rulebook import Rulebook, RulebookOverrides, rulebook_from_dict

if TYPE_CHECKING:
    from xsim.records import CaseRecord

__all__ = [
    "check_record",
    "effective_rulebook",
    "Report",
    "Finding",
    "Rulebook",
    "RulebookOverrides",
    "Rule",
    "RULES",
    "STEPS",
    "rulebook_from_dict",
]


def effective_rulebook(record: CaseRecord, rulebook: Rulebook | None = None) -> Rulebook:
    """The rulebook a record is judged by: ``rulebook`` (or the defaults), then the record's ``rules:``."""
    return (rulebook or Rulebook()).merged(record.rules)


def check_record(record: CaseRecord, rulebook: Rulebook | None = None) -> Report:
    """Judge one case record; the record's own ``rules:`` override ``rulebook``'s settings."""
    from xsim.rules.checks import run_checks

    return Report(
        case=record.title, findings=run_checks(record, effective_rulebook(record, rulebook))
    )
