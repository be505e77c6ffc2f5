"""The village/compound picture (xsim.teaching.village_view), headless, on real model runs."""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pytest

from xsim.sim.model import ConsultationModel
from xsim.teaching.village_view import (
    ATTENDED,
    EVENT_ZH,
    NOT_REACHED,
    SPOKE,
    VillagePicture,
    VillageSnapshot,
    VillageView,
    event_on,
    layout,
    opinion_on,
    participation_on,
    render_png,
    snapshot_from_model,
)

SCENARIOS = {"village_road": "village", "elevator_retrofit": "community"}


def _run(name: str, seed: int) -> ConsultationModel:
    model = ConsultationModel(name, rng=seed)
    model.run()
    return model


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def run(request):
    model = _run(request.param, 3)
    return model, snapshot_from_model(model)


def _households_of(model, adults: np.ndarray) -> set[int]:
    return set(model.pop.household[adults].tolist())


def test_adapter_on_a_real_run(run):
    model, snap = run
    n_hh = model.pop.n_households
    assert snap.n_households == n_hh and snap.setting == SCENARIOS[model.spec.name]
    assert len(snap.unit_names) == model.spec.population.units
    assert snap.group_names == tuple(g.name for g in model.spec.stakeholder_groups)
    assert set(np.flatnonzero(snap.attended)) == _households_of(model, model.attended)
    rows = model.trace.voices["resident"]
    spoke = rows[model.trace.speaking & (rows >= 0)]
    assert set(np.flatnonzero(snap.spoke)) == set(model.pop.household[spoke].tolist())
    reached = np.isfinite(snap.day_notified)
    assert np.all(snap.day_notified[reached] >= model.notified_day)
    assert snap.day_consulted == model.trace.day["consulted"]
    assert [d for d, _ in snap.events] == sorted(d for d, _ in snap.events)
    assert {k for _, k in snap.events} <= set(EVENT_ZH)
    assert np.all(np.abs(snap.opinion_after) <= 1.0) and np.all(np.abs(snap.opinion_before) <= 1.0)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_patterns_over_30_seeds(name):
    """Who attended and spoke is the model's; a household's state never goes back in time."""
    some_attended = 0
    for seed in range(30):
        model = _run(name, seed)
        snap = snapshot_from_model(model)
        assert set(np.flatnonzero(snap.attended)) == _households_of(model, model.attended)
        assert not np.any(snap.spoke & ~snap.attended)
        days = range(0, snap.last_day + 1)
        states = np.array([participation_on(snap, d) for d in days])
        assert np.all(np.diff(states, axis=0) >= 0)
        assert np.all(states[0] == NOT_REACHED) or snap.events[0][0] == 0
        final = states[-1]
        assert np.array_equal(final >= ATTENDED, snap.attended)
        assert np.array_equal(final == SPOKE, snap.spoke)
        some_attended += int(snap.attended.any())
    assert some_attended >= 25  # the picture has something to show in most runs


def test_opinion_changes_only_from_the_meeting(run):
    _, snap = run
    before, after = snap.day_consulted - 1, snap.day_consulted
    assert opinion_on(snap, before) is snap.opinion_before
    assert opinion_on(snap, after) is snap.opinion_after
    assert event_on(snap, after) == "召开协商会议"
    assert event_on(snap, -1) == "征求意见、酝酿议题"


def test_layout_puts_every_household_in_its_own_square_inside_its_block(run):
    _, snap = run
    where = layout(snap)
    cells = set(zip(where.x.tolist(), where.y.tolist(), strict=True))
    assert len(cells) == snap.n_households
    for h in range(snap.n_households):
        x0, y0, w, h_, label = where.blocks[snap.household_unit[h]]
        assert x0 < where.x[h] < x0 + w and y0 < where.y[h] < y0 + h_
        assert label == snap.unit_names[snap.household_unit[h]]


@pytest.mark.parametrize("mode", ["participation", "opinion"])
def test_figure_renders_without_missing_glyphs(run, mode):
    _, snap = run
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = render_png(snap, snap.day_consulted, mode)
    assert png.startswith(b"\x89PNG")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


def _pixels(png: bytes) -> np.ndarray:
    import io

    from matplotlib.image import imread

    return imread(io.BytesIO(png))[..., :3]


