"""A trainee's work comes back (issue 24 §1): a widget built again with ``lesson=`` — the notebook
reopened, the kernel restarted, a Voilà page reloaded — shows the choices, typed values and
feedback the trainee left, with a Chinese note saying so. A damaged, missing or foreign progress
store never raises: the widget shows nothing restored and works as new.

Each case builds a widget with its progress store in a temporary Jupyter data folder, operates it
as a trainee would, builds it again (a new kernel reads the same store) and compares what the
two show.
"""

from __future__ import annotations

import json

import pytest
from capstone_support import good_plan

from xsim.teaching import course, progress
from xsim.teaching.capstone.widget import Capstone
from xsim.teaching.common import MSG_INTERNAL, RESTORED_ZH


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "jupyter-data"
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(d))
    return d


def restored(widget) -> bool:
    """The restore note is shown, first of all the widget's parts (where a trainee starts)."""
    note = widget.restored_note
    return note is not None and RESTORED_ZH in note.value and widget.children[0] is note


def _values(widgets) -> list:
    return [w.value for w in widgets]


def _form_match():
    ex = course.FormMatchExercise(lesson="03")
    ex.choose(*[s.fits[-1] for s in ex.situations])
    ex.submit.click()
    return ex


def _quorum():
    calc = course.QuorumCalculator(members=860, present=430, yes=430, lesson="04")
    calc.present.value = 500
    calc.predict(True)
    calc.check_button.click()
    return calc


def _stepper():
    st = course.stepper(lesson="04")
    st.choose(1)
    st.confirm.click()
    st.choose(0)
    st.confirm.click()
    return st


def _picker():
    p = course.picker(lesson="02")
    p.select("社区居委会")
    p.check_button.click()
    return p


def _editor():
    ed = course.editor("06", lesson="05")
    ed.dissenters.value = 3
    ed.check_button.click()
    return ed


def _threshold():
    th = course.ThresholdExercise(lesson="01")
    th.villagers_answer.value = 7
    th.submit.click()
    return th


def _lead():
    lead = course.LeadExercise(lesson="02")
    lead.choose(*["committee"] * len(lead.cases))
    lead.submit.click()
    return lead


def _spot():
    spot = course.SpotExercise("05", lesson="09")
    spot.select(*spot.truth)
    spot.submit.click()
    return spot


def _calculation():
    calc = course.CalculationExercise("07")
    calc.fill(*[3] * len(calc.inputs))
    calc._on_submit()
    return calc


def _quiz():
    q = course.quiz("01")
    q.cards[0].select(0)
    q.cards[0].submit.click()
    q.cards[1].select(1)
    q.cards[1].submit.click()
    return q


