"""Summaries of a study: per variant mean and bootstrap CI of every measure, differences vs a baseline.

The bootstrap resamples *runs* (replications) of each variant with replacement, ``n_boot`` times,
from a generator seeded by ``SeedSequence(seed, spawn_key=(variant_index,))`` — the same rows give the
same intervals. Intervals are percentile intervals at ``level`` (95% by default). A difference between
two variants resamples both independently (their runs have independent seeds) and reports the
percentile interval of the difference of means; ``*`` marks differences whose interval excludes 0.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xsim.errors import InputError
from xsim.experiments.labels import measure_label, variant_label

RUN_COLUMNS = ("variant", "variant_index", "rep", "seed")
_TOL = 1e-9  # floating-point noise: an interval [1e-17, 2e-17] does not "exclude 0"

# What the text table shows unless asked for more (the JSON always has every measure).
TEXT_MEASURES = (
    "participation",
    "participation.age_old",
    "participation.nonregistered",
    "participation.tenant",
    "participation.nodigital",
    "informed_in_time",
    "representativeness_groups",
    "voice_dominance",
    "opinion_change",
    "polarization",
    "support",
    "consensus",
    "escalated",
    "adopted",
    "days_to_decision",
    "result_informed",
    "fairness",
    "person_hours",
    "money_yuan",
    "n_violations",
    "n_warnings",
)


def measure_columns(frame: pd.DataFrame) -> list[str]:
    """Outcome measures: numeric or boolean columns after ``seed`` (rows put the variant first)."""
    columns = list(frame.columns)
    start = columns.index("seed") + 1 if "seed" in columns else 0
    return [
        c
        for c in columns[start:]
        if pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])
    ]


def _bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n_boot, n_measures) bootstrap means of the columns of ``values`` (NaN = missing)."""
    n = values.shape[0]
    # counts[b, i]: how often run i is drawn in resample b (n draws with replacement)
    draws = rng.integers(0, n, size=(n_boot, n)) + (np.arange(n_boot) * n)[:, None]
    counts = np.bincount(draws.ravel(), minlength=n_boot * n).reshape(n_boot, n).astype(float)
    del draws
    complete = ~np.isnan(values).any(axis=0)
    out = np.empty((n_boot, values.shape[1]))
    out[:, complete] = counts @ values[:, complete] / n  # every resample has n runs
    for j in np.flatnonzero(~complete):  # measures missing in some runs: resample the valid ones
        x = values[:, j]
        valid = ~np.isnan(x)
        weights = counts[:, valid]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[:, j] = weights @ x[valid] / weights.sum(axis=1)
    return out


