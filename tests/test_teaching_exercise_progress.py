"""Every interactive exercise of the course saves the trainee's answers as they go.

Each exercise is operated headless (as a trainee would click it) with the progress store in a
temporary Jupyter data folder; the test reads the store back: the exercise's items are registered
under its lesson, each submitted answer is an attempt with Chinese answer text, right or wrong as
the rules engine judges it, and the clause it trains. A store that cannot be written gives a
Chinese note beside the exercise and never a traceback.
"""

from __future__ import annotations

import re

import pytest

from xsim.teaching import course, progress
from xsim.teaching.cases import apply_patch
from xsim.teaching.classroom import class_summary
from xsim.teaching.common import FORM_ZH, MSG_INTERNAL
from xsim.teaching.findings import check_dict
from xsim.teaching.picker import elevator_candidates
from xsim.teaching.progress import SAVE_FAILED_ZH
from xsim.teaching.progress_view import item_title


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "jupyter-data"
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(d))
    return d


def attempts(lesson: str, item: str | None = None) -> list[progress.Attempt]:
    return [
        a
        for a in progress.load().attempts
        if a.lesson == lesson and (item is None or a.item == item)
    ]


def assert_chinese(answer: str) -> None:
    """Answer text a trainer reads: Chinese, no English words or keys (a choice letter is fine)."""
    assert answer and re.search(r"[\u4e00-\u9fff]", answer), answer
    assert not re.search(r"[A-Za-z]{2,}", answer), answer


# -- lesson 03: which form fits which matter ---------------------------------------------------------
def test_form_match_saves_one_attempt_per_situation_with_its_clause():
    ex = course.FormMatchExercise(lesson="03")
    n = len(ex.situations)
    assert progress.load().items["03"] == [f"form{i + 1}" for i in range(n)]
    right = [s.fits[0] for s in ex.situations]
    wrong = ["board"] * n  # fits none of the situations of lesson 03
    assert not any("board" in s.fits for s in ex.situations)
    ex.choose(*wrong)
    ex.submit.click()
    ex.choose(*right)
    ex.submit.click()
    for i, s in enumerate(ex.situations):
        first, second = attempts("03", f"form{i + 1}")
        assert (first.correct, second.correct) == (False, True)
        assert first.answer == FORM_ZH["board"] and second.answer == FORM_ZH[s.fits[0]]
        assert first.clause == s.clause
        assert_chinese(first.answer)
    assert progress.summary().set_index("课次").loc["03"]["已完成"]


def test_form_match_with_a_missing_choice_saves_nothing():
    ex = course.FormMatchExercise(lesson="03")
    ex.submit.click()
    assert "请为每个情形" in ex.status.value and attempts("03") == []


# -- lessons 04, 06: the quorum calculator -----------------------------------------------------------
@pytest.mark.parametrize(
    ("present", "valid"), [(430, False), (431, True)]
)  # 860 villagers: more than half is 431
def test_quorum_calculator_saves_the_trainees_judgement(present, valid):
    calc = course.QuorumCalculator(members=860, present=present, yes=present, lesson="04")
    assert progress.load().items["04"] == ["quorum"]
    calc.check_button.click()  # no judgement yet: asked for one, nothing saved
    assert "请先判断" in calc.status.value and calc.result.value == ""
    assert attempts("04") == []
    calc.predict(not valid)
    calc.check_button.click()
    calc.predict(valid)
    calc.check_button.click()
    first, second = attempts("04", "quorum")
    assert (first.correct, second.correct) == (False, True)
    assert "您的判断不对" in calc.result.value or "您判断对了" in calc.result.value
    assert first.clause == "《村民委员会组织法》第二十六条"
    assert f"实到 {present}" in second.answer and "村民会议" in second.answer
    assert_chinese(second.answer)


def test_owners_meeting_judgement_names_the_areas():
    calc = course.QuorumCalculator(
        kind="owners_meeting",
        members=240,
        present=171,
        yes=122,
        area_total=16800.0,
        area_present=12100.0,
        area_yes=8900.0,
        lesson="06",
    )
    calc.predict(False)  # 122 of 171 is short of three quarters
    calc.check_button.click()
    (a,) = attempts("06", "quorum")
    assert a.correct and "面积" in a.answer and "第二百七十八条" in a.clause
    assert_chinese(a.answer)


def test_quorum_bad_numbers_are_a_message_and_no_attempt():
    calc = course.QuorumCalculator(members=10, present=20, yes=5, lesson="04")
    calc.predict(True)
    calc.check_button.click()
    assert "实到人数不能多于应到人数" in calc.status.value and attempts("04") == []


