"""The agents made visible: the village or compound, household by household, day by day.

A picture of every household, laid out by villager group (村民小组) or building (楼栋), coloured by
how far the consultation reached it — 未获知 / 已获知 / 到会 / 发言 — or by its opinion on the
proposal, that plays through the days of the procedure (``VillageView``: a Play button and a day
slider redraw the picture), so a trainee sees who was reached and who was not. A lesson that asks
about some households (「老人多的户」) has them marked (``mark=``, one of :data:`MARKS`): a dark dot in
each of their squares, and the caption counts them by how far the consultation reached them.

Playing takes at most :data:`PLAY_SECONDS` whatever the procedure's length: a long procedure is
played in steps of several days, always through the days of the procedure's steps
(:func:`play_days`).

The view reads only a :class:`VillageSnapshot` of plain arrays (:mod:`xsim.teaching.village_snapshot`).
:func:`snapshot_from_model` is the ONE place that knows the model's attributes: when
:class:`xsim.sim.model.ConsultationModel` changes, only that function changes. Usage in a lesson::

    from xsim.sim.model import ConsultationModel
    from xsim.teaching.village_view import VillageView, snapshot_from_model
    model = ConsultationModel("elevator_retrofit", rng=1)
    model.run()
    VillageView(snapshot_from_model(model))
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from xsim.teaching.common import TeachingWidget, safe_callback
from xsim.teaching.village_snapshot import (
    ATTENDED,
    EVENT_ZH,
    INFORMED,
    MARKS,
    MODES,
    NOT_REACHED,
    PARTICIPATION_COLORS,
    PARTICIPATION_ZH,
    SPOKE,
    VillageSnapshot,
    event_on,
    opinion_on,
    participation_on,
    snapshot_from_model,
)

__all__ = [  # the snapshot's names too: a lesson imports the view only
    "ATTENDED",
    "EVENT_ZH",
    "INFORMED",
    "NOT_REACHED",
    "SPOKE",
    "MARKS",
    "PLAY_INTERVAL_MS",
    "PLAY_SECONDS",
    "PARTICIPATION_COLORS",
    "PARTICIPATION_ZH",
    "VillageSnapshot",
    "VillagePicture",
    "VillageView",
    "event_on",
    "layout",
    "opinion_on",
    "participation_on",
    "play_days",
    "render_png",
    "snapshot_from_model",
    "village_figure_on",
]

MARK_COLOR = "#111111"
#: the longest a play through all the days takes, and the time between two frames
PLAY_SECONDS = 5.0
PLAY_INTERVAL_MS = 150


@dataclass(frozen=True)
class Layout:
    x: np.ndarray
    y: np.ndarray
    blocks: tuple[tuple[float, float, float, float, str], ...]


def layout(snap: VillageSnapshot) -> Layout:
    """Households as squares in one block per unit; blocks in rows; within a block by
    stakeholder group (so a group shows as a band), then by household order."""
    units = len(snap.unit_names)
    per_unit = np.bincount(snap.household_unit, minlength=units) if snap.n_households else []
    biggest = max(int(np.max(per_unit)) if len(per_unit) else 1, 1)
    inner_w = max(int(math.ceil(math.sqrt(biggest * 1.4))), 1)
    inner_h = max(int(math.ceil(biggest / inner_w)), 1)
    cols = max(int(math.ceil(math.sqrt(units * 1.6))), 1)
    gap_x, gap_y = 2.0, 3.0
    x = np.zeros(snap.n_households)
    y = np.zeros(snap.n_households)
    blocks = []
    for u in range(units):
        bx = (u % cols) * (inner_w + gap_x)
        by = (u // cols) * (inner_h + gap_y)
        blocks.append((bx - 0.5, by - 0.5, float(inner_w), float(inner_h), snap.unit_names[u]))
        members = np.flatnonzero(snap.household_unit == u)
        members = members[np.argsort(snap.household_group[members], kind="stable")]
        k = np.arange(members.size)
        x[members] = bx + k % inner_w
        y[members] = by + k // inner_w
    return Layout(x, y, tuple(blocks))


def village_figure_on(
    snap: VillageSnapshot,
    day: float,
    mode: str = "participation",
    where=None,
    mark: str | None = None,
):
    """The matplotlib Figure of ``day`` (``mode``: "participation" or "opinion"; ``mark``: a key
    of :data:`MARKS` whose households get a dark dot)."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}")
    where = where or layout(snap)
    fig = _figure(snap, day, mode, where, mark)
    if mark is not None:
        _draw_marks(fig.axes[0], where, snap.marks[mark])
    return fig


