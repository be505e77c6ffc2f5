"""`xsim compare --uncertainty N`: parameter sets, pairwise probabilities, PRIM drivers, sentences,
the same numbers on every executor, and bad input (one message, exit 2, nothing written)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from xsim.cli import main as xsim_main
from xsim.experiments.discovery import drivers, pair_sentence
from xsim.experiments.parameter_ranges import ParameterRange, load_ranges
from xsim.experiments.uncertainty import analyse, draw_parameter_sets, make_study, shares

RANGES = load_ranges()


def _compare(*options: str) -> list[str]:
    """`xsim compare garbage_station` in this process with the given options."""
    return ["compare", "garbage_station", "--executor", "in-process", *options]


def test_parameter_sets_are_a_seeded_latin_hypercube_within_the_ranges():
    a = draw_parameter_sets(RANGES, 50, seed=3)
    assert a.equals(draw_parameter_sets(RANGES, 50, seed=3))
    assert not a.equals(draw_parameter_sets(RANGES, 50, seed=4))
    for name, r in RANGES.items():
        assert r.low <= a[name].min() and a[name].max() <= r.high
        # Latin hypercube: each of the 50 strata of every parameter holds exactly one set
        strata = np.floor((a[name] - r.low) / (r.high - r.low) * 50).clip(0, 49)
        assert sorted(strata.astype(int)) == list(range(50))


def _rows(sets: pd.DataFrame, flip) -> pd.DataFrame:
    """Synthetic study rows: A's participation beats B's except in the sets where ``flip`` holds."""
    rows = []
    for k, s in sets.iterrows():
        for rep in range(3):
            a, b = (0.2, 0.3) if flip(s) else (0.3, 0.2)
            rows.append({"variant": f"a @{k}", "form": "a", "rep": rep, "participation": a})
            rows.append({"variant": f"b @{k}", "form": "b", "rep": rep, "participation": b})
    return pd.DataFrame(rows)


def test_probability_and_a_planted_driver_are_found_by_prim():
    sets = draw_parameter_sets(RANGES, 200, seed=1)
    block = analyse(
        _rows(sets, lambda s: s["attend_base"] < -2.4),
        sets,
        ["a", "b"],
        RANGES,
        ["participation"],
        reps=3,
    )
    (pair,) = block["pairs"]
    expected = float((sets["attend_base"] >= -2.4).mean())
    assert pair["p_a_better"] == pytest.approx(expected, abs=1e-9)
    (driver,) = pair["drivers"]
    assert driver["parameter"] == "attend_base" and driver["low"] is None
    assert driver["high"] == pytest.approx(-2.4, abs=0.05)
    assert block["n_parameter_sets"] == 200 and block["reps_per_set"] == 3


def test_no_flip_means_no_drivers_and_a_sentence_that_says_so():
    sets = draw_parameter_sets(RANGES, 20, seed=1)
    (pair,) = analyse(_rows(sets, lambda s: False), sets, ["a", "b"], RANGES, ["participation"])[
        "pairs"
    ]
    assert pair["p_a_better"] == 1.0 and pair["drivers"] == []
    assert "结论都不变" in pair_sentence(pair, RANGES)


def test_ties_are_said_as_ties_never_counted_as_half_a_win():
    # a form that rarely adopts against one that never does: equal in most sets. p_a_better keeps
    # the JSON's convention (a tie counts half) but no sentence may call a tie a win
    sets = draw_parameter_sets(RANGES, 20, seed=1)
    rows = []
    for k in range(20):
        for rep in range(3):
            a = 0.3 if k < 5 else 0.0  # A is better in 5 of 20 sets, equal in 15
            rows.append({"variant": f"a @{k}", "form": "a", "rep": rep, "participation": a})
            rows.append({"variant": f"b @{k}", "form": "b", "rep": rep, "participation": 0.0})
    (pair,) = analyse(pd.DataFrame(rows), sets, ["a", "b"], RANGES, ["participation"])["pairs"]
    assert pair["p_a_better"] == pytest.approx(0.625) and pair["p_tie"] == pytest.approx(0.75)
    assert shares(pair) == pytest.approx((0.25, 0.0, 0.75))
    zh = pair_sentence({**pair, "a": "hearing", "b": "owners"}, RANGES)
    assert zh == (
        "在 25% 的合理参数下，民主听证会的参与率高于业主协商，在 75% 下两者相同；"
        "没有一组参数下结论反过来。"
    )
    en = pair_sentence({**pair, "a": "hearing", "b": "owners"}, RANGES, "en")
    assert en.startswith("Under 25% of plausible") and "the same under 75%" in en
    # equal under every set: said so, with no percentage of "higher"
    rows = [{**r, "participation": 0.0} for r in rows]
    (pair,) = analyse(pd.DataFrame(rows), sets, ["a", "b"], RANGES, ["participation"])["pairs"]
    assert pair["p_a_better"] == 0.5 and pair["p_tie"] == 1.0
    assert pair_sentence({**pair, "a": "hearing", "b": "owners"}, RANGES) == (
        "在所有抽到的合理参数下，民主听证会与业主协商的参与率都相同。"
    )


def test_rare_flips_without_a_region_give_no_drivers():
    sets = draw_parameter_sets(RANGES, 100, seed=2)
    flipped = np.zeros(100, dtype=bool)
    flipped[[3, 50]] = True
    assert drivers(sets, flipped, RANGES) == []


def test_the_sentence_is_plain_chinese_with_the_reader_s_names():
    ranges = {
        "attend_base": ParameterRange(
            default=-2.2,
            low=-2.64,
            high=-1.76,
            basis="assumption",
            zh="出席基准",
            en="attendance intercept",
        )
    }
    pair = {
        "a": "hearing",
        "b": "owners",
        "measure": "participation",
        "direction": 1,
        "p_a_better": 0.84,
        "drivers": [{"parameter": "attend_base", "low": None, "high": -2.4}],
    }
    zh = pair_sentence(pair, ranges)
    assert (
        zh
        == "在 84% 的合理参数下，民主听证会的参与率高于业主协商；当出席基准低于 −2.4 时结论反转。"
    )
    assert "hearing" not in zh and "attend_base" not in zh
    en = pair_sentence(pair, ranges, "en")
    assert en.startswith("Under 84% of plausible parameter sets") and "below -2.4" in en
    # when B wins most of the time the sentence names B first
    flipped = pair_sentence({**pair, "p_a_better": 0.1, "drivers": []}, ranges)
    assert flipped.startswith("在 90% 的合理参数下，业主协商的参与率高于民主听证会")


def _study():
    study, sets, ranges = make_study(
        "garbage_station", ["hearing", "compound"], 3, 2, 5, with_defaults=True
    )
    return study, sets, ranges


def test_the_same_numbers_on_every_executor():
    from xsim.experiments.executors import DaskExecutor

    study, sets, ranges = _study()
    reference = study.run("in-process", progress=False).rows
    blocks = [analyse(reference, sets, ["hearing", "compound"], ranges)]
    for executor in ("processes", DaskExecutor("local", workers=2)):
        try:
            rows = _study()[0].run(executor, progress=False).rows
        finally:
            if not isinstance(executor, str):
                executor.close()
        pd.testing.assert_frame_equal(rows, reference, check_dtype=False)
        blocks.append(analyse(rows, sets, ["hearing", "compound"], ranges))
    assert blocks[0] == blocks[1] == blocks[2]


def test_compare_uncertainty_json_has_the_issue_s_shape(tmp_path, capsys):
    out = tmp_path / "study"
    options = ["--forms", "hearing,compound", "--reps", "2", "--uncertainty", "3"]
    argv = _compare(*options, "--no-progress", "--format", "json", "--out", str(out))
    assert xsim_main(argv) == 0
    body = json.loads(capsys.readouterr().out)
    u = body["uncertainty"]
    assert u["n_parameter_sets"] == 3
    pair = u["pairs"][0]
    assert set(pair) >= {"a", "b", "measure", "p_a_better", "drivers"}
    assert 0.0 <= pair["p_a_better"] <= 1.0 and "在" in pair["sentence"]["zh"]
    assert json.loads((out / "uncertainty.json").read_text(encoding="utf-8")) == u
    assert (out / "summary.json").exists()


@pytest.mark.parametrize("value", ["0", "1", "999999999", "abc", "2.5", "-3", ""])
def test_bad_uncertainty_exits_2_with_one_message_and_writes_nothing(tmp_path, capsys, value):
    out = tmp_path / "study"
    argv = _compare("--reps", "2", "--uncertainty", value, "--out", str(out))
    assert xsim_main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "--uncertainty" in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert not out.exists()


def test_a_damaged_ranges_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "ranges.yaml"
    bad.write_text(
        "parameters:\n  attend_base: {default: 0, low: 1, high: 0, basis: x, zh: a, en: a}\n",
        encoding="utf-8",
    )
    argv = _compare("--reps", "2", "--uncertainty", "3", "--ranges", str(bad))
    assert xsim_main(argv) == 2
    assert "attend_base" in capsys.readouterr().err
