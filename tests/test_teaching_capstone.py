"""Lesson 09's capstone (xsim.teaching.capstone), headless: rubric, documents, one click cannot pass."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace

import numpy as np
import pytest
from capstone_support import default_meeting, good_plan
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xsim.errors import InputError
from xsim.sim.scenario import load_scenario
from xsim.teaching import course, progress
from xsim.teaching.capstone.case import assess, draw_scenario, scenario_names, trainee_case
from xsim.teaching.capstone.documents import documents, download_link
from xsim.teaching.capstone.plan import MAX_TEXT_CHARS, NO_MEETING, Plan, load_options
from xsim.teaching.capstone.scoring import load_rubric, score
from xsim.teaching.capstone.widget import Capstone
from xsim.teaching.common import MSG_INTERNAL

OPTIONS = load_options("09")
DOCUMENTS = OPTIONS.document_titles()
TEXT = "本议题由群众多次反映提出，经两委研究，拟定初步方案如下，请大家讨论提出意见。"
TEXTS = {k: TEXT for k in DOCUMENTS}
MEETINGS_BY_SETTING = OPTIONS.meetings
SEEDS = range(30)


@pytest.fixture(autouse=True)
def _own_progress_store(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))


@pytest.fixture(scope="module")
def rubric():
    return load_rubric(lesson="09")


def run(name, seed, plan, rubric):
    return assess(name, seed, plan, rubric, OPTIONS)


def capstone(**kwargs) -> Capstone:
    return Capstone(lesson="09", **kwargs)


def first_options_plan(cap: Capstone) -> Plan:
    """The lazy trainee: the first option of every list, every box ticked, nothing written."""
    c = cap.controls
    plan = {}
    for name, control in c.items():
        if hasattr(control, "boxes"):
            plan[name] = tuple(control.boxes)
        elif hasattr(control, "options"):
            plan[name] = control.options[1][1]
        else:
            plan[name] = True
    return Plan(**plan)


def scenario_defaults_plan(name: str, seed: int) -> Plan:
    """The other lazy trainee: exactly the kit's default organizer, nothing written."""
    s = load_scenario(name)
    o = s.organizer
    subsidy = next(
        i
        for i, v in enumerate(OPTIONS.subsidy)
        if v.set["organizer.subsidies"]["paid"] == o.subsidies.paid
    )
    return Plan(
        lead=s.lead,
        solicit=0 if o.solicit_opinions else 1,
        groups=tuple(g.id for g in s.stakeholder_groups),
        experts=o.experts,
        respected=o.invite_respected,
        form=s.default_form,
        notice_days=o.notice_days,
        notice_channels=tuple(o.notice_channels),
        facilitated=0 if o.facilitated else 1,
        deciding_meeting=default_meeting(name, seed),
        meeting_notice_days=o.assembly_notice_days,
        amend=min(
            range(len(OPTIONS.amend)),
            key=lambda i: abs(
                OPTIONS.amend[i].set["organizer.explain_dissenters"] - o.explain_dissenters
            ),
        ),
        publicity_channels=tuple(o.publicity_channels),
        publicize_days=o.publicize_days,
        feedback_to=tuple(o.feedback_to),
        subsidy=subsidy,
    )


# -- the rubric -----------------------------------------------------------------------------------
def test_rubric_is_valid_and_can_be_passed(rubric):
    assert sum(c.points for c in rubric.criteria) >= rubric.pass_points
    assert any(c.required and c.kind == "documents" for c in rubric.criteria)


@pytest.mark.parametrize(
    "text, field",
    [
        (
            "title: x\npass_points: 200\ncriteria:\n- {id: a, title: A, kind: rules, points: 10}\n",
            "",
        ),
        (
            "title: x\npass_points: 5\ncriteria:\n- {id: a, title: A, kind: vote, points: 10}\n",
            "kind",
        ),
        (
            "title: x\npass_points: 5\ncriteria:\n- {id: a, title: A, kind: measure, points: 10}\n",
            "",
        ),
        ("title: x\npass_points: 5\ncriteria: []\n", "criteria"),
        (
            "title: x\npass_points: 5\ncriteria:\n- {id: a, title: A, kind: measure, points: 10,"
            " measures: [fairnes], full_at: 1, zero_at: 0}\n",
            "",
        ),
        ("title: x\npass_points: 5\ncritera: []\n", "critera"),
    ],
)
def test_a_bad_rubric_is_refused_with_file_and_field(tmp_path, text, field):
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_rubric(path=path)
    assert "rubric.yaml" in str(err.value)
    assert field in err.value.field
    assert re.search(r"[\u4e00-\u9fff]", err.value.message("zh"))


