"""``xsim compare``: compare forms (and settings) of a scenario over many replications.

    xsim compare elevator_retrofit --forms owners,hearing --reps 100 --seed 1 --out out/elevator

One row per run is streamed to Parquet files in ``--out`` as runs finish; the table gives each
variant's mean with a 95% bootstrap CI and the differences against the baseline (the first variant
unless ``--baseline``). ``--vary organizer.notice_days=3,7`` crosses the forms with parameter values;
``--set KEY=VALUE`` changes the scenario for every variant. Heavy imports happen inside ``run``.
"""

from __future__ import annotations

import argparse
import itertools
import sys

from xsim.cli._text import clean, one_line, to_json
from xsim.errors import InputError
from xsim.experiments.limits import MAX_BOOT, MAX_REPS, MIN_BOOT, check_whole
from xsim.experiments.options import (
    add_execution_arguments,
    announce,
    check_execution_arguments,
    check_out_folder,
    load_runner,
    parse_assignment,
    parse_value,
    report_quarantine,
    split_list,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "scenario", help="内置情景名或情景 YAML 文件路径 / scenario name or YAML path"
    )
    parser.add_argument(
        "--forms",
        default=None,
        help="要比较的协商形式，逗号分隔（默认：情景中的全部形式）/ forms to compare",
    )
    parser.add_argument(
        "--reps",
        type=int,
        default=50,
        help="每个方案的重复次数（默认50）/ replications per variant (default 50)",
    )
    parser.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="KEY=V1,V2",
        help="再按情景参数（或 rules.设置）的取值分方案，可重复 / also vary a parameter",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="set_",
        help="对所有方案修改情景参数，可重复 / change the scenario for every variant",
    )
    parser.add_argument(
        "--baseline",
        default=None,
        help="比较的基准方案（默认第一个）/ baseline variant (default: the first)",
    )
    parser.add_argument(
        "--measures",
        default=None,
        help="文本表中的指标，逗号分隔（默认：主要指标和出现过的规则代码；JSON含全部）"
        " / measures for the text table",
    )
    parser.add_argument(
        "--boot", type=int, default=2000, help="自助法重抽样次数（默认2000）/ bootstrap resamples"
    )
    parser.add_argument("--no-figure", action="store_true", help="不在 --out 中生成图 / no figures")
    add_execution_arguments(parser)


def build_variants(forms: list[str], vary: list[str]) -> list[dict]:
    """Forms × every combination of the --vary values (one variant per combination)."""
    axes = []
    for item in vary:
        key, values = parse_assignment(item, "--vary")
        choices = [parse_value(v) for v in split_list(values)]
        if not choices:
            raise InputError(
                "<options>", "--vary", f"values for {key} (KEY=V1,V2)", f"请给出 {key} 的取值"
            )
        axes.append([(key, v) for v in choices])
    variants = []
    for form in forms or [None]:
        for combo in itertools.product(*axes):
            spec = {"form": form} if form else {}
            spec.update(dict(combo))
            variants.append(spec)
    return variants


def _with_set(scenario, assignments: list[str]):
    if not assignments:
        return scenario
    overrides = dict(parse_assignment(a, "--set") for a in assignments)
    return scenario.with_overrides(
        {k: parse_value(v) for k, v in overrides.items()}, source="--set"
    )


def run(args: argparse.Namespace) -> int:
    from xsim.experiments.study import RunFailed, Study, scenario_forms
    from xsim.scenario import load_scenario

    check_execution_arguments(args)
    check_whole(args.reps, "--reps", 1, MAX_REPS)
    check_whole(args.boot, "--boot", MIN_BOOT, MAX_BOOT)
    scenario = _with_set(load_scenario(args.scenario), args.set_)
    forms = split_list(args.forms) or scenario_forms(scenario) or []
    study = Study(
        scenario,
        build_variants(forms, args.vary),
        args.reps,
        args.seed,
        runner=load_runner(args.runner),
    )
    names = [v.name for v in study.variants]
    if args.baseline is not None and args.baseline not in names:
        raise InputError(
            "<options>",
            "--baseline",
            f"one of the study's variants: {', '.join(names)} (got '{args.baseline}')",
            f"应为本研究的方案之一：{'、'.join(names)}（实际为「{args.baseline}」）",
        )
    if args.measures:
        study.check_measures(split_list(args.measures))
    from xsim.experiments.options import make_executor_from_args

    check_out_folder(args, study, "compare")  # before any worker starts; nothing written
    executor = make_executor_from_args(args)  # a scheduler that does not answer fails here
    try:
        announce(args, study, executor)
        result = study.run(
            executor,
            out=args.out,
            resume=args.resume,
            progress=False if args.no_progress else None,
            force=args.force,
            kind="compare",
        )
    except RunFailed as err:
        hint = (
            (
                "; finished runs are kept, rerun with --resume"
                if args.lang == "en"
                else "；已完成的模拟已保存，可用 --resume 续算"
            )
            if args.out
            else ""
        )
        head = "" if args.lang == "en" else "模拟出错："
        print(f"{head}{err}{hint}", file=sys.stderr)
        return 1
    finally:
        executor.close()
    report_quarantine(args, result)
    frame = result.rows
    summary = result.summary(baseline=args.baseline, n_boot=args.boot, seed=args.seed)
    if args.out:
        _write_outputs(args, summary)
    if args.format == "json":
        body = summary.to_dict()
        body["study"] = study.manifest()
        body["runs"] = {"total": int(len(frame)), "ran": result.n_run, "resumed": result.n_skipped}
        print(to_json(body, indent=2))
    else:
        title = one_line(getattr(scenario, "title", scenario.name))
        name = one_line(scenario.name)
        if args.lang == "en":
            print(
                f"{name}: {len(study.variants)} variants × {args.reps} replications, seed {args.seed}"
            )
        else:
            print(
                f"{title}（{name}）：{len(study.variants)} 个方案 × {args.reps} 次重复，"
                f"随机种子 {args.seed}"
            )
        print(clean(summary.to_text(args.lang, measures=split_list(args.measures) or None)))
        if args.out:
            note = (
                f"results in {args.out} ({result.n_run} runs now, {result.n_skipped} resumed)"
                if args.lang == "en"
                else f"结果已写入 {args.out}（本次 {result.n_run} 次模拟，续用 {result.n_skipped} 次）"
            )
            print(clean(note), file=sys.stderr)
    return 0


def _write_outputs(args: argparse.Namespace, summary) -> None:
    from xsim.experiments.storage import figure_bytes, write_output

    # Through the manifest: listed as the study's own files, never over a file it did not write.
    write_output(args.out, "summary.json", summary.to_json().encode("utf-8"))
    if not args.no_figure:
        from xsim.experiments.figures import comparison_figure, participation_by_group

        fig = comparison_figure(summary, lang=args.lang)
        write_output(args.out, "comparison.png", figure_bytes(fig))
        if any(m.startswith("participation.") for m in summary.measures):
            fig = participation_by_group(summary, lang=args.lang)
            write_output(args.out, "participation.png", figure_bytes(fig))
