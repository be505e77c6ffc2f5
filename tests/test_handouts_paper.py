"""Handouts for paper (issue 24 §8): ``make handouts`` renders every PDF; read back with poppler,
no page but a handout's last is half empty, no sentence is meant for the screen (click, run,
button, play …) and no rule code is printed. Needs ``chromium`` and poppler (``pdftotext``,
``pdfinfo``, ``pdftoppm``), which CI installs (``.ci/run``)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_teaching_handouts import pages, text

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ("pdftotext", "pdfinfo", "pdftoppm")
BROWSER = any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome"))
MISSING = [t for t in TOOLS if not shutil.which(t)] + ([] if BROWSER else ["chromium"])

#: what only makes sense in front of a screen (written here, not taken from the build script)
SCREEN_WORDS = (
    "点击", "点“", "点'", "点「", "按钮", "运行", "单元格", "工具已载入", "播放", "Shift",
    "鼠标", "滑块", "拖动",
)  # fmt: skip
#: the lowest a page's content may end (share of the page's height; A4 content ends at 0.94) …
FILL_FLOOR = 0.6
#: … and the fewest lines of text it may hold, unless it shows a picture
LINES_FLOOR = 8


def _build_module():
    spec = importlib.util.spec_from_file_location(
        "build_handouts", ROOT / "tools" / "build_handouts.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the filtering, without a browser ---------------------------------------------------------------


def test_screen_sentences_go_and_the_rest_of_the_paragraph_stays():
    build = _build_module()
    text = (
        "点“播放”，看到协商那一天：灰色的户一直没有获知。方块中间有黑点的是老人多的户，"
        "它们是不是大多停在浅蓝色？\n"
        "- 选一种形式，点击“运行模拟”。表中会比较几种形式。\n"
        "| 讲次 | 点击打开 |\n"
    )
    paper = build.paper_markdown(text)
    assert "播放" not in paper and "点击“运行模拟”" not in paper
    assert "方块中间有黑点的是老人多的户，它们是不是大多停在浅蓝色？" in paper
    assert "- 表中会比较几种形式。" in paper
    assert "| 讲次 | 点击打开 |" in paper  # a table row is left whole (its cells stay aligned)


def test_a_screen_only_section_goes_whole_and_the_next_stays():
    build = _build_module()
    text = "## 二、怎样运行单元格\n\n按 Shift + Enter。\n\n### 小技巧\n\n看右上角。\n\n## 三、课程目录\n\n共十讲。"
    paper = build.paper_markdown(text)
    assert "单元格" not in paper and "小技巧" not in paper and "右上角" not in paper
    assert "## 三、课程目录" in paper and "共十讲。" in paper


def test_rule_codes_become_their_chinese_titles():
    from xsim.rules import RULES

    build = _build_module()
    code = "RES-PUBLICIZE"
    paper = build.paper_markdown(
        f'没有公开<span class="xsim-ref" style="color:#9e9e9e">{code}</span>。补上后 {code} 消失。'
    )
    assert code not in paper and f"补上后 「{RULES[code].title_zh}」 消失。" in paper
    html = build.without_rule_codes(
        f"<td>{RULES[code].title_zh}（{code}）</td><th>讲次（点击打开）</th>"
    )
    assert html == f"<td>{RULES[code].title_zh}</td><th>讲次</th>"


# -- the PDFs ---------------------------------------------------------------------------------------

needs_tools = pytest.mark.skipif(bool(MISSING), reason=f"not installed: {MISSING}")
if MISSING and os.environ.get("CI"):
    pytest.fail(f"CI must install {MISSING} (.ci/run)", pytrace=False)


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("paper")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_handouts.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed (``pdftotext -layout``)."""
    n = pages(pdf)
    return (text(pdf, "-layout").split("\f") + [""] * n)[:n]


def pages_with_pictures(pdf: Path) -> set[int]:
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True)
    return {int(line.split()[0]) for line in listing.stdout.splitlines()[2:] if line.strip()}


