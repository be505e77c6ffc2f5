"""Schooling and learning (xsim.sim.schooling, docs/model.md §7.5).

The mechanism: where a scenario gives its adults' schooling, those below secondary completion close
a smaller share of their knowledge gap at a briefing and a discussion. A scenario without schooling
must not change at all, and the difference must come from the learning factor, not from the draws.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from xsim.errors import InputError
from xsim.sim.model import ConsultationModel
from xsim.sim.scenario import Behaviour, load_scenario
from xsim.sim.schooling import (
    BELOW_SECONDARY,
    REFERENCE_BELOW_SECONDARY,
    SECONDARY,
    UNKNOWN,
    learning_factor,
    schooling_gap,
)

MIX = {"below_secondary": 0.4, "knowledge_gap": 0.1}
POLL = {
    "forms": ["deliberative_poll"],
    "organizer.form": "deliberative_poll",
    "organizer.sample_size": 300,
    "organizer.experts": True,
    "organizer.invite_groups": "all",
}


def _model(seed, overrides=None, ablate=None, scenario="elevator_retrofit"):
    return ConsultationModel(scenario, rng=seed, overrides=overrides, ablate=ablate)


def test_a_scenario_without_schooling_is_untouched_by_the_schooling_parameter():
    for seed in (1, 2, 3):
        low = _model(seed, {"behaviour.less_schooled_learning": 0.05})
        high = _model(seed, {"behaviour.less_schooled_learning": 0.95})
        assert (low.pop.schooled == UNKNOWN).all()
        assert np.array_equal(low.learning, np.ones(low.pop.n))
        assert low.run().to_dict() == high.run().to_dict()


def test_schooling_is_drawn_from_its_own_stream_and_moves_only_knowledge():
    plain, schooled = _model(7), _model(7, {"population.schooling": MIX})
    for name in ("household", "group", "age", "female", "opinion", "trust", "status", "contacts"):
        assert np.array_equal(getattr(plain.pop, name), getattr(schooled.pop, name)), name
    assert not np.array_equal(plain.pop.knowledge, schooled.pop.knowledge)


def test_the_drawn_mix_and_the_knowledge_gap_on_arrival_are_the_scenarios():
    spec = {"population.schooling": {"below_secondary": 0.3, "knowledge_gap": 0.12}}
    spec |= {"population.households": 4000, "population.knowledge": {"mean": 0.5, "sd": 0.05}}
    pop = _model(3, spec).pop
    below = pop.schooled == BELOW_SECONDARY
    assert set(np.unique(pop.schooled)) == {BELOW_SECONDARY, SECONDARY}
    assert below.mean() == pytest.approx(0.3, abs=0.02)
    gap = pop.knowledge[~below].mean() - pop.knowledge[below].mean()
    assert gap == pytest.approx(0.12, abs=0.01)
    assert pop.knowledge.mean() == pytest.approx(0.5, abs=0.01)  # the mean is kept


@pytest.mark.parametrize("ratio", [0.0, 0.3, 0.5, 1.0])
def test_the_factor_keeps_the_reference_polls_average_and_sets_the_ratio(ratio):
    behaviour = Behaviour(less_schooled_learning=ratio)
    p = REFERENCE_BELOW_SECONDARY
    codes = np.array([BELOW_SECONDARY, SECONDARY, UNKNOWN], dtype=np.int8)
    below, other, unknown = learning_factor(codes, behaviour)
    assert p * below + (1 - p) * other == pytest.approx(1.0)
    assert below == pytest.approx(ratio * other)
    assert unknown == 1.0


def test_the_gap_needs_both_kinds_of_participant():
    gain = np.array([0.1, 0.2, 0.3])
    assert schooling_gap(gain, np.array([1, 1, 1], dtype=np.int8)) is None
    assert schooling_gap(gain, np.array([-1, -1, -1], dtype=np.int8)) is None
    assert schooling_gap(gain, np.array([0, 1, 1], dtype=np.int8)) == pytest.approx(0.15)


def _gaps(seeds, ratio, ablate=None):
    out = []
    for seed in seeds:
        over = {**POLL, "population.schooling": MIX, "behaviour.less_schooled_learning": ratio}
        outcome = _model(seed, over, ablate).run().to_dict()
        out.append(outcome["knowledge_gain_schooling_gap"])
    return np.array(out, dtype=float)


def test_over_30_seeds_the_schooled_learn_more_and_not_without_the_mechanism():
    seeds = range(30)
    with_it = _gaps(seeds, 0.5)
    without = _gaps(seeds, 0.5, ablate="schooling_learning")
    # below secondary completion they start less informed, so with equal learning rates they
    # gain *more* (more gap to close): the sign flips only through the learning factor
    assert (with_it > 0).mean() >= 0.9
    assert (without < 0).mean() >= 0.9
    assert np.mean(with_it) > np.mean(without) + 0.03


def test_the_gap_grows_as_the_less_schooled_learn_less():
    seeds = range(30)
    assert np.mean(_gaps(seeds, 0.2)) > np.mean(_gaps(seeds, 0.6)) > np.mean(_gaps(seeds, 1.0))


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ({"below_secondary": 1.5, "knowledge_gap": 0.1}, "below_secondary"),
        ({"below_secondary": 0.5, "knowledge_gap": 0.7}, "knowledge_gap"),
        ({"below_secondary": 0.5, "gap": 0.1}, "gap"),
        ({"knowledge_gap": 0.1}, "below_secondary"),
    ],
)
def test_bad_schooling_names_the_field(value, words):
    with pytest.raises(InputError) as err:
        load_scenario("elevator_retrofit").with_overrides({"population.schooling": value})
    assert "population.schooling" in err.value.message("en")
    assert words in err.value.message("en")


@pytest.mark.parametrize(
    ("setting", "words"),
    [
        ("population.schooling.below=0.3", "population.schooling.below"),
        ("population.schooling.below_secondary=1.3", "population.schooling.below_secondary"),
        ("population.schooling=abc", "population.schooling"),
    ],
)
def test_the_cli_turns_bad_schooling_into_one_message_and_exit_2(setting, words, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "xsim", "run", "elevator_retrofit", "--set", setting],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"「{words}」" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_scenario_without_schooling_takes_it_field_by_field_on_the_command_line():
    spec = load_scenario("elevator_retrofit").with_overrides(
        {"population.schooling.below_secondary": 0.3}
    )
    assert spec.population.schooling.below_secondary == 0.3
    assert spec.population.schooling.knowledge_gap == 0.0
