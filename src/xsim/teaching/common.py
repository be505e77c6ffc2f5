"""Shared pieces of the teaching widgets: Chinese labels, HTML helpers, the safe-callback decorator.

Everything a trainee reads is Chinese. No exception may ever reach a trainee as a traceback: every
button/observer callback of a widget is wrapped in :func:`safe_callback`, which turns an
:class:`~xsim.errors.InputError` into its Chinese message and any other exception into a short
Chinese apology (the traceback goes to the ``xsim.teaching`` logger at DEBUG level for developers).
"""

from __future__ import annotations

import contextlib
import functools
import html
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets

from xsim import vocabulary as V
from xsim.errors import InputError
from xsim.teaching.citations import law_reference
from xsim.teaching.inputs import labelled_checkbox

log = logging.getLogger("xsim.teaching")

SEVERITY_ZH: dict[str, str] = {key: term.zh for key, term in V.SEVERITIES.items()}
SEVERITY_COLOR: dict[str, str] = {"violation": "#b71c1c", "warning": "#e65100", "info": "#1565c0"}

# Chinese names of coded values come from the one vocabulary (xsim.vocabulary), never defined here.
#: Participant roles of the case-record spec (``participants[].role``).
ROLE_ZH: dict[str, str] = {key: term.zh for key, term in V.ROLES.items()}
#: Consultation forms of the case-record spec (``consultation.forms``).
FORM_ZH: dict[str, str] = {key: term.zh for key, term in V.FORMS.items()}
OUTCOME_ZH: dict[str, str] = {key: term.zh for key, term in V.OUTCOMES.items()}
FEEDBACK_ZH: dict[str, str] = {key: term.zh for key, term in V.FEEDBACK_TARGETS.items()}
MEETING_ZH: dict[str, str] = {key: term.zh for key, term in V.MEETINGS.items()}
CHANNEL_ZH: dict[str, str] = {key: term.zh for key, term in V.CHANNELS.items()}

#: clicks this soon after a run ended are a double click's second click (tests set it to 0)
BUSY_SETTLE_S = 0.3


def on_busy_click(button_widget: widgets.Button, callback: Callable) -> None:
    """Register a button callback that disables the button and reads 正在计算… while it works,
    ignoring a double click (:func:`xsim.teaching.display.on_click_busy`)."""
    from xsim.teaching.display import on_click_busy

    on_click_busy(button_widget, callback, settle_s=BUSY_SETTLE_S)


MSG_CHOOSE_FIRST = "请先选择一项，再点击按钮。"
MSG_INTERNAL = "操作没有成功，这不是您的错。请换一个选择再试，或请培训老师帮助。"
#: shown when a widget comes back with the trainee's saved work (after a restart or reload)
RESTORED_ZH = "已恢复您上次的作答和选择，可以接着做。"


def esc(text: Any) -> str:
    """HTML-escape any value for an ``HTML`` widget."""
    return html.escape(str(text))


def box(text_html: str, color: str = "#455a64", background: str = "#f5f5f5") -> str:
    """A coloured message box (HTML) used for feedback, quotes and errors."""
    return (
        f'<div style="border-left:4px solid {color};background:{background};'
        f'padding:6px 10px;margin:4px 0;line-height:1.6">{text_html}</div>'
    )


def ok_html(text_html: str) -> str:
    return box(text_html, "#2e7d32", "#e8f5e9")


def bad_html(text_html: str) -> str:
    return box(text_html, "#b71c1c", "#ffebee")


def note_html(text_html: str) -> str:
    return box(text_html, "#1565c0", "#e3f2fd")


def _clause(clause_id: str):
    try:
        from xsim.rules.clauses import CLAUSES
    except ImportError:  # the rules engine may be absent in a partial install
        log.debug("xsim.rules.clauses not importable", exc_info=True)
        return None
    return CLAUSES.get(clause_id.strip())


