"""``make handouts``: Chinese PDFs rendered by Chromium, read back with poppler.

The Chinese text is there (extracted from the PDF, so the font is embedded with a Unicode map), no
word lies outside its page (nothing cut off), the trainee's lesson has no answers and the trainer
edition has them. Needs ``chromium`` and ``pdftotext`` (CI installs both: ``.ci/run``)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ("pdftotext", "pdfinfo")
BROWSER = any(shutil.which(b) for b in ("chromium", "chromium-browser", "google-chrome"))
MISSING = [t for t in TOOLS if not shutil.which(t)] + ([] if BROWSER else ["chromium"])

if MISSING and os.environ.get("CI"):
    pytest.fail(f"CI must install {MISSING} (.ci/run)", pytrace=False)
pytestmark = pytest.mark.skipif(bool(MISSING), reason=f"not installed: {MISSING}")


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("handouts")
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_handouts.py"),
            "--out",
            str(out),
            "--only",
            "04",
            "trainer",
            "notice",
            "glossary",
            "roles",
            "--html",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out


def text(pdf: Path, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def missing_text(pdf: Path) -> list[str]:
    """Chinese text of the handout's HTML that the PDF does not contain: cut off at a page edge,
    hidden (a folded <details>) or lost. Whitespace is ignored (line breaks differ)."""
    source = pdf.with_suffix(".html").read_text(encoding="utf-8")
    source = re.sub(r"<head>.*?</head>|<img[^>]*>", "", source, flags=re.S)
    printed = re.sub(r"\s+", "", text(pdf, "-raw"))
    out = []
    for node in re.split(r"<[^>]+>", source):
        node = html.unescape(node)
        if (
            len(re.findall(r"[\u4e00-\u9fff]", node)) >= 4
            and re.sub(r"\s+", "", node) not in printed
        ):
            out.append(node.strip()[:80])
    return out


def words_outside_the_page(pdf: Path) -> list[str]:
    """Words whose box is not inside its page (pdftotext -bbox): text cut off at an edge."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', xhtml, re.S):
        width, height = float(page.group(1)), float(page.group(2))
        for w in re.finditer(
            r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>',
            page.group(3),
        ):
            x0, y0, x1, y1 = map(float, w.groups()[:4])
            if x0 < 0 or y0 < 0 or x1 > width + 0.5 or y1 > height + 0.5:
                out.append(w.group(5))
    return out


def test_every_handout_is_written(handouts):
    names = sorted(p.name for p in handouts.glob("*.pdf"))
    assert names == sorted(
        [
            "讲义_04_协商程序.pdf",
            "培训者版.pdf",
            "通知全文.pdf",
            "术语表.pdf",
            "角色卡_06.pdf",
            "角色卡_07.pdf",
        ]
    )
    assert not list(handouts.glob(".handouts-*")), "temporary folder left behind"


def test_the_text_check_notices_a_line_cut_off_at_the_page_edge(tmp_path):
    """The check can fail: one line too wide for the page loses most of its text."""
    sys.path.insert(0, str(ROOT / "tools"))
    import build_handouts

    page = tmp_path / "wide.html"
    page.write_text(
        build_handouts.page("宽", '<p style="white-space:nowrap">' + "城乡社区协商" * 60 + "</p>"),
        encoding="utf-8",
    )
    build_handouts.render(page, tmp_path / "wide.pdf", build_handouts.chromium())
    assert missing_text(tmp_path / "wide.pdf")


def test_lesson_handout_has_the_chinese_text_exercises_and_no_answers(handouts):
    pdf = handouts / "讲义_04_协商程序.pdf"
    body = text(pdf)
    for expected in (
        "协商程序",
        "本讲目标",
        "2026年1月1日起施行的新规定",
        "第二十六条",
        "练习 4",
        "笔记",
        "小结",
        "答：",
        "我的选择",
    ):
        assert expected in body, expected
    assert "参考答案" not in body and "培训者版" not in body
    assert not words_outside_the_page(pdf)
    assert not missing_text(pdf), missing_text(pdf)[:3]


def test_trainer_edition_has_answers_and_timing(handouts):
    pdf = handouts / "培训者版.pdf"
    body = text(pdf)
    assert "参考答案" in body and "自测题答案" in body and "建议用时" in body
    assert "程序演练参考做法" in body
    assert pages(pdf) > 5
    assert not words_outside_the_page(pdf)
    assert not missing_text(pdf), missing_text(pdf)[:3]


def test_notice_glossary_and_role_cards(handouts):
    notice = text(handouts / "通知全文.pdf")
    assert "关于做好城乡社区协商有关工作的通知" in notice and "十分之一以上" in notice
    glossary = handouts / "术语表.pdf"
    assert pages(glossary) <= 2, "the glossary fits on both sides of one sheet"
    words = text(glossary)
    assert "双三分之二" in words and "1,920" in words and "全体成员" in words
    assert "依据：《民法典》第一千二百五十九条" in re.sub(r"\s+", "", words)
    cards = text(handouts / "角色卡_07.pdf")
    assert "外嫁女代表" in cards and "会上的任务" in cards
    for pdf in handouts.glob("*.pdf"):
        assert not words_outside_the_page(pdf), pdf.name
        assert not missing_text(pdf), (pdf.name, missing_text(pdf)[:3])


def test_fonts_are_embedded(handouts):
    fonts = subprocess.run(
        ["pdffonts", str(handouts / "术语表.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts and all(" yes " in line for line in fonts), fonts[:3]