def _draw_marks(ax, where: Layout, marked: np.ndarray) -> None:
    """A dark square in the middle of each marked household's square (data units: a household
    at grid (x, y) covers x − 0.3 … x + 0.5, see :func:`xsim.plots.household_cells`); not
    anti-aliased, so its pixels are exactly dark or untouched."""
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    side = 0.4
    squares = [
        Rectangle((x + 0.1 - side / 2, y + 0.1 - side / 2), side, side)
        for x, y in zip(where.x[marked], where.y[marked], strict=True)
    ]
    ax.add_collection(
        PatchCollection(
            squares, facecolor=MARK_COLOR, edgecolor="none", antialiased=False, zorder=5
        )
    )


def _figure(snap: VillageSnapshot, day: float, mode: str, where: Layout, mark: str | None):
    from xsim.plots import village_figure

    title = _title(snap, day)
    if mode == "participation":
        state = participation_on(snap, day)
        counts = np.bincount(state, minlength=4)
        legend = [(_legend_label(i, int(counts[i])), PARTICIPATION_COLORS[i]) for i in range(4)]
        colors = [PARTICIPATION_COLORS[s] for s in state]
        return village_figure(
            where.x,
            where.y,
            where.blocks,
            colors=colors,
            legend=legend,
            title=title,
            note=_note(snap, mark),
        )
    return village_figure(
        where.x,
        where.y,
        where.blocks,
        values=opinion_on(snap, day),
        value_labels=[(-1.0, "反对"), (0.0, "中立"), (1.0, "支持")],
        title=title,
        note=_note(snap, mark),
    )


def _title(snap: VillageSnapshot, day: float) -> str:
    return f"{snap.title} · 第 {int(day)} 天：{event_on(snap, day)}"


def _note(snap: VillageSnapshot, mark: str | None = None) -> str:
    unit = "村民小组" if snap.setting == "village" else "楼栋"
    note = f"每个小方块是一户（共 {snap.n_households} 户），按{unit}排列；同一{unit}内按利益群体排在一起。"
    if mark is not None:
        name, rule = MARKS[mark]
        note += f"\n方块中间有黑点的是{name}（{rule}），共 {int(snap.marks[mark].sum())} 户。"
    return note


def render_png(
    snap: VillageSnapshot,
    day: float,
    mode: str = "participation",
    where=None,
    mark: str | None = None,
) -> bytes:
    """The picture of ``day`` as PNG bytes, drawn from scratch by matplotlib (the reference a
    :class:`VillagePicture` frame looks like; use that one when many days are shown)."""
    return _png(village_figure_on(snap, day, mode, where, mark))


def _png(fig) -> bytes:
    out = io.BytesIO()
    # fast zlib level: the picture is flat colours, level 1 is nearly as small and much quicker
    fig.savefig(out, format="png", dpi=FIGURE_DPI, pil_kwargs={"compress_level": 1})
    return out.getvalue()


FIGURE_DPI = 100
#: frames a picture keeps (per snapshot: every day of a long procedure in both modes, ~40 kB each)
FRAME_CACHE_SIZE = 128


