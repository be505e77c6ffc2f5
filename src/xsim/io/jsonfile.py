"""The one JSON reader: study manifests, progress stores and exports, anything xsim reads as JSON.

``json.loads`` alone accepts ``NaN`` and ``Infinity``, keeps the last of two equal keys, raises
``RecursionError`` on 100 000 nested brackets and reads whatever ``open`` gives it (a FIFO blocks,
``/dev/zero`` never ends). This reader:

- reads only a regular file, at most ``max_bytes``, checked before reading
  (:func:`xsim.io.files.read_bytes`), as UTF-8 (another encoding is named in the message);
- refuses nesting deeper than ``max_depth`` (default :data:`MAX_JSON_DEPTH`) before parsing, with
  one linear scan, so the parser never recurses deeply;
- refuses ``NaN``, ``Infinity``, ``-Infinity``, numbers that overflow a float and whole numbers of
  more than :data:`MAX_INT_DIGITS` digits, naming the field;
- refuses a key given twice in one object, naming it.

Every problem raises one :class:`xsim.errors.InputError` (file, field path or line, what was
expected); the data it returns is plain ``dict``/``list``/``str``/``int``/``float``/``bool``/``None``,
to be validated by a schema (:func:`xsim.io.validate`).
"""

from __future__ import annotations

import json
import math
import os
import re
from typing import Any

from xsim.errors import InputError
from xsim.io.files import bounded_text, read_bytes

MAX_JSON_BYTES = 20 * 1024 * 1024
"""Largest JSON file read by default (20 MiB): a study manifest of a million parts or a progress
store of every lesson is far smaller."""

MAX_JSON_DEPTH = 64
"""Deepest nesting of objects and arrays accepted (xsim's files need fewer than 8 levels)."""

MAX_INT_DIGITS = 30
"""Longest whole number accepted (no field of xsim needs more than 20 digits)."""

# Strings (with escapes; an unterminated one runs to the end, so a match never fails and the scan
# stays linear) and brackets: nothing else can change the depth.
_TOKENS = re.compile(r'"(?:[^"\\]+|\\.)*"?|[\[\]{}]', re.S)


class _Refused(ValueError):
    """A value the reader refuses (raised inside the parser's hooks); ``token``: its text."""

    def __init__(self, en: str, zh: str, token: str = "") -> None:
        super().__init__(en)
        self.en, self.zh, self.token = en, zh, token


def _line_of(text: str, token: str) -> int | None:
    """The line of the first ``token`` outside strings (the hooks are not told where they are)."""
    if not token:
        return None
    bare = re.compile(r'"(?:[^"\\]+|\\.)*"?|' + re.escape(token), re.S)
    for match in bare.finditer(text):
        if match.group() == token:
            return text.count("\n", 0, match.start()) + 1
    return None


def _depth(text: str, limit: int) -> int:
    """The deepest nesting of ``text`` (at most ``limit + 1``: the scan stops there)."""
    if text.count("[") + text.count("{") <= limit:
        return 0  # cannot be deeper than the limit
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif token in "]}":
            depth -= 1
    return deepest


def _constant(name: str) -> Any:
    raise _Refused(
        f"a finite number; {name} (not a number / infinity) is not accepted",
        f"应为有限的数；不接受 {name}（非数/无穷大）",
        name,
    )


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"a finite number (got {text[:40]})", f"数值过大（{text[:40]}）", text)
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(
            f"a number of reasonable size (got {text[:40]}…)", f"数值过大（{text[:40]}…）", text
        )
    return int(text)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(
                f"each field only once (duplicate key {key!r})",
                f"每个字段只能出现一次（重复的键「{key}」）",
                json.dumps(key, ensure_ascii=False),
            )
        out[key] = value
    return out


def load_json_text(text: str, source: str = "<json>", *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON text into plain data (see the module docstring for what is refused)."""
    if _depth(text, max_depth) > max_depth:
        raise InputError(
            source,
            "",
            f"JSON nested at most {max_depth} levels deep",
            f"JSON 嵌套层数不得超过 {max_depth} 层",
        )
    try:
        return json.loads(
            text,
            parse_constant=_constant,
            parse_float=_float,
            parse_int=_int,
            object_pairs_hook=_pairs,
        )
    except _Refused as exc:
        raise InputError(source, "", exc.en, exc.zh, _line_of(text, exc.token)) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            source,
            "",
            f"valid JSON ({exc.msg}, column {exc.colno})",
            f"JSON 格式有误（{exc.msg}，第 {exc.colno} 列）",
            exc.lineno,
        ) from None
    except (ValueError, RecursionError) as exc:  # int conversion limits; a parser at its limit
        raise InputError(
            source, "", f"valid JSON ({type(exc).__name__})", "JSON 格式有误"
        ) from None


def load_json_bytes(
    raw: bytes,
    source: str = "<json>",
    *,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
) -> Any:
    """Parse UTF-8 JSON bytes (an initial BOM is allowed)."""
    text = bounded_text(raw, source, max_bytes=max_bytes, what="JSON file")
    return load_json_text(text, source, max_depth=max_depth)


def load_json_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_JSON_DEPTH,
) -> Any:
    """Read a JSON file: a regular file of at most ``max_bytes``, UTF-8, bounded depth, finite
    numbers, no duplicate keys. Every problem raises :class:`InputError` naming the file."""
    raw = read_bytes(path, max_bytes=max_bytes, what="JSON file")
    return load_json_bytes(raw, str(path), max_bytes=max_bytes, max_depth=max_depth)
