"""The meeting laws as pure functions: notice, quorum and majority of every deciding body.

One implementation of each threshold, shared by the rules engine and the model. Exact integer and
:class:`fractions.Fraction` arithmetic by cross-multiplying, never floats: "三分之二以上" means
``count * 3 >= base * 2`` (the bound itself passes), "过半数" means ``count * 2 > base`` (strictly more
than half). A meeting whose base is 0 (no members, nobody present, no area) never meets a threshold:
nobody can decide for nobody, so a zero-member meeting is judged as having no quorum.

Each function takes the law version (``"2010"`` / ``"2018"`` / ``"2025"`` for the villagers'
committees law, ``"2018"`` / ``"2025"`` for the urban one; the other laws have
one text) and returns a :class:`Test` (one threshold) or a :class:`Judgement` (several, combined with
"or" — any route suffices — or "and"), each naming the law, version and article it applies.

Bodies: villagers' meeting (村民会议), villagers' representatives' meeting (村民代表会议), villager-group
meeting (村民小组会议), residents' meeting (居民会议, 2018 and 2025), residents' representatives'
meeting (居民代表会议, 2025), owners' meeting (业主大会, 民法典 art. 278), members' meeting and members'
representatives' meeting of a rural collective economic organization (成员大会 / 成员代表大会,
农村集体经济组织法 arts. 26–28).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor
from typing import Literal

from xsim import law

__all__ = [
    "Citation",
    "Test",
    "Judgement",
    "Notice",
    "at_least",
    "more_than_half",
    "villagers_meeting_notice",
    "villagers_meeting_quorum",
    "villagers_meeting_majority",
    "village_representatives_quorum",
    "village_representatives_majority",
    "villager_group_meeting_quorum",
    "villager_group_meeting_majority",
    "residents_meeting_notice",
    "residents_meeting_quorum",
    "residents_meeting_majority",
    "residents_representatives_quorum",
    "residents_representatives_majority",
    "owners_meeting_notice",
    "owners_meeting_quorum",
    "owners_meeting_majority",
    "owners_meeting_majority_2007",
    "CIVIL_ITEM_TO_2007_MATTER",
    "members_meeting_notice",
    "members_meeting_quorum",
    "members_meeting_majority",
    "members_representatives_majority",
    "NON_DELEGABLE_COLLECTIVE_MATTERS",
    "COLLECTIVE_MATTER_ITEMS",
    "village_cite",
]

Number = int | Fraction

VILLAGE = "villagers_committees"
URBAN = "urban_residents_committees"
COLLECTIVE = "rural_collective_economic_organizations"
CIVIL = "civil_code"

# collective_matter value -> item of 农村集体经济组织法 art. 26 para. 1 (None: not an enumerated item)
COLLECTIVE_MATTER_ITEMS: dict[str, int | None] = {
    "charter": 1,
    "membership": 3,
    "contracting_homestead": 8,
    "income_distribution": 7,
    "land_compensation": 10,
    "investment": 11,
    "merger": 12,
    "other": None,
}
# Art. 28 para. 4: the members' representatives' meeting may not exercise items 1, 3, 8, 10, 12.
NON_DELEGABLE_COLLECTIVE_MATTERS = frozenset(
    m for m, item in COLLECTIVE_MATTER_ITEMS.items() if item in (1, 3, 8, 10, 12)
)


@dataclass(frozen=True)
class Citation:
    """Law, version, article (and paragraph) a threshold comes from; renders via :mod:`xsim.law`."""

    law: str
    version: str
    article: int
    paragraph: int | None = None

    def zh(self) -> str:
        return law.cite(self.law, self.article, self.version, paragraph=self.paragraph)

    def en(self) -> str:
        return law.cite(self.law, self.article, self.version, paragraph=self.paragraph, lang="en")

    def quote(self) -> str:
        return law.quote(self.law, self.version, self.article, self.paragraph)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"law": self.law, "version": self.version, "article": self.article}
        if self.paragraph is not None:
            out["paragraph"] = self.paragraph
        return out


@dataclass(frozen=True)
class Test:
    """One threshold: is ``count`` (of ``base``) enough? ``need`` is the least count that is."""

    met: bool
    count: Number
    base: Number
    need: Number
    share_zh: str  # "过半数", "三分之二以上"
    share_en: str  # "more than half", "at least 2/3"
    citation: Citation


@dataclass(frozen=True)
class Judgement:
    """Several thresholds combined: ``any`` (one route suffices) or ``all`` (every one is needed)."""

    met: bool
    tests: tuple[Test, ...]
    combine: Literal["any", "all"]

    @property
    def failed(self) -> tuple[Test, ...]:
        return tuple(t for t in self.tests if not t.met)

    @property
    def citation(self) -> Citation:
        return self.tests[0].citation


@dataclass(frozen=True)
class Notice:
    """How long before a meeting its members must be told, and whether 临时通知 is allowed."""

    days: int
    urgent_allowed: bool
    citation: Citation


def _exact(x: Number | float) -> Number:
    # Areas are decimals as written (9800.5 m²); str() gives the shortest decimal, exactly.
    return Fraction(str(x)) if isinstance(x, float) else x


def at_least(
    count: Number | float, base: Number | float, num: int, den: int, cite: Citation
) -> Test:
    """``count ≥ num/den × base`` ("以上": the bound itself passes); never met when base is 0."""
    count, base = _exact(count), _exact(base)
    need = Fraction(base * num, den)
    need = ceil(need) if isinstance(base, int) else need
    share = {(2, 3): ("三分之二以上", "at least 2/3"), (3, 4): ("四分之三以上", "at least 3/4")}
    zh, en = share.get((num, den), (f"{den}分之{num}以上", f"at least {num}/{den}"))
    return Test(base > 0 and count * den >= base * num, count, base, need, zh, en, cite)


def more_than_half(count: Number | float, base: Number | float, cite: Citation) -> Test:
    """``count > base / 2`` ("过半数": exactly half fails); never met when base is 0."""
    count, base = _exact(count), _exact(base)
    need: Number = floor(base / 2) + 1 if isinstance(base, int) else Fraction(base, 2)
    return Test(base > 0 and count * 2 > base, count, base, need, "过半数", "more than half", cite)


def _one(test: Test) -> Judgement:
    return Judgement(test.met, (test,), "all")


def _any(*tests: Test) -> Judgement:
    return Judgement(any(t.met for t in tests), tests, "any")


def _all(*tests: Test) -> Judgement:
    return Judgement(all(t.met for t in tests), tests, "all")


def village_cite(
    version: str, old: int, new: int, para_old: int | None = None, para_new: int | None = None
) -> Citation:
    """An article of the villagers' committees law in ``version``: the 2010 and 2018 texts share
    their numbering (``old``), the 2025 text renumbered it (``new``)."""
    if version == "2025":
        return Citation(VILLAGE, "2025", new, para_new)
    return Citation(VILLAGE, version, old, para_old)


_village = village_cite


# --- villages -----------------------------------------------------------------------------------


def villagers_meeting_notice(version: str) -> Notice:
    """10 days (2018 art. 21, 2025 art. 25); from 2026 "遇有特殊情况的，可以临时通知"."""
    return Notice(10, version == "2025", _village(version, 21, 25, 2, 2))


def villagers_meeting_quorum(
    version: str,
    adults: int,
    present: int,
    households: int | None = None,
    households_present: int | None = None,
) -> Judgement:
    """More than half of adult villagers, or representatives of ≥ 2/3 of households (2018 art. 22,
    2025 art. 26): either route suffices."""
    cite = _village(version, 22, 26, None, 1)
    tests = [more_than_half(present, adults, cite)]
    if households is not None and households_present is not None:
        tests.append(at_least(households_present, households, 2, 3, cite))
    return _any(*tests)


def villagers_meeting_majority(version: str, present: int, yes: int) -> Judgement:
    """More than half of those present (2018 art. 22, 2025 art. 26)."""
    return _one(more_than_half(yes, present, _village(version, 22, 26, None, 1)))


def village_representatives_quorum(version: str, members: int, present: int) -> Judgement:
    """≥ 2/3 of the members present (2018 art. 26, 2025 art. 30 para. 2)."""
    return _one(at_least(present, members, 2, 3, _village(version, 26, 30, 2, 2)))


def village_representatives_majority(version: str, present: int, yes: int) -> Judgement:
    """More than half of those present (2018 art. 26, 2025 art. 30 para. 2)."""
    return _one(more_than_half(yes, present, _village(version, 26, 30, 2, 2)))


def villager_group_meeting_quorum(
    version: str,
    adults: int,
    present: int,
    households: int | None = None,
    households_present: int | None = None,
) -> Judgement:
    """≥ 2/3 of the group's adults, or representatives of ≥ 2/3 of its households (2018 art. 28,
    2025 art. 32 para. 2)."""
    cite = _village(version, 28, 32, 1, 2)
    tests = [at_least(present, adults, 2, 3, cite)]
    if households is not None and households_present is not None:
        tests.append(at_least(households_present, households, 2, 3, cite))
    return _any(*tests)


def villager_group_meeting_majority(version: str, present: int, yes: int) -> Judgement:
    """More than half of those present (2018 art. 28, 2025 art. 32 para. 2)."""
    return _one(more_than_half(yes, present, _village(version, 28, 32, 1, 2)))


# --- urban communities ----------------------------------------------------------------------------


def residents_meeting_notice(version: str) -> Notice | None:
    """2025 art. 26: 10 days, 临时通知 allowed in special circumstances; the 2018 law set none."""
    if version == "2018":
        return None
    return Notice(10, True, Citation(URBAN, "2025", 26, 2))


def residents_meeting_quorum(
    version: str,
    members: int,
    present: int,
    households: int | None = None,
    households_present: int | None = None,
) -> Judgement:
    """2018 art. 9 paras. 2–3: the meeting is formed by all adult residents, by a representative
    of each household or by the groups' elected representatives, and needs more than half of
    them present — with household numbers, more than half of the households represented is a
    route of its own. 2025 art. 27: more than half of adult residents **or** of household
    representatives (either route)."""
    cite = Citation(URBAN, "2018", 9, 3) if version == "2018" else Citation(URBAN, "2025", 27)
    tests = [more_than_half(present, members, cite)]
    if households is not None and households_present is not None:
        tests.append(more_than_half(households_present, households, cite))
    return _any(*tests)


def residents_meeting_majority(version: str, present: int, yes: int) -> Judgement:
    """More than half of those present (2018 art. 9, 2025 art. 27)."""
    cite = Citation(URBAN, "2018", 9, 3) if version == "2018" else Citation(URBAN, "2025", 27)
    return _one(more_than_half(yes, present, cite))


def residents_representatives_quorum(members: int, present: int) -> Judgement:
    """≥ 2/3 of the members (urban law 2025 art. 29; the 2018 law had no such body)."""
    return _one(at_least(present, members, 2, 3, Citation(URBAN, "2025", 29)))


def residents_representatives_majority(present: int, yes: int) -> Judgement:
    """More than half of the members present (urban law 2025 art. 29)."""
    return _one(more_than_half(yes, present, Citation(URBAN, "2025", 29)))


# --- owners -------------------------------------------------------------------------------------


def owners_meeting_notice() -> Notice:
    """All owners are told 15 days before an owners' meeting (物业管理条例 art. 14 para. 1)."""
    return Notice(15, False, Citation("property_management_regulations", "2018", 14, 1))


