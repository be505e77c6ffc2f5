"""Figures of a study: comparisons with CIs, participation by group, opinion trajectories, sensitivity.

Every function returns a ``matplotlib.figure.Figure`` built without pyplot (no global state, no GUI
backend; in a notebook ``display(fig)`` or just leaving it as the cell's value shows it) and labels it
in Chinese by default (``lang="en"`` for English). Chinese text renders through the kit's bundled
CJK font (:func:`xsim.fonts.use_chinese_font`).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np

from xsim.experiments.labels import measure_label, variant_label

# Preferred measures for the overview figure, in this order, when the study has them.
HEADLINE = (
    "participation",
    "fairness",
    "consensus",
    "representativeness_groups",
    "opinion_change",
    "person_hours",
    "adopted",
    "polarization",
    "days_to_decision",
    "n_violations",
)


def _font() -> None:
    from xsim.fonts import use_chinese_font

    use_chinese_font()


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    _font()
    return Figure(figsize=(width, height), layout="constrained")


def save_figure(fig, path: str | os.PathLike, dpi: int = 150) -> Path:
    """Write a PNG atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip(".") or "png")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def headline_measures(measures: list[str], limit: int = 6) -> list[str]:
    chosen = [m for m in HEADLINE if m in measures]
    rest = [
        m for m in measures if m not in chosen and not m.startswith("findings.") and "." not in m
    ]
    return (chosen + rest)[:limit]


def _bars(ax, labels: list[str], means, lows, highs, color="#4C72B0") -> None:
    """Bars with CI whiskers (``xsim.plots.bar_with_ci``; a measure without data draws no bar)."""
    from xsim.plots import bar_with_ci

    means, lows, highs = (np.asarray(a, dtype=float) for a in (means, lows, highs))
    means = np.nan_to_num(means, nan=0.0)
    # A percentile interval can miss the sample mean by rounding; never draw a negative whisker.
    lows = np.minimum(np.nan_to_num(lows, nan=0.0), means)
    highs = np.maximum(np.nan_to_num(highs, nan=0.0), means)
    bar_with_ci(ax, labels, means, lows, highs, color=color, annotate=False)
    if max(len(s) for s in labels) > 4:
        ax.tick_params(axis="x", labelrotation=30)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.grid(axis="y", alpha=0.3)


def comparison_figure(summary, measures: list[str] | None = None, *, lang: str = "zh"):
    """One panel per measure: each variant's mean with its bootstrap CI."""
    measures = measures or headline_measures(summary.measures)
    cols = min(3, len(measures))
    rows = int(np.ceil(len(measures) / cols))
    fig = _figure(4.2 * cols, 3.4 * rows)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    labels = [variant_label(v, lang) for v in summary.variants]
    for ax, measure in zip(axes, measures, strict=False):
        table = summary.table[summary.table.measure == measure].set_index("variant")
        table = table.loc[summary.variants]
        _bars(ax, labels, table["mean"], table["ci_low"], table["ci_high"])
        ax.set_title(measure_label(measure, lang))
    for ax in axes[len(measures) :]:
        ax.set_visible(False)
    pct = f"{summary.level:.0%}"
    fig.suptitle(
        f"各方案比较（均值与{pct}置信区间）"
        if lang != "en"
        else f"Comparison of variants (mean and {pct} CI)"
    )
    return fig


# Groups a trainer asks about first: the old, the young, non-registered residents, tenants, offline.
KEY_GROUPS = (
    "participation.age_young",
    "participation.age_old",
    "participation.nonregistered",
    "participation.tenant",
    "participation.nodigital",
)


def participation_by_group(
    summary, groups: list[str] | None = None, *, prefix: str = "participation.", lang: str = "zh"
):
    """Grouped bars: participation of each group (columns ``participation.<group>``) per variant.

    ``groups`` defaults to :data:`KEY_GROUPS` when the study has them, else every ``prefix`` column.
    """
    if groups is None:
        groups = [m for m in KEY_GROUPS if m in summary.measures] or [
            m for m in summary.measures if m.startswith(prefix)
        ]
    if not groups:
        raise ValueError(f"no measures starting with {prefix!r} in this summary")
    fig = _figure(min(12.0, max(6.0, 0.35 * len(groups) * len(summary.variants) + 2)), 4.2)
    ax = fig.subplots()
    width = 0.8 / len(summary.variants)
    x = np.arange(len(groups))
    colors = _palette(len(summary.variants))
    for i, variant in enumerate(summary.variants):
        t = summary.table[(summary.table.variant == variant)].set_index("measure").loc[groups]
        means = t["mean"].to_numpy(float)
        err = np.vstack(
            [
                np.clip(means - t["ci_low"].to_numpy(float), 0, None),
                np.clip(t["ci_high"].to_numpy(float) - means, 0, None),
            ]
        )
        ax.bar(
            x + (i - (len(summary.variants) - 1) / 2) * width,
            means,
            width,
            yerr=err,
            capsize=3,
            color=colors[i],
            label=variant_label(variant, lang),
        )
    ax.set_xticks(x, [measure_label(g, lang).split("·")[-1] for g in groups])
    ax.set_ylabel("参与率" if lang != "en" else "participation")
    ax.set_title(
        "各群体参与率（均值与95%置信区间）"
        if lang != "en"
        else "Participation by group (mean and 95% CI)"
    )
    ax.legend(fontsize="small", ncols=min(3, len(summary.variants)))
    ax.grid(axis="y", alpha=0.3)
    return fig


