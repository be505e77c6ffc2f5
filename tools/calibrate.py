"""Calibrate the behaviour defaults that validation targets constrain (plain grid search).

Each calibrated parameter is searched on its own grid, from the previous default outwards; the value
chosen is the first (closest to the previous default, so that the scenarios' teaching points move as
little as possible) at which its target holds in both the full variant (``xsim validate``) and the
fast variant at seed 0 (the test in ``make test``). The script then
re-evaluates every model target at the chosen values and writes the table to
``docs/figures/calibration.csv`` (reproducible: fixed seed, fixed grids).

    PYTHONPATH=src python tools/calibrate.py [--seed 0]
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path

import numpy as np

from xsim.validation.evaluate import evaluate_target
from xsim.validation.statistics import STATISTICS, behaviour_overrides
from xsim.validation.targets import load_targets

#: parameter -> (grid searched, target id that constrains it, statistic)
SEARCH = {
    "online_offset": (
        np.round(np.arange(-0.8, -2.21, -0.2), 2),
        "M-ONLINE-PLATFORM",
        "online_participation",
    ),
    "susceptibility": (
        np.round(np.arange(0.6, 0.19, -0.05), 2),
        "M-DP-NO-HOMOGENIZATION",
        "mixed_group_spread_change",
    ),
}

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures" / "calibration.csv"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    targets = {t.id: t for t in load_targets()}
    rows, chosen = [], {}
    for name, (grid, target_id, stat) in SEARCH.items():
        tol = targets[target_id].tolerance
        for value in grid:
            ok = True
            for fast in (True, False):
                with behaviour_overrides({name: float(value)}):
                    est = STATISTICS[stat](fast, args.seed)
                holds = tol.holds(est.value, est.low, est.high)
                ok &= holds
                variant = "fast" if fast else "full"
                rows.append(
                    [name, float(value), target_id, variant, est.value, est.low, est.high, holds]
                )
                print(
                    f"{name}={value:+.2f} {variant} {target_id}: {est.value:.3f} "
                    f"[{est.low:.3f}, {est.high:.3f}] holds={holds}",
                    flush=True,
                )
            if ok:
                chosen[name] = float(value)
                break
    print("chosen:", chosen)
    with behaviour_overrides(chosen):
        for t in targets.values():
            if t.kind != "model":
                continue
            r = evaluate_target(t, fast=True, seed=args.seed)
            e = r.estimate
            rows.append(["(all chosen)", math.nan, t.id, "fast", e.value, e.low, e.high, r.holds])
            print(
                f"  {t.id}: {e.value:.3f} [{e.low:.3f}, {e.high:.3f}] holds={r.holds}", flush=True
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["parameter", "value", "target", "variant", "model", "ci_low", "ci_high", "ok"])
        for row in rows:
            w.writerow([f"{x:.4g}" if isinstance(x, float) else x for x in row])
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
