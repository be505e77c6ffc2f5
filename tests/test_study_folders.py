"""Output folders are never damaged; studies state and bound their size (issue 15)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from experiments_fakes import FakeScenario, fake_runner

from xsim.cli import main as xsim_main
from xsim.errors import InputError
from xsim.experiments import limits
from xsim.experiments.executors import InProcessExecutor
from xsim.experiments.storage import (
    MANIFEST,
    QUARANTINE,
    ResultStore,
    load_results,
    part_files,
    read_manifest,
)
from xsim.experiments.study import Study

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = [{"form": "hearing"}, {"form": "online", "organizer.notice_days": 2}]


def make_study(reps: int = 5, seed: int = 3) -> Study:
    return Study(FakeScenario(), VARIANTS, reps=reps, seed=seed, runner=fake_runner)


def compare(*argv: str) -> int:
    return xsim_main(
        ["compare", "elevator_retrofit", "--executor", "in-process", "--no-progress", *argv]
    )


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file under ``folder``: (mtime_ns, sha256) — to prove nothing was touched."""
    return {
        str(p.relative_to(folder)): (
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def home_like(tmp_path) -> Path:
    """A folder like ~ or the working directory: someone's files, hidden ones, a sub-folder."""
    home = tmp_path / "home"
    (home / "docs").mkdir(parents=True)
    (home / "notes.txt").write_text("mine", encoding="utf-8")
    (home / ".bashrc").write_text("export X=1\n", encoding="utf-8")
    (home / "docs" / "plan.md").write_text("# plan\n", encoding="utf-8")
    (home / "part-00000-deadbeef.txt").write_text("not a part", encoding="utf-8")
    return home


# -- the folder policy -------------------------------------------------------------------------------


def test_a_folder_with_unrelated_files_is_refused_and_left_alone(home_like, capsys):
    before = snapshot(home_like)
    code = compare("--forms", "owners", "--reps", "2", "--out", str(home_like), "--lang", "en")
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "other files" in err and "--force" in err and "notes.txt" in err
    assert snapshot(home_like) == before


@pytest.mark.parametrize("spelling", [".", "~"])
def test_out_dot_and_out_tilde_are_refused(home_like, monkeypatch, capsys, spelling):
    monkeypatch.chdir(home_like)
    monkeypatch.setenv("HOME", str(home_like))
    before = snapshot(home_like)
    assert compare("--forms", "owners", "--reps", "2", "--out", spelling) == 2
    assert "已有其他文件" in capsys.readouterr().err
    assert snapshot(home_like) == before


def test_force_adds_the_study_beside_files_it_never_touches(home_like, capsys):
    before = snapshot(home_like)
    argv = ["--forms", "owners", "--reps", "2", "--out", str(home_like), "--force"]
    assert compare(*argv) == 0
    after = snapshot(home_like)
    assert {k: after[k] for k in before} == before  # every file that was there is unchanged
    body = read_manifest(home_like)
    written = set(after) - set(before)
    assert written == set(body["files"]) | {MANIFEST}  # the manifest lists all the study wrote
    assert {"summary.json", "comparison.png"} <= written
    for name, info in body["files"].items():
        data = (home_like / name).read_bytes()
        assert len(data) == info["bytes"] and hashlib.sha256(data).hexdigest() == info["sha256"]
    assert len(load_results(home_like)) == 2
    # the same study again: refused as finished, resumable; the owner's files still untouched
    capsys.readouterr()
    assert compare(*argv) == 2 and "--resume" in capsys.readouterr().err
    assert compare(*argv, "--resume") == 0
    assert {k: snapshot(home_like)[k] for k in before} == before


def test_force_never_overwrites_a_file_with_a_name_the_study_writes(home_like, capsys):
    (home_like / "summary.json").write_text('{"mine": true}', encoding="utf-8")
    before = snapshot(home_like)
    code = compare("--forms", "owners", "--reps", "2", "--out", str(home_like), "--force")
    assert code == 2 and "summary.json" in capsys.readouterr().err
    assert snapshot(home_like) == before


def test_write_output_refuses_a_file_the_study_did_not_write(tmp_path):
    from xsim.experiments.storage import write_output

    out = tmp_path / "s"
    make_study().run(InProcessExecutor(), out=str(out))
    (out / "figure.png").write_bytes(b"someone else's")
    with pytest.raises(InputError):
        write_output(out, "figure.png", b"ours")
    assert (out / "figure.png").read_bytes() == b"someone else's"
    write_output(out, "other.png", b"ours")
    write_output(out, "other.png", b"ours again")  # its own file may be replaced
    assert (out / "other.png").read_bytes() == b"ours again"


def test_a_study_of_another_kind_is_refused(tmp_path):
    out = tmp_path / "s"
    make_study().run(InProcessExecutor(), out=str(out), kind="sweep")
    with pytest.raises(InputError) as err:
        make_study().run(InProcessExecutor(), out=str(out), resume=True, kind="compare")
    assert "kind" in err.value.message("en")


def test_out_under_a_regular_file_is_refused_and_nothing_written(tmp_path, capsys):
    blocker = tmp_path / "results.txt"
    blocker.write_text("data", encoding="utf-8")
    code = compare("--forms", "owners", "--reps", "2", "--out", str(blocker / "a" / "b"))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "是文件" in err
    assert blocker.read_text(encoding="utf-8") == "data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results.txt"]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc")
@pytest.mark.parametrize("target", ["/proc/xsim-study-test", "/proc/xsim/a/b", "/proc"])
def test_out_under_proc_is_refused_with_one_message(capsys, target):
    code = compare("--forms", "owners", "--reps", "1", "--out", target, "--lang", "en")
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert not Path(target, MANIFEST).exists()


def _can_make_readonly_mounts() -> bool:
    if sys.platform != "linux" or not shutil.which("unshare") or not shutil.which("mount"):
        return False
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount --bind -o ro / /mnt"], capture_output=True, timeout=10
    )
    return done.returncode == 0