def clause_text_zh(clause_id: str) -> str:
    """The Chinese original of a notice clause (``"§4.2"``) or law article, ``""`` when unknown.

    A composite reference (``"§4.6; Organic Law art. 24"``) gives the texts joined by a blank line.
    """
    texts = [c.text_zh for c in map(_clause, clause_id.split(";")) if c is not None]
    return "\n\n".join(texts)


def clause_kind_zh(clause_id: str) -> str:
    """通知原文 for a clause of the notice, 法律条文 for a law article (by the first reference)."""
    clause = _clause(clause_id.split(";")[0])
    return "法律条文" if clause is not None and clause.is_law else "通知原文"


def law_quote_html(law: str, number: int) -> str:
    """A quote box with the current official text of one article, cited in Chinese."""
    from xsim.law import LAWS, cite, quote

    text = quote(law, LAWS[law].versions[-1].key, number)
    body = "<br>".join(f"「{esc(line)}」" for line in text.splitlines() if line.strip())
    return box(f"<b>法律条文　{esc(cite(law, number))}</b><br>{body}", "#6d4c41", "#fbf7f2")


def clause_quote_html(clause_id: str, title: str = "") -> str:
    """A quote box per referenced clause: 通知原文 (notice) or 法律条文 (law), with its text.

    ``clause_id``: notice clause ids (``§1.f``) or law citations (``《村民委员会组织法》第二十五条``),
    several separated by ``;``.
    """
    parts = []
    for cid in (p.strip() for p in clause_id.split(";")):
        ref = law_reference(cid)
        if ref is not None:
            parts.append(law_quote_html(*ref))
            continue
        clause = _clause(cid)
        head = title or clause_kind_zh(cid)
        body = f"<br>「{esc(clause.text_zh)}」" if clause is not None else ""
        parts.append(box(f"<b>{esc(head)}（{esc(cid)}）</b>{body}", "#6d4c41", "#fbf7f2"))
    return "".join(parts)


def ref_html(text: str) -> str:
    """A small grey reference (a rule code, say): readable for the trainer, never a headline.

    The class ``xsim-ref`` marks the one place an internal code may appear in what a trainee
    sees (``tests/test_teaching_plain_chinese.py`` skips it).
    """
    return f'<span class="xsim-ref" style="color:#9e9e9e;font-size:0.8em">{esc(text)}</span>'


_RULE_CODE = re.compile(r"\b[A-Z]{2,}(?:-[A-Z0-9]+)+\b")


def rule_title_zh(code: str) -> str:
    """The Chinese title of a rule (``PROC-QUORUM`` → its catalogue title); the code if unknown."""
    try:
        from xsim.rules import RULES
    except ImportError:  # the rules engine may be absent in a partial install
        return code
    rule = RULES.get(code)
    return code if rule is None else rule.title_zh


def text_with_rule_titles_html(text: str) -> str:
    """Escape ``text`` for HTML, each rule code in it replaced by the rule's Chinese title in
    quotes, the code kept only as a small reference (:func:`ref_html`)."""
    out, last = [], 0
    for m in _RULE_CODE.finditer(text):
        out.append(esc(text[last : m.start()]))
        title = rule_title_zh(m.group(0))
        out.append(f"“{esc(title)}”{ref_html(m.group(0))}" if title != m.group(0) else esc(title))
        last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def clause_citation_zh(clause_id: str) -> str:
    """Where a rule comes from, in Chinese: 《通知》§4.6（提交会议决定）, or the law and article
    (《中华人民共和国村民委员会组织法》第二十二条); several ``;``-separated ids joined by 、."""
    out = []
    for cid in (p.strip() for p in clause_id.split(";") if p.strip()):
        clause = _clause(cid)
        if clause is None:
            out.append("《通知》" if cid.startswith("§") else "相关规定")
        elif clause.is_law:
            out.append(clause.source_zh)
        else:
            out.append(f"《通知》{cid}（{clause.title_zh}）")
    return "、".join(out)


