"""xsim.experiments: seeds, variants, executors (in-process, processes), storage and resume.

The machinery is tested with a fake runner (tests/experiments_fakes.py): deterministic in its seed,
with a known effect per form, and able to fail, interrupt or kill its own process on chosen runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from experiments_fakes import FakeScenario, fake_runner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xsim.errors import InputError
from xsim.experiments.executors import InProcessExecutor, ProcessExecutor
from xsim.experiments.storage import MANIFEST, load_results, part_files
from xsim.experiments.study import RunFailed, Study, run_seed

ROOT = Path(__file__).resolve().parents[1]
VARIANTS = ["hearing", "council", {"form": "online", "organizer.notice_days": 2}]


def make_study(reps: int = 6, seed: int = 11, variants=VARIANTS, scenario=None) -> Study:
    return Study(scenario or FakeScenario(), variants, reps=reps, seed=seed, runner=fake_runner)


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return make_study().run(InProcessExecutor()).rows


# -- seeds ------------------------------------------------------------------------------------------


def test_run_seed_is_the_spawned_child_of_the_root_and_the_same_in_every_variant():
    for r, child in enumerate(np.random.SeedSequence(42).spawn(4)):
        expected = int(child.generate_state(1, np.uint64)[0] >> np.uint64(1))
        assert {run_seed(42, v, r) for v in range(3)} == {expected}


def test_seeds_do_not_depend_on_study_size_and_pair_the_variants():
    small = make_study(reps=3).tasks()
    large = make_study(
        reps=10, variants=[*VARIANTS, "hearing_again" and {"form": "hearing", "name": "h2"}]
    ).tasks()
    assert set(small) <= set(large)
    by_rep: dict[int, set[int]] = {}
    for _, r, s in large:
        by_rep.setdefault(r, set()).add(s)
    assert all(len(seeds) == 1 for seeds in by_rep.values())  # common random numbers
    seeds = [next(iter(s)) for s in by_rep.values()]
    assert len(set(seeds)) == len(seeds) == 10
    assert all(0 <= s < 2**63 for s in seeds)


# -- rows ---------------------------------------------------------------------------------------------


def test_one_row_per_run_with_variant_columns_rep_seed_and_every_measure(reference):
    study = make_study()
    assert len(reference) == study.n_runs == 18
    assert reference[["variant_index", "rep"]].drop_duplicates().shape[0] == 18
    assert list(reference.columns[:6]) == [
        "variant",
        "variant_index",
        "form",
        "organizer.notice_days",
        "rep",
        "seed",
    ]
    measures = fake_runner(FakeScenario(), "hearing", seed=1).keys()
    assert set(measures) <= set(reference.columns)
    online = reference[reference.variant_index == 2]
    assert (online["organizer.notice_days"] == 2).all()
    assert (online["findings.PROC-NOTICE"] == 1).all()
    first = reference.iloc[0]
    assert first["seed"] == run_seed(11, 0, 0)
    again = fake_runner(FakeScenario(), "hearing", seed=int(first["seed"]))
    assert first["participation"] == again["participation"]


def test_processes_give_identical_rows_whatever_the_workers_and_chunks(reference):
    study = make_study()
    for workers, chunk in ((1, 1), (2, 4)):
        rows = study.run(ProcessExecutor(workers), chunk_size=chunk).rows
        pd.testing.assert_frame_equal(rows, reference)


def test_real_model_runs_in_worker_processes_like_in_process():
    from xsim.sim.scenario import load_scenario

    scenario = load_scenario("elevator_retrofit")
    study = Study(
        scenario, [{"form": scenario.forms[0]}, {"form": scenario.forms[1]}], reps=2, seed=5
    )
    here = study.run("in-process").rows
    there = study.run(ProcessExecutor(2)).rows
    pd.testing.assert_frame_equal(here, there)
    assert {"participation", "fairness", "findings.PROC-NOTICE"} <= set(here.columns)


def test_a_variants_local_rules_take_effect_over_the_scenarios_own():
    # Notified 7 days ahead: a local rule asking for 5 days is met, one asking for 10 is not (the
    # scenario's own rules block says 5; the variant's setting must win over it).
    seven = {"form": "owners", "organizer.notice_days": 7}
    study = Study(
        "elevator_retrofit",
        [
            {**seven, "rules.notice_days": 5, "name": "5 days"},
            {**seven, "rules.notice_days": 10, "name": "10 days"},
        ],
        reps=3,
        seed=2,
    )
    rows = study.run("in-process").rows
    assert rows.groupby("variant")["findings.PROC-NOTICE"].sum().to_dict() == {
        "5 days": 0,
        "10 days": 3,
    }
    assert (rows.loc[rows.variant == "10 days", "rules.notice_days"] == 10).all()


def test_a_runner_defined_in_a_notebook_like_main_module_runs_in_processes(tmp_path):
    # `python -c` has no main file, like a Jupyter kernel: the runner lives in __main__ and must be
    # shipped by value; the pool must neither hang nor change the global start method.
    code = textwrap.dedent("""
        import multiprocessing, numpy as np
        from xsim.experiments.study import Study
        from xsim.experiments.executors import ProcessExecutor

        class Sc:
            name = "nb"
            forms = ["a", "b"]

        def runner(scenario, form=None, rules=None, seed=0, overrides=None):
            return {"x": float(np.random.default_rng(seed).random()), "form_is_a": form == "a"}

        before = multiprocessing.get_start_method()
        rows = Study(Sc(), ["a", "b"], reps=4, seed=3, runner=runner).run(ProcessExecutor(2)).rows
        serial = Study(Sc(), ["a", "b"], reps=4, seed=3, runner=runner).run("in-process").rows
        assert rows.equals(serial), (rows, serial)
        assert multiprocessing.get_start_method() == before
        print(len(rows), before)
    """)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "8"


# -- bad input ------------------------------------------------------------------------------------------


def test_unknown_form_names_the_valid_ones():
    with pytest.raises(InputError) as err:
        make_study(variants=["hearing", "townhall"])
    assert "townhall" in err.value.message("en")
    for form in FakeScenario().forms:
        assert form in err.value.message("en") and form in err.value.message("zh")


def test_unknown_scenario_parameter_is_refused():
    with pytest.raises(InputError) as err:
        make_study(variants=[{"form": "hearing", "organizer.notice_dayz": 3}])
    assert "organizer.notice_days" in err.value.message("en")


def test_unknown_or_invalid_rule_setting_is_refused():
    with pytest.raises(InputError) as err:
        make_study(variants=[{"form": "hearing", "rules.notice_dayz": 3}])
    assert "notice_days" in err.value.message("en") and "publicize_within_days" in str(err.value)
    with pytest.raises(InputError) as err:
        make_study(variants=[{"form": "hearing", "rules.assembly_notice_days": 9}])
    assert err.value.field == "rules.assembly_notice_days"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reps": 0},
        {"seed": -1},
        {"variants": []},
        {"variants": ["hearing", {"form": "council", "name": "hearing"}]},
    ],
)
def test_bad_study_definitions(kwargs):
    with pytest.raises(InputError):
        make_study(**kwargs)


# -- storage, interruption, resume ------------------------------------------------------------------------


def test_results_stream_to_parquet_parts_with_a_manifest(tmp_path, reference):
    out = tmp_path / "study"
    study = make_study()
    from xsim.experiments.storage import ResultStore

    # flush after every chunk: many parts, as a long study would write them
    original = ResultStore.__init__

    def small_parts(self, folder, **kw):
        original(self, folder, flush_rows=4, flush_seconds=60)

    ResultStore.__init__ = small_parts
    try:
        result = study.run(InProcessExecutor(), out=str(out), chunk_size=2)
    finally:
        ResultStore.__init__ = original
    assert result.n_run == 18 and result.n_skipped == 0
    assert len(part_files(out)) == 5  # 18 rows in parts of 4 (4+4+4+4+2)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["fingerprint"] == study.fingerprint()
    assert manifest["study"]["reps"] == 6 and manifest["study"]["seed"] == 11
    assert manifest["study"]["scenario_hash"]
    assert not list(out.glob(".*"))
    pd.testing.assert_frame_equal(load_results(out), reference, check_dtype=False)


def _seed_of(study: Study, variant: int, rep: int) -> str:
    """The fake runner's failure key of one run (its form and seed: seeds are shared by variants)."""
    return f"{study.variants[variant].form}@{run_seed(study.seed, variant, rep)}"


