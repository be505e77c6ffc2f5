"""Case records: what happened in one consultation, as a validated pydantic model.

The format is documented in ``docs/case-record.md``. Township cadres write these YAML files about
real consultations; the simulator writes one for every run; :func:`xsim.rules.check_record` judges
both. Unknown fields are errors (``extra="forbid"``): a typo must not pass silently.

Every bad input becomes an :class:`xsim.errors.InputError` naming the file, the field path, the YAML
line when known and what was expected, in Chinese and English. YAML is read by the one input layer,
:mod:`xsim.io`: plain data with YAML 1.2 core types (``045`` or ``0x1A4`` are not numbers, ``yes`` is
not a boolean), dates kept as text so that an impossible date such as ``2026-02-30`` is reported
against its field, no duplicate keys, anchors, aliases or tags, and a size limit.
"""

import os
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from xsim import vocabulary as V
from xsim.io import Date, FieldProblem, load_yaml_file, load_yaml_text, validate, write_atomic
from xsim.local_rules import RulebookOverrides
from xsim.vocabulary import keys

__all__ = [
    "CaseRecord",
    "load_record",
    "record_from_dict",
    "record_from_yaml",
    "record_to_dict",
    "record_to_yaml",
    "dump_record",
    "CATEGORIES",
    "ROLES",
    "FORMS",
]

# --- value types ------------------------------------------------------------------------------

Count = Annotated[int, Field(strict=True, ge=0)]
"""A whole number ≥ 0 (YAML booleans and quoted numbers are rejected)."""
Flag = Annotated[bool, Field(strict=True)]
Text = Annotated[str, Field(strict=True, min_length=1)]
Area = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
"""A floor area in m² ≥ 0, written as a number (quoted text and booleans are rejected)."""

# The coded values come from the one vocabulary (keys and their Chinese/English names).
Setting = Literal[keys(V.SETTINGS)]
Scope = Literal[keys(V.SCOPES)]
Lead = Literal[keys(V.LEADS)]
Category = Literal[keys(V.TOPIC_CATEGORIES)]
ProposerKind = Literal[keys(V.PROPOSERS)]
Role = Literal[keys(V.ROLES)]
ConsultForm = Literal[keys(V.FORMS)]
Outcome = Literal[keys(V.OUTCOMES)]
AssemblyKind = Literal[keys(V.MEETINGS)]
CollectiveMatter = Literal[keys(V.COLLECTIVE_MATTERS)]
"""Matters of a rural collective economic organization (农村集体经济组织法 art. 26 para. 1 items 1,
3, 8, 7, 10, 11, 12; ``other`` for the rest)."""
OwnersMatter = Literal[keys(V.OWNERS_MATTERS)]
"""Owners' joint decisions (民法典 art. 278): ``special`` = para. 1 items 6–8, ``ordinary`` = the rest."""
Channel = Literal[V.RECORD_CHANNELS]
FeedbackTarget = Literal[keys(V.FEEDBACK_TARGETS)]

CATEGORIES: tuple[str, ...] = Category.__args__
ROLES: tuple[str, ...] = Role.__args__
FORMS: tuple[str, ...] = ConsultForm.__args__


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)


# --- the parts of a record ----------------------------------------------------------------------


class Population(_Part):
    residents: Count  # adults on the roll (villagers / residents aged 18+)
    households: Count
    representatives: Count = 0
    owners: Count | None = None  # all owners of the compound (owners' meeting electorate)
    collective_members: Count | None = None  # all members of the collective economic organization
    collective_organization: Flag = False  # a collective economic organization is established
    away_unreachable: Count | None = None  # adults away and unreachable (Chongqing measures art. 7)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.away_unreachable is not None and self.away_unreachable > self.residents:
            raise ValueError("away_gt_residents")
        return self


class ProposedBy(_Part):
    kind: ProposerKind
    signatures: Count | None = None  # for joint proposals


class Topic(_Part):
    title: Text
    categories: list[Category] = Field(default_factory=list)
    proposed_by: ProposedBy
    opinions_solicited: Flag
    technical: Flag = False
    wide_impact: Flag = False
    law_reserved: Flag = False
    commissioned_by: Literal["township", "department"] | None = None
    collective_matter: CollectiveMatter | None = None
    owners_matter: OwnersMatter | None = None