def page_fills(pdf: Path, tmp: Path) -> list[float]:
    """How far down each page something is drawn (text, a line to write on, a picture), as a
    share of the page's height, from the page rendered in grey at 20 dpi."""
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf), str(tmp / "p")], check=True)
    fills = []
    for image in sorted(tmp.glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1])):
        pixels = np.asarray(Image.open(image))
        drawn = np.flatnonzero((pixels < 200).any(axis=1))
        fills.append(float(drawn.max() + 1) / pixels.shape[0] if drawn.size else 0.0)
    return fills


def half_empty_pages(pdf: Path, tmp: Path) -> list[str]:
    """Pages before the last one whose content ends above :data:`FILL_FLOOR` or that hold fewer
    than :data:`LINES_FLOOR` lines of text and no picture."""
    texts, fills = page_texts(pdf), page_fills(pdf, tmp)
    pictures = pages_with_pictures(pdf) if shutil.which("pdfimages") else set()
    out = []
    for number, (page, fill) in enumerate(zip(texts, fills, strict=True), 1):
        if number == len(texts):
            continue  # a handout's last page ends where the handout ends
        lines = [line for line in page.splitlines() if line.strip()]
        if fill < FILL_FLOOR or (len(lines) < LINES_FLOOR and number not in pictures):
            out.append(f"page {number}: filled to {fill:.0%}, {len(lines)} lines")
    return out


@needs_tools
def test_every_handout_is_built(handouts):
    names = {p.name for p in handouts.glob("*.pdf")}
    assert "培训者版.pdf" in names and "通知全文.pdf" in names and "术语表.pdf" in names
    assert len([n for n in names if n.startswith("讲义_")]) == 10


@needs_tools
def test_no_page_is_half_empty(handouts, tmp_path):
    bad = {}
    for pdf in sorted(handouts.glob("*.pdf")):
        work = tmp_path / pdf.stem
        work.mkdir()
        found = half_empty_pages(pdf, work)
        if found:
            bad[pdf.name] = found
    assert not bad, bad


@needs_tools
def test_the_fill_check_finds_a_half_empty_page(tmp_path):
    """The check above can fail: three lines, then a page break."""
    from xsim.report.pdf import print_to_pdf

    html = tmp_path / "half.html"
    html.write_text(
        "<html><body><p>第一行</p><p>第二行</p><p>第三行</p>"
        '<p style="break-before: page">第二页</p></body></html>',
        encoding="utf-8",
    )
    print_to_pdf(html, tmp_path / "half.pdf")
    work = tmp_path / "pages"
    work.mkdir()
    fill = page_fills(tmp_path / "half.pdf", tmp_path)[0]
    assert fill < FILL_FLOOR
    assert half_empty_pages(tmp_path / "half.pdf", work) == [
        f"page 1: filled to {fill:.0%}, 3 lines"
    ]


@needs_tools
def test_no_screen_only_line_and_no_rule_code_on_paper(handouts):
    from xsim.rules import RULES

    for pdf in sorted(handouts.glob("*.pdf")):
        printed = "".join(page_texts(pdf))
        flat = re.sub(r"\s+", "", printed)
        for word in SCREEN_WORDS:
            assert word.replace(" ", "") not in flat, (pdf.name, word)
        codes = [c for c in RULES if re.search(rf"\b{re.escape(c)}\b", printed)]
        assert not codes, (pdf.name, codes[:5])


@needs_tools
def test_what_the_screen_sentences_surrounded_is_still_printed(handouts):
    """Leaving out a screen sentence keeps the rest of its paragraph and the lesson's tables."""
    lesson = re.sub(r"\s+", "", "".join(page_texts(handouts / "讲义_03_协商形式.pdf")))
    assert "方块中间有黑点的是老人多的户" in lesson and "老龄化社区" in lesson
    trainer = re.sub(r"\s+", "", "".join(page_texts(handouts / "培训者版.pdf")))
    assert "授课安排" in trainer and "讨论题" in trainer and "常见错误和处理办法" in trainer
    assert "在班级汇总中看" in trainer
