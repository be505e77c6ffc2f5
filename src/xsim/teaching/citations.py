"""Law citations as a trainee reads them (《村民委员会组织法》第二十五条), resolved against :mod:`xsim.law`.

Pure functions, no widgets: the course files' checks (:mod:`xsim.teaching.schema`) and the quote
boxes (:mod:`xsim.teaching.common`) both read citations through here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Cited", "check_citations", "law_reference"]

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


# -- every article and item number a text cites, checked against the law texts ---------------------

NUMERAL = "零一二三四五六七八九十百千"
_BARE_TITLES = (
    "民法典",
    "村民委员会组织法",
    "城市居民委员会组织法",
    "农村集体经济组织法",
    "妇女权益保障法",
)
_CITATION = re.compile(
    r"(?:《(?P<title>[^》]+)》|(?P<bare>" + "|".join(_BARE_TITLES) + r"))?"
    r"(?P<edition_before>(?:20\d\d年(?:修正|修订)文本))?"
    r"(?P<old>原)?"
    rf"(?:第(?P<article>[{NUMERAL}]+)条(?:至第(?P<article_to>[{NUMERAL}]+)条)?)?"
    rf"(?:第(?P<paragraph>[{NUMERAL}]+)款)?"
    rf"(?:第(?P<item>[{NUMERAL}]+)项(?:至第(?P<item_to>[{NUMERAL}]+)项)?)?"
)
_PAREN = re.compile(r"（([^（）]{1,60})）")
#: a parenthesis after a reference that is not the item's wording (a pointer, a former number)
_NOT_WORDS = ("见", "原", "同", "第", "§")
_EDITION = re.compile(r"^(20\d\d)年(修正|修订)$")
#: the notice and the kit itself: cited by name, no articles to check
NOT_LAWS = ("通知", "关于做好城乡社区协商有关工作的通知")


@dataclass(frozen=True)
class Cited:
    """One reference found in a text: what it names and, if wrong, why (``problem``)."""

    text: str
    law: str | None
    version: str | None
    article: int | None
    paragraph: int | None
    item: int | None
    problem: str = ""


def _law_key(title: str) -> str | None:
    from xsim.law import LAWS

    name = title.removeprefix("中华人民共和国")
    for key, law in LAWS.items():
        if law.title_zh == name or law.title_zh.replace("〈中华人民共和国", "〈") == name:
            return key
    return None


def _edition(law: str, label: str) -> tuple[str | None, str]:
    """The version a label such as 2025年修正 names, and a problem if the law has no such
    edition (修正 where the law was 修订)."""
    from xsim.law import LAWS

    for v in LAWS[law].versions:
        if v.edition_zh == label:
            return v.key, ""
    year = label[:4]
    others = [
        v.edition_zh
        for v in LAWS[law].versions
        if v.key == year or (v.edition_zh or "").startswith(year)
    ]
    if others:
        return None, f"《{LAWS[law].title_zh}》的这一版是“{others[0]}”，不是“{label}”"
    return None, f"《{LAWS[law].title_zh}》没有“{label}”这一版"


def _number(text: str | None) -> int | None:
    """一千二百五十九 → 1259 (the articles of the Civil Code run into the thousands)."""
    if not text:
        return None
    digits = dict(zip("零一二三四五六七八九", range(10), strict=True))
    total = section = 0
    for ch in text:
        if ch in digits:
            section = digits[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            total += (section or 1) * unit
            section = 0
    return total + section


def _normal(text: str) -> str:
    return re.sub(r"[\s，。、；：“”‘’「」《》（）()，,.;:]", "", text)


def check_citations(text: str) -> list[Cited]:
    """Every law reference in ``text`` (a paragraph, a quiz field) resolved against
    :mod:`xsim.law`: article, paragraph (款) and item (项) must exist in the version cited (the
    paren's 2025年修正, 原… for the former text, else the current one), and a description in
    parentheses after an item must be the item's own words. A reference without a law's name
    takes the law (and article) of the reference before it in the same text, and the current
    version unless it says otherwise."""
    from xsim.law import LAWS, article

    out: list[Cited] = []
    law = None
    version = ""
    current: int | None = None
    for m in _CITATION.finditer(text):
        g = m.groupdict()
        if not (g["title"] or g["bare"] or g["article"] or g["paragraph"] or g["item"]):
            continue
        title = g["title"] or g["bare"]
        if title:
            if title in NOT_LAWS:
                law = None
                continue
            key = _law_key(title)
            if key is None:
                out.append(
                    Cited(m.group(0), None, None, None, None, None, f"不认识的法律：《{title}》")
                )
                law = None
                continue
            law, current = key, None
        if law is None:
            continue  # a part of the notice (第四部分第六项) or of an unnamed text
        problem = ""
        cited_version = LAWS[law].versions[-1].key  # the current text unless the reference says
        if g["old"] and len(LAWS[law].versions) > 1:
            cited_version = LAWS[law].versions[-2].key
        label = g["edition_before"] and g["edition_before"].removesuffix("文本")
        after = _PAREN.match(text, m.end())
        paren = after.group(1).strip() if after else ""
        if _EDITION.match(paren):
            label = paren
        if label:
            found, problem = _edition(law, label)
            cited_version = found or cited_version
        version = cited_version
        if g["article"]:
            current = _number(g["article"])
        if current is None:
            continue  # 款/项 with no article before them: not a law reference we can place
        numbers = [current] + ([_number(g["article_to"])] if g["article_to"] else [])
        para, item = _number(g["paragraph"]), _number(g["item"])
        items = [item] + ([_number(g["item_to"])] if g["item_to"] else []) if item else []
        for n in numbers:
            try:
                art = article(law, version, n)
            except KeyError:
                problem = problem or f"《{LAWS[law].title_zh}》（{version}）没有第{n}条"
                continue
            try:
                if para:
                    art.paragraph(para)
                wording = [art.item(i, para or 1) for i in items]
            except KeyError:
                where = f"第{para or 1}款" + (f"第{items}项" if items else "")
                problem = problem or f"《{LAWS[law].title_zh}》第{n}条没有{where}"
                continue
            described = paren and not _EDITION.match(paren) and not paren.startswith(_NOT_WORDS)
            if wording and described and not any(_normal(paren) in _normal(w) for w in wording):
                problem = problem or f"第{items[0]}项是“{wording[0]}”，不是“{paren}”"
        out.append(Cited(m.group(0), law, version, current, para, item, problem))
    return out
