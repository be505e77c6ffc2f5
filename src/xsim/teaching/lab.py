"""Simulations the trainee steers: :class:`ScenarioLab` (one widget for labs and the form chooser).

A lab is data (``course/NN_名称/labs.yaml``, read by :mod:`xsim.teaching.lessons`): a scenario of
the library, controls whose options are overrides on it (or a consultation form), and the outcome
measures shown. On 运行模拟 the model runs a few seeded replications; every click adds a row to a
comparison table. :func:`form_chooser` is the same widget with one control: the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from xsim.teaching.common import (
    HtmlBlock,
    TeachingWidget,
    bad_html,
    button,
    esc,
    ok_html,
    on_busy_click,
    rule_title_zh,
    safe_callback,
    table_block,
    text_with_rule_titles_html,
)
from xsim.teaching.measures import format_value, known_measure, measure_heading, measure_kind


def run_rows(
    scenario: str, form: str | None, overrides: dict[str, Any], seeds: Sequence[int]
) -> list[dict[str, Any]]:
    """The rows (measures and verdict columns) of one run per seed: stored when the notebooks
    are built, keyed by the scenario file, the settings, the seeds and the simulation's code
    (:mod:`xsim.teaching.precomputed`), so that a trainee's click on a worked setting is served
    at once and any other setting is simulated."""
    from xsim.teaching.precomputed import stored

    def compute() -> list[dict[str, Any]]:
        from xsim.sim.model import run_once

        return [
            run_once(scenario, form=form, seed=seed, overrides=overrides).to_dict()
            for seed in seeds
        ]

    inputs = {"scenario": scenario, "form": form, "overrides": overrides, "seeds": list(seeds)}
    return stored("runs", inputs, compute, list, list, label=scenario)


@dataclass
class Control:
    """A choice in a :class:`ScenarioLab`: a Chinese label and options, each a set of overrides.

    An option's overrides are dotted scenario paths (``organizer.notice_days``) or the special key
    ``form`` (the consultation form to run).
    """

    label: str
    options: list[tuple[str, dict[str, Any]]]


@dataclass
class LabRun:
    """The result of one setting of the controls: labels chosen, runs, findings counts."""

    choice: list[str]
    rows: list[dict[str, Any]]

    def mean(self, key: str) -> float | None:
        values = [r[key] for r in self.rows if r.get(key) is not None]
        if not values:
            return None
        if isinstance(values[0], str):  # the most frequent text value
            return max(set(values), key=values.count)
        return sum(float(v) for v in values) / len(values)

    def codes(self) -> dict[str, int]:
        """Rule code → in how many runs it fired."""
        out: dict[str, int] = {}
        for r in self.rows:
            for k, v in r.items():
                if k.startswith("findings.") and v:
                    code = k.removeprefix("findings.")
                    out[code] = out.get(code, 0) + 1
        return dict(sorted(out.items()))


class ScenarioLab(TeachingWidget):
    """Choose the organizer's options, click 运行模拟; the model runs a few seeded replications.

    Every click adds a row to the comparison table, so that trainees compare their choices. The
    seeds are fixed (``range(seeds)``): the same choices always give the same numbers.
    """

    kind_zh = "模拟实验"

    def __init__(
        self,
        scenario: str,
        controls: Sequence[Control],
        measures: Sequence[str],
        seeds: int = 4,
        form: str | None = None,
        base: dict[str, Any] | None = None,
        title: str = "模拟实验",
    ):
        super().__init__()
        from xsim.sim.scenario import load_scenario

        self.scenario_name = scenario
        self.scenario = load_scenario(scenario)
        self.controls = list(controls)
        self.measures = [m for m in measures if known_measure(m)]
        self.seeds = seeds
        self.form = form
        self.base = dict(base or {})
        self.history: list[LabRun] = []
        self.dropdowns = [
            widgets.Dropdown(
                options=[(label, i) for i, (label, _) in enumerate(c.options)],
                value=0,
                description=c.label,
                style={"description_width": "12em"},
                layout=widgets.Layout(width="44em"),
            )
            for c in self.controls
        ]
        self.run_button = button("运行模拟")
        on_busy_click(self.run_button, self._on_run)
        self.clear_button = button("清空比较表", style="")
        on_busy_click(self.clear_button, self._on_clear)
        self.result = widgets.HTML("")
        self.table = widgets.HTML("")
        self.children = [
            widgets.HTML(
                f"<h4>{esc(title)}：{esc(self.scenario.title)}</h4>"
                f"<div>每次模拟 {seeds} 个平行的村（社区），随机种子固定，结果可重复。</div>"
            ),
            *self.dropdowns,
            widgets.HBox([self.run_button, self.clear_button]),
            self.status,
            self.result,
            self.table,
        ]

    @classmethod
    def from_spec(cls, spec, lesson: str = "", **kwargs: Any) -> ScenarioLab:
        """The lab a :class:`xsim.teaching.lessons.LabSpec` (one entry of labs.yaml) describes."""
        controls = [
            Control(
                c.label,
                [
                    (o.label, {**({"form": o.form} if o.form else {}), **o.set})
                    for o in c.expanded()
                ],
            )
            for c in spec.controls
        ]
        config: dict[str, Any] = dict(
            scenario=spec.scenario,
            controls=controls,
            measures=list(spec.measures),
            seeds=spec.seeds,
            form=spec.form,
            title=spec.title or (f"模拟实验（第 {lesson} 讲）" if lesson else "模拟实验"),
        )
        config.update(kwargs)
        return cls(**config)

    def choose(self, *indices: int) -> None:
        for d, i in zip(self.dropdowns, indices, strict=False):
            d.value = i

    def settings(self, indices: Sequence[int]) -> tuple[str | None, dict[str, Any], list[str]]:
        """The form, the overrides and the chosen labels for these option indices."""
        form, overrides, labels = self.form, dict(self.base), []
        for c, i in zip(self.controls, indices, strict=True):
            label, ov = c.options[i]
            labels.append(label)
            ov = dict(ov)
            form = ov.pop("form", form)
            overrides.update(ov)
        return form, overrides, labels

    def simulate(self, indices: Sequence[int]) -> LabRun:
        """Run the model for these option indices, ``self.seeds`` replications."""
        form, overrides, labels = self.settings(indices)
        return LabRun(labels, run_rows(self.scenario_name, form, overrides, range(self.seeds)))

    def _row(self, run: LabRun) -> list[str]:
        codes = run.codes()
        found = (
            "、".join(f"{rule_title_zh(c)}（{n}/{len(run.rows)}）" for c, n in codes.items())
            or "无"
        )
        return (
            ["；".join(run.choice)]
            + [format_value(run.mean(m), measure_kind(m)) for m in self.measures]
            + [found]
        )

    def header(self) -> list[str]:
        return [
            "你的选择",
            *[measure_heading(m, self.group_names) for m in self.measures],
            "规则引擎发现的问题（出现次数）",
        ]

    @property
    def group_names(self) -> dict[str, str]:
        return {g.id: g.name for g in self.scenario.stakeholder_groups}

    def comparison(self, runs: Sequence[LabRun]) -> HtmlBlock:
        """A table of several runs (one row each)."""
        return table_block(self.header(), [self._row(r) for r in runs])

    def compare_options(self, control: int = 0) -> HtmlBlock:
        """Every option of one control (others at their first option), as a static table."""
        runs = []
        for i in range(len(self.controls[control].options)):
            indices = [0] * len(self.controls)
            indices[control] = i
            runs.append(self.simulate(indices))
        return self.comparison(runs)

    @safe_callback
    def _on_run(self, _button=None) -> None:
        self.clear_status()
        run = self.simulate([d.value for d in self.dropdowns])
        self.history.append(run)
        self.last = run
        codes = run.codes()
        if codes:
            self.result.value = bad_html(
                "规则引擎在模拟中发现了问题："
                + "、".join(text_with_rule_titles_html(c) for c in codes)
                + "。看看下表，想想是哪个选择造成的。"
            )
        else:
            self.result.value = ok_html("✔ 这组选择下，模拟的协商没有发现违反《通知》的问题。")
        self.table.value = self.comparison(self.history[-6:])._repr_html_()

    @safe_callback
    def _on_clear(self, _button=None) -> None:
        self.history.clear()
        self.table.value = ""
        self.result.value = ""


def form_chooser(
    scenario: str,
    forms: Sequence[str] | None = None,
    measures: Sequence[str] = (
        "participation",
        "participation.age_old",
        "participation.age_young",
        "representativeness_groups",
        "fairness",
    ),
    seeds: int = 4,
) -> ScenarioLab:
    """A lab with one control, the consultation form (default: every form the scenario allows)."""
    from xsim.forms import FORMS
    from xsim.sim.scenario import load_scenario

    names = list(forms) if forms is not None else list(load_scenario(scenario).forms)
    control = Control("协商形式", [(FORMS[f].zh, {"form": f}) for f in names])
    return ScenarioLab(scenario, [control], measures, seeds=seeds, title="选一选协商形式")
