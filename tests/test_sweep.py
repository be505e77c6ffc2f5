"""xsim.experiments.sweep and `xsim sweep`: grids, Latin hypercubes, Sobol and Morris sensitivity."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from experiments_fakes import FakeScenario, fake_runner

from xsim.cli import main as xsim_main
from xsim.errors import InputError
from xsim.experiments.sweep import Parameter, Sweep, parse_parameter, sample

NOTICE = "organizer.notice_days"


def test_parse_parameter_ranges_integers_and_lists():
    p = parse_parameter("organizer.notice_days=1:14")
    assert (p.low, p.high, p.integer) == (1.0, 14.0, True)
    q = parse_parameter("behaviour.epsilon=0.2:0.8")
    assert (q.low, q.high, q.integer) == (0.2, 0.8, False)
    r = parse_parameter("form=owners,hearing")
    assert r.values == ("owners", "hearing") and not r.is_range
    s = parse_parameter("organizer.experts=true,false")
    assert s.values == (True, False)


@pytest.mark.parametrize("text", ["notice_days", "x=", "x=3:1", "x=2:2", "x=a:b", "=1:2"])
def test_bad_parameters_are_input_errors(text):
    with pytest.raises(InputError):
        parse_parameter(text)


def test_grid_is_the_product_of_the_values_with_integer_rounding():
    params = [Parameter(NOTICE, 1, 14, integer=True), Parameter("form", values=("a", "b"))]
    points = sample(params, "grid", n=0, seed=0, steps=4)
    # linspace(1, 14, 4) = 1, 5.33, 9.67, 14 → 1, 5, 10, 14
    assert points == [
        (1, "a"),
        (1, "b"),
        (5, "a"),
        (5, "b"),
        (10, "a"),
        (10, "b"),
        (14, "a"),
        (14, "b"),
    ]


def test_latin_hypercube_hits_every_stratum_of_every_parameter_once():
    params = [Parameter("a", 0.0, 1.0), Parameter("b", 10.0, 20.0)]
    x = sample(params, "lhs", n=20, seed=5)
    assert x.shape == (20, 2)
    for j, (lo, hi) in enumerate([(0.0, 1.0), (10.0, 20.0)]):
        strata = np.floor((x[:, j] - lo) / (hi - lo) * 20).astype(int)
        assert sorted(strata) == list(range(20))
    assert np.array_equal(x, sample(params, "lhs", n=20, seed=5))
    assert not np.array_equal(x, sample(params, "lhs", n=20, seed=6))


def test_sobol_needs_a_power_of_two_and_numeric_ranges():
    with pytest.raises(InputError):
        sample([Parameter("a", 0, 1)], "sobol", n=12, seed=0)
    with pytest.raises(InputError):
        sample([Parameter("a", values=(1, 2))], "sobol", n=8, seed=0)
    with pytest.raises(InputError):
        sample([Parameter("a", 0, 1)], "latin", n=8, seed=0)


def test_an_unknown_scenario_parameter_is_refused_before_anything_runs():
    with pytest.raises(InputError) as err:
        Sweep(
            FakeScenario(),
            [Parameter("organizer.notice_dayz", 1, 9, integer=True)],
            method="lhs",
            n=4,
            runner=fake_runner,
        )
    assert NOTICE in err.value.message("en")


def _fake_sweep(method: str, n: int) -> tuple[Sweep, object]:
    # fake model: participation = form effect + 0.02·notice_days + N(0, 0.05); households unused
    params = [
        Parameter(NOTICE, 0, 20, integer=True),
        Parameter("households", 50, 500, integer=True),
    ]
    sweep = Sweep(
        FakeScenario(),
        params,
        method=method,
        n=n,
        reps=2,
        seed=3,
        form="council",
        runner=fake_runner,
    )
    return sweep, sweep.run("in-process").rows


def test_sobol_finds_the_parameter_that_matters_and_not_the_one_that_does_not():
    sweep, rows = _fake_sweep("sobol", 64)
    assert len(rows) == 64 * (2 + 2) * 2
    indices = sweep.sensitivity(rows, "participation")
    # notice days explain most of the variance (0.02·U{0..20}: var ≈ 0.015 vs noise 0.00125)
    assert indices.loc[NOTICE, "ST"] > 0.7
    assert indices.loc["households", "ST"] < 0.15
    assert indices.loc[NOTICE, "S1"] > indices.loc["households", "S1"] + 0.5


def test_morris_ranks_the_parameters_the_same_way():
    sweep, rows = _fake_sweep("morris", 10)
    indices = sweep.sensitivity(rows, "participation")
    assert indices.loc[NOTICE, "mu_star"] > 5 * indices.loc["households", "mu_star"]
    # the fake effect is linear: μ* ≈ 0.02 per day over the range 20 → ≈ 0.4 (noise adds a little)
    assert indices.loc[NOTICE, "mu_star"] == pytest.approx(0.4, abs=0.1)


def test_point_means_follow_the_sampled_values():
    sweep, rows = _fake_sweep("lhs", 12)
    table = sweep.point_means(rows, "participation")
    slope = np.polyfit(table[NOTICE].astype(float), table["participation"], 1)[0]
    assert slope == pytest.approx(0.02, abs=0.006)
    with pytest.raises(InputError):
        sweep.sensitivity(rows, "participation")  # lhs gives no indices
    with pytest.raises(InputError):
        sweep.point_means(rows, "no_such_measure")


def test_sensitivity_figure_renders_in_chinese(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from xsim.experiments.figures import sensitivity_figure

    sweep, rows = _fake_sweep("sobol", 16)
    indices = sweep.sensitivity(rows, "participation")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = sensitivity_figure(indices, outcome="participation")
        FigureCanvasAgg(fig).draw()
    assert not [w for w in caught if "Glyph" in str(w.message)]
    assert "参与率" in fig.axes[0].get_title()


# -- the command ---------------------------------------------------------------------------------------


def test_xsim_sweep_lhs_on_the_real_model(tmp_path, capsys):
    out = tmp_path / "sweep"
    code = xsim_main(
        [
            "sweep",
            "elevator_retrofit",
            "--param",
            "organizer.notice_days=1:14",
            "--method",
            "lhs",
            "--n",
            "4",
            "--reps",
            "1",
            "--executor",
            "in-process",
            "--out",
            str(out),
            "--format",
            "json",
            "--no-progress",
        ]
    )
    assert code == 0
    body = json.loads(capsys.readouterr().out)
    assert body["method"] == "lhs" and len(body["points"]) == 4
    assert all(1 <= p["organizer.notice_days"] <= 14 for p in body["points"])
    assert (out / "sweep.png").exists() and (out / "manifest.json").exists()


def test_xsim_sweep_sobol_text_names_the_most_influential_parameter(tmp_path, capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).parent))
    code = xsim_main(
        [
            "sweep",
            "elevator_retrofit",
            "--param",
            "organizer.notice_days=0:20",
            "--param",
            "organizer.solicit_days=0:20",
            "--method",
            "sobol",
            "--n",
            "32",
            "--reps",
            "1",
            "--executor",
            "in-process",
            "--runner",
            "experiments_fakes:fake_runner",
            "--out",
            str(tmp_path / "s"),
            "--no-progress",
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "影响最大的参数：organizer.notice_days" in text
    assert (tmp_path / "s" / "sensitivity.png").exists()
    assert json.loads((tmp_path / "s" / "sensitivity.json").read_text())


@pytest.mark.parametrize(
    "argv, field",
    [
        (["--param", "organizer.notice_dayz=1:5"], "organizer"),
        (
            ["--param", "organizer.notice_days=1:5", "--outcome", "happiness"],
            "--measures/--outcome",
        ),
        (["--param", "organizer.notice_days=1:5", "--method", "sobol", "--n", "6"], "--n"),
        ([], "--param"),
    ],
)
def test_xsim_sweep_bad_input_exits_2_without_writing(tmp_path, capsys, argv, field):
    out = tmp_path / "s"
    code = xsim_main(
        [
            "sweep",
            "elevator_retrofit",
            "--executor",
            "in-process",
            "--out",
            str(out),
            "--lang",
            "en",
            *argv,
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert field.split(".")[0] in err
    assert "Traceback" not in err
    assert not out.exists()
