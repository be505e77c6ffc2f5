"""Made for the screens of the training room: tables, busy buttons and feedback in view.

Three helpers the teaching widgets share (ipywidgets; everything a trainee reads is Chinese):

- :func:`html_table` — a table as HTML whose numbers never wrap inside themselves
  (``white-space: nowrap`` on numeric cells, right-aligned, tabular figures) and that scrolls
  sideways instead of squeezing on a 1366×768 laptop. Text cells (Chinese) are left-aligned —
  JupyterLab right-aligns every table cell of rendered HTML unless told otherwise; the alignment
  is written on each cell (:func:`cell_align`), so it holds even where the CSS is stripped.
  ``html_table(df)`` takes a pandas DataFrame or a list of dicts; the CSS is included once per
  table (:data:`TABLE_CSS`), so the HTML can go straight into a ``widgets.HTML`` or
  ``IPython.display.HTML``.
- :func:`on_click_busy` — registers a button callback that disables the button and shows
  ``正在计算…`` while it runs, then restores it; clicks that arrive while it runs, or that were
  queued during the run (a double click), are ignored.
- :class:`ScrollIntoView` — a zero-size output that scrolls a widget (e.g. the feedback) into view
  in JupyterLab and Voilà: put it in the widget's children and call ``.show(feedback_widget)``
  after updating the feedback.
"""

from __future__ import annotations

import html
import math
import numbers
import re
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

__all__ = [
    "BUSY_LABEL",
    "HtmlCell",
    "TABLE_CSS",
    "ScrollIntoView",
    "cell_align",
    "html_table",
    "is_numeric_text",
    "on_click_busy",
]

BUSY_LABEL = "正在计算…"
#: Clicks arriving this soon after a run ended were queued during it (a double click).
SETTLE_S = 0.3

# The look of a table. Its alignment is not here but on every cell (:func:`cell_align`): JupyterLab
# right-aligns the cells of HTML output (``:not(.jp-RenderedMarkdown).jp-RenderedHTMLCommon td``)
# and, showing a stored output of a notebook it does not trust — every lesson as a trainee first
# opens it — strips this <style> but keeps a cell's style attribute.
TABLE_CSS = """<style>
.xsim-table-wrap { max-width: 100%; overflow-x: auto; margin: 0.4em 0; }
.xsim-table-wrap table.xsim-table { border-collapse: collapse; font-size: 0.95em; }
.xsim-table-wrap table.xsim-table caption { font-weight: bold; padding: 0 0 0.3em 0; }
.xsim-table-wrap table.xsim-table th, .xsim-table-wrap table.xsim-table td {
  border: 1px solid #d0d0d0; padding: 0.25em 0.6em; vertical-align: top; }
.xsim-table-wrap table.xsim-table th { background: #f2f4f7; }
.xsim-table-wrap table.xsim-table td.num, .xsim-table-wrap table.xsim-table th.num {
  white-space: nowrap; font-variant-numeric: tabular-nums; }
.xsim-table-wrap table.xsim-table tr:nth-child(even) td { background: #fafbfc; }
</style>"""

# A cell that reads as a number: digits with separators, signs, %, units of a ratio ("3 / 5").
_NUMERIC_TEXT = re.compile(r"^[\s+\-−±~～]*\d[\d\s.,，%‰/／:：×+\-−–～~]*[%‰]?$")


def cell_align(numeric: bool) -> str:
    """The attributes of a table cell (``td``, ``th``) that align it: numbers right (class
    ``num``), text left. Inline, so that no stylesheet of the page (JupyterLab's right alignment
    of output cells) overrides it and no sanitizer that drops ``<style>`` loses it."""
    return ' class="num" style="text-align:right"' if numeric else ' style="text-align:left"'


class HtmlCell(str):
    """A table cell already written in HTML (a link): :func:`html_table` puts it in unescaped."""


def is_numeric_text(value: Any) -> bool:
    """Whether a cell is a number or reads as one ("12.5%", "3 / 5", "−0.20", "1,200")."""
    if isinstance(value, (bool, HtmlCell)):
        return False
    if isinstance(value, numbers.Number):
        return True
    return isinstance(value, str) and bool(_NUMERIC_TEXT.match(value.strip()))


