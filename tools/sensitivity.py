"""Sobol sensitivity of the headline comparisons to the behaviour parameters no target constrains.

Saltelli sampling (SALib) of the unconstrained parameters within the ranges below; for each sample,
garbage_station is run under its two forms (hearing, compound) with common random numbers; outputs:
the adoption gap between the forms, participation and mean perceived fairness at the hearing.
First-order (S1) and total (ST) indices with their 95% intervals go to
``docs/figures/sensitivity.csv`` and the figure ``docs/figures/sensitivity.png``. Modest N: a few
minutes on 2 cores; the intervals in the CSV say how rough the indices are.

    PYTHONPATH=src python tools/sensitivity.py [--n 16] [--reps 2] [--seed 0]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

#: unconstrained behaviour parameters and the ranges sampled (around their defaults)
PROBLEM = {
    "epsilon": (0.3, 0.8),
    "argument_rate": (0.0, 0.25),
    "dominance": (1.5, 4.0),
    "facilitation": (0.5, 1.0),
    "cascade": (0.1, 0.5),
    "report_back": (0.2, 0.8),
}
SCENARIO, FORMS = "garbage_station", ("hearing", "compound")
OUTPUTS = ("adoption gap (hearing − compound)", "participation (hearing)", "fairness (hearing)")
FIGURES = Path(__file__).resolve().parents[1] / "docs" / "figures"


def outputs(values: dict[str, float], reps: int, seed: int) -> list[float]:
    from xsim.experiments.study import Study
    from xsim.sim.scenario import load_scenario

    scenario = load_scenario(SCENARIO).with_overrides(
        {f"behaviour.{k}": float(v) for k, v in values.items()}, source="<sensitivity>"
    )
    rows = (
        Study(scenario, [{"form": f} for f in FORMS], reps, seed)
        .run("in-process", progress=False)
        .rows
    )
    by = rows.groupby("form")
    adopted = by["adopted"].mean()
    return [
        float(adopted[FORMS[0]] - adopted[FORMS[1]]),
        float(by["participation"].mean()[FORMS[0]]),
        float(by["fairness"].mean()[FORMS[0]]),
    ]


def main(argv=None) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from SALib.analyze import sobol
    from SALib.sample import sobol as sobol_sample

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=16, help="Saltelli base sample (power of 2)")
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    problem = {
        "num_vars": len(PROBLEM),
        "names": list(PROBLEM),
        "bounds": [list(b) for b in PROBLEM.values()],
    }
    X = sobol_sample.sample(problem, args.n, calc_second_order=False, seed=args.seed)
    Y = np.array([outputs(dict(zip(PROBLEM, x, strict=True)), args.reps, args.seed) for x in X])
    FIGURES.mkdir(parents=True, exist_ok=True)
    fig, axes = plt.subplots(1, len(OUTPUTS), figsize=(4 * len(OUTPUTS), 3.6), sharey=True)
    with (FIGURES / "sensitivity.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"])
        for k, (name, ax) in enumerate(zip(OUTPUTS, axes, strict=True)):
            if np.ptp(Y[:, k]) == 0:
                si = {m: np.zeros(len(PROBLEM)) for m in ("S1", "S1_conf", "ST", "ST_conf")}
            else:
                si = sobol.analyze(
                    problem, Y[:, k], calc_second_order=False, seed=args.seed, num_resamples=200
                )
            for j, p in enumerate(PROBLEM):
                w.writerow(
                    [name, p] + [f"{si[m][j]:.3f}" for m in ("S1", "S1_conf", "ST", "ST_conf")]
                )
            pos = np.arange(len(PROBLEM))
            ax.barh(pos - 0.2, np.clip(si["S1"], 0, None), 0.4, xerr=si["S1_conf"], label="S1")
            ax.barh(pos + 0.2, np.clip(si["ST"], 0, None), 0.4, xerr=si["ST_conf"], label="ST")
            ax.set_yticks(pos, list(PROBLEM))
            ax.set_title(name, fontsize=9)
            ax.set_xlim(0, 1.2)
        axes[0].legend(loc="lower right", fontsize=8)
    fig.suptitle(
        f"Sobol indices, {SCENARIO}, N={args.n} ({len(X)} samples × {len(FORMS)} forms × "
        f"{args.reps} runs)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(FIGURES / "sensitivity.png", dpi=110)
    print(f"wrote {FIGURES / 'sensitivity.png'} and sensitivity.csv ({len(X)} samples)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
