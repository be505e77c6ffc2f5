"""Notebooks from the course sources, in the trainee's and the trainer's edition (no execution here).

``course/NN_名称/lesson.md`` is a MyST Markdown notebook (read with jupytext). Cells tagged
``answer`` (reference answers) and ``trainer`` (timing and teaching notes) belong to the trainer's
edition only; the trainee's edition leaves them out, so that no answer is stored in what trainees
open. Every code cell is hidden (``jupyter.source_hidden``; the course reads without code) and each
lesson ends with links to the previous and the next lesson from ``course/toc.yaml``.

:func:`lesson_notebook` is deterministic: the same sources give the same cells, ids and metadata, so
that ``tests/test_teaching_editions.py`` can compare a stored notebook with its source cheaply,
without running it, and ``make notebooks`` output changes only where the model's numbers change.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xsim.teaching.lessons import (
    Toc,
    TocLesson,
    course_dir,
    load_facilitator_file,
    load_quiz_file,
    load_steps_file,
)

if TYPE_CHECKING:  # nbformat pulls in jsonschema (seconds): the course home needs none of it
    import nbformat

__all__ = [
    "EDITIONS",
    "KERNELSPEC",
    "TRAINER_TAGS",
    "answer_key_markdown",
    "facilitator_markdown",
    "lesson_notebook",
    "keep_outputs",
    "structure",
    "notebook_name",
]

EDITIONS = ("trainee", "trainer")
TRAINER_TAGS = frozenset({"answer", "trainer"})
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: Output types kept in stored notebooks: text, HTML tables and figures. Widget views are dropped
#: (their state is not stored; running the cell shows the widget again).
KEPT_MIME = ("text/plain", "text/html", "image/png")
LETTERS = "ABCDEFGHIJ"


def notebook_name(entry: TocLesson) -> str:
    return f"{entry.folder}.ipynb"


def _read_source(path: Path) -> nbformat.NotebookNode:
    import jupytext

    return jupytext.read(path, fmt="md:myst")


def lesson_notebook(
    entry: TocLesson, toc: Toc, edition: str = "trainee", folder: Path | None = None
) -> nbformat.NotebookNode:
    """The unexecuted notebook of one lesson in ``edition`` (``"trainee"`` or ``"trainer"``)."""
    import nbformat

    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {EDITIONS}")
    folder = folder or course_dir()
    here = folder / entry.folder
    source = _read_source(here / "lesson.md")
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    cells: list[Any] = []
    if edition == "trainer":
        cells.append(nbformat.v4.new_markdown_cell(_trainer_header(entry)))
        if (here / "facilitator.yaml").exists():
            cells.append(nbformat.v4.new_markdown_cell(facilitator_markdown(here)))
    for cell in source.cells:
        tags = set(cell.metadata.get("tags", []))
        if tags & TRAINER_TAGS and edition == "trainee":
            continue
        if cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(cell.source)
            new.metadata = {"jupyter": {"source_hidden": True}, "tags": ["hide-input"]}
        else:
            text = cell.source
            if "answer" in tags:
                text = "> **【培训者版·参考答案】**\n>\n" + _blockquote(text)
            elif "trainer" in tags:
                text = "> **【培训者版·教学提示】**\n>\n" + _blockquote(text)
            new = nbformat.v4.new_markdown_cell(text)
        cells.append(new)
        if edition == "trainer" and cell.cell_type == "code":
            key = _answer_key_for(cell.source, here)
            if key:
                cells.append(nbformat.v4.new_markdown_cell(key))
    cells.append(nbformat.v4.new_markdown_cell(_navigation(entry, toc)))
    for i, cell in enumerate(cells):
        cell["id"] = f"{entry.id}-{edition[:4]}-{i:03d}"  # stable ids: clean diffs
    nb.cells = cells
    return nb


def _blockquote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def _trainer_header(entry: TocLesson) -> str:
    clauses = "、".join(entry.clauses) or "（无）"
    return (
        f"> **培训者版**　第 {entry.id} 讲　{entry.title}　建议用时 **{entry.minutes} 分钟**\n>\n"
        f"> 本讲涉及《通知》条款：{clauses}\n>\n"
        "> 本版包含全部参考答案、自测题答案与解析；请勿发给学员。"
    )


def facilitator_markdown(here: Path) -> str:
    """A lesson's facilitator plan (``facilitator.yaml``) as Markdown for the trainer edition:
    the timed segments with what to project, discussion questions, common mistakes with the
    class summary's items where they show."""
    from xsim.teaching.progress_view import item_title

    plan = load_facilitator_file(here / "facilitator.yaml").facilitator
    rows = []
    start = 0
    for seg in plan.segments:
        end = start + seg.minutes
        rows.append(
            f"<tr><td>{start}–{end} 分钟</td><td>{html.escape(seg.activity)}</td>"
            f"<td>{html.escape(seg.project) or '—'}</td></tr>"
        )
        start = end
    lines = [
        f"**【培训者版·授课安排】**　共 {plan.minutes} 分钟",
        "",
        # an HTML table: the time column narrow, the activity wide (a Markdown table cannot say)
        '<table class="plan"><colgroup><col style="width:14%"><col style="width:56%">'
        '<col style="width:30%"></colgroup><thead><tr><th>时间</th><th>环节</th><th>投影</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>",
    ]
    lines += ["", "**讨论题**", ""]
    lines += [f"{n}. {q}" for n, q in enumerate(plan.questions, 1)]
    lines += ["", "**常见错误和处理办法**", ""]
    for n, m in enumerate(plan.mistakes, 1):
        clause = f"（{m.clause}）" if m.clause else ""
        lines.append(f"{n}. {m.mistake}{clause}")
        lines.append(f"   - 处理办法：{m.remedy}")
        if m.items:
            where = "、".join(item_title(i) for i in m.items)
            lines.append(f"   - 在班级汇总中看：{where}（得分低的学员多，就在课上多讲这一处）")
    return "\n".join(lines)


