"""One syntax for field paths: how a user names a field on the command line, in an override and in
an error message.

A path is a tuple of parts, each a field name (``str``) or a list index (``int``). It is written
``participants[2].count``; :func:`parse_path` also reads the dotted form ``participants.2.count``
that ``--set`` users type, and a non-numeric part after a list (``stakeholder_groups.ground.share``)
stays a name, which the scenario resolves against the items' ``id``.
"""

from __future__ import annotations

import re
from typing import Any

from xsim.errors import InputError

Path = tuple[str | int, ...]

# A part: a name (anything but '.', '[' and ']') or a bracketed index.
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(text: str, source: str = "<path>") -> Path:
    """``"organizations.0.voice"`` or ``"organizations[0].voice"`` → ``("organizations", 0, "voice")``.

    A part made only of digits is a list index. Empty parts (``a..b``, ``.a``, ``a.``) and
    unbalanced brackets raise :class:`InputError`.
    """
    text = text.strip()
    parts: list[str | int] = []
    pos = 0
    while True:
        match = _PART.match(text, pos)
        if match is None:
            raise _bad_path(text, source)
        name, index = match.groups()
        if index is not None:
            parts.append(int(index))
        else:
            name = name.strip()
            if not name:
                raise _bad_path(text, source)
            parts.append(int(name) if name.isdigit() else name)
        pos = match.end()
        if pos == len(text):
            break
        if text[pos] == ".":
            pos += 1
        elif text[pos] != "[":
            raise _bad_path(text, source)
    return tuple(parts)


def format_path(loc: tuple[Any, ...]) -> str:
    """``("participants", 2, "count")`` → ``participants[2].count`` (the form error messages use)."""
    out = ""
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _bad_path(text: str, source: str) -> InputError:
    return InputError(
        source,
        text,
        "a field path such as organizer.notice_days or organizations[0].voice",
        "应为字段路径，例如 organizer.notice_days 或 organizations[0].voice",
    )
