"""Lesson 08: comparing policies with confidence intervals (``xsim.experiments``, in-process).

The comparisons, their measures and the "predict first" questions are the lesson's data
(``exercises.yaml``: ``policy_comparisons``, ``policy_measures``, ``predictions``); every widget
and table takes ``lesson="NN"`` and reads them from there. A comparison's summary (fixed seeds)
and its figure are stored when the notebooks are built (:mod:`xsim.teaching.precomputed`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from xsim.errors import InputError
from xsim.teaching.common import (
    CheckboxGroup,
    HtmlBlock,
    Picture,
    TeachingWidget,
    button,
    esc,
    on_busy_click,
    safe_callback,
)
from xsim.teaching.model_loader import load_model

__all__ = [
    "POLICY_FIGURE_MEASURES",
    "PolicyLab",
    "PredictionExercise",
    "policy_figure",
    "policy_measures",
    "policy_robustness",
    "policy_summary",
    "policy_table",
    "policy_variants",
    "summary_tables",
]


_STUDIES: dict[tuple, Any] = {}


def policy_measures(lesson: str) -> list[str]:
    """The measures of the lesson's comparisons (``policy_measures`` of its ``exercises.yaml``)."""
    from xsim.teaching.lessons import exercise_data

    return list(exercise_data(lesson, "policy_measures"))


def policy_variants(kind: str, lesson: str) -> tuple[str, list[dict[str, Any]]]:
    """The scenario and variants of the comparison ``kind`` of the lesson's ``exercises.yaml``
    (``"forms"``, ``"notice"``): variants as :class:`xsim.experiments.Study` takes them."""
    from xsim.teaching.lessons import exercise_data, lesson_file

    comparisons = {c.name: c for c in exercise_data(lesson, "policy_comparisons")}
    if kind not in comparisons:
        raise InputError(
            str(lesson_file(lesson, "exercises.yaml")),
            "policy_comparisons",
            f"a comparison named {kind!r}; there are: {', '.join(comparisons)}",
            f"没有名为“{kind}”的比较；已有：{'、'.join(comparisons)}",
        )
    c = comparisons[kind]
    variants = [
        {"name": v.name, **({"form": v.form} if v.form else {}), **v.set} for v in c.variants
    ]
    return c.scenario, variants


def _study_inputs(kind: str, lesson: str, reps: int, seed: int) -> dict[str, Any]:
    scenario, variants = policy_variants(kind, lesson)
    return {
        "scenario": scenario,
        "variants": variants,
        "reps": reps,
        "seed": seed,
        "measures": policy_measures(lesson),
        "n_boot": 1000,
    }


def policy_summary(kind: str, lesson: str, reps: int = 8, seed: int = 2026):
    """Run (once per session) a small study in-process and summarize it with bootstrap CIs."""
    inputs = _study_inputs(kind, lesson, reps, seed)
    key = repr(sorted(inputs.items()))
    if key not in _STUDIES:
        from xsim.teaching.precomputed import stored_summary

        def compute():
            from xsim.experiments import Study

            result = Study(inputs["scenario"], inputs["variants"], reps=reps, seed=seed).run(
                executor="in-process", progress=False
            )
            return result.summary(measures=inputs["measures"], n_boot=inputs["n_boot"], seed=seed)

        # fixed seeds: stored when the notebooks are built (xsim.teaching.precomputed)
        _STUDIES[key] = stored_summary("summary", inputs, compute, label=kind)
    return _STUDIES[key]


def _number(x: float, decimals: int, signed: bool = False) -> str:
    if x is None or math.isnan(x):
        return "—"
    x = round(float(x), decimals) + 0.0  # no "-0.000" from rounding noise
    return f"{x:+.{decimals}f}" if signed and x > 0 else f"{x:.{decimals}f}"


def _decimals(*values: float) -> int:
    scale = max((abs(v) for v in values if v is not None and not math.isnan(v)), default=0.0)
    return 0 if scale >= 100 else 1 if scale >= 10 else 3


