"""Whatever a trainee types or ticks: a result or a specific Chinese message — never the generic
apology for an unexpected exception (MSG_INTERNAL), never a traceback."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xsim.teaching.cases import elevator_record
from xsim.teaching.common import FORM_ZH, MSG_INTERNAL, OUTCOME_ZH
from xsim.teaching.findings import RecordEditor
from xsim.teaching.picker import ParticipantPicker, elevator_candidates
from xsim.teaching.stepper import lesson_stepper

dates = st.one_of(
    st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
)
counts = st.integers(min_value=-(10**12), max_value=10**12)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(
    notified=dates,
    consulted=dates,
    publicized=dates,
    dissenters=counts,
    explained=counts,
    forms=st.lists(st.sampled_from(sorted(FORM_ZH)), unique=True, max_size=4),
    outcome=st.sampled_from(sorted(OUTCOME_ZH)),
    solicited=st.booleans(),
)
def test_record_editor_never_fails_unexpectedly(
    notified, consulted, publicized, dissenters, explained, forms, outcome, solicited
):
    ed = RecordEditor(elevator_record())
    ed.notified.value, ed.consulted.value, ed.publicized.value = notified, consulted, publicized
    ed.dissenters.value, ed.explained.value = dissenters, explained
    ed.forms.value, ed.outcome.value, ed.solicited.value = tuple(forms), outcome, solicited
    ed.check_button.click()
    assert MSG_INTERNAL not in ed.status.value
    # exactly one of: a report, or a Chinese message naming the field
    assert (ed.viewer.body.value != "") != (ed.status.value != "")
    if ed.status.value:
        assert "字段「" in ed.status.value


@SETTINGS
@given(ticks=st.lists(st.booleans(), min_size=10, max_size=10))
def test_picker_any_selection_gets_a_verdict_or_a_message(ticks):
    p = ParticipantPicker(elevator_record(), elevator_candidates())
    for box, tick in zip(p.boxes, ticks, strict=True):
        box.value = tick
    p.check_button.click()
    assert MSG_INTERNAL not in p.status.value
    assert (p.result.value != "") == any(ticks)


@SETTINGS
@given(
    clicks=st.lists(
        st.tuples(
            st.sampled_from(["confirm", "back", "next"]), st.integers(min_value=-1, max_value=2)
        ),
        max_size=25,
    )
)
def test_stepper_any_click_sequence_is_handled(clicks):
    s = lesson_stepper("04")
    for action, choice in clicks:
        if choice >= 0 and choice < len(s.step.choices):
            s.choose(choice)
        getattr(s, action).click()
        assert MSG_INTERNAL not in s.status.value
        assert 0 <= s.index < len(s.steps)


def test_an_oversized_upload_is_refused_before_it_is_read():
    import datetime
    import time

    from xsim.teaching.findings import RecordChecker

    checker = RecordChecker()
    start = time.perf_counter()
    checker.upload.value = (
        {
            "name": "big.yaml",
            "type": "",
            "size": 5_000_000,
            "content": memoryview(b"a: 1\n" * 1_000_000),
            "last_modified": datetime.datetime.now(),
        },
    )
    assert "超过了协商记录的上限" in checker.status.value
    assert checker.text.value == ""  # nothing decoded into the text box
    assert time.perf_counter() - start < 5  # 15 s before: the kernel stayed responsive
