"""A training room under a realistic load (issue 25): N trainees arrive over S seconds, each opens
the same lesson, runs it all, then works in it at human pace.

    sudo .venv/bin/python benchmarks/bench_room.py --trainees 40 --arrival-s 120 --json out.json

For one room of N trainees: starts a room (``room/roomctl.py``: JupyterHub on loopback, free
ports, N trainee accounts named ``xsbn<random><i>``, state under /var/lib/xsim-room-bench/), then
each trainee, at a seeded random moment within the first S seconds:

1. logs in through the hub's login form, has the hub start their server, loads the lab page of
   the lesson as a browser does (page, main script, settings, translations, kernel specs, the
   folder and the notebook: ``roomclient.open_lab``), opens the lesson (a session: the kernel is
   started) and waits until the kernel answers — **login to ready**;
2. runs all of the lesson's code cells at once, as 运行全部 does — **interactive after run-all**
   is the time until the last cell has replied;
3. for ``--work-s`` seconds (default 180) does one action every 5–15 s (seeded): a button click,
   a choice in a list, a tick, typed text, on the widgets the lesson shows — what a front end sends
   the kernel (``roomclient.KernelConnection.act``) — each timed until the kernel has handled it
   (**click**).

Then, with every kernel still alive, the memory of each trainee's processes (their server and
kernel): resident (RSS) and proportional (PSS, from ``/proc/<pid>/smaps_rollup``: shared pages
divided among the processes sharing them, so forked warm processes count what they share once).

``--json OUT`` gets exactly: ``n``, ``login_to_ready_p50_s``, ``login_to_ready_p95_s``,
``interactive_p95_s``, ``click_p50_s``, ``click_p95_s``, ``rss_per_trainee_mb``,
``pss_per_trainee_mb``, ``failures``. ``OUT`` with ``.detail.json`` instead of ``.json`` gets the
rest: the load average and CPUs, per-phase times, CPU seconds used by the room's processes (where
the time goes), the shared processes' memory, every failure. A server or kernel that does not
answer in time is a counted failure (with what and when), never a crash of the benchmark.

``--room-cpus 0`` runs the room on CPU 0 only (``taskset``: the hub, the fork server, every
trainee's server and kernel inherit it; the benchmark's own client threads do not) — the same
load on fewer cores shows how the figures scale with cores. ``--cold`` turns the warm start off
(``warm_start = false``: servers and kernels started from nothing, as before issue 25).

Needs root and the proxy (``make room-proxy``). Not a timed test: a shared machine inflates the
figures, so the load average is recorded with them.
"""

from __future__ import annotations

import argparse
import concurrent.futures as futures
import contextlib
import json
import os
import pwd
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "room"))

import roomclient  # noqa: E402
import roomprocs  # noqa: E402
from roomconfig import room_toml  # noqa: E402

COURSE_FOLDER = "协商课程"
STATE_ROOT = Path("/var/lib/xsim-room-bench")
KEYS = (
    "n",
    "login_to_ready_p50_s",
    "login_to_ready_p95_s",
    "interactive_p95_s",
    "click_p50_s",
    "click_p95_s",
    "rss_per_trainee_mb",
    "pss_per_trainee_mb",
    "failures",
)


@dataclass
class Trainee:
    login: str
    arrival_s: float
    phases: dict[str, float] = field(default_factory=dict)
    login_to_ready_s: float | None = None
    interactive_s: float | None = None
    clicks: list[tuple[str, float]] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)

    def fail(self, stage: str, what: object, started: float) -> None:
        self.failures.append(
            {
                "trainee": self.login,
                "stage": stage,
                "what": str(what)[:300],
                "at_s": round(time.monotonic() - started, 1),
            }
        )


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))], 2)


def _roomctl(action: str, config: Path, cpus: str = "") -> subprocess.CompletedProcess:
    command = [sys.executable, str(ROOT / "room" / "roomctl.py"), action, "--config", str(config)]
    if cpus:
        command = ["taskset", "-c", cpus, *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=1800)


def _write_room(folder: Path, name: str, logins: list[str], trainer: str, warm: bool) -> Path:
    (folder / "trainees.txt").write_text(
        "".join(f"{login} 学员{i + 1}\n" for i, login in enumerate(logins)), encoding="utf-8"
    )
    config = folder / "room.toml"
    config.write_text(
        room_toml(
            name,
            tuple(_free_ports(4)),
            STATE_ROOT / name,
            trainer,
            course_folder=COURSE_FOLDER,
            extra=f"warm_start = {'true' if warm else 'false'}",
        ),
        encoding="utf-8",
    )
    return config


