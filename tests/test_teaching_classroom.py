"""A room's progress exports merged into a class summary (xsim.teaching.classroom), headless."""

from __future__ import annotations

import json
import math
import time

import pytest

from xsim.teaching import progress as P
from xsim.teaching.classroom import FINISHED, IN_PROGRESS, NOT_STARTED, class_summary


def _trainee(tmp_path, key: str, name: str, answers, register=True):
    """A trainee's own store (their own Jupyter data dir), filled with ``answers``."""
    store = tmp_path / key / "progress.json"
    P.set_trainee(name, path=store)
    if register:
        P.register_items("01", ["q1", "q2"], path=store)
    for lesson, item, correct, answer, clause in answers:
        P.record_answer(lesson, item, correct=correct, answer=answer, clause=clause, path=store)
    return store


@pytest.fixture
def room(tmp_path):
    inbox = tmp_path / "收上来的"
    inbox.mkdir()
    a = _trainee(
        tmp_path,
        "a",
        "张三",
        [
            ("01", "q1", True, "A", "§4.1"),
            ("01", "q2", True, "B", "§4.2"),
            ("02", "q1", False, "B. 村民会议", "§4.2"),
        ],
    )
    b = _trainee(
        tmp_path,
        "b",
        "<b>李四</b>",
        [
            ("01", "q1", False, "C", "§4.1"),
            ("01", "q1", True, "A", "§4.1"),
            ("01", "q2", True, "B", ""),
        ],
    )
    c = _trainee(tmp_path, "c", "张三", [("01", "q1", False, "C", "§4.1")])
    P.export(inbox / "a-early.json", progress=P.load(a))
    time.sleep(1.1)  # the later export of the same trainee wins (timestamps have seconds)
    P.record_answer("02", "q2", correct=True, answer="A", clause="§4.3", path=a)
    P.export(inbox / "a-late.json", progress=P.load(a))
    P.export(inbox / "b.json", progress=P.load(b))
    P.export(inbox / "c.json", progress=P.load(c))
    (inbox / "损坏.json").write_text("{not json", encoding="utf-8")
    (inbox / "store.json").write_bytes(a.read_bytes())  # the store itself, not an export
    (inbox / "notes.txt").write_text("不是 JSON 文件，不读", encoding="utf-8")
    return inbox


def test_who_finished_and_scores(room):
    s = class_summary(room)
    assert len(s.trainees) == 3  # A exported twice: counted once
    names = list(s.finished.index)
    assert "<b>李四</b>" in names and sum(n.startswith("张三（") for n in names) == 2
    assert list(s.finished.columns) == ["01", "02"]
    statuses = sorted(map(tuple, s.finished.values.tolist()))
    assert statuses == [
        (FINISHED, NOT_STARTED),
        (FINISHED, IN_PROGRESS),  # A: lesson 02 has no registered items -> never "finished"
        (IN_PROGRESS, NOT_STARTED),
    ]
    top = s.trainees.iloc[0]
    assert top["已完成课次"] == 1 and top["已答题数"] == 4 and top["得分"] == 3.0
    li = s.trainees.set_index("姓名").loc["<b>李四</b>"]
    assert (li["首次答对"], li["得分"], li["满分"]) == (1, 1.0, 2.0)  # the first attempt scores
    assert math.isclose(li["得分率"], 0.5)
    assert set(s.trainees["综合演练情景"]) == {"—"}  # nobody has drawn a capstone case here


def test_common_mistakes_per_question_and_clause(room):
    s = class_summary(room)
    q = s.questions.set_index(["课次", "题目"])
    q1, q2 = "自测第 1 题", "自测第 2 题"  # the trainer reads item ids in Chinese
    assert (q.loc[("01", q1), "作答人数"], q.loc[("01", q1), "首次答错人数"]) == (3, 2)
    assert q.loc[("01", q1), "常见错误答案"] == "C（2人）"
    assert q.loc[("02", q1), "答错率"] == 1.0
    assert q.loc[("01", q2), "常见错误答案"] == "—"
    assert list(s.questions["答错率"]) == sorted(s.questions["答错率"], reverse=True)
    c = s.clauses.set_index("条款")
    # §4.2: 01/q2 (A right; B's clause is empty, the first non-empty one is kept) and 02/q1 wrong
    assert (c.loc["§4.2", "题目数"], c.loc["§4.2", "作答人次"]) == (2, 3)
    assert c.loc["§4.2", "首次答错人次"] == 1
    assert c.loc["§4.1", "首次答错人次"] == 2


def test_bad_files_are_skipped_with_chinese_reasons(room):
    s = class_summary(room)
    skipped = {name.rsplit("/", 1)[-1]: why for name, why in s.skipped}
    assert set(skipped) == {"损坏.json", "store.json"}
    assert all(why and not why.isascii() for why in skipped.values())


def test_html_report_is_chinese_escaped_and_offline(room, tmp_path):
    s = class_summary(room)
    out = s.save_html(tmp_path / "班级汇总.html")
    text = out.read_text(encoding="utf-8")
    assert "班级学习情况汇总" in text and "学员 3 人" in text
    assert "&lt;b&gt;李四&lt;/b&gt;" in text and "<b>李四</b>" not in text
    assert "损坏.json" in text and "http" not in text and "<script" not in text
    assert 'class="num">67%</td>' in text  # 01/q1: 2 of 3 wrong


def test_an_empty_room(tmp_path):
    s = class_summary(tmp_path)
    assert s.trainees.empty and s.questions.empty and s.clauses.empty and s.skipped == []
    assert "学员 0 人" in s.to_html()


def test_progress_objects_and_file_lists(tmp_path):
    store = _trainee(tmp_path, "x", "王五", [("03", "q", False, "D", "")], register=False)
    s = class_summary([P.load(store)])
    assert s.finished.loc["王五", "03"] == IN_PROGRESS
    exported = P.export(tmp_path / "x.json", progress=P.load(store))
    assert class_summary([exported]).questions.loc[0, "条款"] == "—"
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["trainee"] == "王五"


def test_classroom_panel(room, tmp_path):
    from xsim.teaching.panels import classroom_panel

    panel = classroom_panel(tmp_path / "不存在")
    panel.run_button.click()
    assert "找不到文件夹" in panel.status.value
    panel.folder.value = str(room)
    time.sleep(0.35)  # a click right after the last one would be taken for a double click
    panel.run_button.click()
    assert panel.status.value == ""
    assert "各题常见错误" in panel.output.value and "C（2人）" in panel.output.value
    assert (room.parent / "班级学习情况汇总.html").exists()
    assert "data:application/octet-stream;base64," in panel.output.value


def test_a_capstone_case_in_an_export_is_shown_and_never_opened_as_a_path(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for key, scenario in (("a", "village_road"), ("b", "../../etc/passwd")):
        store = _trainee(tmp_path, key, f"学员{key}", [])
        P.set_case("capstone", scenario, 42, path=store)
        P.export(inbox / f"{key}.json", progress=P.load(store))
    cases = set(class_summary(inbox).trainees["综合演练情景"])
    from xsim.sim.scenario import load_scenario

    assert cases == {
        f"{load_scenario('village_road').title}（情景编号 42）",
        "../../etc/passwd（情景编号 42）",  # the text as written, no file opened
    }