def _navigation(entry: TocLesson, toc: Toc) -> str:
    ids = [e.id for e in toc.lessons]
    i = ids.index(entry.id)
    parts = []
    if i > 0:
        prev = toc.lessons[i - 1]
        parts.append(f"← 上一讲：[{prev.id} {prev.title}]({notebook_name(prev)})")
    home = toc.lessons[0]  # the course home: its table of contents links every lesson
    if entry.id != home.id:
        parts.append(f"[课程目录：{home.id} {home.title}]({notebook_name(home)})")
    if i + 1 < len(ids):
        nxt = toc.lessons[i + 1]
        parts.append(f"下一讲：[{nxt.id} {nxt.title}]({notebook_name(nxt)}) →")
    return "---\n\n" + "　｜　".join(parts)


def _answer_key_for(code: str, here: Path) -> str | None:
    """Trainer's note after a quiz or stepper cell: every answer with its explanation."""
    if "course.quiz(" in code and (here / "quiz.yaml").exists():
        return answer_key_markdown(here / "quiz.yaml")
    for call, name, kind in (
        ("pretest", "pretest.yaml", "前测"),
        ("posttest", "posttest.yaml", "后测"),
    ):
        if f"course.{call}(" in code and (here / name).exists():
            return answer_key_markdown(here / name, kind)
    if "course.stepper(" in code and (here / "steps.yaml").exists():
        return steps_key_markdown(here / "steps.yaml")
    return None


def answer_key_markdown(path: Path, kind: str = "自测题") -> str:
    """The answers of a quiz.yaml (or the 前测/后测) as Markdown (trainer's edition, handouts)."""
    quiz = load_quiz_file(path)
    lines = [f"> **【培训者版·{kind}答案】**", ">"]
    for n, q in enumerate(quiz.questions, 1):
        correct = q.correct if isinstance(q.correct, list) else [q.correct]
        letters = "、".join(LETTERS[i] for i in correct)
        lines.append(f"> {n}. **{letters}**　{q.explanation}".rstrip())
        for i, why in enumerate(q.why):
            if why:
                lines.append(f">    - 为什么不选 {LETTERS[i]}：{why}")
    return "\n".join(lines)


def steps_key_markdown(path: Path) -> str:
    spec = load_steps_file(path)
    lines = ["> **【培训者版·程序演练参考做法】**", ">"]
    for step in spec.steps:
        best = [f"{LETTERS[i]}（{c.label}）" for i, c in enumerate(step.choices) if c.best]
        lines.append(f"> - {step.title}：选 {'或 '.join(best)}")
    return "\n".join(lines)


def keep_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop widget views and state, execution timestamps; keep text, HTML and figures."""
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if "data" in out:
                data = {k: v for k, v in out["data"].items() if k in KEPT_MIME}
                if not data:
                    continue
                out["data"] = data
                out["metadata"] = {
                    k: v for k, v in out.get("metadata", {}).items() if k in KEPT_MIME
                }
            kept.append(out)
        cell["outputs"] = kept
    return nb


def structure(nb: Any) -> list[tuple[str, str, str]]:
    """What a notebook is built from, without outputs: (cell type, id, source) per cell."""
    out = []
    for cell in nb["cells"]:
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        out.append((cell["cell_type"], cell.get("id", ""), src))
    return out
