"""Learning measured (issue 24 §3): the 前测 of lesson 00 and the 后测 of lesson 09 ask about the
same clauses with different questions; the class summary turns trainees' exports into the gain
per clause; a completion record only for a trainee whose best capstone attempt passed."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from xsim.errors import InputError
from xsim.teaching import progress as P
from xsim.teaching.answers import QUIZ_FILES, LocalAnswerKey, write_trainee_edition
from xsim.teaching.classroom import class_summary
from xsim.teaching.common import clause_text_zh
from xsim.teaching.course_check import _check_learning_tests
from xsim.teaching.lessons import load_learning_test_file, load_toc
from xsim.teaching.quiz import Quiz
from xsim.teaching.schema import Toc

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
PRE_FILE = COURSE / "00_导读" / QUIZ_FILES["pre"]
POST_FILE = COURSE / "09_综合演练" / QUIZ_FILES["post"]


# -- the course's two tests --------------------------------------------------------------------------


def test_pre_and_post_test_pair_by_clause_with_different_questions():
    pre, post = load_learning_test_file(PRE_FILE), load_learning_test_file(POST_FILE)
    assert 4 <= len(pre.questions) <= 6 and 4 <= len(post.questions) <= 6
    assert sorted(pre.clauses) == sorted(post.clauses)
    assert len(pre.clauses) == len(pre.questions)  # one question per clause: a gain of 0/1 each
    assert not {q.prompt for q in pre.questions} & {q.prompt for q in post.questions}
    for a, b in zip(pre.questions, post.questions, strict=True):
        assert set(a.choice_texts) != set(b.choice_texts)
    folders = [e.folder for e in load_toc(COURSE).lessons]
    assert folders.index(PRE_FILE.parent.name) < folders.index(POST_FILE.parent.name)


@pytest.mark.parametrize("path", [PRE_FILE, POST_FILE], ids=["前测", "后测"])
def test_each_explanation_quotes_its_clause_from_the_notice(path):
    for i, q in enumerate(load_learning_test_file(path).questions):
        text = clause_text_zh(q.clause or "")
        quotes = re.findall(r"「([^」]+)」", q.explanation)
        assert text and quotes, f"第 {i + 1} 题"
        for quote in quotes:
            assert quote in text, f"第 {i + 1} 题引文不是 {q.clause} 的原文：{quote}"
        assert q.explanation.startswith(q.clause or "?")


def _toc(*folders: str) -> Toc:
    return Toc(
        title="课",
        lessons=[
            {"id": f"{i:02d}", "folder": f, "title": f, "summary": "…", "minutes": 10}
            for i, f in enumerate(folders)
        ],
    )


def _course_with(tmp_path, pre_text: str | None, post_text: str | None):
    for folder, name, text in (("00_a", "pre", pre_text), ("09_b", "post", post_text)):
        (tmp_path / folder).mkdir(parents=True)
        if text is not None:
            (tmp_path / folder / QUIZ_FILES[name]).write_text(text, encoding="utf-8")
    return tmp_path, _toc("00_a", "09_b")


def _refused(course, words: str) -> None:
    with pytest.raises(InputError) as err:
        _check_learning_tests(*course)
    assert words in err.value.message("zh")


def test_the_course_check_refuses_unpaired_tests(tmp_path):
    pre = PRE_FILE.read_text("utf-8")
    post = POST_FILE.read_text("utf-8")
    _check_learning_tests(*_course_with(tmp_path / "ok", pre, post))
    _refused(_course_with(tmp_path / "alone", pre, None), "配对")
    other_clause = post.replace("clause: §5.2", "clause: §5.4")
    _refused(_course_with(tmp_path / "clause", pre, other_clause), "条款必须与前测相同")
    first = load_learning_test_file(PRE_FILE).questions[0].prompt
    second = load_learning_test_file(POST_FILE).questions[0].prompt
    _refused(_course_with(tmp_path / "same", pre, post.replace(second, first)), "换一道题")


def test_a_question_without_its_clause_is_refused_in_chinese(tmp_path):
    path = tmp_path / QUIZ_FILES["pre"]
    path.write_text(re.sub(r"(?m)^  clause: §1\.f\n", "", PRE_FILE.read_text("utf-8")), "utf-8")
    with pytest.raises(InputError) as err:
        load_learning_test_file(path)
    assert "条款" in err.value.message("zh") and "questions[0]" in str(err.value.field)


def test_the_key_judges_pre_and_post_items_and_the_trainee_edition_has_no_answers(tmp_path):
    key = LocalAnswerKey(COURSE)
    q = load_learning_test_file(POST_FILE).questions[0]
    assert key.judge("09", "post1", q.answers[0]).correct
    wrong = next(t for t in q.choice_texts if t not in q.answers)
    assert not key.judge("09", "post1", wrong).correct
    with pytest.raises(InputError):
        key.judge("09", "post9", wrong)
    write_trainee_edition(COURSE, tmp_path / "学员版")
    stripped = (tmp_path / "学员版" / "00_导读" / QUIZ_FILES["pre"]).read_text("utf-8")
    assert "answer:" not in stripped and "why:" not in stripped and "clause: §4.2" in stripped


# -- from the widgets to the trainer's table --------------------------------------------------------


def _answer(quiz: Quiz, right: set[int]) -> None:
    """Answer every question of ``quiz`` once: right for the 0-based indices in ``right``."""
    for i, card in enumerate(quiz.cards):
        q = card.question
        ok = q.correct_set
        card.select(
            *(ok if i in right else [next(j for j in range(len(q.choices)) if j not in ok)])
        )
        card.submit.click()


def _take(tmp_path, key: str, name: str, pre: set[int] | None, post: set[int] | None, inbox):
    store = tmp_path / key / "progress.json"
    P.set_trainee(name, path=store)
    local = LocalAnswerKey(COURSE)
    if pre is not None:
        _answer(Quiz("00", local, lesson="00", item_prefix="pre", progress_path=store), pre)
    if post is not None:
        _answer(Quiz("09", local, lesson="09", item_prefix="post", progress_path=store), post)
    P.export(inbox / f"{key}.json", progress=P.load(store))
    return store


def test_gain_per_clause_from_exports(tmp_path):
    clauses = load_learning_test_file(PRE_FILE).clauses
    post_clauses = [q.clause for q in load_learning_test_file(POST_FILE).questions]
    inbox = tmp_path / "进度文件"
    inbox.mkdir()
    # 甲: 前测 right on the first two clauses only, 后测 right on all but the last clause
    _take(tmp_path, "a", "甲", {0, 1}, {post_clauses.index(c) for c in clauses[:-1]}, inbox)
    # 乙: right on everything both times
    _take(tmp_path, "b", "乙", set(range(5)), set(range(5)), inbox)
    # 丙: only the 前测 (did not reach lesson 09): in the trainee table, not in the class's gain
    _take(tmp_path, "c", "丙", set(), None, inbox)
    s = class_summary(inbox)
    mine = s.learning[s.learning["姓名"] == "甲"].set_index("条款")
    assert mine.loc[clauses[0], "提高"] == 0 and mine.loc[clauses[2], "提高"] == 1
    assert mine.loc[clauses[-1], "前测"] == 0 and mine.loc[clauses[-1], "提高"] == 0
    bing = s.learning[s.learning["姓名"] == "丙"]
    assert len(bing) == 5 and bing["后测"].isna().all() and bing["提高"].isna().all()
    whole = s.learning_class.set_index("条款")
    assert set(whole.index) == set(clauses) and (whole["人数"] == 2).all()
    assert whole.loc[clauses[2], "前测"] == 0.5 and whole.loc[clauses[2], "提高"] == 0.5
    assert whole.loc[clauses[0], "提高"] == 0
    assert math.isclose(whole["后测"].mean(), (4 / 5 + 1) / 2)
    report = s.to_html()
    assert "学习效果：前测和后测" in report and "+50%" in report
    # the pre/post items are named by their questions in the mistakes table
    assert s.questions["题目"].str.startswith("前测第").any()


def test_only_first_attempts_count_and_prediction_items_are_not_tests(tmp_path):
    store = tmp_path / "p.json"
    P.record_answer("00", "pre1", correct=False, answer="A", clause="§1.f", path=store)
    P.record_answer("00", "pre1", correct=True, answer="B", clause="§1.f", path=store)
    P.record_answer("08", "predict-x-1", correct=True, answer="A", clause="§1.f", path=store)
    P.record_answer("09", "post1", correct=True, answer="B", clause="§1.f", path=store)
    s = class_summary([P.load(store)])
    row = s.learning.iloc[0]
    assert (row["前测"], row["后测"], row["提高"]) == (0, 1, 1) and len(s.learning) == 1


# -- the completion record -------------------------------------------------------------------------


def _capstone(tmp_path, key: str, name: str, tries) -> Path:
    store = tmp_path / key / "progress.json"
    P.set_trainee(name, path=store)
    for points, passed in tries:
        P.record_answer(
            "09", "capstone", correct=passed, answer="方案", points=points, max_points=100,
            path=store,
        )  # fmt: skip
    return store


def test_a_completion_record_only_for_a_passed_capstone(tmp_path):
    from xsim.teaching.completion import completion_html

    passed_late = _capstone(tmp_path, "a", "张/三", [(64.9, False), (94.9, True), (70.0, False)])
    failed = _capstone(tmp_path, "b", "李四", [(64.9, False), (79.0, False)])
    never = tmp_path / "c" / "progress.json"
    P.set_trainee("王五", path=never)
    P.record_answer("00", "pre1", correct=True, answer="B", clause="§1.f", path=passed_late)
    s = class_summary([P.load(passed_late), P.load(failed), P.load(never)])
    written = s.save_completions(tmp_path / "结业记录")
    assert [p.name for p in written] == ["结业记录_张_三.html"]
    page = written[0].read_text("utf-8")
    assert "结业记录" in page and "张/三" in page and "94.9" in page and "考核通过" in page
    assert "<script" not in page and "http" not in page
    assert "前测" in page and "第 09 讲" in page  # own clause rows; lessons named
    failed_p = next(p for p in s.room if p.trainee == "李四")
    with pytest.raises(ValueError):
        completion_html(s, failed_p)


def test_the_trainers_panel_offers_the_records_of_those_who_passed(tmp_path):
    import base64

    from xsim.teaching.panels import classroom_panel

    inbox = tmp_path / "进度文件"
    inbox.mkdir()
    for key, name, tries in (("a", "张三", [(94.9, True)]), ("b", "李四", [(60.0, False)])):
        store = _capstone(tmp_path, key, name, tries)
        P.export(inbox / f"{key}.json", progress=P.load(store))
    panel = classroom_panel(inbox)
    panel.run_button.click()
    links = panel.downloads.value
    assert "结业记录（综合演练通过的 1 位学员" in links and ">张三</a>" in links
    assert "李四" not in links
    record = re.search(r'download="结业记录_张三.html" href="data:[^,]+,([^"]+)"', links)
    assert record and "考核通过" in base64.b64decode(record.group(1)).decode("utf-8")


def test_the_trainer_edition_gives_the_answers_of_both_tests():
    from xsim.teaching.edition import lesson_notebook

    toc = load_toc(COURSE)
    for entry, kind, path in (
        (toc.lessons[0], "前测", PRE_FILE),
        (toc.lessons[-1], "后测", POST_FILE),
    ):
        text = "\n".join(c.source for c in lesson_notebook(entry, toc, "trainer", COURSE).cells)
        assert f"【培训者版·{kind}答案】" in text
        assert load_learning_test_file(path).questions[-1].explanation in text
        trainee = lesson_notebook(entry, toc, "trainee", COURSE)
        assert f"【培训者版·{kind}答案】" not in "\n".join(c.source for c in trainee.cells)
