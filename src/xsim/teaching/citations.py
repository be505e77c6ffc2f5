"""Law citations as a trainee reads them (《村民委员会组织法》第二十五条), resolved against :mod:`xsim.law`.

Pure functions, no widgets: the course files' checks (:mod:`xsim.teaching.schema`) and the quote
boxes (:mod:`xsim.teaching.common`) both read citations through here.
"""

from __future__ import annotations

import re

__all__ = ["law_reference"]

_LAW_REFERENCE = re.compile(r"^《(?P<title>[^》]+)》第(?P<article>[零一二三四五六七八九十百]+)条$")


def law_reference(text: str) -> tuple[str, int] | None:
    """``《村民委员会组织法》第二十五条`` → ``("villagers_committees", 25)``; None if not a law
    citation of a law in :data:`xsim.law.LAWS`. The article must exist in the current text."""
    from xsim.law import LAWS, article, parse_chinese_numeral

    m = _LAW_REFERENCE.match(text.strip())
    if not m:
        return None
    keys = [k for k, law in LAWS.items() if law.title_zh == m.group("title")]
    if not keys:
        return None
    number = parse_chinese_numeral(m.group("article"))
    try:
        article(keys[0], LAWS[keys[0]].versions[-1].key, number)
    except KeyError:
        return None
    return keys[0], number
