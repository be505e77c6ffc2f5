"""Executors against hostile surroundings: servers that are not Dask, and a killed parent."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from xsim.cli import main as xsim_main
from xsim.experiments.limits import SCHEDULER_TIMEOUT

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def tiny_server(greeting: bytes | None):
    """A TCP server on 127.0.0.1 that sends ``greeting`` to each client (None: says nothing) and
    keeps the connection open; stopped (every socket closed) on exit."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    clients: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            clients.append(conn)
            if greeting is not None:
                with contextlib.suppress(OSError):
                    conn.sendall(greeting)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in clients:
            conn.close()
        listener.close()


def compare_on(scheduler: str, tmp_path: Path, capsys) -> tuple[int, str, float]:
    start = time.monotonic()
    code = xsim_main(
        [
            "compare",
            "elevator_retrofit",
            "--forms",
            "owners",
            "--reps",
            "2",
            "--no-progress",
            "--lang",
            "en",
            "--scheduler",
            scheduler,
            "--out",
            str(tmp_path / "never"),
        ]
    )
    return code, capsys.readouterr().err, time.monotonic() - start


def test_a_server_that_sends_other_bytes_is_named_not_dask(tmp_path, capsys):
    http = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" * 4
    with tiny_server(http) as address:
        code, err, elapsed = compare_on(address, tmp_path, capsys)
    assert code == 2 and err.count("\n") == 1
    assert "does not speak Dask's protocol" in err and address in err
    assert "EiB" not in err and "Traceback" not in err
    assert elapsed < 30  # no waiting for the timeout (the machine may be busy importing)
    assert not (tmp_path / "never").exists()


def test_a_server_that_accepts_and_waits_times_out_in_the_documented_time(tmp_path, capsys):
    from xsim.errors import InputError
    from xsim.experiments.executors import DaskExecutor

    with tiny_server(None) as address:
        code, err, _ = compare_on(address, tmp_path, capsys)
        assert code == 2 and err.count("\n") == 1
        assert f"none answered within {SCHEDULER_TIMEOUT:g} s" in err
        assert not (tmp_path / "never").exists()
        start = time.monotonic()  # distributed is imported by now: time the connection alone
        with pytest.raises(InputError):
            DaskExecutor(address)
        assert SCHEDULER_TIMEOUT <= time.monotonic() - start < SCHEDULER_TIMEOUT + 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forkserver workers: Linux")
def test_after_sigkill_of_compare_no_worker_or_fork_server_survives(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xsim.cli",
            "compare",
            "elevator_retrofit",
            "--forms",
            "owners",
            "--reps",
            "20000",
            "--workers",
            "2",
            "--no-progress",
            "--out",
            str(tmp_path / "study"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    children: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 60
        # the fork server, two workers (and multiprocessing's resource tracker)
        while time.monotonic() < deadline and proc.poll() is None:
            children = psutil.Process(proc.pid).children(recursive=True)
            if sum("forkserver" in " ".join(c.cmdline()) for c in children) >= 3:
                break
            time.sleep(0.2)
        forked = [c for c in children if "forkserver" in " ".join(c.cmdline())]
        assert len(forked) >= 3, "the fork server and its workers did not start"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        _, alive = psutil.wait_procs(children, timeout=5)
        alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        assert alive == [], [p.cmdline()[:3] for p in alive]
    finally:
        if proc.poll() is None:
            proc.kill()
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.kill()
