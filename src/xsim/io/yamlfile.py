"""The one safe YAML reader: YAML 1.2 core types, plain data only, bounded in size and depth.

Why not ``yaml.safe_load``: it reads YAML 1.1, where ``045`` is octal 37, ``0x1A4``, ``4_20`` and
``7:00`` are numbers, ``yes``/``on``/``off`` are booleans and ``2026-03-02`` (or, in some fields,
``0``) becomes a date; it keeps the last of two equal keys; and it expands aliases, so 300 bytes of
nested ``&a``/``*a`` take gigabytes. This reader builds the data directly from the parser's event
stream (libyaml's C parser when available), so it never composes or expands anything:

- Scalars resolve by the YAML 1.2 core schema, narrowed so that nothing is silently misread:
  ``null``/``~``/empty → ``None``; ``true``/``false`` (three spellings each) → ``bool``; plain
  decimal integers without leading zeros → ``int``; decimal floats with a point or an exponent →
  ``float``; everything else is text. ``045``, ``0x1A4``, ``0o17``, ``4_20``, ``7:00``,
  ``yes``/``on`` and dates therefore stay text, and the schema that receives them either accepts
  text or says exactly what it expected. ``.nan``, ``.inf`` and numbers too large for a float are
  refused here, naming the field.
- Mapping keys are always text; a key given twice is refused.
- Anchors, aliases and tags other than ``!!str``/``!!map``/``!!seq`` are refused at the first
  event, before anything is built. Only one document per file.
- The input is refused before parsing when larger than ``max_bytes`` (default
  :data:`MAX_YAML_BYTES`), when it contains a NUL byte or is not UTF-8; nesting deeper than
  :data:`MAX_DEPTH` is refused.

The result is a :class:`YamlDocument`: the data and a map from field path (a tuple, see
:mod:`xsim.io.paths`) to its 1-based line, used to point error messages at the line.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from xsim.errors import InputError
from xsim.io.files import decode_text
from xsim.io.files import read_bytes as _read_bytes
from xsim.io.paths import Path, format_path

MAX_YAML_BYTES = 1024 * 1024
"""Largest YAML input read by default (1 MiB): far above any record, scenario or lesson file (the
largest bundled one is a few KiB), small enough to parse in well under a second."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted (the schemas need fewer than 10 levels)."""

_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?")
_NONFINITE = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_STR_TAGS = frozenset({None, "!", "tag:yaml.org,2002:str"})
_MAP_TAGS = frozenset({None, "!", "tag:yaml.org,2002:map"})
_SEQ_TAGS = frozenset({None, "!", "tag:yaml.org,2002:seq"})
_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")  # first characters of null/bool/number
_INT_LIMIT = 2**63  # larger whole numbers are refused: no field of ours needs them


@dataclass(frozen=True)
class YamlDocument:
    """Plain data read from YAML, and the 1-based line of every field path in it."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    source: str = "<yaml>"

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        """The line of ``loc``, or of its deepest prefix present in the document."""
        return line_of(self.lines, loc)


def line_of(lines: dict[Path, int] | None, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest prefix of ``loc`` found in ``lines`` (``None`` if none is)."""
    if not lines:
        return None
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _error(source: str, loc: tuple[Any, ...], line: int | None, en: str, zh: str) -> InputError:
    return InputError(source, format_path(loc), en, zh, line)


def _too_large(source: str, size: str, max_bytes: int) -> InputError:
    return InputError(
        source,
        "",
        f"a YAML file of at most {max_bytes} bytes (this one has {size} bytes)",
        f"YAML 文件不得超过 {max_bytes} 字节（此文件为 {size} 字节）",
    )


