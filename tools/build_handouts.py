"""Printable handouts in Chinese: ``make handouts`` → ``build/handouts/*.pdf``.

- one PDF per lesson for trainees (``讲义_NN_名称.pdf``): the text, the stored tables and figures of
  the executed notebook, the exercises in printable form (quiz questions with their choices, the
  procedure steps with theirs) and space to write — and no answers;
- the trainer edition (``培训者版.pdf``): every lesson with its timing, reference answers and the
  answers and explanations of every quiz and procedure step;
- the full text of the notice (``通知全文.pdf``), a one-page glossary with worked numbers
  (``术语表.pdf``) and the role cards of the role-play lessons (``角色卡_NN.pdf``).

Handouts are for paper: a sentence meant for the screen (clicking, running, buttons, playing:
:data:`SCREEN_ONLY`) is left out, and so is a section whose heading is one; rule codes are left out
(their Chinese titles stay); exercises break between questions, never leaving half a page empty.

Each handout is an HTML page rendered to PDF by headless Chromium (``/usr/bin/chromium``); the
bundled Noto Sans CJK subset (``src/xsim/data/fonts``) is the page font and Chromium embeds it.
Pages are written into a temporary folder and moved into place when all are built.

Usage::

    .venv/bin/python tools/build_handouts.py                  # everything
    .venv/bin/python tools/build_handouts.py --only 04 trainer   # lesson 04 and its trainer edition
    .venv/bin/python tools/build_handouts.py --html           # keep the HTML beside the PDFs
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xsim.errors import InputError  # noqa: E402
from xsim.teaching.course_check import validate_course  # noqa: E402
from xsim.teaching.edition import lesson_notebook, notebook_name  # noqa: E402
from xsim.teaching.lessons import (  # noqa: E402
    Toc,
    load_glossary_file,
    load_quiz_file,
    load_roles_file,
    load_steps_file,
)

COURSE = ROOT / "course"
NOTEBOOKS = ROOT / "notebooks"
FONT = ROOT / "src" / "xsim" / "data" / "fonts" / "NotoSansSC-Xsim-Regular.otf"
LETTERS = "ABCDEFGHIJ"
#: a sentence meant for the screen only: what to click, run, tick, drag or play
SCREEN_ONLY = re.compile(
    r"点击|点[“”\"'‘’「]|按钮|运行|单元格|Shift|鼠标|滑块|下拉|播放|拖动|重启内核|工具已载入"
    r"|勾选|弹出|输入框|选项卡|JupyterLab|Voilà"
)
#: a rule code shown beside its title on screen (grey, small): paper keeps the title only
XSIM_REF = re.compile(r'<span class="xsim-ref"[^>]*>[^<]*</span>')

CSS = """
@font-face { font-family: "Xsim Sans"; src: url("FONT_URL"); }
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
html { font-family: "Xsim Sans", "Noto Sans CJK SC", sans-serif; font-size: 11pt; line-height: 1.65; }
body { margin: 0; color: #111; }
h1 { font-size: 18pt; margin: 0 0 8pt; } h2 { font-size: 14pt; margin: 14pt 0 6pt; }
h3 { font-size: 12pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; margin: 6pt 0; }
tr { break-inside: avoid; }
th, td { border: 1px solid #999; padding: 3pt 5pt; vertical-align: top;
         overflow-wrap: anywhere; word-break: break-word; font-size: 9.5pt; }
img { max-width: 100%; height: auto; }
pre, code { font-family: inherit; white-space: pre-wrap; overflow-wrap: anywhere; }
blockquote { margin: 6pt 0; padding: 4pt 10pt; border-left: 4px solid #6d4c41; background: #fbf7f2; }
div, p, li { overflow-wrap: anywhere; }
.exercise { border: 1px solid #555; padding: 6pt 10pt; margin: 8pt 0; }
.exercise .item { break-inside: avoid; }
h1, h2, h3, h4 { break-after: avoid; }
img { break-inside: avoid; max-height: 120mm; object-fit: contain; }
.write { border-bottom: 1px solid #777; height: 22pt; }
.answer { border: 2px solid #2e7d32; background: #f1f8e9; padding: 4pt 10pt; }
.card { border: 2px solid #333; border-radius: 6pt; padding: 8pt 12pt; margin: 0 0 10pt;
        break-inside: avoid; }
.card h3 { margin: 0 0 4pt; }
.pagebreak { break-before: page; }
h1.lesson { border-top: 3px double #333; padding-top: 8pt; margin-top: 18pt; }
.meta { color: #555; font-size: 9.5pt; }
table.glossary td { font-size: 9pt; line-height: 1.45; padding: 2pt 4pt; }
table.glossary .meta { font-size: 8.5pt; }
"""


def markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def esc(text: str) -> str:
    return html.escape(str(text), quote=False)


def page(title: str, body: str) -> str:
    css = CSS.replace("FONT_URL", FONT.resolve().as_uri())
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}'
        f"</title><style>{css}</style></head><body>{body}</body></html>"
    )


#: lines for notes at the end of a lesson handout: as many as fit, at most this many
NOTE_LINES = 24
#: height of a line to write on (``.write`` in :data:`CSS`) and of the A4 page, in mm
WRITE_LINE_MM = 22 * 25.4 / 72
PAGE_MM, PAGE_MARGIN_MM = 297.0, 18.0


def write_lines(n: int) -> str:
    return '<div class="write"></div>' * n


# --- lessons ---------------------------------------------------------------------------------------


def _plain(out: dict) -> str:
    value = out.get("data", {}).get("text/plain", "")
    return "".join(value) if isinstance(value, list) else value


def _outputs_html(cell: dict, here: Path, trainer: bool) -> str:
    """A code cell's stored outputs, with widgets replaced by their printable form."""
    parts = []
    source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if out.get("output_type") == "stream":
            text = "".join(out.get("text", ""))
            if not SCREEN_ONLY.search(text):
                parts.append(f"<pre>{esc(text)}</pre>")
        elif "image/png" in data:
            png = data["image/png"]
            png = "".join(png) if isinstance(png, list) else png
            parts.append(f'<img src="data:image/png;base64,{png.strip()}" alt="">')
        elif "text/html" in data:
            value = data["text/html"]
            value = "".join(value) if isinstance(value, list) else value
            value = value.replace("<details>", "<details open>")  # paper cannot unfold
            parts.append(long_rows_may_break(without_rule_codes(value)))
        else:
            plain = _plain(out).strip()
            if plain.startswith("<") and plain.endswith(">"):
                parts.append(_printable_widget(plain.strip("<>"), source, here, trainer))
            elif plain:
                parts.append(f"<pre>{esc(plain)}</pre>")
    return "".join(parts)


def _printable_widget(kind: str, source: str, here: Path, trainer: bool) -> str:
    if "course.quiz(" in source and (here / "quiz.yaml").exists():
        quiz = load_quiz_file(here / "quiz.yaml")
        items = []
        for n, q in enumerate(quiz.questions, 1):
            if SCREEN_ONLY.search(" ".join([q.prompt, *q.choice_texts])):
                continue  # a question about using the screen (lesson 00): not for paper
            hint = "（多选）" if isinstance(q.answer, list) else "（单选）"
            choices = "".join(
                f"<li>{LETTERS[i]}. {esc(t)}</li>" for i, t in enumerate(q.choice_texts)
            )
            items.append(
                f'<div class="item"><p><b>第 {n} 题{hint}</b>　{esc(q.prompt)}</p>'
                f'<ul style="list-style:none">{choices}</ul><p>答：________</p></div>'
            )
        return f'<div class="exercise"><h3>{esc(quiz.title)}</h3>{"".join(items)}</div>'
    steps_call = "course.stepper(" in source or "course.results_stepper(" in source
    if steps_call and (here / "steps.yaml").exists():
        spec = load_steps_file(here / "steps.yaml")
        items = []
        for step in spec.steps:
            choices = "".join(
                f"<li>{LETTERS[i]}. {esc(c.label)}</li>" for i, c in enumerate(step.choices)
            )
            items.append(
                f'<div class="item"><p><b>{esc(step.title)}</b>（{esc(step.clause)}）　'
                f'{esc(step.question)}</p><ul style="list-style:none">{choices}</ul>'
                f"<p>我的选择：____　理由：</p>{write_lines(1)}</div>"
            )
        return f'<div class="exercise"><h3>程序演练</h3>{"".join(items)}</div>'
    return (
        f'<div class="exercise item"><b>互动练习：{esc(kind)}</b>（在电脑上完成；'
        "可先把思路记在下面）" + write_lines(3) + "</div>"
    )


def paper_markdown(text: str) -> str:
    """A lesson's Markdown for paper: rule codes and sentences meant for the screen left out, a
    section whose heading is meant for the screen left out whole."""
    text = rule_titles(XSIM_REF.sub("", text))
    out: list[str] = []
    skip_level = 0  # inside a screen-only section of this heading level
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        heading = re.match(r"^(#+)\s", line)
        if heading and not fenced:
            level = len(heading.group(1))
            if skip_level and level > skip_level:
                continue
            skip_level = level if SCREEN_ONLY.search(line) else 0
            if skip_level:
                continue
        elif skip_level:
            continue
        if fenced or line.lstrip().startswith("|") or not SCREEN_ONLY.search(line):
            out.append(line)
            continue
        lead = re.match(r"^(\s*(?:>\s*)*(?:[-*+]|\d+\.)?\s*)(.*)$", line)
        prefix, body = lead.group(1), lead.group(2)
        kept = [s for s in re.split(r"(?<=[。！？])", body) if s and not SCREEN_ONLY.search(s)]
        if "".join(kept).strip(" *：:"):
            out.append(prefix + "".join(kept).strip())
    return "\n".join(out)


def _rule_code_pattern() -> re.Pattern[str]:
    from xsim.rules import RULES

    codes = "|".join(re.escape(c) for c in sorted(RULES, key=len, reverse=True))
    return re.compile(rf"\b(?:{codes})\b")


def rule_titles(text: str) -> str:
    """Text with each rule code written as its Chinese title (「公开期限」), as a trainee reads it."""
    from xsim.rules import RULES

    return _rule_code_pattern().sub(lambda m: f"「{RULES[m.group()].title_zh}」", text)


def without_rule_codes(html_text: str) -> str:
    """HTML output for paper: the rules engine's codes left out (a table shows each beside its
    Chinese title) and the screen's hints in brackets too (「讲次（点击打开）」)."""
    html_text = XSIM_REF.sub("", html_text)
    html_text = re.sub(r"[（(]\s*(?:" + _rule_code_pattern().pattern + r")\s*[）)]", "", html_text)
    html_text = _rule_code_pattern().sub("", html_text)
    return re.sub(r"（[^（）<>]*(?:" + SCREEN_ONLY.pattern + r")[^（）<>]*）", "", html_text)


#: a table row with more text than this may break across pages (kept whole, it would leave the
#: page before it half empty)
LONG_ROW_CHARS = 300


def long_rows_may_break(html_text: str) -> str:
    """HTML with its long table rows allowed to break across pages (rows stay whole otherwise)."""

    def row(m: re.Match[str]) -> str:
        text = re.sub(r"<[^>]+>", "", m.group(0))
        if len(text) <= LONG_ROW_CHARS:
            return m.group(0)
        return '<tr style="break-inside: auto"' + m.group(0)[3:]

    return re.sub(r"<tr\b.*?</tr>", row, html_text, flags=re.S)


def lesson_html(entry, toc: Toc, trainer: bool, note_lines: int = NOTE_LINES) -> str:
    """One lesson: the edition's cells, with outputs from the stored (executed) notebook, then
    ``note_lines`` lines to write notes on (trainee edition; 0: no notes, the page is full)."""
    here = COURSE / entry.folder
    stored = json.loads((NOTEBOOKS / notebook_name(entry)).read_text(encoding="utf-8"))
    outputs = [c for c in stored["cells"] if c["cell_type"] == "code"]
    nb = lesson_notebook(entry, toc, "trainer" if trainer else "trainee", COURSE)
    parts = [f'<p class="meta">第 {entry.id} 讲 · 约 {entry.minutes} 分钟</p>']
    code_index = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            if cell.source.startswith("---\n\n") and (
                "上一讲" in cell.source or "下一讲" in cell.source
            ):
                continue  # links between notebooks mean nothing on paper
            body = markdown(paper_markdown(cell.source))
            if trainer and "【培训者版" in cell.source:
                body = f'<div class="answer">{body}</div>'
            parts.append(body)
            if not trainer and "练习" in cell.source and "**练习" in cell.source:
                parts.append(write_lines(4))  # room to write the answer of a homework exercise
        else:
            stored_cell = outputs[code_index] if code_index < len(outputs) else {"outputs": []}
            code_index += 1
            parts.append(_outputs_html({**stored_cell, "source": cell.source}, here, trainer))
    if not trainer and note_lines:  # right after the lesson: no page left half empty before it
        parts.append("<h2>笔记</h2>" + write_lines(note_lines))
    return "".join(parts)


# --- the other handouts ----------------------------------------------------------------------------


def notice_html() -> str:
    text = (COURSE / "handouts" / "notice-zh.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = "".join(f"<h1 style='text-align:center'>{esc(line)}</h1>" for line in lines[2:3])
    issuer = "".join(f"<p style='text-align:center'>{esc(line)}</p>" for line in lines[:2])
    body = "".join(f"<p>{esc(line)}</p>" for line in lines[3:])
    return issuer + head + body


def glossary_html() -> str:
    """The glossary on both sides of one sheet: term, what it means with its source, a worked
    example."""
    glossary = load_glossary_file(COURSE / "handouts" / "glossary.yaml")
    rows = "".join(
        f"<tr><td><b>{esc(t.term)}</b></td><td>{esc(t.meaning)}"
        f'<br><span class="meta">依据：{esc(t.source)}</span></td><td>{esc(t.example)}</td></tr>'
        for t in glossary.terms
    )
    return (
        f'<h1>{esc(glossary.title)}</h1><table class="glossary"><colgroup>'
        "<col style='width:14%'><col style='width:54%'><col style='width:32%'></colgroup>"
        "<thead><tr><th>术语</th><th>说明和依据</th><th>算一算</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def roles_html(path: Path) -> str:
    roles = load_roles_file(path)
    cards = "".join(
        f'<div class="card"><h3>{esc(r.name)}</h3><p><b>处境：</b>{esc(r.situation)}</p>'
        f"<p><b>关心什么：</b>{esc(r.concerns)}</p><p><b>会上的任务：</b>{esc(r.task)}</p></div>"
        for r in roles.roles
    )
    return f"<h1>{esc(roles.title)}</h1>{cards}"


# --- rendering -------------------------------------------------------------------------------------


def notes_spill(pdf: Path) -> int:
    """Lines for notes alone on the handout's last page (no text on it, only lines to write on),
    read back with poppler (``pdftotext``, ``pdftoppm``); 0 when there are none or poppler is
    not installed (the handout is then as long as it is)."""
    import shutil
    import subprocess

    if not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfinfo")):
        return 0
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    found = re.search(r"^Pages:\s+(\d+)", info, re.M)
    if not found:
        return 0
    last = found.group(1)
    text = subprocess.run(
        ["pdftotext", "-f", last, "-l", last, str(pdf), "-"], capture_output=True, text=True
    ).stdout
    if text.strip():
        return 0
    import numpy as np
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        cmd = ["pdftoppm", "-f", last, "-l", last, "-r", "30", "-gray", "-singlefile"]
        subprocess.run([*cmd, str(pdf), f"{tmp}/last"], check=True)
        pixels = np.asarray(Image.open(f"{tmp}/last.pgm"))
    drawn = np.flatnonzero((pixels < 200).any(axis=1))
    if not drawn.size:
        return NOTE_LINES
    bottom_mm = (drawn.max() + 1) / pixels.shape[0] * PAGE_MM
    return max(int(np.ceil((bottom_mm - PAGE_MARGIN_MM) / WRITE_LINE_MM)), 1)


def chromium() -> str:
    from xsim.report.pdf import chromium_path

    try:
        return chromium_path()
    except InputError as err:
        raise SystemExit(err.message("zh")) from None


def render(html_path: Path, pdf_path: Path, browser: str) -> None:
    # the one headless-Chromium route of the kit (also `xsim report`'s decision memo)
    from xsim.report.pdf import print_to_pdf

    try:
        print_to_pdf(html_path, pdf_path, browser)
    except InputError:
        raise SystemExit(f"{html_path.name}：Chromium 未能生成 PDF") from None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="build the printable handouts")
    parser.add_argument("--only", nargs="*", default=None, help="lesson ids, trainer, notice …")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "handouts")
    parser.add_argument("--html", action="store_true", help="keep the HTML files")
    args = parser.parse_args(argv)
    try:
        toc = validate_course(COURSE)
    except InputError as err:
        print(f"课程文件有误：{err.message('zh')}", file=sys.stderr)
        return 2
    wanted = set(args.only) if args.only is not None else None

    def want(key: str) -> bool:
        return wanted is None or key in wanted

    jobs: list[tuple[str, str, str]] = []  # (file stem, title, body)
    #: lesson handouts by file stem → their body with n lines for notes
    with_notes: dict[str, Callable[[int], str]] = {}
    for entry in toc.lessons:
        if want(entry.id):
            stem = f"讲义_{entry.folder}"
            with_notes[stem] = functools.partial(lesson_html, entry, toc, False)
            jobs.append((stem, entry.title, with_notes[stem](NOTE_LINES)))
    if want("trainer"):
        body = [f"<h1>{esc(toc.title)}　培训者版</h1>"]
        body.append(
            "<table><thead><tr><th>讲次</th><th>内容</th><th>建议用时</th></tr></thead><tbody>"
            + "".join(
                f"<tr><td>{e.id} {esc(e.title)}</td><td>{esc(e.summary)}</td>"
                f"<td>{e.minutes} 分钟</td></tr>"
                for e in toc.lessons
            )
            + f"</tbody></table><p>合计 {sum(e.minutes for e in toc.lessons)} 分钟。</p>"
        )
        # ``--only 04 trainer``: the trainer edition of the lessons named; otherwise of all.
        named = [e for e in toc.lessons if wanted and e.id in wanted] or toc.lessons
        for entry in named:  # one after another: a page break per lesson leaves pages half empty
            body.append(
                f'<h1 class="lesson">第 {entry.id} 讲　{esc(entry.title)}</h1>'
                + lesson_html(entry, toc, trainer=True)
            )
        jobs.append(("培训者版", "培训者版", "".join(body)))
    if want("notice"):
        jobs.append(("通知全文", "通知全文", notice_html()))
    if want("glossary"):
        jobs.append(("术语表", "术语表", glossary_html()))
    if want("roles"):
        for entry in toc.lessons:
            path = COURSE / entry.folder / "roles.yaml"
            if path.exists():
                jobs.append((f"角色卡_{entry.id}", "角色卡", roles_html(path)))
    if not jobs:
        print("没有要生成的讲义", file=sys.stderr)
        return 2
    browser = chromium()
    start = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".handouts-", dir=args.out) as tmp:
        tmpdir = Path(tmp)
        for stem, title, body in jobs:
            (tmpdir / f"{stem}.html").write_text(page(title, body), encoding="utf-8")
        with ThreadPoolExecutor(max_workers=max(1, min(2, os.cpu_count() or 1))) as pool:
            list(
                pool.map(
                    lambda job: render(
                        tmpdir / f"{job[0]}.html", tmpdir / f"{job[0]}.pdf", browser
                    ),
                    jobs,
                )
            )
        for stem, title, _ in jobs:  # notes that spill onto a page of their own: fewer lines
            lines = NOTE_LINES
            for _ in range(3):  # a line less can move a page break: look again
                spill = notes_spill(tmpdir / f"{stem}.pdf") if stem in with_notes else 0
                if not spill or not lines:
                    break
                lines = lines - spill - 1 if lines - spill - 1 >= 3 else 0  # 0: no room left
                (tmpdir / f"{stem}.html").write_text(
                    page(title, with_notes[stem](lines)), encoding="utf-8"
                )
                render(tmpdir / f"{stem}.html", tmpdir / f"{stem}.pdf", browser)
        for stem, _, _ in jobs:  # all rendered: move into place
            os.replace(tmpdir / f"{stem}.pdf", args.out / f"{stem}.pdf")
            if args.html:
                os.replace(tmpdir / f"{stem}.html", args.out / f"{stem}.html")
    print(f"wrote {len(jobs)} PDFs to {args.out} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
