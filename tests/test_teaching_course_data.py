"""Course data that used to be Python literals: the quorum calculator's meetings (lesson 04) and
lesson 08's comparisons, read from the lessons' ``exercises.yaml`` through :mod:`xsim.io`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xsim.errors import InputError
from xsim.teaching import course
from xsim.teaching.course_check import validate_course
from xsim.teaching.lessons import course_dir, lesson_exercises, load_exercises_file
from xsim.teaching.policy import policy_measures, policy_variants
from xsim.teaching.quorum import quorum_meetings

GOOD_MEETING = "- meeting: villagers_meeting\n  law: 《村民委员会组织法》第二十六条\n"
GOOD_VARIANTS = "  - {name: a, form: owners}\n  - {name: b, form: online}\n"
COMPARISON = "policy_comparisons:\n- name: forms\n"


@pytest.mark.parametrize(
    ("text", "field", "zh"),
    [
        ("quorum_meetings:\n- meeting: village_meeting\n  law: 《村民委员会组织法》第二十六条\n",
         "quorum_meetings[0].meeting", "没有这种会议"),
        ("quorum_meetings:\n- meeting: villagers_meeting\n  law: 《村民委员会组织法》第九百条\n",
         "quorum_meetings[0].law", "法律条文"),
        ("quorum_meetings:\n- meeting: villagers_meeting\n  law: 村民委员会组织法第二十六条\n",
         "quorum_meetings[0].law", "法律条文"),
        ("quorum_meetings:\n" + GOOD_MEETING + GOOD_MEETING,
         "quorum_meetings[1].meeting", "取值重复"),
        ("quorum_meetings:\n- meeting: villagers_meeting\n  article: 26\n",
         "quorum_meetings[0].article", "未知字段"),
        ("quorum_meetings: []\n", "quorum_meetings", ""),
        ("policy_measures: [participation, participaton]\n", "policy_measures[1]", "没有这项结果指标"),
        (COMPARISON + "  scenario: no_such_place\n  variants:\n" + GOOD_VARIANTS,
         "policy_comparisons[0].scenario", "情景库中没有"),
        (COMPARISON + "  scenario: elevator_retrofit\n  variants:\n"
         "  - {name: a, form: owners}\n  - {name: b, form: onlin}\n",
         "policy_comparisons[0].variants[1].form", "没有这种协商形式"),
        (COMPARISON + "  scenario: elevator_retrofit\n  variants:\n"
         "  - {name: a, form: owners}\n  - {name: a, form: online}\n",
         "policy_comparisons[0].variants[1].name", "取值重复"),
        (COMPARISON + "  scenario: elevator_retrofit\n  variants:\n  - {name: a, form: owners}\n",
         "policy_comparisons[0].variants", ""),
        (COMPARISON + "  scenario: elevator_retrofit\n  variants:\n"
         "  - {name: a, set: {organizer.notice_days: 7}}\n  - {name: b, sets: {}}\n",
         "policy_comparisons[0].variants[1].sets", "未知字段"),
        (COMPARISON + "  scenario: elevator_retrofit\n  variants:\n" + GOOD_VARIANTS
         + "- name: forms\n  scenario: elevator_retrofit\n  variants:\n" + GOOD_VARIANTS,
         "policy_comparisons[1].name", "取值重复"),
    ],
)  # fmt: skip
def test_a_bad_value_is_an_input_error_naming_file_field_and_expectation(tmp_path, text, field, zh):
    path = tmp_path / "exercises.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_exercises_file(path)
    e = err.value
    assert (e.file, e.field) == (str(path), field)
    assert e.expected_en and e.expected_zh and zh in e.expected_zh
    assert e.line is not None and 1 <= e.line <= text.count("\n")


def test_the_course_data_matches_what_the_widgets_offer():
    validate_course()
    meetings = lesson_exercises("04").quorum_meetings
    assert [key for _, key, _law in quorum_meetings("04")] == [m.meeting for m in meetings]
    assert {k: law for _, k, law in quorum_meetings("04")}[
        "owners_meeting"
    ] == "《民法典》第二百七十八条"
    assert lesson_exercises("08").policy_measures == policy_measures("08")
    scenario, variants = policy_variants("notice", "08")
    assert scenario == "elevator_retrofit"
    assert [v["organizer.notice_days"] for v in variants] == [7, 3, 1]
    with pytest.raises(InputError) as err:
        policy_variants("no-such-comparison", "08")
    assert "没有名为" in err.value.expected_zh


@pytest.fixture
def own_course(tmp_path, monkeypatch) -> Path:
    """A copy of the course a trainer edits (XSIM_COURSE points at it)."""
    copy = tmp_path / "course"
    shutil.copytree(course_dir(), copy)
    monkeypatch.setenv("XSIM_COURSE", str(copy))
    return copy


def test_a_trainer_changes_the_calculators_meetings_without_python(own_course):
    (own_course / "04_协商程序" / "exercises.yaml").write_text(
        "quorum_meetings:\n"
        "- meeting: owners_meeting\n  law: 《民法典》第二百七十八条\n"
        "- meeting: villagers_meeting\n  law: 《村民委员会组织法》第二十四条\n",
        encoding="utf-8",
    )
    calc = course.QuorumCalculator(lesson="04", members=860, present=431, yes=431)
    assert [key for _, key in calc.kind.options] == ["owners_meeting", "villagers_meeting"]
    calc.predict(True)
    calc.check_button.click()
    assert "第二十四条" in calc.result.value  # the article the file names is the one quoted
    with pytest.raises(InputError):
        course.QuorumCalculator(lesson="04", kind="residents_meeting")  # not offered by this course


def test_a_trainer_changes_a_comparison_without_python(own_course):
    path = own_course / "08_政策比较" / "exercises.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        .replace("提前1天", "提前2天")
        .replace("organizer.notice_days: 1}", "organizer.notice_days: 2}"),
        encoding="utf-8",
    )
    _scenario, variants = policy_variants("notice", "08")
    assert [v["name"] for v in variants] == ["提前7天", "提前3天", "提前2天"]
    assert variants[-1]["organizer.notice_days"] == 2