def load_yaml_text(
    text: str,
    source: str = "<yaml>",
    *,
    max_bytes: int = MAX_YAML_BYTES,
    root: Path = (),
) -> YamlDocument:
    """Read YAML text into plain data (see the module docstring for the rules).

    ``root`` is prepended to every field path (used when the text is the value of a field, as in
    ``--set organizer.notice_days=3``). Every problem raises :class:`InputError`.
    """
    if len(text) > max_bytes:  # a character is at least one byte: no need to encode
        raise _too_large(source, f"≥ {len(text)}", max_bytes)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:  # a lone surrogate, from Python code or a widget
        raise InputError(
            source,
            format_path(root),
            f"valid Unicode text (character {exc.start} is a lone surrogate)",
            f"文字中有无效字符（第{exc.start}个字符）",
            text.count("\n", 0, exc.start) + 1,
        ) from None
    if size > max_bytes:
        raise _too_large(source, str(size), max_bytes)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(
            source,
            "",
            "text without NUL bytes (is this a binary file?)",
            "文件中含有空字节（NUL），不是文本文件",
            line,
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Builder(source, root).build(text)


def load_yaml_bytes(
    raw: bytes, source: str = "<yaml>", *, max_bytes: int = MAX_YAML_BYTES
) -> YamlDocument:
    """Read UTF-8 YAML bytes (a BOM is allowed); other encodings raise :class:`InputError` naming
    what the bytes look like (:func:`xsim.io.files.decode_text`)."""
    if len(raw) > max_bytes:
        raise _too_large(source, str(len(raw)), max_bytes)
    return load_yaml_text(decode_text(raw, source), source, max_bytes=max_bytes)


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int = MAX_YAML_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (:func:`xsim.io.files.read_bytes`)."""
    return _read_bytes(path, max_bytes=max_bytes, what="YAML file")


def load_yaml_file(
    path: str | os.PathLike[str], *, max_bytes: int = MAX_YAML_BYTES
) -> YamlDocument:
    """Read a YAML file (see :func:`read_bytes` and :func:`load_yaml_text` for what is refused)."""
    return load_yaml_bytes(read_bytes(path, max_bytes=max_bytes), str(path), max_bytes=max_bytes)


class _Builder:
    """Builds plain data from parser events, refusing what a data file never needs."""

    def __init__(self, source: str, root: Path) -> None:
        self.source = source
        self.root = root
        self.lines: dict[Path, int] = {}
        # frames: [container, path, pending key (maps), line of the pending key]
        self.stack: list[list[Any]] = []
        self.result: Any = None
        self.documents = 0

    # -- errors -----------------------------------------------------------------------------------
    def _fail(self, event: Any, en: str, zh: str, loc: tuple[Any, ...] | None = None) -> None:
        mark = getattr(event, "start_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise _error(self.source, self._here() if loc is None else loc, line, en, zh)

    def _here(self) -> tuple[Any, ...]:
        if not self.stack:
            return self.root
        container, path, key, _ = self.stack[-1]
        if isinstance(container, list):
            return (*path, len(container))
        return path if key is None else (*path, key)

    # -- events -----------------------------------------------------------------------------------
    def build(self, text: str) -> YamlDocument:
        try:
            for event in yaml.parse(text, Loader=_PARSER):
                self._event(event)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or exc.context or "syntax error"
            raise InputError(
                self.source,
                format_path(self.root),
                f"valid YAML ({problem})",
                f"YAML 格式有误（{problem}）",
                mark.line + 1 if mark is not None else None,
            ) from None
        except yaml.YAMLError as exc:  # reader errors: control characters and the like
            problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(
                self.source,
                format_path(self.root),
                f"valid YAML text ({problem})",
                f"YAML 文本有误（{problem}）",
            ) from None
        return YamlDocument(self.result, self.lines, self.source)

    def _event(self, event: Any) -> None:
        kind = type(event)  # exact types: the parser makes no subclasses; scalars first (most)
        if kind is yaml.ScalarEvent:
            if event.anchor:
                self._alias_refused(event)
            self._scalar(event)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.stack.pop()
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor:
                self._alias_refused(event)
            self._start(event)
        elif kind is yaml.AliasEvent:
            self._alias_refused(event)
        elif kind is yaml.DocumentStartEvent:
            self.documents += 1
            if self.documents > 1:
                self._fail(
                    event,
                    "a single YAML document (found a second '---')",
                    "只能有一个 YAML 文档（发现了第二个 ---）",
                )

    def _alias_refused(self, event: Any) -> None:
        self._fail(
            event,
            "plain YAML data: anchors and aliases (&name, *name) are not allowed",
            "不允许使用锚点和别名（&名称、*名称）",
        )

    def _start(self, event: Any) -> None:
        is_map = isinstance(event, yaml.MappingStartEvent)
        if event.tag not in (_MAP_TAGS if is_map else _SEQ_TAGS):
            self._tag_refused(event)
        if len(self.stack) >= MAX_DEPTH:
            self._fail(
                event,
                f"at most {MAX_DEPTH} levels of nesting",
                f"嵌套层数不得超过 {MAX_DEPTH} 层",
                self.stack[0][1],
            )
        container: Any = {} if is_map else []
        path = self._place(container, event)
        self.stack.append([container, path, None, None])

    def _scalar(self, event: Any) -> None:
        if event.tag not in _STR_TAGS:
            self._tag_refused(event)
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top[0], dict) and top[2] is None:
            # A key: always text, never twice.
            key = event.value
            if key in top[0]:
                self._fail(
                    event,
                    f"each field only once (duplicate key {key!r})",
                    f"每个字段只能出现一次（重复的键「{key}」）",
                    (*top[1], key),
                )
            top[2], top[3] = key, event.start_mark.line + 1
            return
        plain = event.tag is None and event.implicit[0]
        value = self._resolve(event) if plain else event.value
        self._place(value, event)

    def _place(self, value: Any, event: Any) -> Path:
        line = event.start_mark.line + 1
        if not self.stack:
            self.result = value
            self.lines[self.root] = line
            return self.root
        top = self.stack[-1]
        container, path = top[0], top[1]
        if isinstance(container, list):
            here = (*path, len(container))
            container.append(value)
            self.lines[here] = line
            return here
        if top[2] is None:  # a mapping or list used as a key
            self._fail(
                event,
                "a mapping key must be plain text",
                "键必须是普通文字",
                path,
            )
        here = (*path, top[2])
        container[top[2]] = value
        self.lines[here] = top[3]
        top[2] = top[3] = None
        return here

    def _tag_refused(self, event: Any) -> None:
        self._fail(
            event,
            f"plain YAML data, no tags such as !!python/… (the tag {event.tag} is not allowed "
            "and was not executed)",
            f"只允许普通 YAML 数据，不允许 {event.tag} 等标签（该标签未被执行）",
        )

    def _resolve(self, event: Any) -> Any:
        text = event.value
        if text and text[0] not in _MAYBE_NOT_TEXT:  # ordinary words: text at once
            return text
        if text in _NULL:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if _INT.fullmatch(text):
            number = int(text) if len(text) < 40 else _INT_LIMIT
            if abs(number) >= _INT_LIMIT:
                self._fail(
                    event,
                    f"a number of reasonable size (got {text[:40]})",
                    f"数值过大（{text[:40]}）",
                )
            return number
        if _FLOAT.fullmatch(text):
            number = float(text)
            if not math.isfinite(number):
                self._fail(event, f"a finite number (got {text[:40]})", f"数值过大（{text[:40]}）")
            return number
        if _NONFINITE.fullmatch(text):
            self._fail(
                event,
                f"a finite number; {text} (not a number / infinity) is not accepted",
                f"应为有限的数；不接受 {text}（非数/无穷大）",
            )
        return text
