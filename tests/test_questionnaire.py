"""The poll's questionnaire (xsim.sim.questionnaire, docs/model.md §7.13): answers on a 0–10 scale
with response error, and the ``surveyed_*`` measures built on them."""

from __future__ import annotations

import numpy as np
import pytest

from xsim.sim import questionnaire as Q
from xsim.sim.model import run_once
from xsim.sim.outcome import paired_change_p, room_shares


def test_answers_are_whole_scale_points_within_the_scale():
    rng = np.random.default_rng(0)
    x = np.linspace(-1.0, 1.0, 401)
    a = Q.answers(x, 0.2, rng)
    points = (a + 1.0) / 2.0 * (Q.SCALE_POINTS - 1)
    assert np.allclose(points, np.round(points))
    assert a.min() >= -1.0 and a.max() <= 1.0


def test_error_makes_the_stated_share_of_the_answers_variance():
    rng = np.random.default_rng(1)
    x = np.clip(rng.normal(0.3, 0.4, 200_000), -1, 1)
    for share in (0.16, 0.35):
        sd = Q.error_sd(x, share)
        noisy = (x + 1) / 2 + rng.normal(0.0, sd, x.size)  # before rounding
        observed = noisy.var()
        assert (observed - ((x + 1) / 2).var()) / observed == pytest.approx(share, abs=0.01)


def test_no_error_and_fine_opinions_give_the_rounded_opinion():
    x = np.array([-1.0, -0.2, 0.0, 0.6, 1.0])
    assert np.allclose(Q.answers(x, 0.0, np.random.default_rng(0)), x)
    assert Q.error_sd(x, 0.0) == 0.0


def test_room_shares_count_ties_as_no_change_and_leave_out_neutral_rooms():
    rooms = np.array([0, 0, 1, 1, 2, 2])
    status = np.array([True, False, True, False, True, False])
    before = np.array([0.2, 0.6, -0.2, 0.2, 0.4, 0.8])
    after = np.array([0.3, 0.5, -0.4, 0.4, 0.4, 0.8])
    shares = room_shares(before, after, rooms, status)
    assert shares["spread_fell"] == pytest.approx(1 / 3)  # room 0 narrowed; 1 widened; 2 tied
    assert shares["away_from_neutral"] == pytest.approx(0.0)  # room 1 started at 0: left out
    assert shares["toward_high_status"] == pytest.approx(0.0)


def test_paired_change_p_detects_a_shift_and_not_noise():
    rng = np.random.default_rng(2)
    before = rng.normal(0, 0.3, 300)
    assert paired_change_p(before, before + 0.1 + rng.normal(0, 0.05, 300)) < 1e-6
    assert paired_change_p(before, before) == 1.0
    assert paired_change_p(before[:1], before[:1]) is None


def _forms():
    from xsim.sim.scenario import load_scenario

    return [*load_scenario("pocket_park").forms, "deliberative_poll"]


POLL = {
    "forms": _forms(),
    "organizer.sample_size": 300,
    "organizer.experts": True,
    "organizer.invite_groups": "all",
}


def _poll(seed, **extra):
    return run_once(
        "pocket_park",
        form="deliberative_poll",
        seed=seed,
        overrides=POLL | extra.get("o", {}),
        ablate=extra.get("ablate"),
    ).outcome.to_dict()


def test_the_questionnaire_changes_nothing_the_run_did():
    for seed in range(3):
        quiet = _poll(seed, o={"behaviour.response_error": 0.0})
        noisy = _poll(seed)
        for k, v in quiet.items():
            if not k.startswith("surveyed_"):
                assert noisy[k] == v, k


def test_without_talk_answers_still_show_about_half_of_the_rooms_narrowing():
    # the mechanism of §7.13: with neither talk nor briefing no opinion moves between the two
    # questionnaires, yet answers with response error show the spread falling in about half of
    # the rooms — and in none without the error
    seeds, still = range(30), ["talk", "briefing"]
    noisy = [_poll(s, ablate=still)["surveyed_rooms_spread_fell"] for s in seeds]
    exact = [
        _poll(s, ablate=still, o={"behaviour.response_error": 0.0})["surveyed_rooms_spread_fell"]
        for s in seeds
    ]
    assert 0.4 < np.mean(noisy) < 0.6
    assert np.mean(exact) < 0.05


def test_answers_are_the_same_for_the_same_seed():
    a, b = _poll(7), _poll(7)
    assert {k: v for k, v in a.items() if k.startswith("surveyed_")} == {
        k: v for k, v in b.items() if k.startswith("surveyed_")
    }
