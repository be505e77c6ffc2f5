"""Inputs that read the same in every browser (issue 24 §9): dates in Chinese order, check boxes
whose Chinese label ticks them."""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets
import pytest

from xsim.errors import InputError
from xsim.teaching.inputs import ChineseDateInput, date_zh, labelled_checkbox, parse_date_zh


@pytest.mark.parametrize(
    "text",
    [
        "2026年3月5日",
        "2026-03-05",
        "2026/3/5",
        "2026.3.5",
        " 2026 年 3 月 5 日 ",
        "２０２６年３月５日",
    ],
)
def test_a_date_is_read_in_chinese_order(text):
    assert parse_date_zh(text) == dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    "text", ["03/05/2026", "5.3.2026", "2026年2月30日", "三月五日", "2026年13月1日"]
)
def test_what_is_not_a_date_in_chinese_order_is_refused(text):
    with pytest.raises(ValueError):
        parse_date_zh(text)


def test_the_field_shows_and_tidies_dates_in_chinese_order():
    field = ChineseDateInput(dt.date(2026, 3, 5), description="协商日期")
    assert field.field.value == "2026年3月5日" and field.value == dt.date(2026, 3, 5)
    assert isinstance(field.field, widgets.Text)  # not the browser's locale-bound date input
    field.field.value = "2026-3-9"  # what the trainee typed, on leaving the field
    assert field.field.value == "2026年3月9日" and field.value == dt.date(2026, 3, 9)
    field.value = None
    assert field.field.value == "" and field.value is None and field.date() is None
    field.value = dt.date(2026, 12, 1)
    assert field.field.value == date_zh(dt.date(2026, 12, 1)) == "2026年12月1日"


def test_a_typo_gets_a_chinese_message_naming_the_field():
    field = ChineseDateInput(description="通报日期")
    field.field.value = "3/5/2026"
    assert field.field.value == "3/5/2026"  # left as typed
    assert field.value is None
    with pytest.raises(InputError) as err:
        field.date("练习记录")
    message = err.value.message("zh")
    assert "通报日期" in message and "2026年3月5日" in message and "3/5/2026" in message


def test_the_record_editor_uses_chinese_dates_and_reports_a_typo():
    from xsim.teaching.cases import elevator_record
    from xsim.teaching.findings import RecordEditor

    editor = RecordEditor(elevator_record())
    for name in ("notified", "consulted", "publicized"):
        assert isinstance(getattr(editor, name), ChineseDateInput)
    assert "年" in editor.consulted.field.value and "月" in editor.consulted.field.value
    editor.consulted.field.value = "2026年3月10日"
    assert editor.to_dict()["timeline"]["consulted"] == "2026-03-10"
    editor.consulted.field.value = "10/03/2026"
    editor.check_button.click()
    assert "协商日期" in editor.status.value and "2026年3月5日" in editor.status.value
    assert "Traceback" not in editor.status.value


def test_the_record_editors_dates_are_restored():
    from xsim.teaching import state
    from xsim.teaching.cases import elevator_record
    from xsim.teaching.findings import RecordEditor

    editor = RecordEditor(elevator_record())
    editor.notified.value = dt.date(2026, 3, 2)
    saved = state.widget_state(editor)
    assert saved["notified"] == {"date": "2026-03-02"}
    assert editor.notified.field in state.inputs(editor.notified)  # typing in it is saved
    again = RecordEditor(elevator_record())
    again.apply_state(saved)
    assert again.notified.field.value == "2026年3月2日"


def _checkboxes(widget) -> list[widgets.Checkbox]:
    found, todo, seen = [], [widget], set()
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        if isinstance(w, widgets.Checkbox):
            found.append(w)
        todo.extend(getattr(w, "children", ()))
    return found


def _course_widgets():
    from xsim.teaching.capstone.widget import Capstone
    from xsim.teaching.cases import elevator_record
    from xsim.teaching.findings import RecordEditor
    from xsim.teaching.picker import ParticipantPicker
    from xsim.teaching.quorum import QuorumCalculator

    return {
        "quorum": QuorumCalculator(kind="owners_meeting", lesson="06"),
        "editor": RecordEditor(elevator_record()),
        "picker": ParticipantPicker(elevator_record()),
        "capstone": Capstone(lesson="09"),
    }


def test_every_check_box_is_ticked_by_its_label():
    """The label is the box's own description (rendered inside the same <label> as the box), not
    indented (an indented box's text sits in a separate label that does not tick it) and not cut
    by a fixed width."""
    built = _course_widgets()
    for name, widget in built.items():
        boxes = _checkboxes(widget)
        assert boxes, name
        for box in boxes:
            assert box.description.strip(), (name, box)
            assert box.indent is False, (name, box.description)
            assert box.layout.width == "auto", (name, box.description)
    box = labelled_checkbox("邀请专家")
    assert (box.description, box.value, box.indent) == ("邀请专家", False, False)
