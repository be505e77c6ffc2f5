"""The notice as data: every clause of the digest, with the exact Chinese original and a gloss."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from shared_copies import check_copy

import xsim
from xsim import law
from xsim.rules.clauses import CLAUSES

# Copies kept in the repository so that these tests run (and never skip) in a clean clone: the
# notice's text is package data (xsim/data/notice-zh.txt), the digest of clause ids a test fixture.
DATA = Path(__file__).resolve().parent / "data"
DIGEST = DATA / "notice-digest.md"
NOTICE = Path(xsim.__file__).parent / "data" / "notice-zh.txt"

# The digest's clause ids (§1.a … §6.4), fixed here so the test also runs on a user's install.
DIGEST_IDS = (
    [f"§1.{c}" for c in "abcdefgh"]
    + [f"§2.{c}" for c in "abcde"]
    + [f"§3.{c}" for c in "abcde"]
    + [f"§4.{n}" for n in range(1, 8)]
    + [f"§5.{n}" for n in range(1, 7)]
    + [f"§6.{n}" for n in range(1, 5)]
)
LAW_IDS = [
    "Organic Law art. 21",
    "Organic Law art. 22",
    "Organic Law art. 24",
    "Organic Law art. 26",
    "Organic Law art. 27",
    "Urban Organic Law art. 9",
    "Civil Code art. 278",
]


def test_every_digest_clause_and_law_article_is_present():
    missing = [cid for cid in DIGEST_IDS + LAW_IDS if cid not in CLAUSES]
    assert missing == []


def test_fixed_ids_match_the_digest():
    ids = re.findall(r"^- (§\d\.[a-z0-9]+) ", DIGEST.read_text(encoding="utf-8"), re.M)
    assert ids == DIGEST_IDS


@pytest.mark.parametrize("cid", DIGEST_IDS + LAW_IDS)
def test_clause_has_chinese_text_and_english_gloss(cid):
    c = CLAUSES[cid]
    assert re.search(r"[\u4e00-\u9fff]{6}", c.text_zh)
    assert re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", c.gloss_en)
    assert c.title_zh and c.source_zh
    assert c.is_law == (cid in LAW_IDS)


@pytest.mark.parametrize("cid", [cid for cid in CLAUSES if cid.startswith("§")])
def test_chinese_excerpt_is_verbatim_from_the_notice(cid):
    assert CLAUSES[cid].text_zh in NOTICE.read_text(encoding="utf-8")


def test_law_texts_carry_the_thresholds_the_rules_use():
    assert "提前十天通知" in CLAUSES["Organic Law art. 21"].text_zh
    assert "过半数" in CLAUSES["Organic Law art. 22"].text_zh
    assert "三分之二以上的户" in CLAUSES["Organic Law art. 22"].text_zh
    assert "三分之二以上的组成人员" in CLAUSES["Organic Law art. 26"].text_zh
    assert "四分之三以上" in CLAUSES["Civil Code art. 278"].text_zh
    assert "过半数出席" in CLAUSES["Urban Organic Law art. 9"].text_zh


def test_the_package_carries_its_own_copy():
    import xsim

    data = Path(xsim.__file__).parent / "data" / "notice.yaml"
    assert data.exists()


def test_the_copies_are_the_steering_texts():
    # The copies are the steering texts as recorded (tests/shared_copies.py): asserted in a clean
    # clone, and against ../shared itself when it is beside the project.
    check_copy(NOTICE, "seed/notice-zh.txt")
    check_copy(DIGEST, "spec/notice-digest.md")


@pytest.mark.parametrize("cid", LAW_IDS)
def test_law_clauses_are_quoted_from_xsim_law_not_written_by_hand(cid):
    c = CLAUSES[cid]
    assert c.text_zh == law.quote(c.law, c.version, c.article, c.paragraph)
    assert c.source_zh == law.cite(c.law, c.article, c.version, paragraph=c.paragraph)
    assert "text_zh" not in _yaml_law_entry(cid)


def _yaml_law_entry(cid: str) -> dict:
    import yaml

    data = yaml.safe_load((Path(xsim.__file__).parent / "data" / "notice.yaml").read_text("utf-8"))
    [entry] = [e for e in data["laws"] if e["id"] == cid]
    return entry


def test_law_clause_ids_resolve_through_xsim_law():
    c = CLAUSES["villagers_committees@2025 art. 25 para. 2"]
    assert c.is_law and "遇有特殊情况的，可以临时通知村民" in c.text_zh
    assert c.source_zh == "《村民委员会组织法》第二十五条第二款（2025年修正）"
    assert "villagers_committees@2025 art. 99" not in CLAUSES
    assert "nonsense@2025 art. 1" not in CLAUSES
    with pytest.raises(KeyError):
        CLAUSES["villagers_committees@2025 art. 99"]


def test_every_clause_a_rule_cites_resolves():
    from xsim.rules import RULES

    for r in RULES.values():
        for cid in (r.clause, *r.clauses):
            assert cid == "§1" or cid in CLAUSES, (r.code, cid)