# -- lessons 04, 05: the procedure steppers ----------------------------------------------------------
@pytest.mark.parametrize("which", ["stepper", "results_stepper"])
def test_every_confirmed_step_is_saved_and_judged_by_the_engine(which):
    lesson = {"stepper": "04", "results_stepper": "05"}[which]
    st = course.stepper(lesson=lesson)
    assert progress.load().items[lesson] == [f"step{i + 1}" for i in range(len(st.steps))]
    for index, step in enumerate(st.steps):
        order = sorted(range(len(step.choices)), key=lambda k: step.choices[k].best)
        for k in order:  # every choice once, the reference choices last
            st.choose(k)
            st.confirm.click()
        saved = attempts(lesson, f"step{index + 1}")
        assert len(saved) == len(step.choices)
        for a in saved:
            choice = next(c for c in step.choices if c.label == a.answer)
            # the key: the engine's findings of this step on the record with this choice
            picks = [*st.picks[:index], step.choices.index(choice)]
            data = st.base
            for i, p in enumerate(picks):
                data = apply_patch(data, st.steps[i].choices[p].patch)
            found = {f.code for f in check_dict(data).findings} & set(step.codes)
            assert a.correct == (not found), (step.title, a.answer, found)
            assert a.clause == step.clause
            assert_chinese(a.answer)
        assert saved[-1].correct  # the reference choice fits the notice
        st.next.click()
    assert any(not a.correct for a in attempts(lesson))  # the wrong choices were judged wrong
    assert progress.summary().set_index("课次").loc[lesson]["已完成"]


# -- lesson 02: who takes part ------------------------------------------------------------------------
def test_picker_saves_each_check_with_the_chosen_people():
    p = course.picker(lesson="02")
    assert progress.load().items["02"] == ["picker"]
    labels = [c.label for c in elevator_candidates()]
    unrelated = "隔壁小区的商户老板"
    p.select(*[x for x in labels if x != "上门推销的电梯公司销售"])  # includes an unrelated one
    p.check_button.click()
    p.select(*[x for x in labels if "商户" not in x and "推销" not in x])
    p.check_button.click()
    first, second = attempts("02", "picker")
    assert not first.correct and unrelated in first.answer
    assert second.correct == (not p.codes) and second.correct, p.result.value
    assert first.clause == "§2.b" and unrelated not in second.answer
    assert_chinese(second.answer)


def test_picker_with_nobody_ticked_saves_nothing():
    p = course.picker(lesson="02")
    p.check_button.click()
    assert "至少勾选" in p.status.value and attempts("02") == []


# -- lesson 05: fix a record ---------------------------------------------------------------------------
def test_record_editor_saves_each_check_right_when_no_violation_is_left():
    ed = course.editor("06", lesson="05")
    assert progress.load().items["05"] == ["fix"]
    faults = check_dict(course.example_record("06")).violations
    assert faults  # the record of lesson 05 starts with faults
    ed.check_button.click()
    (a,) = attempts("05", "fix")
    assert not a.correct and a.clause
    assert a.clause == "§5.2" == faults[0].clause
    assert "征求意见" in a.answer and "形式" in a.answer
    assert_chinese(a.answer)
    ok = course.RecordFixExercise(course.example_record("01"), title="t", lesson="05", item="ok")
    ok.check_button.click()
    assert attempts("05", "ok")[0].correct


# -- lesson 09: spot the mistakes, in 09 too ----------------------------------------------------------
def test_spot_exercises_of_lesson_09_are_saved_with_their_clauses():
    ex = course.SpotExercise("05", lesson="09")
    ex.select(*ex.truth)
    ex.submit.click()
    (a,) = attempts("09", "spot05")
    assert a.correct and a.clause == "《村民委员会组织法》第二十六条第一款（2025年修正）"
    assert_chinese(a.answer)
    ex = course.SpotExercise("07", lesson="07")
    ex.select(*ex.truth)
    ex.submit.click()
    (a,) = attempts("07", "spot07")
    first, second = a.clause.split("；")
    # the exclusion of married-out women is a law-level finding (妇女权益保障法 art. 56 para. 1)
    assert first == "《妇女权益保障法》第五十六条第一款（2022年修订）"
    assert second.startswith("《村民委员会组织法》第三十一条")
    assert not re.search(r"[A-Za-z]{2,}", a.clause)  # the trainer reads the clause in Chinese


# -- every lesson source passes its lesson to its exercises ------------------------------------------
EXERCISE_CALL = re.compile(
    r"^course\.(ThresholdExercise|LeadExercise|FormMatchExercise|QuorumCalculator|SpotExercise|"
    r"PredictionExercise|picker|stepper|results_stepper|editor|quiz)\((.*)\)$"
)


def test_every_exercise_in_the_course_source_saves_under_its_own_lesson():
    from xsim.teaching.lessons import lesson_folder, load_toc

    seen = 0
    for entry in load_toc().lessons:
        text = (lesson_folder(entry.id) / "lesson.md").read_text(encoding="utf-8")
        for line in text.splitlines():
            m = EXERCISE_CALL.match(line.strip())
            if not m:
                continue
            seen += 1
            if m.group(1) == "quiz":
                assert m.group(2) == f'"{entry.id}"', line
            else:
                assert f'lesson="{entry.id}"' in m.group(2), (entry.folder, line)
    assert seen >= 15


