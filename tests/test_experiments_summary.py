"""Summaries (bootstrap CIs, differences vs baseline), text/JSON output, and the study figures."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from experiments_fakes import FakeScenario, fake_runner

from xsim.errors import InputError
from xsim.experiments.study import Study
from xsim.experiments.summary import measure_columns, summarize


def frame_from(groups: dict[str, np.ndarray], measure: str = "y") -> pd.DataFrame:
    rows = []
    for v, (name, values) in enumerate(groups.items()):
        for r, x in enumerate(values):
            rows.append(
                {
                    "variant": name,
                    "variant_index": v,
                    "form": name,
                    "rep": r,
                    "seed": r,
                    measure: float(x),
                    "label": "text",
                }
            )
    return pd.DataFrame(rows)


def test_measures_are_the_numeric_columns_after_seed():
    frame = frame_from({"a": np.arange(3)})
    frame["flag"] = True
    assert measure_columns(frame) == ["y", "flag"]


def test_mean_is_exact_and_the_interval_is_reproducible_and_brackets_it():
    rng = np.random.default_rng(0)
    data = {"a": rng.normal(1.0, 1.0, 40), "b": rng.normal(1.5, 1.0, 40)}
    frame = frame_from(data)
    s1 = summarize(frame, seed=3)
    s2 = summarize(frame, seed=3)
    pd.testing.assert_frame_equal(s1.table, s2.table)
    a = s1.estimate("a", "y")
    assert a["mean"] == pytest.approx(data["a"].mean(), abs=1e-12)
    assert a["n"] == 40
    assert a["ci_low"] < a["mean"] < a["ci_high"]
    # a 95% percentile bootstrap interval of a mean is about ±1.96·sd/√n wide
    half = 1.96 * data["a"].std(ddof=1) / np.sqrt(40)
    assert (a["ci_high"] - a["ci_low"]) / 2 == pytest.approx(half, rel=0.15)
    other = summarize(frame, seed=4).estimate("a", "y")
    assert other["mean"] == a["mean"] and other["ci_low"] != a["ci_low"]


def test_interval_coverage_is_close_to_95_percent():
    # 300 independent data sets of 30 draws from N(0.3, 1): the 95% interval should cover 0.3 in
    # about 95% of them (the percentile bootstrap runs a little narrow at n = 30: ~93%).
    rng = np.random.default_rng(12345)
    covered = 0
    trials = 300
    for t in range(trials):
        s = summarize(frame_from({"a": rng.normal(0.3, 1.0, 30)}), n_boot=1000, seed=t)
        e = s.estimate("a", "y")
        covered += e["ci_low"] <= 0.3 <= e["ci_high"]
    assert 0.88 <= covered / trials <= 0.98


def test_differences_find_a_real_effect_and_not_a_null_one():
    rng = np.random.default_rng(7)
    data = {
        "base": rng.normal(0, 1, 60),
        "same": rng.normal(0, 1, 60),
        "better": rng.normal(1.0, 1, 60),
    }
    s = summarize(frame_from(data), baseline="base", seed=1)
    better = s.difference("better", "y")
    assert better["diff"] == pytest.approx(data["better"].mean() - data["base"].mean())
    assert better["ci_low"] > 0.4 and better["ci_high"] < 1.6
    same = s.difference("same", "y")
    assert same["ci_low"] < 0 < same["ci_high"]
    flags = s.differences.set_index("variant")["excludes_zero"]
    assert flags["better"] and not flags["same"]


def test_missing_values_are_left_out_and_an_empty_measure_has_no_estimate():
    frame = frame_from({"a": np.array([1.0, np.nan, 3.0]), "b": np.array([np.nan] * 3)})
    s = summarize(frame, seed=0)
    a = s.estimate("a", "y")
    assert a["n"] == 2 and a["mean"] == 2.0
    b = s.estimate("b", "y")
    assert b["n"] == 0 and np.isnan(b["mean"])
    assert "—" in s.to_text()
    json.dumps(s.to_dict())  # NaN becomes null, still valid JSON
    assert s.to_dict()["estimates"]["b"]["y"]["mean"] is None


def test_unknown_baseline_or_measure_is_an_input_error():
    frame = frame_from({"a": np.arange(4.0), "b": np.arange(4.0)})
    with pytest.raises(InputError) as err:
        summarize(frame, baseline="c")
    assert "a, b" in err.value.message("en")
    with pytest.raises(InputError) as err:
        summarize(frame, measures=["nope"])
    assert "y" in err.value.message("en")


@pytest.fixture(scope="module")
def study_summary():
    study = Study(
        FakeScenario(), ["hearing", "council", "online"], reps=20, seed=2, runner=fake_runner
    )
    return study.run("in-process").summary(seed=2)


def test_the_fake_models_known_effects_come_out(study_summary):
    # fake runner: participation = form effect (0.30 / 0.45 / 0.60) + 0.02·5 + N(0, 0.05)
    for form, effect in (("hearing", 0.30), ("council", 0.45), ("online", 0.60)):
        e = study_summary.estimate(form, "participation")
        assert e["ci_low"] < effect + 0.10 < e["ci_high"]
    # The fake runner's noise depends on the seed only, and every form runs replication r on the
    # same seed (common random numbers): the paired difference is exactly 0.30 in every replication,
    # a zero-width interval that is reported but never starred.
    d = study_summary.difference("online", "participation")
    assert d["paired"]
    assert d["ci_low"] == pytest.approx(0.30) and d["ci_high"] == pytest.approx(0.30)
    assert not d["excludes_zero"] and not d["significant"]


def test_text_table_in_chinese_by_default_and_english_on_request(study_summary):
    zh = study_summary.to_text()
    assert "参与率" in zh and "民主听证会" in zh and "Wilson" in zh and "BCa" in zh
    assert "与基准方案「民主听证会」之差" in zh
    en = study_summary.to_text("en")
    assert "participation" in en and "hearing" in en and "BCa bootstrap" in en
    assert "参与率" not in en
    lines = zh.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("指标"))
    # aligned columns: every row of the first table has the same display width as its header
    from xsim.experiments.summary import _width

    widths = {_width(line) for line in lines[header : header + 4]}
    assert len(widths) == 1


def test_json_has_every_measure_for_every_variant(study_summary):
    body = json.loads(study_summary.to_json())
    assert body["baseline"] == "hearing" and body["level"] == 0.95
    assert set(body["estimates"]) == {"hearing", "council", "online"}
    assert set(body["estimates"]["online"]) == set(study_summary.measures)
    assert set(body["differences_vs_baseline"]) == {"council", "online"}


def _no_glyph_warnings(make_figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = make_figure()
        FigureCanvasAgg(fig).draw()
    glyphs = [w for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert not glyphs, [str(w.message) for w in glyphs]
    return fig


def test_comparison_and_group_figures_render_chinese_without_missing_glyphs(study_summary):
    from xsim.experiments.figures import comparison_figure, participation_by_group

    fig = _no_glyph_warnings(lambda: comparison_figure(study_summary))
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert "参与率" in titles
    fig = _no_glyph_warnings(lambda: participation_by_group(study_summary))
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["青年", "老年"]


def test_opinion_trajectories_of_the_real_model_render(tmp_path):
    from xsim.experiments.figures import opinion_trajectories, save_figure
    from xsim.experiments.trajectories import collect_trajectories

    study = Study.compare_forms("elevator_retrofit", ["owners", "online"], reps=3, seed=1)
    traj = collect_trajectories(study, reps=2)
    assert set(traj.variant) == {"owners", "online"}
    assert set(traj.rep) == {0, 1}
    assert (traj.groupby(["variant", "rep"]).step.min() == 0).all()
    again = collect_trajectories(study, reps=2)
    pd.testing.assert_frame_equal(traj, again)
    fig = _no_glyph_warnings(lambda: opinion_trajectories(traj))
    path = save_figure(fig, tmp_path / "t.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(tmp_path.glob(".*"))