@pytest.mark.parametrize("kind", ["interrupt", "error"])
def test_an_interrupted_study_keeps_finished_parts_and_resume_runs_only_the_rest(
    tmp_path, monkeypatch, reference, kind
):
    out = tmp_path / "study"
    study = make_study()
    monkeypatch.setenv("XSIM_FAKE_FAIL_SEEDS", str(_seed_of(study, 1, 2)))
    monkeypatch.setenv("XSIM_FAKE_FAIL_KIND", kind)
    expected = KeyboardInterrupt if kind == "interrupt" else RunFailed
    with pytest.raises(expected):
        study.run(InProcessExecutor(), out=str(out), chunk_size=1)
    kept = load_results(out)
    assert len(kept) == 8  # variant 0 (6 runs) and variant 1 reps 0, 1 finished in order
    assert not list(out.glob(".*.tmp"))
    monkeypatch.delenv("XSIM_FAKE_FAIL_SEEDS")
    result = study.run(InProcessExecutor(), out=str(out), resume=True)
    assert (result.n_run, result.n_skipped) == (10, 8)
    pd.testing.assert_frame_equal(load_results(out), reference, check_dtype=False)


def test_a_failing_run_in_a_worker_process_is_reported_with_its_identity(tmp_path):
    study = make_study(scenario=FakeScenario(faults={"fail_seeds": f"online@{run_seed(11, 2, 5)}"}))
    with pytest.raises(RunFailed) as err:
        study.run(ProcessExecutor(2), out=str(tmp_path / "s"), chunk_size=1)
    assert "variant 'online organizer.notice_days=2', rep 5" in str(err.value)
    assert "ValueError" in str(err.value)


