"""`xsim run` and `xsim scenarios`: output for a cadre, JSON for scripts, exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from xsim.cli import main
from xsim.records import load_record


def xsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "xsim.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_run_prints_chinese_summary_with_findings(capsys):
    code = main(
        [
            "run",
            "elevator_retrofit",
            "--seed",
            "3",
            "--set",
            "organizer.notice_days=2",
            "--set",
            "organizer.invite_groups=[upper, middle]",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    for text in ("谁来了", "谁被落下", "一楼住户", "协商结论", "[PROC-NOTICE]", "[SUBJ-MISSING]"):
        assert text in out


def test_run_in_english(capsys):
    assert main(["run", "village_road", "--form", "online", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Who came" in out and "Decided by: villagers' meeting" in out


def test_run_json_has_outcome_and_findings(capsys):
    assert main(["run", "elevator_retrofit", "--format", "json", "--seed", "5"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["form"] == "owners" and data["seed"] == 5
    assert "participation" in data["outcome"] and "findings.PROC-NOTICE" in data["outcome"]
    assert isinstance(data["findings"], list)


def test_run_writes_a_record_that_xsim_check_reads(tmp_path, capsys):
    path = tmp_path / "case.yaml"
    assert main(["run", "village_road", "--form", "council", "--record", str(path)]) == 0
    record = load_record(path)
    assert record.consultation.forms == ["council"]
    assert not list(tmp_path.glob(".*.tmp"))
    capsys.readouterr()
    assert main(["check", str(path)]) in (0, 1)


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["run", "elevator_retrofit", "--form", "board"], "owners"),
        (["run", "no_such_place"], "elevator_retrofit"),
        (["run", "elevator_retrofit", "--set", "organizer.notice_dayz=3"], "notice_days"),
        (
            ["run", "elevator_retrofit", "--set", "organizer.notice_days=-4"],
            "organizer.notice_days",
        ),
    ],
)
def test_bad_input_exits_2_with_one_message_and_no_file(tmp_path, args, named):
    path = tmp_path / "case.yaml"
    proc = xsim(*args, "--record", str(path))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert named in proc.stderr
    assert proc.stdout == ""
    assert not path.exists()


def test_scenarios_lists_every_bundled_scenario_as_json(capsys):
    assert main(["scenarios", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    names = {r["name"] for r in rows}
    assert {"elevator_retrofit", "village_road"} <= names
    for row in rows:
        assert set(row) >= {"name", "title", "setting", "forms", "teaching_points"}
        assert row["teaching_points"]


CONTRACT = (
    "opinion_spread_before",
    "opinion_spread_after",
    "adopted",
    "adopted_unlawfully",
    "informed_in_time",
    "polarization",
    "fairness",
)


def test_json_contract_of_run_compare_and_study_rows(capsys, tmp_path):
    """Issue 21's JSON contract: the run, each form's estimates and the study's rows carry the
    measures tools and tests rely on."""
    assert main(["run", "land_compensation", "--set", "population.households=60",
                 "--form", "representatives_meeting", "--format", "json"]) == 0  # fmt: skip
    out = json.loads(capsys.readouterr().out)["outcome"]
    assert set(CONTRACT) <= set(out)
    assert out["adopted"] is False and out["adopted_unlawfully"] is True
    assert main(["compare", "village_road", "--forms", "council,talk_day", "--reps", "2",
                 "--set", "population.households=40", "--executor", "in-process",
                 "--format", "json"]) == 0  # fmt: skip
    body = json.loads(capsys.readouterr().out)
    for variant in ("council", "talk_day"):
        assert set(CONTRACT) <= set(body["estimates"][variant]), variant
    assert "near_threshold" in body
    from xsim.experiments.study import Study

    rows = (
        Study("village_road", ["talk_day"], reps=2, seed=1).run("in-process", progress=False).rows
    )
    assert set(CONTRACT) <= set(rows.columns)


def test_scenarios_verify_checks_every_teaching_point_and_takes_ablate(capsys):
    args = ["scenarios", "--verify", "--scenario", "group_forest", "--executor", "in-process"]
    assert main([*args, "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    points = body["points"]
    assert body["ablate"] == [] and body["total"] == len(points) >= 2
    assert all(set(p) >= {"scenario", "id", "holds", "text", "claims"} for p in points)
    assert all(p["scenario"] == "group_forest" for p in points)
    assert body["holding"] == sum(p["holds"] for p in points)
    assert main([*args, "--ablate", "word_of_mouth"]) == 0
    text = capsys.readouterr().out
    assert "口耳相传" in text and "个教学要点" in text
    assert main(["scenarios", "--verify", "--ablate", "gossip"]) == 2
    assert "word_of_mouth" in capsys.readouterr().err


def test_scenarios_text_is_chinese(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert "老旧小区加装电梯协商" in out and "业主协商" in out and "农村" in out
