"""The one input layer: every file or value a user gives xsim is read here.

Public API (stable; records, scenarios, rulebooks and profiles, lesson YAML and ``--set`` use it):

Reading YAML (:mod:`xsim.io.yamlfile`) — YAML 1.2 core types only, plain data, no anchors,
aliases or object tags, no duplicate keys, dates kept as text, NaN/infinity refused, a size limit
checked before parsing, and a map field path → line:

- :func:`load_yaml_file` (path) / :func:`load_yaml_bytes` / :func:`load_yaml_text` →
  :class:`YamlDocument` (``.data``, ``.lines``, ``.line_of(loc)``);
- :data:`MAX_YAML_BYTES` (1 MiB, override with ``max_bytes=``), :data:`MAX_DEPTH`;
- :func:`read_bytes`: a regular file's bytes, bounded (no FIFOs, devices or directories).

Reading JSON (:mod:`xsim.io.jsonfile`) and TOML (:mod:`xsim.io.tomlfile`) — the same rules:
regular files only, size checked before reading, UTF-8 (another encoding is named), depth
bounded before parsing (no ``RecursionError``), NaN/±Infinity and duplicate keys refused:

- :func:`load_json_file` / :func:`load_json_bytes` / :func:`load_json_text` (plain data);
- :func:`load_toml_file` / :func:`load_toml_bytes` / :func:`load_toml_text` (a ``dict``).

Files (:mod:`xsim.io.files`): :func:`read_text` (bytes → UTF-8 text, naming GBK/UTF-16),
:func:`decode_text`, and for writing :func:`check_output_path` (missing or a regular file; a
link, FIFO, device or folder is refused) and :func:`write_atomic` (exclusive temporary file,
checked again, renamed into place). :func:`is_regular_file` / :func:`is_real_folder` do not
follow symbolic links; :func:`resolve_inside` keeps a path a file names inside a folder (no
``..``, no link out). :func:`check_choice` (:mod:`xsim.io.validation`): a reference to a known
id, else the valid choices and a did-you-mean.

Validating (:mod:`xsim.io.validation`):

- :func:`input_error_from_validation` (pydantic ``ValidationError`` → :class:`InputError`, with
  field path, line, range, choices and did-you-mean in Chinese and English);
- :class:`FieldProblem`: raise it from a model validator to point at a field with a message.
- :func:`validate`: ``model.model_validate`` of a :class:`YamlDocument` or plain data, errors
  translated.

Field types (:mod:`xsim.io.types`): :data:`Date` (``YYYY-MM-DD`` only; not seconds since 1970).

Field paths (:mod:`xsim.io.paths`): :func:`parse_path` (``a.0.b`` or ``a[0].b`` → tuple),
:func:`format_path` (tuple → ``a[0].b``).

Command-line values (:mod:`xsim.io.values`): :func:`parse_value`, :func:`parse_assignment`
(``PATH=VALUE``), :func:`parse_assignments`.

Every problem raises :class:`xsim.errors.InputError` (file, field, line, expected in zh and en).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from xsim._lazy import lazy_getattr
from xsim.errors import InputError
from xsim.io.files import (
    STDOUT,
    check_output_path,
    decode_text,
    is_real_folder,
    is_regular_file,
    read_text,
    resolve_inside,
    write_atomic,
)
from xsim.io.paths import format_path, parse_path
from xsim.io.types import Date
from xsim.io.validation import FieldProblem, check_choice, input_error_from_validation
from xsim.io.yamlfile import (
    MAX_DEPTH,
    MAX_YAML_BYTES,
    YamlDocument,
    line_of,
    load_yaml_bytes,
    load_yaml_file,
    load_yaml_text,
    read_bytes,
)

# JSON, TOML and command-line values are imported on first use: ``xsim check`` reads YAML only,
# and every module it imports counts against its 0.3 s.
_LAZY = {
    **dict.fromkeys(
        ["MAX_JSON_BYTES", "MAX_JSON_DEPTH", "load_json_bytes", "load_json_file", "load_json_text"],
        "xsim.io.jsonfile",
    ),
    **dict.fromkeys(
        ["MAX_TOML_BYTES", "load_toml_bytes", "load_toml_file", "load_toml_text"],
        "xsim.io.tomlfile",
    ),
    **dict.fromkeys(
        ["MAX_VALUE_BYTES", "parse_assignment", "parse_assignments", "parse_value"],
        "xsim.io.values",
    ),
}
__getattr__ = lazy_getattr(__name__, _LAZY)

__all__ = [
    "MAX_DEPTH",
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_TOML_BYTES",
    "STDOUT",
    "check_output_path",
    "decode_text",
    "is_real_folder",
    "is_regular_file",
    "load_json_bytes",
    "load_json_file",
    "load_json_text",
    "load_toml_bytes",
    "load_toml_file",
    "load_toml_text",
    "check_choice",
    "read_text",
    "resolve_inside",
    "write_atomic",
    "MAX_VALUE_BYTES",
    "MAX_YAML_BYTES",
    "Date",
    "FieldProblem",
    "InputError",
    "YamlDocument",
    "format_path",
    "input_error_from_validation",
    "line_of",
    "load_yaml_bytes",
    "load_yaml_file",
    "load_yaml_text",
    "parse_assignment",
    "parse_assignments",
    "parse_path",
    "parse_value",
    "read_bytes",
    "validate",
]


def validate[M: BaseModel](
    model: type[M],
    data: Any,
    source: str = "<data>",
    lines: dict[tuple[Any, ...], int] | None = None,
    *,
    codes: dict[str, tuple[str, str, str]] | None = None,
    what: tuple[str, str] = ("a mapping of fields", "字段映射"),
) -> M:
    """``model.model_validate(data)``; a :class:`YamlDocument` may be given as ``data`` (its lines
    are used). Any problem raises one :class:`InputError`: an empty file or a top level that is
    not a mapping is named as such (``what`` = (en, zh) of what the file should hold)."""
    if isinstance(data, YamlDocument):
        data, lines, source = data.data, data.lines, data.source
    if data is None:
        raise InputError(source, "", f"{what[0]}; the file is empty", f"应为{what[1]}；文件是空的")
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise InputError(
            source,
            "",
            f"{what[0]} at the top level (key: value); got a {kind}",
            f"顶层应为{what[1]}（键: 值）；实际为 {kind}",
            1 if lines else None,
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise input_error_from_validation(exc, source, lines, model=model, codes=codes) from None
