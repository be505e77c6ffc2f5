"""The law as versioned data: the copies are the official texts, articles parse, citations read right."""

import datetime as dt
import hashlib
from importlib import resources
from pathlib import Path

import pytest
from shared_copies import check_copy

from xsim import law

LAW_DIR = resources.files("xsim.data").joinpath("law")


def _pinned() -> dict[str, str]:
    rows = LAW_DIR.joinpath("SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (row.split() for row in rows if row.strip())}


def test_copies_match_their_pinned_digests():
    pinned = _pinned()
    for version in (v for entry in law.LAWS.values() for v in entry.versions):
        assert version.file in pinned, f"{version.file} not pinned in SHA256SUMS"
    for name, digest in pinned.items():
        data = LAW_DIR.joinpath(name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"{name} differs from its pinned text"
    # Each law text is the steering text it copies (recorded digests; ../shared too when beside):
    # this asserts in a clean clone as well. The README and the derived texts are the kit's own.
    for name in pinned:
        if name not in DERIVED and name != "README.md":
            check_copy(Path(str(LAW_DIR.joinpath(name))), f"law/{name}")


# Texts the kit derives from official ones (README "Derived texts" says how).
DERIVED = {
    "villagers-committees-organic-law-2010.md",
    "civil-code-supplementary-provisions.md",
    "women-rights-protection-law-2018-arts32-33.md",
}


def test_the_2010_village_text_is_the_2018_one_but_for_the_amended_paragraph():
    """The 2018 amendment decision changed art. 11 para. 2 only (三年 → 五年)."""
    for number in range(1, 42):
        old = law.article("villagers_committees", "2010", number)
        new = law.article("villagers_committees", "2018", number)
        if number == 11:
            assert old.paragraph(2).replace("三年", "五年") == new.paragraph(2)
            assert old.paragraph(1) == new.paragraph(1)
        else:
            assert old.paragraphs == new.paragraphs, number
    readme = LAW_DIR.joinpath("README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in DERIVED)


@pytest.mark.parametrize(
    ("key", "version", "count"),
    [
        ("villagers_committees", "2010", 41),
        ("villagers_committees", "2018", 41),
        ("villagers_committees", "2025", 50),
        ("urban_residents_committees", "2018", 23),
        ("urban_residents_committees", "2025", 50),
        ("rural_collective_economic_organizations", "2024", 67),
    ],
)
def test_every_article_is_found_in_order(key, version, count):
    numbers = sorted(law._articles(key, version))
    assert numbers == list(range(1, count + 1))


def test_known_wording():
    assert law.quote("urban_residents_committees", "2025", 27) == (
        "居民会议应当有全体十八周岁以上的本社区居民或者户的代表的过半数参加。"
        "居民会议所作决定，应当经到会人员的过半数通过。"
    )
    para1 = law.quote("civil_code", "2020", 278, paragraph=1)
    assert para1.startswith("下列事项由业主共同决定：\n（一）制定和修改业主大会议事规则；")
    assert para1.endswith("（九）有关共有和共同管理权利的其他重大事项。")
    assert law.quote("civil_code", "2020", 278, paragraph=2).startswith("业主共同决定事项，应当由")
    assert law.quote_item("civil_code", "2020", 278, 7) == "（七）改建、重建建筑物及其附属设施；"
    assert "临时通知" in law.quote("villagers_committees", "2025", 25)
    assert "临时通知" not in law.quote("villagers_committees", "2018", 21)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (26, "二十六"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (278, "二百七十八"),
    ],
)
def test_chinese_numerals_round_trip(n, text):
    assert law.chinese_numeral(n) == text
    assert law.parse_chinese_numeral(text) == n


def test_version_in_force_switches_on_new_year_2026():
    key = "villagers_committees"
    assert law.version_in_force(key, dt.date(2025, 12, 31)) == "2018"
    assert law.version_in_force(key, dt.date(2026, 1, 1)) == "2025"


def test_citations():
    assert law.cite("villagers_committees", 26) == "《村民委员会组织法》第二十六条（2025年修正）"
    assert law.cite("villagers_committees", 22, on=dt.date(2025, 6, 1)) == (
        "《村民委员会组织法》第二十二条（2018年修正）"
    )
    assert (
        law.cite("rural_collective_economic_organizations", 27)
        == "《农村集体经济组织法》第二十七条"
    )
    assert law.cite("civil_code", 278, paragraph=1) == "《民法典》第二百七十八条第一款"
    assert law.cite("villagers_committees", 26, lang="en") == (
        "Organic Law of the Villagers' Committees (2025 amendment), art. 26"
    )
    with pytest.raises(KeyError):
        law.cite("villagers_committees", 99)


def test_laws_in_force_on_a_date():
    before = law.laws_in_force(dt.date(2025, 4, 30))
    assert "rural_collective_economic_organizations" not in before
    assert before["villagers_committees"] == "2018"
    after = law.laws_in_force(dt.date(2026, 1, 1))
    assert after["villagers_committees"] == after["urban_residents_committees"] == "2025"
    assert after["rural_collective_economic_organizations"] == "2024"


def test_paragraphs_count_as_lawyers_do_items_belong_to_their_paragraph():
    art = law.article("rural_collective_economic_organizations", "2024", 28)
    assert art.paragraph(4).startswith("成员代表大会按照农村集体经济组织章程规定行使")
    assert art.paragraph(5).startswith("成员代表大会实行一人一票")
    assert law.quote_item("rural_collective_economic_organizations", "2024", 26, 10) == (
        "（十）决定土地补偿费等的分配、使用办法；"
    )
    assert (
        law.cite("civil_code", 278, paragraph=1, item=7) == "《民法典》第二百七十八条第一款第七项"
    )
    with pytest.raises(KeyError):
        art.paragraph(6)


def test_a_title_inside_a_title_uses_inner_brackets():
    assert law.cite("chongqing_villagers_committees_measures", 7) == (
        "《重庆市实施〈中华人民共和国村民委员会组织法〉办法》第七条（2013年修订）"
    )
