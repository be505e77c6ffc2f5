"""``xsim run SCENARIO``: simulate one consultation of a scenario and say what happened.

Text output (Chinese by default, ``--lang en``) tells a cadre who came, who was left out, what was
concluded and which rules were broken, with their codes. ``--format json`` prints the outcome
measures and the findings. ``--record FILE`` writes the run's case record (YAML) — atomically and
only after the run succeeded, to a new or regular file only (a link, FIFO, device or folder is
refused before the run; ``--record -`` prints the record to standard output instead of the
summary, on purpose). Bad input (unknown scenario, form or parameter) exits 2 with one message
naming the valid choices. Every line printed passes the CLI's sanitiser; names from the scenario
are kept on one line.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from xsim import vocabulary as V
from xsim.errors import InputError
from xsim.io import STDOUT, check_output_path, parse_assignments
from xsim.io.terminal import one_line, to_json

MAX_SEED = 2**63 - 1
"""Seeds are whole numbers 0..2⁶³−1 (what numpy's seed sequence and the study seeds accept)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scenario", help="bundled scenario name or path to a scenario YAML file")
    parser.add_argument("--form", default=None, help="consultation form (default: the scenario's)")
    parser.add_argument(
        "--seed", default="0", help=f"random seed, a whole number 0..{MAX_SEED} (default 0)"
    )
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument(
        "--record",
        metavar="FILE",
        help="write the run's case record (YAML) to a new or regular file; '-' prints it instead",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="override a scenario parameter, e.g. --set organizer.notice_days=3 (repeatable)",
    )
    from xsim.experiments.options import add_memory_argument

    add_memory_argument(parser)


def parse_overrides(items: list[str]) -> dict[str, Any]:
    """``--set PATH=VALUE`` items as scenario overrides (values read like scenario YAML)."""
    return parse_assignments(items, "--set")


def parse_seed(text: str | int) -> int:
    """A seed given on the command line: a whole number 0..MAX_SEED, else ``InputError``."""
    raw = str(text).strip()
    if raw.isascii() and raw.isdigit() and int(raw) <= MAX_SEED:
        return int(raw)
    raise InputError(
        "--seed",
        "",
        f"a whole number from 0 to {MAX_SEED}; got {raw[:40]!r}",
        f"随机种子应为 0 到 {MAX_SEED} 之间的整数；实际为 {raw[:40]!r}",
    )


def json_safe(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by ``None`` (JSON has no NaN)."""
    import math

    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        return json_safe(value.item())
    return value


def run(args: argparse.Namespace) -> int:
    from xsim.sim.scenario import load_scenario

    seed = parse_seed(args.seed)
    overrides = parse_overrides(args.set)
    if args.record and args.record != STDOUT:
        check_output_path(args.record, "--record")  # before the run: a link or device is refused
    # validated before the simulator is imported, and reported against "--set"
    spec = load_scenario(args.scenario).with_overrides(overrides, "--set")
    from xsim.experiments.budget import check_budget, estimate_run, parse_memory

    # before the model builds anything: the run's peak memory within --memory
    check_budget(estimate_run(spec, args.form), parse_memory(args.memory), what="xsim run")
    from xsim.records import dump_record, record_to_yaml
    from xsim.sim.model import ConsultationModel

    model = ConsultationModel(spec, form=args.form, rng=seed)
    result = model.result()
    if args.record == STDOUT:  # on purpose: the record, and nothing else, on standard output
        print(record_to_yaml(model.record), end="")
        return 0
    if args.format == "json":
        payload = {
            "scenario": model.spec.name,
            "form": model.form.name,
            "seed": seed,
            "outcome": result.to_dict(),  # the measures, then the verdict's columns
            "findings": [f.to_dict() for f in model.report.findings],
        }
        # strict JSON: a measure that is undefined (e.g. fairness with nobody present) is null
        print(to_json(json_safe(payload), indent=2, allow_nan=False))
    else:
        print(render_text(model, seed, args.lang))
    if args.record:
        dump_record(model.record, args.record)  # InputError (exit 2) if it cannot be written
    return 0


# -- text ------------------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "—" if x is None or x != x else f"{100 * x:.0f}%"


def _num(x: float | None) -> str:
    """A measure with two decimals, or 「—」 where it is undefined (a group with no adults)."""
    return "—" if x is None or x != x else f"{x:.2f}"


def render_text(model, seed: int, lang: str = "zh") -> str:
    o = model.run()
    d = o.to_dict()
    spec, form, trace = model.spec, model.form, model.trace
    names = {g.id: one_line(g.name) for g in spec.stakeholder_groups}
    en = lang == "en"
    lines: list[str] = []
    add = lines.append
    if en:
        add(
            f"{one_line(spec.title)} — form: {form.name} ({V.label(V.FORMS, form.name, 'en')}), "
            f"seed {seed}"
        )
        add(
            f"Who came: {o.attended} of {o.residents} adults ({_pct(o.participation)}); "
            f"informed in time {_pct(o.informed_in_time)}"
        )
    else:
        add(
            f"{one_line(spec.title)} —— 协商形式：{V.label(V.FORMS, form.name)}（{form.name}），"
            f"随机种子 {seed}"
        )
        add(
            f"谁来了：{o.residents} 名成年居民中到场 {o.attended} 人（{_pct(o.participation)}）；"
            f"及时获知通知 {_pct(o.informed_in_time)}"
        )
    for gid in spec.group_ids:
        rate = d.get(f"participation.group.{gid}")
        fair = d.get(f"fairness.group.{gid}")
        add(
            f"  - {names[gid] if not en else one_line(gid)}: "
            + (
                f"took part {_pct(rate)}, fairness {_num(fair)}"
                if en
                else f"参与 {_pct(rate)}，公平感 {_num(fair)}"
            )
        )
    demo = [
        "age_young",
        "age_middle",
        "age_old",
        "registered",
        "nonregistered",
        "owner",
        "tenant",
        "digital",
        "nodigital",
    ]

    def label(group: str) -> str:
        return V.label(V.GROUPS, group, lang)

    add(
        ("  by group: " if en else "  分人群：")
        + ("; " if en else "；").join(
            f"{label(k)} {_pct(d.get('participation.' + k))}" for k in demo
        )
    )
    left_out = [gid for gid in spec.group_ids if not d.get(f"participation.group.{gid}")]
    if left_out:
        who = ", ".join(map(one_line, left_out)) if en else "、".join(names[g] for g in left_out)
        add(f"Left out: {who}" if en else f"谁被落下：{who} 无人参与")
    # categories that took part at less than half the overall rate
    scarce = [
        k
        for k in demo
        if d.get("participation." + k) is not None
        and d["participation." + k] < 0.5 * o.participation
    ]
    if scarce and o.participation > 0:
        listed = ("; " if en else "、").join(
            f"{label(k)} {_pct(d['participation.' + k])}" for k in scarce
        )
        add(f"Under-represented: {listed}" if en else f"参与明显偏少：{listed}")
    outcome = V.label(V.OUTCOMES, trace.outcome, lang)
    if en:
        add(
            f"Concluded: {outcome} (support {_pct(o.support)}); voice dominance {_num(o.voice_dominance)}"
        )
    else:
        add(
            f"协商结论：{outcome}（支持 {_pct(o.support)}）；强势声音占发言比 {_num(o.voice_dominance)}"
        )
    if trace.assembly:
        a = trace.assembly
        kind = V.label(V.MEETINGS, a["kind"], lang)
        if en:
            add(f"Decided by: {kind} — {a['present']} of {a['members']} present, {a['yes']} yes")
        else:
            add(f"决定：提交{kind} —— 应到 {a['members']}，实到 {a['present']}，赞成 {a['yes']}")
    verdict = (
        ("adopted" if o.adopted else "not adopted") if en else ("通过" if o.adopted else "未通过")
    )
    if trace.assembly and not o.adopted:
        if not trace.quorum:
            verdict += " (no quorum)" if en else "（到会未达法定人数）"
        elif not trace.consent:
            verdict += " (too few in favour)" if en else "（赞成未达法定比例）"
    add(
        (
            f"Result: {verdict}, {o.days_to_decision} days to decision; fairness {_num(o.fairness)}; "
            f"{o.person_hours:.0f} person-hours, {o.money_yuan:.0f} yuan"
        )
        if en
        else (
            f"结果：{verdict}，用时 {o.days_to_decision} 天作出决定；总体公平感 {_num(o.fairness)}；"
            f"投入 {o.person_hours:.0f} 人·小时，费用 {o.money_yuan:.0f} 元"
        )
    )
    findings = model.report.findings
    if not findings:
        add("Findings: none — the procedure met every rule." if en else "规则检查：未发现问题。")
    else:
        add("Findings:" if en else "规则检查：")
        for f in findings:
            add(f"  [{f.code}] ({f.clause}) {one_line(f.message(lang))}")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    from xsim.cli import main

    sys.exit(main(["run", *sys.argv[1:]]))
