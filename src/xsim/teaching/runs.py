"""One simulated consultation, told: a scenario's introduction, the story of one run with the
rules engine's findings, the village (compound) picture of one run.

Each run's data (its case record and measures, or the village snapshot) is stored when the
notebooks are built, keyed by the scenario file, seed, form, overrides and the simulation's
code (:mod:`xsim.teaching.precomputed`); the text and the findings are drawn from it live.
"""

from __future__ import annotations

from typing import Any

from xsim import vocabulary as V
from xsim.sim.measures import label as measure_name
from xsim.teaching.common import (
    FORM_ZH,
    OUTCOME_ZH,
    HtmlBlock,
    TeachingWidget,
    esc,
    table_block,
    text_with_rule_titles_html,
)
from xsim.teaching.findings import report_html

__all__ = ["one_run", "run_data", "scenario_intro", "story", "village", "village_snapshot"]


def scenario_intro(name: str) -> HtmlBlock:
    """A scenario's title, narrative, stakeholder groups and teaching points (static)."""
    from xsim.sim.scenario import load_scenario

    s = load_scenario(name)
    rows = [
        [g.name, f"{100 * g.share:.0f}%", f"{g.stake.mean:+.1f}", f"{g.opinion.mean:+.1f}"]
        for g in s.stakeholder_groups
    ]
    table = table_block(
        ["利益相关群体", "占住户", "利益（−1 受损 … +1 受益）", "最初态度（−1 反对 … +1 支持）"],
        rows,
    )
    points = "".join(f"<li>{text_with_rule_titles_html(p.text)}</li>" for p in s.teaching_points)
    adults = round(s.population.households * s.population.adults_per_household)
    head = (
        f"<h4>{esc(s.title)}</h4><p>{text_with_rule_titles_html(s.narrative)}</p>"
        f"<p>约 {s.population.households} 户、{adults} 名成年人；"
        f"议题：{esc(s.topic.title)}</p>"
    )
    plain = "\n".join(
        [s.title, s.narrative.strip(), table.plain, *(p.text for p in s.teaching_points)]
    )
    return HtmlBlock(
        head + table.html_text + (f"<p><b>教学要点</b></p><ul>{points}</ul>" if points else ""),
        plain,
    )


def people_zh(setting: str) -> str:
    """村民 in a village, 居民 in an urban community."""
    return "村民" if setting == "village" else "居民"


def story(record, outcome: dict[str, Any]) -> list[str]:
    """What happened in one run, step by step, in Chinese (its case record and measures)."""
    r, o = record, outcome
    t = r.timeline
    people = people_zh(r.setting)
    lines = []
    solicited = "充分征求了意见" if r.topic.opinions_solicited else "没有征求意见"
    lines.append(f"第一步　提出议题：{solicited}。")
    days = (t.consulted - t.notified).days if t.notified and t.consulted else None
    notice = f"提前 {days} 天通报" if days is not None else "没有事先通报"
    lines.append(f"第二步　确定主体：邀请 {int(o['invited'])} 人及相关组织，{notice}。")
    forms = "、".join(FORM_ZH.get(f, f) for f in r.consultation.forms)
    lines.append(
        f"第三步　开展协商（{forms}）：到会 {int(o['attended'])} 人；"
        f"本人到会或有本群体代表到会的成年{people}占 {100 * float(o['participation']):.1f}%。"
        f"结果：{OUTCOME_ZH.get(r.consultation.outcome, r.consultation.outcome)}，"
        f"支持方案的占 {100 * float(o['support']):.0f}%。"
    )
    a = r.assembly
    if a is not None:
        lines.append(
            f"提交{V.label(V.MEETINGS, a.kind)}决定：应到 {a.members}，实到 {a.present}，"
            f"同意 {a.yes}；方案{'通过' if r.results.adopted else '未通过'}。"
        )
    else:
        lines.append(f"没有提交会议决定；方案{'通过' if r.results.adopted else '未通过'}。")
    if r.results.violates_law:
        fixed = "监督发现后已依法纠正" if r.results.corrected else "没有人纠正"
        lines.append(f"方案内容违反法律法规：{fixed}。")
    if r.results.implemented:
        pub = (
            f"{(t.publicized - t.implemented).days} 天后公开"
            if t.publicized and t.implemented
            else "没有公开"
        )
        lines.append(f"第四步　实施成果：已实施，{pub}。")
    lines.append(
        f"平均{measure_name('fairness')} {float(o['fairness']):.2f}；"
        f"投入 {float(o['person_hours']):,.0f} 人·小时。"
    )
    return lines


def run_data(
    scenario: str, seed: int = 0, form: str | None = None, overrides: dict[str, Any] | None = None
) -> tuple[Any, dict[str, Any]]:
    """One run's case record and measures (stored when the notebooks are built)."""
    from xsim.records import record_from_yaml
    from xsim.teaching.precomputed import stored

    def compute() -> dict[str, Any]:
        from xsim.records import record_to_yaml
        from xsim.sim.model import ConsultationModel

        model = ConsultationModel(scenario, form=form, rng=seed, overrides=overrides)
        outcome = model.run()
        return {"record": record_to_yaml(model.record), "outcome": outcome.to_dict()}

    inputs = {"scenario": scenario, "seed": seed, "form": form, "overrides": overrides or {}}
    data = stored("run", inputs, compute, dict, dict, label=scenario)
    return record_from_yaml(data["record"], source=f"{scenario}（模拟）"), data["outcome"]


def one_run(
    scenario: str, seed: int = 0, form: str | None = None, overrides: dict[str, Any] | None = None
) -> HtmlBlock:
    """One simulated consultation told step by step, with the rules engine's findings."""
    from xsim.rules import check_record

    record, outcome = run_data(scenario, seed, form, overrides)
    lines = story(record, outcome)
    report = check_record(record)
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    plain = "\n".join(lines + [f"{f.code} {f.message_zh}" for f in report.findings])
    named = report_html(report, record=record.model_dump(mode="json"))
    return HtmlBlock(f"<ol>{items}</ol>" + named, plain)


def village(
    scenario: str,
    seed: int = 1,
    form: str | None = None,
    overrides: dict | None = None,
    caption: str = "",
) -> TeachingWidget:
    """The village (compound) picture of one run of ``scenario`` (lessons 03, 04, 06); the run's
    snapshot is stored when the notebooks are built (:mod:`xsim.teaching.precomputed`).
    ``caption``: what sets this run apart, added to its title (two pictures side by side)."""
    import dataclasses

    from xsim.teaching.precomputed import stored
    from xsim.teaching.village_view import VillageSnapshot, VillageView

    snapshot = stored(
        "village",
        {"scenario": scenario, "seed": seed, "form": form, "overrides": overrides or {}},
        lambda: village_snapshot(scenario, seed, form, overrides),
        VillageSnapshot.to_data,
        VillageSnapshot.from_data,
        label=scenario,
    )
    if caption:
        snapshot = dataclasses.replace(snapshot, title=f"{snapshot.title}（{caption}）")
    return VillageView(snapshot)


def village_snapshot(
    scenario: str, seed: int = 1, form: str | None = None, overrides: dict | None = None
):
    """The village view's snapshot of one run, computed (no store)."""
    from xsim.sim.model import ConsultationModel
    from xsim.teaching.village_view import snapshot_from_model

    model = ConsultationModel(scenario, form=form, rng=seed, overrides=overrides)
    model.run()
    return snapshot_from_model(model)
