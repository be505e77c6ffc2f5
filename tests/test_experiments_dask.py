"""The Dask executor: same numbers as in-process, a killed worker is retried, a dead address fails fast.

Few and small (one LocalCluster of 2 worker processes for the module): the machine has 2 cores.
"""

from __future__ import annotations

import socket
import time

import pandas as pd
import pytest
from experiments_fakes import FakeScenario, fake_runner

from xsim.errors import InputError
from xsim.experiments.executors import DaskExecutor, InProcessExecutor, make_executor
from xsim.experiments.study import Study

VARIANTS = ["hearing", "council", {"form": "online", "organizer.notice_days": 2}]


def make_study(scenario=None) -> Study:
    return Study(scenario or FakeScenario(), VARIANTS, reps=8, seed=21, runner=fake_runner)


@pytest.fixture(scope="module")
def cluster():
    executor = DaskExecutor("local", workers=2)
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return make_study().run(InProcessExecutor()).rows


def test_local_cluster_gives_identical_rows(cluster, reference, tmp_path):
    assert cluster.workers == 2
    rows = make_study().run(cluster, out=str(tmp_path / "s"), chunk_size=3).rows
    pd.testing.assert_frame_equal(rows, reference, check_dtype=False)


def test_an_existing_scheduler_is_used_through_its_tcp_address(cluster, reference):
    address = cluster.client.scheduler.address
    assert address.startswith("tcp://")
    with DaskExecutor(address, timeout=10) as remote:
        assert remote.workers == 2
        rows = make_study().run(remote).rows
    pd.testing.assert_frame_equal(rows, reference, check_dtype=False)


def test_a_killed_worker_is_retried_and_the_study_completes(cluster, reference, tmp_path):
    # The first run to start kills its worker process (os._exit); the nanny restarts the worker and
    # the scheduler re-runs the lost chunk elsewhere. The rows must be exactly the reference rows.
    marker = tmp_path / "killed"
    study = make_study(FakeScenario(faults={"exit_marker": str(marker)}))
    result = study.run(cluster, out=str(tmp_path / "s"), chunk_size=2)
    assert marker.exists()
    assert result.n_run == 24
    pd.testing.assert_frame_equal(result.rows, reference, check_dtype=False)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is


def test_a_scheduler_that_does_not_answer_fails_fast_and_writes_nothing(tmp_path):
    out = tmp_path / "never"
    address = f"tcp://127.0.0.1:{_closed_port()}"
    start = time.monotonic()
    with pytest.raises(InputError) as err:
        make_study().run(address, out=str(out))
    assert time.monotonic() - start < 15
    assert err.value.field == "--scheduler"
    assert address in err.value.message("en") and "无应答" in err.value.message("zh")
    assert not out.exists()


def test_a_scheduler_address_that_is_not_one_is_refused():
    with pytest.raises(InputError) as err:
        make_executor(scheduler="127.0.0.1:8786")
    assert "tcp://" in err.value.message("en")
