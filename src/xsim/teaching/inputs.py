"""Input fields that read the same in every browser: a date in Chinese order and a check box
whose label ticks it.

A browser's own date field (``ipywidgets.DatePicker`` is ``<input type="date">``) shows the date in
the order of the browser's locale — 03/05/2026 in an English browser — so a trainee may read
3 May for 5 March. :class:`ChineseDateInput` is a text field that shows and accepts 2026年3月5日
(also 2026-03-05, 2026/3/5 and 2026.3.5, full-width digits included) whatever the locale.

:func:`labelled_checkbox` builds every check box of the course: its Chinese label is the box's
own ``description`` (ipywidgets renders box and text inside one ``<label>``, so clicking the text
ticks the box), never indented (an indented box puts the text in a separate label that does not
tick it) and as wide as its text (a fixed width cuts the text, and the cut part is not clickable).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import ipywidgets as widgets

from xsim.errors import InputError

__all__ = ["ChineseDateInput", "date_zh", "labelled_checkbox", "parse_date_zh"]

#: 2026年3月5日, 2026-03-05, 2026/3/5, 2026.3.5 (after NFKC: full-width digits and signs too)
_DATE = re.compile(r"^\s*(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?\s*$")
EXAMPLE_ZH = "2026年3月5日"


def date_zh(day: dt.date | None) -> str:
    """A date in Chinese order (2026年3月5日); "" for none."""
    return "" if day is None else f"{day.year}年{day.month}月{day.day}日"


def parse_date_zh(text: str) -> dt.date | None:
    """The date a trainee typed ("" → None); ``ValueError`` when it is not a date."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    if not text:
        return None
    match = _DATE.match(text)
    if match is None:
        raise ValueError(text)
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)  # raises ValueError for 2026年2月30日


class ChineseDateInput(widgets.HBox):
    """A date field in Chinese order. ``value`` is a :class:`datetime.date` or None (empty or
    not a date: :meth:`date` says which, with a Chinese message); setting it accepts a date,
    None or text. The typed text is rewritten as 2026年3月5日 when the trainee leaves the field."""

    def __init__(self, value: dt.date | None = None, description: str = "", **kwargs: Any):
        self.label = description
        self.field = widgets.Text(
            value=date_zh(value),
            description=description,
            placeholder=f"如 {EXAMPLE_ZH}",
            continuous_update=False,
            **kwargs,
        )
        self.field.observe(self._tidy, names="value")
        super().__init__(children=[self.field])

    def _tidy(self, change: dict) -> None:
        try:
            day = parse_date_zh(change["new"])
        except ValueError:
            return  # left as typed: :meth:`date` names the problem when the form is checked
        tidy = date_zh(day)
        if tidy != change["new"]:
            self.field.value = tidy

    @property
    def value(self) -> dt.date | None:
        try:
            return parse_date_zh(self.field.value)
        except ValueError:
            return None

    @value.setter
    def value(self, day: dt.date | str | None) -> None:
        if isinstance(day, dt.datetime):
            day = day.date()
        self.field.value = date_zh(day) if day is None or isinstance(day, dt.date) else str(day)

    def date(self, where: str = "练习") -> dt.date | None:
        """The date, or an :class:`InputError` in Chinese when the text is not one."""
        try:
            return parse_date_zh(self.field.value)
        except ValueError:
            label = self.label or "日期"
            raise InputError(
                where,
                "",
                f"{label}: a date such as 2026-03-05",
                f"「{label}」应填写日期，如 {EXAMPLE_ZH}（您填的是「{self.field.value}」）",
            ) from None


def labelled_checkbox(label: str, value: bool = False, **layout: Any) -> widgets.Checkbox:
    """A check box whose Chinese label ticks it (see the module's docstring)."""
    return widgets.Checkbox(
        value=bool(value),
        description=label,
        indent=False,
        layout=widgets.Layout(width="auto", **layout),
    )
