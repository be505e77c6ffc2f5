"""The one TOML reader (settings files such as the training room's ``room.toml``).

``tomllib`` reads TOML 1.0 exactly, but it opens what it is given (a FIFO blocks, ``/dev/zero``
never ends), recurses once per nesting level (``a = [[[[…]]]]`` raises ``RecursionError``) and
knows only UTF-8 (GBK or UTF-16 end in a bare ``UnicodeDecodeError``). This reader reads a regular
file of bounded size (:func:`xsim.io.files.read_bytes`), names a wrong encoding, refuses nesting
deeper than :data:`MAX_TOML_DEPTH` before parsing, refuses ``nan`` and ``inf`` (naming the field),
and turns every problem into one
:class:`xsim.errors.InputError` with the line. Types are TOML's own: ``port = true`` is a
boolean, which the schema that receives it refuses where it wants a number (validate with
:func:`xsim.io.validate` and strict fields).
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from typing import Any

from xsim.errors import InputError
from xsim.io.files import bounded_text, read_bytes
from xsim.io.paths import format_path

MAX_TOML_BYTES = 1024 * 1024
"""Largest TOML file read by default (1 MiB)."""

MAX_TOML_DEPTH = 32
"""Deepest nesting of arrays and inline tables accepted (settings need a few levels)."""

# Strings of every TOML kind and brackets; comments are skipped. A string that does not close
# runs to the end of its line (or of the text), so the scan never fails and stays linear.
_TOKENS = re.compile(
    r'"""(?:[^"\\]+|\\.|"(?!""))*(?:"""|$)'
    r"|'''(?:[^']+|'(?!''))*(?:'''|$)"
    r'|"(?:[^"\\\n]+|\\.)*"?'
    r"|'[^'\n]*'?"
    r"|#[^\n]*"
    r"|[\[\]{}]",
    re.S,
)


def _depth(text: str, limit: int) -> int:
    """Deepest nesting of inline arrays and tables (``[table]`` headers count 1, as they are)."""
    if text.count("[") + text.count("{") <= limit:
        return 0
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif token in ("]", "}"):
            depth = max(depth - 1, 0)
    return deepest


def load_toml_text(text: str, source: str = "<toml>", *, max_depth: int = MAX_TOML_DEPTH) -> Any:
    """Parse TOML text into a ``dict`` (see the module docstring for what is refused)."""
    if "\x00" in text:
        raise InputError(
            source, "", "text without NUL bytes", "文件中含有空字节（NUL），不是文本文件"
        )
    if _depth(text, max_depth) > max_depth:
        raise InputError(
            source,
            "",
            f"TOML nested at most {max_depth} levels deep",
            f"TOML 嵌套层数不得超过 {max_depth} 层",
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)", message)
        return _raise(
            source,
            f"valid TOML ({message})",
            f"TOML 格式有误（{message}）",
            int(match.group(1)) if match else None,
        )
    except RecursionError:  # a limit the depth scan did not foresee
        return _raise(source, "valid TOML (nested too deeply)", "TOML 嵌套过深", None)
    _refuse_nonfinite(data, (), source)
    return data


def _refuse_nonfinite(value: Any, loc: tuple[Any, ...], source: str) -> None:
    """TOML has ``nan`` and ``inf``; no setting needs them: refused, naming the field."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(
            source,
            format_path(loc),
            f"a finite number; {value} (not a number / infinity) is not accepted",
            f"应为有限的数；不接受 {value}（非数/无穷大）",
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_nonfinite(item, (*loc, key), source)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nonfinite(item, (*loc, index), source)


def _raise(source: str, en: str, zh: str, line: int | None) -> Any:
    raise InputError(source, "", en, zh, line)


def load_toml_bytes(
    raw: bytes,
    source: str = "<toml>",
    *,
    max_bytes: int = MAX_TOML_BYTES,
    max_depth: int = MAX_TOML_DEPTH,
) -> Any:
    """Parse UTF-8 TOML bytes (another encoding is named in the message)."""
    text = bounded_text(raw, source, max_bytes=max_bytes, what="TOML file")
    return load_toml_text(text, source, max_depth=max_depth)


def load_toml_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_TOML_BYTES,
    max_depth: int = MAX_TOML_DEPTH,
) -> Any:
    """Read a TOML settings file: a regular file of at most ``max_bytes``, UTF-8, bounded depth."""
    raw = read_bytes(path, max_bytes=max_bytes, what="TOML file")
    return load_toml_bytes(raw, str(path), max_bytes=max_bytes, max_depth=max_depth)
