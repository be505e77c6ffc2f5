"""The trainee's progress store (xsim.teaching.progress), headless, in a temporary Jupyter data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xsim.errors import InputError
from xsim.teaching import progress as P
from xsim.teaching.panels import progress_panel

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "jupyter-data"
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(d))
    return d


def test_store_lives_in_the_jupyter_data_dir(data_dir):
    assert P.store_path() == data_dir / "xsim" / "progress.json"
    assert not P.store_path().exists()
    assert P.load().attempts == []  # nothing stored yet: an empty progress, no file written


def test_answers_survive_a_new_process(data_dir):
    P.record_answer("03", "q1", correct=True, answer="A. 村民议事会", clause="§4.2")
    code = (
        "from xsim.teaching import progress as P; p = P.load(); "
        "print(len(p.attempts), p.attempts[0].answer, p.attempts[0].clause)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), JUPYTER_DATA_DIR=str(data_dir))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.split() == ["1", "A.", "村民议事会", "§4.2"]


def test_first_attempt_scores_and_summary_per_lesson():
    P.register_items("03", ["q1", "q2", "q3"])
    P.record_answer("03", "q1", correct=False, answer="B")
    P.record_answer("03", "q1", correct=True, answer="A")  # corrected, but does not score
    P.record_answer("03", "q2", correct=True, answer=["A", "C"], points=2, max_points=2)
    P.record_answer("10", "x", correct=True, answer="是")
    P.record_answer("4", "x", correct=False, answer="否")
    table = P.summary()
    assert list(table.columns) == P.SUMMARY_COLUMNS
    assert list(table["课次"]) == ["03", "4", "10"]  # by lesson number, not as text
    row = table.set_index("课次").loc["03"]
    assert (row["已答题数"], row["题目总数"], row["首次答对"]) == (2, 3, 1)
    assert (row["得分"], row["满分"]) == (2.0, 3.0)
    assert not row["已完成"]
    P.record_answer("03", "q3", correct=False, answer="D")
    row = P.summary().set_index("课次").loc["03"]
    assert row["已完成"] and row["已答题数"] == 3 and row["得分"] == 2.0
    # a lesson that never registered its items is never "finished"
    assert not P.summary().set_index("课次").loc["10"]["已完成"]


def test_register_items_is_idempotent_and_writes_only_on_change():
    assert P.register_items("01", ["a", "b"])
    stamp = P.store_path().stat().st_mtime_ns
    assert P.register_items("01", ["b", "a"])
    assert P.store_path().stat().st_mtime_ns == stamp
    P.register_items("01", ["c"])
    assert P.load().items == {"01": ["a", "b", "c"]}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lesson": "", "item": "q"}, "lesson"),
        ({"lesson": "01", "item": " "}, "item"),
        ({"lesson": "01", "item": "x" * 81}, "item"),
        ({"lesson": "0\n1", "item": "q"}, "lesson"),
        ({"lesson": "01", "item": "q\tx"}, "item"),
        ({"lesson": "01", "item": "q", "points": 1.5}, "points"),
        ({"lesson": "01", "item": "q", "points": -0.1}, "points"),
        ({"lesson": "01", "item": "q", "max_points": 0}, "max_points"),
    ],
)
def test_bad_arguments_are_input_errors_in_chinese(kwargs, field):
    with pytest.raises(InputError) as err:
        P.record_answer(correct=True, answer="A", **kwargs)
    assert err.value.field == field and err.value.expected_zh
    assert not P.store_path().exists()


def test_points_at_the_boundaries_are_accepted():
    assert P.record_answer("01", "q", correct=False, answer="", points=0).points == 0.0
    assert P.record_answer("01", "r", correct=True, answer="", points=3, max_points=3).points == 3


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"\xff\xfe\x00garbage", b"[]", b'{"format": "other"}',
     b'{"format": "xsim-progress", "version": 99}',
     b'{"format": "xsim-progress", "version": 1, "trainee_id": "a", "attempts": [{"lesson": 1}]}',
     b'{"format": "xsim-progress", "version": 1, "trainee_id": "a", "attempts": '
     b'[{"lesson": "1", "item": "q", "correct": true, "points": 5, "max_points": 1}]}'],
)  # fmt: skip
def test_a_damaged_store_is_set_aside_not_lost(content):
    path = P.store_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert P.load().attempts == []
    aside = list(path.parent.glob("progress.json.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == content
    assert P.record_answer("01", "q", correct=True, answer="A") is not None
    assert len(P.load().attempts) == 1


def test_a_failed_write_leaves_the_old_store_intact(monkeypatch):
    P.record_answer("01", "q1", correct=True, answer="A")
    before = P.store_path().read_bytes()

    def broken_fsync(*args, **kwargs):
        raise OSError("disk full")

    import xsim.io.files

    with monkeypatch.context() as m:
        m.setattr(xsim.io.files.os, "fsync", broken_fsync)
        assert P.record_answer("01", "q2", correct=True, answer="B") is None  # logged only
    assert P.store_path().read_bytes() == before
    leftovers = [p.name for p in P.store_path().parent.iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


def test_an_unwritable_store_does_not_stop_the_lesson(tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    store = blocker / "p.json"
    assert P.record_answer("01", "q", correct=True, answer="A", path=store) is None
    assert P.register_items("01", ["q"], path=store) is False
    assert P.load(store).attempts == [] and P.summary(P.load(store)).empty
    panel = progress_panel(tmp_path, path=store)  # opens, shows an empty progress
    assert "还没有作答记录" in panel.table.value


def test_attempts_per_item_are_bounded_keeping_the_first():
    for i in range(P.MAX_ATTEMPTS + 10):
        P.record_answer("01", "q", correct=i == 0, answer=f"第{i}次")
    P.record_answer("01", "other", correct=True, answer="A")
    kept = [a for a in P.load().attempts if a.item == "q"]
    assert len(kept) == P.MAX_ATTEMPTS
    assert kept[0].answer == "第0次" and kept[-1].answer == f"第{P.MAX_ATTEMPTS + 9}次"
    assert P.summary().loc[0, "首次答对"] == 2


def test_answers_are_stored_as_bounded_text():
    a = P.record_answer("01", "q", correct=True, answer=["A. 甲", "C. 丙"])
    assert a.answer == "A. 甲；C. 丙"
    long = P.record_answer("01", "r", correct=False, answer="很" * 10_000)
    assert len(long.answer) == P.MAX_ANSWER_CHARS


def test_two_kernels_writing_at_once_lose_nothing(data_dir):
    code = (
        "import sys; from xsim.teaching import progress as P\n"
        "for i in range(25): P.record_answer('01', f'{sys.argv[1]}{i}', correct=True, answer='A')"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), JUPYTER_DATA_DIR=str(data_dir))
    procs = [subprocess.Popen([sys.executable, "-c", code, who], env=env) for who in ("a", "b")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert len(P.load().attempts) == 50


def test_trainee_name_is_validated():
    assert P.set_trainee("  张 三 ") == "张 三"
    assert P.load().trainee == "张 三"
    for bad in ["", "   ", "x" * 41, "张\n三"]:
        with pytest.raises(InputError):
            P.set_trainee(bad)
    assert P.load().trainee == "张 三"


def test_export_to_a_folder_and_read_back(tmp_path):
    P.set_trainee("李/四")
    P.record_answer("02", "q1", correct=False, answer="B", clause="§3.1")
    out = P.export(tmp_path)
    assert out.parent == tmp_path and out.name.startswith("学习进度_李_四_")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == P.EXPORT_FORMAT and data["exported"]
    back = P.load_export(out)
    assert back.trainee == "李/四" and back.attempts == P.load().attempts
    assert back.trainee_id == P.load().trainee_id


def test_load_export_rejects_other_files(tmp_path):
    P.record_answer("02", "q1", correct=False, answer="B")
    with pytest.raises(InputError):  # the store itself is not an export
        P.load_export(P.store_path())
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x00\x01")
    with pytest.raises(InputError):
        P.load_export(bad)
    with pytest.raises(InputError):
        P.load_export(tmp_path / "missing.json")


def test_progress_panel_shows_saves_and_exports(tmp_path):
    panel = progress_panel(tmp_path / "out")
    assert "还没有作答记录" in panel.table.value
    P.register_items("01", ["q1"])
    P.record_answer("01", "q1", correct=True, answer="A")
    panel.refresh_button.click()
    assert "<td" in panel.table.value and "是" in panel.table.value  # 已完成: 是
    panel.name.value = "张\n三"
    panel.save_name.click()
    assert "姓名" in panel.status.value and P.load().trainee == ""
    panel.name.value = " 张三 "
    panel.save_name.click()
    assert P.load().trainee == "张三" and panel.status.value == ""
    (tmp_path / "out").mkdir()
    panel.export_button.click()
    exported = list((tmp_path / "out").glob("学习进度_张三_*.json"))
    assert len(exported) == 1 and P.load_export(exported[0]).trainee == "张三"
    assert "data:application/octet-stream;base64," in panel.result.value
    assert panel.export_button.description == "导出进度文件" and not panel.export_button.disabled


def test_progress_panel_export_to_a_missing_folder_is_a_chinese_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    panel = progress_panel(blocker / "sub")
    panel.export_button.click()
    assert "没能写入" in panel.status.value
