"""Mechanisms switched off (ablation): names, streams, and that switching one off changes only it.

Every mechanism of :data:`xsim.sim.mechanisms.MECHANISMS` can be switched off for a run
(``ablate=``); each draws from a random stream of its own, so switching one off leaves every draw
of the others where it was: the same population, the same attendance decisions, the same
speakers wherever the mechanism acts later in the run.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from xsim.errors import InputError
from xsim.sim.mechanisms import MECHANISMS, STREAMS
from xsim.sim.model import ConsultationModel, run_once
from xsim.sim.scenario import load_scenario

SMALL = {"population.households": 60}
# (scenario, form) where each mechanism shows: the runs differ with it off
WHERE = {
    "talk": ("elevator_retrofit", "owners"),
    "word_of_mouth": ("village_road", "villagers_meeting"),
    "amendments": ("elevator_retrofit", "owners"),
    "trust": ("village_road", "villagers_meeting"),
    "turnout_response": ("elevator_retrofit", "owners"),
    "cascade": ("elevator_retrofit", "owners"),
    "briefing": ("elevator_retrofit", "council"),
    "facilitation": ("village_square", "villagers_meeting"),
    "status_voice": ("village_square", "villagers_meeting"),
    "age_attendance": ("village_road", "villagers_meeting"),
    "tenure_attendance": ("parking_property", "compound"),
    "schooling_learning": ("elevator_retrofit", "council"),
}
# what a scene needs besides its scenario for the mechanism to act
NEEDS = {"schooling_learning": {"population.schooling": {"below_secondary": 0.4}}}
# mechanisms that act only after attendance is decided: with them off, the same people come
AFTER_ATTENDANCE = {
    "talk",
    "amendments",
    "briefing",
    "facilitation",
    "status_voice",
    "schooling_learning",
}


def model(name, form, seed=3, ablate=(), needs=None):
    overrides = SMALL | (needs or {})
    m = ConsultationModel(
        load_scenario(name), form=form, rng=seed, overrides=overrides, ablate=ablate
    )
    m.run()
    return m


def test_every_mechanism_is_named_in_chinese_and_english_and_has_a_scene():
    assert set(WHERE) == set(MECHANISMS)
    for key, m in MECHANISMS.items():
        assert m.key == key and m.zh and m.en and m.off
    assert len(set(STREAMS)) == len(STREAMS)


def test_an_unknown_mechanism_is_an_input_error_naming_the_choices():
    with pytest.raises(InputError) as err:
        ConsultationModel("village_road", ablate=["tlak"])
    assert "talk" in err.value.message("en")


@pytest.mark.parametrize("mechanism", sorted(MECHANISMS))
def test_switching_a_mechanism_off_changes_the_run_and_nothing_before_it(mechanism):
    name, form = WHERE[mechanism]
    changed = 0
    for seed in range(6):
        needs = NEEDS.get(mechanism)
        on = model(name, form, seed, needs=needs)
        off = model(name, form, seed, ablate=[mechanism], needs=needs)
        assert off.ablated == {mechanism} and not on.ablated
        for field in ("household", "group", "age", "female", "owner", "status", "opinion0"):
            assert np.array_equal(getattr(on.pop, field), getattr(off.pop, field)), field
        assert np.array_equal(on.invited, off.invited)
        if mechanism in AFTER_ATTENDANCE:
            assert np.array_equal(on.attended, off.attended)
            assert np.array_equal(on.trace.reps_present, off.trace.reps_present)
        if mechanism in {"talk", "amendments", "briefing"}:
            assert np.array_equal(on.trace.speaking, off.trace.speaking)
        row_on, row_off = on.result().to_dict(), off.result().to_dict()
        changed += row_on != row_off
    assert changed >= 3, f"switching {mechanism} off changed {changed} of 6 runs"


def test_talk_off_leaves_every_opinion_where_discussion_found_it():
    m = model("elevator_retrofit", "owners", ablate=["talk"])
    t = m.trace
    assert np.array_equal(t.initial, t.final)
    assert t.speaking.any()


def test_the_same_ablation_gives_the_same_numbers():
    a = run_once("village_road", "talk_day", seed=5, overrides=SMALL, ablate=("word_of_mouth",))
    b = run_once("village_road", "talk_day", seed=5, overrides=SMALL, ablate=["word_of_mouth"])
    assert a.to_dict() == b.to_dict()


def test_ablation_is_a_scenario_field_so_studies_and_overrides_carry_it():
    from xsim.experiments.study import Study

    study = Study("village_road", [{"form": "talk_day"}], reps=2, seed=1, ablate=["talk"])
    assert study.scenario.ablate == ["talk"] and study.manifest()["ablate"] == ["talk"]
    plain = Study("village_road", [{"form": "talk_day"}], reps=2, seed=1)
    assert plain.fingerprint() != study.fingerprint()
    rows = study.run(executor="serial", progress=False).rows
    assert (rows["opinion_spread_after"] == rows["opinion_spread_before"]).all()
    via_set = run_once("village_road", "talk_day", seed=2, overrides={**SMALL, "ablate": ["talk"]})
    via_arg = run_once("village_road", "talk_day", seed=2, overrides=SMALL, ablate=["talk"])
    assert via_set.to_dict() == via_arg.to_dict()


def test_cli_ablate_on_run_and_compare(capsys):
    from xsim.cli import main

    assert main(["run", "village_road", "--set", "population.households=40", "--ablate", "talk",
                 "--format", "json"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["ablate"] == ["talk"]
    assert out["outcome"]["opinion_spread_after"] == out["outcome"]["opinion_spread_before"]
    assert main(["run", "village_road", "--ablate", "nothing"]) == 2
    err = capsys.readouterr().err
    assert "talk" in err and "nothing" in err
    assert main(["compare", "village_road", "--forms", "talk_day", "--reps", "2",
                 "--set", "population.households=40", "--ablate", "talk",
                 "--format", "json", "--executor", "in-process"]) == 0  # fmt: skip
    body = json.loads(capsys.readouterr().out)
    assert body["study"]["ablate"] == ["talk"]