def test_a_measure_the_model_lacks_is_not_counted_and_extra_measures_do_no_harm(rubric):
    a = run("village_road", 3, good_plan("village_road", 3), rubric)
    outcome = {k: v for k, v in a.outcome.items() if k != "fairness"} | {"new_measure": 0.5}
    fairness = next(c for c in rubric.criteria if c.id == "fairness")
    f = a.report.findings
    s = score(fairness, TEXTS, outcome, f, DOCUMENTS)
    assert s.points is None and "不计分" in s.why
    complaints = next(c for c in rubric.criteria if c.id == "complaints")
    assert score(complaints, TEXTS, outcome | {"complaints": 3}, f, DOCUMENTS).points == 0
    assert score(complaints, TEXTS, outcome | {"complaints": 0}, f, DOCUMENTS).points == 5


def test_measure_points_are_linear_between_the_thresholds(rubric):
    informed = next(c for c in rubric.criteria if c.id == "informed")
    mid = (informed.full_at + informed.zero_at) / 2
    pts = [
        score(informed, TEXTS, {"informed_in_time": v}, [], DOCUMENTS).points
        for v in (informed.zero_at, mid, informed.full_at, 1.0)
    ]
    assert pts == [0, informed.points / 2, informed.points, informed.points]


# -- one click cannot pass --------------------------------------------------------------------------
def test_an_empty_submission_gets_chinese_messages_beside_the_controls_and_no_run():
    cap = capstone(seed=1)
    cap.run_button.click()
    assert cap.assessment is None
    flagged = [k for k, m in cap.messages.items() if m.value]
    assert set(Plan().missing()) == set(flagged)
    for k in flagged:
        assert re.search(r"请(至少)?选择|请至少邀请", cap.messages[k].value)
    assert "没有选择" in cap.status.value and MSG_INTERNAL not in cap.status.value
    assert "Traceback" not in cap.status.value
    assert not progress.load().attempts


def test_one_missing_choice_is_named_beside_that_control_only():
    cap = capstone(seed=2)
    cap.choose(replace(good_plan(cap.scenario, cap.seed), notice_days=None))
    cap.run_button.click()
    assert cap.assessment is None
    assert [k for k, m in cap.messages.items() if m.value] == ["notice_days"]
    assert "提前几天通知" in cap.messages["notice_days"].value


@pytest.mark.parametrize("seed", range(3))
def test_lazy_submissions_fail(seed, rubric):
    cap = capstone(seed=seed)
    cap.choose(first_options_plan(cap))
    cap.run_button.click()
    assert cap.assessment is not None and not cap.assessment.passed
    assert "未通过" in cap.result.value
    assert "请写至少" in cap.messages["report"].value
    lazy = scenario_defaults_plan(cap.scenario, cap.seed)
    assert not run(cap.scenario, cap.seed, lazy, rubric).assessment.passed


def test_a_careless_plan_with_documents_fails_on_30_draws(rubric):
    rng = np.random.default_rng(7)
    failed = 0
    for _ in SEEDS:
        name, seed = draw_scenario(rng)
        plan = replace(
            good_plan(name, seed),
            groups=(load_scenario(name).stakeholder_groups[0].id,),
            notice_days=1,
            notice_channels=("wechat",),
            deciding_meeting=NO_MEETING,
            amend=0,
            publicity_channels=("meeting",),
            publicize_days=60,
            feedback_to=("subjects",),
            subsidy=1,
        )
        failed += not run(name, seed, plan, rubric).assessment.passed
    assert failed == len(SEEDS)


def test_a_well_made_plan_passes_on_30_draws_of_both_settings(rubric):
    rng = np.random.default_rng(2026)
    settings, points = set(), []
    for _ in SEEDS:
        name, seed = draw_scenario(rng)
        settings.add(load_scenario(name).setting)
        a = run(name, seed, good_plan(name, seed), rubric).assessment
        assert a.passed, (name, seed, [(s.criterion.id, s.points, s.why) for s in a.scores])
        points.append(a.points)
    assert settings == set(MEETINGS_BY_SETTING)
    assert min(points) >= rubric.pass_points


