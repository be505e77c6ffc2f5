"""Printable handouts in Chinese: ``make handouts`` → ``build/handouts/*.pdf``.

- one PDF per lesson for trainees (``讲义_NN_名称.pdf``): the text, the stored tables and figures of
  the executed notebook, the exercises in printable form (quiz questions with their choices, the
  procedure steps with theirs) and space to write — and no answers;
- the trainer edition (``培训者版.pdf``): every lesson with its timing, reference answers and the
  answers and explanations of every quiz and procedure step;
- the full text of the notice (``通知全文.pdf``), a one-page glossary with worked numbers
  (``术语表.pdf``) and the role cards of the role-play lessons (``角色卡_NN.pdf``).

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
import html
import json
import os
import sys
import tempfile
import time
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
.exercise { border: 1px solid #555; padding: 6pt 10pt; margin: 8pt 0; break-inside: avoid; }
.write { border-bottom: 1px solid #777; height: 22pt; }
.answer { border: 2px solid #2e7d32; background: #f1f8e9; padding: 4pt 10pt; }
.card { border: 2px solid #333; border-radius: 6pt; padding: 8pt 12pt; margin: 0 0 10pt;
        break-inside: avoid; }
.card h3 { margin: 0 0 4pt; }
.pagebreak { break-before: page; }
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
            parts.append(f"<pre>{esc(''.join(out.get('text', '')))}</pre>")
        elif "image/png" in data:
            png = data["image/png"]
            png = "".join(png) if isinstance(png, list) else png
            parts.append(f'<img src="data:image/png;base64,{png.strip()}" alt="">')
        elif "text/html" in data:
            value = data["text/html"]
            value = "".join(value) if isinstance(value, list) else value
            parts.append(value.replace("<details>", "<details open>"))  # paper cannot unfold
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
            hint = "（多选）" if isinstance(q.answer, list) else "（单选）"
            choices = "".join(
                f"<li>{LETTERS[i]}. {esc(t)}</li>" for i, t in enumerate(q.choice_texts)
            )
            items.append(
                f"<p><b>第 {n} 题{hint}</b>　{esc(q.prompt)}</p>"
                f'<ul style="list-style:none">{choices}</ul><p>答：________</p>'
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
                f"<p><b>{esc(step.title)}</b>（{esc(step.clause)}）　{esc(step.question)}</p>"
                f'<ul style="list-style:none">{choices}</ul><p>我的选择：____　理由：</p>'
                + write_lines(1)
            )
        return f'<div class="exercise"><h3>程序演练</h3>{"".join(items)}</div>'
    return (
        f'<div class="exercise"><b>互动练习：{esc(kind)}</b>（请在电脑上运行本讲笔记本完成；'
        "可先把思路记在下面）" + write_lines(3) + "</div>"
    )


def lesson_html(entry, toc: Toc, trainer: bool) -> str:
    """One lesson: the edition's cells, with outputs from the stored (executed) notebook."""
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
            body = markdown(cell.source)
            if trainer and "【培训者版" in cell.source:
                body = f'<div class="answer">{body}</div>'
            parts.append(body)
            if not trainer and "练习" in cell.source and "**练习" in cell.source:
                parts.append(write_lines(4))  # room to write the answer of a homework exercise
        else:
            stored_cell = outputs[code_index] if code_index < len(outputs) else {"outputs": []}
            code_index += 1
            parts.append(_outputs_html({**stored_cell, "source": cell.source}, here, trainer))
    if not trainer:
        parts.append('<h2 class="pagebreak">笔记</h2>' + write_lines(24))
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
    for entry in toc.lessons:
        if want(entry.id):
            jobs.append(
                (f"讲义_{entry.folder}", entry.title, lesson_html(entry, toc, trainer=False))
            )
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
        for entry in named:
            body.append('<div class="pagebreak"></div>' + lesson_html(entry, toc, trainer=True))
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
        for stem, _, _ in jobs:  # all rendered: move into place
            os.replace(tmpdir / f"{stem}.pdf", args.out / f"{stem}.pdf")
            if args.html:
                os.replace(tmpdir / f"{stem}.html", args.out / f"{stem}.html")
    print(f"wrote {len(jobs)} PDFs to {args.out} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
