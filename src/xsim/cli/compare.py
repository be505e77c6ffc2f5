"""``xsim compare``: compare forms (and settings) of a scenario over many replications.

    xsim compare elevator_retrofit --forms owners,hearing --reps 100 --seed 1 --out out/elevator

One row per run is streamed to Parquet files in ``--out`` as runs finish; the table gives each
variant's mean with a 95% interval (Wilson for proportions, BCa otherwise) and the differences
against the baseline (the first variant unless ``--baseline``), paired by replication, with effect
sizes (see :mod:`xsim.experiments.stats`). ``--precision 0.02 --max-reps 1000`` adds replications in
batches until every reported interval is that narrow; ``--measures all`` shows every measure. ``--vary organizer.notice_days=3,7`` crosses the forms with parameter values;
``--set KEY=VALUE`` changes the scenario for every variant. ``--uncertainty N`` also runs every form
under N parameter sets drawn from the plausible ranges and reports, per pair of forms and headline
measure, the probability that A beats B and the parameter ranges that flip the ranking
(:mod:`xsim.experiments.uncertainty`). Heavy imports happen inside ``run``.
"""

from __future__ import annotations

import argparse
import itertools
import sys

from xsim.errors import InputError
from xsim.experiments.budget import parse_memory
from xsim.experiments.limits import MAX_BOOT, MAX_REPS, MIN_BOOT, check_variants, check_whole
from xsim.experiments.options import (
    add_execution_arguments,
    announce,
    check_execution_arguments,
    check_out_folder,
    check_study_memory,
    load_runner,
    parse_assignment,
    parse_value,
    report_quarantine,
    split_list,
)
from xsim.io.terminal import clean, one_line, to_json


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
        help="文本表中的指标，逗号分隔，或 all 表示全部（默认：主要指标；JSON含全部）"
        " / measures for the text table, or all",
    )
    parser.add_argument(
        "--precision",
        type=float,
        default=None,
        metavar="HALF_WIDTH",
        help="分批增加重复次数，直到每个区间的半宽不超过此值（0–1 的指标为绝对值，其余为相对均值）"
        " / add replications until every interval's half-width is at most this",
    )
    parser.add_argument(
        "--max-reps",
        type=int,
        default=1000,
        help="配合 --precision：每个方案最多重复次数（默认1000）/ cap on replications with --precision",
    )
    parser.add_argument(
        "--boot", type=int, default=2000, help="自助法重抽样次数（默认2000）/ bootstrap resamples"
    )
    parser.add_argument("--no-figure", action="store_true", help="不在 --out 中生成图 / no figures")
    parser.add_argument(
        "--uncertainty",
        default=None,
        metavar="N",
        help="再在 N 组合理参数下比较，报告结论多稳健（2–5000）/ also compare under N plausible "
        "parameter sets and report how robust the ranking is",
    )
    parser.add_argument(
        "--ranges",
        default=None,
        metavar="YAML",
        help="配合 --uncertainty：参数范围文件（默认内置）/ parameter ranges for --uncertainty",
    )
    add_execution_arguments(parser)


def count_variants(forms: list[str], vary: list[str]) -> int:
    """How many variants ``forms`` × ``--vary`` make, counted before any is built."""
    total = max(len(forms), 1)
    for item in vary:
        _, values = parse_assignment(item, "--vary")
        total *= max(len(split_list(values)), 1)
    return total


def build_variants(forms: list[str], vary: list[str], reps: int = 1) -> list[dict]:
    """Forms × every combination of the --vary values (one variant per combination).

    The number of variants (and of runs, with ``reps``) is checked first: a product of four
    ``--vary`` lists is refused before a single variant is built."""
    check_variants(count_variants(forms, vary), reps)
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
    from xsim.experiments.study import Study, scenario_forms
    from xsim.sim.scenario import load_scenario

    check_execution_arguments(args)
    check_whole(args.reps, "--reps", 1, MAX_REPS)
    check_whole(args.boot, "--boot", MIN_BOOT, MAX_BOOT)
    most_reps = args.reps
    if args.precision is not None:
        most_reps = check_whole(args.max_reps, "--max-reps", args.reps, MAX_REPS)
    scenario = _with_set(load_scenario(args.scenario), args.set_)
    forms = split_list(args.forms) or scenario_forms(scenario) or []
    study = Study(
        scenario,
        build_variants(forms, args.vary, most_reps),
        args.reps,
        args.seed,
        runner=load_runner(args.runner),
    )
    # before the probe run, any worker or any folder: the whole study's peak memory
    check_study_memory(args, study, args.boot, reps=most_reps)
    names = [v.name for v in study.variants]
    if args.baseline is not None and args.baseline not in names:
        raise InputError(
            "<options>",
            "--baseline",
            f"one of the study's variants: {', '.join(names)} (got '{args.baseline}')",
            f"应为本研究的方案之一：{'、'.join(names)}（实际为「{args.baseline}」）",
        )
    shown = _shown_measures(args.measures)
    if shown and shown != "all":
        study.check_measures(shown)
    if args.uncertainty is not None:
        from xsim.cli.compare_uncertainty import run_uncertainty

        return run_uncertainty(args, scenario, forms, shown)
    if args.precision is not None:
        return _run_to_precision(args, study, scenario, shown)
    result = run_study(args, study)
    if result is None:
        return 1
    frame = result.rows
    summary = result.summary(baseline=args.baseline, n_boot=args.boot, seed=args.seed)
    runs = {"total": int(len(frame)), "ran": result.n_run, "resumed": result.n_skipped}
    _report(args, study, scenario, summary, shown, runs)
    return 0


