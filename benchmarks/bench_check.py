"""Speed of `xsim check` (targets: ≤ 0.3 s for one record, ≤ 10 s for 1,000 records).

Run: ``python benchmarks/bench_check.py [--runs 7]``. Prints wall times; asserts nothing (speed
goals are measured here, not in timed tests). The machine's load average is printed alongside,
because other jobs on a shared 2-core machine change the figures.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "records").glob("*.yaml"))


CPU: list[float] = []  # CPU seconds (user + sys) of each child: less sensitive to machine load


def wall(cmd: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed ({proc.returncode}): {proc.stderr.decode()[:500]}")
    return elapsed


def make_records(directory: Path, n: int) -> list[str]:
    """n record files: the examples, cycled, each with its own title."""
    texts = [p.read_text(encoding="utf-8") for p in EXAMPLES]
    paths = []
    for i in range(n):
        text = texts[i % len(texts)]
        title = text.split("\ntitle: ", 1)[1].split("\n", 1)[0]
        path = directory / f"record-{i:04d}.yaml"
        path.write_text(
            text.replace(f"title: {title}", f"title: {title}（第{i}份）", 1), encoding="utf-8"
        )
        paths.append(str(path))
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("-n", type=int, default=1000)
    args = parser.parse_args()

    print(
        f"machine: {os.cpu_count()} cores; load average before: "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    one = str(EXAMPLES[0])
    cli = [sys.executable, "-m", "xsim.cli", "check"]
    # Bytecode as an installed package has it (pip compiles on install); an environment with
    # PYTHONDONTWRITEBYTECODE would otherwise compile every edited module on every run.
    compileall.compile_dir(ROOT / "src" / "xsim", quiet=1)
    wall(cli + [one])  # warm the file cache
    CPU.clear()
    singles = [wall(cli + [one]) for _ in range(args.runs)]
    print(
        f"one record, `python -m xsim.cli check` (median of {args.runs}): "
        f"{statistics.median(singles):.3f} s wall  (min {min(singles):.3f}, max "
        f"{max(singles):.3f}; CPU {statistics.median(CPU):.3f} s; target ≤ 0.3 s)"
    )
    script = Path(sys.executable).with_name("xsim")
    if script.exists():
        s_times = [wall([str(script), "check", one]) for _ in range(args.runs)]
        print(
            f"one record, `xsim check` console script (median of {args.runs}): "
            f"{statistics.median(s_times):.3f} s"
        )
    baseline = [wall([sys.executable, "-c", "pass"]) for _ in range(args.runs)]
    print(f"  (bare Python start-up for comparison: {statistics.median(baseline):.3f} s)")

    with tempfile.TemporaryDirectory() as tmp:
        paths = make_records(Path(tmp), args.n)
        CPU.clear()
        many = [wall(cli + paths + ["--format", "json"]) for _ in range(3)]
        print(
            f"{args.n} records, one CLI call with {args.n} files (median of 3): "
            f"{statistics.median(many):.3f} s wall  (CPU {statistics.median(CPU):.3f} s; "
            "target ≤ 10 s)"
        )

        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        from xsim.records import load_record
        from xsim.rules import check_record

        t0 = time.perf_counter()
        records = [load_record(p) for p in paths]
        t1 = time.perf_counter()
        reports = [check_record(r) for r in records]
        t2 = time.perf_counter()
        n_viol = sum(not r.compliant for r in reports)
        print(
            f"{args.n} records in-process: load {t1 - t0:.3f} s + check {t2 - t1:.3f} s = "
            f"{t2 - t0:.3f} s  ({(t2 - t1) / args.n * 1e6:.0f} µs per check_record; "
            f"{n_viol} not compliant)"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
