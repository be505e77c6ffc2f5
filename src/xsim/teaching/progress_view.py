"""How the progress store reads to a trainee and a trainer: the exercises' item ids in Chinese
(``step3`` → 程序演练第 3 步), lessons in their order, a file offered for download.

An item named by what the trainee saw (the lesson's own question) is
:func:`xsim.teaching.item_names.item_name`.

The store itself (reading, writing, locking, exports) is :mod:`xsim.teaching.progress`.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = [
    "ITEM_TITLES",
    "download_bytes_html",
    "download_link_html",
    "item_title",
    "lesson_sort_key",
]


#: the item ids the course's exercises use → their kind (``{n}``: the number in the id)
ITEM_TITLES = (
    (r"q(\d+)", "自测第 {n} 题"),
    (r"pre(\d+)", "前测第 {n} 题"),
    (r"post(\d+)", "后测第 {n} 题"),
    (r"predict-\w+-(\d+)", "先预测第 {n} 题"),
    (r"threshold", "联名门槛练习"),
    (r"picker", "请谁来协商"),
    (r"lead(\d+)", "由谁牵头第 {n} 题"),
    (r"form(\d+)", "什么事用什么形式第 {n} 题"),
    (r"step(\d+)", "程序演练第 {n} 步"),
    (r"quorum", "法定人数计算器"),
    (r"fix", "改一改这份记录"),
    (r"spot(\w+)", "找问题（示例记录 {n}）"),
    (r"calc(\d+)", "算一算第 {n} 题"),
    (r"capstone", "综合演练"),
)


def item_title(item: str) -> str:
    """An exercise item in Chinese for the trainer's class summary (``step3`` → 程序演练第 3 步);
    an id no exercise of the course uses is shown as it is."""
    for pattern, title in ITEM_TITLES:
        m = re.fullmatch(pattern, item)
        if m:
            return title.format(n=m.group(1) if m.groups() else "")
    return item


def lesson_sort_key(lesson: str) -> tuple[int, str]:
    """Lessons by their number when they start with one ("03", "03_协商形式"), then by name."""
    m = re.match(r"\d+", lesson)
    return (int(m.group()) if m else 10**6, lesson)


def download_link_html(path: Path, text: str = "下载") -> str:
    """A link that downloads ``path``'s bytes from the page itself (a data URI): works offline,
    in JupyterLab and in Voilà (which serves no JSON files)."""
    return download_bytes_html(Path(path).read_bytes(), Path(path).name, text)


def download_bytes_html(data: bytes, name: str, text: str = "下载") -> str:
    """A link that downloads ``data`` as a file called ``name`` (a data URI, nothing written)."""
    import base64
    import html as _html

    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'<a download="{_html.escape(name)}" '
        f'href="data:application/octet-stream;base64,{encoded}">{_html.escape(text)}</a>'
    )
