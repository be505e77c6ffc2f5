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

import datetime as dt
import math
import os
import re
from fractions import Fraction
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from xsim import vocabulary as V
from xsim.io import FieldProblem, load_yaml_file, load_yaml_text, validate, write_atomic
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
    "UNKNOWN",
    "known",
]

# --- value types ------------------------------------------------------------------------------

Count = Annotated[int, Field(strict=True, ge=0)]
"""A whole number ≥ 0 (YAML booleans and quoted numbers are rejected)."""
Flag = Annotated[bool, Field(strict=True)]
Text = Annotated[str, Field(strict=True, min_length=1)]
Area = Annotated[float, Field(strict=True, ge=0, allow_inf_nan=False)]
"""A floor area in m² ≥ 0, written as a number (quoted text and booleans are rejected)."""

UNKNOWN = "unknown"
"""What a real record writes for a fact its source does not give (「记录未写明」): the rules answer
「无法判断」 for what needs it, never a violation."""
Unknown = Literal["unknown"]


def known(value: Any) -> bool:
    """Is this fact given (neither left out nor written ``unknown``)?"""
    return value is not None and value != UNKNOWN


def _or_unknown(kind: str):
    """A validator: the value of ``kind`` (count, area, flag, date) or the word ``unknown``."""
    expected = {
        "count": ("a whole number ≥ 0", "不小于0的整数"),
        "area": ("an area in m² (a number ≥ 0)", "面积（不小于0的数，单位㎡）"),
        "flag": ("true or false", "true 或 false"),
        "date": ("a real date written YYYY-MM-DD", "真实存在的日期，格式 YYYY-MM-DD"),
    }[kind]

    def check(value: Any) -> Any:
        if value == UNKNOWN:
            return value
        ok = False
        if kind == "count":
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        elif kind == "area":
            ok = (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and value >= 0
            )
            value = float(value) if ok else value
        elif kind == "flag":
            ok = isinstance(value, bool)
        elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            ok = True
        elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            try:
                value, ok = dt.date.fromisoformat(value.strip()), True
            except ValueError:
                ok = False
        if not ok:
            shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
            raise FieldProblem(
                (),
                f"{expected[0]}, or unknown where the source does not say; got {shown[:60]}",
                f"应为{expected[1]}，或 unknown（来源未写明）；实际为 {shown[:60]}",
            )
        return value

    return BeforeValidator(check)


MaybeCount = Annotated[int | Unknown, _or_unknown("count")]
"""A count, or ``unknown`` (a real record whose source does not give it)."""
MaybeArea = Annotated[float | Unknown, _or_unknown("area")]
MaybeFlag = Annotated[bool | Unknown, _or_unknown("flag")]
MaybeDate = Annotated[dt.date | Unknown, _or_unknown("date")]


def _period(value: Any) -> Any:
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and re.fullmatch(r"(19|20)\d\d(-(0[1-9]|1[0-2]))?", text):
        return text
    raise FieldProblem(
        (),
        f'a year or a month written YYYY or YYYY-MM (as quoted, e.g. "2020-06"); got {value!r}'[
            :160
        ],
        f'应为年份或月份，写作 YYYY 或 YYYY-MM（加引号，如 "2020-06"）；实际为 {value!r}'[:160],
    )


Period = Annotated[str, BeforeValidator(_period)]
"""A year (``"2020"``) or a month (``"2020-06"``) when the source gives no day."""


def _share(value: Any) -> Any:
    m = _SHARE.fullmatch(value.strip()) if isinstance(value, str) else None
    if m and Fraction(m.group(1)) <= 100:
        return value.strip()
    raise FieldProblem(
        (),
        f'a share written as a percentage such as "72.7%" (0–100%); got {value!r}'[:160],
        f'应为百分比，如 "72.7%"（0–100%）；实际为 {value!r}'[:160],
    )