# ---------------------------------------------------------------- one trainee


def trainee_session(
    trainee: Trainee,
    base: str,
    password: str,
    lesson: str,
    cells: list[str],
    args: argparse.Namespace,
    started: float,
    done_working: threading.Barrier,
) -> None:
    """What one trainee does; every problem is recorded, nothing raises."""
    kernel = None
    try:
        delay = started + trainee.arrival_s - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        t0 = time.monotonic()
        try:
            session = roomclient.login(base, trainee.login, password)
            token = roomclient.api_token(session, base, trainee.login)
            trainee.phases["login_s"] = time.monotonic() - t0
            trainee.phases["server_s"] = roomclient.start_server(
                base, trainee.login, token, timeout_s=args.server_timeout
            )
            t1 = time.monotonic()
            roomclient.open_lab(session, base, trainee.login, token, f"{COURSE_FOLDER}/{lesson}")
            trainee.phases["page_s"] = time.monotonic() - t1
            t1 = time.monotonic()
            # a browser waits for the websocket as long as the server takes; so does this, up to
            # the kernel timeout (the HTTP default of 30 s counted slow starts as failures)
            kernel = roomclient.KernelConnection(
                f"{base}user/{trainee.login}/",
                token,
                f"{COURSE_FOLDER}/{lesson}",
                timeout_s=args.kernel_timeout,
            )
            kernel.wait_ready(args.kernel_timeout)
            trainee.phases["kernel_s"] = time.monotonic() - t1
        except Exception as exc:  # login refused, server or kernel not answering: a failure
            trainee.fail("login to ready", exc, started)
            return
        trainee.login_to_ready_s = time.monotonic() - t0
        try:
            runs = kernel.run_all(cells, args.run_timeout)
        except roomclient.NoAnswer as exc:
            trainee.fail("run all", exc, started)
            return
        trainee.interactive_s = runs[-1].seconds if runs else 0.0
        for run in runs:
            if run.error:
                trainee.fail("run all: cell error", f"cell {run.index}: {run.error}", started)
        rng = random.Random(f"{args.seed}-{trainee.login}")
        end = time.monotonic() + args.work_s
        while True:
            pause = rng.uniform(args.pause_min, args.pause_max)
            if time.monotonic() + pause > end:
                break
            time.sleep(pause)
            try:
                action = kernel.act(rng, args.action_timeout)
            except roomclient.NoAnswer as exc:
                trainee.fail("click", exc, started)
                return
            if action.kind != "none":
                trainee.clicks.append((action.kind, action.seconds))
            if action.error:
                trainee.fail("click: error in the kernel", action.error, started)
    except Exception as exc:  # anything unforeseen is this trainee's failure, not a crash
        trainee.fail("unexpected", f"{type(exc).__name__}: {exc}", started)
    finally:
        with contextlib.suppress(threading.BrokenBarrierError):
            done_working.wait(timeout=args.work_s + args.server_timeout + args.run_timeout + 600)
        # memory is measured now, by the main thread, with every kernel alive
        with contextlib.suppress(threading.BrokenBarrierError):
            done_working.wait(timeout=600)
        if kernel is not None:
            kernel.close()


# ---------------------------------------------------------------- memory and CPU


