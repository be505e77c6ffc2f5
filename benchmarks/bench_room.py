"""A training room under load: N trainees log in and run the capstone at once (issue 14).

For each room size N: starts a room (``room/roomctl.py``, JupyterHub on loopback, free ports, N
trainee accounts named ``xsbn<random><i>``), logs every trainee in through the hub's login form,
starts their servers, then runs the code cells of the capstone (``notebooks/09_综合演练.ipynb``)
for all N trainees concurrently through each trainee's Jupyter server API and kernel websocket.
Reports per N: login and server start times, memory per trainee (resident memory of the
trainee's server and kernel, measured after the run with their kernels alive), p50 / p95 cell
latency (request sent → reply received), and the largest room that one 2-core, 24 GB machine
serves with p95 ≤ 2 s — by memory, and by latency (measured sizes, plus a CPU-bound linear
extrapolation), over all cells and over the "interactive" cells (those a trainee alone gets
within 1 s at N = 1, i.e. not the first imports). Then stops the room and deletes its accounts.

    sudo .venv/bin/python benchmarks/bench_room.py              # N = 1 (baseline), 10, 20, 40
    sudo .venv/bin/python benchmarks/bench_room.py -n 5 --think 10

``--think`` adds a pause before each cell (seconds, drawn at random up to twice that, seeded):
trainees read before they click. Default 0: everyone runs every cell back to back, the worst
case. Needs root and the proxy (``make room-proxy``). Not a timed test: shared machines inflate
the figures, so the load average is printed with them.
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import json
import os
import pwd
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "room"))

import roomclient  # noqa: E402

CAPSTONE = ROOT / "notebooks" / "09_综合演练.ipynb"
COURSE_FOLDER = "协商课程"
MACHINE_MEMORY_GB = 24
P95_TARGET_S = 2.0


def _free_ports(count: int) -> list[int]:
    import socket

    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _roomctl(action: str, config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "room" / "roomctl.py"), action, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=1800,
    )


def _write_room(folder: Path, logins: list[str], trainer: str) -> tuple[Path, int]:
    port, hub, api, collect = _free_ports(4)
    (folder / "trainees.txt").write_text(
        "".join(f"{login} 学员{i + 1}\n" for i, login in enumerate(logins)), encoding="utf-8"
    )
    config = folder / "room.toml"
    config.write_text(
        f"""[room]
