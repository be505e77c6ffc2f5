"""safe_callback: nothing a trainee clicks may raise; errors become Chinese messages."""

from __future__ import annotations

from xsim.errors import InputError
from xsim.teaching.common import MSG_INTERNAL, TeachingWidget, safe_callback


class _Broken(TeachingWidget):
    @safe_callback
    def boom(self, exc):
        raise exc


def test_input_error_shows_its_chinese_message():
    w = _Broken()
    assert w.boom(InputError("练习记录", "timeline.consulted", "required", "缺少必填字段")) is None
    assert "缺少必填字段" in w.status.value and "timeline.consulted" in w.status.value


def test_any_other_exception_shows_a_chinese_apology_not_a_traceback():
    w = _Broken()
    w.boom(ZeroDivisionError("division by zero"))
    assert MSG_INTERNAL in w.status.value
    assert "Traceback" not in w.status.value and "ZeroDivision" not in w.status.value