def error_text(exc: BaseException) -> str:
    """What a trainee sees for an exception: Chinese, never a traceback. An :class:`InputError`
    names a known field in Chinese (``results.dissenters`` → 持不同意见人数, not its path) and its
    file only when it is one (not a placeholder such as ``<input>``)."""
    if not isinstance(exc, InputError):
        return MSG_INTERNAL
    where = "" if exc.file.startswith("<") else exc.file
    if where and exc.line is not None:
        where += f":{exc.line}"
    # a field the vocabulary names is shown by that name; any other only when it is in a text the
    # trainee wrote (a typo in a pasted YAML record), as written, so that it can be found — a
    # widget's own names (file "<计算器>") never
    known = exc.field and V.field_label(exc.field) != V.field_label("")
    shown = V.field_label(exc.field) if known else (exc.field if where else "")
    field = f"字段「{shown}」：" if shown else ""
    text = _WRITER_NOTE.sub("", exc.expected_zh) if exc.expected_zh else exc.expected_en
    text = f"{field}{text}"
    return f"{where}：{text}" if where else text


#: a note for whoever writes a record's YAML, in parentheses with the field's path or a keyword
#: (「（timeline.consulted；来源未写明时写 unknown）」): a trainee at a widget has no YAML to write
_WRITER_NOTE = re.compile(r"（[^（）]*[A-Za-z_]{3,}[^（）]*）")


