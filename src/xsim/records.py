"""Case records: what happened in one consultation, as a validated pydantic model.

The format is fixed by ``../shared/spec/case-record.md``. Township cadres write these YAML files about
real consultations; the simulator writes one for every run; :func:`xsim.rules.check_record` judges
both. Unknown fields are errors (``extra="forbid"``): a typo must not pass silently.

Every bad input becomes an :class:`xsim.errors.InputError` naming the file, the field path, the YAML
line when known and what was expected, in Chinese and English. YAML is read with a ``SafeLoader``
subclass only (no object-constructing tags), which also keeps dates as text so that an impossible date
such as ``2026-02-30`` is reported against its field instead of crashing the parser, and rejects
duplicate keys.
"""

import datetime as dt
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xsim.errors import InputError, field_path
from xsim.local_rules import RulebookOverrides

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
Area = Annotated[float, Field(ge=0, allow_inf_nan=False)]

Setting = Literal["village", "community"]
Scope = Literal["whole", "group", "cross_community"]
Lead = Literal["party_branch", "committee", "township", "other"]
Category = Literal[
    "law_required",
    "policy_implementation",
    "planning",
    "infrastructure",
    "major_activity",
    "large_fund",
    "rights_policy",
    "charter_rules",
    "dispute",
    "joint_proposal",
    "other_public",
    "subject_request",
]
ProposerKind = Literal[
    "committee", "party_branch", "joint_residents", "joint_representatives", "subject", "township"
]
Role = Literal[
    "resident",
    "representative",
    "party_branch",
    "committee",
    "supervision_committee",
    "villager_group",
    "resident_unit",
    "social_org",
    "owners_committee",
    "collective_economy",
    "cooperative",
    "property_company",
    "township",
    "expert",
    "third_party",
    "deputy",
    "veteran",
    "social_worker",
    "mass_org",
    "other",
]
ConsultForm = Literal[
    "villagers_meeting",
    "residents_meeting",
    "representatives_meeting",
    "council",
    "board",
    "group_meeting",
    "compound",
    "owners",
    "hearing",
    "special_council",
    "evaluation",
    "talk_day",
    "forum",
    "online",
]
Outcome = Literal["consensus", "majority", "disputed"]
AssemblyKind = Literal[
    "villagers_meeting",
    "residents_meeting",
    "representatives_meeting",
    "owners_meeting",
    "members_meeting",
    "members_representatives_meeting",
]
CollectiveMatter = Literal[
    "charter",
    "membership",
    "contracting_homestead",
    "income_distribution",
    "land_compensation",
    "investment",
    "merger",
    "other",
]
"""Matters of a rural collective economic organization (农村集体经济组织法 art. 26 para. 1 items 1,
3, 8, 7, 10, 11, 12; ``other`` for the rest)."""
OwnersMatter = Literal["special", "ordinary"]
"""Owners' joint decisions (民法典 art. 278): ``special`` = para. 1 items 6–8, ``ordinary`` = the rest."""
Channel = Literal[
    "bulletin", "publication", "online_forum", "mass_work_system", "meeting", "wechat", "other"
]
FeedbackTarget = Literal["subjects", "stakeholders", "residents"]

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
    topic_proposed: dt.date
    notified: dt.date | None = None
    consulted: dt.date
    assembly_notified: dt.date | None = None
    assembly_held: dt.date | None = None
    representatives_notified: dt.date | None = None
    implemented: dt.date | None = None
    publicized: dt.date | None = None


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
            raise ValueError("collective_in_community")
        a = self.assembly
        if (
            a is not None
            and a.kind == "owners_meeting"
            and a.matter is None
            and self.topic.owners_matter is None
        ):
            raise ValueError("owners_matter_missing")
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
    "owners_matter_missing": (
        "assembly.matter",
        "an owners' meeting needs assembly.matter or topic.owners_matter (special | ordinary)",
        "业主大会须填写 assembly.matter 或 topic.owners_matter（special 或 ordinary）",
    ),
    "collective_in_community": (
        "topic.collective_matter",
        "no collective_matter in a community record (collective economic organizations are "
        "rural: setting village)",
        "社区记录不能填写 collective_matter（农村集体经济组织事项仅适用于 setting: village）",
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


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that holds the field at ``loc`` (for listing valid field names)."""
    from typing import get_args

    model: Any = CaseRecord
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) else None
        if field is None:
            return model if isinstance(model, type) else None
        nxt = None
        stack = [field.annotation]
        while stack:
            t = stack.pop()
            if isinstance(t, type) and issubclass(t, BaseModel):
                nxt = t
                break
            stack.extend(get_args(t))
        if nxt is None:
            return model
        model = nxt
    return model


def _describe(err: dict[str, Any]) -> tuple[str, str, tuple[Any, ...]]:
    """(expected_en, expected_zh, loc) for one pydantic error."""
    kind = err["type"]
    loc = tuple(p for p in err["loc"] if p not in ("function-after",))
    got = err.get("input")
    got_s = repr(got) if not isinstance(got, dict | list) else type(got).__name__
    if len(got_s) > 60:
        got_s = got_s[:57] + "…"
    ctx = err.get("ctx") or {}
    code, _, index = str(ctx.get("error", "")).partition(":")
    if kind == "value_error" and code in _CONSISTENCY:
        suffix, en, zh = _CONSISTENCY[code]
        if index:  # an item of a list: participants[3].group
            return en, zh, (*loc, suffix, int(index), "group")
        return en, zh, (*loc, suffix)
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        names = list(parent.model_fields) if parent else []
        valid = ", ".join(names)
        import difflib  # only on an error: keep the check path's imports small

        close = difflib.get_close_matches(str(loc[-1]), names, n=1)
        hint_en = f"did you mean '{close[0]}'? " if close else ""
        hint_zh = f"是否应为“{close[0]}”？" if close else ""
        return (
            f"unknown field (a typo?); {hint_en}valid fields here: {valid}",
            f"未知字段（是否拼写错误？）{hint_zh}此处可用的字段：{valid}",
            loc,
        )
    if kind == "missing":
        return "required field is missing", "缺少必填字段", loc
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        return (
            f"one of {expected}; got {got_s}",
            f"应为以下之一：{expected}；实际为 {got_s}",
            loc,
        )
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return (f"a whole number ≥ 0; got {got_s}", f"应为不小于0的整数；实际为 {got_s}", loc)
    if kind in ("greater_than_equal", "greater_than"):
        return (
            f"a number ≥ {ctx.get('ge', ctx.get('gt'))}; got {got_s}",
            f"应为不小于{ctx.get('ge', ctx.get('gt'))}的数；实际为 {got_s}",
            loc,
        )
    if kind in ("less_than_equal", "less_than"):
        return (
            f"a number ≤ {ctx.get('le', ctx.get('lt'))}; got {got_s}",
            f"应为不大于{ctx.get('le', ctx.get('lt'))}的数；实际为 {got_s}",
            loc,
        )
    if kind.startswith("date") or kind.startswith("datetime"):
        return (
            f"a real date written YYYY-MM-DD; got {got_s}",
            f"应为真实存在的日期，格式 YYYY-MM-DD；实际为 {got_s}",
            loc,
        )
    if kind == "bool_type" or kind == "bool_parsing":
        return (f"true or false; got {got_s}", f"应为 true 或 false；实际为 {got_s}", loc)
    if kind in ("string_type", "string_too_short"):
        return (f"non-empty text; got {got_s}", f"应为非空文字；实际为 {got_s}", loc)
    if kind in ("float_type", "float_parsing", "finite_number"):
        return (f"a finite number; got {got_s}", f"应为有限的数；实际为 {got_s}", loc)
    if kind == "list_type":
        return (f"a list ([...]); got {got_s}", f"应为列表（[...]）；实际为 {got_s}", loc)
    if kind == "too_short":
        return ("at least one item", "至少应有一项", loc)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return (f"a mapping of fields; got {got_s}", f"应为字段映射（键: 值）；实际为 {got_s}", loc)
    return (err.get("msg", "invalid value"), f"取值无效：{err.get('msg', '')}", loc)


def _error_from_validation(
    exc: ValidationError, source: str, lines: dict[tuple[Any, ...], int] | None
) -> InputError:
    # A typo shows up twice: as an unknown field and as a missing one. Name the typo first.
    errors = sorted(exc.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    # Report the first error; mention how many more there are so the user knows to re-run.
    en, zh, loc = _describe(errors[0])
    more = len(errors) - 1
    if more:
        en += f" (and {more} more problem{'s' if more > 1 else ''})"
        zh += f"（另有{more}处问题）"
    line = _line_for(lines, loc) if lines else None
    return InputError(source, field_path(loc), en, zh, line)


def _line_for(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    # The deepest prefix of the path that exists in the YAML document.
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


# --- YAML ----------------------------------------------------------------------------------------


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False):
    """SafeConstructor's mapping, but a key given twice is an error instead of "last one wins"."""
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, list | dict):
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be plain text", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