def owners_meeting_majority_2007(
    matter: Literal["special", "ordinary"],
    owners: int,
    yes: int,
    area_total: float | Fraction,
    area_yes: float | Fraction,
) -> Judgement:
    """物权法 art. 76 para. 2 (decisions before 2021-01-01): 筹集和使用维修资金 and 改建、重建
    (``special``) need owners holding ≥ 2/3 of the **total** area and ≥ 2/3 of **all** owners;
    other matters more than half of both — of all owners, not of those voting."""
    cite = Citation("property_law", "2007", 76, 2)
    if matter == "special":
        return _all(at_least(area_yes, area_total, 2, 3, cite), at_least(yes, owners, 2, 3, cite))
    return _all(more_than_half(area_yes, area_total, cite), more_than_half(yes, owners, cite))


# 民法典 art. 278 para. 1 item -> 物权法 art. 76 para. 1 matter (items 5 and 6 of art. 76 —
# 筹集和使用维修资金, 改建、重建 — are the special ones; 改变共有部分用途 was an "other" matter).
CIVIL_ITEM_TO_2007_MATTER: dict[int, str] = {
    1: "ordinary",
    2: "ordinary",
    3: "ordinary",
    4: "ordinary",
    5: "special",
    6: "special",
    7: "special",
    8: "ordinary",
    9: "ordinary",
}