def _rollup(pid: int) -> dict[str, int]:
    out = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss"):
                out[key] = int(rest.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return out


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process and of its reaped children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    return ticks / os.sysconf("SC_CLK_TCK")


def _pid_file(state: Path, name: str) -> int | None:
    try:
        return int((state / name).read_text().strip())
    except (OSError, ValueError):
        return None


def measure(logins: list[str], state: Path) -> dict:
    """Memory per trainee (their processes), the room's shared processes, CPU seconds used."""
    per_trainee, cpu_trainees = [], 0.0
    for login in logins:
        try:
            uid = pwd.getpwnam(login).pw_uid
        except KeyError:
            continue
        pids = roomprocs.processes_of({uid})
        rollups = [_rollup(pid) for pid in pids]
        per_trainee.append(
            {
                "processes": len(pids),
                "rss": sum(r.get("Rss", 0) for r in rollups),
                "pss": sum(r.get("Pss", 0) for r in rollups),
            }
        )
        cpu_trainees += sum(_cpu_seconds(pid) for pid in pids)
    shared = {}
    for name, pid_file in (("hub", "jupyterhub.pid"), ("fork_server", "forkserver.pid")):
        pid = _pid_file(state, pid_file)
        if pid is None:
            continue
        pids = list(roomprocs.family(pid)) if name == "hub" else [pid]
        pids = [p for p in pids if Path(f"/proc/{p}").exists()]
        own = [p for p in pids if Path(f"/proc/{p}").stat().st_uid == 0]
        shared[name] = {
            "pss_mb": round(sum(_rollup(p).get("Pss", 0) for p in own) / 2**20),
            "cpu_s": round(sum(_cpu_seconds(p) for p in own), 1),
        }

    def mean(key: str) -> float | None:
        if not per_trainee:
            return None
        return round(sum(t[key] for t in per_trainee) / len(per_trainee) / 2**20, 1)

    return {
        "rss_per_trainee_mb": mean("rss"),
        "pss_per_trainee_mb": mean("pss"),
        "processes_per_trainee": (
            round(sum(t["processes"] for t in per_trainee) / len(per_trainee), 2)
            if per_trainee
            else None
        ),
        "trainees_measured": len(per_trainee),
        "shared_processes": shared,
        "cpu_s_trainee_processes": round(cpu_trainees, 1),
    }


class CpuSampler(threading.Thread):
    """Machine-wide busy share of the CPUs, each second (from /proc/stat): how saturated it was."""

    def __init__(self):
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self.stopping = threading.Event()

    @staticmethod
    def _read() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields), idle

    def run(self) -> None:
        total, idle = self._read()
        while not self.stopping.wait(1.0):
            now_total, now_idle = self._read()
            if now_total > total:
                self.samples.append(1 - (now_idle - idle) / (now_total - total))
            total, idle = now_total, now_idle


# ---------------------------------------------------------------- one room


def bench(args: argparse.Namespace) -> tuple[dict, dict]:
    n = args.trainees
    notebook = ROOT / "notebooks" / args.lesson
    cells = roomclient.code_cells(notebook)
    tag = secrets.token_hex(2)
    name = f"bench{tag}"
    logins = [f"xsbn{tag}{i:02d}" for i in range(n)]
    trainer = f"xsbn{tag}tr"
    folder = Path(tempfile.mkdtemp(prefix="xsim-room-bench-"))
    config = _write_room(folder, name, logins, trainer, warm=not args.cold)
    state = STATE_ROOT / name
    base = f"http://127.0.0.1:{config.read_text().split('port = ', 1)[1].split()[0]}/"
    rng = random.Random(args.seed)
    arrivals = sorted(rng.uniform(0, args.arrival_s) for _ in range(n))
    trainees = [Trainee(login, arrival) for login, arrival in zip(logins, arrivals, strict=True)]
    detail: dict = {
        "lesson": args.lesson,
        "arrival_s": args.arrival_s,
        "work_s": args.work_s,
        "pause_s": [args.pause_min, args.pause_max],
        "warm_start": not args.cold,
        "room_cpus": args.room_cpus or "all",
        "cpus": os.cpu_count(),
        "load_before": list(os.getloadavg()),
        "seed": args.seed,
    }
    failures: list[dict] = []
    memory: dict = {}
    sampler = CpuSampler()
    try:
        t0 = time.monotonic()
        done = _roomctl("start", config, args.room_cpus)
        detail["room_start_s"] = round(time.monotonic() - t0, 1)
        if done.returncode != 0:
            failures.append({"stage": "room start", "what": (done.stdout + done.stderr)[-800:]})
            detail["failure_list"] = failures  # why the room did not start (e.g. an open checkout)
            return _summary(n, trainees, failures, memory), detail
        passwords = json.loads((state / "hub" / "credentials.json").read_text(encoding="utf-8"))
        barrier = threading.Barrier(n + 1)
        sampler.start()
        started = time.monotonic()
        with futures.ThreadPoolExecutor(max_workers=n) as pool:
            jobs = [
                pool.submit(
                    trainee_session,
                    t,
                    base,
                    passwords.get(t.login, ""),
                    args.lesson,
                    cells,
                    args,
                    started,
                    barrier,
                )
                for t in trainees
            ]
            try:
                barrier.wait(timeout=args.arrival_s + args.work_s + args.server_timeout + 900)
            except threading.BrokenBarrierError:
                failures.append({"stage": "benchmark", "what": "trainees did not all finish"})
            detail["load_after_work"] = list(os.getloadavg())
            detail["session_s"] = round(time.monotonic() - started, 1)
            memory = measure(logins, state)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=60)
            for job in jobs:
                job.result(timeout=120)
        sampler.stopping.set()
        detail["cpu_busy_share"] = {
            "mean": round(sum(sampler.samples) / max(1, len(sampler.samples)), 2),
            "p95": _percentile(sampler.samples, 0.95),
        }
    except Exception as exc:  # the benchmark reports what it has; it never dies on the room
        failures.append({"stage": "benchmark", "what": f"{type(exc).__name__}: {exc}"})
    finally:
        sampler.stopping.set()
        if args.json and (failures or any(t.failures for t in trainees)):
            # what the hub saw, for the failures (the state folder is removed next)
            with contextlib.suppress(OSError):
                shutil.copy(state / "jupyterhub.log", args.json.with_suffix(".hub.log"))
        _roomctl("stop", config)
        _roomctl("remove", config)
        for login in [*logins, trainer]:
            try:
                pwd.getpwnam(login)
            except KeyError:
                continue
            subprocess.run(["userdel", "--remove", login], capture_output=True)
        shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
    summary = _summary(n, trainees, failures, memory)
    detail.update(memory)
    phases = {
        key: {
            "p50": _percentile([t.phases[key] for t in trainees if key in t.phases], 0.5),
            "p95": _percentile([t.phases[key] for t in trainees if key in t.phases], 0.95),
        }
        for key in ("login_s", "server_s", "page_s", "kernel_s")
    }
    detail["phases"] = phases
    kinds = sorted({kind for t in trainees for kind, _ in t.clicks})
    detail["clicks"] = {
        kind: {
            "count": sum(1 for t in trainees for k, _ in t.clicks if k == kind),
            "p50": _percentile([s for t in trainees for k, s in t.clicks if k == kind], 0.5),
            "p95": _percentile([s for t in trainees for k, s in t.clicks if k == kind], 0.95),
        }
        for kind in kinds
    }
    detail["interactive_p50_s"] = _percentile(
        [t.interactive_s for t in trainees if t.interactive_s is not None], 0.5
    )
    detail["failure_list"] = failures + [f for t in trainees for f in t.failures]
    return summary, detail