def _interval(low: float, high: float, decimals: int) -> str:
    return f"{_number(low, decimals)} – {_number(high, decimals)}"  # reads as a number: no wrap


def summary_tables(summary, measures: Sequence[str]) -> HtmlBlock:
    """A study's summary as two HTML tables with Chinese headers (numbers never wrap): each
    variant's mean and 95% interval per measure, then each variant against the baseline."""
    from xsim.experiments.labels import measure_label, variant_label
    from xsim.teaching.display import TABLE_CSS
    from xsim.teaching.display import html_table as table_html

    measures = [m for m in measures if m in summary.measures]
    pct = f"{summary.level:.0%}"
    head = ["指标"]
    for v in summary.variants:
        head += [f"{variant_label(v)}：均值", f"{variant_label(v)}：{pct} 置信区间"]
    rows = []
    for m in measures:
        row = {"指标": measure_label(m)}
        for v in summary.variants:
            e = summary.estimate(v, m)
            d = _decimals(e["mean"], e["ci_low"], e["ci_high"])
            row[f"{variant_label(v)}：均值"] = _number(e["mean"], d)
            row[f"{variant_label(v)}：{pct} 置信区间"] = _interval(e["ci_low"], e["ci_high"], d)
        rows.append(row)
    base = variant_label(summary.baseline)
    diff_head = ["指标", "方案", f"与「{base}」之差", f"{pct} 置信区间", "是否明显不同"]
    diff_rows = []
    for m in measures:
        for v in summary.variants:
            if v == summary.baseline:
                continue
            x = summary.difference(v, m)
            d = _decimals(x["diff"], x["ci_low"], x["ci_high"])
            if x["ci_low"] <= 0 <= x["ci_high"] or math.isnan(x["diff"]):
                verdict = "看不出差别（区间含 0）"
            else:
                verdict = "明显更高" if x["diff"] > 0 else "明显更低"
            diff_rows.append(
                {
                    "指标": measure_label(m),
                    "方案": variant_label(v),
                    diff_head[2]: _number(x["diff"], d, signed=True),
                    diff_head[3]: _interval(x["ci_low"], x["ci_high"], d),
                    "是否明显不同": verdict,
                }
            )
    caption = f"各方案的均值和 {pct} 置信区间（每种方案模拟 {summary.reps} 次）"
    html_text = table_html(rows, columns=head, caption=caption, css=False)
    if diff_rows:
        html_text += table_html(
            diff_rows,
            columns=diff_head,
            caption=f"与基准方案「{base}」相比（差值的 {pct} 置信区间不含 0，才算明显不同）",
            css=False,
        )
    plain = "\n".join(
        [
            caption,
            " | ".join(head),
            *(" | ".join(r[h] for h in head) for r in rows),
            " | ".join(diff_head),
            *(" | ".join(r[h] for h in diff_head) for r in diff_rows),
        ]
    )
    return HtmlBlock(TABLE_CSS + html_text.replace("<tr>", "\n<tr>"), plain)


def policy_table(kind: str, lesson: str, reps: int = 8) -> HtmlBlock:
    """The summary tables (means, 95% CIs, differences vs the first variant) as HTML."""
    return summary_tables(policy_summary(kind, lesson, reps), policy_measures(lesson))


POLICY_FIGURE_MEASURES = (
    "participation",
    "participation.age_old",
    "participation.age_young",
    "fairness",
    "person_hours",
    "representativeness_groups",
)