def owners_meeting_quorum(
    owners: int, voting: int, area_total: float | Fraction, area_voting: float | Fraction
) -> Judgement:
    """Owners holding ≥ 2/3 of the exclusive area **and** ≥ 2/3 of the owners vote (民法典 art. 278
    para. 2)."""
    cite = Citation(CIVIL, "2020", 278, 2)
    return _all(at_least(area_voting, area_total, 2, 3, cite), at_least(voting, owners, 2, 3, cite))


def owners_meeting_majority(
    matter: Literal["special", "ordinary"],
    voting: int,
    yes: int,
    area_voting: float | Fraction,
    area_yes: float | Fraction,
) -> Judgement:
    """Items 6–8 (``special``): ≥ 3/4 of the voting owners and of the voting area; other matters:
    more than half of both (民法典 art. 278 para. 2)."""
    cite = Citation(CIVIL, "2020", 278, 2)
    if matter == "special":
        return _all(at_least(yes, voting, 3, 4, cite), at_least(area_yes, area_voting, 3, 4, cite))
    return _all(more_than_half(yes, voting, cite), more_than_half(area_yes, area_voting, cite))


# --- rural collective economic organizations -----------------------------------------------------


def members_meeting_notice() -> Notice:
    """Members are told time, place and matters 10 days before (农村集体经济组织法 art. 27 para. 1);
    the law allows no short notice."""
    return Notice(10, False, Citation(COLLECTIVE, "2024", 27, 1))


def members_meeting_quorum(members: int, present: int) -> Judgement:
    """≥ 2/3 of the members (with full capacity) take part (art. 27 para. 1)."""
    return _one(at_least(present, members, 2, 3, Citation(COLLECTIVE, "2024", 27, 1)))


def members_meeting_majority(members: int, yes: int) -> Judgement:
    """Approval by ≥ 2/3 of **all** members, not of those present (art. 27 para. 3)."""
    return _one(at_least(yes, members, 2, 3, Citation(COLLECTIVE, "2024", 27, 3)))


def members_representatives_majority(representatives: int, yes: int) -> Judgement:
    """Approval by ≥ 2/3 of all members' representatives (art. 28 para. 5)."""
    return _one(at_least(yes, representatives, 2, 3, Citation(COLLECTIVE, "2024", 28, 5)))