@pytest.mark.parametrize("mode", ["participation", "opinion"])
def test_fast_frames_look_like_a_full_matplotlib_render(run, mode):
    _, snap = run
    picture = VillagePicture(snap)
    for day in (0, snap.day_consulted, snap.last_day):
        fast, full = _pixels(picture.png(day, mode)), _pixels(render_png(snap, day, mode))
        assert fast.shape == full.shape
        same = np.mean(np.all(np.isclose(fast, full, atol=0.02), axis=-1))
        assert same > 0.99, (day, same)


def test_a_frame_is_the_same_whatever_was_drawn_before(run):
    """No state leaks between frames: days drawn in any order, uncached, equal fresh pictures."""
    _, snap = run
    days = [0, int(snap.day_consulted), snap.last_day]
    busy = VillagePicture(snap, cache_size=0)
    for day in reversed(range(snap.last_day + 1)):  # every day in both modes, backwards
        busy.png(day, "opinion")
        busy.png(day, "participation")
    for mode in ("participation", "opinion"):
        for day in days:
            assert busy.png(day, mode) == VillagePicture(snap).png(day, mode), (mode, day)


def test_each_day_has_its_own_picture_even_when_nobody_changed(run):
    """The title names the day, so two days with the same households' states differ."""
    _, snap = run
    picture = VillagePicture(snap)
    states = [participation_on(snap, d).tobytes() for d in range(snap.last_day + 1)]
    same = [d for d in range(1, len(states)) if states[d] == states[d - 1]]
    assert same, "a procedure has quiet days"
    day = same[0]
    assert picture.png(day) != picture.png(day - 1)
    # the households look the same on both days: only one line of text (the title) changes
    a, b = _pixels(picture.png(day)), _pixels(picture.png(day - 1))
    changed_rows = np.flatnonzero(np.any(a != b, axis=(1, 2)))
    assert changed_rows.max() - changed_rows.min() < 25


def test_frame_cache_is_bounded_and_serves_repeats(run):
    _, snap = run
    picture = VillagePicture(snap, cache_size=3)
    first = picture.png(0)
    for day in range(1, 8):
        picture.png(day)
    info = picture.cache_info()
    assert info.currsize == 3 and info.misses == 8 and info.hits == 0
    picture.png(7)
    assert picture.cache_info().hits == 1
    assert picture.png(0) == first  # evicted, drawn again, the same bytes
    assert picture.cache_info().misses == 9
    with pytest.raises(ValueError):
        picture.png(0, "colour")


def test_household_pixels_are_separate_squares(run):
    from xsim.plots import HOUSEHOLD_CELL_PX, household_cells

    _, snap = run
    where = layout(snap)
    cells = household_cells(where.x, where.y)
    size = (HOUSEHOLD_CELL_PX - 1) ** 2
    assert np.array_equal(np.bincount(cells[cells >= 0]), np.full(snap.n_households, size))
    # no two households touch (left/right or up/down neighbours differ only through −1)
    for a, b in ((cells[:, 1:], cells[:, :-1]), (cells[1:, :], cells[:-1, :])):
        touching = (a >= 0) & (b >= 0) & (a != b)
        assert not touching.any()


def test_slider_and_mode_change_the_picture(run):
    _, snap = run
    view = VillageView(snap)
    assert view.slider.max == snap.last_day and view.play.max == len(view.frame_days) - 1
    start = view.image.value
    assert "已获知 0 户" in view.caption.value
    view.slider.value = int(snap.day_consulted)
    meeting = view.image.value
    assert meeting != start and "召开协商会议" in view.caption.value
    assert f"到会 {int(snap.attended.sum())} 户" in view.caption.value
    assert meeting == VillagePicture(snap).png(int(snap.day_consulted))
    view.mode.value = "opinion"
    assert view.image.value not in (start, meeting)
    hits = view._picture.cache_info().hits
    view.mode.value = "participation"
    assert view.image.value == meeting and view._picture.cache_info().hits == hits + 1
    assert view.status.value == ""


def test_view_errors_become_chinese_messages(run, monkeypatch):
    _, snap = run
    view = VillageView(snap)
    import xsim.teaching.village_view as vv

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(vv.VillagePicture, "png", broken)
    view.slider.value = int(snap.day_consulted)  # a state not drawn yet
    assert view.status.value and "boom" not in view.status.value


