"""Calibrate by history matching: plausible ranges of the parameters the calibration targets constrain.

Method and formulas: :mod:`xsim.validation.calibration`. Two waves of a Latin hypercube over the
prior box of the parameters whose calibration targets the model can compute; the span of the
non-implausible sets becomes the parameter's range in ``src/xsim/data/parameter_ranges.yaml``
(basis ``calibrated``, with the targets behind it), which ``xsim compare --uncertainty`` draws from.
Every evaluated set, its model values and implausibilities go to ``docs/figures/calibration.csv``.
Only targets with role ``calibration`` are used; validation targets stay out of sample.

    PYTHONPATH=src python tools/calibrate.py [--n 40] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from xsim.validation.calibration import PRIORS, calibrated_ranges, next_box, run_wave
from xsim.validation.targets import load_targets

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "figures" / "calibration.csv"
RANGES = ROOT / "src" / "xsim" / "data" / "parameter_ranges.yaml"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="parameter sets per wave")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    targets = {t.id: t for t in load_targets() if t.role == "calibration"}
    box = {p: (lo, hi) for p, (lo, hi, _) in PRIORS.items()}
    used = sorted({t for *_, ts in PRIORS.values() for t in ts if t in targets})

    def progress(i, n):
        print(f"\r  {i}/{n}", end="", file=sys.stderr, flush=True)

    waves = [run_wave(box, [targets[t] for t in used], args.n, args.seed, progress=progress)]
    skipped = waves[0].skipped
    for tid, why in skipped.items():
        print(f"\nleft out {tid}: {why}", file=sys.stderr)
    # parameters constrained by no computable target keep their prior range (not calibrated)
    constrained = [p for p, (*_, ts) in PRIORS.items() if any(t not in skipped for t in ts)]
    second = next_box(waves[0])
    second = {p: (second[p] if p in constrained else box[p]) for p in box}
    waves.append(
        run_wave(second, [targets[t] for t in used], args.n, args.seed + 1, progress=progress)
    )
    print(file=sys.stderr)
    frame = pd.concat(
        [w.samples.assign(wave=k + 1) for k, w in enumerate(waves)], ignore_index=True
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(OUT, index=False, float_format="%.5g")
    spans = calibrated_ranges(waves)
    kept = int(frame["kept"].sum())
    print(f"{kept} of {len(frame)} parameter sets non-implausible; wrote {OUT}")
    update = {}
    for p in constrained:
        if spans[p] is None:
            print(
                f"{p}: no non-implausible set — the model cannot meet its targets; range unchanged"
            )
            continue
        lo, hi = spans[p]
        update[p] = (round(lo, 3), round(hi, 3), [t for t in PRIORS[p][2] if t not in skipped])
        print(f"{p}: calibrated range [{lo:.3f}, {hi:.3f}] (prior {PRIORS[p][0]}…{PRIORS[p][1]})")
    write_ranges(update)
    return 0


def write_ranges(update: dict) -> None:
    """Rewrite the calibrated entries of parameter_ranges.yaml in place (comments kept)."""
    lines = RANGES.read_text(encoding="utf-8").splitlines(keepends=True)
    out = []
    for line in lines:
        name = line.strip().split(":", 1)[0]
        if line.startswith("  ") and name in update and "{" in line:
            lo, hi, ts = update[name]
            body = line.split("{", 1)[1].rsplit("}", 1)[0]
            fields = dict(part.split(":", 1) for part in _split(body))
            fields = {k.strip(): v.strip() for k, v in fields.items()}
            fields.update(low=f"{lo:g}", high=f"{hi:g}", basis="calibrated")
            fields["targets"] = "[" + ", ".join(ts) + "]"
            order = ["default", "low", "high", "basis", "targets", "zh", "en"]
            text = ", ".join(f"{k}: {fields[k]}" for k in order if k in fields)
            line = f"  {name + ':':<16} {{{text}}}\n"
        out.append(line)
    RANGES.write_text("".join(out), encoding="utf-8")


def _split(body: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in body:
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current] if current.strip() else parts


if __name__ == "__main__":
    raise SystemExit(main())
