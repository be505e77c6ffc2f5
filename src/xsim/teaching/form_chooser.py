"""Form chooser: pick a consultation form and the organizer's options, simulate, see what follows.

For notebook authors::

    from xsim.teaching import FormChooser, OrganizerOption
    FormChooser("elevator_retrofit")                       # bundled scenario, default options
    FormChooser("village_road", seeds=range(8), options=[
        OrganizerOption("organizer.notice_days", "提前通知天数", kind="int", low=0, high=14),
        OrganizerOption("organizer.experts", "邀请专家论证", kind="bool"),
    ])

On 运行模拟 the chooser runs :func:`xsim.model.run_once` for the chosen form and options
(``overrides`` are the options' dotted scenario paths) over a few fixed seeds, and shows the mean
participation, representativeness, perceived fairness, the share of runs by consultation outcome,
the rule findings, and a small figure comparing this choice with the earlier ones (kept in
``self.history``). Results are cached per choice, so re-running a choice is instant; a new choice
takes well under a second on the bundled scenarios.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from xsim.teaching.common import (
    OUTCOME_ZH,
    TeachingWidget,
    button,
    esc,
    note_html,
    safe_callback,
)

MAX_HISTORY = 6


@dataclass
class OrganizerOption:
    """One organizer choice the trainee sets: a dotted scenario path, a Chinese label, a widget kind.

    ``kind``: ``"int"`` (a slider from ``low`` to ``high``; ``unit`` names it in the figure, e.g.
    ``"天"``) or ``"bool"`` (a check box; ``off_label`` names the unticked choice in the figure).
    """

    path: str
    label: str
    kind: str = "int"
    low: int = 0
    high: int = 14
    unit: str = ""
    off_label: str = ""

    def make_widget(self, value: Any) -> widgets.Widget:
        style = {"description_width": "10em"}
        if self.kind == "bool":
            return widgets.Checkbox(value=bool(value), description=self.label, indent=False)
        return widgets.IntSlider(
            value=int(value),
            min=self.low,
            max=self.high,
            description=self.label,
            style=style,
            layout=widgets.Layout(width="32em"),
        )


DEFAULT_OPTIONS = [
    OrganizerOption("organizer.notice_days", "提前通知天数", "int", 0, 14, unit="天"),
    OrganizerOption(
        "organizer.experts", "邀请专家、第三方论证（§2.d）", "bool", off_label="不请专家"
    ),
    OrganizerOption(
        "organizer.invite_respected",
        "邀请威望高、办事公道的人（§2.e）",
        "bool",
        off_label="不请威望人士",
    ),
    OrganizerOption(
        "organizer.facilitated", "有主持人保证各方轮流发言（§4.3）", "bool", off_label="无主持人"
    ),
    OrganizerOption(
        "organizer.escalate", "争议较大时提交会议决定（§4.6）", "bool", off_label="不提交会议"
    ),
]


def _scenario_value(scenario, path: str) -> Any:
    node: Any = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _warm_imports() -> None:
    import matplotlib.figure  # noqa: F401

    import xsim.model  # noqa: F401


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


class FormChooser(TeachingWidget):
    """Choose a form and organizer options; 运行模拟 runs the model over ``seeds``."""

    kind_zh = "协商形式与组织选择模拟"

    def __init__(
        self,
        scenario="elevator_retrofit",
        seeds=range(5),
        options: list[OrganizerOption] | None = None,
        title: str | None = None,
    ):
        super().__init__()
        from xsim.forms import FORMS
        from xsim.scenario import load_scenario

        _warm_imports()  # pay the model's and matplotlib's import when the cell runs, not on click

        self.scenario = load_scenario(scenario) if isinstance(scenario, str) else scenario
        self.seeds = list(seeds)
        self.options = list(DEFAULT_OPTIONS if options is None else options)
        self.form = widgets.Dropdown(
            options=[(f"{FORMS[name].zh}（{name}）", name) for name in self.scenario.forms],
            value=self.scenario.default_form,
            description="协商形式",
            style={"description_width": "10em"},
            layout=widgets.Layout(width="32em"),
        )
        self.controls = {
            opt.path: opt.make_widget(_scenario_value(self.scenario, opt.path))
            for opt in self.options
        }
        self.run_button = button("运行模拟")
        self.run_button.on_click(self._on_run)
        self.summary = widgets.HTML("")
        self.figure = widgets.Image(format="png", layout=widgets.Layout(max_width="900px"))
        self.history: list[dict[str, Any]] = []
        self._cache: dict[tuple, list[dict[str, Any]]] = {}
        heading = title or f"情景：{self.scenario.title}"
        self.children = [
            widgets.HTML(f"<h4>{esc(heading)}</h4>"),
            self.form,
            *self.controls.values(),
            self.run_button,
            self.status,
            self.summary,
            self.figure,
        ]

    # --- the simulation ---------------------------------------------------------------------
    def overrides(self) -> dict[str, Any]:
        """The scenario overrides the controls currently describe."""
        return {path: w.value for path, w in self.controls.items()}

    def simulate(self) -> list[dict[str, Any]]:
        """``Outcome.to_dict()`` of each seed for the current choice (cached)."""
        from xsim.model import run_once

        overrides = self.overrides()
        key = (self.form.value, tuple(sorted(overrides.items())))
        if key not in self._cache:
            self._cache[key] = [
                run_once(
                    self.scenario, form=self.form.value, seed=seed, overrides=overrides
                ).to_dict()
                for seed in self.seeds
            ]
        return self._cache[key]

    def label(self) -> str:
        """A short Chinese label of the current choice, for the figure."""
        from xsim.forms import FORMS

        parts = [FORMS[self.form.value].zh]
        for opt in self.options:
            value = self.controls[opt.path].value
            if opt.kind == "int":
                parts.append(f"{value}{opt.unit}")
            elif not value:
                parts.append(opt.off_label or f"不{opt.label.split('（')[0]}")
        return "·".join(parts)

    @safe_callback
    def _on_run(self, _button=None) -> None:
        self.clear_status()
        if not self.seeds:
            self.show_error("没有设定随机种子，无法运行模拟。")
            return
        rows = self.simulate()
        entry = {"label": self.label(), "rows": rows, "summary": self._summarize(rows)}
        self.history = [h for h in self.history if h["label"] != entry["label"]][
            -(MAX_HISTORY - 1) :
        ]
        self.history.append(entry)
        self.summary.value = self._summary_html(entry["summary"])
        self.figure.value = self._figure_png()
        self.show_note(
            f"已完成 {len(rows)} 次模拟（随机种子 {self.seeds[0]}…{self.seeds[-1]}）。"
            "改变选择后再点「运行模拟」，图中会与之前的选择并排比较。"
        )

    # --- presenting -------------------------------------------------------------------------
    def _summarize(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        n = len(rows)
        outcomes = Counter(r["consultation_outcome"] for r in rows)
        codes = Counter()
        for r in rows:
            for key, value in r.items():
                if key.startswith("findings.") and value:
                    codes[key.split(".", 1)[1]] += 1
        groups = {g.id: g.name for g in self.scenario.stakeholder_groups}
        return {
            "n": n,
            "participation": _mean([r["participation"] for r in rows]),
            "representativeness": _mean([r["representativeness_groups"] for r in rows]),
            "fairness": _mean([r["fairness"] for r in rows]),
            "adopted": sum(bool(r["adopted"]) for r in rows) / n,
            "violations": _mean([r["n_violations"] for r in rows]),
            "outcomes": {k: outcomes.get(k, 0) / n for k in OUTCOME_ZH},
            "codes": dict(codes),
            "by_group": {
                name: _mean([r.get(f"participation.group.{gid}") for r in rows])
                for gid, name in groups.items()
            },
        }

    def _summary_html(self, s: dict[str, Any]) -> str:
        def pct(x):
            return "—" if x is None else f"{100 * x:.0f}%"

        rows = [
            ("参与率（到场的成年居民）", pct(s["participation"])),
            ("代表性偏差（0 为与全体居民构成一致）", f"{s['representativeness']:.2f}"),
            ("感受到的公平（0–1）", f"{s['fairness']:.2f}"),
            ("协商结果", "，".join(f"{OUTCOME_ZH[k]} {pct(v)}" for k, v in s["outcomes"].items())),
            ("方案获得通过", pct(s["adopted"])),
            ("平均违规数", f"{s['violations']:.1f}"),
        ]
        rows += [(f"{name}参与率", pct(v)) for name, v in s["by_group"].items()]
        table = "".join(
            f"<tr><td>{esc(a)}</td><td style='padding-left:1em'><b>{esc(b)}</b></td></tr>"
            for a, b in rows
        )
        if s["codes"]:
            found = "；".join(
                f"{code}（{count}/{s['n']} 次）" for code, count in sorted(s["codes"].items())
            )
            rule_line = f"<div style='color:#b71c1c'>发现的规则问题：{esc(found)}</div>"
        else:
            rule_line = note_html("各次模拟均未发现规则问题。")
        return f"<table>{table}</table>{rule_line}"

    def _figure_png(self) -> bytes:
        """Left: participation and fairness of each choice tried; right: participation by group."""
        from matplotlib.figure import Figure

        from xsim.fonts import use_chinese_font

        use_chinese_font()
        fig = Figure(figsize=(9, 3.4), dpi=90, layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=[3, 2])
        labels = [h["label"] for h in self.history]
        x = list(range(len(labels)))
        for offset, key, name, color in (
            (-0.2, "participation", "参与率", "#1565c0"),
            (0.2, "fairness", "公平感", "#2e7d32"),
        ):
            vals = [[r[key] for r in h["rows"]] for h in self.history]
            means = [sum(v) / len(v) for v in vals]
            err = [
                [m - min(v) for m, v in zip(means, vals, strict=True)],
                [max(v) - m for m, v in zip(means, vals, strict=True)],
            ]
            left.bar(
                [i + offset for i in x],
                means,
                width=0.4,
                yerr=err,
                capsize=3,
                color=color,
                label=name,
            )
        left.set_xticks(x, labels, rotation=20, ha="right", fontsize=8)
        left.set_ylim(0, 1)
        left.set_title("各次选择的比较（误差线：各随机种子的最小值—最大值）", fontsize=9)
        left.legend(fontsize=8, loc="upper left")
        current = self.history[-1]["summary"]["by_group"]
        right.bar(list(current), [v or 0.0 for v in current.values()], color="#6d4c41")
        right.set_ylim(0, 1)
        right.set_title("本次选择：各群体参与率", fontsize=9)
        right.tick_params(axis="x", labelsize=8)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
