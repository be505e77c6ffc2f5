"""The agents made visible: the village or compound, household by household, day by day.

A picture of every household, laid out by villager group (村民小组) or building (楼栋), coloured by
how far the consultation reached it — 未获知 / 已获知 / 到会 / 发言 — or by its opinion on the
proposal, that plays through the days of the procedure (``VillageView``: a Play button and a day
slider redraw the picture), so a trainee sees who was reached and who was not.

The view reads only a :class:`VillageSnapshot` of plain arrays. :func:`snapshot_from_model` is the
ONE place that knows the model's attributes: when :class:`xsim.sim.model.ConsultationModel` changes,
only that function changes. Usage in a lesson::

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
from typing import Any

import ipywidgets as widgets
import numpy as np

from xsim.teaching.common import TeachingWidget, safe_callback
from xsim.vocabulary import PROCEDURE_EVENTS, VIEW_MODES

__all__ = [
    "EVENT_ZH",
    "PARTICIPATION_COLORS",
    "PARTICIPATION_ZH",
    "VillageSnapshot",
    "VillagePicture",
    "VillageView",
    "event_on",
    "layout",
    "opinion_on",
    "participation_on",
    "render_png",
    "snapshot_from_model",
    "village_figure_on",
]

#: the procedure's steps as trace keys → what a trainee reads
EVENT_ZH: dict[str, str] = {key: term.zh for key, term in PROCEDURE_EVENTS.items()}
NOT_REACHED, INFORMED, ATTENDED, SPOKE = 0, 1, 2, 3
PARTICIPATION_ZH = ("未获知", "已获知", "到会", "发言")
PARTICIPATION_COLORS = ("#d4d4d4", "#9ecae1", "#2b7bba", "#e6550d")
MODES = {key: term.zh for key, term in VIEW_MODES.items()}


@dataclass(frozen=True, eq=False)
class VillageSnapshot:
    """One consultation, per household (arrays of length ``n_households``), as the view needs it.

    ``day_notified``: the day the first adult of the household knew of the consultation (``inf``:
    never). ``attended``/``spoke``: someone of the household came to / spoke at the consultation
    meeting, held on ``day_consulted``. Opinions are household means in −1 (against) … 1 (for),
    before the consultation and after it (with word of mouth). ``events``: (day, trace key) of the
    procedure's steps in order of day.
    """

    setting: str  # "village" | "community"
    title: str
    unit_names: tuple[str, ...]
    group_names: tuple[str, ...]
    household_unit: np.ndarray
    household_group: np.ndarray
    day_notified: np.ndarray
    attended: np.ndarray
    spoke: np.ndarray
    opinion_before: np.ndarray
    opinion_after: np.ndarray
    day_consulted: float | None
    events: tuple[tuple[float, str], ...]

    def __post_init__(self) -> None:
        n = self.household_unit.size
        arrays = (
            self.household_group,
            self.day_notified,
            self.attended,
            self.spoke,
            self.opinion_before,
            self.opinion_after,
        )
        if any(a.shape != (n,) for a in arrays):
            raise ValueError("every per-household array must have the same length")
        if n and (
            self.household_unit.min() < 0 or self.household_unit.max() >= len(self.unit_names)
        ):
            raise ValueError("household_unit must index unit_names")
        if np.any(self.spoke & ~self.attended):
            raise ValueError("a household that spoke must have attended")

    @property
    def n_households(self) -> int:
        return int(self.household_unit.size)

    def to_data(self) -> dict[str, Any]:
        """JSON-able and exact (floats round-trip; a never-notified household's ``inf`` is None),
        for the course's stored results (:mod:`xsim.teaching.precomputed`)."""
        return {
            "setting": self.setting,
            "title": self.title,
            "unit_names": list(self.unit_names),
            "group_names": list(self.group_names),
            "household_unit": self.household_unit.tolist(),
            "household_group": self.household_group.tolist(),
            "day_notified": [None if math.isinf(d) else d for d in self.day_notified.tolist()],
            "attended": self.attended.tolist(),
            "spoke": self.spoke.tolist(),
            "opinion_before": self.opinion_before.tolist(),
            "opinion_after": self.opinion_after.tolist(),
            "day_consulted": self.day_consulted,
            "events": [[day, key] for day, key in self.events],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> VillageSnapshot:
        """The snapshot :meth:`to_data` wrote (a malformed one raises, and the caller recomputes)."""
        notified = [math.inf if d is None else float(d) for d in data["day_notified"]]
        consulted = data["day_consulted"]
        return cls(
            setting=str(data["setting"]),
            title=str(data["title"]),
            unit_names=tuple(str(u) for u in data["unit_names"]),
            group_names=tuple(str(g) for g in data["group_names"]),
            household_unit=np.asarray(data["household_unit"], dtype=np.int64),
            household_group=np.asarray(data["household_group"], dtype=np.int64),
            day_notified=np.asarray(notified, dtype=float),
            attended=np.asarray(data["attended"], dtype=bool),
            spoke=np.asarray(data["spoke"], dtype=bool),
            opinion_before=np.asarray(data["opinion_before"], dtype=float),
            opinion_after=np.asarray(data["opinion_after"], dtype=float),
            day_consulted=None if consulted is None else float(consulted),
            events=tuple((float(day), str(key)) for day, key in data["events"]),
        )

    @property
    def last_day(self) -> int:
        """The last day worth showing: the last step of the procedure (at least the meeting)."""
        days = [d for d, _ in self.events] + [self.day_consulted or 0.0]
        return int(math.ceil(max(days)))


def snapshot_from_model(model: Any) -> VillageSnapshot:
    """The ONE adapter from :class:`xsim.sim.model.ConsultationModel` (after ``run()``) to the view.

    Reads: ``model.pop`` (``household``, ``unit``, ``household_start``, ``household_group``,
    ``opinion0``, ``opinion``), ``model.learned`` (days after the notice each adult knew),
    ``model.notified_day``, ``model.attended``, ``model.trace.voices["resident"]`` and
    ``model.trace.speaking`` (who spoke), ``model.trace.day`` (the steps' days), ``model.spec``
    (setting, title, units, stakeholder groups).
    """
    if getattr(model, "_outcome", None) is None and hasattr(model, "run"):
        model.run()
    pop, spec, trace = model.pop, model.spec, model.trace
    starts = pop.household_start
    n_hh = starts.size
    notified = model.notified_day
    if notified is None:
        knew = np.full(pop.n, np.inf)
    else:
        knew = notified + np.asarray(model.learned, dtype=float)
    day_notified = np.minimum.reduceat(knew, starts) if n_hh else np.zeros(0)
    attended = (
        np.maximum.reduceat(model.attended, starts).astype(bool) if n_hh else np.zeros(0, bool)
    )
    spoke_adult = np.zeros(pop.n, dtype=bool)
    voices = getattr(trace, "voices", None)
    speaking = getattr(trace, "speaking", None)
    if voices is not None and speaking is not None and np.size(speaking):
        rows = np.asarray(voices["resident"])
        said = np.asarray(speaking, dtype=bool) & (rows >= 0)
        spoke_adult[rows[said]] = True
    spoke = np.maximum.reduceat(spoke_adult, starts).astype(bool) if n_hh else attended.copy()
    units = int(spec.population.units)
    if spec.setting == "village":
        unit_names = tuple(f"第{i + 1}村民小组" for i in range(units))
    else:
        unit_names = tuple(f"{i + 1}号楼" for i in range(units))
    days = {k: float(v) for k, v in trace.day.items() if v is not None and k in EVENT_ZH}
    events = tuple(sorted(((d, k) for k, d in days.items()), key=lambda e: (e[0], _order(e[1]))))
    return VillageSnapshot(
        setting=spec.setting,
        title=getattr(spec, "title", "") or spec.name,
        unit_names=unit_names,
        group_names=tuple(g.name for g in spec.stakeholder_groups),
        household_unit=np.asarray(pop.unit[starts], dtype=int),
        household_group=np.asarray(pop.household_group, dtype=int),
        day_notified=day_notified,
        attended=attended,
        spoke=spoke & attended,
        opinion_before=pop.household_mean(pop.opinion0) if n_hh else np.zeros(0),
        opinion_after=pop.household_mean(pop.opinion) if n_hh else np.zeros(0),
        day_consulted=days.get("consulted"),
        events=events,
    )


def _order(key: str) -> int:
    return list(EVENT_ZH).index(key)


# -- what a day looks like ------------------------------------------------------------------------
def participation_on(snap: VillageSnapshot, day: float) -> np.ndarray:
    """Per household on ``day``: 0 未获知, 1 已获知, 2 到会, 3 发言 (the meeting counts from its day)."""
    state = np.where(snap.day_notified <= day, INFORMED, NOT_REACHED)
    if snap.day_consulted is not None and day >= snap.day_consulted:
        state = np.where(snap.attended, ATTENDED, state)
        state = np.where(snap.spoke, SPOKE, state)
    return state


def opinion_on(snap: VillageSnapshot, day: float) -> np.ndarray:
    """Household opinions on ``day``: as before until the meeting, then as after it."""
    if snap.day_consulted is not None and day >= snap.day_consulted:
        return snap.opinion_after
    return snap.opinion_before


def event_on(snap: VillageSnapshot, day: float) -> str:
    """What the procedure has reached by ``day`` (the latest step), in Chinese."""
    reached = [k for d, k in snap.events if d <= day]
    return EVENT_ZH[reached[-1]] if reached else "征求意见、酝酿议题"


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


def village_figure_on(snap: VillageSnapshot, day: float, mode: str = "participation", where=None):
    """The matplotlib Figure of ``day`` (``mode``: "participation" or "opinion")."""
    from xsim.plots import village_figure

    if mode not in MODES:
        raise ValueError(f"mode must be one of {list(MODES)}")
    where = where or layout(snap)
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
            note=_note(snap),
        )
    return village_figure(
        where.x,
        where.y,
        where.blocks,
        values=opinion_on(snap, day),
        value_labels=[(-1.0, "反对"), (0.0, "中立"), (1.0, "支持")],
        title=title,
        note=_note(snap),
    )


def _title(snap: VillageSnapshot, day: float) -> str:
    return f"{snap.title} · 第 {int(day)} 天：{event_on(snap, day)}"


def _note(snap: VillageSnapshot) -> str:
    unit = "村民小组" if snap.setting == "village" else "楼栋"
    return f"每个小方块是一户（共 {snap.n_households} 户），按{unit}排列；同一{unit}内按利益群体排在一起。"


def render_png(snap: VillageSnapshot, day: float, mode: str = "participation", where=None) -> bytes:
    """The picture of ``day`` as PNG bytes, drawn from scratch by matplotlib (the reference a
    :class:`VillagePicture` frame looks like; use that one when many days are shown)."""
    return _png(village_figure_on(snap, day, mode, where))


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

    def __init__(self, snap: VillageSnapshot, where: Layout, mode: str) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = village_figure_on(snap, 0, mode, where)
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
    ) -> None:
        self.snap = snap
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
            stage = self._stages[mode] = _Stage(self.snap, self.where, mode)
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


