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

__all__ = [
    "HOUSEHOLD_CELL_PX",
    "HOUSE_STYLE",
    "OPINION_CMAP",
    "bar_with_ci",
    "household_cells",
    "household_raster",
    "opinion_rgba",
    "style",
    "use_chinese_font",
    "village_figure",
]

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


#: pixels per household square (and its margin) in the households' picture
HOUSEHOLD_CELL_PX = 5
#: diverging colours of an opinion −1 (against, red) … 1 (for, blue)
OPINION_CMAP = "RdYlBu"


def opinion_rgba(values: np.ndarray) -> np.ndarray:
    """RGBA colours of opinions in −1..1 on :data:`OPINION_CMAP`."""
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    return colormaps[OPINION_CMAP](Normalize(-1.0, 1.0)(np.asarray(values, dtype=float)))


def household_cells(x: np.ndarray, y: np.ndarray, cell: int = HOUSEHOLD_CELL_PX) -> np.ndarray:
    """Which household each pixel of the households' picture shows: grid position (x, y) → a
    ``cell``×``cell`` pixel square with a 1-pixel margin (squares do not touch); −1 elsewhere.
    The one place that knows the picture's geometry (:func:`household_raster` colours it)."""
    x, y = np.asarray(x, dtype=int), np.asarray(y, dtype=int)
    width = (int(x.max()) + 1 if x.size else 1) + 1
    height = (int(y.max()) + 1 if y.size else 1) + 1
    cells = np.full((height * cell, width * cell), -1, dtype=np.int64)
    households = np.arange(x.size)
    for dy in range(1, cell):
        for dx in range(1, cell):
            cells[y * cell + dy, x * cell + dx] = households
    return cells


def household_raster(
    x: np.ndarray, y: np.ndarray, rgba, cell: int = HOUSEHOLD_CELL_PX
) -> np.ndarray:
    """The households as one RGBA picture (see :func:`household_cells`), white between them.
    ``rgba``: an (n, 4) array or n matplotlib colours ("#d4d4d4")."""
    from matplotlib.colors import to_rgba_array

    if not (isinstance(rgba, np.ndarray) and rgba.dtype.kind == "f"):
        rgba = to_rgba_array(list(rgba)) if len(rgba) else np.zeros((0, 4))
    palette = np.vstack([rgba, np.ones((1, 4))])  # index −1: white
    return palette[household_cells(x, y, cell)]


def village_figure(
    x: np.ndarray,
    y: np.ndarray,
    blocks: Sequence[tuple[float, float, float, float, str]],
    *,
    colors: Sequence[str] | None = None,
    values: np.ndarray | None = None,
    legend: Sequence[tuple[str, str]] = (),
    value_labels: Sequence[tuple[float, str]] = (),
    title: str = "",
    note: str = "",
    size: tuple[float, float] = (9.0, 5.4),
):
    """A map of households: one square per household at integer grid position (x, y), inside
    labelled blocks (villager groups or buildings) given as (x0, y0, width, height, label).

    Colour either by ``colors`` (one colour per household, with ``legend`` entries (label, colour))
    or by ``values`` in −1..1 on a diverging scale (``value_labels``: colour-bar ticks). The
    squares are one raster image (fast enough to redraw on every day of a slider). Returns a
    matplotlib ``Figure`` (not registered with pyplot: nothing leaks between redraws).
    """
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize, to_rgba_array
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    x, y = np.asarray(x, dtype=int), np.asarray(y, dtype=int)
    if x.shape != y.shape or (colors is None) == (values is None):
        raise ValueError("x and y must match, and exactly one of colors or values is needed")
    if x.size and (x.min() < 0 or y.min() < 0):
        raise ValueError("grid positions must be >= 0")
    if values is not None:
        rgba = opinion_rgba(values)
    else:
        rgba = to_rgba_array(list(colors)) if x.size else np.zeros((0, 4))
    picture = household_raster(x, y, rgba)
    height, width = (n // HOUSEHOLD_CELL_PX for n in picture.shape[:2])
    with style(**{"axes.grid": False}):
        fig = Figure(figsize=size, dpi=100, layout="constrained")
        ax = fig.add_subplot()
        extent = (-0.5, width - 0.5, height - 0.5, -0.5)
        ax.imshow(picture, extent=extent, interpolation="nearest", origin="upper")
        for x0, y0, w, h, label in blocks:
            ax.add_patch(Rectangle((x0, y0), w, h, fill=False, lw=0.8, ec="#8a8a8a"))
            ax.text(x0 + w / 2, y0 - 0.3, label, ha="center", va="bottom", fontsize=9)
        if blocks:
            ax.set_xlim(min(b[0] for b in blocks) - 0.5, max(b[0] + b[2] for b in blocks) + 0.5)
            # the first block at the top left, as one reads (y grows downwards)
            ax.set_ylim(max(b[1] + b[3] for b in blocks) + 0.5, min(b[1] for b in blocks) - 1.8)
        ax.set_aspect("equal")
        ax.set_axis_off()
        if values is not None:
            mappable = ScalarMappable(Normalize(-1.0, 1.0), colormaps[OPINION_CMAP])
            bar = fig.colorbar(mappable, ax=ax, shrink=0.7, pad=0.01)
            if value_labels:
                bar.set_ticks([v for v, _ in value_labels], labels=[t for _, t in value_labels])
        elif legend:
            handles = [Patch(color=c, label=t) for t, c in legend]
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        if title:
            ax.set_title(title, fontsize=12)
        if note:
            fig.text(0.01, 0.01, note, fontsize=9, color="#555555", ha="left", va="bottom")
    return fig