name = "bench"
port = {port}
hub_port = {hub}
proxy_api_port = {api}
collect_port = {collect}
state_dir = "{folder / "state"}"
[accounts]
trainees = "trainees.txt"
trainer = "{trainer}"
[course]
source = "{ROOT / "notebooks"}"
folder = "{COURSE_FOLDER}"
""",
        encoding="utf-8",
    )
    return config, port


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _memory_by_uid(uids: set[int]) -> dict[int, int]:
    """Resident memory (bytes) of all processes of each uid (server, kernel)."""
    totals = dict.fromkeys(uids, 0)
    for proc in psutil.process_iter(["uids", "memory_info"]):
        info = proc.info
        if info["uids"] and info["uids"].real in totals and info["memory_info"]:
            totals[info["uids"].real] += info["memory_info"].rss
    return totals


def _hub_memory(state: Path) -> int:
    """Resident memory of the hub and what it runs as root (proxy, services)."""
    hub = psutil.Process(int((state / "jupyterhub.pid").read_text()))
    processes = [hub, *hub.children(recursive=True)]
    return sum(p.memory_info().rss for p in processes if p.uids().real == 0)


def one_room(n: int, think: float, seed: int) -> dict:
    tag = secrets.token_hex(2)
    logins = [f"xsbn{tag}{i:02d}" for i in range(n)]
    trainer = f"xsbn{tag}tr"
    folder = Path(tempfile.mkdtemp(prefix="xsim-room-bench-"))
    folder.chmod(0o711)
    config, port = _write_room(folder, logins, trainer)
    base = f"http://127.0.0.1:{port}/"
    result: dict = {"trainees": n, "load_before": round(os.getloadavg()[0], 2)}
    try:
        started = time.monotonic()
        done = _roomctl("start", config)
        if done.returncode != 0:
            raise RuntimeError(done.stdout + done.stderr)
        result["room_start_s"] = round(time.monotonic() - started, 1)
        passwords = json.loads((folder / "state" / "hub" / "credentials.json").read_text())

        def log_in(login: str) -> tuple[str, float]:
            t0 = time.monotonic()
            session = roomclient.login(base, login, passwords[login])
            token = roomclient.api_token(session, base, login)
            roomclient.start_server(base, login, token, timeout_s=900)
            return token, time.monotonic() - t0

        with futures.ThreadPoolExecutor(max_workers=n) as pool:
            logged = dict(zip(logins, pool.map(log_in, logins), strict=True))
        tokens = {login: token for login, (token, _) in logged.items()}
        ready = [seconds for _, seconds in logged.values()]
        result["login_to_ready_s"] = {
            "p50": round(statistics.median(ready), 1),
            "max": round(max(ready), 1),
        }

        def run(login: str):
            rng = random.Random(f"{seed}-{login}")
            pause = (lambda: rng.uniform(0, 2 * think)) if think > 0 else None
            return roomclient.run_notebook(
                base,
                login,
                tokens[login],
                f"{COURSE_FOLDER}/{CAPSTONE.name}",
                CAPSTONE,
                cell_timeout_s=900,
                think_s=pause,
            )

        t0 = time.monotonic()
        with futures.ThreadPoolExecutor(max_workers=n) as pool:
            runs = list(pool.map(run, logins))
        result["run_all_s"] = round(time.monotonic() - t0, 1)
        errors = [e for r in runs for e in r.errors]
        result["cell_errors"] = len(errors)
        if errors:
            result["first_errors"] = errors[:3]
        all_cells = [c.seconds for r in runs for c in r.cells]
        later_cells = [c.seconds for r in runs for c in r.cells[1:]]
        result["cell_latency_s"] = {
            "p50": round(_percentile(all_cells, 0.5), 2),
            "p95": round(_percentile(all_cells, 0.95), 2),
            "max": round(max(all_cells), 2),
        }
        per_run = [[c.seconds for c in r.cells] for r in runs]
        by_cell = [list(cell) for cell in zip(*per_run, strict=False)]
        result["cell_p50_by_index_s"] = [round(statistics.median(cell), 2) for cell in by_cell]
        result["_by_cell"] = by_cell  # raw, for the summary across room sizes
        result["cell_latency_after_first_s"] = {
            "p50": round(_percentile(later_cells, 0.5), 2),
            "p95": round(_percentile(later_cells, 0.95), 2),
        }
        uids = {pwd.getpwnam(login).pw_uid for login in logins}
        memory = _memory_by_uid(uids)
        per = [memory[uid] / 2**20 for uid in uids]
        result["memory_per_trainee_mb"] = {
            "mean": round(statistics.mean(per)),
            "max": round(max(per)),
        }
        result["hub_and_proxy_mb"] = round(_hub_memory(folder / "state") / 2**20)
        result["load_after"] = round(os.getloadavg()[0], 2)
    finally:
        _roomctl("stop", config)
        _roomctl("remove", config)
        for login in [*logins, trainer]:
            try:
                pwd.getpwnam(login)
            except KeyError:
                continue
            subprocess.run(["userdel", "--remove", login], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
    return result


def interactive_p95(results: list[dict]) -> None:
    """p95 over the cells that answer within a second for a trainee alone (N = 1): clicks, not
    the first imports. Added to each result as ``interactive_cell_p95_s`` when N = 1 was run."""
    solo = next((r for r in results if r["trainees"] == 1), None)
    if solo is None:
        return
    light = [i for i, p50 in enumerate(solo["cell_p50_by_index_s"]) if p50 <= 1.0]
    for result in results:
        cells = [t for i in light if i < len(result["_by_cell"]) for t in result["_by_cell"][i]]
        if cells:
            result["interactive_cells"] = light
            result["interactive_cell_p95_s"] = round(_percentile(cells, 0.95), 2)


def largest_room(results: list[dict]) -> dict:
    """The largest room by memory, and by p95 latency (measured and linear CPU-bound estimate)."""
    per_mb = max(r["memory_per_trainee_mb"]["mean"] for r in results)
    hub_mb = max(r["hub_and_proxy_mb"] for r in results)
    reserve_mb = 2048  # the operating system and page cache
    by_memory = int((MACHINE_MEMORY_GB * 1024 - reserve_mb - hub_mb) // per_mb)
    meeting = [r["trainees"] for r in results if r["cell_latency_s"]["p95"] <= P95_TARGET_S]
    # CPU-bound: the p95 grows about in proportion to the trainees running at once.
    estimates = [
        r["trainees"] * P95_TARGET_S / r["cell_latency_s"]["p95"]
        for r in results
        if r["cell_latency_s"]["p95"] > 0
    ]
    interactive = [r for r in results if "interactive_cell_p95_s" in r]
    meeting_interactive = [
        r["trainees"] for r in interactive if r["interactive_cell_p95_s"] <= P95_TARGET_S
    ]
    estimates_interactive = [
        r["trainees"] * P95_TARGET_S / r["interactive_cell_p95_s"]
        for r in interactive
        if r["trainees"] > 1 and r["interactive_cell_p95_s"] > 0
    ]
    return {
        "by_memory": by_memory,
        "measured_with_p95_within_2s": max(meeting) if meeting else 0,
        "by_latency_linear_estimate": int(min(estimates)) if estimates else None,
        "interactive_cells_measured_with_p95_within_2s": max(meeting_interactive, default=0),
        "interactive_cells_linear_estimate": (
            int(min(estimates_interactive)) if estimates_interactive else None
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--trainees", type=int, nargs="+", default=[1, 10, 20, 40])
    parser.add_argument("--think", type=float, default=0.0, help="mean pause before a cell, s")
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("bench_room needs root (it creates the trainees' accounts)", file=sys.stderr)
        return 2
    print(
        f"capstone: {CAPSTONE.name}; {os.cpu_count()} CPUs; think {args.think} s; "
        f"load average {os.getloadavg()}"
    )
    results = []
    for n in args.trainees:
        available_gb = psutil.virtual_memory().available / 2**30
        if n * 0.4 > available_gb * 0.8:  # about 355 MB a trainee measured, with a margin
            print(f"N={n}: skipped, {available_gb:.1f} GB available is too little", flush=True)
            continue
        result = one_room(n, args.think, args.seed)
        results.append(result)
        shown = {k: v for k, v in result.items() if not k.startswith("_")}
        print(json.dumps(shown, ensure_ascii=False), flush=True)
    if results:
        interactive_p95(results)
        for result in results:
            if "interactive_cell_p95_s" in result:
                print(
                    f"N={result['trainees']}: p95 of the interactive cells "
                    f"{result['interactive_cells']}: {result['interactive_cell_p95_s']} s"
                )
        print("largest room:", json.dumps(largest_room(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
