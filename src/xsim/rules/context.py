"""What a record is judged by: the law in force on its date, the local settings and their sources.

The law applied is the law in force on the record's date — the deciding meeting's date
(``timeline.assembly_held``) where there is one, otherwise the consultation date — unless the caller
gives ``as_of`` (``xsim check --as-of``). The settings are, in increasing precedence: this kit's
defaults, the caller's rulebook, a local profile (``--profile FILE`` or the record's
``rules: {profile: …}``), the record's own ``rules:`` settings. Each setting remembers where it came
from, so that a finding can say whether its number is the law, a local rule or this kit's default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from xsim import law
from xsim import vocabulary as V
from xsim.local_rules import LoadedProfile, Rulebook, load_profile
from xsim.rules.report import Basis

if TYPE_CHECKING:
    from xsim.records import CaseRecord

__all__ = ["Context", "record_law_date", "make_context"]

VILLAGE = "villagers_committees"
URBAN = "urban_residents_committees"
COLLECTIVE = "rural_collective_economic_organizations"


@dataclass(frozen=True)
class Context:
    rb: Rulebook
    as_of: dt.date
    laws: dict[str, str]  # law key -> version in force on as_of
    provenance: dict[str, Basis] = field(default_factory=dict)  # setting -> local basis
    profile_file: str | None = None
    profile_laws: frozenset[str] = frozenset()  # laws the applied profile's settings cite

    @property
    def village(self) -> str:
        return self.laws.get(VILLAGE, "2018")

    @property
    def urban(self) -> str:
        return self.laws.get(URBAN, "2018")

    @property
    def collective_law(self) -> bool:
        """Is the 农村集体经济组织法 in force (from 2025-05-01)?"""
        return COLLECTIVE in self.laws

    def setting_basis(self, name: str) -> Basis:
        """Where the value of rulebook setting ``name`` comes from (local rule or this kit's default)."""
        return self.provenance.get(name) or Basis("default", setting=name)


def record_law_date(record: CaseRecord) -> dt.date:
    """The deciding meeting's date where there is one, otherwise the consultation date."""
    if record.assembly is not None and record.timeline.assembly_held is not None:
        return record.timeline.assembly_held
    return record.timeline.consulted


def _record_profile(record: CaseRecord) -> str | None:
    return record.rules.profile if record.rules is not None else None


def make_context(
    record: CaseRecord,
    rulebook: Rulebook | None = None,
    *,
    profile: LoadedProfile | str | None = None,
    as_of: dt.date | None = None,
) -> Context:
    """The context ``record`` is judged in (see the module docstring for the precedence)."""
    day = as_of or record_law_date(record)
    base = rulebook or Rulebook()
    provenance: dict[str, Basis] = {}
    defaults = Rulebook()
    for name in Rulebook.model_fields:
        if getattr(base, name) != getattr(defaults, name):
            provenance[name] = Basis("local", file="rulebook", source="调用方设置", setting=name)
    if profile is None and record.rules is not None and record.rules.profile is not None:
        profile = record.rules.profile
    if isinstance(profile, str):
        named_in = ("<record>", "rules.profile") if profile == _record_profile(record) else None
        loaded = load_profile(profile, named_in) if named_in else load_profile(profile)
    else:
        loaded = profile
    if loaded is not None and loaded.profile.setting not in (None, record.setting):
        loaded = None  # e.g. the Chongqing villagers' committees measures on a community record
    if loaded is not None:
        base = base.merged(loaded.profile.overrides())
        for name, setting in loaded.profile.settings.items():
            provenance[name] = Basis(
                "local", file=loaded.file, source=setting.source.citation(), setting=name
            )
    if record.rules is not None:
        base = base.merged(record.rules, with_profile=False)
        for name in record.rules.model_dump(exclude_none=True, exclude={"profile"}):
            provenance[name] = Basis(
                "local",
                file="rules:",
                source=f"本记录填写的“{V.field_label(f'rules.{name}')}”",
                setting=name,
            )
    cited = frozenset(
        s.source.law
        for s in (loaded.profile.settings.values() if loaded is not None else ())
        if s.source.law is not None
    )
    return Context(
        base,
        day,
        law.laws_in_force(day),
        provenance,
        loaded.file if loaded is not None else None,
        cited,
    )
