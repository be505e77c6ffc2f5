"""Benchmark of `xsim validate` (figures for the notes; not a test).

1. The full variant (30 replications per study): target ≤ 5 minutes on 2 cores (issue 23).
2. The full variant with `--ablations` (every model target again without its mechanism).
3. `xsim compare --uncertainty 100` of garbage_station's four forms at 10 replications per set.
4. `xsim report` of that study: the memo in HTML and PDF, with the full validation check.

    python benchmarks/bench_validate.py [--skip-ablations] [--skip-uncertainty]

The machine's load average is printed with the figures: other jobs slow everything down.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(argv: list[str]) -> tuple[float, int]:
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "xsim", *argv], capture_output=True, text=True, check=False
    )
    return time.monotonic() - start, proc.returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ablations", action="store_true")
    parser.add_argument("--skip-uncertainty", action="store_true")
    args = parser.parse_args(argv)
    print(f"load average before: {load()}")
    seconds, code = timed(["validate"])
    print(f"xsim validate (full): {seconds:.1f} s (exit {code}; target ≤ 300 s)  load {load()}")
    if not args.skip_ablations:
        seconds, code = timed(["validate", "--ablations"])
        print(f"xsim validate --ablations (full): {seconds:.1f} s (exit {code})  load {load()}")
    if not args.skip_uncertainty:
        with tempfile.TemporaryDirectory() as tmp:
            seconds, code = timed(
                [
                    "compare",
                    "garbage_station",
                    "--reps",
                    "10",
                    "--uncertainty",
                    "100",
                    "--no-progress",
                    "--out",
                    f"{tmp}/u",
                ]
            )
            print(f"compare --uncertainty 100 × 4 forms × 10 reps: {seconds:.1f} s (exit {code})")
            seconds, code = timed(["report", f"{tmp}/u"])
            print(f"xsim report of that study (zh, HTML and PDF): {seconds:.1f} s (exit {code})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
