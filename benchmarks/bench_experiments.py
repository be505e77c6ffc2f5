"""Benchmark of xsim.experiments (figures for the notes; not a test).

1. 6 forms × 100 replications of the elevator retrofit at 1,000 households on local processes
   (target ≤ 60 s on 2 cores), then the same study on a Dask LocalCluster (target ≤ 1.5× processes);
   both must give identical rows.
2. A study of 10,000 runs streamed to Parquet: RSS of the parent and of all workers sampled every
   0.5 s (target: flat — memory does not grow with the number of finished runs).

    python benchmarks/bench_experiments.py [--reps 100] [--households 1000] [--memory-runs 10000]

The machine's load average is printed with the figures: other jobs on a shared machine slow
everything down.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

FORMS = ["owners", "hearing", "compound", "council", "online", "residents_meeting"]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def make_study(households: int, reps: int, forms=FORMS, seed: int = 1):
    from xsim.experiments.study import Study
    from xsim.sim.scenario import load_scenario

    scenario = load_scenario("elevator_retrofit").with_overrides(
        {"population.households": households, "forms": list(forms)}
    )
    return Study(scenario, [{"form": f} for f in forms], reps=reps, seed=seed)


class RssSampler(threading.Thread):
    """RSS of this process and of all its descendants (workers), every ``interval`` seconds."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        import psutil

        self.me = psutil.Process()
        self.interval = interval
        self.samples: list[tuple[float, float, float]] = []  # (t, parent MiB, workers MiB)
        self.cpu: dict[int, float] = {}  # last seen CPU seconds per descendant process
        self._halt = threading.Event()

    def cpu_seconds(self) -> float:
        """CPU time of the descendants seen while sampling (workers, fork server, Dask)."""
        return sum(self.cpu.values())

    def run(self) -> None:
        start = time.monotonic()
        while not self._halt.is_set():
            parent = self.me.memory_info().rss / 2**20
            workers = 0.0
            for child in self.me.children(recursive=True):
                with contextlib.suppress(Exception):  # a worker may exit meanwhile
                    workers += child.memory_info().rss / 2**20
                    times = child.cpu_times()
                    self.cpu[child.pid] = times.user + times.system
            self.samples.append((time.monotonic() - start, parent, workers))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def timed(study, executor, out: Path):
    """Wall time, result, and CPU seconds of this process plus its descendants during the run."""
    import psutil

    me = psutil.Process()
    sampler = RssSampler(interval=0.25)
    before = me.cpu_times()
    sampler.start()
    start = time.perf_counter()
    try:
        result = study.run(executor, out=str(out), progress=False)
    finally:
        wall = time.perf_counter() - start
        sampler.stop()
    after = me.cpu_times()
    own = (after.user - before.user) + (after.system - before.system)
    return wall, result, own + sampler.cpu_seconds()


def bench_speed(households: int, reps: int, workers: int) -> None:
    import pandas as pd

    from xsim.experiments.executors import DaskExecutor, ProcessExecutor

    study = make_study(households, reps)
    n = study.n_runs
    tmp = Path(tempfile.mkdtemp(prefix="xsim-bench-"))
    try:
        print(
            f"== {len(FORMS)} forms × {reps} reps = {n} runs, {households} households, "
            f"{workers} workers (load {load()})"
        )
        t0 = time.perf_counter()
        one = make_study(households, 3, forms=FORMS[:1])
        one.run("in-process", progress=False)  # warm imports so the serial figure is the model's
        start = time.perf_counter()
        one.run("in-process", progress=False)
        per_run = (time.perf_counter() - start) / 3
        print(f"   one run in-process: {per_run * 1000:.0f} ms (import warm-up {start - t0:.1f} s)")

        t_proc, _, cpu_proc = timed(study, ProcessExecutor(workers), tmp / "processes")
        print(
            f"   local processes:   {t_proc:6.1f} s  ({n / t_proc:.1f} runs/s; target ≤ 60 s)"
            f"  CPU {cpu_proc:.1f} s (= {cpu_proc / workers:.1f} s on {workers} idle cores)"
            f"  load {load()}"
        )
        start = time.perf_counter()
        dask = DaskExecutor("local", workers=workers)
        startup = time.perf_counter() - start
        try:
            t_dask, _, cpu_dask = timed(study, dask, tmp / "dask")
        finally:
            dask.close()
        print(
            f"   Dask LocalCluster: {t_dask:6.1f} s  (+{startup:.1f} s cluster start-up; "
            f"ratio {t_dask / t_proc:.2f}×, with start-up {(t_dask + startup) / t_proc:.2f}×; "
            f"target ≤ 1.5×)  CPU {cpu_dask:.1f} s  load {load()}"
        )
        from xsim.experiments.storage import load_results

        same = load_results(tmp / "processes").equals(load_results(tmp / "dask"))
        print(f"   identical rows on both executors: {same}")
        if not same:
            pd.testing.assert_frame_equal(
                load_results(tmp / "processes"), load_results(tmp / "dask")
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench_memory(runs: int, households: int, workers: int) -> None:
    from xsim.experiments.executors import ProcessExecutor
    from xsim.experiments.storage import load_results, part_files

    reps = runs // len(FORMS)
    study = make_study(households, reps)
    tmp = Path(tempfile.mkdtemp(prefix="xsim-bench-mem-"))
    print(
        f"== memory: {study.n_runs} runs streamed to Parquet ({households} households, "
        f"{workers} workers, load {load()})"
    )
    sampler = RssSampler()
    sampler.start()
    try:
        elapsed, _, cpu = timed(study, ProcessExecutor(workers), tmp / "study")
    finally:
        sampler.stop()
    samples = sampler.samples
    try:
        parts = len(part_files(tmp / "study"))
        rows = len(load_results(tmp / "study"))
        size = sum(p.stat().st_size for p in (tmp / "study").iterdir()) / 2**20
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"   {rows} rows in {parts} part files ({size:.1f} MiB) in {elapsed:.1f} s "
        f"({rows / elapsed:.0f} runs/s; CPU {cpu:.1f} s; load {load()})"
    )
    print("   RSS over time (parent / all workers, MiB):")
    marks = [0.1, 0.25, 0.5, 0.75, 1.0]
    for q in marks:
        t, parent, workers_mib = samples[min(len(samples) - 1, int(q * (len(samples) - 1)))]
        print(
            f"     {q:4.0%} of the run (t={t:5.1f} s): parent {parent:6.1f}   workers "
            f"{workers_mib:6.1f}"
        )
    steady = [s for s in samples if s[0] > 0.2 * samples[-1][0]]
    parents = [s[1] for s in steady]
    print(
        f"   parent RSS after warm-up: min {min(parents):.1f}, max {max(parents):.1f} MiB "
        f"(growth {max(parents) - min(parents):.1f} MiB over {rows} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-runs", type=int, default=10_000)
    parser.add_argument("--memory-households", type=int, default=60)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    if not args.skip_speed:
        bench_speed(args.households, args.reps, args.workers)
    if not args.skip_memory:
        bench_memory(args.memory_runs, args.memory_households, args.workers)


if __name__ == "__main__":
    main()