def test_snapshot_validates_its_arrays(run):
    _, snap = run
    with pytest.raises(ValueError):
        replace(snap, attended=snap.attended[:-1])
    with pytest.raises(ValueError):
        replace(snap, spoke=np.ones_like(snap.spoke), attended=np.zeros_like(snap.attended))
    with pytest.raises(ValueError):
        replace(snap, household_unit=snap.household_unit + len(snap.unit_names))


def test_adapter_runs_a_model_not_yet_run():
    model = ConsultationModel("elevator_retrofit", rng=1)
    snap = snapshot_from_model(model)
    assert isinstance(snap, VillageSnapshot) and snap.attended.any()


# -- what the lesson's question asks about is marked; playing fits in a few seconds -----------------


def test_elderly_mark_is_the_households_with_half_their_adults_60_or_older(run):
    model, snap = run
    old = np.zeros(snap.n_households)
    adults = np.zeros(snap.n_households)
    np.add.at(old, model.pop.household, model.pop.age == 2)
    np.add.at(adults, model.pop.household, 1)
    expected = old / adults >= 0.5
    assert np.array_equal(snap.marks["elderly"], expected)
    assert 0 < expected.sum() < snap.n_households  # the mark picks some households, not all
    again = VillageSnapshot.from_data(snap.to_data())
    assert np.array_equal(again.marks["elderly"], expected)


def _dark(png: bytes) -> np.ndarray:
    return np.all(_pixels(png) < 0.25, axis=-1)


def test_marked_households_carry_a_dark_dot_in_their_square(run):

    _, snap = run
    day = int(snap.day_consulted)
    plain = VillagePicture(snap).png(day)
    marked_png = VillagePicture(snap, mark="elderly").png(day)
    dots = _dark(marked_png) & ~_dark(plain)
    marked = snap.marks["elderly"]
    assert dots.sum() >= marked.sum()  # every marked household has at least one dark pixel
    # ... and the fast frame is what a full matplotlib render with the marks looks like
    full = _pixels(render_png(snap, day, mark="elderly"))
    assert np.mean(np.all(np.isclose(_pixels(marked_png), full, atol=0.02), axis=-1)) > 0.99

    # the dots are the marked households': none when nobody is marked, in proportion otherwise
    def dots_with(flags: np.ndarray) -> int:
        picture = VillagePicture(replace(snap, marks={"elderly": flags}), mark="elderly")
        return int((_dark(picture.png(day)) & ~_dark(plain)).sum())

    assert dots_with(np.zeros_like(marked)) == 0
    every = dots_with(np.ones_like(marked))
    assert abs(dots.sum() / every - marked.mean()) < 0.05
    with pytest.raises(ValueError):
        VillagePicture(snap, mark="tenants")


def test_the_caption_counts_the_marked_households(run):
    _, snap = run
    view = VillageView(snap, mark="elderly")
    view.slider.value = snap.last_day
    marked = snap.marks["elderly"]
    state = participation_on(snap, snap.last_day)[marked]
    came = int(np.sum(state >= ATTENDED))
    assert f"老人多的户（黑点）{int(marked.sum())} 户：到会 {came} 户" in view.caption.value
    assert "老人多的户" not in VillageView(snap).caption.value


def test_lesson_03_marks_the_households_its_question_asks_about():
    from xsim.teaching.lessons import course_dir

    text = (course_dir() / "03_协商形式" / "lesson.md").read_text(encoding="utf-8")
    assert "老人多的户" in text
    assert 'course.village("village_road", seed=1, form="online", mark="elderly")' in text


@pytest.mark.parametrize("last_day", [5, 60, 130, 400])
def test_playing_all_days_fits_in_five_seconds_and_shows_every_step(run, last_day):
    from xsim.teaching.village_view import PLAY_SECONDS

    _, snap = run
    long = replace(snap, events=((float(last_day), "publicized"),) + snap.events[:-1])
    long = replace(long, events=tuple(sorted(long.events)))
    view = VillageView(long)
    assert view.play.step == 1 and view.play.max == len(view.frame_days) - 1
    assert view.play.interval * len(view.frame_days) <= PLAY_SECONDS * 1000
    days = view.frame_days
    assert days[0] == 0 and days[-1] == long.last_day and days == sorted(set(days))
    assert {int(np.ceil(d)) for d, _ in long.events if d <= long.last_day} <= set(days)
    shown = []  # the play loop, without a browser: each frame the Play button sends
    for frame in range(view.play.max + 1):
        view.play.value = frame
        shown.append(view.slider.value)
    assert shown == days and view.status.value == ""
