"""Values typed on a command line: ``--set organizer.notice_days=3``.

A value is read with the same rules as a YAML file (:mod:`xsim.io.yamlfile`): ``3`` is a number,
``false`` a boolean, ``[a, b]`` a list, ``045``/``0x1A4``/``yes`` stay text, ``.nan``/``.inf``,
anchors, aliases and tags are refused, naming the field. Text that is not valid YAML (``他说: [好``)
is kept as text; the schema that receives it judges it.
"""

from __future__ import annotations

from typing import Any

from xsim.errors import InputError
from xsim.io.paths import format_path, parse_path
from xsim.io.yamlfile import load_yaml_text

MAX_VALUE_BYTES = 64 * 1024
"""Longest value accepted after ``=`` (64 KiB): room for a narrative, not for a file."""


def parse_value(text: str, field: str = "", source: str = "--set") -> Any:
    """One command-line value, typed like YAML 1.2 core data; refused input raises
    :class:`InputError` naming ``field``."""
    root = parse_path(field, source) if field else ()
    try:
        return load_yaml_text(text, source, max_bytes=MAX_VALUE_BYTES, root=root).data
    except InputError as err:
        if err.expected_en.startswith("valid YAML"):  # a syntax error: the text is meant as text
            return text
        err.line = None  # a line inside a one-line value only confuses
        raise


def parse_assignment(item: str, source: str = "--set") -> tuple[str, Any]:
    """``"organizer.notice_days=3"`` → ``("organizer.notice_days", 3)``; the path is checked and
    written in the canonical form (``organizations[0].voice``)."""
    path, sep, raw = item.partition("=")
    if not sep or not path.strip():
        raise InputError(
            source,
            item[:80],
            "PATH=VALUE, e.g. organizer.notice_days=3",
            "格式应为 参数路径=取值，例如 organizer.notice_days=3",
        )
    loc = parse_path(path, source)
    field = format_path(loc)
    return field, parse_value(raw, field, source)


def parse_assignments(items: list[str], source: str = "--set") -> dict[str, Any]:
    """Several ``PATH=VALUE`` items as an override mapping (a later item wins)."""
    return dict(parse_assignment(item, source) for item in items)
