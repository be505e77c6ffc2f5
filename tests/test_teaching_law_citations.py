"""Every article, paragraph and item number the course cites — in lesson text, quizzes, exercise
data and the glossary — exists in the law text it names (xsim.law, the project's own copy), in
the version it names, and an item's description in parentheses is that item's own words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xsim.io import load_yaml_file
from xsim.teaching.citations import check_citations
from xsim.teaching.lessons import course_dir

#: references whose law text the kit does not hold yet; each must still be missing (when the
#: text is added, the entry goes and the reference is checked like the others)
AWAITING_LAW_TEXT: set[tuple[str, int]] = set()  # 《民法典》第一千二百五十九条 has arrived


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from _strings(v)
    elif isinstance(data, list):
        for v in data:
            yield from _strings(v)


def course_texts() -> list[tuple[str, str]]:
    """(where, text): each paragraph of every lesson and every string of every course YAML."""
    root = course_dir()
    out = []
    for path in sorted(root.rglob("lesson.md")):
        for i, para in enumerate(re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))):
            out.append((f"{path.relative_to(root)} ¶{i}", para))
    for path in sorted(root.rglob("*.yaml")):
        if "_computed" in path.parts:
            continue
        for text in _strings(load_yaml_file(path).data):
            out.append((str(path.relative_to(root)), text))
    return out


def test_every_cited_article_and_item_exists_and_matches():
    checked, problems = 0, []
    for where, text in course_texts():
        for c in check_citations(text):
            checked += 1
            if c.problem and (c.law, c.article) not in AWAITING_LAW_TEXT:
                problems.append(f"{where}: {c.text} — {c.problem}")
    assert problems == []
    assert checked >= 100  # the course cites the law throughout: a scan that finds none is broken


def test_the_references_awaiting_their_law_text_are_still_missing():
    from xsim.law import article

    for law, number in AWAITING_LAW_TEXT:
        with pytest.raises(KeyError):
            article(law, "2020", number)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # issue 22: 改建 is item 7 of art. 278 para. 1, not item 8
        ("民法典第二百七十八条第一款第八项（改建、重建建筑物及其附属设施）", "第8项是"),
        ("《城市居民委员会组织法》第二十六条（2025年修正）", "2025年修订"),  # 修订, not 修正
        ("《村民委员会组织法》第九十九条", "没有第99条"),
        ("《村民委员会组织法》第二十六条第三款", "没有第3款"),
        ("《农村集体经济组织法》第二十六条第一款第十四项", "项"),
        ("《城乡规划法》第十八条", "不认识的法律"),  # a law the kit holds no text of
        ("《民法典》第二百七十八条第一款第七项（筹集建筑物及其附属设施的维修资金）", "第7项是"),
    ],
)
def test_wrong_references_are_found(text, problem):
    found = [c.problem for c in check_citations(text) if c.problem]
    assert found and problem in found[0], found


@pytest.mark.parametrize(
    "text",
    [
        "《民法典》第二百七十八条第一款第七项（改建、重建建筑物及其附属设施）",
        "《村民委员会组织法》第三十一条第一款（2025年修正）；2018年修正文本第二十七条第一款相同",
        "《城市居民委员会组织法》（2025年修订）第二十六条",
        "《农村集体经济组织法》第二十六条至第二十八条、第六十四条第二款",
        "第四部分第六项说的会议（《通知》的一部分，不是法律）",
        "《村民委员会组织法》第二十六条；原第二十二条",
    ],
)
def test_right_references_pass(text):
    cited = check_citations(text)
    assert cited and all(not c.problem for c in cited) or "《通知》" in text, cited


def test_the_lessons_cite_the_versions_they_name():
    """原… is the former text; 2018年修正文本… the 2018 one: checked against those texts."""
    (old,) = [c for c in check_citations("《村民委员会组织法》原第二十一条") if c.article]
    assert (old.version, old.article) == ("2018", 21)


def test_course_text_has_no_collective_law_date_mistake():
    """The collective-economic-organization law took effect on 2025-05-01 (not with the Organic
    Laws on 2026-01-01)."""
    for where, text in course_texts():
        assert not re.search(r"2026年1月1日起[^。；]{0,30}农村集体经济组织法", text), where
        assert "违反村民委员会《" not in text, where
    path = Path(course_dir()) / "handouts" / "glossary.yaml"
    assert path.exists()
