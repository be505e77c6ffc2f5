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
from xsim.records import known, period_bounds
from xsim.rules.report import Basis

if TYPE_CHECKING:
    from xsim.records import CaseRecord

__all__ = ["Context", "record_law_date", "make_context", "governing_laws"]

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
    consultation: bool = True  # a consultation under the notice took place: its rules apply

    @property
    def village(self) -> str:
        return self.laws.get(VILLAGE, "2018")

    @property
    def urban(self) -> str:
        return self.laws.get(URBAN, "2018")

    @property
    def owners_law(self) -> str | None:
        """The law of owners' joint decisions that day: ``civil_code`` (from 2021-01-01, art.
        278) or ``property_law`` (2007-10-01 to 2020-12-31, art. 76); None before."""
        if "civil_code" in self.laws:
            return "civil_code"
        return "property_law" if "property_law" in self.laws else None

    @property
    def collective_law(self) -> bool:
        """Is the 农村集体经济组织法 in force (from 2025-05-01)?"""
        return COLLECTIVE in self.laws

    def setting_basis(self, name: str) -> Basis:
        """Where the value of rulebook setting ``name`` comes from (local rule or this kit's default)."""
        return self.provenance.get(name) or Basis("default", setting=name)


def record_law_date(record: CaseRecord) -> dt.date:
    """The deciding meeting's date where there is one, else the day the decision was taken
    (``timeline.decided``), else the consultation date (the record schema requires one of them)."""
    return _law_date_field(record)[0]


def _law_date_field(record: CaseRecord) -> tuple[dt.date, str]:
    t = record.timeline
    if record.assembly is not None and known(t.assembly_held):
        return t.assembly_held, "timeline.assembly_held"
    for name in ("decided", "consulted", "assembly_held"):
        if known(getattr(t, name)):
            return getattr(t, name), f"timeline.{name}"
    if t.decided_in is not None:
        return _period_start(record, t.decided_in), "timeline.decided_in"
    raise ValueError("a record without a known decision date passed validation")  # pragma: no cover


def _period_start(record: CaseRecord, period: str) -> dt.date:
    """The first day of a year or month (the record's validation checked that the same laws were
    in force all through it)."""
    return period_bounds(period)[0]


def governing_laws(record: CaseRecord, day: dt.date) -> list[str]:
    """The laws a record cannot be judged without, on ``day``: the Organic Law of the village or
    community whose meeting or consultation it describes, and the law of owners' joint decisions
    for an owners' matter. (A law that only one rule needs — the property management regulations'
    notice of an owners' meeting — is that rule's question: it answers 「无法判断」 before the
    earliest text held.)"""
    a, topic = record.assembly, record.topic
    kind = a.kind if a is not None else None
    owners = kind in V.OWNERS_KINDS or record.owners_matter is not None
    out: list[str] = []
    village_kinds = ("villagers_meeting", "villager_group_meeting")
    if (
        record.setting == "village"
        and (record.consultation is not None or not owners or kind in village_kinds)
    ) or kind in village_kinds:
        out.append(VILLAGE)
    if record.setting == "community" and (
        record.consultation is not None
        or kind in ("residents_meeting", "representatives_meeting")
        or (not owners and topic.collective_matter is None)
    ):
        out.append(URBAN)
    if owners:
        out.append(
            "civil_code" if day >= law.LAWS["civil_code"].earliest.in_force_from else "property_law"
        )
    return out


def _require_laws(record: CaseRecord, day: dt.date, as_of: dt.date | None) -> None:
    """Refuse (InputError, exit 2) a date before the earliest text the kit holds of a law the
    record needs: a later amendment is never cited for an earlier fact."""
    from xsim.errors import InputError

    for key in governing_laws(record, day):
        entry = law.LAWS[key]
        if entry.held_on(day) and (
            not entry.first_text_held or day >= entry.earliest.in_force_from
        ):
            continue
        first = entry.earliest.in_force_from
        where = "--as-of" if as_of is not None else _law_date_field(record)[1]
        file = "--as-of" if as_of is not None else "<record>"
        field = "" if as_of is not None else where
        edition_zh = f"（{entry.earliest.edition_zh}）" if entry.earliest.edition_zh else ""
        raise InputError(
            file,
            field,
            f"a date on or after {first}: the earliest text of the {entry.title_en} this kit "
            f"holds is in force from {first}, and a later text is never applied to an earlier "
            f"fact; got {day}",
            f"应为{first}或以后的日期：本工具收录的《{entry.title_zh}》最早文本{edition_zh}自{first}"
            f"起施行，不以后来的文本判断此前的事实；实际为{day}",
        )


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
    _require_laws(record, day, as_of)
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
            src = setting.source
            from_law = src.law is not None and isinstance(src.article, int)
            provenance[name] = Basis(
                "local",
                file=loaded.file,
                source=src.citation(),
                setting=name,
                law=src.law if from_law else None,
                version=src.version if from_law else None,
                article=src.article if from_law else None,
                paragraph=src.paragraph if from_law else None,
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
        record.consultation is not None,
    )