def test_a_worker_process_that_dies_is_replaced_and_its_runs_redone(tmp_path, reference):
    marker = tmp_path / "died"
    study = make_study(scenario=FakeScenario(faults={"exit_marker": str(marker)}))
    rows = study.run(ProcessExecutor(2), out=str(tmp_path / "s"), chunk_size=2).rows
    assert marker.exists()  # a worker really did die
    pd.testing.assert_frame_equal(rows, reference, check_dtype=False)


class _PoolBrokenAtSubmit:
    """An in-process stand-in for a process pool whose worker dies between two waits: the next
    ``submit`` raises ``BrokenProcessPool`` (a race the real pool shows on a loaded machine)."""

    submits = 0

    def __init__(self, blob: bytes, broken_at) -> None:
        import cloudpickle

        from xsim.experiments import executors

        executors._WORKER_JOB = cloudpickle.loads(blob)
        self.broken_at = broken_at

    def submit(self, fn, *args):
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        type(self).submits += 1
        if self.broken_at(type(self).submits):
            raise BrokenProcessPool("a child process terminated abruptly")
        future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, wait=True, cancel_futures=False) -> None:
        pass


@pytest.mark.parametrize("always", [False, True], ids=["once", "always"])
def test_a_pool_found_broken_when_submitting_is_replaced_too(
    tmp_path, reference, monkeypatch, always
):
    _PoolBrokenAtSubmit.submits = 0
    broken_at = (lambda n: True) if always else (lambda n: n == 3)
    monkeypatch.setattr(ProcessExecutor, "_preload", lambda self, job: None)
    monkeypatch.setattr(
        ProcessExecutor, "_pool", lambda self, blob: _PoolBrokenAtSubmit(blob, broken_at)
    )
    study = make_study()
    if always:
        with pytest.raises(RunFailed, match="died 2 times"):
            study.run(ProcessExecutor(2, max_restarts=1), out=str(tmp_path / "s"))
        return
    rows = study.run(ProcessExecutor(2), out=str(tmp_path / "s"), chunk_size=2).rows
    pd.testing.assert_frame_equal(rows, reference, check_dtype=False)


def test_workers_that_keep_dying_end_the_study_with_a_clear_error(tmp_path):
    study = make_study(scenario=FakeScenario(faults={"always_exit": 1}))
    with pytest.raises(RunFailed) as err:
        study.run(ProcessExecutor(2, max_restarts=1), out=str(tmp_path / "s"))
    assert "died 2 times" in str(err.value)
    assert load_results(tmp_path / "s").empty