# -- the home page and the trainer's class summary show them ---------------------------------------
def test_saved_exercises_reach_the_home_page_and_the_class_summary(tmp_path):
    calc = course.QuorumCalculator(lesson="04")
    calc.predict(False)  # 420 of 860 villagers: not more than half
    calc.check_button.click()
    st = course.stepper(lesson="04")
    st.choose(0)
    st.confirm.click()
    panel = course.my_progress(tmp_path)
    assert "<td" in panel.table.value and ">04<" in panel.table.value.replace(" ", "")
    progress.set_trainee("张三")
    out = progress.export(tmp_path)
    room = class_summary(tmp_path)
    items = set(zip(room.questions["课次"], room.questions["题目"], strict=True))
    assert {("04", "法定人数计算器"), ("04", "程序演练第 1 步：第一步 提出协商议题")} <= items
    assert out.exists()


@pytest.mark.parametrize(
    ("item", "title"),
    [("q12", "自测第 12 题"), ("predict-forms-3", "先预测第 3 题"), ("lead2", "由谁牵头第 2 题"),
     ("form5", "什么事用什么形式第 5 题"), ("step6", "程序演练第 6 步"), ("spot07", "找问题（示例记录 07）"),
     ("capstone", "综合演练"), ("quorum", "法定人数计算器"), ("fix", "改一改这份记录"),
     ("threshold", "联名门槛练习"), ("picker", "请谁来协商"), ("q", "q"), ("stepx", "stepx"),
     ("something-else", "something-else")],
)  # fmt: skip
def test_item_ids_read_in_chinese_for_the_trainer(item, title):
    assert item_title(item) == title


def test_every_item_the_course_registers_has_a_chinese_title():
    course.FormMatchExercise(lesson="03")
    course.QuorumCalculator(lesson="04")
    course.stepper(lesson="04")
    course.picker(lesson="02")
    course.editor("06", lesson="05")
    course.ThresholdExercise(lesson="01")
    course.LeadExercise(lesson="02")
    course.SpotExercise("05", lesson="09")
    course.quiz("01")
    items = [i for ids in progress.load().items.values() for i in ids]
    assert len(items) >= 20
    for item in items:
        assert re.search(r"[\u4e00-\u9fff]", item_title(item)), item


# -- a store that cannot be written -------------------------------------------------------------------
def _operate_every_exercise() -> list:
    """Operate each exercise once; return the widgets (each must have said why nothing was saved)."""
    form = course.FormMatchExercise(lesson="03")
    form.choose(*[s.fits[0] for s in form.situations])
    form.submit.click()
    calc = course.QuorumCalculator(lesson="04")
    calc.predict(False)
    calc.check_button.click()
    st = course.stepper(lesson="04")
    st.choose(0)
    st.confirm.click()
    p = course.picker(lesson="02")
    p.select("社区居委会")
    p.check_button.click()
    ed = course.editor("06", lesson="05")
    ed.check_button.click()
    th = course.ThresholdExercise(lesson="01")
    th.submit.click()
    lead = course.LeadExercise(lesson="02")
    lead.choose(*["committee"] * len(lead.cases))
    lead.submit.click()
    spot = course.SpotExercise("05", lesson="09")
    spot.select(*spot.truth)
    spot.submit.click()
    return [form, calc, st, p, ed, th, lead, spot]


def test_an_unwritable_store_gives_a_chinese_note_and_the_exercises_go_on(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(blocker / "jupyter"))
    for widget in _operate_every_exercise():
        assert SAVE_FAILED_ZH in widget.status.value, type(widget).__name__
        assert MSG_INTERNAL not in widget.status.value and "Traceback" not in widget.status.value
    quiz = course.quiz("01")
    quiz.cards[0].select(0)
    quiz.cards[0].submit.click()
    assert SAVE_FAILED_ZH in quiz.cards[0].status.value
    assert quiz.cards[0].feedback.value  # the answer was still judged


def test_a_read_only_folder_gives_a_chinese_note(monkeypatch):
    """A read-only data folder (as for a trainee on a locked-down machine; the tests may run as
    root, who may write anywhere, so the refusal is simulated where the store writes)."""

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    from xsim.teaching import progress_file

    monkeypatch.setattr(progress_file, "write_atomic", refuse)
    for widget in _operate_every_exercise():
        assert SAVE_FAILED_ZH in widget.status.value, type(widget).__name__
        assert MSG_INTERNAL not in widget.status.value
    assert progress.load().attempts == []


def test_a_store_that_is_a_folder_gives_a_chinese_note(data_dir):
    (data_dir / "xsim" / "progress.json").mkdir(parents=True)  # cannot be read nor replaced
    for widget in _operate_every_exercise():
        assert SAVE_FAILED_ZH in widget.status.value, type(widget).__name__
        assert MSG_INTERNAL not in widget.status.value


def test_a_damaged_store_is_set_aside_and_the_answers_are_saved(data_dir):
    store = data_dir / "xsim" / "progress.json"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"{damaged")
    widgets = _operate_every_exercise()
    for widget in widgets:
        assert SAVE_FAILED_ZH not in widget.status.value
    assert list(store.parent.glob("progress.json.damaged-*"))
    lessons = {a.lesson for a in progress.load().attempts}
    assert lessons == {"01", "02", "03", "04", "05", "09"}