class _Stage:
    """One mode's figure, laid out once, with everything that never changes (blocks, their labels,
    the note, the legend's swatches or the colour bar) rendered once as a background.

    A frame restores the background, draws the day's texts (title, legend counts) with matplotlib
    and writes the households' colours straight into the pixels they cover, found once from the
    axes' transform (what ``imshow(..., interpolation="nearest")`` would draw, without
    resampling the picture every day): a few milliseconds instead of a full draw."""

    def __init__(self, snap: VillageSnapshot, where: Layout, mode: str, mark: str | None) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = village_figure_on(snap, 0, mode, where, mark)
        self.canvas = FigureCanvasAgg(fig)
        self.ax = fig.axes[0]
        legend = self.ax.get_legend() if mode == "participation" else None
        self.legend_texts = legend.get_texts() if legend is not None else []
        # lay out for the widest labels any day can have, so no day is cut off and the layout
        # never depends on which day was drawn first
        for i, text in enumerate(self.legend_texts):
            text.set_text(_legend_label(i, snap.n_households))
        layout_engine = fig.get_layout_engine()
        if layout_engine is not None:
            layout_engine.execute(fig)
        fig.set_layout_engine("none")  # keep these positions for every frame
        image = self.ax.images[0]
        image.set_animated(True)  # never drawn: its pixels are written directly
        self.ax.title.set_animated(True)
        for text in self.legend_texts:
            text.set_visible(False)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox)
        for text in self.legend_texts:
            text.set_visible(True)
        self.pixels, self.households = self._household_pixels(image, where)
        if mark is not None:  # a mark's pixels are in the background: households never cover them
            background = np.asarray(self.canvas.buffer_rgba())[..., :3].reshape(-1, 3)
            keep = ~np.all(background[self.pixels] < 64, axis=1)
            self.pixels, self.households = self.pixels[keep], self.households[keep]

    def _household_pixels(self, image, where: Layout) -> tuple[np.ndarray, np.ndarray]:
        """Flat indices of the figure's pixels that show a household, and which household."""
        from xsim.plots import HOUSEHOLD_CELL_PX, household_cells

        width, height = self.canvas.get_width_height()
        cells = household_cells(where.x, where.y)
        left, _, _, top = image.get_extent()  # (−0.5, …, …, −0.5): raster pixel 0 at the top left
        to_data = self.ax.transData.inverted()
        clip = self.ax.bbox
        # pixel centres, in display coordinates (y grows upwards; buffer rows go downwards)
        column_x = np.arange(width) + 0.5
        row_y = height - (np.arange(height) + 0.5)
        data_x = to_data.transform(np.column_stack([column_x, np.full(width, row_y[0])]))[:, 0]
        data_y = to_data.transform(np.column_stack([np.full(height, column_x[0]), row_y]))[:, 1]
        raster_col = np.floor((data_x - left) * HOUSEHOLD_CELL_PX).astype(int)
        raster_row = np.floor((data_y - top) * HOUSEHOLD_CELL_PX).astype(int)
        cols = np.flatnonzero(
            (raster_col >= 0)
            & (raster_col < cells.shape[1])
            & (column_x >= clip.x0)
            & (column_x <= clip.x1)
        )
        rows = np.flatnonzero(
            (raster_row >= 0)
            & (raster_row < cells.shape[0])
            & (row_y >= clip.y0)
            & (row_y <= clip.y1)
        )
        shown = cells[np.ix_(raster_row[rows], raster_col[cols])]
        r, c = np.nonzero(shown >= 0)
        return rows[r] * width + cols[c], shown[r, c]

    def frame(self, rgba: np.ndarray, title: str, legend_labels: list[str]) -> bytes:
        """PNG of the figure with households coloured ``rgba`` ((n, 4) floats in 0..1)."""
        from PIL import Image

        self.canvas.restore_region(self.background)
        self.ax.title.set_text(title)
        self.ax.draw_artist(self.ax.title)
        for text, label in zip(self.legend_texts, legend_labels, strict=True):
            text.set_text(label)
            self.ax.draw_artist(text)
        rgb = np.array(np.asarray(self.canvas.buffer_rgba())[..., :3])
        colors = np.round(np.asarray(rgba)[:, :3] * 255).astype(np.uint8)
        rgb.reshape(-1, 3)[self.pixels] = colors[self.households]
        out = io.BytesIO()
        Image.fromarray(rgb, "RGB").save(out, format="png", compress_level=1)
        return out.getvalue()


def _legend_label(i: int, count: int) -> str:
    return f"{PARTICIPATION_ZH[i]}（{count} 户）"


