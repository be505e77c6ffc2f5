"""Peak memory against the budget's estimate (xsim.experiments.budget), across population sizes.

    .venv/bin/python benchmarks/bench_memory.py            # runs and a study, about 5 minutes
    .venv/bin/python benchmarks/bench_memory.py --quick    # smaller populations, about 1 minute

Each case runs in a fresh process that first computes the estimate exactly as ``xsim run`` does
(:func:`xsim.experiments.budget.estimate_run`, pilot included) and then the run; the process
reports its peak resident memory (``ru_maxrss``). The study case runs ``xsim compare`` with two
worker processes and samples the resident memory of the whole process tree (psutil) every 20 ms.
The estimate must lie within ±25% of the measured peak (exit 1 otherwise).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 0.25

CHILD = r"""
import json, resource, sys
from xsim.sim.scenario import load_scenario
from xsim.experiments.budget import estimate_run
name, form, households = sys.argv[1], sys.argv[2], int(sys.argv[3])
spec = load_scenario(name).with_overrides({"population.households": households})
estimate = estimate_run(spec, form).total
from xsim.sim.model import run_once
run_once(spec, form=form, seed=1)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"estimate": estimate, "peak": peak}))
"""

CASES = [
    ("village_road", "council"),  # a seated body: grows with households²
    ("village_road", "villagers_meeting"),  # a plenary of every adult
    ("elevator_retrofit", "hearing"),
    ("village_road", "online"),
]


def run_case(name: str, form: str, households: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, name, form, str(households)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout)


def study_case(households: int, reps: int) -> dict:
    import psutil

    from xsim.experiments.budget import estimate_study, parse_memory  # noqa: F401
    from xsim.experiments.study import Study
    from xsim.sim.scenario import load_scenario

    spec = load_scenario("village_road").with_overrides({"population.households": households})
    forms = ["council", "villagers_meeting"]
    with tempfile.TemporaryDirectory() as tmp:
        args = [
            sys.executable, "-m", "xsim", "compare", "village_road", "--forms", ",".join(forms),
            "--reps", str(reps), "--workers", "2", "--no-figure", "--no-progress",
            "--set", f"population.households={households}", "--out", f"{tmp}/study",
        ]  # fmt: skip
        proc = psutil.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        peak = 0
        while proc.poll() is None:
            try:
                tree = [proc, *proc.children(recursive=True)]
                total = sum(p.memory_info().rss for p in tree if p.is_running())
            except psutil.Error:
                continue
            peak = max(peak, total)
            time.sleep(0.02)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr.read().decode())
    study = Study(spec, [{"form": f} for f in forms], reps, 0)
    estimate = estimate_study(spec, study.variants, reps, workers=2, executor="processes")
    # the parent's own start-up (the CLI with pandas, pyarrow, scipy) is measured, not estimated
    # from this process: count it as the CLI's
    return {"estimate": estimate.total, "peak": peak}


def main() -> int:
    quick = "--quick" in sys.argv
    sizes = [1_000, 10_000, 30_000] if quick else [1_000, 10_000, 30_000, 60_000, 100_000]
    rows, worst = [], 0.0
    print(
        f"{'scenario':18s} {'form':18s} {'households':>10s} {'peak MiB':>9s} {'est. MiB':>9s} {'error':>7s}"
    )
    for name, form in CASES:
        for households in sizes:
            r = run_case(name, form, households)
            error = r["estimate"] / r["peak"] - 1
            worst = max(worst, abs(error))
            rows.append((name, form, households, r["peak"], r["estimate"], error))
            print(
                f"{name:18s} {form:18s} {households:10d} {r['peak'] / 2**20:9.0f} "
                f"{r['estimate'] / 2**20:9.0f} {error:+7.0%}",
                flush=True,
            )
    for households, reps in [(5_000, 4)] if quick else [(5_000, 6), (40_000, 4)]:
        r = study_case(households, reps)
        error = r["estimate"] / r["peak"] - 1
        worst = max(worst, abs(error))
        print(
            f"{'study (2 workers)':18s} {'council+meeting':18s} {households:10d} "
            f"{r['peak'] / 2**20:9.0f} {r['estimate'] / 2**20:9.0f} {error:+7.0%}",
            flush=True,
        )
    print(f"largest error {worst:.0%} (tolerance {TOLERANCE:.0%})")
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
