"""Field types shared by the schemas that read user input.

:data:`Date` is a calendar date written ``YYYY-MM-DD`` (or a ``datetime.date`` from Python code).
pydantic's own date type also accepts a number of seconds since 1970 (``notified: 0`` would be
1970-01-01) and a date-time at midnight; a user's date is neither.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Strict
from pydantic_core import PydanticCustomError

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_only(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()  # pydantic checks the date exists (2026-02-30 is refused)
    raise PydanticCustomError("date_type", "a date written YYYY-MM-DD")


Date = Annotated[dt.date, Strict(False), BeforeValidator(_date_only)]
"""A date written ``YYYY-MM-DD``; numbers, booleans and date-times are refused."""