class VillageView(TeachingWidget):
    """The village or compound, playing through the days of the procedure.

    Children: a title, a 参与情况/意见 switch, a Play button linked to a day slider, the picture
    (``self.image``, PNG) and a caption with the day's counts. A day's picture is drawn in a few
    milliseconds (:class:`VillagePicture`) and kept in a bounded cache, so playing it again costs
    nothing.
    """

    kind_zh = "村庄/小区示意图"

    def __init__(self, snapshot: VillageSnapshot, *, start_day: int | None = None):
        super().__init__()
        self.snapshot = snapshot
        self._picture = VillagePicture(snapshot)
        last = max(snapshot.last_day, 1)
        first = 0 if start_day is None else min(max(int(start_day), 0), last)
        self.mode = widgets.ToggleButtons(
            options=[(label, key) for key, label in MODES.items()],
            value="participation",
            description="着色：",
            style={"button_width": "7em"},
        )
        self.play = widgets.Play(
            min=0, max=last, step=1, interval=250, value=first, description="播放"
        )
        self.slider = widgets.IntSlider(
            min=0,
            max=last,
            value=first,
            description="第几天",
            continuous_update=False,
            layout=widgets.Layout(width="60%"),
        )
        widgets.jslink((self.play, "value"), (self.slider, "value"))
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

    def _redraw(self) -> None:
        snap, day, mode = self.snapshot, self.slider.value, self.mode.value
        self.image.value = self._picture.png(day, mode)
        counts = np.bincount(participation_on(snap, day), minlength=4)
        reached = counts[INFORMED:].sum()
        self.caption.value = (
            f"第 {day} 天（{_esc(event_on(snap, day))}）：共 {snap.n_households} 户，"
            f"已获知 {reached} 户，到会 {counts[ATTENDED] + counts[SPOKE]} 户，"
            f"发言 {counts[SPOKE]} 户；{counts[NOT_REACHED]} 户尚未获知。"
        )


def _esc(text: str) -> str:
    import html

    return html.escape(str(text))