_SHARE = re.compile(r"(\d{1,3}(?:\.\d{1,6})?)%")
Share = Annotated[str, BeforeValidator(_share)]
"""A share as the source publishes it, ``"72.7%"``: read with its precision (72.65–72.75%)."""

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
DecidingBody = Literal[keys(V.DECIDING_BODIES)]
ExclusionReason = Literal[keys(V.EXCLUSION_REASONS)]
Revoker = Literal[keys(V.REVOKERS)]
CollectiveMatter = Literal[keys(V.COLLECTIVE_MATTERS)]
"""Matters of a rural collective economic organization (农村集体经济组织法 art. 26 para. 1 items 1,
3, 8, 7, 10, 11, 12; ``other`` for the rest)."""
OwnersMatter = Literal[keys(V.OWNERS_MATTERS)]
"""Owners' joint decisions (民法典 art. 278): ``special`` = para. 1 items 6–8, ``ordinary`` = the rest."""
Channel = Literal[V.RECORD_CHANNELS]
FeedbackTarget = Literal[keys(V.FEEDBACK_TARGETS)]
CivilCodeItem = Annotated[int, Field(strict=True, ge=1, le=9)]
"""An item of 民法典 art. 278 para. 1 (1–9); items 6–8 are the special matters."""

CATEGORIES: tuple[str, ...] = Category.__args__
ROLES: tuple[str, ...] = Role.__args__
FORMS: tuple[str, ...] = ConsultForm.__args__


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=False)


# --- the parts of a record ----------------------------------------------------------------------


class Population(_Part):
    residents: MaybeCount  # adults on the roll (villagers / residents aged 18+)
    households: MaybeCount
    representatives: MaybeCount = 0
    owners: MaybeCount | None = None  # all owners of the compound (owners' meeting electorate)
    collective_members: MaybeCount | None = (
        None  # all members of the collective economic organization
    )
    collective_organization: Flag = False  # a collective economic organization is established
    away_unreachable: MaybeCount | None = None  # adults away and unreachable (Chongqing art. 7)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (
            _known_all(self.away_unreachable, self.residents)
            and self.away_unreachable > self.residents
        ):
            raise ValueError("away_gt_residents")
        return self


class ProposedBy(_Part):
    kind: ProposerKind
    signatures: MaybeCount | None = None  # for joint proposals


class Topic(_Part):
    title: Text
    categories: list[Category] = Field(default_factory=list)
    proposed_by: ProposedBy | None = None  # None: the record does not say (or no consultation)
    opinions_solicited: MaybeFlag | None = None
    technical: Flag = False
    wide_impact: Flag = False
    law_reserved: Flag = False
    commissioned_by: Literal["township", "department"] | None = None
    collective_matter: CollectiveMatter | None = None
    owners_matter: OwnersMatter | None = None
    civil_code_item: CivilCodeItem | None = None  # 民法典 art. 278 para. 1 item (owners' matters)


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
    topic_proposed: MaybeDate | None = None
    notified: MaybeDate | None = None
    consulted: MaybeDate | None = None
    assembly_notified: MaybeDate | None = None
    assembly_held: MaybeDate | None = None
    representatives_notified: MaybeDate | None = (
        None  # representatives told the agenda (local rule)
    )
    decided: MaybeDate | None = None  # the decision, where no assembly took it (deciding_body)
    decided_in: Period | None = None  # only the year or month is known: "2020", "2020-06"
    implemented: MaybeDate | None = None
    publicized: MaybeDate | None = None


class Consultation(_Part):
    forms: list[ConsultForm] = Field(min_length=1)
    outcome: Outcome


class Shares(_Part):
    """Shares as a source publishes them where it gives no counts (「同意的业主占总人数72.7%」)."""

    present: Share | None = None  # of the members (assembly.members)
    yes: Share | None = None  # of those present (voting)
    yes_of_all: Share | None = None  # of all members
    households_present: Share | None = None  # of all households
    area_present: Share | None = None  # of the total area
    area_yes: Share | None = None  # of the area voting
    area_yes_of_all: Share | None = None  # of the total area


