"""``xsim validate``: compare the model with observed patterns (the validation target table).

    xsim validate                 # every target, full variant (≤ 5 minutes)
    xsim validate --fast          # fewer replications (the variant `make test` runs, ≤ 60 s)
    xsim validate --only K-DW-CLUSTERS,M-ZG-KNOWLEDGE --format json --lang en
    xsim validate --ablations     # each model target again with its mechanism switched off
    xsim validate --ablate talk   # every target with talk switched off

Prints, per target: id, role, the observed pattern and number, its source, the model's value with
a 95% interval, the tolerance, and whether it holds; with ``--ablations`` also the value without
the target's mechanism (``ablation: {mechanism, value, holds}`` in JSON). Exit 0 when every target
holds (plausibility checks never fail the run) and, with ``--ablations``, every counted validation
target fails without its mechanism; 1 otherwise; 2 on bad input (an unreadable or malformed
--targets file, an unknown --only id or --ablate mechanism).
"""

from __future__ import annotations

import argparse
import sys

from xsim.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fast",
        action="store_true",
        help="快速版：较少的重复次数（make test 所用）/ fewer replications (the test-suite variant)",
    )
    parser.add_argument(
        "--format", choices=["text", "json"], default="text", help="输出格式 / output format"
    )
    parser.add_argument(
        "--only", default=None, help="只验证这些目标编号，逗号分隔 / only these target ids"
    )
    parser.add_argument(
        "--kind",
        choices=["all", "kernel", "model"],
        default="all",
        help="只验证模型核（kernel）或整体模型（model）的目标 / only kernel or model targets",
    )
    parser.add_argument(
        "--targets", default=None, help="目标表 YAML 文件（默认：内置）/ target table YAML"
    )
    parser.add_argument("--seed", type=int, default=0, help="随机种子（默认0）/ random seed")
    parser.add_argument(
        "--ablations",
        action="store_true",
        help="每个整体模型目标再关闭其所检验的机制评估一次 / re-evaluate each model target "
        "with its mechanism switched off",
    )
    parser.add_argument(
        "--ablate",
        action="append",
        default=[],
        metavar="MECH",
        help="关闭某一机制后评估全部目标（可重复或逗号分隔）/ switch a mechanism off for every run",
    )


def run(args: argparse.Namespace) -> int:
    from xsim.validation.ablation import known_mechanisms
    from xsim.validation.evaluate import evaluate
    from xsim.validation.targets import load_targets

    if args.seed < 0:
        raise InputError(
            "<options>", "--seed", "a non-negative whole number", "随机种子应为非负整数"
        )
    ablate = [m.strip() for a in args.ablate for m in a.split(",") if m.strip()]
    unknown_mech = [m for m in ablate if m not in known_mechanisms()]
    if unknown_mech or (args.ablate and not ablate):
        known = sorted(known_mechanisms())
        raise InputError(
            "<options>",
            "--ablate",
            f"mechanisms among: {', '.join(known)} (unknown: {', '.join(unknown_mech)})",
            f"应为以下机制：{'、'.join(known)}（未知：{'、'.join(unknown_mech)}）",
        )
    targets = load_targets(args.targets)
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        known = {t.id for t in targets}
        unknown = [w for w in wanted if w not in known]
        if unknown or not wanted:
            raise InputError(
                "<options>",
                "--only",
                f"target ids among: {', '.join(sorted(known))} (unknown: {', '.join(unknown)})",
                f"应为以下目标编号：{'、'.join(sorted(known))}（未知：{'、'.join(unknown)}）",
            )
        targets = [t for t in targets if t.id in wanted]
    if args.kind != "all":
        targets = [t for t in targets if t.kind == args.kind]

    def progress(result) -> None:
        if args.format == "text" and sys.stderr.isatty():
            mark = "✓" if result.holds else "✗"
            print(f"{mark} {result.target.id} ({result.seconds:.1f} s)", file=sys.stderr)

    report = evaluate(
        targets,
        fast=args.fast,
        seed=args.seed,
        ablations=args.ablations,
        ablate=tuple(ablate),
        progress=progress,
    )
    print(report.to_json() if args.format == "json" else report.to_text(args.lang))
    return 0 if report.ok else 1