class VillagePicture:
    """Draws the pictures of one snapshot, fast enough for a slider: per mode one figure, laid out
    and rendered once, then only the households' colours, the title and the legend's counts are
    drawn for each day. Frames are kept in a bounded LRU cache keyed by (day, mode); a frame is
    the same bytes whatever was drawn before it (tests compare with a fresh picture)."""

    def __init__(
        self,
        snap: VillageSnapshot,
        where: Layout | None = None,
        *,
        cache_size: int = FRAME_CACHE_SIZE,
        mark: str | None = None,
    ) -> None:
        if mark is not None and mark not in snap.marks:
            raise ValueError(f"mark must be one of {list(snap.marks)}")
        self.snap = snap
        self.mark = mark
        self.where = where or layout(snap)
        self._stages: dict[str, _Stage] = {}
        self._frame = functools.lru_cache(maxsize=cache_size)(self._render)

    def png(self, day: float, mode: str = "participation") -> bytes:
        """The PNG of ``day`` in ``mode`` ("participation" or "opinion")."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {list(MODES)}")
        return self._frame(float(day), mode)

    def cache_info(self):
        """Hits, misses and size of the frame cache (``functools.lru_cache`` statistics)."""
        return self._frame.cache_info()

    def _render(self, day: float, mode: str) -> bytes:
        from matplotlib.colors import to_rgba_array

        from xsim.plots import opinion_rgba

        stage = self._stages.get(mode)
        if stage is None:
            stage = self._stages[mode] = _Stage(self.snap, self.where, mode, self.mark)
        snap = self.snap
        labels: list[str] = []
        if mode == "participation":
            state = participation_on(snap, day)
            rgba = to_rgba_array(PARTICIPATION_COLORS)[state]
            counts = np.bincount(state, minlength=4)
            labels = [_legend_label(i, int(counts[i])) for i in range(4)]
        else:
            rgba = opinion_rgba(opinion_on(snap, day))
        return stage.frame(rgba, _title(snap, day), labels)


def play_days(snap: VillageSnapshot, interval_ms: int = PLAY_INTERVAL_MS) -> list[int]:
    """The days the Play button shows, one frame each: day 0, the last day and every day a step
    of the procedure happens, and between them days at an even step — at most
    ``PLAY_SECONDS`` worth of frames however long the procedure (a frame is drawn in a few
    milliseconds, well within the interval)."""
    last = max(snap.last_day, 1)
    budget = max(int(PLAY_SECONDS * 1000 // interval_ms), 2)
    if last + 1 <= budget:
        return list(range(last + 1))  # every day
    key_days = {0, last} | {min(int(math.ceil(d)), last) for d, _ in snap.events if d >= 0}
    step = max(math.ceil(last / max(budget - len(key_days), 1)), 1)
    days = sorted(key_days | set(range(0, last, step)))
    return days if len(days) <= budget else sorted(key_days)[:budget]


class VillageView(TeachingWidget):
    """The village or compound, playing through the days of the procedure.

    Children: a title, a 参与情况/意见 switch, a Play button linked to a day slider, the picture
    (``self.image``, PNG) and a caption with the day's counts. A day's picture is drawn in a few
    milliseconds (:class:`VillagePicture`) and kept in a bounded cache, so playing it again costs
    nothing. ``mark``: a key of :data:`MARKS` — the households the lesson asks about, dotted in
    the picture and counted in the caption.
    """

    kind_zh = "村庄/小区示意图"

    def __init__(
        self, snapshot: VillageSnapshot, *, start_day: int | None = None, mark: str | None = None
    ):
        super().__init__()
        self.snapshot = snapshot
        self.mark = mark
        self._picture = VillagePicture(snapshot, mark=mark)
        last = max(snapshot.last_day, 1)
        first = 0 if start_day is None else min(max(int(start_day), 0), last)
        self.mode = widgets.ToggleButtons(
            options=[(label, key) for key, label in MODES.items()],
            value="participation",
            description="着色：",
            style={"button_width": "7em"},
        )
        # the Play button counts frames; each frame shows one of ``play_days``
        self.frame_days = play_days(snapshot)
        self.play = widgets.Play(
            min=0,
            max=len(self.frame_days) - 1,
            step=1,
            interval=PLAY_INTERVAL_MS,
            value=sum(1 for d in self.frame_days[1:] if d <= first),
            description="播放",
        )
        self.slider = widgets.IntSlider(
            min=0,
            max=last,
            value=first,
            description="第几天",
            continuous_update=False,
            layout=widgets.Layout(width="60%"),
        )
        self.play.observe(self._on_play, names="value")
        # drawn at 900 px wide: shown at that size (never blown up and blurred), narrower screens
        # scale it down
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width="900px", max_width="100%", height="auto")
        )
        self.caption = widgets.HTML("")
        self.slider.observe(self._on_change, names="value")
        self.mode.observe(self._on_change, names="value")
        self.children = [
            widgets.HTML(f"<b>{_esc(snapshot.title)}：谁收到了通知，谁来了，谁发了言</b>"),
            self.mode,
            widgets.HBox([self.play, self.slider]),
            self.image,
            self.caption,
            self.status,
        ]
        self._redraw()

    @safe_callback
    def _on_change(self, _change=None) -> None:
        self._redraw()

    @safe_callback
    def _on_play(self, change) -> None:
        self.slider.value = self.frame_days[min(int(change["new"]), len(self.frame_days) - 1)]

    def _redraw(self) -> None:
        snap, day, mode = self.snapshot, self.slider.value, self.mode.value
        self.image.value = self._picture.png(day, mode)
        counts = np.bincount(participation_on(snap, day), minlength=4)
        reached = counts[INFORMED:].sum()
        self.caption.value = (
            f"第 {day} 天（{_esc(event_on(snap, day))}）：共 {snap.n_households} 户，"
            f"已获知 {reached} 户，到会 {counts[ATTENDED] + counts[SPOKE]} 户，"
            f"发言 {counts[SPOKE]} 户；{counts[NOT_REACHED]} 户尚未获知。"
        ) + self._mark_caption(day)

    def _mark_caption(self, day: int) -> str:
        """The marked households on ``day``, counted as the lesson's question asks."""
        if self.mark is None:
            return ""
        snap, name = self.snapshot, MARKS[self.mark][0]
        marked = snap.marks[self.mark]
        counts = np.bincount(participation_on(snap, day)[marked], minlength=4)
        return (
            f"<br>其中{name}（黑点）{int(marked.sum())} 户：到会 {counts[ATTENDED] + counts[SPOKE]} 户，"
            f"已获知但未到会 {counts[INFORMED]} 户，尚未获知 {counts[NOT_REACHED]} 户。"
        )


def _esc(text: str) -> str:
    import html

    return html.escape(str(text))