#: widget → (operate it, build it again, what it shows)
CASES = {
    "form_match": (
        _form_match,
        lambda: course.FormMatchExercise(lesson="03"),
        lambda w: (_values(w.pickers), _values(w.marks)),
    ),
    "quorum": (
        _quorum,
        lambda: course.QuorumCalculator(members=860, present=430, yes=430, lesson="04"),
        lambda w: (w.present.value, w.prediction.value, w.result.value),
    ),
    "stepper": (
        _stepper,
        lambda: course.stepper(lesson="04"),
        lambda w: (list(w.picks), w.index, w.viewer.body.value),
    ),
    "picker": (
        _picker,
        lambda: course.picker(lesson="02"),
        lambda w: (_values(w.boxes), w.result.value),
    ),
    "record_editor": (
        _editor,
        lambda: course.editor("06", lesson="05"),
        lambda w: (w.dissenters.value, w.viewer.body.value),
    ),
    "threshold": (
        _threshold,
        lambda: course.ThresholdExercise(lesson="01"),
        lambda w: (w.villagers_answer.value, w.feedback.value),
    ),
    "lead": (
        _lead,
        lambda: course.LeadExercise(lesson="02"),
        lambda w: (_values(w.pickers), _values(w.marks)),
    ),
    "spot": (
        _spot,
        lambda: course.SpotExercise("05", lesson="09"),
        lambda w: (_values(w.boxes), w.feedback.value),
    ),
    "calculation": (
        _calculation,
        lambda: course.CalculationExercise("07"),
        lambda w: (_values(w.inputs), _values(w.marks)),
    ),
    "quiz": (
        _quiz,
        lambda: course.quiz("01"),
        lambda w: (
            [c.radio.value if hasattr(c, "radio") else None for c in w.cards],
            [c.feedback.value for c in w.cards],
            w.score_label.value,
        ),
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_a_widget_built_again_shows_the_trainees_work(name):
    operate, build, shown = CASES[name]
    fresh = shown(build())  # as built for a newcomer
    before = shown(operate())
    assert progress.store_path().exists()
    again = build()
    assert shown(again) == before
    assert before != fresh, "the operation changed nothing the test can see"
    assert restored(again)


@pytest.mark.parametrize("name", CASES)
def test_a_widget_without_saved_work_shows_no_restore_note(name):
    _operate, build, _shown = CASES[name]
    assert not restored(build())


def test_the_quiz_score_comes_back_with_the_answers():
    q = _quiz()
    score = q.score_label.value
    assert score
    again = course.quiz("01")
    assert again.score_label.value == score
    # answering on after a restart goes on from the restored state (no second "first" try)
    again.cards[0].select(0)
    again.cards[0].submit.click()
    assert again.cards[0].attempts == q.cards[0].attempts + 1


def test_a_change_is_kept_without_a_button():
    """A typed number is kept as soon as it changes (a trainee may close the page before
    clicking anything)."""
    calc = course.QuorumCalculator(members=860, present=430, yes=430, lesson="04")
    calc.present.value = 601
    assert (
        course.QuorumCalculator(members=860, present=430, yes=430, lesson="04").present.value == 601
    )


def test_two_calculators_of_one_lesson_keep_their_own_work():
    a = course.QuorumCalculator(members=860, present=430, yes=430, lesson="04")
    b = course.QuorumCalculator(members=120, present=60, yes=40, lesson="04")
    a.present.value, b.present.value = 700, 100
    assert (
        course.QuorumCalculator(members=860, present=430, yes=430, lesson="04").present.value == 700
    )
    assert (
        course.QuorumCalculator(members=120, present=60, yes=40, lesson="04").present.value == 100
    )


# -- a store that cannot be used -------------------------------------------------------------------
@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize(
    "damage",
    [b"{damaged", b"\xff\xfe\x00", b"[" * 100_000 + b"]" * 100_000, b"null", b""],
    ids=["truncated", "not-utf8", "deep", "null", "empty"],
)
def test_a_damaged_store_never_raises_and_restores_nothing(name, damage, data_dir):
    operate, build, shown = CASES[name]
    fresh = shown(build())
    operate()
    store = progress.store_path()
    store.write_bytes(damage)
    again = build()
    assert shown(again) == fresh
    assert not restored(again)
    assert MSG_INTERNAL not in again.status.value


@pytest.mark.parametrize("name", CASES)
def test_a_store_that_is_a_folder_never_raises(name, data_dir):
    _operate, build, shown = CASES[name]
    progress.store_path().mkdir(parents=True)
    w = build()
    assert not restored(w) and MSG_INTERNAL not in w.status.value


@pytest.mark.parametrize(
    "garbage",
    [None, 7, "text", [1, 2], {"nested": {"deep": [None]}}],
    ids=["null", "number", "text", "list", "other-shape"],
)
@pytest.mark.parametrize("name", CASES)
def test_a_saved_state_of_the_wrong_shape_is_shown_as_far_as_it_fits(name, garbage):
    """Every remembered field replaced by a value of the wrong type (an edited store, a course
    that changed its options): the widget is built, nothing raises, it still works."""
    operate, build, _shown = CASES[name]
    operate()
    store = progress.store_path()
    data = json.loads(store.read_text(encoding="utf-8"))
    for states in data["states"].values():
        for key, state in states.items():
            states[key] = {k: (v if k == "__origin__" else garbage) for k, v in state.items()}
    store.write_text(json.dumps(data), encoding="utf-8")
    w = build()
    assert MSG_INTERNAL not in w.status.value
    operate()  # the exercise goes on


def test_states_in_the_store_are_bounded():
    for i in range(progress.MAX_STATES + 15):
        assert progress.save_state("04", f"widget{i}", {"n": i})
    states = progress.load().states["04"]
    assert len(states) == progress.MAX_STATES and f"widget{progress.MAX_STATES + 14}" in states
    assert not progress.save_state("04", "huge", {"text": "x" * (progress.MAX_STATE_CHARS + 1)})


def test_the_export_for_the_trainer_carries_no_widget_state(tmp_path):
    _quiz()
    out = progress.export(tmp_path)
    assert "states" not in json.loads(out.read_text(encoding="utf-8"))


# -- the capstone --------------------------------------------------------------------------------------
def test_the_capstones_choices_documents_and_result_come_back():
    cap = Capstone(lesson="09")
    plan = good_plan(cap.scenario, cap.seed)
    cap.choose(plan)
    cap.run_button.click()
    assert cap.result.value and cap.docs.value
    again = Capstone(lesson="09")
    assert again.case == cap.case
    assert again.plan() == cap.plan()
    assert {k: t.value for k, t in again.texts.items()} == dict(plan.texts)
    assert again.result.value == cap.result.value and again.docs.value == cap.docs.value
    assert restored(again)


def test_the_capstone_keeps_the_work_on_a_newly_drawn_case():
    cap = Capstone(lesson="09")
    first = cap.case
    cap.draw_button.click()
    assert cap.case != first
    key = next(iter(cap.texts))
    cap.texts[key].value = "本村召开村民代表会议的通知"
    again = Capstone(lesson="09")
    assert again.case == cap.case and again.texts[key].value == "本村召开村民代表会议的通知"


def test_a_damaged_store_gives_a_new_capstone(data_dir):
    cap = Capstone(lesson="09")
    cap.texts[next(iter(cap.texts))].value = "写了一半"
    progress.store_path().write_bytes(b"{damaged")
    again = Capstone(lesson="09")
    assert all(t.value == "" for t in again.texts.values())
    assert not restored(again) and MSG_INTERNAL not in again.status.value
