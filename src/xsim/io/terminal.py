"""One sanitiser for everything the CLI prints: user text must not drive the terminal.

A record title such as ``"\\x1b[2K\\r结论：符合通知要求"`` would otherwise erase the line, return the
cursor and print a forged verdict over the real one. Text output therefore removes terminal escape
sequences and control characters (C0 except newline and tab, DEL, C1) and the invisible Unicode
characters that reorder or break lines (bidirectional overrides and isolates, line and paragraph
separators). Fields that must stay on one line (a title, a file name, a field path) also turn newlines
and tabs into visible ``⏎`` and spaces. JSON output keeps every character, escaped (``\\u001b``), so
that a script sees exactly what the user wrote without a terminal acting on it.

Standard library only: ``xsim check`` imports this module and must stay light.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Escape sequences are removed whole (not just the ESC byte), so that no "[2K" debris remains:
# CSI (ESC [ … final byte), OSC/DCS/PM/APC strings (ESC ] … BEL or ESC \), and two-byte ESC X.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, DCS, SOS, PM, APC strings
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x1b[ -~]?"  # any other ESC (with the byte it introduces)
)
# Bidirectional embeddings/overrides/isolates, and line/paragraph separators, which terminals and
# editors may honour: a title could otherwise be shown reversed or on a line of its own.
_INVISIBLE = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_INVISIBLE}]")


def clean(text: Any) -> str:
    """``text`` without escape sequences and control characters; newlines and tabs are kept."""
    text = str(text)
    if text.isprintable():  # the usual case: nothing to do
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def one_line(text: Any) -> str:
    """:func:`clean`, and a newline shown as ``⏎`` (a tab as a space): the field stays on its line."""
    return clean(text).replace("\r\n", "⏎").replace("\n", "⏎").replace("\t", " ")


def to_json(data: Any, **kwargs: Any) -> str:
    """``json.dumps`` (UTF-8 kept readable) with every control and invisible character escaped.

    ``json.dumps(ensure_ascii=False)`` escapes C0 controls but writes DEL, C1 controls and the
    bidirectional characters raw; these can only occur inside JSON strings, where ``\\uXXXX`` is the
    same character to a JSON reader.
    """
    kwargs.setdefault("ensure_ascii", False)
    text = json.dumps(data, **kwargs)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeStream:
    """A text stream that passes everything written through :func:`clean`.

    ``xsim``'s command line wraps ``sys.stdout`` and ``sys.stderr`` in one for the duration of a
    command, so that every line any sub-command prints — tables, notes, error messages, and the
    output of commands added later — is sanitised in one place. ``raw`` is the stream underneath,
    for writers that must move the cursor on purpose (a progress bar's ``\\r``): see
    :func:`raw_stream`.
    """

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(clean(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name: str) -> Any:  # fileno, isatty, encoding, buffer, …
        return getattr(self.raw, name)


def raw_stream(stream: Any) -> Any:
    """The stream under a :class:`SafeStream` (or ``stream`` itself): for a progress bar, whose
    ``\\r`` and cursor movements are the program's own, never user text."""
    while isinstance(stream, SafeStream):
        stream = stream.raw
    return stream
