"""What a widget shows, as JSON data and back: the trainee's work survives a kernel restart, a
page reload and Voilà (which starts a new kernel for every page).

A :class:`~xsim.teaching.common.TeachingWidget` names the attributes that make up what it shows in
``remembered`` — its input widgets (a choice, a tick, a typed text or date), its feedback lines
(HTML it wrote) and plain counters (``attempts``) — and the progress store keeps a snapshot of
them under the lesson and the widget's key (:func:`xsim.teaching.progress.save_state`). The
snapshot is taken after every button callback and after every change of an input; when the
widget is built again it is applied back, then the widget's ``after_recall`` redraws what it
derives from the rest (a score, the step shown).

:func:`snapshot` turns an attribute into JSON data: an ipywidget → its ``value`` (a date as
``{"date": "2026-03-10"}``, a tuple as a list), another :class:`TeachingWidget` → its own snapshot,
lists and dicts → element by element, plain JSON values as they are. :func:`apply` does the
reverse, one element at a time: a value the widget no longer accepts (the course changed its
options) is left as it is — never an error in front of the trainee.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

log = logging.getLogger("xsim.teaching")

__all__ = ["ORIGIN", "apply", "digest", "snapshot", "widget_state"]

_DATE = "date"
#: the key of a saved state under which the widget's state as built is fingerprinted
ORIGIN = "__origin__"


def digest(data: Any) -> str:
    """A short fingerprint of JSON data (a widget's state as built)."""
    import hashlib
    import json

    text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {_DATE: value.date().isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, bytes | memoryview):
        return None  # an upload's bytes are not kept
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {_DATE}:
        return dt.date.fromisoformat(value[_DATE])
    return value


def _is_teaching_widget(obj: Any) -> bool:
    """A :class:`~xsim.teaching.common.TeachingWidget` (by what it does: common imports this
    module, so it is not imported back)."""
    return hasattr(type(obj), "remembered") and callable(getattr(obj, "apply_state", None))


def _has_value(obj: Any) -> bool:
    import ipywidgets as widgets

    return isinstance(obj, widgets.Widget) and (
        obj.has_trait("value") or isinstance(getattr(type(obj), "value", None), property)
    )


def snapshot(obj: Any) -> Any:
    """One attribute as JSON data (see the module's docstring)."""
    if _is_teaching_widget(obj):
        return widget_state(obj)
    if _has_value(obj):
        return _encode(obj.value)
    if isinstance(obj, list | tuple):
        return [snapshot(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): snapshot(v) for k, v in obj.items()}
    return _encode(obj)


def widget_state(widget: Any) -> dict[str, Any]:
    """Every remembered attribute of a teaching widget."""
    return {name: snapshot(getattr(widget, name, None)) for name in widget.remembered}


def apply(owner: Any, name: str, data: Any) -> None:
    """Put ``data`` (a snapshot) back into ``owner``'s attribute ``name``."""
    try:
        current = getattr(owner, name)
    except AttributeError:
        return
    restored = _restore(current, data)
    if restored is not _KEEP:
        try:
            setattr(owner, name, restored)
        except Exception:  # noqa: BLE001 - a value the widget no longer takes stays as it is
            log.debug("state of %s not restored", name, exc_info=True)


_KEEP = object()  # the attribute was restored in place (a widget, a list of widgets)


def _restore(current: Any, data: Any) -> Any:
    if _is_teaching_widget(current):
        if isinstance(data, dict):
            current.apply_state(data)
        return _KEEP
    if _has_value(current):
        try:
            value = _decode(data)
            current.value = tuple(value) if isinstance(current.value, tuple) else value
        except Exception:  # noqa: BLE001 - an option that no longer exists: left as it is
            log.debug("widget value not restored", exc_info=True)
        return _KEEP
    if isinstance(current, list) and isinstance(data, list) and _holds_widgets(current):
        for c, d in zip(current, data, strict=False):
            _restore(c, d)
        return _KEEP
    if isinstance(current, dict) and isinstance(data, dict) and _holds_widgets(current.values()):
        for k, c in current.items():
            if k in data:
                _restore(c, data[k])
        return _KEEP
    value = _decode(data)
    return value if _fits(current, value) else _KEEP


def _holds_widgets(values) -> bool:
    return any(_has_value(c) or _is_teaching_widget(c) for c in values)


def _fits(current: Any, value: Any) -> bool:
    """A plain value (a counter, a list of them) takes the place of ``current`` only in its
    shape: the same type, a list as long with elements that fit — never a widget's list or
    counter replaced by what an edited or older store holds."""
    if _has_value(current) or _is_teaching_widget(current):
        return False
    if current is None:
        return value is None or isinstance(value, bool | int | float | str)
    if isinstance(current, bool) or isinstance(value, bool):
        return isinstance(current, bool) and isinstance(value, bool)
    if isinstance(current, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(current, list):
        return (
            isinstance(value, list)
            and len(value) == len(current)
            and all(_fits(c, v) or v is None for c, v in zip(current, value, strict=True))
        )
    if isinstance(current, dict):
        return isinstance(value, dict) and set(value) == set(current)
    return type(value) is type(current)


def inputs(obj: Any) -> list[Any]:
    """The input widgets inside an attribute (observed: a change is saved at once)."""
    import ipywidgets as widgets

    if _is_teaching_widget(obj):  # a widget inside (a quiz's question): its inputs too
        return [w for name in obj.remembered for w in inputs(getattr(obj, name, None))]
    if isinstance(obj, widgets.HTML):
        return []  # feedback the widget writes itself
    if _has_value(obj):
        if hasattr(obj, "boxes"):  # CheckboxGroup: its boxes carry the traits
            return list(obj.boxes.values())
        return [obj]
    if isinstance(obj, list | tuple):
        return [w for v in obj for w in inputs(v)]
    if isinstance(obj, dict):
        return [w for v in obj.values() for w in inputs(v)]
    return []
