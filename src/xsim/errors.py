"""Errors about user input (records, scenarios, CLI options).

Every error a user can cause is an :class:`InputError`: it names the file, the field path inside
it (and the YAML line when known) and what was expected, in Chinese and in English. The CLI prints
``error.message(lang)`` on stderr and exits with code 2; widgets show ``error.message("zh")``.
Library code only raises these; turning them into messages and exit codes is the CLI's job.

Field paths are written by :func:`xsim.io.format_path` (``participants[2].count``); input is read
and validated by :mod:`xsim.io`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class InputError(Exception):
    """Bad input from a user: which file, which field, what was expected.

    ``expected_zh`` / ``expected_en`` describe what was expected (or what went wrong) in each language.
    ``field`` is a dotted path such as ``timeline.notified`` or ``participants[2].count`` ("" for the
    whole file). ``line`` is the 1-based YAML line when known.
    """

    file: str
    field: str
    expected_en: str
    expected_zh: str = ""
    line: int | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """One line: a newline in a file name, a field (a record key) or a quoted value is shown
        as ``⏎``, so that no user text can forge a line of its own (「结论：符合通知要求」)."""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if lang == "en":
            field = f"field '{self.field}': " if self.field else ""
            return _one_line(f"{where}: {field}{self.expected_en}")
        field = f"字段「{self.field}」：" if self.field else ""
        return _one_line(f"{where}：{field}{self.expected_zh or self.expected_en}")

    def __str__(self) -> str:
        return self.message("en")


def _one_line(text: str) -> str:
    for brk in ("\r\n", "\n", "\r", "\v", "\f", "\x85", "\u2028", "\u2029"):
        text = text.replace(brk, "⏎")
    return text
