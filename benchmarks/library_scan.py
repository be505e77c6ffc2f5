"""Every bundled scenario × its forms × seeds: the mean of each measure per cell, and the verdict.

Used to check the model's "done when" of issue 10: how many scenarios have two forms whose adoption
rates differ by at least 0.15, and that no measure (``Outcome.to_dict()``) is constant over all
cells. The rules engine's verdict on each run's record (``Verdict.to_dict()``: ``findings.<CODE>``,
``n_violations``, ``n_warnings``, ``compliant``) is reported apart: which codes fire in which cells.

    PYTHONPATH=src python benchmarks/library_scan.py [--seeds 30] [--households-scale 0.3]
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np

from xsim.sim.model import run_once
from xsim.sim.scenario import list_scenarios

Cells = dict[str, dict[str, dict[str, float]]]


def _means(rows: list[dict]) -> dict[str, float]:
    means = {}
    for key, value in rows[0].items():
        if isinstance(value, bool | int | float) and value is not None:
            vals = [r[key] for r in rows if r[key] is not None]
            means[key] = float(np.mean(vals)) if vals else math.nan
    return means


def scan(seeds: int, scale: float) -> tuple[Cells, Cells]:
    """(measures, verdicts): per scenario, per form, the mean of each column over the seeds."""
    measures: Cells = {}
    verdicts: Cells = {}
    for spec in list_scenarios():
        hh = max(30, int(spec.population.households * scale))
        measures[spec.name], verdicts[spec.name] = {}, {}
        for form in spec.forms:
            runs = [
                run_once(spec, form, seed=s, overrides={"population.households": hh})
                for s in range(seeds)
            ]
            measures[spec.name][form] = _means([r.outcome.to_dict() for r in runs])
            verdicts[spec.name][form] = _means([r.verdict.to_dict() for r in runs])
    return measures, verdicts


def constant_columns(cells: Cells) -> list[str]:
    keys = set().union(*(m.keys() for forms in cells.values() for m in forms.values()))
    constant = []
    for key in sorted(keys):
        vals = [m.get(key) for forms in cells.values() for m in forms.values()]
        vals = [v for v in vals if v is not None and not math.isnan(v)]
        if vals and max(vals) - min(vals) < 1e-9:
            constant.append(key)
    return constant


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--households-scale", type=float, default=0.3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    t0 = time.perf_counter()
    measures, verdicts = scan(args.seeds, args.households_scale)
    gaps = {}
    for name, forms in measures.items():
        adopted = [m["adopted"] for m in forms.values()]
        gaps[name] = max(adopted) - min(adopted)
        print(
            f"{name:22s} "
            + " ".join(f"{f}={m['adopted']:.2f}" for f, m in forms.items())
            + f"  gap {gaps[name]:.2f}"
        )
    print(f"scenarios with an adoption gap ≥ 0.15: {sum(g >= 0.15 for g in gaps.values())}")
    print("constant measures:", constant_columns(measures))
    print("verdict: findings per code (mean count per run), by scenario/form")
    for name, forms in verdicts.items():
        for form, v in forms.items():
            fired = {
                k.removeprefix("findings."): x for k, x in v.items() if k.startswith("findings.")
            }
            fired = {k: x for k, x in fired.items() if x > 0}
            if fired:
                codes = ", ".join(f"{k} {x:.2f}" for k, x in sorted(fired.items()))
                print(f"  {name}/{form}: {codes}")
    silent = [
        k.removeprefix("findings.") for k in constant_columns(verdicts) if k.startswith("findings.")
    ]
    print("codes that fire in no cell at the scenarios' defaults:", silent)
    print(f"{time.perf_counter() - t0:.0f} s")
    if args.out:
        with open(args.out, "w") as fh:
            json.dump({"measures": measures, "verdicts": verdicts}, fh, indent=1)


if __name__ == "__main__":
    main()