@dataclass
class Summary:
    """Per-variant estimates and differences against the baseline (tidy DataFrames)."""

    table: pd.DataFrame  # variant, variant_index, measure, n, mean, ci_low, ci_high
    differences: pd.DataFrame  # variant, baseline, measure, diff, ci_low, ci_high, excludes_zero
    variants: list[str]
    measures: list[str]
    baseline: str
    level: float
    n_boot: int
    seed: int

    def estimate(self, variant: str, measure: str) -> dict[str, float]:
        row = self.table[(self.table.variant == variant) & (self.table.measure == measure)]
        if row.empty:
            raise KeyError((variant, measure))
        return row.iloc[0][["n", "mean", "ci_low", "ci_high"]].to_dict()

    def difference(self, variant: str, measure: str) -> dict[str, float]:
        row = self.differences[
            (self.differences.variant == variant) & (self.differences.measure == measure)
        ]
        if row.empty:
            raise KeyError((variant, measure))
        return row.iloc[0][["diff", "ci_low", "ci_high"]].to_dict()

    def to_dict(self) -> dict[str, Any]:
        def clean(x):
            return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)

        estimates: dict[str, dict[str, Any]] = {}
        for row in self.table.itertuples():
            estimates.setdefault(row.variant, {})[row.measure] = {
                "n": int(row.n),
                "mean": clean(row.mean),
                "ci_low": clean(row.ci_low),
                "ci_high": clean(row.ci_high),
            }
        diffs: dict[str, dict[str, Any]] = {}
        for row in self.differences.itertuples():
            diffs.setdefault(row.variant, {})[row.measure] = {
                "diff": clean(row.diff),
                "ci_low": clean(row.ci_low),
                "ci_high": clean(row.ci_high),
                "excludes_zero": bool(row.excludes_zero),
            }
        return {
            "level": self.level,
            "n_boot": self.n_boot,
            "bootstrap_seed": self.seed,
            "baseline": self.baseline,
            "variants": self.variants,
            "measures": self.measures,
            "estimates": estimates,
            "differences_vs_baseline": diffs,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def text_measures(self) -> list[str]:
        """The headline measures, plus every finding code that occurred in some variant."""
        chosen = [m for m in TEXT_MEASURES if m in self.measures]
        if not chosen:
            return list(self.measures)
        found = self.table[
            self.table.measure.str.startswith("findings.") & (self.table["mean"] > 0)
        ]
        return chosen + [m for m in self.measures if m in set(found.measure)]

    def to_text(self, lang: str = "zh", measures: list[str] | None = None) -> str:
        """The table for a terminal; ``measures`` defaults to :meth:`text_measures`."""
        measures = measures or self.text_measures()
        pct = f"{self.level:.0%}"
        head = [measure_label("measure", lang)] + [variant_label(v, lang) for v in self.variants]
        rows = []
        for m in measures:
            cells = [measure_label(m, lang)]
            for v in self.variants:
                e = self.table[(self.table.variant == v) & (self.table.measure == m)].iloc[0]
                cells.append(_cell(e["mean"], e["ci_low"], e["ci_high"]))
            rows.append(cells)
        others = [v for v in self.variants if v != self.baseline]
        if lang == "en":
            title = f"Mean [{pct} bootstrap CI] per variant ({self.n_boot} resamples)"
            dtitle = (
                f"Difference vs baseline '{variant_label(self.baseline, lang)}' "
                f"[{pct} CI]; * = interval excludes 0"
            )
        else:
            title = f"各方案均值 [{pct} 自助法置信区间]（重抽样 {self.n_boot} 次）"
            dtitle = (
                f"与基准方案「{variant_label(self.baseline, lang)}」之差 [{pct} 置信区间]；"
                "* 表示区间不含 0"
            )
        lines = [title, *_table(head, rows)]
        if others:
            dhead = [measure_label("measure", lang)] + [variant_label(v, lang) for v in others]
            drows = []
            for m in measures:
                cells = [measure_label(m, lang)]
                for v in others:
                    d = self.differences[
                        (self.differences.variant == v) & (self.differences.measure == m)
                    ].iloc[0]
                    star = "*" if d["excludes_zero"] else ""
                    cells.append(_cell(d["diff"], d["ci_low"], d["ci_high"], signed=True) + star)
                drows.append(cells)
            lines += ["", dtitle, *_table(dhead, drows)]
        return "\n".join(lines)


def _decimals(*values: float) -> int:
    scale = max((abs(v) for v in values if v is not None and not np.isnan(v)), default=0.0)
    return 0 if scale >= 100 else 1 if scale >= 10 else 3


def _fmt(x: float, signed: bool = False, decimals: int | None = None) -> str:
    if x is None or np.isnan(x):
        return "—"
    d = _decimals(x) if decimals is None else decimals
    x = round(float(x), d) + 0.0  # no "-0.000" / "+0.000" from rounding noise
    return f"{x:+.{d}f}" if signed and x > 0 else f"{x:.{d}f}"


def _cell(value: float, low: float, high: float, signed: bool = False) -> str:
    d = _decimals(value, low, high)
    return f"{_fmt(value, signed, d)} [{_fmt(low, False, d)}, {_fmt(high, False, d)}]"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells):
        return "  ".join(
            _pad(c, w, i > 0) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [line(head), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _quantiles(boot: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-column percentile interval [alpha, 1 − alpha]; the NaN-aware path only where needed."""
    lows = np.full(boot.shape[1], np.nan)
    highs = np.full(boot.shape[1], np.nan)
    clean = ~np.isnan(boot).any(axis=0)
    if clean.any():
        lows[clean], highs[clean] = np.quantile(boot[:, clean], [alpha, 1 - alpha], axis=0)
    for j in np.flatnonzero(~clean):
        lows[j], highs[j] = np.nanquantile(boot[:, j], [alpha, 1 - alpha])
    return lows, highs


def summarize(
    frame: pd.DataFrame,
    measures: list[str] | None = None,
    *,
    baseline: str | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> Summary:
    """Mean and bootstrap CI of each measure per variant; differences against ``baseline``.

    ``baseline`` defaults to the first variant. Unknown variant or measure names → InputError.
    """
    if frame.empty:
        raise InputError("<results>", "", "at least one finished run", "至少需要一次已完成的模拟")
    order = frame.drop_duplicates("variant").sort_values("variant_index")
    variants = order["variant"].tolist()
    available = measure_columns(frame)
    if measures is None:
        measures = available
    unknown = [m for m in measures if m not in available]
    if unknown:
        raise InputError(
            "<options>",
            "--measures",
            f"measures among: {', '.join(available)} (unknown: {', '.join(unknown)})",
            f"应为以下指标之一：{'、'.join(available)}（未知：{'、'.join(unknown)}）",
        )
    baseline = variants[0] if baseline is None else baseline
    if baseline not in variants:
        raise InputError(
            "<options>",
            "--baseline",
            f"one of the study's variants: {', '.join(variants)} (got '{baseline}')",
            f"应为本研究的方案之一：{'、'.join(variants)}（实际为「{baseline}」）",
        )
    alpha = (1 - level) / 2
    boots: dict[str, np.ndarray] = {}
    records = []
    for variant, index in zip(order["variant"], order["variant_index"], strict=True):
        values = frame.loc[frame.variant == variant, measures].astype(float).to_numpy()
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(int(index),)))
        boots[variant] = _bootstrap_means(values, n_boot, rng)
        with np.errstate(invalid="ignore"), _quiet():
            means = np.nanmean(values, axis=0)
            lows, highs = _quantiles(boots[variant], alpha)
        for j, m in enumerate(measures):
            records.append(
                {
                    "variant": variant,
                    "variant_index": int(index),
                    "measure": m,
                    "n": int(np.sum(~np.isnan(values[:, j]))),
                    "mean": means[j],
                    "ci_low": lows[j],
                    "ci_high": highs[j],
                }
            )
    table = pd.DataFrame(records)
    diffs = []
    base_mean = table[table.variant == baseline].set_index("measure")["mean"]
    for variant in variants:
        if variant == baseline:
            continue
        delta = boots[variant] - boots[baseline]
        with np.errstate(invalid="ignore"), _quiet():
            lows, highs = _quantiles(delta, alpha)
        mine = table[table.variant == variant].set_index("measure")["mean"]
        for j, m in enumerate(measures):
            diffs.append(
                {
                    "variant": variant,
                    "baseline": baseline,
                    "measure": m,
                    "diff": mine[m] - base_mean[m],
                    "ci_low": lows[j],
                    "ci_high": highs[j],
                    "excludes_zero": bool(lows[j] > _TOL or highs[j] < -_TOL),
                }
            )
    differences = pd.DataFrame(
        diffs,
        columns=["variant", "baseline", "measure", "diff", "ci_low", "ci_high", "excludes_zero"],
    )
    return Summary(table, differences, variants, list(measures), baseline, level, n_boot, seed)


class _quiet:
    """Silence numpy's 'all-NaN slice' warnings: an all-missing measure simply has no estimate."""

    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)
        return self

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)
