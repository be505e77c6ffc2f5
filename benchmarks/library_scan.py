"""Every bundled scenario × its forms × seeds: the mean of each measure per cell.

Used to check the model's "done when" of issue 10: how many scenarios have two forms whose adoption
rates differ by at least 0.15, and that no measure is constant over all cells.

    PYTHONPATH=src python benchmarks/library_scan.py [--seeds 30] [--households-scale 0.3]
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np

from xsim.model import run_once
from xsim.scenario import list_scenarios


def scan(seeds: int, scale: float) -> dict[str, dict[str, dict[str, float]]]:
    cells: dict[str, dict[str, dict[str, float]]] = {}
    for spec in list_scenarios():
        hh = max(30, int(spec.population.households * scale))
        cells[spec.name] = {}
        for form in spec.forms:
            rows = [
                run_once(spec, form, seed=s, overrides={"population.households": hh}).to_dict()
                for s in range(seeds)
            ]
            means = {}
            for key, value in rows[0].items():
                if isinstance(value, bool | int | float) and value is not None:
                    vals = [r[key] for r in rows if r[key] is not None]
                    means[key] = float(np.mean(vals)) if vals else math.nan
            cells[spec.name][form] = means
    return cells


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--households-scale", type=float, default=0.3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    t0 = time.perf_counter()
    cells = scan(args.seeds, args.households_scale)
    gaps = {}
    for name, forms in cells.items():
        adopted = [m["adopted"] for m in forms.values()]
        gaps[name] = max(adopted) - min(adopted)
        print(f"{name:22s} " + " ".join(f"{f}={m['adopted']:.2f}" for f, m in forms.items()))
    print(f"scenarios with an adoption gap ≥ 0.15: {sum(g >= 0.15 for g in gaps.values())}")
    keys = set().union(*(m.keys() for forms in cells.values() for m in forms.values()))
    constant = []
    for key in sorted(keys):
        vals = [m.get(key) for forms in cells.values() for m in forms.values()]
        vals = [v for v in vals if v is not None and not math.isnan(v)]
        if vals and max(vals) - min(vals) < 1e-9:
            constant.append(key)
    print("constant measures:", constant)
    print(f"{time.perf_counter() - t0:.0f} s")
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(cells, fh, indent=1)


if __name__ == "__main__":
    main()