class Assembly(_Part):
    kind: AssemblyKind
    members: MaybeCount
    present: MaybeCount
    yes: MaybeCount
    no: Count | None = None  # against
    abstained: Count | None = None
    invalid_ballots: Count | None = None
    households_total: MaybeCount | None = None
    households_present: MaybeCount | None = None
    area_total: MaybeArea | None = None
    area_present: MaybeArea | None = None
    area_yes: MaybeArea | None = None
    shares: Shares | None = None
    matter: OwnersMatter | None = None
    urgent_reason: Text | None = None  # "遇有特殊情况的，可以临时通知" (2025 texts)
    authorised: MaybeFlag | None = None  # representatives: authorised by the villagers' meeting
    recounted: Flag = False  # the figures are those of a later recount, not those first announced
    # the source states the meeting was called with the notice the law requires, giving no dates
    notice_kept: Flag | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if _known_all(self.present, self.members) and self.present > self.members:
            raise ValueError("present_gt_members")
        if _known_all(self.yes, self.present) and self.yes > self.present:
            raise ValueError("yes_gt_present")
        cast = [
            v for v in (self.yes, self.no, self.abstained, self.invalid_ballots) if v is not None
        ]
        if known(self.present) and all(known(v) for v in cast) and sum(cast) > self.present:
            raise ValueError("ballots_gt_present")
        if (self.households_total is None) != (self.households_present is None):
            raise ValueError("households_pair")
        if (
            _known_all(self.households_present, self.households_total)
            and self.households_present > self.households_total
        ):
            raise ValueError("households_present_gt_total")
        if self.kind in V.OWNERS_KINDS:
            if None in (self.area_total, self.area_present, self.area_yes):
                raise ValueError("owners_fields")
            if (
                _known_all(self.area_present, self.area_total)
                and self.area_present > self.area_total
            ):
                raise ValueError("area_present_gt_total")
            if _known_all(self.area_yes, self.area_present) and self.area_yes > self.area_present:
                raise ValueError("area_yes_gt_present")
        return self


class Exclusion(_Part):
    """People a decision leaves out of a benefit, and the ground it gave."""

    reason: ExclusionReason
    count: MaybeCount = UNKNOWN
    note: Text | None = None


class Revocation(_Part):
    """A decision later revoked (or ordered corrected) — by whom and when."""

    by: Revoker
    on: MaybeDate = UNKNOWN
    note: Text | None = None


class Results(_Part):
    adopted: Flag
    implemented: Flag | Literal["pending", "unknown"]  # pending: adopted, awaiting a review
    channels: list[Channel] | None = None  # [] = made public nowhere; absent = not recorded
    feedback_to: list[FeedbackTarget] = Field(default_factory=list)
    reported_to_commissioner: Flag | None = None
    commissioner_responded: Flag | None = None
    dissenters: MaybeCount = 0
    dissenters_explained: MaybeCount = 0
    excluded: list[Exclusion] = Field(default_factory=list)
    violates_law: Flag = False  # only for what the format cannot describe
    corrected: Flag | None = None
    revoked: Revocation | None = None
    posted_days: MaybeCount | None = None  # days the results stayed posted

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (
            _known_all(self.dissenters_explained, self.dissenters)
            and self.dissenters_explained > self.dissenters
        ):
            raise ValueError("explained_gt_dissenters")
        return self


class Subsidies(_Part):
    paid: Flag = False
    decided_by_meeting: Flag | None = None
    publicized: Flag | None = None


