"""The meeting laws as pure functions: every threshold against a brute-force count, at its bound."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xsim.rules import meetings as mt

COUNTS = st.integers(0, 2000)


def least(base: int, ok) -> int | None:
    """The least count in 0..base that ``ok`` accepts (brute force, the definition itself)."""
    return next((n for n in range(base + 1) if ok(n)), None)


@settings(max_examples=200, deadline=None)
@given(COUNTS, st.data())
def test_more_than_half_is_strict_and_never_met_on_zero(base, data):
    count = data.draw(st.integers(0, base))
    t = mt.more_than_half(count, base, mt.Citation("civil_code", "2020", 278, 2))
    assert t.met == (base > 0 and Fraction(count) > Fraction(base, 2))
    if base > 0:
        assert t.need == least(base, lambda n: 2 * n > base)


@settings(max_examples=200, deadline=None)
@given(COUNTS, st.data(), st.sampled_from([(2, 3), (3, 4)]))
def test_at_least_includes_the_bound_and_is_never_met_on_zero(base, data, share):
    num, den = share
    count = data.draw(st.integers(0, base))
    t = mt.at_least(count, base, num, den, mt.Citation("civil_code", "2020", 278, 2))
    assert t.met == (base > 0 and Fraction(count) >= Fraction(base * num, den))
    if base > 0:
        assert t.need == least(base, lambda n: n * den >= base * num)


@pytest.mark.parametrize(
    ("fn", "args", "met"),
    [
        (mt.villagers_meeting_quorum, ("2025", 980, 491), True),
        (mt.villagers_meeting_quorum, ("2025", 980, 490), False),
        (mt.villagers_meeting_quorum, ("2018", 980, 490, 330, 220), True),
        (mt.villagers_meeting_quorum, ("2018", 980, 490, 330, 219), False),
        (mt.villagers_meeting_majority, ("2025", 30, 16), True),
        (mt.villagers_meeting_majority, ("2025", 30, 15), False),
        (mt.village_representatives_quorum, ("2025", 27, 18), True),
        (mt.village_representatives_quorum, ("2025", 27, 17), False),
        (mt.villager_group_meeting_quorum, ("2025", 30, 20), True),
        (mt.villager_group_meeting_quorum, ("2025", 30, 19), False),
        (mt.villager_group_meeting_quorum, ("2025", 30, 19, 12, 8), True),
        (mt.villager_group_meeting_majority, ("2025", 20, 11), True),
        (mt.villager_group_meeting_majority, ("2025", 20, 10), False),
        (mt.residents_meeting_quorum, ("2018", 400, 201), True),
        # 2018 art. 9 paras. 2–3: a meeting of household representatives, more than half present
        (mt.residents_meeting_quorum, ("2018", 400, 200, 160, 81), True),
        (mt.residents_meeting_quorum, ("2018", 400, 200, 160, 80), False),
        (mt.residents_meeting_quorum, ("2025", 400, 200, 160, 81), True),
        (mt.residents_meeting_quorum, ("2025", 400, 200, 160, 80), False),
        (mt.residents_meeting_majority, ("2025", 201, 101), True),
        (mt.residents_meeting_majority, ("2025", 201, 100), False),
        (mt.residents_representatives_quorum, (27, 18), True),
        (mt.residents_representatives_quorum, (27, 17), False),
        (mt.residents_representatives_majority, (18, 10), True),
        (mt.residents_representatives_majority, (18, 9), False),
        (mt.owners_meeting_quorum, (36, 24, 3000.0, 2000.0), True),
        (mt.owners_meeting_quorum, (36, 23, 3000.0, 2000.0), False),
        (mt.owners_meeting_quorum, (36, 24, 0.9, 0.6), True),  # exactly 2/3 in decimals
        (mt.owners_meeting_quorum, (36, 24, 3000.0, 1999.9), False),
        (mt.owners_meeting_majority, ("special", 40, 30, 2700.0, 2025.0), True),
        (mt.owners_meeting_majority, ("special", 40, 29, 2700.0, 2025.0), False),
        (mt.owners_meeting_majority, ("special", 40, 30, 2700.0, 2024.9), False),
        (mt.owners_meeting_majority, ("ordinary", 40, 21, 2000.0, 1000.1), True),
        (mt.owners_meeting_majority, ("ordinary", 40, 20, 2000.0, 1000.1), False),
        (mt.owners_meeting_majority, ("ordinary", 40, 21, 2000.0, 1000.0), False),
        (mt.members_meeting_quorum, (900, 600), True),
        (mt.members_meeting_quorum, (900, 599), False),
        (mt.members_meeting_majority, (900, 600), True),
        (mt.members_meeting_majority, (900, 599), False),
        (mt.members_representatives_majority, (30, 20), True),
        (mt.members_representatives_majority, (30, 19), False),
        (mt.members_meeting_quorum, (0, 0), False),
        (mt.owners_meeting_quorum, (0, 0, 0.0, 0.0), False),
        (mt.owners_meeting_majority, ("special", 0, 0, 0.0, 0.0), False),
        (mt.village_representatives_quorum, ("2025", 0, 0), False),
        (mt.villagers_meeting_quorum, ("2025", 0, 0), False),
    ],
)
def test_each_body_at_its_bound(fn, args, met):
    assert fn(*args).met is met


@pytest.mark.parametrize(
    ("judgement", "cited"),
    [
        (mt.villagers_meeting_quorum("2018", 9, 5), "《村民委员会组织法》第二十二条（2018年修正）"),
        (
            mt.villagers_meeting_quorum("2025", 9, 5),
            "《村民委员会组织法》第二十六条第一款（2025年修正）",
        ),
        (
            mt.village_representatives_quorum("2018", 9, 6),
            "《村民委员会组织法》第二十六条第二款（2018年修正）",
        ),
        (
            mt.village_representatives_quorum("2025", 9, 6),
            "《村民委员会组织法》第三十条第二款（2025年修正）",
        ),
        (
            mt.villager_group_meeting_quorum("2025", 9, 6),
            "《村民委员会组织法》第三十二条第二款（2025年修正）",
        ),
        (
            mt.residents_meeting_quorum("2018", 9, 5),
            "《城市居民委员会组织法》第九条第三款（2018年修正）",
        ),
        (
            mt.residents_meeting_quorum("2025", 9, 5),
            "《城市居民委员会组织法》第二十七条（2025年修订）",
        ),
        (mt.owners_meeting_quorum(9, 6, 9.0, 6.0), "《民法典》第二百七十八条第二款"),
        (mt.members_meeting_quorum(9, 6), "《农村集体经济组织法》第二十七条第一款"),
        (mt.members_meeting_majority(9, 6), "《农村集体经济组织法》第二十七条第三款"),
        (mt.members_representatives_majority(9, 6), "《农村集体经济组织法》第二十八条第五款"),
    ],
)
def test_each_result_names_law_version_and_article(judgement, cited):
    assert judgement.citation.zh() == cited
    assert judgement.citation.quote()  # the article (paragraph) exists in the pinned text


def test_the_cited_paragraph_carries_the_threshold():
    assert "三分之二以上同意" in mt.members_meeting_majority(9, 6).citation.quote()
    assert (
        "三分之二以上的组成人员" in mt.village_representatives_quorum("2025", 9, 6).citation.quote()
    )
    assert "过半数参加" in mt.residents_meeting_quorum("2025", 9, 5).citation.quote()
    assert "四分之三以上" in mt.owners_meeting_majority("special", 9, 7, 9.0, 7.0).citation.quote()


def test_notice():
    assert mt.residents_meeting_notice("2018") is None
    n = mt.residents_meeting_notice("2025")
    assert (n.days, n.urgent_allowed) == (10, True) and "临时通知" in n.citation.quote()
    old = mt.villagers_meeting_notice("2018")
    assert (old.days, old.urgent_allowed) == (10, False) and "十天" in old.citation.quote()
    assert mt.villagers_meeting_notice("2025").urgent_allowed
    m = mt.members_meeting_notice()
    assert (m.days, m.urgent_allowed) == (10, False) and "十日前" in m.citation.quote()


def test_non_delegable_matters_are_items_1_3_8_10_12():
    items = {mt.COLLECTIVE_MATTER_ITEMS[m] for m in mt.NON_DELEGABLE_COLLECTIVE_MATTERS}
    assert items == {1, 3, 8, 10, 12}
    para4 = mt.Citation("rural_collective_economic_organizations", "2024", 28, 4).quote()
    assert "第一项、第三项、第八项、第十项、第十二项" in para4


@pytest.mark.parametrize(
    ("matter", "words"),
    [
        ("charter", "章程"),
        ("membership", "确认农村集体经济组织成员"),
        ("contracting_homestead", "宅基地使用"),
        ("income_distribution", "收益分配方案"),
        ("land_compensation", "土地补偿费"),
        ("investment", "投资"),
        ("merger", "合并、分立"),
    ],
)
def test_collective_matters_name_the_right_items_of_art_26(matter, words):
    from xsim import law

    item = mt.COLLECTIVE_MATTER_ITEMS[matter]
    assert words in law.quote_item("rural_collective_economic_organizations", "2024", 26, item)


def test_collective_matters_are_the_vocabularys():
    from xsim import vocabulary as V

    assert set(mt.COLLECTIVE_MATTER_ITEMS) == set(V.COLLECTIVE_MATTERS)
