"""`xsim compare`: output, Parquet rows, bad input (exit 2, nothing written), Ctrl-C and --resume."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from xsim.cli import main as xsim_main
from xsim.experiments.storage import load_results, part_files

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def compare(*argv: str) -> int:
    return xsim_main(
        ["compare", "elevator_retrofit", "--executor", "in-process", "--no-progress", *argv]
    )


def test_compare_writes_one_row_per_run_and_prints_the_chinese_table(tmp_path, capsys):
    out = tmp_path / "study"
    code = compare("--forms", "owners,hearing", "--reps", "4", "--seed", "9", "--out", str(out))
    assert code == 0
    captured = capsys.readouterr()
    assert "业主协商" in captured.out and "民主听证会" in captured.out
    assert "参与率" in captured.out and "与基准方案「业主协商」之差" in captured.out
    rows = load_results(out)
    assert len(rows) == 8
    assert list(rows.columns[:5]) == ["variant", "variant_index", "form", "rep", "seed"]
    assert set(rows.form) == {"owners", "hearing"}
    assert {
        "participation",
        "fairness",
        "n_violations",
        "findings.PROC-NOTICE",
        "findings.SUBJ-MISSING",
    } <= set(rows.columns)
    assert (out / "comparison.png").read_bytes()[:4] == b"\x89PNG"
    assert (out / "participation.png").read_bytes()[:4] == b"\x89PNG"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["variants"] == ["owners", "hearing"]


def test_compare_json_and_vary_cross_forms_with_values(tmp_path, capsys):
    code = compare(
        "--forms",
        "owners",
        "--vary",
        "organizer.notice_days=2,9",
        "--reps",
        "3",
        "--format",
        "json",
        "--baseline",
        "owners organizer.notice_days=9",
        "--lang",
        "en",
    )
    assert code == 0
    body = json.loads(capsys.readouterr().out)
    assert body["variants"] == ["owners organizer.notice_days=2", "owners organizer.notice_days=9"]
    assert body["baseline"] == "owners organizer.notice_days=9"
    assert body["runs"] == {"total": 6, "ran": 6, "resumed": 0}
    assert body["study"]["variants"][0]["overrides"] == {"organizer.notice_days": 2}
    est = body["estimates"]["owners organizer.notice_days=2"]
    assert {"participation", "findings.PROC-NOTICE"} <= set(est)


def test_same_seed_same_rows_on_processes_and_in_process(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert (
        compare(
            "--forms", "owners,online", "--reps", "3", "--seed", "4", "--out", str(a), "--no-figure"
        )
        == 0
    )
    assert (
        xsim_main(
            [
                "compare",
                "elevator_retrofit",
                "--forms",
                "owners,online",
                "--reps",
                "3",
                "--seed",
                "4",
                "--out",
                str(b),
                "--workers",
                "2",
                "--no-progress",
                "--no-figure",
            ]
        )
        == 0
    )
    pd.testing.assert_frame_equal(load_results(a), load_results(b))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "argv, says",
    [
        (["--forms", "owners,townhall"], "townhall"),
        (["--forms", "owners", "--vary", "organizer.notice_dayz=3,7"], "notice_days"),
        (["--forms", "owners", "--vary", "rules.notice_dayz=3"], "publicize_within_days"),
        (["--forms", "owners", "--set", "population.househelds=10"], "households"),
        (["--forms", "owners,hearing", "--baseline", "council"], "owners, hearing"),
        (["--forms", "owners", "--measures", "happiness"], "participation"),
        (["--forms", "owners", "--reps", "0"], "--reps"),
        (["--forms", "owners", "--workers", "0"], "--workers"),
        (["--forms", "owners", "--scheduler", "tcp://127.0.0.1:{port}"], "none answered"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_writes_nothing(tmp_path, capsys, argv, says):
    out = tmp_path / "never"
    argv = [a.replace("{port}", str(_closed_port())) for a in argv]
    start = time.monotonic()
    code = compare(*argv, "--out", str(out), "--lang", "en")
    assert code == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert not out.exists()
    assert time.monotonic() - start < 20


def test_unknown_scenario_exits_2(capsys):
    assert xsim_main(["compare", "no_such_scenario", "--reps", "1"]) == 2
    assert "no_such_scenario" in capsys.readouterr().err


def test_resume_on_a_folder_of_another_study_is_refused_and_leaves_it_alone(tmp_path, capsys):
    out = tmp_path / "study"
    assert compare("--forms", "owners", "--reps", "2", "--seed", "1", "--out", str(out)) == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    capsys.readouterr()
    code = compare("--forms", "owners", "--reps", "2", "--seed", "2", "--out", str(out), "--resume")
    assert code == 2
    assert "另一项研究" in capsys.readouterr().err
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_ctrl_c_keeps_finished_parts_and_resume_completes_only_the_rest(tmp_path):
    """Interrupt a real `xsim compare` process with SIGINT mid-study, then --resume it."""
    out = tmp_path / "study"
    env = {
        **os.environ,
        "PYTHONPATH": f"{TESTS}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "XSIM_FAKE_DELAY": "0.15",
    }
    argv = [
        sys.executable,
        "-m",
        "xsim.cli",
        "compare",
        "elevator_retrofit",
        "--forms",
        "owners,hearing,online",
        "--reps",
        "20",
        "--seed",
        "3",
        "--out",
        str(out),
        "--workers",
        "2",
        "--runner",
        "experiments_fakes:fake_runner",
        "--no-progress",
        "--lang",
        "en",
    ]
    proc = subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while not part_files(out) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert part_files(out), "no part file appeared"
    os.killpg(proc.pid, signal.SIGINT)  # like Ctrl-C in a terminal: the whole process group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    kept = load_results(out)
    assert 0 < len(kept) < 60
    assert not list(out.glob(".*.tmp"))

    env.pop("XSIM_FAKE_DELAY")
    done = subprocess.run(
        [*argv[:-2], "--resume", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    runs = json.loads(done.stdout)["runs"]
    assert runs == {"total": 60, "ran": 60 - len(kept), "resumed": len(kept)}
    rows = load_results(out)
    fresh = tmp_path / "fresh"
    ref = subprocess.run(
        [*argv[: argv.index("--out") + 1], str(fresh), *argv[argv.index("--out") + 2 :]],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ref.returncode == 0, ref.stderr
    pd.testing.assert_frame_equal(rows, load_results(fresh))


def test_demo_compares_the_forms_prints_the_table_and_writes_figures(tmp_path, capsys):
    from xsim.demo import compare_forms

    assert compare_forms(out=tmp_path, reps=3, workers=2) == 0
    text = capsys.readouterr().out
    assert "老旧小区加装电梯" in text and "置信区间" in text and "业主协商" in text
    for name in ("comparison.png", "participation.png", "trajectories.png"):
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
    from xsim.sim.scenario import load_scenario

    forms = load_scenario("elevator_retrofit").forms
    assert len(load_results(tmp_path / "results")) == 3 * len(forms)
    assert compare_forms(out=tmp_path, reps=3, workers=2) == 0  # a second demo starts afresh
