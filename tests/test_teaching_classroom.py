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
    assert top["已完成课次"] == 1 and top["作答次数"] == 4 and top["首次得分"] == 3.0
    li = s.trainees.set_index("姓名").loc["<b>李四</b>"]
    # the first attempt is what the quizzes count; the best and the last show the correction
    assert (li["首次得分"], li["最好得分"], li["最后得分"], li["满分"]) == (1.0, 2.0, 2.0, 2.0)
    assert li["作答次数"] == 3 and math.isclose(li["得分率"], 1.0)
    assert set(s.trainees["综合演练情景"]) == {"—"}  # nobody has drawn a capstone case here


def test_common_mistakes_per_question_and_clause(room):
    s = class_summary(room)
    q = s.questions.set_index(["课次", "题目"])
    # the trainer reads each item as the trainee saw it (the lesson's own question)
    from xsim.teaching.item_names import item_name

    q1, q2 = item_name("01", "q1"), item_name("01", "q2")
    assert q1.startswith("自测第 1 题：") and len(q1) > len("自测第 1 题：")
    assert (q.loc[("01", q1), "作答人数"], q.loc[("01", q1), "首次答错人数"]) == (3, 2)
    assert q.loc[("01", q1), "常见错误答案"] == "C（2人）"
    assert q.loc[("02", item_name("02", "q1")), "答错率"] == 1.0
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
    assert 'class="num" style="text-align:right">67%</td>' in text  # 01/q1: 2 of 3 wrong


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
    links = panel.downloads.value
    assert links.count("data:application/octet-stream;base64,") == 2  # report and table
    assert "汇总报告" in links and "各讲得分表" in links and "还没有学员通过综合演练" in links
    assert ".json" not in links and "save_" not in links  # no file or code names to read


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


# -- the trainer's view of best, last, pass and full marks (issue 24 §2) ------------------------------
def test_the_capstone_passes_on_its_best_attempt_and_full_marks_count_unanswered_items(tmp_path):
    store = tmp_path / "d" / "progress.json"
    P.set_trainee("王五", path=store)
    P.register_items("09", ["capstone", "spot05"], max_points={"capstone": 100}, path=store)
    for points, passed in ((64.9, False), (94.9, True), (70.0, False)):
        P.record_answer(
            "09", "capstone", correct=passed, answer="方案", points=points, max_points=100,
            path=store,
        )  # fmt: skip
    s = class_summary([P.load(store)])
    row = s.trainees.iloc[0]
    assert row["综合演练"] == "通过" and row["综合演练最好得分"] == 94.9
    lesson = s.lessons.set_index("课次").loc["09"]
    # first 64.9, best 94.9, last 70; 满分 = the capstone's 100 + the unanswered spot05's 1
    assert (lesson["首次得分"], lesson["最好得分"], lesson["最后得分"]) == (64.9, 94.9, 70.0)
    assert lesson["满分"] == 101 and lesson["作答次数"] == 3 and lesson["综合演练"] == "通过"


def test_the_per_lesson_table_saves_as_csv_a_spreadsheet_reads(room, tmp_path):
    s = class_summary(room)
    out = s.save_csv(tmp_path / "班级.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads the Chinese
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:3] == ["姓名", "课次", "状态"] and "最好得分" in header
    assert len(raw.decode("utf-8-sig").splitlines()) == len(s.lessons) + 1


def test_the_best_attempt_survives_the_stores_bound(tmp_path):
    store = tmp_path / "e" / "progress.json"
    scores = [50.0, 96.0] + [60.0] * (P.MAX_ATTEMPTS + 5)
    for points in scores:
        P.record_answer(
            "09", "capstone", correct=points >= 75, answer="方案", points=points,
            max_points=100, path=store,
        )  # fmt: skip
    kept = [a.points for a in P.load(store).attempts]
    assert len(kept) == P.MAX_ATTEMPTS and kept[:2] == [50.0, 96.0]
    assert class_summary([P.load(store)]).trainees.iloc[0]["综合演练"] == "通过"