def policy_figure(kind: str, lesson: str, reps: int = 8):
    """Bars with 95% CIs for the headline measures, as a stored picture (fixed seeds: drawn when
    the notebooks are built, :mod:`xsim.teaching.precomputed`)."""
    from xsim.teaching.precomputed import stored_picture

    def draw() -> Picture:
        from xsim.experiments.figures import comparison_figure
        from xsim.experiments.labels import measure_label

        summary = policy_summary(kind, lesson, reps)
        measures = "、".join(measure_label(m) for m in POLICY_FIGURE_MEASURES)
        plain = f"图：{measures}，各方案的均值和 95% 置信区间（{reps} 次重复）"
        return Picture.of_figure(comparison_figure(summary, list(POLICY_FIGURE_MEASURES)), plain)

    inputs = {**_study_inputs(kind, lesson, reps, 2026), "figure": POLICY_FIGURE_MEASURES}
    return stored_picture("figure", inputs, draw, label=kind)


#: the measures whose ranking lesson 08 tests over plausible parameters (each form against the first)
ROBUSTNESS_MEASURES = ("participation", "fairness")


def _robustness_inputs(kind: str, lesson: str, n_sets: int, reps: int, seed: int):
    from xsim.teaching.lessons import lesson_file

    scenario, variants = policy_variants(kind, lesson)
    if any(set(v) != {"name", "form"} for v in variants):
        raise InputError(
            str(lesson_file(lesson, "exercises.yaml")),
            f"policy_comparisons[{kind}]",
            "a comparison of forms only (a variant that changes the scenario has no form to rank)",
            "只有比较协商形式的比较才能检验结论的稳健性（改动情景的方案没有可排序的形式）",
        )
    return {
        "scenario": scenario,
        "forms": [v["form"] for v in variants],
        "n_sets": n_sets,
        "reps": reps,
        "seed": seed,
        "measures": list(ROBUSTNESS_MEASURES),
    }


def policy_robustness(
    kind: str, lesson: str, n_sets: int = 20, reps: int = 5, seed: int = 2026
) -> HtmlBlock:
    """How often each form beats the first over ``n_sets`` plausible behaviour parameter sets, and
    what flips it (``xsim compare --uncertainty``, the same sentences): the ranking of the forms
    on :data:`ROBUSTNESS_MEASURES` as a list of plain-Chinese sentences. Fixed seeds: the
    comparison's pairs are stored when the notebooks are built (:mod:`xsim.teaching.precomputed`)."""
    from xsim.experiments.discovery import pair_sentence
    from xsim.experiments.parameter_ranges import load_ranges
    from xsim.teaching.precomputed import UNCERTAINTY_CODE, stored

    inputs = _robustness_inputs(kind, lesson, n_sets, reps, seed)

    def compute() -> dict[str, Any]:
        from xsim.experiments.uncertainty import analyse, make_study

        forms = inputs["forms"]
        study, sets, ranges = make_study(inputs["scenario"], forms, n_sets, reps, seed)
        rows = study.run(executor="in-process", progress=False).rows
        return analyse(rows, sets, forms, ranges, inputs["measures"], reps=reps)

    block = stored("robustness", inputs, compute, dict, dict, code=UNCERTAINTY_CODE, label=kind)
    ranges = load_ranges()
    first = inputs["forms"][0]
    pairs = [p for p in block["pairs"] if first in (p["a"], p["b"])]
    sentences = [pair_sentence(p, ranges, "zh") for p in pairs]
    head = f"在 {n_sets} 组合理参数下（每组重复 {reps} 次）："
    items = "".join(f"<li>{esc(t)}</li>" for t in sentences)
    plain = "\n".join([head, *(f"- {t}" for t in sentences)])
    return HtmlBlock(f"<p>{esc(head)}</p><ul>{items}</ul>", plain)


