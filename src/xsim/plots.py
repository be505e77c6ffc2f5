"""Figures for xsim (matplotlib), with Chinese labels that render.

Importing this module registers the bundled CJK font (``xsim.fonts.use_chinese_font``); ``style()``
is a context manager that also applies xsim's plain house style without touching global settings
afterwards. Only ``xsim.plots`` and ``xsim.fonts`` import matplotlib.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import matplotlib as mpl
import numpy as np

from xsim.fonts import FONT_FAMILY, LATIN_FAMILY, use_chinese_font

__all__ = ["HOUSE_STYLE", "bar_with_ci", "style", "use_chinese_font"]

use_chinese_font()

HOUSE_STYLE = {
    "font.family": [LATIN_FAMILY, FONT_FAMILY],
    "axes.unicode_minus": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
}


@contextmanager
def style(**overrides) -> Iterator[None]:
    """Context in which figures use the CJK font and the house style (plus any rcParams overrides)."""
    use_chinese_font()
    with mpl.rc_context({**HOUSE_STYLE, **overrides}):
        yield


def bar_with_ci(
    ax,
    labels: Sequence[str],
    means: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    *,
    color=None,
    ylabel: str | None = None,
    title: str | None = None,
    annotate: bool = True,
    fmt: str = "{:.2f}",
):
    """Bars of ``means`` with asymmetric error bars [lows, highs] (e.g. 95 % bootstrap CIs).

    Returns the BarContainer. Raises ValueError when the sequences differ in length or a CI does not
    contain its mean.
    """
    means = np.asarray(means, dtype=float)
    lows = np.asarray(lows, dtype=float)
    highs = np.asarray(highs, dtype=float)
    if not (len(labels) == means.size == lows.size == highs.size):
        raise ValueError("labels, means, lows and highs must have the same length")
    if np.any(lows > means) or np.any(highs < means):
        raise ValueError("every interval [low, high] must contain its mean")
    pos = np.arange(means.size)
    bars = ax.bar(pos, means, color=color, yerr=[means - lows, highs - means], capsize=4)
    ax.set_xticks(pos, list(labels))
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if annotate:
        for x, m, h in zip(pos, means, highs, strict=True):
            ax.annotate(
                fmt.format(m),
                (x, h),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize="small",
            )
    return bars
