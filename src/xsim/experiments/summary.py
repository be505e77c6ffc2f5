"""Summaries of a study: per variant mean and interval of every measure, differences vs a baseline.

The statistics are those of :mod:`xsim.experiments.stats`: Wilson intervals for proportions, BCa
bootstrap intervals (``scipy.stats.bootstrap``) for other means, zero-width intervals for measures
that never vary; differences against the baseline are **paired by replication** when both variants
ran on the same seeds (common random numbers — every study does, see
:func:`xsim.experiments.study.run_seed`), with Cohen's d (or h for proportions) beside them. A
difference is starred when its interval excludes 0 *and* it survives a Benjamini–Hochberg adjustment
over every difference of the summary (many measures are compared at once); a difference whose
per-replication values are all equal is never starred. The measures of a variant that vary and
have no missing value are bootstrapped together (one ``scipy.stats.bootstrap`` call, replications
resampled jointly) from ``SeedSequence(seed, spawn_key=(kind, v, 0))``; any other measure ``j`` from
``SeedSequence(seed, spawn_key=(kind, v, j))``: the same rows give the same intervals.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from wcwidth import wcswidth

from xsim.errors import InputError
from xsim.experiments.labels import measure_label, variant_label
from xsim.experiments.stats import (
    TOLERANCE,
    adjust_benjamini_hochberg,
    column_intervals,
    difference,
    mean_interval,
)

RUN_COLUMNS = ("variant", "variant_index", "rep", "seed")

# What the text table shows unless asked for more (``--measures all``; the JSON has every measure):
# who took part, whether the room was balanced, what came out of it, and what it cost.
TEXT_MEASURES = (
    "participation",
    "participation.age_old",
    "participation.nodigital",
    "participation.tenant",
    "representativeness_groups",
    "voice_dominance",
    "support",
    "consensus",
    "adopted",
    "escalated",
    "fairness",
    "days_to_decision",
    "person_hours",
    "n_violations",
)

# spawn keys of the bootstrap generators: (kind, variant_index, measure_index); the batch kinds
# resample every varying, complete measure of a variant at once (replications jointly).
_ESTIMATE_KIND, _DIFFERENCE_KIND, _ESTIMATE_BATCH, _DIFFERENCE_BATCH = 0, 1, 2, 3


def measure_columns(frame: pd.DataFrame) -> list[str]:
    """Outcome measures: numeric or boolean columns after ``seed`` (rows put the variant first)."""
    columns = list(frame.columns)
    start = columns.index("seed") + 1 if "seed" in columns else 0
    return [
        c
        for c in columns[start:]
        if pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])
    ]


@dataclass
class Summary:
    """Per-variant estimates and differences against the baseline (tidy DataFrames)."""

    table: pd.DataFrame  # variant, variant_index, measure, n, mean, ci_low, ci_high, method
    # variant, baseline, measure, diff, ci_low, ci_high, excludes_zero, effect_size, effect_kind,
    # paired, p_value, q_value, significant, method
    differences: pd.DataFrame
    variants: list[str]
    measures: list[str]
    baseline: str
    level: float
    n_boot: int
    seed: int

    @property
    def n_comparisons(self) -> int:
        """How many differences entered the Benjamini–Hochberg adjustment."""
        return int(self.differences["p_value"].notna().sum()) if len(self.differences) else 0

    @property
    def reps(self) -> int:
        """Replications of the smallest variant (a measure may have fewer valid values)."""
        return int(self.table.groupby("variant")["n"].max().min()) if len(self.table) else 0

    def estimate(self, variant: str, measure: str) -> dict[str, float]:
        row = self.table[(self.table.variant == variant) & (self.table.measure == measure)]
        if row.empty:
            raise KeyError((variant, measure))
        return row.iloc[0][["n", "mean", "ci_low", "ci_high"]].to_dict()

    def difference(self, variant: str, measure: str) -> dict[str, Any]:
        row = self.differences[
            (self.differences.variant == variant) & (self.differences.measure == measure)
        ]
        if row.empty:
            raise KeyError((variant, measure))
        keys = ["diff", "ci_low", "ci_high", "effect_size", "p_value", "q_value"]
        out: dict[str, Any] = row.iloc[0][keys].to_dict()
        out.update(
            excludes_zero=bool(row.iloc[0]["excludes_zero"]),
            significant=bool(row.iloc[0]["significant"]),
            paired=bool(row.iloc[0]["paired"]),
            effect_kind=row.iloc[0]["effect_kind"],
        )
        return out

    def half_widths(self, measures: list[str] | None = None) -> pd.DataFrame:
        """Half-width of every interval of ``measures`` (estimates and differences), one row each."""
        measures = measures or self.measures
        est = self.table[self.table.measure.isin(measures)]
        dif = self.differences[self.differences.measure.isin(measures)]
        rows = pd.concat(
            [
                est.assign(kind="estimate")[["kind", "variant", "measure", "ci_low", "ci_high"]],
                dif.assign(kind="difference")[["kind", "variant", "measure", "ci_low", "ci_high"]],
            ],
            ignore_index=True,
        )
        return rows.assign(half_width=(rows.ci_high - rows.ci_low) / 2)

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
                "method": row.method,
            }
        diffs: dict[str, dict[str, Any]] = {}
        for row in self.differences.itertuples():
            diffs.setdefault(row.variant, {})[row.measure] = {
                "diff": clean(row.diff),
                "ci_low": clean(row.ci_low),
                "ci_high": clean(row.ci_high),
                "excludes_zero": bool(row.excludes_zero),
                "effect_size": clean(row.effect_size),
                "effect_kind": row.effect_kind,
                "paired": bool(row.paired),
                "p_value": clean(row.p_value),
                "q_value": clean(row.q_value),
                "significant": bool(row.significant),
                "method": row.method,
            }
        return {
            "level": self.level,
            "n_boot": self.n_boot,
            "bootstrap_seed": self.seed,
            "baseline": self.baseline,
            "variants": self.variants,
            "measures": self.measures,
            "multiple_comparisons": {
                "method": "benjamini-hochberg",
                "comparisons": self.n_comparisons,
            },
            "estimates": estimates,
            "differences_vs_baseline": diffs,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def text_measures(self, which: str | list[str] | None = None) -> list[str]:
        """The measures of the text table: the focused set (default), ``"all"``, or a list."""
        if which == "all":
            return list(self.measures)
        if which:
            return list(which)
        chosen = [m for m in TEXT_MEASURES if m in self.measures]
        return chosen or list(self.measures)

    def to_text(self, lang: str = "zh", measures: str | list[str] | None = None) -> str:
        """The tables for a terminal; ``measures``: the focused set (default), ``"all"``, or a list."""
        measures = self.text_measures(measures)
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
        paired = bool(len(self.differences)) and bool(self.differences["paired"].all())
        k = self.n_comparisons
        if lang == "en":
            title = (
                f"Mean [{pct} CI] per variant (Wilson for proportions, BCa bootstrap with "
                f"{self.n_boot} resamples otherwise)"
            )
            dtitle = (
                f"Difference vs baseline '{variant_label(self.baseline, lang)}' [{pct} CI] "
                f"and effect size (d: Cohen's d; h: Cohen's h for proportions)"
            )
            notes = [
                (
                    "paired by replication: every variant ran on the same seeds"
                    if paired
                    else "unpaired: the variants did not run on the same seeds"
                ),
                f"* = interval excludes 0 and the difference remains significant after the "
                f"Benjamini–Hochberg adjustment for the {k} differences compared at once; "
                "a difference that is the same in every replication is never starred",
            ]
        else:
            title = f"各方案均值 [{pct} 置信区间]（比例用 Wilson 区间，其余用 BCa 自助法，重抽样 {self.n_boot} 次）"
            dtitle = (
                f"与基准方案「{variant_label(self.baseline, lang)}」之差 [{pct} 置信区间] 与效应量"
                "（d：Cohen's d；h：比例的 Cohen's h）"
            )
            notes = [
                (
                    "按重复配对比较：各方案使用相同的随机种子"
                    if paired
                    else "未配对：各方案未使用相同的随机种子"
                ),
                f"* 表示区间不含 0，且经 Benjamini–Hochberg 多重比较校正（同时比较 {k} 个差值）后"
                "仍显著；每次重复都相同的差值从不标 *",
            ]
        lines = [title, *text_table(head, rows)]
        if others:
            dhead = [measure_label("measure", lang)] + [variant_label(v, lang) for v in others]
            drows = []
            for m in measures:
                cells = [measure_label(m, lang)]
                for v in others:
                    d = self.differences[
                        (self.differences.variant == v) & (self.differences.measure == m)
                    ].iloc[0]
                    star = "*" if d["significant"] else " "
                    cell = _cell(d["diff"], d["ci_low"], d["ci_high"], signed=True) + star
                    cells.append(f"{cell} {_effect(d['effect_size'], d['effect_kind'])}")
                drows.append(cells)
            lines += ["", dtitle, *text_table(dhead, drows), *notes]
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


def _effect(size: float, kind: str) -> str:
    if size is None or np.isnan(size):
        return f"{kind}=—"
    return f"{kind}={size:+.2f}"


def _width(text: str) -> int:
    """Display columns of ``text`` in a terminal (a CJK character takes two)."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)  # non-printable characters: count one each


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def text_table(head: list[str], rows: list[list[str]]) -> list[str]:
    """Lines of a table whose columns align in display width (first column left, others right).

    Every cell is kept on its line (:func:`xsim.io.terminal.one_line`): a variant named after a
    ``--vary`` value with a newline cannot add a line of its own to the table."""
    from xsim.io.terminal import one_line

    head = [one_line(c) for c in head]
    rows = [[one_line(c) for c in r] for r in rows]
    widths = [max(_width(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells):
        return "  ".join(
            _pad(c, w, i > 0) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [line(head), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _rng(seed: int, kind: int, variant_index: int, measure_index: int) -> np.random.Generator:
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(kind, variant_index, measure_index))
    )


def _batch_intervals(
    values: np.ndarray, eligible: np.ndarray, level: float, n_boot: int, rng
) -> dict[int, tuple[float, float, str]]:
    """BCa intervals of the columns that vary and have no missing value, in one bootstrap call
    (the rest — proportions, constants, columns with gaps — are left to their own method)."""
    if values.shape[0] < 3:
        return {}
    complete = ~np.isnan(values).any(axis=0)
    spread = np.zeros(values.shape[1])
    spread[complete] = np.ptp(values[:, complete], axis=0)
    scale = np.maximum(1.0, np.nan_to_num(np.abs(values)).max(axis=0))
    columns = np.flatnonzero(eligible & complete & (spread > TOLERANCE * scale))
    lows, highs, methods = column_intervals(values[:, columns], level, n_boot, rng)
    return {
        int(j): (float(lo), float(hi), method)
        for j, lo, hi, method in zip(columns, lows, highs, methods, strict=True)
    }


def _is_proportion_measure(column: pd.Series) -> bool:
    """A yes/no outcome: a boolean column, or 0/1 values with both 0 and 1 somewhere in the study
    (a count that is 0 in every run, or a ratio that is always 1, is not a proportion)."""
    if pd.api.types.is_bool_dtype(column):
        return True
    values = pd.to_numeric(column, errors="coerce").dropna().unique()
    return set(values.tolist()) == {0.0, 1.0}


def _is_paired(frame: pd.DataFrame, variant: str, baseline: str) -> bool:
    """Same replications on the same seeds (common random numbers) in both variants."""
    if "seed" not in frame.columns or "rep" not in frame.columns:
        return False
    mine = frame.loc[frame.variant == variant, ["rep", "seed"]].set_index("rep")["seed"]
    base = frame.loc[frame.variant == baseline, ["rep", "seed"]].set_index("rep")["seed"]
    if not mine.index.is_unique or set(mine.index) != set(base.index):
        return False
    return bool((mine.sort_index().to_numpy() == base.sort_index().to_numpy()).all())


def summarize(
    frame: pd.DataFrame,
    measures: list[str] | None = None,
    *,
    baseline: str | None = None,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> Summary:
    """Mean and interval of each measure per variant; differences against ``baseline``.

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
    index_of = dict(zip(order["variant"], order["variant_index"].astype(int), strict=True))
    by_rep = {
        v: frame[frame.variant == v].sort_values("rep")
        if "rep" in frame
        else frame[frame.variant == v]
        for v in variants
    }
    proportions = {m: _is_proportion_measure(frame[m]) for m in measures}
    is_proportion = np.array([proportions[m] for m in measures], dtype=bool)
    records = []
    for variant in variants:
        values = by_rep[variant][measures].astype(float).to_numpy()
        batch = _batch_intervals(
            values, ~is_proportion, level, n_boot, _rng(seed, _ESTIMATE_BATCH, index_of[variant], 0)
        )
        for j, m in enumerate(measures):
            est = mean_interval(
                values[:, j],
                level,
                n_boot,
                _rng(seed, _ESTIMATE_KIND, index_of[variant], j),
                proportion=proportions[m],
                bootstrapped=batch.get(j),
            )
            records.append(
                {
                    "variant": variant,
                    "variant_index": index_of[variant],
                    "measure": m,
                    "n": est.n,
                    "mean": est.estimate,
                    "ci_low": est.low,
                    "ci_high": est.high,
                    "method": est.method,
                }
            )
    table = pd.DataFrame(records)
    diffs = []
    base_values = by_rep[baseline][measures].astype(float).to_numpy()
    for variant in variants:
        if variant == baseline:
            continue
        paired = _is_paired(frame, variant, baseline)
        mine = by_rep[variant][measures].astype(float).to_numpy()
        batch = (
            _batch_intervals(
                mine - base_values,
                np.ones(len(measures), dtype=bool),
                level,
                n_boot,
                _rng(seed, _DIFFERENCE_BATCH, index_of[variant], 0),
            )
            if paired
            else {}
        )
        for j, m in enumerate(measures):
            d = difference(
                mine[:, j],
                base_values[:, j],
                paired=paired,
                level=level,
                n_boot=n_boot,
                rng=_rng(seed, _DIFFERENCE_KIND, index_of[variant], j),
                proportion=proportions[m],
                bootstrapped=batch.get(j),
            )
            diffs.append(
                {
                    "variant": variant,
                    "baseline": baseline,
                    "measure": m,
                    "diff": d.interval.estimate,
                    "ci_low": d.interval.low,
                    "ci_high": d.interval.high,
                    "excludes_zero": d.excludes_zero,
                    "effect_size": d.effect_size,
                    "effect_kind": d.effect_kind,
                    "paired": d.paired,
                    "p_value": d.p_value,
                    "method": d.interval.method,
                }
            )
    columns = [
        "variant",
        "baseline",
        "measure",
        "diff",
        "ci_low",
        "ci_high",
        "excludes_zero",
        "effect_size",
        "effect_kind",
        "paired",
        "p_value",
        "method",
    ]
    differences = pd.DataFrame(diffs, columns=columns)
    # Degenerate differences (no p value) do not count as comparisons.
    differences["q_value"] = adjust_benjamini_hochberg(differences["p_value"].to_numpy(float))
    differences["significant"] = differences["excludes_zero"] & (differences["q_value"] < 1 - level)
    return Summary(table, differences, variants, list(measures), baseline, level, n_boot, seed)