# -- the widget end to end --------------------------------------------------------------------------
def test_a_good_plan_through_the_widget_passes_shows_documents_village_and_is_recorded(tmp_path):
    store = tmp_path / "progress.json"
    cap = capstone(seed=4, progress_path=store)
    assert all(getattr(c, "value", None) in (None, (), False) for c in cap.controls.values())
    cap.choose(good_plan(cap.scenario, cap.seed))
    cap.run_button.click()
    assert cap.assessment.passed, cap.result.value
    assert "通过" in cap.result.value and "为什么" in cap.result.value
    for title in DOCUMENTS.values():
        assert title in cap.docs.value
    assert cap.docs.value.count("data:text/html;charset=utf-8;base64,") == 4
    assert cap.village_box.children  # the village picture of this run
    attempt = progress.load(store).attempts[-1]
    assert (attempt.lesson, attempt.item, attempt.correct) == ("09", "capstone", True)
    # a new scenario starts from nothing again
    cap.draw_button.click()
    assert cap.assessment is None and cap.controls["lead"].value is None


def test_the_widget_reports_the_trainees_mistakes():
    cap = capstone(seed=1)
    plan = good_plan(cap.scenario, cap.seed)
    groups = load_scenario(cap.scenario).stakeholder_groups
    cap.choose(replace(plan, notice_days=1, groups=(groups[0].id,)))
    cap.run_button.click()
    codes = {f.code for f in cap.result_of_run.report.findings}
    assert {"PROC-NOTICE", "SUBJ-MISSING"} <= codes
    assert "PROC-NOTICE" in cap.result.value


def test_draws_are_seeded_and_cover_both_settings():
    a = [draw_scenario(np.random.default_rng(s)) for s in range(30)]
    assert a == [draw_scenario(np.random.default_rng(s)) for s in range(30)]
    assert {load_scenario(n).setting for n, _ in a} == {"village", "community"}
    assert capstone(seed=9).scenario == capstone(seed=9).scenario


# -- documents --------------------------------------------------------------------------------------
def test_documents_are_filled_from_the_run_and_carry_the_trainees_text(rubric):
    name, seed = "elevator_retrofit", 5
    plan = good_plan(name, seed)
    plan.texts["minutes"] = "根据一楼住户的意见，补偿标准提高到每户五千元。<script>x</script>"
    a = run(name, seed, plan, rubric)
    docs = documents(load_scenario(name), plan, a.record, a.outcome, a.report.law_versions, OPTIONS)
    assert set(docs) == set(DOCUMENTS)
    t = a.record.timeline
    notified = f"{t.notified.year}年{t.notified.month}月{t.notified.day}日"
    assert notified in docs["notice"]
    assert "补偿标准提高到每户五千元" in docs["minutes"] and "<script>" not in docs["minutes"]
    assert f"实到 {a.record.assembly.present}" in docs["minutes"]
    assert "公示" in docs["publicity"] and TEXT in docs["publicity"]
    for body in docs.values():
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", re.sub(r"<[^>]+>", "", body))  # no keys


def test_a_download_is_a_whole_printable_offline_page():
    link = download_link("协商通知", "<h1>协商通知</h1><p>内容</p>")
    data = re.search(r"base64,([A-Za-z0-9+/=]+)'", link).group(1)
    page = base64.b64decode(data).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "charset='utf-8'" in page
    assert "@media print" in page and "内容" in page
    assert "http" not in page  # nothing fetched: works in an offline training room
    assert "download='协商通知.html'" in link


def test_lessons_03_04_06_show_a_village_run():
    view = course.village("village_road", seed=2)
    assert view.image.value and "户" in view.caption.value


# -- bad input --------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_choices_and_texts_give_a_result_or_a_chinese_message(data):
    cap = capstone(seed=11)  # a fresh one: a busy button ignores clicks right after a run
    for name, control in cap.controls.items():
        if hasattr(control, "boxes"):
            control.value = tuple(
                k for k in control.boxes if data.draw(st.booleans(), label=f"{name}.{k}")
            )
        elif hasattr(control, "options"):
            control.value = data.draw(st.sampled_from([v for _, v in control.options]), label=name)
        else:
            control.value = data.draw(st.booleans(), label=name)
    for key, box in cap.texts.items():
        box.value = data.draw(
            st.one_of(st.text(max_size=60), st.just("协" * (MAX_TEXT_CHARS + 1))), label=key
        )
    cap.run_button.click()
    assert MSG_INTERNAL not in cap.status.value
    if cap.assessment is None:
        flagged = [m.value for m in cap.messages.values() if m.value]
        assert flagged and all(re.search(r"[\u4e00-\u9fff]", v) for v in flagged)
    else:
        assert "评分" in cap.result.value and "<script" not in cap.docs.value