def run_study(args: argparse.Namespace, study):
    """Run ``study`` on the executor the options choose, into ``--out``; None when a run failed
    (the message is printed; finished runs are kept in ``--out``)."""
    from xsim.experiments.options import make_executor_from_args
    from xsim.experiments.study import RunFailed

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
            memory=parse_memory(args.memory),
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
        print(one_line(f"{head}{err}{hint}"), file=sys.stderr)
        return None
    finally:
        executor.close()
    report_quarantine(args, result)
    return result


def _shown_measures(option: str | None):
    if option is None:
        return None
    return "all" if option.strip() == "all" else split_list(option)


def _run_to_precision(args, study, scenario, shown) -> int:
    """``--precision``: replications in batches until every reported interval is narrow enough."""
    from pathlib import Path

    from xsim.experiments.options import make_executor_from_args
    from xsim.experiments.precision import run_to_precision, write_study_folder

    if args.resume:
        raise InputError(
            "<options>",
            "--resume",
            "either --precision or --resume, not both",
            "--precision 与 --resume 不能同时使用",
        )
    if args.precision <= 0:
        raise InputError("<options>", "--precision", "a positive number", "精度应为正数")
    if args.out and Path(args.out).is_dir() and any(Path(args.out).iterdir()):
        # checked before running: the rows are written to --out only once the target is reached
        raise InputError(
            args.out,
            "--out",
            "an empty or new folder (--precision writes the study when it is done)",
            "应为空文件夹或新文件夹（--precision 在完成后写入结果）",
        )
    executor = make_executor_from_args(args)
    try:
        run = run_to_precision(
            study,
            args.precision,
            args.max_reps,
            executor=executor,
            measures=shown,
            summary_options={"baseline": args.baseline, "n_boot": args.boot, "seed": args.seed},
            progress=False if args.no_progress else None,
            memory=parse_memory(args.memory),
        )
    finally:
        executor.close()
    if args.out:
        write_study_folder(run, args.out)
    runs = {"total": int(len(run.rows)), "ran": int(len(run.rows)), "resumed": 0}
    precision = {
        "target": run.target,
        "reached": run.reached,
        "max_reps": args.max_reps,
        "batches": run.history,
    }
    _report(args, run.study, scenario, run.summary, shown, runs, precision)
    return 0


def _report(args, study, scenario, summary, shown, runs, precision=None) -> None:
    if args.out:
        _write_outputs(args, summary)
    if args.format == "json":
        body = summary.to_dict()
        body["study"] = study.manifest()
        body["runs"] = runs
        if precision is not None:
            body["precision"] = precision
        print(to_json(body, indent=2))
    else:
        title = one_line(getattr(scenario, "title", scenario.name))
        name = one_line(scenario.name)
        if args.lang == "en":
            print(
                f"{name}: {len(study.variants)} variants × {study.reps} replications, "
                f"seed {args.seed}"
            )
        else:
            print(
                f"{title}（{name}）：{len(study.variants)} 个方案 × {study.reps} 次重复，"
                f"随机种子 {args.seed}"
            )
        if precision is not None:
            print(_precision_note(precision, study.reps, args.lang))
        print(clean(summary.to_text(args.lang, measures=shown)))
        if args.out:
            note = (
                f"results in {args.out} ({runs['ran']} runs now, {runs['resumed']} resumed)"
                if args.lang == "en"
                else f"结果已写入 {args.out}（本次 {runs['ran']} 次模拟，续用 {runs['resumed']} 次）"
            )
            print(clean(note), file=sys.stderr)


def _precision_note(precision: dict, reps: int, lang: str) -> str:
    target = precision["target"]
    if lang == "en":
        state = "reached" if precision["reached"] else f"NOT reached by --max-reps {reps}"
        return f"precision ±{target:g}: {state} after {len(precision['batches'])} batches"
    state = "已达到" if precision["reached"] else f"在最多 {reps} 次重复内未达到"
    return f"精度 ±{target:g}：{state}（共 {len(precision['batches'])} 批）"


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