class StakeholderGroup(_Part):
    id: Text
    name: Text


class Participant(_Part):
    role: Role
    group: Text | None = None
    relevant: Flag = True
    spoke: Flag = True
    respected: Flag = False
    count: Count = 1


class Timeline(_Part):
    topic_proposed: Date
    notified: Date | None = None
    consulted: Date
    assembly_notified: Date | None = None
    assembly_held: Date | None = None
    representatives_notified: Date | None = None  # representatives told the agenda (local rule)
    implemented: Date | None = None
    publicized: Date | None = None


class Consultation(_Part):
    forms: list[ConsultForm] = Field(min_length=1)
    outcome: Outcome


class Assembly(_Part):
    kind: AssemblyKind
    members: Count
    present: Count
    yes: Count
    households_total: Count | None = None
    households_present: Count | None = None
    area_total: Area | None = None
    area_present: Area | None = None
    area_yes: Area | None = None
    matter: OwnersMatter | None = None
    urgent_reason: Text | None = None  # "遇有特殊情况的，可以临时通知" (2025 texts)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.present > self.members:
            raise ValueError("present_gt_members")
        if self.yes > self.present:
            raise ValueError("yes_gt_present")
        if (self.households_total is None) != (self.households_present is None):
            raise ValueError("households_pair")
        if self.households_total is not None and self.households_present > self.households_total:
            raise ValueError("households_present_gt_total")
        if self.kind == "owners_meeting":
            if None in (self.area_total, self.area_present, self.area_yes):
                raise ValueError("owners_fields")
            if self.area_present > self.area_total:
                raise ValueError("area_present_gt_total")
            if self.area_yes > self.area_present:
                raise ValueError("area_yes_gt_present")
        return self


class Results(_Part):
    adopted: Flag
    implemented: Flag
    channels: list[Channel] = Field(default_factory=list)
    feedback_to: list[FeedbackTarget] = Field(default_factory=list)
    reported_to_commissioner: Flag | None = None
    commissioner_responded: Flag | None = None
    dissenters: Count = 0
    dissenters_explained: Count = 0
    violates_law: Flag = False
    corrected: Flag | None = None
    posted_days: Count | None = None  # days the results stayed posted (village / community affairs)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.dissenters_explained > self.dissenters:
            raise ValueError("explained_gt_dissenters")
        return self


class Subsidies(_Part):
    paid: Flag = False
    decided_by_meeting: Flag | None = None
    publicized: Flag | None = None


class CaseRecord(_Part):
    """One consultation, as described by ``case-record.md`` (all fields keep that meaning)."""

    title: Text
    setting: Setting
    population: Population
    scope: Scope
    lead: Lead
    topic: Topic
    stakeholder_groups: list[StakeholderGroup] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    timeline: Timeline
    consultation: Consultation
    assembly: Assembly | None = None
    results: Results
    subsidies: Subsidies = Field(default_factory=Subsidies)
    rules: RulebookOverrides | None = None

    @model_validator(mode="after")
    def _groups_exist(self) -> Self:
        if self.setting == "community" and self.topic.collective_matter is not None:
            raise FieldProblem(
                ("topic", "collective_matter"),
                "no collective_matter in a community record (collective economic organizations "
                "are rural: setting village)",
                "社区记录不能填写 collective_matter（农村集体经济组织事项仅适用于 setting: village）",
            )
        a = self.assembly
        if (
            a is not None
            and a.kind == "owners_meeting"
            and a.matter is None
            and self.topic.owners_matter is None
        ):
            raise FieldProblem(
                ("assembly", "matter"),
                "an owners' meeting needs assembly.matter or topic.owners_matter "
                "(special | ordinary)",
                "业主大会须填写 assembly.matter 或 topic.owners_matter（special 或 ordinary）",
            )
        ids = [g.id for g in self.stakeholder_groups]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate_group_id")
        for i, p in enumerate(self.participants):
            if p.group is not None and p.group not in ids:
                raise ValueError(f"unknown_group:{i}")
        return self


