"""One translation of a pydantic ``ValidationError`` into an :class:`InputError` a user can act on.

The message names the field path (``organizations[0].voice``), the YAML line when known, what was
expected — with the allowed range of a bounded number, the valid choices of a fixed list and a
"did you mean" for a typo — and what was given, in Chinese and in English.

A validator that checks several fields together raises :class:`FieldProblem` (where, en, zh), or
a ``ValueError("code")`` whose code the caller explains through ``codes``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from xsim.errors import InputError
from xsim.io.paths import format_path
from xsim.io.yamlfile import line_of

# A number written in a way YAML 1.2 does not read as a number, so it arrives as text.
_NOT_DECIMAL = re.compile(
    r"[-+]?(0[0-9]+|0[xXoObB][0-9a-fA-F_]+|[0-9][0-9_]*_[0-9_]*|[0-9]+(:[0-5]?[0-9])+(\.[0-9]*)?)"
)


class FieldProblem(ValueError):
    """A problem a validator finds across fields: where it is (``loc`` inside the model that
    raised it) and what was expected, in English and Chinese."""

    def __init__(self, loc: tuple[Any, ...], en: str, zh: str) -> None:
        super().__init__(en)
        self.loc, self.en, self.zh = tuple(loc), en, zh


Codes = dict[str, tuple[str, str, str]]
"""``ValueError`` code → (field name under the failing model, en, zh). A code may carry a list
index after a colon (``unknown_group:3``): the field is then ``<name>[3].group``."""


def input_error_from_validation(
    exc: ValidationError,
    source: str,
    lines: dict[tuple[Any, ...], int] | None = None,
    *,
    model: type[BaseModel] | None = None,
    codes: Codes | None = None,
    prefix: tuple[Any, ...] = (),
) -> InputError:
    """The first problem of ``exc`` as one :class:`InputError` (and how many more there are).

    ``model`` is the validated class (for the valid field names and a field's range); ``lines``
    maps field paths to YAML lines; ``prefix`` is prepended to every location.
    """
    errors = exc.errors(include_url=False)
    # A typo shows up twice: as an unknown field and as a missing one. Name the typo first.
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    en, zh, loc = describe(errors[0], model, codes or {})
    loc = (*prefix, *loc)
    more = len(errors) - 1
    if more:
        en += f" (and {more} more problem{'s' if more > 1 else ''})"
        zh += f"（另有{more}处问题）"
    return InputError(source, format_path(loc), en, zh, line_of(lines, loc))


def model_at(model: Any, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that holds the field at ``loc`` (for listing valid field names)."""
    for part in loc:
        if isinstance(part, int) or not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        info = model.model_fields.get(str(part))
        if info is None:
            return model
        inner = inner_model(info.annotation)
        if inner is None:
            return None
        model = inner
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = inner_model(arg)
        if found is not None:
            return found
    return None


def field_range(model: Any, loc: tuple[Any, ...]) -> tuple[Any, Any]:
    """(lowest, highest) a number at ``loc`` may take per the schema (``None`` when unbounded);
    :func:`field_bounds` also says whether each bound is itself allowed."""
    lo, _, hi, _ = field_bounds(model, loc)
    return lo, hi


def field_bounds(model: Any, loc: tuple[Any, ...]) -> tuple[Any, bool, Any, bool]:
    """(low, low allowed, high, high allowed) of the number at ``loc``: ``Field(gt=0, le=100)``
    gives ``(0, False, 100, True)``; an unbounded side is ``None``."""
    names = [p for p in loc if not isinstance(p, int)]
    if not names:
        return None, True, None, True
    holder = model_at(model, tuple(loc[:-1])) if model is not None else None
    info = holder.model_fields.get(str(names[-1])) if holder is not None else None
    if info is None:
        return None, True, None, True
    lo = hi = None
    lo_in = hi_in = True
    metadata = list(info.metadata)
    stack = [info.annotation]
    while stack:  # constraints inside Annotated[...] | None
        t = stack.pop()
        metadata.extend(getattr(t, "__metadata__", ()))
        stack.extend(get_args(t))
    constraints = []
    for m in metadata:
        constraints.append(m)
        constraints.extend(getattr(m, "metadata", ()))  # FieldInfo inside Annotated
    for m in constraints:
        for attr, allowed in (("ge", True), ("gt", False)):
            if getattr(m, attr, None) is not None:
                lo, lo_in = getattr(m, attr), allowed
        for attr, allowed in (("le", True), ("lt", False)):
            if getattr(m, attr, None) is not None:
                hi, hi_in = getattr(m, attr), allowed
    return lo, lo_in, hi, hi_in


def range_text(lo: Any, lo_in: bool, hi: Any, hi_in: bool) -> tuple[str, str]:
    """How a range reads, exactly as it is checked: ``from 0 to 1`` / ``0 到 1 之间``, or with an
    excluded end ``greater than 0 and at most 100`` / ``大于 0 且不大于 100``."""
    if lo_in and hi_in:
        return f"from {lo} to {hi}", f" {lo} 到 {hi} 之间"
    low_en, low_zh = ("at least", "不小于") if lo_in else ("greater than", "大于")
    high_en, high_zh = ("at most", "不大于") if hi_in else ("less than", "小于")
    return f"{low_en} {lo} and {high_en} {hi}", f"{low_zh} {lo} 且{high_zh} {hi} "


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return text if len(text) <= 60 else text[:57] + "…"


def _did_you_mean(word: Any, choices: list[str]) -> tuple[str, str]:
    close = difflib.get_close_matches(str(word), choices, n=1)
    if not close:
        return "", ""
    return f"did you mean '{close[0]}'? ", f"是否应为“{close[0]}”？"


def describe(
    err: dict[str, Any], model: type[BaseModel] | None, codes: Codes
) -> tuple[str, str, tuple[Any, ...]]:
    """(expected_en, expected_zh, loc) for one pydantic error."""
    kind = err["type"]
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    got = err.get("input")
    got_s = _shown(got)
    ctx = err.get("ctx") or {}
    problem = ctx.get("error")
    if isinstance(problem, FieldProblem):
        return problem.en, problem.zh, (*loc, *problem.loc)
    code, _, index = str(problem or "").partition(":")
    if kind == "value_error" and code in codes:
        name, en, zh = codes[code]
        if index.isdigit():  # an item of a list: participants[3].group
            return en, zh, (*loc, name, int(index), "group")
        return en, zh, (*loc, name)
    if kind == "extra_forbidden":
        parent = model_at(model, loc[:-1]) if model is not None else None
        names = list(parent.model_fields) if parent else []
        hint_en, hint_zh = _did_you_mean(loc[-1], names)
        valid = ", ".join(names)
        return (
            f"unknown field (a typo?); {hint_en}valid fields here: {valid}",
            f"未知字段（是否拼写错误？）{hint_zh}此处可用的字段：{valid}",
            loc,
        )
    if kind == "missing":
        return "required field is missing", "缺少必填字段", loc
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        hint_en, hint_zh = _did_you_mean(got, re.findall(r"'([^']*)'", expected))
        return (
            f"one of {expected}; got {got_s}. {hint_en}".rstrip(),
            f"取值无效：应为以下之一：{expected}；实际为 {got_s}。{hint_zh}".rstrip("。"),
            loc,
        )
    if kind in (
        "greater_than_equal",
        "greater_than",
        "less_than_equal",
        "less_than",
    ):
        lo, lo_in, hi, hi_in = field_bounds(model, loc)
        if isinstance(lo, dt.date) and isinstance(hi, dt.date):
            return (
                f"a date from {lo} to {hi}; got {got_s}",
                f"超出范围：应为 {lo} 到 {hi} 之间的日期；实际为 {got_s}",
                loc,
            )
        if lo is not None and hi is not None:
            en, zh = range_text(lo, lo_in, hi, hi_in)
            return (
                f"a number {en}; got {got_s}",
                f"超出范围：应为{zh}的数；实际为 {got_s}",
                loc,
            )
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        words = {
            "greater_than_equal": ("≥", "不小于"),
            "greater_than": (">", "大于"),
            "less_than_equal": ("≤", "不大于"),
            "less_than": ("<", "小于"),
        }[kind]
        return (
            f"a number {words[0]} {bound}; got {got_s}",
            f"超出范围：应为{words[1]}{bound}的数；实际为 {got_s}",
            loc,
        )
    if isinstance(got, str) and _NOT_DECIMAL.fullmatch(got.strip()) and "type" in kind:
        return (
            f"a number written in plain decimal; got {got_s} (leading zeros, 0x…, 4_20 and "
            "7:00 are not read as numbers)",
            f"应为普通十进制数；实际为 {got_s}（前导零、0x…、4_20、7:00 等写法不作为数字读取）",
            loc,
        )
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return (f"a whole number (integer); got {got_s}", f"应为整数；实际为 {got_s}", loc)
    if kind.startswith("date") or kind.startswith("datetime"):
        return (
            f"a real date written YYYY-MM-DD; got {got_s}",
            f"应为真实存在的日期，格式 YYYY-MM-DD；实际为 {got_s}",
            loc,
        )
    if kind in ("bool_type", "bool_parsing"):
        return (f"true or false; got {got_s}", f"应为 true 或 false；实际为 {got_s}", loc)
    if kind == "string_too_short":
        return (f"non-empty text; got {got_s}", f"应为非空文字；实际为 {got_s}", loc)
    if kind == "string_type":
        return (f"text; got {got_s}", f"应为文字；实际为 {got_s}", loc)
    if kind == "string_pattern_mismatch":
        return (
            f"lower-case letters, digits and _ only, starting with a letter; got {got_s}",
            f"只能用小写英文字母、数字和下划线，并以字母开头；实际为 {got_s}",
            loc,
        )
    if kind in ("float_type", "float_parsing", "finite_number"):
        return (f"a finite number; got {got_s}", f"应为有限的数；实际为 {got_s}", loc)
    if kind == "list_type":
        return (f"a list ([...]); got {got_s}", f"应为列表（[...]）；实际为 {got_s}", loc)
    if kind == "too_short":
        return ("at least one item", "至少应有一项", loc)
    if kind == "too_long":
        return (
            f"at most {ctx.get('max_length')} items",
            f"最多 {ctx.get('max_length')} 项",
            loc,
        )
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return (f"a mapping of fields; got {got_s}", f"应为字段映射（键: 值）；实际为 {got_s}", loc)
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
    return (f"{msg}; got {got_s}", f"取值无效：{msg}；实际为 {got_s}", loc)


def check_choice(
    value: Any,
    choices: list[str] | tuple[str, ...],
    *,
    source: str,
    field: str,
    line: int | None = None,
    what: tuple[str, str] = ("one of", "应为以下之一"),
) -> str:
    """``value`` if it is one of ``choices``; else one :class:`InputError` naming the file, field
    and line, the valid choices and a "did you mean" (for ids that refer to other things: clause
    ids, form names, step codes, measure names, group ids)."""
    if isinstance(value, str) and value in choices:
        return value
    hint_en, hint_zh = _did_you_mean(value, list(choices))
    shown = ", ".join(map(str, choices))
    raise InputError(
        source,
        field,
        f"{what[0]}: {shown}; got {_shown(value)}. {hint_en}".rstrip(),
        f"{what[1]}：{'、'.join(map(str, choices))}；实际为 {_shown(value)}。{hint_zh}".rstrip(
            "。"
        ),
        line,
    )
