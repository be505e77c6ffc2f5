"""The procedure engine: the notice as data, the rule codes, the rulebook, and the checker.

``check_record(record, rulebook=None, *, profile=None, as_of=None) -> Report`` judges a
:class:`xsim.records.CaseRecord` against every rule code of :data:`RULES`, under the law in force on
the record's date (or ``as_of``). Pure functions; no Mesa, pandas or matplotlib on this path.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from xsim import vocabulary as V
from xsim.local_rules import LoadedProfile
from xsim.rules.catalogue import RULES, Rule
from xsim.rules.context import Context, governing_laws, make_context, record_law_date
from xsim.rules.report import STEPS, Basis, Finding, Report
from xsim.rules.rulebook import Rulebook, RulebookOverrides, rulebook_from_dict

if TYPE_CHECKING:
    from xsim.records import CaseRecord

__all__ = [
    "check_record",
    "effective_rulebook",
    "record_law_date",
    "make_context",
    "Context",
    "Report",
    "Finding",
    "Basis",
    "Rulebook",
    "RulebookOverrides",
    "Rule",
    "RULES",
    "STEPS",
    "rulebook_from_dict",
]


def effective_rulebook(
    record: CaseRecord,
    rulebook: Rulebook | None = None,
    *,
    profile: LoadedProfile | str | None = None,
) -> Rulebook:
    """The rulebook a record is judged by: ``rulebook`` (or the defaults), then the local profile
    (``profile`` or the record's ``rules.profile``), then the record's own ``rules:`` settings."""
    return make_context(record, rulebook, profile=profile).rb


def check_record(
    record: CaseRecord,
    rulebook: Rulebook | None = None,
    *,
    profile: LoadedProfile | str | None = None,
    as_of: dt.date | None = None,
) -> Report:
    """Judge one case record under the law in force on its date (``as_of`` overrides); a local
    ``profile`` (a built-in name, a file, or a loaded profile) overrides the record's
    ``rules.profile``; the record's own ``rules:`` settings override both. Raises
    :class:`xsim.errors.InputError` for an unknown or invalid profile."""
    from xsim.rules.checks import run_checks

    ctx = make_context(record, rulebook, profile=profile, as_of=as_of)
    return Report(
        case=record.title,
        findings=run_checks(record, ctx),
        law_as_of=ctx.as_of,
        law_versions=_relevant_laws(record, ctx),
        profile=ctx.profile_file,
        decided=record.results.adopted,
        notice_applies=ctx.consultation,
    )


def _relevant_laws(record: CaseRecord, ctx: Context) -> dict[str, str]:
    """The laws a report names: those that can apply to a record of this kind on its date."""
    keep = set(governing_laws(record, ctx.as_of)) | set(ctx.profile_laws)
    if record.setting == "village":
        keep |= {"villagers_committees", "rural_collective_economic_organizations"}
    if record.topic.collective_matter is not None:
        keep.add("rural_collective_economic_organizations")
    if record.results.excluded or record.topic.collective_matter is not None:
        keep.add("women_rights_protection")
    a = record.assembly
    if record.owners_matter is not None or (a is not None and a.kind in V.OWNERS_KINDS):
        keep |= {"civil_code", "property_law", "property_management_regulations"}
    return {k: v for k, v in ctx.laws.items() if k in keep}
