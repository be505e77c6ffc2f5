"""``xsim sweep``: grids, Latin hypercubes and global sensitivity analysis of one outcome.

    xsim sweep elevator_retrofit --param organizer.notice_days=1:14 --param behaviour.epsilon=0.2:0.8 \\
        --method sobol --n 16 --reps 2 --outcome participation --out out/sweep

``--param NAME=LOW:HIGH`` is a range (whole numbers when both bounds are), ``--param NAME=a,b`` a list
of values (grid only). With ``--out`` the runs stream to Parquet (``--resume`` works as for
``compare``) and the figure goes to ``sweep.png`` / ``sensitivity.png``.
"""

from __future__ import annotations

import argparse
import json
import sys

from xsim.experiments.budget import parse_memory
from xsim.experiments.limits import MAX_REPS, MAX_SAMPLES, MAX_STEPS, check_whole
from xsim.experiments.options import (
    add_execution_arguments,
    announce,
    check_execution_arguments,
    check_out_folder,
    check_study_memory,
    load_runner,
    report_quarantine,
)
from xsim.io.terminal import clean, one_line, to_json

METHODS = ("grid", "lhs", "sobol", "morris")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "scenario", help="内置情景名或情景 YAML 文件路径 / scenario name or YAML path"
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=LOW:HIGH|V1,V2",
        help="扫描的参数：名称=下限:上限 或 名称=值1,值2，可重复 / a parameter to sweep",
    )
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="lhs",
        help="网格、拉丁超立方（lhs）、Sobol 或 Morris 敏感性分析（默认 lhs）/ method",
    )
    parser.add_argument(
        "--n",
        type=int,
        default=16,
        help="lhs：点数；sobol：基样本数（2的幂）；morris：轨迹数 / sample size",
    )
    parser.add_argument(
        "--steps", type=int, default=5, help="grid：每个范围的取值个数（默认5）/ values per range"
    )
    parser.add_argument(
        "--reps", type=int, default=3, help="每个点的重复次数（默认3）/ replications per point"
    )
    parser.add_argument(
        "--outcome",
        default="participation",
        help="分析的结果指标（默认 participation）/ outcome measure",
    )
    parser.add_argument("--form", default=None, help="各点使用的协商形式 / the form at every point")
    add_execution_arguments(parser)


def run(args: argparse.Namespace) -> int:
    import numpy as np

    from xsim.experiments.options import make_executor_from_args
    from xsim.experiments.study import RunFailed
    from xsim.experiments.sweep import Sweep, parse_parameter
    from xsim.sim.scenario import load_scenario

    check_execution_arguments(args)
    check_whole(args.reps, "--reps", 1, MAX_REPS)
    check_whole(args.n, "--n", 1, MAX_SAMPLES)
    check_whole(args.steps, "--steps", 2, MAX_STEPS)
    scenario = load_scenario(args.scenario)
    params = [parse_parameter(p) for p in args.param]
    sweep = Sweep(
        scenario,
        params,
        method=args.method,
        n=args.n,
        reps=args.reps,
        seed=args.seed,
        form=args.form,
        steps=args.steps,
        runner=load_runner(args.runner),
    )
    check_study_memory(args, sweep.study)  # before the probe run, any worker or any folder
    sweep.study.check_measures([args.outcome])
    check_out_folder(args, sweep.study, "sweep")  # before any worker starts; nothing written
    executor = make_executor_from_args(args)
    try:
        announce(args, sweep.study, executor)
        result = sweep.run(
            executor,
            out=args.out,
            resume=args.resume,
            progress=False if args.no_progress else None,
            force=args.force,
            memory=parse_memory(args.memory),
        )
    except RunFailed as err:
        head = "" if args.lang == "en" else "模拟出错："
        print(one_line(f"{head}{err}"), file=sys.stderr)
        return 1
    finally:
        executor.close()
    report_quarantine(args, result)
    frame = result.rows
    table = sweep.point_means(frame, args.outcome)
    indices = sweep.sensitivity(frame, args.outcome) if args.method in ("sobol", "morris") else None
    if args.out:
        _write_outputs(args, sweep, frame, indices)
    if args.format == "json":
        body = {
            "method": args.method,
            "outcome": args.outcome,
            "reps": args.reps,
            "seed": args.seed,
            "points": json.loads(table.to_json(orient="records")),
            "sensitivity": None if indices is None else json.loads(indices.to_json(orient="index")),
        }
        print(to_json(body, indent=2))
        return 0
    from xsim.experiments.labels import measure_label

    en = args.lang == "en"
    name, title = one_line(scenario.name), one_line(scenario.title)
    print(
        f"{name}: {args.method}, {len(sweep.points)} points × {args.reps} replications"
        if en
        else f"{title}（{name}）：{args.method}，{len(sweep.points)} 个抽样点 × {args.reps} 次重复"
    )
    if indices is None:
        shown = table.sort_values(args.outcome, ascending=False)
        # parameter values (form names, --param lists) kept on their line
        shown = shown.apply(lambda col: col.map(one_line) if col.dtype == object else col)
        with _pd_wide():
            print(
                clean(
                    shown.rename(columns={args.outcome: measure_label(args.outcome, args.lang)})
                    .head(30)
                    .to_string(float_format=lambda v: f"{v:.3f}")
                )
            )
        if len(shown) > 30:
            print(
                f"... ({len(shown) - 30} more points)"
                if en
                else f"……（另有 {len(shown) - 30} 个点）"
            )
    else:
        head = "sensitivity of" if en else "敏感性指数："
        print(f"{head} {measure_label(args.outcome, args.lang)}")
        with _pd_wide():
            print(clean(indices.to_string(float_format=lambda v: f"{v:.3f}")))
        top = indices.index[int(np.nanargmax(indices.iloc[:, 2 if args.method == "sobol" else 0]))]
        print(clean(f"most influential: {top}" if en else f"影响最大的参数：{top}"))
    return 0


class _pd_wide:
    def __enter__(self):
        import pandas as pd

        self._ctx = pd.option_context("display.width", 200, "display.max_columns", 50)
        return self._ctx.__enter__()

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def _write_outputs(args, sweep, frame, indices) -> None:
    from xsim.experiments.figures import sensitivity_figure, sweep_figure
    from xsim.experiments.storage import figure_bytes, write_output

    # Through the manifest: listed as the study's own files, never over a file it did not write.
    if indices is not None:
        write_output(
            args.out, "sensitivity.json", indices.to_json(orient="index", indent=2).encode("utf-8")
        )
        fig = sensitivity_figure(indices, outcome=args.outcome, lang=args.lang)
        write_output(args.out, "sensitivity.png", figure_bytes(fig))
    else:
        numeric = [p.name for p in sweep.params if p.is_range]
        if numeric:  # a plot against the first numeric parameter (lists may be form names)
            fig = sweep_figure(frame, numeric[0], args.outcome, lang=args.lang)
            write_output(args.out, "sweep.png", figure_bytes(fig))