@pytest.mark.skipif(not _can_make_readonly_mounts(), reason="needs unshare and mount (root)")
def test_out_on_a_read_only_mount_is_refused_and_nothing_written(tmp_path):
    """As root, chmod does not make a folder read-only; a read-only bind mount in a private mount
    namespace does (and disappears with the process, whatever happens)."""
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    dst.mkdir()
    (src / "existing").mkdir()
    cmd = (
        f"mount --bind -o ro {src} {dst} && exec {sys.executable} -m xsim.cli compare "
        "elevator_retrofit --forms owners --reps 1 --executor in-process --no-progress "
        '--lang en --out "$1"'
    )
    for target in (dst / "study", dst / "existing"):
        done = subprocess.run(
            ["unshare", "-m", "sh", "-c", cmd, "sh", str(target)],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "read-only" in done.stderr
    assert sorted(p.name for p in src.iterdir()) == ["existing"]
    assert not any((src / "existing").iterdir())


# -- damaged parts -------------------------------------------------------------------------------------


def _small_parts(monkeypatch) -> None:
    original = ResultStore.__init__

    def small(self, folder, **kw):
        original(self, folder, body=kw.get("body"), flush_rows=3, flush_seconds=60)

    monkeypatch.setattr(ResultStore, "__init__", small)


def test_truncated_and_bit_flipped_parts_are_quarantined_and_redone_on_resume(
    tmp_path, monkeypatch
):
    fresh = make_study().run(InProcessExecutor()).rows
    _small_parts(monkeypatch)
    out = tmp_path / "s"
    make_study().run(InProcessExecutor(), out=str(out), chunk_size=1)
    parts = part_files(out)
    assert len(parts) == 4  # 10 rows in parts of 3
    truncated, flipped = parts[1], parts[2]
    truncated.write_bytes(truncated.read_bytes()[:-40])
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit
    flipped.write_bytes(bytes(data))
    with pytest.raises(InputError) as err:
        load_results(out)
    assert "--resume" in err.value.message("en") and "quarantine" in err.value.message("zh")
    result = make_study().run(InProcessExecutor(), out=str(out), resume=True)
    assert sorted(name for name, _ in result.quarantined) == sorted([truncated.name, flipped.name])
    assert (result.n_run, result.n_skipped) == (6, 4)
    assert sorted(p.name for p in (out / QUARANTINE).iterdir()) == sorted(
        [truncated.name, flipped.name]
    )
    pd.testing.assert_frame_equal(load_results(out), fresh, check_dtype=False)


def test_a_listed_part_that_never_reached_its_place_is_redone(tmp_path, monkeypatch):
    """A crash between listing a part and renaming it into place: the part is missing."""
    fresh = make_study().run(InProcessExecutor()).rows
    out = tmp_path / "s"
    real_replace = os.replace

    def crash_on_parts(src, dst, *a, **k):
        if Path(dst).name.startswith("part-"):
            raise KeyboardInterrupt  # killed mid-flush
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", crash_on_parts)
    with pytest.raises(KeyboardInterrupt):
        make_study().run(InProcessExecutor(), out=str(out))
    monkeypatch.setattr(os, "replace", real_replace)
    assert read_manifest(out)["files"]  # listed, not there
    assert not list(out.glob(".*.tmp"))
    result = make_study().run(InProcessExecutor(), out=str(out), resume=True)
    assert [problem for _, problem in result.quarantined] == ["missing"]
    pd.testing.assert_frame_equal(load_results(out), fresh, check_dtype=False)


def test_compare_resume_reports_the_quarantine_and_equals_a_fresh_run(tmp_path, capsys):
    out, fresh = tmp_path / "s", tmp_path / "fresh"
    argv = ["--forms", "owners,hearing", "--reps", "3", "--seed", "2", "--no-figure"]
    assert compare(*argv, "--out", str(out)) == 0
    [part] = part_files(out)
    part.write_bytes(part.read_bytes()[:100])
    capsys.readouterr()
    assert compare(*argv, "--out", str(out), "--resume", "--lang", "en") == 0
    err = capsys.readouterr().err
    assert "damaged" in err and "quarantine/" in err and part.name in err
    assert compare(*argv, "--out", str(fresh)) == 0
    pd.testing.assert_frame_equal(load_results(out), load_results(fresh))


# -- sizes and bounds --------------------------------------------------------------------------------


def test_an_absurd_number_of_replications_fails_within_a_second(capsys):
    start = time.monotonic()
    code = xsim_main(["compare", "elevator_retrofit", "--reps", "100000000", "--lang", "en"])
    assert time.monotonic() - start < 1.0
    err = capsys.readouterr().err
    assert code == 2 and "--reps" in err and f"1 to {limits.MAX_REPS}" in err


def test_a_study_over_the_run_limit_is_refused_before_anything_is_built():
    start = time.monotonic()
    variants = [{"name": f"v{i}", "form": "hearing"} for i in range(20)]
    with pytest.raises(InputError) as err:
        Study("no_such_scenario_is_loaded", variants, reps=limits.MAX_REPS, runner=fake_runner)
    assert time.monotonic() - start < 1.0
    assert f"{limits.MAX_RUNS:,}" in err.value.message("en")


@pytest.mark.parametrize(
    ("argv", "flag", "bounds"),
    [
        (["--boot", "0"], "--boot", (limits.MIN_BOOT, limits.MAX_BOOT)),
        (["--boot", "10000000"], "--boot", (limits.MIN_BOOT, limits.MAX_BOOT)),
        (["--reps", "0"], "--reps", (1, limits.MAX_REPS)),
        (["--workers", "0"], "--workers", (1, limits.MAX_WORKERS)),
        (["--workers", "100000"], "--workers", (1, limits.MAX_WORKERS)),
    ],
)
def test_out_of_range_numbers_exit_2_naming_the_flag_and_range(
    tmp_path, capsys, argv, flag, bounds
):
    code = compare("--forms", "owners", *argv, "--out", str(tmp_path / "s"), "--lang", "en")
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert flag in err and f"from {bounds[0]} to {bounds[1]}" in err
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--n", "0"], "--n"),
        (["--n", "100000000"], "--n"),
        (["--steps", "1"], "--steps"),
        (["--reps", "-1"], "--reps"),
        (["--method", "grid", "--steps", "1000"], "--reps"),  # 1000^3 points: over the run limit
    ],
)
def test_sweep_numbers_are_bounded(capsys, argv, flag):
    start = time.monotonic()
    params = ["--param", "organizer.notice_days=1:2000", "--param", "behaviour.epsilon=0.1:0.9"]
    params += ["--param", "behaviour.attend_base=0.1:0.9"]
    code = xsim_main(["sweep", "elevator_retrofit", *params, *argv, "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and flag in err and "Traceback" not in err
    assert time.monotonic() - start < 5


def test_chunk_size_is_bounded():
    for bad in (0, limits.MAX_CHUNK + 1):
        with pytest.raises(InputError) as err:
            make_study().run(InProcessExecutor(), chunk_size=bad)
        assert "chunk_size" in err.value.message("en")


def test_a_study_states_its_size_and_estimate_before_it_starts(tmp_path, capsys):
    assert compare("--forms", "owners,hearing", "--reps", "3", "--no-figure") == 0
    err = capsys.readouterr().err
    assert "研究规模：2 个方案 × 3 次重复 = 6 次模拟" in err and "预计约" in err
    study = make_study(reps=4)
    study.probe()
    text = study.size_text(2, "en")
    assert "2 variants × 4 replications = 8 runs" in text and "estimated" in text


def test_the_manifest_records_kind_format_and_every_part(tmp_path):
    out = tmp_path / "s"
    make_study().run(InProcessExecutor(), out=str(out))
    body = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert body["format"] == "xsim-study/1" and body["kind"] == "study"
    assert sorted(body["files"]) == sorted(p.name for p in part_files(out))
    assert sum(info["rows"] for info in body["files"].values()) == 10


def test_a_manifest_written_before_file_lists_is_still_resumed(tmp_path, monkeypatch):
    fresh = make_study().run(InProcessExecutor()).rows
    _small_parts(monkeypatch)
    out = tmp_path / "s"
    study = make_study()
    v, _, seed = study.tasks()[7]  # seeds are shared by variants: name the form too
    monkeypatch.setenv("XSIM_FAKE_FAIL_SEEDS", f"{study.variants[v].form}@{seed}")
    with pytest.raises(Exception):  # noqa: B017 - the fake runner's failure
        study.run(InProcessExecutor(), out=str(out), chunk_size=1)
    monkeypatch.delenv("XSIM_FAKE_FAIL_SEEDS")
    body = read_manifest(out)
    legacy = {k: body[k] for k in ("fingerprint", "study", "created")}
    (out / MANIFEST).write_text(json.dumps(legacy), encoding="utf-8")
    kept = len(load_results(out))
    assert kept == 7  # the runs before the failing one
    result = make_study().run(InProcessExecutor(), out=str(out), resume=True)
    assert (result.n_run, result.n_skipped) == (3, 7)
    pd.testing.assert_frame_equal(load_results(out), fresh, check_dtype=False)


def test_sweep_out_follows_the_same_folder_policy(home_like, capsys):
    before = snapshot(home_like)
    argv = ["sweep", "elevator_retrofit", "--param", "organizer.notice_days=1:5", "--n", "2"]
    argv += ["--reps", "1", "--executor", "in-process", "--no-progress", "--out", str(home_like)]
    assert xsim_main(argv) == 2 and "--force" in capsys.readouterr().err
    assert snapshot(home_like) == before


def test_remove_study_deletes_only_what_the_study_wrote(home_like):
    from xsim.experiments.storage import remove_study

    before = snapshot(home_like)
    make_study().run(InProcessExecutor(), out=str(home_like), force=True)
    assert len(snapshot(home_like)) > len(before)
    remove_study(home_like)
    assert snapshot(home_like) == before
