"""The statistics of a summary: Wilson and BCa coverage, paired differences, stars, precision, layout."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from experiments_fakes import FakeScenario, fake_runner
from wcwidth import wcswidth

from xsim.experiments.precision import precision_gaps, run_to_precision
from xsim.experiments.stats import (
    adjust_benjamini_hochberg,
    difference,
    mean_interval,
    wilson_interval,
)
from xsim.experiments.study import Study
from xsim.experiments.summary import summarize


def frame_of(groups: dict[str, np.ndarray], seeds_shared: bool = True) -> pd.DataFrame:
    rows = []
    for v, (name, values) in enumerate(groups.items()):
        for r, x in enumerate(values):
            seed = r if seeds_shared else 1000 * v + r
            rows.append({"variant": name, "variant_index": v, "rep": r, "seed": seed, "y": x})
    return pd.DataFrame(rows)


# -- intervals of one mean -------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "n"), [(0.05, 40), (0.3, 30), (0.9, 60)])
def test_wilson_interval_covers_a_known_binomial_proportion_about_95_percent(p, n):
    rng = np.random.default_rng(2024)
    draws = rng.binomial(n, p, size=2000)
    covered = np.mean([lo <= p <= hi for lo, hi in (wilson_interval(k, n) for k in draws)])
    assert 0.92 <= covered <= 0.985


def test_a_proportion_of_none_or_all_has_a_wilson_interval_that_is_not_empty():
    none = mean_interval(np.zeros(50))
    assert none.method == "wilson" and none.low == 0 and 0.05 < none.high < 0.09
    every = mean_interval(np.ones(50))
    assert every.high == pytest.approx(1) and 0.91 < every.low < 0.95


def test_bca_interval_covers_the_mean_of_a_skewed_distribution():
    # exponential(1), n = 30: skewed, where the percentile interval runs narrow on the long side
    rng = np.random.default_rng(7)
    trials = 300
    covered = 0
    for t in range(trials):
        est = mean_interval(rng.exponential(1.0, 30), n_boot=999, rng=np.random.default_rng(t))
        assert est.method == "bca"
        covered += est.low <= 1.0 <= est.high
    assert 0.89 <= covered / trials <= 0.98


def test_a_constant_measure_has_a_zero_width_interval_marked_constant():
    est = mean_interval(np.full(20, 32.0))
    assert (est.estimate, est.low, est.high, est.method) == (32.0, 32.0, 32.0, "constant")


# -- differences -----------------------------------------------------------------------------------


def test_differences_whose_values_are_all_equal_are_never_starred():
    n = 30
    frame = frame_of(
        {
            "base": np.full(n, 5.0),
            "same": np.full(n, 5.0),  # 0.000 [0.000, 0.000]
            "shifted": np.full(n, 6.0),  # +1 in every replication: nothing uncertain to star
        }
    )
    s = summarize(frame, seed=1)
    for v in ("same", "shifted"):
        d = s.difference(v, "y")
        assert d["ci_low"] == d["ci_high"]
        assert not d["excludes_zero"] and not d["significant"]
    assert "*" not in "\n".join(s.to_text().splitlines()[:-1])  # the last line is the note


def test_pairing_under_common_random_numbers_narrows_the_difference_interval():
    # replication noise shared by both variants (sd 1) and own noise (sd 0.1), effect 0.2
    rng = np.random.default_rng(3)
    shared = rng.normal(0, 1, 40)
    base = shared + rng.normal(0, 0.1, 40)
    better = shared + 0.2 + rng.normal(0, 0.1, 40)
    paired = summarize(frame_of({"base": base, "better": better}), seed=0).difference("better", "y")
    unpaired = summarize(frame_of({"base": base, "better": better}, seeds_shared=False), seed=0)
    unpaired = unpaired.difference("better", "y")
    assert paired["paired"] and not unpaired["paired"]
    width = paired["ci_high"] - paired["ci_low"]
    assert width < 0.25 * (unpaired["ci_high"] - unpaired["ci_low"])
    assert paired["significant"] and not unpaired["excludes_zero"]
    assert paired["ci_low"] < 0.2 < paired["ci_high"]


def test_paired_interval_covers_the_true_difference_about_95_percent():
    rng = np.random.default_rng(11)
    covered = 0
    for t in range(200):
        shared = rng.normal(0, 1, 30)
        d = difference(
            shared + 0.3 + rng.normal(0, 0.2, 30),
            shared + rng.normal(0, 0.2, 30),
            paired=True,
            n_boot=999,
            rng=np.random.default_rng(t),
        )
        covered += d.interval.low <= 0.3 <= d.interval.high
    assert 0.89 <= covered / 200 <= 0.99


def test_effect_sizes_are_cohens_d_and_h():
    d = difference(np.array([1.0, 2, 3, 4]), np.array([0.0, 1, 2, 3]), paired=True)
    assert d.effect_kind == "d" and d.effect_size == pytest.approx(1 / np.std([1, 2, 3, 4], ddof=1))
    h = difference(np.array([1.0] * 8 + [0] * 2), np.array([1.0] * 5 + [0] * 5), paired=False)
    expected = 2 * np.arcsin(np.sqrt(0.8)) - 2 * np.arcsin(np.sqrt(0.5))
    assert h.effect_kind == "h" and h.effect_size == pytest.approx(expected)


def test_benjamini_hochberg_is_at_least_the_raw_p_value_and_ignores_missing_ones():
    p = np.array([0.001, 0.01, 0.03, 0.04, np.nan, 0.5])
    q = adjust_benjamini_hochberg(p)
    assert np.isnan(q[4])
    valid = ~np.isnan(p)
    assert (q[valid] >= p[valid] - 1e-12).all()
    assert q[3] == pytest.approx(0.04 * 5 / 4)  # rank 4 of the 5 valid p values


def test_many_null_measures_rarely_star_anything_after_adjustment():
    rng = np.random.default_rng(5)
    groups = {}
    frame = None
    for name in ("base", "other"):
        groups[name] = rng.normal(0, 1, (40, 30))
    rows = []
    for v, name in enumerate(groups):
        for r in range(40):
            row = {"variant": name, "variant_index": v, "rep": r, "seed": r}
            row.update({f"m{j}": groups[name][r, j] for j in range(30)})
            rows.append(row)
    frame = pd.DataFrame(rows)
    s = summarize(frame, seed=0, n_boot=999)
    raw = int(s.differences.excludes_zero.sum())
    assert int(s.differences.significant.sum()) <= raw
    assert int(s.differences.significant.sum()) == 0
    assert s.to_dict()["multiple_comparisons"]["comparisons"] == 30


# -- precision -------------------------------------------------------------------------------------


def test_precision_loop_stops_at_the_target_with_the_rows_of_a_plain_study():
    study = Study(FakeScenario(), ["hearing", "online"], reps=5, seed=3, runner=fake_runner)
    run = run_to_precision(
        study, 0.02, 400, measures=["participation"], summary_options={"seed": 3, "n_boot": 999}
    )
    assert run.reached
    gaps = precision_gaps(run.summary, run.rows, 0.02, ["participation"])
    assert (gaps.ratio <= 1).all()
    assert len(run.history) >= 2 and run.history[-2]["worst_ratio"] > 1  # it did need more reps
    final = run.study.reps
    assert 5 < final < 400
    plain = Study(FakeScenario(), ["hearing", "online"], reps=final, seed=3, runner=fake_runner)
    pd.testing.assert_frame_equal(
        run.rows.reset_index(drop=True), plain.run("in-process").rows.reset_index(drop=True)
    )


def test_precision_loop_stops_at_the_cap_when_the_target_is_out_of_reach():
    study = Study(FakeScenario(), ["hearing", "online"], reps=4, seed=1, runner=fake_runner)
    run = run_to_precision(study, 0.0001, 12, measures=["participation"])
    assert not run.reached and run.study.reps == 12 and len(run.rows) == 24


# -- the text table --------------------------------------------------------------------------------


def test_text_table_columns_align_in_display_width_with_chinese_labels():
    study = Study(
        FakeScenario(), ["hearing", "council", "online"], reps=12, seed=2, runner=fake_runner
    )
    s = study.run("in-process").summary(seed=2, n_boot=499)
    text = s.to_text("zh", measures="all")
    lines = text.splitlines()
    tables = [i for i, line in enumerate(lines) if line.startswith("指标")]
    assert len(tables) == 2
    for start in tables:
        block = []
        for line in lines[start:]:
            if not line.strip() or line.startswith(("按", "*")):
                break
            block.append(line)
        assert len(block) >= 5
        widths = {wcswidth(line) for line in block}
        assert len(widths) == 1, block  # display columns, not characters
        assert len({len(line) for line in block}) > 1  # the Chinese labels make them differ
        # every column separator ("  " before a right-aligned cell) sits at the same display column
        dashes = block[1]
        cuts = [i for i in range(1, len(dashes)) if dashes[i] == " " and dashes[i - 1] == "-"]
        for line in block[2:]:
            for cut in cuts:
                prefix = next(k for k in range(len(line) + 1) if wcswidth(line[:k]) >= cut)
                assert line[prefix] == " ", (line, cut)


def test_focused_measures_by_default_and_all_on_request():
    study = Study(FakeScenario(), ["hearing", "online"], reps=6, seed=2, runner=fake_runner)
    s = study.run("in-process").summary(seed=2, n_boot=199)
    assert "findings.PROC-NOTICE" not in s.text_measures()
    assert "findings.PROC-NOTICE" in s.text_measures("all")
    assert "PROC-NOTICE" in s.to_text(measures="all") and "PROC-NOTICE" not in s.to_text()
    body = json.loads(s.to_json())
    assert "findings.PROC-NOTICE" in body["estimates"]["online"]


# -- the command line ------------------------------------------------------------------------------

FAKE = ["--runner", "experiments_fakes:fake_runner", "--forms", "owners,hearing", "--no-progress"]


def test_compare_precision_adds_replications_until_the_target_and_stores_a_plain_study(
    tmp_path, capsys
):
    from xsim.cli import main as xsim_main
    from xsim.experiments.storage import load_results, read_manifest

    out = tmp_path / "study"
    argv = ["compare", "elevator_retrofit", *FAKE, "--reps", "4", "--precision", "0.03"]
    argv += ["--max-reps", "200", "--measures", "participation", "--format", "json"]
    assert xsim_main([*argv, "--out", str(out), "--no-figure"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["precision"]["reached"] and len(body["precision"]["batches"]) >= 2
    reps = body["study"]["reps"]
    assert 4 < reps < 200 and body["runs"]["total"] == 2 * reps
    assert read_manifest(out)["study"]["reps"] == reps
    assert len(load_results(out)) == 2 * reps


@pytest.mark.parametrize(
    "extra",
    [
        ["--precision", "-1"],
        ["--precision", "0.1", "--max-reps", "2"],
        ["--precision", "0.1", "--out", "FULL"],
    ],
)
def test_compare_precision_bad_input_exits_2(extra, capsys, tmp_path):
    from xsim.cli import main as xsim_main

    (tmp_path / "keep.txt").write_text("not a study")
    extra = [str(tmp_path) if x == "FULL" else x for x in extra]
    assert xsim_main(["compare", "elevator_retrofit", *FAKE, "--reps", "4", *extra]) == 2
    assert (tmp_path / "keep.txt").read_text() == "not a study"
    err = capsys.readouterr().err
    assert extra[-2] in err and "Traceback" not in err


# -- the demo --------------------------------------------------------------------------------------

CELL = re.compile(r"([+-]?[\d.]+) \[([+-]?[\d.]+), ([+-]?[\d.]+)\](\*?)")


def test_demo_difference_table_stars_no_zero_width_interval_and_aligns():
    # the demo's study and table (xsim.demo.compare_forms prints exactly this text), in-process
    from xsim.demo import SCENARIO, SEED

    study = Study.compare_forms(SCENARIO, reps=6, seed=SEED)
    lines = study.run("in-process", progress=False).summary(seed=SEED).to_text("zh").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("与基准方案"))
    table = []
    for line in lines[start + 1 :]:
        if not line.strip() or line.startswith(("按", "未配对", "*")):
            break
        table.append(line)
    assert len(table) >= 5 and "按重复配对比较" in "\n".join(lines)
    assert len({wcswidth(line) for line in table}) == 1  # aligned in display columns
    cells = [m for line in table[2:] for m in CELL.finditer(line)]
    assert cells
    zero_width = [m for m in cells if float(m.group(2)) == float(m.group(3))]
    assert zero_width  # the elevator scenario has measures that never differ
    assert not [m.group(0) for m in zero_width if m.group(4)]


def test_a_yes_no_measure_gets_wilson_even_when_constant_and_a_zero_count_does_not():
    frame = frame_of({"a": np.zeros(20), "b": np.zeros(20)})
    frame["flag"] = frame["rep"] < 0  # boolean, False in every run
    frame["count"] = 0  # a count that never happens
    frame["ratio"] = 1.0  # a ratio that is always 1
    s = summarize(frame, seed=0, n_boot=199)
    flag = s.table.set_index(["variant", "measure"]).loc[("a", "flag")]
    assert flag["method"] == "wilson" and flag["ci_high"] > 0.1
    for measure in ("count", "ratio"):
        row = s.table.set_index(["variant", "measure"]).loc[("a", measure)]
        assert row["method"] == "constant" and row["ci_low"] == row["ci_high"]
    assert s.difference("b", "flag")["effect_kind"] == "h"
    assert s.difference("b", "count")["effect_kind"] == "d"


def test_p_values_are_the_paired_t_test_and_the_exact_mcnemar_test():
    from scipy import stats as scipy_stats

    rng = np.random.default_rng(1)
    x = rng.normal(0, 1, 30)
    y = x + rng.normal(0.2, 0.5, 30)
    assert difference(x, y, paired=True).p_value == pytest.approx(
        scipy_stats.ttest_rel(x, y).pvalue, rel=1e-9
    )
    a = (rng.random(40) < 0.5).astype(float)
    b = (rng.random(40) < 0.3).astype(float)
    only_a, only_b = int(((a == 1) & (b == 0)).sum()), int(((a == 0) & (b == 1)).sum())
    expected = scipy_stats.binomtest(only_a, only_a + only_b).pvalue
    assert difference(a, b, paired=True).p_value == pytest.approx(expected, rel=1e-9)
