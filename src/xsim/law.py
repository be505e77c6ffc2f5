"""The law as versioned data: official texts keyed by law, version and article.

The texts live in ``src/xsim/data/law/*.md`` (copies of the official texts, public documents under
Copyright Law art. 5; ``SHA256SUMS`` pins them). An article is every paragraph from a line starting
``第N条`` up to the next article or heading. Every excerpt the kit quotes is taken from here, so a
quote can never drift from the gazette text; citations are built here too, in Chinese for trainees
(《村民委员会组织法》第二十六条（2025年修正）) and in English only on request.

Light module: standard library only (the ``xsim check`` path imports it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = [
    "LAWS",
    "Law",
    "LawVersion",
    "Article",
    "article",
    "quote",
    "cite",
    "version_in_force",
    "laws_in_force",
    "earliest_held",
    "quote_item",
    "chinese_numeral",
    "parse_chinese_numeral",
]


@dataclass(frozen=True)
class LawVersion:
    """One text of a law: its file, the edition label used in citations, and when it was in force."""

    key: str  # "2018", "2025", …
    file: str
    edition_zh: str | None  # "2025年修正"; None for a law never amended
    edition_en: str | None
    in_force_from: dt.date
    in_force_until: dt.date | None = None  # last day in force; None = current
    more_files: tuple[str, ...] = ()  # further parts of the same text (e.g. a code's 附则)


@dataclass(frozen=True)
class Law:
    key: str
    title_zh: str  # short title, as cited: 村民委员会组织法
    title_en: str
    versions: tuple[LawVersion, ...]
    first_text_held: bool = False  # the earliest version held is the law's first: before it, no law

    @property
    def earliest(self) -> LawVersion:
        return min(self.versions, key=lambda v: v.in_force_from)

    def held_on(self, on: dt.date) -> bool:
        """Does the kit hold the text of this law in force on ``on``? False before the earliest
        text held when an earlier text existed (the kit never judges an earlier fact by a later
        text); a day before a law first came into force is simply outside it."""
        return not (on < self.earliest.in_force_from and not self.first_text_held)

    def version(self, key: str) -> LawVersion:
        for v in self.versions:
            if v.key == key:
                return v
        raise KeyError(
            f"{self.key} has no version {key!r}; known: {[v.key for v in self.versions]}"
        )


_D = dt.date

LAWS: dict[str, Law] = {
    law.key: law
    for law in (
        Law(
            "villagers_committees",
            "村民委员会组织法",
            "Organic Law of the Villagers' Committees",
            (
                LawVersion(
                    "2010",
                    "villagers-committees-organic-law-2010.md",
                    "2010年修订",
                    "2010 revision",
                    _D(2010, 10, 28),
                    _D(2018, 12, 28),
                ),
                LawVersion(
                    "2018",
                    "villagers-committees-organic-law-2018.md",
                    "2018年修正",
                    "2018 amendment",
                    _D(2018, 12, 29),
                    _D(2025, 12, 31),
                ),
                LawVersion(
                    "2025",
                    "villagers-committees-organic-law-2025.md",
                    "2025年修正",
                    "2025 amendment",
                    _D(2026, 1, 1),
                ),
            ),
        ),
        Law(
            "urban_residents_committees",
            "城市居民委员会组织法",
            "Organic Law of the Urban Residents' Committees",
            (
                LawVersion(
                    "2018",
                    "urban-residents-committees-organic-law-2018.md",
                    "2018年修正",
                    "2018 amendment",
                    _D(2018, 12, 29),
                    _D(2025, 12, 31),
                ),
                LawVersion(
                    "2025",
                    "urban-residents-committees-organic-law-2025.md",
                    "2025年修订",
                    "2025 revision",
                    _D(2026, 1, 1),
                ),
            ),
        ),
        Law(
            "rural_collective_economic_organizations",
            "农村集体经济组织法",
            "Law on Rural Collective Economic Organizations",
            (
                LawVersion(
                    "2024",
                    "rural-collective-economic-organizations-law-2024.md",
                    None,
                    None,
                    _D(2025, 5, 1),
                ),
            ),
            first_text_held=True,
        ),
        Law(
            "women_rights_protection",
            "妇女权益保障法",
            "Law on the Protection of Women's Rights and Interests",
            (
                LawVersion(
                    "2018",
                    "women-rights-protection-law-2018-arts32-33.md",
                    "2018年修正",
                    "2018 amendment",
                    _D(2018, 10, 26),
                    _D(2022, 12, 31),
                ),
                LawVersion(
                    "2022",
                    "women-rights-protection-law-2022.md",
                    "2022年修订",
                    "2022 revision",
                    _D(2023, 1, 1),
                ),
            ),
        ),
        Law(
            "civil_code",
            "民法典",
            "Civil Code",
            (
                LawVersion(
                    "2020",
                    "civil-code-book2-property.md",
                    None,
                    None,
                    _D(2021, 1, 1),
                    more_files=("civil-code-supplementary-provisions.md",),
                ),
            ),
            first_text_held=True,
        ),
        Law(
            "property_law",
            "物权法",
            "Property Law",
            (
                LawVersion(
                    "2007",
                    "property-law-2007-art76.md",
                    None,
                    None,
                    _D(2007, 10, 1),
                    _D(2020, 12, 31),
                ),
            ),
            first_text_held=True,
        ),
        Law(
            "property_management_regulations",
            "物业管理条例",
            "Property Management Regulations",
            (
                LawVersion(
                    "2018",
                    "property-management-regulations-2018.md",
                    "2018年修订",
                    "2018 revision",
                    _D(2018, 3, 19),
                ),
            ),
        ),
        Law(
            "chongqing_villagers_committees_measures",
            "重庆市实施〈中华人民共和国村民委员会组织法〉办法",
            "Chongqing Measures implementing the Organic Law of the Villagers' Committees",
            (
                LawVersion(
                    "2013",
                    "chongqing-villagers-committees-measures-2013.md",
                    "2013年修订",
                    "2013 revision",
                    _D(2013, 11, 1),
                ),
            ),
        ),
    )
}

# --- Chinese numerals ---------------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 26 → 二十六, 105 → 一百零五, 278 → 二百七十八, 1259 → 一千二百五十九 (as
    article numbers are written)."""
    if not 0 < n < 10000:
        raise ValueError(f"article number out of range: {n}")
    thousands, rest = divmod(n, 1000)
    out = ""
    if thousands:
        out += _DIGITS[thousands] + "千"
        if rest and rest < 100:
            out += "零"
    if rest:
        out += _below_thousand(rest, after_higher=bool(thousands))
    return out


