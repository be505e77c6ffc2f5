"""Lesson 08's comparison tables: HTML tables with Chinese headers whose numbers never wrap."""

from __future__ import annotations

import re

import pytest

from xsim.teaching import course
from xsim.teaching.policy import policy_measures

CELL = re.compile(r"<t([hd])( class=\"num\")?(?: style=\"[^\"]*\")?>(.*?)</t\1>", re.S)


def check_tables(html_text: str, n_tables: int) -> list[tuple[str, bool, str]]:
    """Assert the shape every comparison must have; return the cells (kind, numeric, text)."""
    assert "<pre" not in html_text
    assert html_text.count('<table class="xsim-table">') == n_tables
    cells = [(kind, bool(num), text) for kind, num, text in CELL.findall(html_text)]
    headers = [text for kind, _num, text in cells if kind == "h"]
    assert headers
    for text in headers:  # Chinese headers, no English words or keys
        assert re.search(r"[\u4e00-\u9fff]", text) and not re.search(r"[A-Za-z]{2,}", text), text
    for kind, num, text in cells:
        if kind == "d" and re.search(r"\d", text) and not re.search(r"[\u4e00-\u9fff]", text):
            assert num, text  # a number (or an interval of two) never wraps
    return cells


@pytest.fixture(scope="module")
def notice_summary():
    return course.policy_summary("notice", "08", reps=4)


def test_policy_table_is_two_html_tables_with_chinese_headers(notice_summary):
    block = course.summary_tables(notice_summary, policy_measures("08"))
    cells = check_tables(block._repr_html_(), 2)
    headers = [t for k, _n, t in cells if k == "h"]
    assert "指标" in headers and "提前7天：均值" in headers and "是否明显不同" in headers
    assert "与「提前7天」之差" in headers
    # the plain text nbval compares names the same things
    assert block.plain.splitlines()[0].startswith("各方案的均值和 95% 置信区间")


def test_the_verdict_follows_the_interval_of_each_difference(notice_summary):
    html_text = course.summary_tables(notice_summary, policy_measures("08")).html_text
    rows = re.findall(r"<tr>(.*?)</tr>", html_text.split("</table>")[1], re.S)
    assert len(rows) == 1 + 2 * len(policy_measures("08"))  # header + 2 variants × measures
    seen = set()
    for row in rows[1:]:
        texts = [t for _k, _n, t in CELL.findall(row)]
        low, high = (float(x) for x in texts[3].split(" – "))
        verdict = texts[4]
        seen.add(verdict[:2])
        if low <= 0 <= high:
            assert verdict.startswith("看不出差别")
        else:
            assert verdict == ("明显更高" if float(texts[2]) > 0 else "明显更低")
    assert {"明显", "看不"} <= seen  # both kinds occur: the test can tell them apart


def test_policy_lab_shows_html_tables():
    lab = course.PolicyLab("elevator_retrofit", "08")
    lab.reps.value = 3
    lab.run_button.click()
    check_tables(lab.result.value, 2)
    lab.forms.value = ("owners",)  # one form only: a Chinese message, no table
    lab.run_button.click()
    assert "至少选择两种形式" in lab.status.value and "<table" not in lab.result.value
