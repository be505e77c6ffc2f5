"""Screen helpers of the teaching widgets (xsim.teaching.display), headless.

Their effect in a real browser (no wrap inside numbers, busy state, scrolling) is checked in
tests/test_browser.py."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
import pytest

from xsim.teaching.display import (
    BUSY_LABEL,
    TABLE_CSS,
    ScrollIntoView,
    cell_align,
    html_table,
    is_numeric_text,
    on_click_busy,
)

NUM, TEXT = cell_align(True), cell_align(False)


@pytest.mark.parametrize(
    "value", [3, 2.5, np.int64(7), np.float64(0.1), "12.5%", "3 / 5", "−0.20", "1,200", " 42 "]
)
def test_numbers_are_numeric(value):
    assert is_numeric_text(value)


@pytest.mark.parametrize(
    "value", [True, np.bool_(False), "§4.2", "村民会议", "", "A. 12", "第3条", None, "12 户"]
)
def test_words_are_not_numeric(value):
    assert not is_numeric_text(value)


def test_numeric_cells_never_wrap_and_text_is_escaped():
    frame = pd.DataFrame(
        {
            "形式": ["村民议事会", "<script>x</script>"],
            "参与率": [0.4567, 0.5],
            "人数": [120, 1234567],
            "达标": [True, False],
            "备注": [None, float("nan")],
        }
    )
    out = html_table(frame, caption="比较", formats={"参与率": ".1%"})
    assert out.startswith(TABLE_CSS) and "white-space: nowrap" in TABLE_CSS
    assert f"<td{NUM}>45.7%</td>" in out and f"<td{NUM}>1234567</td>" in out
    assert f"<th{NUM}>参与率</th>" in out and f"<th{TEXT}>形式</th>" in out
    assert f"<td{TEXT}>是</td>" in out and f"<td{TEXT}>否</td>" in out
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count(f"<td{NUM}>—</td>") == 2
    assert '<caption style="text-align:left">比较</caption>' in out


def test_list_of_dicts_columns_index_and_no_css():
    rows = [{"a": 1.23456, "b": "甲"}, {"b": "乙", "c": 2}]
    out = html_table(rows, css=False)
    assert not out.startswith("<style>")
    assert [h for h in ("<th", "a<", "b<", "c<") if h in out] == ["<th", "a<", "b<", "c<"]
    assert f"<td{NUM}>1.23</td>" in out and f"<td{NUM}>—</td>" in out
    only = html_table(rows, columns=["b"])
    assert ">a<" not in only and f"<td{TEXT}>乙</td>" in only
    frame = pd.DataFrame({"x": [1]}, index=pd.Index(["第一讲"], name="课次"))
    assert f"<th{TEXT}>课次</th>" in html_table(frame, index=True)
    assert "<tbody></tbody>" in html_table(pd.DataFrame(columns=["空"]))


def test_busy_button_disables_and_restores():
    button = widgets.Button(description="运行")
    seen = []

    def work(b):
        seen.append((button.disabled, button.description))

    on_click_busy(button, work)
    button.click()
    assert seen == [(True, BUSY_LABEL)]
    assert (button.disabled, button.description) == (False, "运行")


def test_busy_button_restores_after_an_error():
    button = widgets.Button(description="运行")

    def fail(b):
        raise ValueError("boom")

    handler = on_click_busy(button, fail, settle_s=0)
    with pytest.raises(ValueError):
        handler(button)
    assert (button.disabled, button.description) == (False, "运行")


def test_double_clicks_are_ignored_but_later_clicks_run():
    now = [0.0]
    button = widgets.Button(description="运行")
    runs = []

    def work(b):
        runs.append(now[0])
        handler(b)  # a click arriving while running (re-entrant) is ignored
        now[0] += 2.0  # the run takes 2 s

    handler = on_click_busy(button, work, clock=lambda: now[0], settle_s=0.3)
    handler(button)
    now[0] += 0.1  # the queued second click of a double click: ignored
    handler(button)
    assert runs == [0.0]
    now[0] += 0.3  # a deliberate click afterwards runs
    handler(button)
    assert runs == [0.0, 2.4]


def test_scroll_marks_the_target_once_with_a_unique_class():
    feedback, other = widgets.HTML("结果"), widgets.HTML("另一个")
    scroll = ScrollIntoView()
    cls = scroll.mark(feedback)
    assert scroll.mark(feedback) == cls and feedback._dom_classes.count(cls) == 1
    assert scroll.mark(other) != cls
    assert f"document.querySelector('.{cls}')" in scroll.script(feedback)
    assert "block:'nearest'" in scroll.script(feedback)
    assert scroll.layout.height == "0px"
    scroll.show(feedback)
    assert scroll.shown == 1


def test_a_table_of_dicts_does_not_import_pandas():
    """pandas costs a second or more of a lesson's first run; a list of dicts does not need it."""
    import subprocess
    import sys

    code = (
        "import sys; from xsim.teaching.display import html_table; "
        "html_table([{'形式': '村民议事会', '人数': 12}]); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_cell_keeps_its_alignment_without_the_stylesheet():
    """JupyterLab strips the <style> of a stored output it does not trust (a lesson as a trainee
    first opens it) and right-aligns table cells: each cell must carry its own alignment, text
    left and numbers right. In a browser: tests/test_browser_tables.py."""
    import re

    rows = [
        {"名称": "村民议事会", "人数": 431, "比例": "12.5%"},
        {"名称": "居民会议", "人数": None},
    ]
    out = html_table(rows, caption="比较").removeprefix(TABLE_CSS)
    assert "text-align" not in TABLE_CSS and "<style" not in out
    cells = re.findall(r"<(t[hd]|caption)((?:\s[^>]*)?)>([^<]*)<", out)
    assert len(cells) == 1 + 3 + 6
    for tag, attrs, text in cells:
        numeric = 'class="num"' in attrs
        assert numeric == (tag != "caption" and text in {"人数", "比例", "431", "12.5%", "—"})
        assert f'style="text-align:{"right" if numeric else "left"}"' in attrs, (tag, text)