def test_resume_refuses_a_folder_of_another_study(tmp_path):
    out = tmp_path / "study"
    make_study().run(InProcessExecutor(), out=str(out))
    before = sorted(p.name for p in out.iterdir())
    for other in (
        make_study(seed=12),
        make_study(reps=7),
        make_study(scenario=FakeScenario(params={"organizer.notice_days": 6, "households": 100})),
    ):
        with pytest.raises(InputError) as err:
            other.run(InProcessExecutor(), out=str(out), resume=True)
        assert "different study" in err.value.message("en")
        assert "另一项研究" in err.value.message("zh")
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_finished_folder_is_not_silently_reused_without_resume(tmp_path):
    out = tmp_path / "study"
    make_study().run(InProcessExecutor(), out=str(out))
    with pytest.raises(InputError) as err:
        make_study().run(InProcessExecutor(), out=str(out))
    assert "--resume" in err.value.message("en")
    result = make_study().run(InProcessExecutor(), out=str(out), resume=True)
    assert (result.n_run, result.n_skipped) == (0, 18)


def test_an_out_path_that_is_a_file_is_refused(tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(InputError):
        make_study().run(InProcessExecutor(), out=str(path))


def test_stale_temporary_files_of_a_killed_writer_are_removed_on_resume(tmp_path):
    from xsim.experiments.storage import read_manifest

    out = tmp_path / "study"
    make_study().run(InProcessExecutor(), out=str(out))
    work = out / read_manifest(out)["work"]  # the study's own folder for temporary files
    work.mkdir(exist_ok=True)
    stale = work / ".part-00009-deadbeef.parquet.tmp"
    stale.write_bytes(b"PAR1 half written")
    # beside the study, a user's file that only looks like a temporary file: never the study's
    users = out / ".manifest.json.abcdef12.tmp"
    users.write_bytes(b"my notes")
    assert len(load_results(out)) == 18  # ignored when reading
    make_study().run(InProcessExecutor(), out=str(out), resume=True)
    assert not stale.exists()
    assert users.read_bytes() == b"my notes"


def test_study_run_does_not_import_heavy_modules_until_needed():
    code = (
        "import sys, xsim.experiments, xsim.cli.compare, xsim.cli.sweep; "
        "print(sorted(m for m in ('pandas', 'matplotlib', 'mesa', 'distributed', 'numpy') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_study_longer_than_two_seconds_shows_a_progress_bar_with_eta(capsys):
    study = make_study(reps=10, scenario=FakeScenario(faults={"delay": 0.1}))
    study.run(InProcessExecutor(), progress=True)
    err = capsys.readouterr().err
    assert "30/30" in err and "run/s" in err
    assert "<" in err  # tqdm's "elapsed<remaining" field: the ETA
    make_study(reps=2).run(InProcessExecutor(), progress=True)
    assert capsys.readouterr().err == ""  # a short study shows no bar at all


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fail_at=st.integers(0, 17), chunk=st.integers(1, 5), flush=st.integers(1, 8))
def test_resume_after_a_crash_anywhere_gives_exactly_the_uninterrupted_rows(
    reference, monkeypatch, fail_at, chunk, flush
):
    import tempfile

    from xsim.experiments.storage import ResultStore

    study = make_study()
    v, r = divmod(fail_at, study.reps)
    original = ResultStore.__init__

    def small_parts(self, folder, **kw):
        original(self, folder, flush_rows=flush, flush_seconds=60)

    monkeypatch.setattr(ResultStore, "__init__", small_parts)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "study"
        monkeypatch.setenv("XSIM_FAKE_FAIL_SEEDS", _seed_of(study, v, r))
        with pytest.raises(RunFailed):
            study.run(InProcessExecutor(), out=str(out), chunk_size=chunk)
        kept = len(load_results(out))
        # finished chunks before the failing one are kept (every one of them, once flushed)
        assert kept == (fail_at // chunk) * chunk
        monkeypatch.delenv("XSIM_FAKE_FAIL_SEEDS")
        result = study.run(InProcessExecutor(), out=str(out), resume=True, chunk_size=chunk)
        assert (result.n_run, result.n_skipped) == (18 - kept, kept)
        pd.testing.assert_frame_equal(load_results(out), reference, check_dtype=False)