def _below_thousand(n: int, after_higher: bool = False) -> str:
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if (tens == 1 and not hundreds and not after_higher) else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


def parse_chinese_numeral(text: str) -> int:
    """Inverse of :func:`chinese_numeral`."""
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS.index(ch)
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += current * 100
            current = 0
        elif ch == "千":
            total += current * 1000
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


# --- articles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Article:
    law: str
    version: str
    number: int
    paragraphs: tuple[str, ...]  # the first starts with "第N条 " as in the official text

    @property
    def text(self) -> str:
        """The whole article, paragraphs joined by newlines, without the leading 第N条 label."""
        first = self.paragraphs[0].split(" ", 1)[1] if " " in self.paragraphs[0] else ""
        return "\n".join((first, *self.paragraphs[1:])).strip()

    def _kuan(self) -> list[list[str]]:
        """The article's paragraphs (款) as lawyers count them: a line ``（一）…`` is an item (项)
        of the paragraph before it, not a paragraph of its own."""
        lines = list(self.paragraphs)
        first = lines[0].split(" ", 1)[1] if " " in lines[0] else ""
        lines[0] = first.strip()
        out: list[list[str]] = []
        for line in lines:
            if _ITEM_START.match(line) and out:
                out[-1].append(line)
            else:
                out.append([line])
        return out

    def paragraph(self, index: int) -> str:
        """Paragraph ``index`` (1-based, as lawyers count 款: its items （一）… belong to it, one per
        line), without the article label."""
        kuan = self._kuan()
        if not 1 <= index <= len(kuan):
            raise KeyError(
                f"{self.law} ({self.version}) art. {self.number} has no paragraph {index}"
            )
        return "\n".join(kuan[index - 1])

    def item(self, index: int, paragraph: int = 1) -> str:
        """Item ``index`` (项, 1-based) of ``paragraph``, as printed: （七）改建、重建建筑物……"""
        kuan = self._kuan()
        items = kuan[paragraph - 1][1:] if 1 <= paragraph <= len(kuan) else []
        if not 1 <= index <= len(items):
            raise KeyError(
                f"{self.law} ({self.version}) art. {self.number} para. {paragraph} has no item {index}"
            )
        return items[index - 1]


