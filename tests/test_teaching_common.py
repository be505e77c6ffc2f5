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
    assert "缺少必填字段" in w.status.value and "练习记录" in w.status.value
    # the field by its Chinese name: a record path never reaches a trainee
    assert "协商日期" in w.status.value and "timeline.consulted" not in w.status.value
    w.boom(InputError("<input>", "results.dissenters", "required", "缺少必填字段"))
    assert "input" not in w.status.value and "持不同意见人数" in w.status.value
    w.boom(InputError("<计算器>", "present", "present <= members", "实到人数不能多于应到人数"))
    assert "present" not in w.status.value and "实到人数不能多于应到人数" in w.status.value


def test_any_other_exception_shows_a_chinese_apology_not_a_traceback():
    w = _Broken()
    w.boom(ZeroDivisionError("division by zero"))
    assert MSG_INTERNAL in w.status.value
    assert "Traceback" not in w.status.value and "ZeroDivision" not in w.status.value


def test_every_public_name_of_the_package_resolves():
    import xsim.teaching as teaching

    for name in teaching.__all__:
        assert getattr(teaching, name).__name__ == name


def test_quiz_alone_does_not_import_the_model():
    import subprocess
    import sys

    code = (
        "import sys; from xsim.teaching import Quiz, Question; "
        "Quiz.of([Question(prompt='题', choices=['甲', '乙'], answer='甲')]); "
        "print(any(m in sys.modules for m in ('mesa', 'xsim.sim.model', 'matplotlib')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_clause_quotes_tell_notice_from_law():
    from xsim.teaching.common import clause_kind_zh, clause_quote_html

    assert clause_kind_zh("§4.2") == "通知原文"
    assert clause_kind_zh("Organic Law art. 22") == "法律条文"
    html = clause_quote_html("§4.6; Organic Law art. 24")
    assert "通知原文（§4.6）" in html and "法律条文（Organic Law art. 24）" in html
    assert "提交村（居）民会议" in html and "征地补偿费的使用" in html