# -- a case of one's own ----------------------------------------------------------------------------
def test_two_trainees_get_their_own_cases_kept_across_a_restart(tmp_path):
    a = capstone(progress_path=tmp_path / "a.json")
    b = capstone(progress_path=tmp_path / "b.json")
    assert (a.scenario, a.seed) != (b.scenario, b.seed)
    again = capstone(progress_path=tmp_path / "a.json")  # a kernel restart: new widget, same store
    assert (again.scenario, again.seed) == (a.scenario, a.seed)
    assert progress.get_case("capstone", path=tmp_path / "a.json") == {
        "scenario": a.scenario,
        "seed": a.seed,
    }
    assert f"情景编号：{a.seed}" in a.intro.value and a.spec.title in a.intro.value
    assert progress.load(tmp_path / "a.json").items["09"] == ["capstone"]


def test_cases_drawn_for_many_trainees_differ_and_cover_the_library(tmp_path):
    cases = [trainee_case(tmp_path / f"{i}.json")[:2] for i in range(40)]
    assert len(set(cases)) == len(cases)  # a shared case has probability < 1e-6 here
    assert len({seed for _, seed in cases}) == len(cases)
    assert {load_scenario(n).setting for n, _ in cases} == set(MEETINGS_BY_SETTING)
    # each stays: asking again gives the stored case
    assert [trainee_case(tmp_path / f"{i}.json")[:2] for i in range(40)] == cases


def test_a_new_scenario_is_drawn_saved_and_kept(tmp_path):
    store = tmp_path / "p.json"
    cap = capstone(progress_path=store)
    first = (cap.scenario, cap.seed)
    cap.draw_button.click()
    assert (cap.scenario, cap.seed) != first and cap.controls["lead"].value is None
    assert progress.get_case("capstone", path=store) == {"scenario": cap.scenario, "seed": cap.seed}
    assert (capstone(progress_path=store).scenario, capstone(progress_path=store).seed) == (
        cap.scenario,
        cap.seed,
    )


def test_the_run_is_seeded_from_the_stored_case_and_the_export_carries_it(tmp_path, rubric):
    store = tmp_path / "p.json"
    progress.set_case("capstone", "village_road", 123_456_789, path=store)
    cap = capstone(progress_path=store)
    assert (cap.scenario, cap.seed) == ("village_road", 123_456_789)
    plan = good_plan(cap.scenario, cap.seed)
    cap.choose(plan)
    cap.run_button.click()
    assert cap.result_of_run.seed == 123_456_789
    # the trainer reruns the trainee's case from the export: the same run
    out = progress.export(tmp_path, progress=progress.load(store))
    case = progress.load_export(out).cases["capstone"]
    assert case == {"scenario": "village_road", "seed": 123_456_789}
    rerun = run(case["scenario"], case["seed"], plan, rubric)
    assert rerun.outcome == cap.result_of_run.outcome
    assert rerun.assessment.points == cap.assessment.points
    from xsim.teaching.classroom import class_summary

    row = class_summary(tmp_path).trainees.iloc[0]
    assert row["综合演练情景"] == f"{load_scenario('village_road').title}（情景编号 123456789）"
    attempt = progress.load(store).attempts[-1]
    assert "123456789" in attempt.answer and load_scenario("village_road").title in attempt.answer
    assert not re.search(r"[A-Za-z]{2,}", attempt.answer)  # the trainer reads it in Chinese


def test_a_case_the_library_no_longer_has_or_a_damaged_one_is_drawn_anew(tmp_path):
    store = tmp_path / "p.json"
    progress.set_case("capstone", "a_scenario_removed_since", 5, path=store)
    cap = capstone(progress_path=store)
    assert cap.scenario != "a_scenario_removed_since"
    assert progress.get_case("capstone", path=store)["scenario"] == cap.scenario
    data = json.loads(store.read_text(encoding="utf-8"))
    data["cases"]["capstone"]["seed"] = -1
    store.write_text(json.dumps(data), encoding="utf-8")
    cap = capstone(progress_path=store)  # the damaged store is set aside, a new case drawn
    assert list(tmp_path.glob("p.json.damaged-*")) and cap.seed >= 1
    for bad in [("", 1), ("village_road", -1), ("village_road", 2**64), ("village_road", 1.5)]:
        with pytest.raises(InputError):
            progress.set_case("capstone", *bad, path=store)


def test_an_unwritable_store_still_gives_a_case_and_says_so(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cap = capstone(progress_path=blocker / "p.json")
    assert cap.scenario in scenario_names() and cap.seed >= 1
    assert "没能保存" in cap.status.value and MSG_INTERNAL not in cap.status.value
    cap.draw_button.click()
    assert "没能保存" in cap.status.value


def test_a_fixed_seed_is_a_demo_and_stores_no_case(tmp_path):
    store = tmp_path / "p.json"
    cap = capstone(seed=3, progress_path=store)
    assert (cap.scenario, cap.seed) == draw_scenario(np.random.default_rng(3))
    assert progress.get_case("capstone", path=store) is None
