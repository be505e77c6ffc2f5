"""Every table of every lesson reads text from the left in JupyterLab, as a trainee first opens it.

JupyterLab right-aligns the cells of HTML output (``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon
td``), and a lesson as a trainee opens it is a notebook JupyterLab does not trust: its stored
outputs are sanitized, which strips the ``<style>`` of :func:`xsim.teaching.display.html_table`
and keeps only a cell's ``style`` attribute. So this test serves the stored notebooks as they are
(``notebooks/00_…`` – ``09_…``, outputs and all, never run) in JupyterLab with ``make lab``'s
settings, opens each in headless Chromium (1366×768, zh-CN, offline) and reads the computed
``text-align`` of every cell of every table — the lessons' markdown tables and the tables the kit's
code drew: a number cell (class ``num``) is right-aligned, every other cell left-aligned. The tables
found are counted against the notebook file, so a table that did not render fails the test instead
of passing it unseen. Screenshots: ``tests/artifacts/tables/<lesson>-*.png`` (lesson 00's first
tables scrolled into view).
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.parse

import pytest
from browser_support import (
    ARTIFACTS,
    ROOT,
    UI_TIMEOUT_MS,
    Offline,
    jupyterlab,
    launch_chromium,
    open_page,
    require_chromium,
)
from test_browser_course import NOTEBOOK_SCOPE

pytestmark = pytest.mark.browser

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TABLE_ARTIFACTS = ARTIFACTS / "tables"
MARKDOWN_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+\s*$", re.MULTILINE)

#: per table: where it is (markdown or output), its first cell, and each misaligned cell
ALIGNMENT_JS = """(tables) => {
  return tables.map((t) => {
    const wrong = [];
    for (const c of t.querySelectorAll('td, th')) {
      const align = getComputedStyle(c).textAlign;
      const num = c.classList.contains('num');
      // a markdown table's align="left" computes as -webkit-left
      const ok = num ? align === 'right' : ['left', 'start', '-webkit-left'].includes(align);
      if (!ok) wrong.push(`${c.tagName} ${num ? 'num' : 'text'} ${align}: `
                          + c.textContent.trim().slice(0, 20));
    }
    return {markdown: !!t.closest('.jp-RenderedMarkdown'),
            first: (t.querySelector('td') || t).textContent.trim().slice(0, 20), wrong};
  });
}"""


def _tables_in_file(path) -> tuple[int, int]:
    """How many tables the notebook file holds: in markdown cells, in stored HTML outputs."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    markdown = output = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            markdown += len(MARKDOWN_RULE.findall("".join(cell["source"])))
        for out in cell.get("outputs", []):
            output += "".join(out.get("data", {}).get("text/html", "")).count("<table")
    return markdown, output


def test_table_cells_align_text_left_and_numbers_right_in_stored_lessons(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    assert LESSONS, "no lesson notebooks: run `make notebooks`"
    root = tmp_path / "root"
    root.mkdir()
    for lesson in LESSONS:
        shutil.copyfile(lesson, root / lesson.name)
    TABLE_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    offline = Offline()
    seen: dict[str, list] = {}
    with (
        jupyterlab(tmp_path, root, extra_env={"JUPYTER_DATA_DIR": str(tmp_path / "data")}) as (
            base,
            token,
        ),
        sync_playwright() as p,
    ):
        browser = launch_chromium(p)
        try:
            page = open_page(browser, offline, UI_TIMEOUT_MS, locale="zh-CN")
            for lesson in LESSONS:
                markdown, output = _tables_in_file(lesson)
                url = f"{base}/lab/tree/{urllib.parse.quote(lesson.name)}?reset&token={token}"
                page.goto(url)
                tables = page.locator(f"{NOTEBOOK_SCOPE} table")
                expect(tables).to_have_count(markdown + output, timeout=UI_TIMEOUT_MS)
                found = tables.evaluate_all(ALIGNMENT_JS)
                assert sum(t["markdown"] for t in found) == markdown, lesson.name
                seen[lesson.stem] = found
                if lesson.name.startswith("00_"):
                    cells = page.locator(f"{NOTEBOOK_SCOPE} td")
                    for name, cell in [
                        ("markdown", cells.filter(has_text="明确协商内容").first),
                        ("home", cells.filter(has_text="协商内容").last),
                        ("glossary", cells.filter(has_text="城乡社区协商").first),
                    ]:
                        cell.evaluate("(td) => td.scrollIntoView({block: 'center'})")
                        page.wait_for_timeout(300)
                        page.screenshot(path=str(TABLE_ARTIFACTS / f"{lesson.stem}-{name}.png"))
        finally:
            browser.close()
    assert not offline.blocked
    assert any(t["markdown"] for found in seen.values() for t in found)
    assert any(not t["markdown"] for found in seen.values() for t in found)
    wrong = {
        stem: [(t["first"], t["wrong"][:3]) for t in found if t["wrong"]]
        for stem, found in seen.items()
    }
    assert not any(wrong.values()), wrong