def opinion_trajectories(trajectories, *, lang: str = "zh", band: float = 0.95):
    """Mean opinion over deliberation rounds per variant, with a band across replications.

    ``trajectories``: a DataFrame with columns ``variant``, ``rep``, ``step`` and ``opinion`` (mean
    opinion of the participants), and optionally ``spread`` (drawn in a second panel).
    """
    from matplotlib.ticker import MaxNLocator

    has_spread = "spread" in trajectories.columns
    fig = _figure(10 if has_spread else 6, 4)
    axes = np.atleast_1d(fig.subplots(1, 2 if has_spread else 1))
    variants = list(dict.fromkeys(trajectories["variant"]))
    colors = _palette(len(variants))
    lo_q, hi_q = (1 - band) / 2, 1 - (1 - band) / 2
    panels = [("opinion", "平均意见", "mean opinion")]
    if has_spread:
        panels.append(("spread", "意见离散度", "opinion spread"))
    for ax, (column, zh, en) in zip(axes, panels, strict=True):
        for color, variant in zip(colors, variants, strict=True):
            data = trajectories[trajectories.variant == variant]
            grouped = data.groupby("step")[column]
            steps = np.asarray(list(grouped.groups), dtype=float)
            ax.plot(
                steps, grouped.mean().to_numpy(), color=color, label=variant_label(variant, lang)
            )
            ax.fill_between(
                steps,
                grouped.quantile(lo_q).to_numpy(),
                grouped.quantile(hi_q).to_numpy(),
                color=color,
                alpha=0.2,
            )
        ax.set_xlabel("协商轮次" if lang != "en" else "deliberation round")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(zh if lang != "en" else en)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize="small")
    fig.suptitle(
        f"意见轨迹（均值与{band:.0%}区间）"
        if lang != "en"
        else f"Opinion trajectories (mean and {band:.0%} band)"
    )
    return fig


def sensitivity_figure(indices, *, outcome: str, lang: str = "zh"):
    """Bars of sensitivity indices with confidence intervals.

    ``indices``: a DataFrame indexed by parameter with columns ``S1``, ``S1_conf``, ``ST``,
    ``ST_conf`` (Sobol) or ``mu_star``, ``mu_star_conf``, ``sigma`` (Morris).
    """
    fig = _figure(max(5.0, 1.2 * len(indices) + 2), 4)
    ax = fig.subplots()
    params = list(indices.index)
    x = np.arange(len(params))
    if "ST" in indices.columns:
        width = 0.38
        ax.bar(
            x - width / 2,
            indices["S1"],
            width,
            yerr=indices["S1_conf"],
            capsize=3,
            label="一阶指数 S1" if lang != "en" else "first order S1",
            color="#4C72B0",
        )
        ax.bar(
            x + width / 2,
            indices["ST"],
            width,
            yerr=indices["ST_conf"],
            capsize=3,
            label="总效应指数 ST" if lang != "en" else "total order ST",
            color="#DD8452",
        )
        ax.set_ylabel("Sobol 指数" if lang != "en" else "Sobol index")
        method = "Sobol"
    else:
        ax.bar(
            x,
            indices["mu_star"],
            yerr=indices["mu_star_conf"],
            capsize=3,
            color="#4C72B0",
            label="μ*",
        )
        ax.plot(x, indices["sigma"], "o", color="#DD8452", label="σ")
        ax.set_ylabel("Morris 基本效应" if lang != "en" else "Morris elementary effects")
        method = "Morris"
    ax.set_xticks(x, params, rotation=20, ha="right")
    ax.legend(fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    label = measure_label(outcome, lang)
    ax.set_title(
        f"「{label}」的全局敏感性（{method}）"
        if lang != "en"
        else f"Global sensitivity of {label} ({method})"
    )
    return fig


def sweep_figure(frame, parameter: str, outcome: str, *, lang: str = "zh"):
    """Outcome against one swept parameter: every run as a dot, the mean per point as a line."""
    fig = _figure(6, 4)
    ax = fig.subplots()
    x = frame[parameter].to_numpy(float)
    y = frame[outcome].to_numpy(float)
    ax.plot(x, y, ".", alpha=0.3, color="#4C72B0")
    means = frame.groupby(parameter)[outcome].mean()
    ax.plot(
        means.index.to_numpy(float),
        means.to_numpy(float),
        "-o",
        color="#C44E52",
        label="均值" if lang != "en" else "mean",
    )
    ax.set_xlabel(measure_label(parameter, lang))
    ax.set_ylabel(measure_label(outcome, lang))
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


def _palette(n: int) -> list:
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]
