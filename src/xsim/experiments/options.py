"""Command-line options shared by ``xsim compare`` and ``xsim sweep`` (parsing and checking).

Only the standard library and xsim.errors are imported here: building the ``xsim`` parser must stay cheap.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from xsim.errors import InputError
from xsim.experiments.limits import MAX_WORKERS, check_whole


def add_execution_arguments(parser: argparse.ArgumentParser) -> None:
    """--seed --out --resume --workers --scheduler --executor --no-progress --runner --format."""
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="研究的根随机种子（默认0）/ root seed of the study (default 0)",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="结果文件夹（Parquet分片、清单、汇总、图）/ folder for the results",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="允许 --out 为已有其他文件的文件夹（不删除、不覆盖其中任何文件）"
        " / use a non-empty --out folder (nothing in it is deleted or overwritten)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="续算 --out 中中断的研究，只运行缺少的模拟 / complete an interrupted study",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="本机工作进程数（默认：全部核心）/ local worker processes (default: all cores)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="local|tcp://HOST:PORT",
        default=None,
        help="用 Dask 运行：local 启动本机集群，tcp://… 连接已有调度器 / run on Dask",
    )
    parser.add_argument(
        "--executor",
        choices=["processes", "in-process"],
        default="processes",
        help="不用 --scheduler 时：本机多进程（默认）或当前进程 / local processes or this process",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text 供阅读（默认），json 供程序处理 / output format",
    )
    parser.add_argument("--no-progress", action="store_true", help="不显示进度条 / no progress bar")
    add_memory_argument(parser)
    parser.add_argument(
        "--runner",
        metavar="MODULE:FUNCTION",
        default=None,
        help="高级：替代 xsim.sim.model.run_once 的函数 / advanced: replacement for run_once",
    )


def add_memory_argument(parser: argparse.ArgumentParser) -> None:
    """--memory: the memory budget (checked before anything is built or started)."""
    parser.add_argument(
        "--memory",
        metavar="SIZE",
        default=None,
        help="内存预算，如 4G、512M 或 50%%（默认：本机内存的一半）；超出则不运行"
        " / memory budget, e.g. 4G or 50%% (default: half of this machine's memory)",
    )


def check_study_memory(args: argparse.Namespace, study, n_boot: int = 2000, reps=None) -> None:
    """Estimate the study's peak memory and refuse above ``--memory`` (before workers start).

    ``reps``: the most replications it may reach (``--max-reps`` with ``--precision``)."""
    import copy

    from xsim.experiments.budget import executor_kind, parse_memory, study_budget_check
    from xsim.experiments.executors import default_workers

    budget = parse_memory(args.memory)
    kind = executor_kind(args.executor, args.scheduler)
    workers = args.workers or default_workers()
    if reps is not None and reps != study.reps:
        study = copy.copy(study)
        study.reps = reps
    study_budget_check(
        study,
        workers=workers,
        executor=kind,
        n_boot=n_boot,
        in_memory=not args.out,
        budget=budget,
    )


def check_execution_arguments(args: argparse.Namespace) -> None:
    if args.seed is not None and args.seed < 0:
        raise InputError(
            "<options>", "--seed", "a non-negative whole number", "随机种子应为非负整数"
        )
    if args.workers is not None:
        check_whole(args.workers, "--workers", 1, MAX_WORKERS)
    if getattr(args, "memory", None) is not None:
        from xsim.experiments.budget import parse_memory

        parse_memory(args.memory)
    if args.resume and not args.out:
        raise InputError(
            "<options>",
            "--resume",
            "--out DIR naming the study folder to resume",
            "使用 --resume 时须用 --out 指定要续算的研究文件夹",
        )


def load_runner(spec: str | None):
    """``module:function`` → the callable (None → the model's ``run_once``)."""
    if spec is None:
        return None
    module_name, _, attr = spec.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError, ValueError) as exc:
        raise InputError(
            "<options>",
            "--runner",
            f"an importable MODULE:FUNCTION ({exc})",
            f"应为可导入的 模块:函数（{exc}）",
        ) from None


def parse_value(text: str, field: str = "") -> Any:
    """A command-line value read like scenario YAML (the one parser, :func:`xsim.io.parse_value`):
    ``3`` → 3, ``true`` → True, ``[a, b]`` → list; aliases, tags and NaN raise ``InputError``."""
    from xsim.io import parse_value as read_value

    return read_value(text, field)


def parse_assignment(text: str, option: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise InputError(
            "<options>", option, f"KEY=VALUE (got '{text}')", f"应为 键=值（实际为「{text}」）"
        )
    return key.strip(), value.strip()


def split_list(text: str | None) -> list[str]:
    return [item.strip() for item in (text or "").split(",") if item.strip()]


def check_out_folder(args: argparse.Namespace, study, kind: str) -> None:
    """Apply the ``--out`` folder policy before workers start (nothing is written here)."""
    if not args.out:
        return
    from xsim.experiments.storage import ResultStore

    ResultStore.check(
        args.out,
        study.manifest(),
        study.fingerprint(),
        resume=args.resume,
        force=getattr(args, "force", False),
        kind=kind,
    )


def announce(args: argparse.Namespace, study, executor) -> None:
    """State the study's size (runs, workers, estimated time) on stderr before it starts."""
    import sys

    from xsim.io.terminal import clean

    study.probe()  # one run here: its duration gives the estimate
    print(clean(study.size_text(executor.workers, args.lang)), file=sys.stderr)


def report_quarantine(args: argparse.Namespace, result) -> None:
    """One line per damaged part moved into quarantine/ on --resume (its runs were redone)."""
    import sys

    from xsim.io.terminal import clean

    for name, problem in result.quarantined:
        text = (
            f"{args.out}/{name}: damaged ({problem}); moved to quarantine/, its runs were redone"
            if args.lang == "en"
            else f"{args.out}/{name}：结果分片已损坏（{problem}），已移入 quarantine/，其中的模拟已重做"
        )
        print(clean(text), file=sys.stderr)


def make_executor_from_args(args: argparse.Namespace):
    from xsim.experiments.executors import make_executor

    return make_executor(args.executor, workers=args.workers, scheduler=args.scheduler)