class CaseRecord(_Part):
    """One consultation or decision, as described by ``case-record.md`` (all fields keep that
    meaning). A record without ``consultation`` describes a decision only (owners' or villagers'
    self-governance): the notice's procedure is not applied to it."""

    title: Text
    setting: Setting
    population: Population
    scope: Scope | None = None
    lead: Lead | None = None
    topic: Topic
    stakeholder_groups: list[StakeholderGroup] = Field(default_factory=list)
    participants: list[Participant] = Field(default_factory=list)
    timeline: Timeline
    consultation: Consultation | None = None
    assembly: Assembly | None = None
    deciding_body: DecidingBody | None = None
    results: Results
    subsidies: Subsidies = Field(default_factory=Subsidies)
    rules: RulebookOverrides | None = None

    @model_validator(mode="after")
    def _groups_exist(self) -> Self:
        a = self.assembly
        if a is not None and self.deciding_body is not None:
            raise FieldProblem(
                ("deciding_body",),
                "deciding_body names who decided when no meeting did; leave it out when "
                "'assembly' describes the deciding meeting",
                "deciding_body 只用于没有会议作出决定的情形；已填写 assembly（决定会议）时不应填写",
            )
        t = self.timeline
        if self.consultation is not None and t.consulted is None:
            raise FieldProblem(
                ("timeline", "consulted"),
                "the consultation date (timeline.consulted; unknown where the source does not "
                "give it) of a record with a consultation",
                "记录了协商过程（consultation），就应写明协商日期（timeline.consulted；来源未写明时写 unknown）",
            )
        if t.decided_in is not None and not any(
            known(d) for d in (t.assembly_held, t.decided, t.consulted)
        ):
            _period_settles_the_law(t.decided_in)
        if not any(known(d) for d in (t.assembly_held, t.decided, t.consulted, t.decided_in)):
            raise FieldProblem(
                ("timeline",),
                "the date of the decision: timeline.assembly_held, timeline.decided or "
                "timeline.consulted (or timeline.decided_in when only the year or month is known; "
                "the law applied is the law in force that day)",
                "应写明决定的日期：timeline.assembly_held、timeline.decided 或 timeline.consulted"
                "之一（只知道年份或月份时写 timeline.decided_in；按该日施行的法律判断）",
            )
        item = self.topic.civil_code_item
        matter = (a.matter if a is not None else None) or self.topic.owners_matter
        if item is not None and matter is not None and matter != _item_matter(item):
            raise FieldProblem(
                ("topic", "civil_code_item"),
                f"item {item} of Civil Code art. 278 para. 1 is a{'' if item in (6, 7, 8) else 'n'} "
                f"{_item_matter(item)} matter, but the record says {matter}",
                f"民法典第二百七十八条第一款第{item}项属于"
                f"{'重大事项（special）' if item in (6, 7, 8) else '一般事项（ordinary）'}，"
                f"与记录填写的 {matter} 不一致",
            )
        if a is not None and a.kind in V.OWNERS_KINDS and matter is None and item is None:
            raise FieldProblem(
                ("assembly", "matter"),
                "an owners' meeting needs assembly.matter, topic.owners_matter (special | "
                "ordinary) or topic.civil_code_item (1–9)",
                "业主大会须填写 assembly.matter、topic.owners_matter（special 或 ordinary）"
                "或 topic.civil_code_item（1–9）",
            )
        ids = [g.id for g in self.stakeholder_groups]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate_group_id")
        for i, p in enumerate(self.participants):
            if p.group is not None and p.group not in ids:
                raise ValueError(f"unknown_group:{i}")
        return self

    @property
    def owners_matter(self) -> str | None:
        """special / ordinary, from the assembly, the topic or the Civil Code item (None: none)."""
        a = self.assembly
        if a is not None and a.matter is not None:
            return a.matter
        if self.topic.owners_matter is not None:
            return self.topic.owners_matter
        item = self.topic.civil_code_item
        return _item_matter(item) if item is not None else None


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a year (``"2020"``) or a month (``"2020-06"``)."""
    year, _, month = period.partition("-")
    first = dt.date(int(year), int(month or 1), 1)
    if month:
        nxt = dt.date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    else:
        nxt = dt.date(first.year + 1, 1, 1)
    return first, nxt - dt.timedelta(days=1)


def _period_settles_the_law(period: str) -> None:
    """A year or month is a decision's date only if the same laws were in force all through it."""
    from xsim import law

    first, last = period_bounds(period)
    if law.laws_in_force(first) == law.laws_in_force(last):
        return
    changed = next(
        first + dt.timedelta(days=n)
        for n in range(1, (last - first).days + 1)
        if law.laws_in_force(first + dt.timedelta(days=n)) != law.laws_in_force(first)
    )
    raise FieldProblem(
        ("timeline", "decided_in"),
        f"a date precise enough to tell the law applied: the law changed on {changed}, within "
        f"{period}; give the month or the day",
        f"日期不够精确，无法确定适用的法律：{period}期间法律于{changed}发生变化，请写明月份或日期",
    )


def _item_matter(item: int) -> str:
    return "special" if item in (6, 7, 8) else "ordinary"


def _known_all(*values: Any) -> bool:
    return all(known(v) for v in values)


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
    "ballots_gt_present": (
        "present",
        "'yes' + 'no' + 'abstained' + 'invalid_ballots' cannot exceed 'present'",
        "同意、反对、弃权和无效票之和不能超过到会人数（present）",
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
