"""Findings viewer and record editor, headless."""

from __future__ import annotations

import datetime as dt

from xsim.records import record_from_dict
from xsim.rules import check_record
from xsim.teaching.cases import apply_patch, elevator_record, get_path
from xsim.teaching.findings import FindingsViewer, RecordEditor


def test_elevator_record_is_compliant():
    assert check_record(record_from_dict(elevator_record())).findings == []


def test_apply_patch_sets_paths_without_touching_the_original():
    base = elevator_record()
    out = apply_patch(base, {"participants[4].spoke": False, "assembly": None})
    assert get_path(out, "participants[4].spoke") is False and out["assembly"] is None
    assert "spoke" not in base["participants"][4] and base["assembly"] is not None


def test_viewer_groups_findings_by_step_in_procedure_order():
    bad = apply_patch(
        elevator_record(), {"topic.opinions_solicited": False, "results.feedback_to": ["subjects"]}
    )
    viewer = FindingsViewer()
    viewer.show_record(bad)
    html = viewer.body.value
    assert "TOPIC-SOLICIT" in html and "RES-FEEDBACK" in html
    assert html.index("一、提出协商议题") < html.index("TOPIC-SOLICIT") < html.index("四、实施")
    assert html.index("四、实施") < html.index("RES-FEEDBACK")
    assert "共发现 2 处违规" in html


def test_viewer_says_so_when_nothing_is_wrong():
    viewer = FindingsViewer(check_record(record_from_dict(elevator_record())))
    assert "没有发现问题" in viewer.body.value


def test_editor_notice_boundary_follows_the_rulebook_default():
    ed = RecordEditor(elevator_record())
    ed.consulted.value = dt.date(2026, 3, 10)
    ed.notified.value = dt.date(2026, 3, 7)  # 3 days: the default notice_days, passes
    ed.check_button.click()
    assert "PROC-NOTICE" not in ed.viewer.body.value and "没有发现问题" in ed.viewer.body.value
    ed.notified.value = dt.date(2026, 3, 8)  # 2 days: one less, fails
    ed.check_button.click()
    assert "PROC-NOTICE" in ed.viewer.body.value


def test_editor_dissenters_not_all_explained():
    ed = RecordEditor(elevator_record())
    ed.explained.value = 3
    ed.check_button.click()
    assert "RES-EXPLAIN" in ed.viewer.body.value


def test_editor_bad_input_gets_chinese_messages_not_tracebacks():
    ed = RecordEditor(elevator_record())
    ed.forms.value = ()  # no form at all
    ed.check_button.click()
    assert "协商形式" in ed.status.value and "至少应有一项" in ed.status.value
    assert "consultation.forms" not in ed.status.value  # the field by its name, not its path
    assert ed.viewer.body.value == ""
    ed.forms.value = ("owners",)
    ed.dissenters.value = -5
    ed.check_button.click()
    assert "持不同意见人数" in ed.status.value and "不小于0" in ed.status.value
    ed.dissenters.value = 2  # fewer than the 4 explained
    ed.check_button.click()
    assert "已解释人数不能超过" in ed.status.value
    ed.dissenters.value = 4
    ed.consulted.value = None  # a cleared date picker
    ed.check_button.click()
    assert "协商日期" in ed.status.value
    assert "Traceback" not in ed.status.value


def _upload(checker, name: str, content: bytes) -> None:
    """What the browser sends when a file is chosen (ipywidgets 8 FileUpload value)."""
    checker.upload.value = (
        {
            "name": name,
            "type": "application/x-yaml",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        },
    )


def test_record_checker_checks_pasted_yaml():
    from xsim.teaching.findings import RecordChecker

    rc = RecordChecker(apply_patch(elevator_record(), {"results.feedback_to": ["subjects"]}))
    rc.check_button.click()
    assert "RES-FEEDBACK" in rc.viewer.body.value and rc.status.value == ""


def test_record_checker_reads_an_uploaded_file():
    from pathlib import Path

    from xsim.teaching.findings import RecordChecker

    path = Path(__file__).resolve().parents[1] / "examples" / "records" / "02-road-late-notice.yaml"
    rc = RecordChecker()
    _upload(rc, path.name, path.read_bytes())
    assert "已读入 02-road-late-notice.yaml" in rc.status.value
    rc.check_button.click()
    assert "PROC-NOTICE" in rc.viewer.body.value


def test_record_checker_bad_input_gets_chinese_messages():
    from xsim.teaching.findings import RecordChecker

    rc = RecordChecker()
    rc.check_button.click()
    assert "请先粘贴或上传" in rc.status.value
    rc.text.value = "title: 测试\n  setting: [village"  # broken YAML
    rc.check_button.click()
    assert "粘贴的记录" in rc.status.value and rc.viewer.body.value == ""
    import yaml

    data = elevator_record()
    data["titel"] = data.pop("title")  # a typo in a field name
    rc.text.value = yaml.safe_dump(data, allow_unicode=True)
    rc.check_button.click()
    assert "titel" in rc.status.value and "未知字段" in rc.status.value
    _upload(rc, "gbk.yaml", "标题".encode("gbk"))
    assert "不是 UTF-8" in rc.status.value
    assert "Traceback" not in rc.status.value


def test_editor_opens_a_record_that_omits_empty_optional_fields():
    # A record loaded from YAML leaves out what is empty (here: never publicized, no feedback).
    record = apply_patch(elevator_record(), {})
    del record["timeline"]["publicized"]
    del record["results"]["feedback_to"]
    editor = RecordEditor(record)
    assert editor.publicized.value is None
    assert tuple(editor.feedback.value) == ()
    editor.check_button.click()
    assert (
        "RES-PUBLICIZE" in editor.viewer.body.value and "RES-FEEDBACK" in editor.viewer.body.value
    )


def test_get_path_default_only_for_absent_or_null():
    data = {"a": {"b": None, "c": 0}}
    assert get_path(data, "a.c", 5) == 0
    assert get_path(data, "a.b", 5) == 5
    assert get_path(data, "a.x", 5) == 5


def test_every_example_record_reads_in_chinese_as_a_form():
    """The spot-the-problem exercise shows a record as a Chinese form: no field key or coded
    value (``married_out``, ``reason``) reaches the trainee, lists of entries included."""
    import re

    from xsim.teaching.examples import example_names, example_record
    from xsim.teaching.findings import record_table_html

    for name in example_names():
        html = re.sub(
            r"<style>.*?</style>", "", record_table_html(example_record(name)), flags=re.S
        )
        text = re.sub(r"<[^>]+>|&[a-z]+;", " ", html)
        assert not re.search(r"[a-z]{3,}", text), (name, re.findall(r"[a-z_]{3,}", text)[:5])
