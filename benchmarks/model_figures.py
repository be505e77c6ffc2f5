"""The "Done when" figures of issue 21, measured over the bundled library (30 seeds per cell).

Every bundled scenario × each of its forms × seeds, under the variants the figures need (as
given; talk or word of mouth switched off; no moderator; no explanations to dissenters; short
notice), at the scenarios' own sizes. Prints one JSON document of figures (and, with ``--rows``,
keeps the per-run rows for inspection):

- spread: share of runs whose participants' opinion sd fell / rose during talk;
- land compensation by the representatives' meeting: adopted (lawfully) and adopted_unlawfully;
- facilitation and explanations: per cell, the change of mean fairness;
- informed_in_time: range of the cell means, and its response to notice days;
- polarization vs. spread: correlation over runs;
- "the consultation decides": per scenario, the largest gap in lawful adoption between two forms,
  and how much of it is left with talk or word of mouth switched off.

    nice -n 10 .venv/bin/python benchmarks/model_figures.py [--seeds 30] [--workers 2] [--scale 1]

Not a test (it takes minutes); the patterns it measures are tests in ``tests/test_validity.py``
and ``tests/test_scenario_library.py`` with fewer runs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np

VARIANTS: dict[str, dict] = {
    "base": {},
    "talk_off": {"ablate": ["talk"]},
    "word_of_mouth_off": {"ablate": ["word_of_mouth"]},
    "no_moderator": {"organizer.facilitated": False},
    "no_explanation": {"organizer.explain_dissenters": 0.0},
    "short_notice": {"organizer.notice_days": 2},
}
KEYS = (
    "adopted",
    "adopted_unlawfully",
    "fairness",
    "informed_in_time",
    "opinion_spread_before",
    "opinion_spread_after",
    "polarization",
    "participation",
    "support",
    "consultation_outcome",
    "complaints",
)


def _cell(job: tuple[str, str, str, int, float]) -> list[dict]:
    from xsim.sim.model import run_once
    from xsim.sim.scenario import load_scenario

    name, form, variant, seeds, scale = job
    spec = load_scenario(name)
    overrides = dict(VARIANTS[variant])
    if scale != 1.0:
        overrides["population.households"] = max(30, int(spec.population.households * scale))
    out = []
    for seed in range(seeds):
        row = run_once(spec, form, seed=seed, overrides=overrides).to_dict()
        out.append({k: row[k] for k in KEYS} | {"seed": seed})
    return out


def collect(seeds: int, workers: int, scale: float, variants) -> dict:
    from xsim.sim.scenario import list_scenarios

    jobs = [
        (s.name, f, v, seeds, scale) for s in list_scenarios() for f in s.forms for v in variants
    ]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_cell, jobs, chunksize=1))
    rows: dict = {}
    for (name, form, variant, _, _), runs in zip(jobs, results, strict=True):
        rows.setdefault(variant, {}).setdefault(name, {})[form] = runs
    return rows


def _mean(runs, key) -> float:
    vals = [float(r[key]) for r in runs if r[key] is not None]
    return float(np.mean(vals)) if vals else math.nan


def figures(rows: dict) -> dict:
    base = rows["base"]
    out: dict = {}
    # 1. spread falls / rises
    before = np.array([r["opinion_spread_before"] for c in _cells(base) for r in c])
    after = np.array([r["opinion_spread_after"] for c in _cells(base) for r in c])
    changed = before > 0
    out["spread_falls"] = float(np.mean(after[changed] < before[changed] - 1e-9))
    out["spread_rises"] = float(np.mean(after[changed] > before[changed] + 1e-9))
    # 2. land compensation by the representatives' meeting
    land = base["land_compensation"]["representatives_meeting"]
    out["land_reps_adopted"] = _mean(land, "adopted")
    out["land_reps_adopted_unlawfully"] = _mean(land, "adopted_unlawfully")
    # 3. facilitation and explanations: per cell, change of mean fairness
    for variant, key in (("no_moderator", "facilitation"), ("no_explanation", "explanation")):
        if variant not in rows:
            continue
        diffs = {
            f"{name}/{form}": _mean(base[name][form], "fairness")
            - _mean(rows[variant][name][form], "fairness")
            for name, forms in base.items()
            for form in forms
        }
        values = np.array(list(diffs.values()))
        out[f"{key}_fairness_change"] = {
            "min": float(values.min()),
            "mean": float(values.mean()),
            "max": float(values.max()),
            "share_raised": float(np.mean(values > 1e-9)),
            "cells_lowered_by_more_than_0.01": sorted(k for k, d in diffs.items() if d < -0.01),
        }
    # 4. informed in time
    cells = {f"{n}/{f}": _mean(base[n][f], "informed_in_time") for n in base for f in base[n]}
    out["informed_in_time_cells"] = {
        "min": min(cells.values()),
        "max": max(cells.values()),
        "range": max(cells.values()) - min(cells.values()),
    }
    if "short_notice" in rows:
        short = rows["short_notice"]
        gaps = [
            _mean(base[n][f], "informed_in_time") - _mean(short[n][f], "informed_in_time")
            for n in base
            for f in base[n]
        ]
        out["informed_in_time_notice_7_vs_2"] = {
            "mean_gap": float(np.mean(gaps)),
            "cells_lower_with_short_notice": float(np.mean(np.array(gaps) > 0)),
        }
    # 5. polarization vs spread
    pol = np.array([r["polarization"] for c in _cells(base) for r in c])
    out["corr_polarization_spread"] = float(np.corrcoef(pol, after)[0, 1])
    # 6. the consultation decides: per scenario, every pair of forms whose lawful adoption differs
    # by at least 0.15, and whether that gap halves (or less) with talk or word of mouth off
    decides = {}
    for name, forms in base.items():
        rates = {f: _mean(runs, "adopted") for f, runs in forms.items()}
        pairs = []
        for a, b in itertools.combinations(rates, 2):
            gap = rates[a] - rates[b]
            if abs(gap) < 0.15:
                continue
            entry = {"forms": [a, b], "gap": gap}
            for variant in ("talk_off", "word_of_mouth_off"):
                if variant in rows:
                    v = rows[variant][name]
                    entry[variant] = _mean(v[a], "adopted") - _mean(v[b], "adopted")
            entry["halves"] = any(
                abs(entry[v]) <= abs(gap) / 2
                for v in ("talk_off", "word_of_mouth_off")
                if v in entry
            )
            pairs.append(entry)
        decides[name] = {"adoption": rates, "pairs": pairs}
    out["consultation_decides"] = decides
    out["scenarios_gap_at_least_0.15"] = sorted(n for n, d in decides.items() if d["pairs"])
    out["of_which_a_gap_halves_without_talk_or_word_of_mouth"] = sorted(
        n for n, d in decides.items() if any(p["halves"] for p in d["pairs"])
    )
    return out


def _cells(variant_rows: dict):
    return [runs for forms in variant_rows.values() for runs in forms.values()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0, help="households × scale")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--rows", default=None, help="also write the per-run rows (JSON)")
    args = parser.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    rows = collect(args.seeds, args.workers, args.scale, variants)
    if args.rows:
        with open(args.rows, "w", encoding="utf-8") as fh:
            json.dump(rows, fh)
    json.dump(figures(rows), sys.stdout, indent=2, ensure_ascii=False, default=float)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