_ITEM_START = re.compile(r"^（[零一二三四五六七八九十]+）")


_ARTICLE_START = re.compile(r"^第([零一二三四五六七八九十百千]+)条[ 　]")


@cache
def _articles(law_key: str, version_key: str) -> dict[int, Article]:
    version = LAWS[law_key].version(version_key)
    folder = resources.files("xsim.data").joinpath("law")
    raw = "\n".join(
        folder.joinpath(name).read_text(encoding="utf-8")
        for name in (version.file, *version.more_files)
    )
    articles: dict[int, list[str]] = {}
    current: int | None = None
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#") or line.startswith("<!--"):
            current = None
            continue
        m = _ARTICLE_START.match(line)
        if m:
            current = parse_chinese_numeral(m.group(1))
            articles[current] = [line]
        elif current is not None:
            articles[current].append(line)
    return {n: Article(law_key, version_key, n, tuple(p)) for n, p in articles.items()}


def article(law: str, version: str, number: int) -> Article:
    """The article ``number`` of ``law`` in ``version``; KeyError naming what exists."""
    arts = _articles(law, version)
    if number not in arts:
        raise KeyError(f"{law} ({version}) has no article {number}")
    return arts[number]


def quote(law: str, version: str, number: int, paragraph: int | None = None) -> str:
    """The official wording of an article (or one paragraph of it)."""
    art = article(law, version, number)
    return art.text if paragraph is None else art.paragraph(paragraph)


def version_in_force(law: str, on: dt.date) -> str:
    """The version key of ``law`` in force on ``on``.

    Before a law's first version came into force there is no text to apply: the earliest version is
    returned only for laws the kit holds one text of (their date is then the caller's concern).
    """
    candidates = [
        v
        for v in LAWS[law].versions
        if v.in_force_from <= on and (v.in_force_until is None or on <= v.in_force_until)
    ]
    if candidates:
        return candidates[-1].key
    return LAWS[law].versions[0].key


def earliest_held(law: str) -> dt.date:
    """The first day of the earliest text of ``law`` the kit holds."""
    return LAWS[law].earliest.in_force_from


def quote_item(law: str, version: str, number: int, item: int, paragraph: int = 1) -> str:
    """The official wording of one item (项) of an article's paragraph."""
    return article(law, version, number).item(item, paragraph)


def laws_in_force(on: dt.date) -> dict[str, str]:
    """Every law the kit holds that is in force on ``on``, with the version in force that day."""
    out: dict[str, str] = {}
    for key, entry in LAWS.items():
        for v in entry.versions:
            if v.in_force_from <= on and (v.in_force_until is None or on <= v.in_force_until):
                out[key] = v.key
    return out


def cite(
    law: str,
    number: int,
    version: str | None = None,
    *,
    on: dt.date | None = None,
    paragraph: int | None = None,
    item: int | None = None,
    lang: str = "zh",
) -> str:
    """A citation: 《村民委员会组织法》第二十六条（2025年修正）, or in English on request.

    Give ``version`` or a date ``on`` (the version in force that day); with neither, the current text.
    """
    entry = LAWS[law]
    if version is None:
        version = version_in_force(law, on) if on is not None else entry.versions[-1].key
    v = entry.version(version)
    article(law, version, number)  # a citation of an article that does not exist is a bug
    if lang == "en":
        para = f" para. {paragraph}" if paragraph else ""
        para += f" item {item}" if item else ""
        edition = f" ({v.edition_en})" if v.edition_en else ""
        return f"{entry.title_en}{edition}, art. {number}{para}"
    para = f"第{chinese_numeral(paragraph)}款" if paragraph else ""
    para += f"第{chinese_numeral(item)}项" if item else ""
    edition = f"（{v.edition_zh}）" if v.edition_zh else ""
    return f"《{entry.title_zh}》第{chinese_numeral(number)}条{para}{edition}"