def html_table(
    data: Any,
    *,
    columns: Sequence[str] | None = None,
    caption: str | None = None,
    formats: Mapping[str, str | Callable[[Any], str]] | None = None,
    index: bool = False,
    css: bool = True,
) -> str:
    """An HTML table (escaped) whose numeric cells never wrap.

    ``data``: a pandas DataFrame or a list of dicts (``columns`` picks and orders them).
    ``formats``: per column, a format spec (``".1%"``, ``".2f"``) or a function returning text;
    other floats are shown with at most 2 decimals, booleans as 是/否, missing values as —.
    ``index``: include a DataFrame's index as the first column.
    """
    header, rows = _rows(data, columns, index)
    formats = dict(formats or {})
    out = ['<div class="xsim-table-wrap"><table class="xsim-table">']
    if caption:
        out.append(f'<caption style="text-align:left">{html.escape(caption)}</caption>')
    cells = [[_format(col, v, formats) for col, v in zip(header, row, strict=True)] for row in rows]
    numeric_cols = [
        bool(rows) and all(is_numeric_text(c) or c == "—" for c in col)
        for col in zip(*cells, strict=True)
    ] or [False] * len(header)
    out.append("<thead><tr>")
    for name, num in zip(header, numeric_cols, strict=True):
        out.append(f"<th{cell_align(num)}>{html.escape(str(name))}</th>")
    out.append("</tr></thead><tbody>")
    for row in cells:
        out.append("<tr>")
        for text, num_col in zip(row, numeric_cols, strict=True):
            # a missing value in a column of numbers aligns with them
            num = is_numeric_text(text) or (num_col and text == "—")
            shown = text if isinstance(text, HtmlCell) else html.escape(text)
            out.append(f"<td{cell_align(num)}>{shown}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return (TABLE_CSS if css else "") + "".join(out)


def _rows(data: Any, columns: Sequence[str] | None, index: bool) -> tuple[list, list[list]]:
    # a DataFrame exists only if pandas was imported: never import it (a second or more) for a
    # table of dicts
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(data, pd.DataFrame):
        frame = data if columns is None else data[list(columns)]
        if index:
            frame = frame.reset_index()
        return [str(c) for c in frame.columns], frame.astype(object).values.tolist()
    records = list(data)
    if columns is None:
        columns = list(dict.fromkeys(k for r in records for k in r))
    return list(columns), [[r.get(c) for c in columns] for r in records]


def _format(column: str, value: Any, formats: Mapping[str, Any]) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, HtmlCell):
        return value
    spec = formats.get(column)
    if callable(spec):
        return str(spec(value))
    if spec is not None:
        return format(value, spec)
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "是" if value else "否"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    return str(value)


def on_click_busy(
    button: widgets.Button,
    callback: Callable[[widgets.Button], Any],
    *,
    busy_label: str = BUSY_LABEL,
    settle_s: float = SETTLE_S,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[widgets.Button], None]:
    """Register ``callback`` for clicks of ``button`` with a busy state; return the handler.

    While the callback runs the button is disabled and reads ``busy_label``; afterwards its
    description and ``disabled`` state are restored, even if the callback raised (the exception
    propagates to whatever wraps the handler, e.g. the widgets' safe-callback guard). A click that
    arrives while running, or within ``settle_s`` after the run ended (the kernel queues a double
    click's second click until the first run is done), is ignored.
    """
    state = {"running": False, "ended": -math.inf}

    def handler(b: widgets.Button) -> None:
        if state["running"] or clock() - state["ended"] < settle_s:
            return
        state["running"] = True
        description, disabled = button.description, button.disabled
        button.disabled, button.description = True, busy_label
        try:
            callback(b)
        finally:
            button.description, button.disabled = description, disabled
            state["running"], state["ended"] = False, clock()

    button.on_click(handler)
    return handler


class ScrollIntoView(widgets.Output):
    """A zero-size output that scrolls another widget into view (JupyterLab and Voilà).

    ipywidgets has no scrolling API, so this displays a one-line script (trusted: it comes from
    the live kernel) that finds the target by a unique CSS class and calls ``scrollIntoView``
    with ``block: "nearest"`` — nothing moves when the target is already visible.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.layout.height = "0px"
        self.layout.overflow = "hidden"
        self.layout.margin = "0px"
        self.shown = 0  # how many times a scroll was requested (for tests)

    @staticmethod
    def mark(target: widgets.DOMWidget) -> str:
        """The unique CSS class put on ``target`` (added once)."""
        for cls in target._dom_classes:
            if cls.startswith("xsim-scroll-"):
                return cls
        cls = f"xsim-scroll-{uuid.uuid4().hex[:12]}"
        target.add_class(cls)
        return cls

    def script(self, target: widgets.DOMWidget) -> str:
        cls = self.mark(target)
        return (
            f"(function(){{var el=document.querySelector('.{cls}');"
            "if(el){el.scrollIntoView({behavior:'smooth',block:'nearest'});}})();"
        )

    def show(self, target: widgets.DOMWidget) -> None:
        """Scroll ``target`` into view (after the browser has drawn its new content)."""
        from IPython.display import Javascript, display

        code = f"setTimeout(function(){{{self.script(target)}}}, 50);"
        self.clear_output()
        with self:
            display(Javascript(code))
        self.shown += 1
