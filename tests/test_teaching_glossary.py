"""The glossary explains (issue 24 §5): each of the terms trainees meet most has a one-line
definition and the clause it comes from — a law's article checked against the kit's law texts, a
part of the notice, or said to be this kit's own word — and every table of the course reads
Chinese text from the left and numbers from the right."""

from __future__ import annotations

import re

from xsim.teaching import course
from xsim.teaching.citations import check_citations
from xsim.teaching.display import cell_align, html_table
from xsim.teaching.lessons import course_dir, load_glossary_file

NOTICE_PART = re.compile(r"《通知》(开头|第[一二三四五六]部分(、第[一二三四五六]部分)*)")


def glossary():
    return load_glossary_file(course_dir() / "handouts" / "glossary.yaml")


def test_the_glossary_defines_the_terms_trainees_meet_most():
    terms = glossary().terms
    assert len(terms) >= 15
    names = [t.term for t in terms]
    assert len(set(names)) == len(names)
    for must in (
        "协商主体",
        "协商形式",
        "过半数",
        "三分之二以上",
        "村民会议",
        "居民会议",
        "联名提出",
    ):
        assert any(must in n for n in names), must
    for t in terms:
        assert "\n" not in t.meaning.strip() and len(t.meaning) <= 90, t.term  # one line


def test_every_term_names_its_source_and_the_articles_exist():
    for t in glossary().terms:
        cited = [c for c in check_citations(t.source) if c.law]
        assert all(not c.problem for c in cited), (t.term, [c.problem for c in cited])
        laws = [c for c in cited if c.article]
        notice = NOTICE_PART.search(t.source)
        own = t.source.startswith("本工具用语")
        assert laws or notice or own, (t.term, t.source)
        # a law cited with two versions in the kit names the one it means
        from xsim.law import LAWS

        for c in laws:
            if len(LAWS[c.law].versions) > 1:
                assert re.search(r"20\d\d年(修正|修订)", t.source), (t.term, t.source)


def test_the_source_check_can_fail():
    bad = check_citations("《村民委员会组织法》第九十九条（2025年修正）")
    assert bad and bad[0].problem


def test_lesson_00_shows_definitions_sources_and_the_names():
    block = course.glossary()
    for t in glossary().terms:
        assert t.meaning in block.plain and t.source in block.plain
    assert "本课程使用的名称" in block.plain
    # text cells carry no number class: they take the table's left alignment
    first = block.html_text.split("</table>")[0]
    cells = re.findall(r"<td( class=\"num\")?[^>]*>([^<]*)</td>", first)
    assert cells and not [
        text for num, text in cells if num and re.search(r"[\u4e00-\u9fff]{3}", text)
    ]


def test_html_table_aligns_text_left_and_numbers_right():
    out = html_table([{"名称": "村民议事会", "人数": 431}, {"名称": "居民会议", "人数": 451}])
    text, number = cell_align(False), cell_align(True)
    assert f"<td{text}>村民议事会</td><td{number}>431</td>" in out
    # inline: stronger than JupyterLab's right alignment of HTML output cells, and kept where a
    # stored output's <style> is stripped (tests/test_browser_tables.py)
    assert "text-align:left" in text and "text-align:right" in number