class PredictionExercise(TeachingWidget):
    """Predict a comparison before reading it: the lesson's ``predictions`` of comparison
    ``kind``; the key is computed from the study's intervals."""

    kind_zh = "预测练习"

    #: the three predictions a trainee chooses from; the key's index follows the intervals
    CHOICES = (
        {
            "text": "明显更高（置信区间不含 0）",
            "why": "差值的置信区间含 0 或全在 0 以下，不能说明显更高。",
        },
        {
            "text": "明显更低（置信区间不含 0）",
            "why": "差值的置信区间含 0 或全在 0 以上，不能说明显更低。",
        },
        {
            "text": "看不出差别（置信区间含 0）",
            "why": "差值的置信区间不含 0：两种做法的差别超出了随机波动。",
        },
    )

    def __init__(self, kind: str, lesson: str, reps: int = 8):
        super().__init__()
        from xsim.experiments.labels import measure_label, variant_label
        from xsim.teaching.lessons import exercise_data
        from xsim.teaching.quiz import Quiz
        from xsim.teaching.schema import Question

        summary = policy_summary(kind, lesson, reps)
        questions = []
        for p in exercise_data(lesson, "predictions"):
            if p.comparison != kind:
                continue
            d = summary.difference(p.variant, p.measure)
            key = 2 if d["ci_low"] <= 0 <= d["ci_high"] else (0 if d["diff"] > 0 else 1)
            choices = [
                c if i != key else {"text": c["text"], "why": ""}
                for i, c in enumerate(self.CHOICES)
            ]
            questions.append(
                Question(
                    prompt=f"与「{variant_label(summary.baseline)}」相比，「{variant_label(p.variant)}」"
                    f"的“{measure_label(p.measure)}”会怎样？",
                    choices=choices,
                    answer=self.CHOICES[key]["text"],
                    explanation=(
                        f"模拟结果：差值 {d['diff']:+.3f}，95% 置信区间 "
                        f"[{d['ci_low']:.3f}, {d['ci_high']:.3f}]。"
                    ),
                )
            )
        self.quiz = Quiz.of(
            questions, title="先预测，再看结果", lesson=lesson, item_prefix=f"predict-{kind}-"
        )
        self.children = [self.quiz, self.status]


class PolicyLab(TeachingWidget):
    """Pick variants and replications, click 运行比较: a small study with bootstrap CIs."""

    kind_zh = "模拟实验"

    def __init__(self, scenario: str, lesson: str):
        super().__init__()
        from xsim.sim.scenario import load_scenario
        from xsim.teaching.common import FORM_ZH

        load_model(study=True)
        self.lesson_id = lesson
        self.scenario_name = scenario
        s = load_scenario(scenario)
        style, lay = {"description_width": "10em"}, widgets.Layout(width="40em")
        # check boxes, not a multi-select list: no Ctrl-click, no silently dropped choice
        self.forms = CheckboxGroup(
            [(FORM_ZH.get(f, f), f) for f in s.forms],
            value=tuple(s.forms[:2]),
            description="比较哪些形式（可多选）",
        )
        self.notice = widgets.IntSlider(
            value=s.organizer.notice_days,
            min=0,
            max=14,
            description="提前几天通报",
            style=style,
            layout=lay,
        )
        self.reps = widgets.IntSlider(
            value=6, min=3, max=20, description="每种形式重复次数", style=style, layout=lay
        )
        self.run_button = button("运行比较")
        on_busy_click(self.run_button, self._on_run)
        self.result = widgets.HTML("")
        self.children = [
            widgets.HTML(f"<h4>政策比较实验：{esc(s.title)}</h4>"),
            self.forms,
            self.notice,
            self.reps,
            self.run_button,
            self.status,
            self.result,
        ]

    def summary(self):
        from xsim.experiments import Study

        if len(self.forms.value) < 2:
            raise InputError("政策比较", "", "at least two forms", "请至少选择两种形式进行比较")
        variants = [
            {"name": f, "form": f, "organizer.notice_days": int(self.notice.value)}
            for f in self.forms.value
        ]
        result = Study(self.scenario_name, variants, reps=int(self.reps.value), seed=2026).run(
            executor="in-process", progress=False
        )
        return result.summary(measures=policy_measures(self.lesson_id), n_boot=500, seed=2026)

    @safe_callback
    def _on_run(self, _button=None) -> None:
        self.clear_status()
        self.result.value = ""
        measures = policy_measures(self.lesson_id)
        self.result.value = summary_tables(self.summary(), measures).html_text