def safe_callback(method: Callable) -> Callable:
    """Decorate a widget method used as a callback so that no exception escapes.

    The wrapped method's object must have ``show_error(text)`` (every widget deriving from
    :class:`TeachingWidget` has it). An :class:`InputError` is shown with its Chinese message;
    any other exception with :data:`MSG_INTERNAL`, and logged at DEBUG level for developers.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # the whole point: nothing reaches the trainee
            log.debug("teaching widget callback failed", exc_info=True)
            try:
                self.show_error(error_text(exc))
            except Exception:  # the error display itself must not raise either
                log.debug("could not show the error", exc_info=True)
            return None
        finally:  # what the trainee now sees is kept for a restart (xsim.teaching.state)
            remember = getattr(self, "remember", None)
            if callable(remember):
                try:
                    remember()
                except Exception:  # keeping the state is a convenience: never in the way
                    log.debug("could not keep the widget's state", exc_info=True)

    return wrapper


class TeachingWidget(widgets.VBox):
    """Base class: a ``VBox`` with a status line (``self.status``) for messages.

    Subclasses build their children, append ``self.status`` where messages belong, and decorate
    every callback with :func:`safe_callback`.
    """

    #: short description used as plain-text representation (nbval compares it; keep it stable)
    kind_zh = "互动练习"

    #: the lesson id of ``course/toc.yaml`` (``"03"``) under which the trainee's answers are saved
    #: (:mod:`xsim.teaching.progress`); ``None``: nothing is saved
    lesson: str | None = None

    def __init__(self, **kwargs):
        self.status = widgets.HTML(value="")
        super().__init__(**kwargs)

    #: the progress store answers go to (``None``: the trainee's own, in the Jupyter data folder)
    progress_path: Any = None

    #: the attributes that make up what the widget shows (inputs, feedback, counters), kept in the
    #: progress store and shown again after a restart (:mod:`xsim.teaching.state`)
    remembered: tuple[str, ...] = ()
    #: the key of this widget's state in its lesson (set by :meth:`track`)
    state_key: str | None = None
    #: a widget inside another one (a quiz's question) keeps its state through its owner
    owner: Any = None
    _recalling = False

    def track(
        self,
        lesson: str | None,
        items: Sequence[str],
        path: Any = None,
        max_points: dict[str, float] | None = None,
    ) -> None:
        """Save this exercise's answers under ``lesson``; ``items`` are its item ids (and
        ``max_points`` the full marks of those worth more than 1)."""
        self.lesson = lesson
        if path is not None:
            self.progress_path = path
        if items:
            self.state_key = f"{type(self).__name__}:{items[0]}"[:80]
        if lesson is not None:
            from xsim.teaching import progress

            saved = progress.register_items(
                lesson, list(items), max_points=max_points, path=self.progress_path
            )
            if not saved:
                self.show_note(progress.SAVE_FAILED_ZH)

    def recall(self) -> bool:
        """Show the trainee's saved work again (call at the end of ``__init__``) with a Chinese
        note, and keep every later change of an input; True if a saved state was applied. A
        store that cannot be read or a state that does not fit shows nothing restored."""
        if self.lesson is None or self.state_key is None or not self.remembered:
            return False
        from xsim.teaching import progress, state

        applied = False
        try:
            # the widget as built (its arguments, the course's data) is part of the key: two
            # calculators of one lesson keep two states, and a state saved by a widget built
            # otherwise (an older course) is never applied
            self._origin = state.digest(self.origin())
            self.state_key = f"{self.state_key}@{self._origin[:8]}"
            data = progress.load_state(self.lesson, self.state_key, path=self.progress_path)
            applied = isinstance(data, dict) and data.get(state.ORIGIN) == self._origin
            if applied:
                self.apply_state(data)
                self.show_restored()
            self.observe_inputs()
        except Exception:  # restoring is a convenience: the exercise works without it
            log.warning("saved work of %s not restored", self.state_key, exc_info=True)
        return applied

    def origin(self) -> Any:
        """What identifies this widget as built (JSON data): its state before the trainee did
        anything (its arguments, the course's data)."""
        from xsim.teaching import state

        return state.widget_state(self)

    def observe_inputs(self) -> None:
        """Keep every later change of an input (call again after rebuilding the inputs)."""
        from xsim.teaching import state

        for w in state.inputs([getattr(self, n, None) for n in self.remembered]):
            with contextlib.suppress(ValueError):  # not observed yet
                w.unobserve(self._input_changed, names="value")
            w.observe(self._input_changed, names="value")

    def apply_state(self, data: dict[str, Any]) -> None:
        """Put a saved state back (inputs first, in the order of :attr:`remembered`), then
        :meth:`after_recall`."""
        from xsim.teaching import state

        self._recalling = True
        try:
            for name in self.remembered:
                if name in data:
                    state.apply(self, name, data[name])
            self.after_recall()
        except Exception:  # a state from another version of the course: shown as far as it goes
            log.debug("saved state not fully applied", exc_info=True)
        finally:
            self._recalling = False

    def after_recall(self) -> None:
        """Redraw what the widget derives from its restored state (a score, the step shown)."""

    def remember(self) -> bool:
        """Keep what the widget shows now in the trainee's progress store."""
        if self.lesson is None and self.owner is not None:
            return self.owner.remember()
        if self.lesson is None or self.state_key is None or not self.remembered:
            return False
        if self._recalling or (self.owner is not None and self.owner._recalling):
            return False
        from xsim.teaching import progress, state

        origin = getattr(self, "_origin", None)
        if origin is None:  # not recalled yet: the widget is still being built
            return False
        data = {state.ORIGIN: origin, **state.widget_state(self)}
        return progress.save_state(self.lesson, self.state_key, data, path=self.progress_path)

    def _input_changed(self, _change=None) -> None:
        if not self._recalling:
            try:
                self.remember()
            except Exception:  # keeping the state is a convenience: never in the way
                log.debug("could not keep the widget's state", exc_info=True)

    def save_answer(self, item: str, correct: bool, answer: Any, clause: str = "", **kw) -> bool:
        """Save one submitted answer to the trainee's progress (no-op without a lesson). A store
        that cannot be written adds a Chinese note to the status line; the exercise goes on."""
        if self.lesson is None:
            return False
        from xsim.teaching import progress

        saved = progress.record_answer(
            self.lesson,
            item,
            correct=correct,
            answer=answer,
            clause=clause,
            path=self.progress_path,
            **kw,
        )
        if saved is None and progress.SAVE_FAILED_ZH not in self.status.value:
            self.status.value += note_html(esc(progress.SAVE_FAILED_ZH))
        return saved is not None

    def show_error(self, text: str) -> None:
        self.status.value = bad_html(esc(text))

    def show_note(self, text: str) -> None:
        self.status.value = note_html(esc(text))

    #: the note at the top of a widget whose saved work was put back (``None`` until then)
    restored_note: widgets.HTML | None = None

    def show_restored(self) -> None:
        """Say at the top that the saved work is back: the status line sits under a long quiz or
        the capstone, below what a trainee sees on arriving."""
        self.restored_note = widgets.HTML(note_html(esc(RESTORED_ZH)))
        self.children = (self.restored_note, *self.children)

    def clear_status(self) -> None:
        self.status.value = ""

    def __repr__(self) -> str:  # stable text/plain output for nbval (no model ids, no values)
        return f"<{self.kind_zh}>"


def button(description: str, style: str = "primary", width: str = "12em") -> widgets.Button:
    """A button with a Chinese label and room for it."""
    return widgets.Button(
        description=description, button_style=style, layout=widgets.Layout(width=width)
    )


class CheckboxGroup(widgets.VBox):
    """Several check boxes in a grid, read and set together through ``value`` (a tuple of keys).

    Clearer for trainees than a multiple-select list, which needs Ctrl-click.
    ``options`` is a list of ``(Chinese label, key)`` pairs.
    """

    def __init__(
        self, options: list[tuple[str, str]], value=(), description: str = "", columns: int = 3
    ):
        self.boxes = {key: labelled_checkbox(label, key in value) for label, key in options}
        grid = widgets.GridBox(
            list(self.boxes.values()),
            layout=widgets.Layout(
                grid_template_columns=f"repeat({columns}, max-content)", grid_gap="0 1.5em"
            ),
        )
        head = [widgets.HTML(f"<b>{esc(description)}</b>")] if description else []
        super().__init__(children=[*head, grid])

    @property
    def value(self) -> tuple[str, ...]:
        return tuple(key for key, box in self.boxes.items() if box.value)

    @value.setter
    def value(self, keys) -> None:
        for key, box in self.boxes.items():
            box.value = key in keys


def int_value(widget: widgets.IntText, label: str) -> int:
    value = widget.value
    if value is None or value < 0:
        raise InputError(
            "练习", "", f"{label}: a whole number >= 0", f"「{label}」应填写不小于 0 的整数"
        )
    return int(value)


class HtmlBlock:
    """An HTML block for a notebook cell with a stable plain-text form (nbval compares it)."""

    def __init__(self, html_text: str, plain: str):
        self.html_text = html_text
        self.plain = plain

    def _repr_html_(self) -> str:
        return self.html_text

    def __repr__(self) -> str:
        return self.plain


class Picture:
    """A picture for a notebook cell: PNG bytes with a plain-text description in Chinese (what
    nbval compares and what a screen reader says). Showing one needs neither matplotlib nor its
    inline backend, so a lesson whose figures are stored starts without them."""

    def __init__(self, png: bytes, plain: str):
        self.png = png
        self.plain = plain

    @classmethod
    def of_figure(cls, figure, plain: str) -> Picture:
        """``figure`` (a matplotlib Figure) as the notebook's inline backend draws it."""
        import io

        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=figure.dpi, bbox_inches="tight")
        return cls(buffer.getvalue(), plain)

    def _repr_png_(self) -> bytes:
        return self.png

    def __repr__(self) -> str:
        return self.plain


def table_block(
    header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str = ""
) -> HtmlBlock:
    """A table for a notebook cell: the HTML of :func:`xsim.teaching.display.html_table` (the
    one table renderer; numbers never wrap) with a stable plain-text form for nbval."""
    from xsim.teaching.display import html_table

    header = [str(h) for h in header]
    records = [dict(zip(header, map(str, r), strict=True)) for r in rows]
    plain = "\n".join(" | ".join(map(str, r)) for r in [header, *rows])
    html_text = html_table(records, columns=header, caption=caption or None)
    # one row per line: a stored notebook's diff then shows the rows that changed
    return HtmlBlock(html_text.replace("<tr>", "\n<tr>"), plain)