def _summary(n: int, trainees: list[Trainee], failures: list[dict], memory: dict) -> dict:
    ready = [t.login_to_ready_s for t in trainees if t.login_to_ready_s is not None]
    interactive = [t.interactive_s for t in trainees if t.interactive_s is not None]
    clicks = [seconds for t in trainees for _, seconds in t.clicks]
    return {
        "n": n,
        "login_to_ready_p50_s": _percentile(ready, 0.5),
        "login_to_ready_p95_s": _percentile(ready, 0.95),
        "interactive_p95_s": _percentile(interactive, 0.95),
        "click_p50_s": _percentile(clicks, 0.5),
        "click_p95_s": _percentile(clicks, 0.95),
        "rss_per_trainee_mb": memory.get("rss_per_trainee_mb"),
        "pss_per_trainee_mb": memory.get("pss_per_trainee_mb"),
        "failures": len(failures) + sum(len(t.failures) for t in trainees),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", "-n", type=int, default=10)
    parser.add_argument("--arrival-s", type=float, default=120.0)
    parser.add_argument("--json", type=Path, help="write the nine figures here")
    parser.add_argument("--lesson", default="09_综合演练.ipynb")
    parser.add_argument("--work-s", type=float, default=180.0, help="human-pace phase, seconds")
    parser.add_argument("--pause-min", type=float, default=5.0)
    parser.add_argument("--pause-max", type=float, default=15.0)
    parser.add_argument("--room-cpus", default="", help="taskset CPU list for the room, e.g. 0")
    parser.add_argument("--cold", action="store_true", help="no warm start (warm_start = false)")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--server-timeout", type=float, default=300.0)
    parser.add_argument("--kernel-timeout", type=float, default=120.0)
    parser.add_argument("--run-timeout", type=float, default=300.0)
    parser.add_argument("--action-timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("bench_room needs root (it creates the trainees' accounts)", file=sys.stderr)
        return 2
    if args.trainees < 1 or not (ROOT / "notebooks" / args.lesson).is_file():
        print("bench_room: --trainees ≥ 1 and an existing --lesson, please", file=sys.stderr)
        return 2
    print(f"N={args.trainees}, arrivals over {args.arrival_s:.0f} s; load {os.getloadavg()}")
    summary, detail = bench(args)
    print(json.dumps(summary, ensure_ascii=False))
    shown = {k: v for k, v in detail.items() if k != "failure_list"}
    print(json.dumps(shown, ensure_ascii=False))
    for failure in detail.get("failure_list", [])[:10]:
        print("failure:", json.dumps(failure, ensure_ascii=False))
    if args.json:
        assert tuple(summary) == KEYS
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
        args.json.with_suffix(".detail.json").write_text(
            json.dumps(detail, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
