"""``xsim compare --uncertainty N``: the forms at the default parameters (intervals over replications)
and under N plausible parameter sets (how often each form beats each other, and what flips it).

The study folder (``--out``) holds the rows of both, ``summary.json`` (the default parameters, as a
plain comparison) and ``uncertainty.json`` (the block below); ``xsim report`` reads it.
"""

from __future__ import annotations

import argparse

from xsim.errors import InputError
from xsim.experiments.options import load_runner
from xsim.io.terminal import clean, one_line, to_json


def parse_sets(value: str) -> int:
    """The N of ``--uncertainty N``: a whole number from 2 to MAX_SETS, or one clear message."""
    from xsim.experiments.uncertainty import MAX_SETS, check_sets

    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        raise InputError(
            "<options>",
            "--uncertainty",
            f"a whole number from 2 to {MAX_SETS} (got {value!r})",
            f"--uncertainty 应为 2 到 {MAX_SETS} 之间的整数（实际为 {value!r}）",
        ) from None
    return check_sets(number)


def run_uncertainty(args: argparse.Namespace, scenario, forms: list[str], shown) -> int:
    from xsim.experiments.discovery import pair_sentence
    from xsim.experiments.uncertainty import HEADLINE, analyse, make_study

    n_sets = parse_sets(args.uncertainty)
    for flag, value in (("--vary", args.vary), ("--precision", args.precision)):
        if value:
            raise InputError(
                "<options>",
                flag,
                f"either {flag} or --uncertainty, not both",
                f"{flag} 与 --uncertainty 不能同时使用",
            )
    study, sets, ranges = make_study(
        scenario,
        forms,
        n_sets,
        args.reps,
        args.seed,
        runner=load_runner(args.runner),
        ranges_path=args.ranges,
        with_defaults=True,
    )
    from xsim.cli.compare import run_study
    from xsim.experiments.options import check_study_memory

    check_study_memory(args, study, args.boot)  # the whole uncertainty study, before any run
    result = run_study(args, study)
    if result is None:
        return 1
    rows = result.rows
    defaults = rows[~rows["variant"].str.contains("@", regex=False)]
    block = analyse(rows, sets, forms, ranges, HEADLINE, reps=study.reps)
    for pair in block["pairs"]:
        pair["sentence"] = {
            "zh": pair_sentence(pair, ranges, "zh"),
            "en": pair_sentence(pair, ranges, "en"),
        }
    summary = _summary(study, defaults, args)
    if args.out:
        from xsim.cli.compare import _write_outputs
        from xsim.experiments.storage import write_output

        _write_outputs(args, summary)  # summary.json and the figures, as a plain comparison
        write_output(args.out, "uncertainty.json", to_json(block, indent=2).encode("utf-8"))
    runs = {"total": int(len(rows)), "ran": result.n_run, "resumed": result.n_skipped}
    if args.format == "json":
        body = summary.to_dict()
        body["uncertainty"] = block
        body["study"] = study.manifest()
        body["runs"] = runs
        print(to_json(body, indent=2))
        return 0
    name = one_line(scenario.name)
    if args.lang == "en":
        print(
            f"{name}: {len(forms)} forms × {study.reps} replications at the default parameters "
            f"and under {n_sets} plausible parameter sets, seed {args.seed}"
        )
    else:
        title = one_line(getattr(scenario, "title", name))
        print(
            f"{title}（{name}）：{len(forms)} 种形式 × {study.reps} 次重复，默认参数及 "
            f"{n_sets} 组合理参数，随机种子 {args.seed}"
        )
    print(clean(summary.to_text(args.lang, measures=shown)))
    print()
    print("Robustness over plausible parameters:" if args.lang == "en" else "结论的稳健性：")
    for pair in block["pairs"]:
        print(clean("- " + pair["sentence"]["en" if args.lang == "en" else "zh"]))
    return 0


def _summary(study, defaults, args):
    from xsim.experiments.summary import summarize

    return summarize(defaults, baseline=args.baseline, n_boot=args.boot, seed=args.seed)
