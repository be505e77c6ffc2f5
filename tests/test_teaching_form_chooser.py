"""Form chooser, headless: set the form and options, click 运行模拟, read the summary and figure."""

from __future__ import annotations

import warnings

import pytest

from xsim.rules import Rulebook
from xsim.teaching.common import MSG_INTERNAL
from xsim.teaching.form_chooser import FormChooser, OrganizerOption


@pytest.fixture(scope="module")
def chooser() -> FormChooser:
    return FormChooser("elevator_retrofit", seeds=range(4))


def _notice_threshold(fc: FormChooser) -> int:
    return Rulebook().merged(fc.scenario.rules or None).notice_days


def test_default_choice_runs_and_draws_without_glyph_warnings(chooser):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph would become an error → MSG_INTERNAL
        chooser.run_button.click()
    assert MSG_INTERNAL not in chooser.status.value
    assert "已完成 4 次模拟" in chooser.status.value
    assert "参与率" in chooser.summary.value and "一楼住户参与率" in chooser.summary.value
    assert chooser.figure.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert chooser.history[-1]["summary"]["n"] == 4


def test_notice_days_boundary_reaches_the_rules_engine(chooser):
    need = _notice_threshold(chooser)
    chooser.controls["organizer.notice_days"].value = need
    chooser.run_button.click()
    assert "PROC-NOTICE" not in chooser.history[-1]["summary"]["codes"]
    chooser.controls["organizer.notice_days"].value = need - 1
    chooser.run_button.click()
    assert chooser.history[-1]["summary"]["codes"]["PROC-NOTICE"] == 4
    assert "PROC-NOTICE（4/4 次）" in chooser.summary.value


def test_one_day_notice_lowers_participation_compared_with_a_week(chooser):
    chooser.controls["organizer.notice_days"].value = 7
    chooser.run_button.click()
    week = chooser.history[-1]["summary"]["participation"]
    chooser.controls["organizer.notice_days"].value = 1
    chooser.run_button.click()
    day = chooser.history[-1]["summary"]["participation"]
    assert day < week
    labels = [h["label"] for h in chooser.history]
    assert len(labels) == len(set(labels)) <= 6  # each choice once, most recent last


def test_same_seeds_give_the_same_summary():
    a, b = (
        FormChooser("elevator_retrofit", seeds=[3, 5]),
        FormChooser("elevator_retrofit", seeds=[3, 5]),
    )
    a.run_button.click()
    b.run_button.click()
    assert a.summary.value == b.summary.value


def test_no_seeds_and_unknown_option_give_chinese_messages():
    fc = FormChooser("elevator_retrofit", seeds=[])
    fc.run_button.click()
    assert "没有设定随机种子" in fc.status.value
    bad = FormChooser(
        "elevator_retrofit",
        seeds=[0],
        options=[OrganizerOption("organizer.notice_days", "提前通知天数")],
    )
    bad.controls["organizer.no_such_choice"] = bad.controls.pop("organizer.notice_days")
    bad.run_button.click()
    assert "未知参数" in bad.status.value and "Traceback" not in bad.status.value
    assert bad.summary.value == ""


def test_choice_labels_name_what_was_changed():
    fc = FormChooser("elevator_retrofit", seeds=[0])
    assert fc.label() == "业主协商·7天"
    fc.controls["organizer.experts"].value = False
    fc.controls["organizer.notice_days"].value = 2
    assert fc.label() == "业主协商·2天·不请专家"