def _safe_record_loader(base: type) -> type:
    """A SafeLoader subclass: no object tags, dates kept as text, true/false only, no duplicates."""
    loader = type(f"_Record{base.__name__}", (base,), {})
    # Dates stay text (pydantic reports an impossible date against its field); booleans are only
    # true / false as in YAML 1.2 — YAML 1.1 would read the assembly field name ``yes`` as True.
    loader.yaml_implicit_resolvers = {
        first: [
            (tag, rx)
            for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
        ]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return loader


# The fast loader (libyaml's parser when available) for ordinary records.
_RecordLoader = _safe_record_loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class _NoAliasLoader(_safe_record_loader(yaml.SafeLoader)):  # type: ignore[misc]
    """Pure-Python loader that refuses anchors and aliases (``&a`` / ``*a``): a record never needs
    them, and nested aliases can expand exponentially ("billion laughs")."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases (&name, *name) are not allowed in a record",
                self.peek_event().start_mark,
            )
        return super().compose_node(parent, index)


def _loader_for(text: str) -> type:
    # Only text that could hold an alias pays for the slower pure-Python loader.
    return _NoAliasLoader if "*" in text else _RecordLoader


def _line_map(text: str) -> dict[tuple[Any, ...], int]:
    """Field path → 1-based line of its value in the YAML text (for error messages)."""
    try:
        root = yaml.compose(text, Loader=_loader_for(text))
    except yaml.YAMLError:
        return {}
    out: dict[tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        out[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                key = k.value if isinstance(k, yaml.ScalarNode) else None
                out[(*path, key)] = k.start_mark.line + 1
                walk(v, (*path, key))
                out[(*path, key)] = k.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, (*path, i))

    if root is not None:
        walk(root, ())
    return out


def _parse_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_loader_for(text))  # noqa: S506 - SafeLoader subclasses
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        problem = exc.problem or ""
        line = mark.line + 1 if mark else None
        if "duplicate key" in problem or "plain text" in problem:
            return _raise(
                InputError(
                    source,
                    "",
                    f"{problem}: each field may appear only once",
                    f"键重复或无效（{problem}）：每个字段只能出现一次",
                    line,
                )
            )
        return _raise(
            InputError(
                source,
                "",
                "plain YAML data (no tags such as !!python/...) — the tag is not allowed "
                f"and was not executed: {problem}",
                f"只允许普通 YAML 数据，不允许 !!python/... 等标签（该标签未被执行）：{problem}",
                line,
            )
        )
    except yaml.composer.ComposerError as exc:
        mark = exc.problem_mark
        return _raise(
            InputError(
                source,
                "",
                f"plain YAML data: {exc.problem}",
                "记录中不允许使用锚点和别名（&名称、*名称）",
                mark.line + 1 if mark else None,
            )
        )
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return _raise(
            InputError(
                source, "", f"valid YAML ({problem})", f"应为有效的 YAML 文件（{problem}）", line
            )
        )
    except (ValueError, TypeError, RecursionError) as exc:  # pragma: no cover - defensive
        return _raise(
            InputError(source, "", f"valid YAML ({exc})", f"应为有效的 YAML 文件（{exc}）")
        )


def _raise(err: InputError):
    raise err


# --- public API ----------------------------------------------------------------------------------


def record_from_dict(
    data: Any, source: str = "<dict>", _lines: dict[tuple[Any, ...], int] | None = None
) -> CaseRecord:
    """Validate plain data (as from YAML) into a :class:`CaseRecord`; raise ``InputError``."""
    if data is None:
        raise InputError(source, "", "a case record; the file is empty", "应为协商记录；文件是空的")
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise InputError(
            source,
            "",
            f"a mapping of fields (title: …, setting: …) at the top level; got a {kind}",
            f"顶层应为字段映射（title: …、setting: …）；实际为 {kind}",
            1 if _lines is not None else None,
        )
    try:
        return CaseRecord.model_validate(data)
    except ValidationError as exc:
        raise _error_from_validation(exc, source, _lines) from None


def record_from_yaml(text: str, source: str = "<yaml>") -> CaseRecord:
    """Parse YAML text (safe loading only) into a :class:`CaseRecord`; raise ``InputError``."""
    data = _parse_yaml(text, source)
    try:
        return record_from_dict(data, source, {})
    except InputError as err:
        if err.field and err.line is None:
            err.line = _line_for(_line_map(text), _split_path(err.field))
        raise


def _split_path(path: str) -> tuple[Any, ...]:
    out: list[Any] = []
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        out.append(int(part[1:-1]) if part.startswith("[") else part)
    return tuple(out)


def load_record(path: str | os.PathLike[str]) -> CaseRecord:
    """Read a case record from a YAML file; every problem raises ``InputError``."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(source, "", "an existing file", "文件不存在") from None
    except IsADirectoryError:
        raise InputError(source, "", "a file, not a directory", "应为文件而不是目录") from None
    except OSError as exc:
        raise InputError(
            source, "", f"a readable file ({exc.strerror})", f"无法读取文件（{exc.strerror}）"
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            source,
            "",
            f"UTF-8 text (byte {exc.start} is not UTF-8)",
            f"应为 UTF-8 编码的文本（第{exc.start}字节不是 UTF-8）",
        ) from None
    return record_from_yaml(text, source)


def record_to_dict(record: CaseRecord) -> dict[str, Any]:
    """Plain data for YAML (dates stay ``datetime.date``; ``None`` fields are left out)."""
    return record.model_dump(mode="python", exclude_none=True)


def record_to_yaml(record: CaseRecord) -> str:
    """The record as YAML text; :func:`record_from_yaml` of it gives back an equal record."""
    return yaml.safe_dump(
        record_to_dict(record), allow_unicode=True, sort_keys=False, default_flow_style=False
    )


def dump_record(record: CaseRecord, path: str | os.PathLike[str]) -> None:
    """Write the record as YAML atomically (a temporary file renamed into place: never half-written)."""
    import tempfile

    text = record_to_yaml(record)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