# --- messages for validation errors -------------------------------------------------------------

# Consistency errors raised by the model validators above: (field path suffix, en, zh).
_CONSISTENCY: dict[str, tuple[str, str, str]] = {
    "present_gt_members": (
        "present",
        "'present' cannot exceed 'members'",
        "到会人数（present）不能超过应到人数（members）",
    ),
    "yes_gt_present": (
        "yes",
        "'yes' cannot exceed 'present'",
        "赞成人数（yes）不能超过到会人数（present）",
    ),
    "households_pair": (
        "households_present",
        "give both 'households_total' and 'households_present' or neither",
        "households_total 与 households_present 须同时填写或同时不填",
    ),
    "households_present_gt_total": (
        "households_present",
        "'households_present' cannot exceed 'households_total'",
        "到会户数不能超过总户数",
    ),
    "owners_fields": (
        "kind",
        "an owners' meeting needs area_total, area_present and area_yes",
        "业主大会须填写 area_total、area_present 和 area_yes",
    ),
    "away_gt_residents": (
        "away_unreachable",
        "'away_unreachable' cannot exceed 'residents'",
        "外出无法联系人数（away_unreachable）不能超过村民总数（residents）",
    ),
    "area_present_gt_total": (
        "area_present",
        "'area_present' cannot exceed 'area_total'",
        "参与表决面积不能超过总面积",
    ),
    "area_yes_gt_present": (
        "area_yes",
        "'area_yes' cannot exceed 'area_present'",
        "同意面积不能超过参与表决面积",
    ),
    "explained_gt_dissenters": (
        "dissenters_explained",
        "'dissenters_explained' cannot exceed 'dissenters'",
        "已解释人数不能超过持不同意见人数",
    ),
    "duplicate_group_id": (
        "stakeholder_groups",
        "each stakeholder group needs a distinct 'id'",
        "每个利益相关群体的 id 必须唯一",
    ),
    "unknown_group": (
        "participants",
        "a participant's 'group' must be the id of one of 'stakeholder_groups'",
        "参与者的 group 必须是 stakeholder_groups 中某个群体的 id",
    ),
}


# --- public API ----------------------------------------------------------------------------------


def record_from_dict(
    data: Any, source: str = "<dict>", _lines: dict[tuple[Any, ...], int] | None = None
) -> CaseRecord:
    """Validate plain data (as from YAML) into a :class:`CaseRecord`; raise ``InputError``."""
    return validate(
        CaseRecord,
        data,
        source,
        _lines,
        codes=_CONSISTENCY,
        what=("a case record: a mapping of fields (title: …, setting: …)", "协商记录的字段映射"),
    )


def record_from_yaml(text: str, source: str = "<yaml>") -> CaseRecord:
    """Parse YAML text (plain data, YAML 1.2 core types) into a :class:`CaseRecord`; raise
    ``InputError``."""
    return record_from_dict(load_yaml_text(text, source), source)


def load_record(path: str | os.PathLike[str]) -> CaseRecord:
    """Read a case record from a YAML file; every problem raises ``InputError``."""
    return record_from_dict(load_yaml_file(path), str(path))


def record_to_dict(record: CaseRecord) -> dict[str, Any]:
    """Plain data for YAML (dates stay ``datetime.date``; ``None`` fields are left out)."""
    return record.model_dump(mode="python", exclude_none=True)


def record_to_yaml(record: CaseRecord) -> str:
    """The record as YAML text; :func:`record_from_yaml` of it gives back an equal record."""
    return yaml.safe_dump(
        record_to_dict(record), allow_unicode=True, sort_keys=False, default_flow_style=False
    )


def dump_record(record: CaseRecord, path: str | os.PathLike[str]) -> None:
    """Write the record as YAML atomically (a temporary file renamed into place: never
    half-written). Only a new or regular file is written: a link, FIFO, device or folder at
    ``path`` raises ``InputError`` (:func:`xsim.io.write_atomic`), as does a failed write."""
    write_atomic(path, record_to_yaml(record).encode("utf-8"))
