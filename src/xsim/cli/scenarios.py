"""``xsim scenarios``: list the bundled scenarios (name, title, setting, forms, teaching points);
``--verify`` checks every teaching point over its seeds.

Generic over the scenario library: whatever ``scenarios/*.yaml`` holds is listed; a scenario that
does not validate is reported (exit 2) with its file, field and line.

``xsim scenarios --verify [--scenario NAME]… [--ablate MECHANISM]… [--format json]`` runs the
claims behind each teaching point (:mod:`xsim.experiments.claims`, 30 seeds or more each) and
reports whether it holds: ``{"points": [{"scenario", "id", "holds", "text", "claims"}], "ablate",
"holding", "total"}``. With a mechanism switched off (``--ablate talk``) the points that rest on
it should fail: that is what shows they teach what people do, not only what a rule does. Exit 0
when the check ran (whatever it found), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json

from xsim import vocabulary as V
from xsim.cli import ablate
from xsim.experiments.options import add_executor_arguments, make_executor_from_args
from xsim.forms import form_label


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="检验每个教学要点是否在多次模拟中成立 / check every teaching point over its seeds",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NAME",
        help="只检验这些情景，可重复 / only these scenarios (repeatable)",
    )
    add_executor_arguments(parser)
    ablate.add_argument(parser)


def summary(scenario) -> dict:
    return {
        "name": scenario.name,
        "title": scenario.title,
        "setting": scenario.setting,
        "forms": list(scenario.forms),
        "teaching_points": [p.text for p in scenario.teaching_points],
    }


def run(args: argparse.Namespace) -> int:
    from xsim.sim.scenario import list_scenarios, load_scenario

    if args.verify or args.ablate or args.scenario:
        ablated = ablate.parse(args.ablate)
        scenarios = [load_scenario(n) for n in args.scenario] or list_scenarios()
        return _verify(args, scenarios, ablated)
    rows = [summary(s) for s in list_scenarios()]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    en = args.lang == "en"
    for row in rows:
        forms = ", ".join(row["forms"]) if en else "、".join(form_label(f) for f in row["forms"])
        setting = V.label(V.SETTINGS, row["setting"], args.lang)
        print(f"{row['name']}  {row['title']}  [{setting}]")
        print(f"  {'forms' if en else '协商形式'}: {forms}")
        for point in row["teaching_points"]:
            print(f"  · {point}")
    return 0


def _verify(args: argparse.Namespace, scenarios, ablated: tuple[str, ...]) -> int:
    from xsim.experiments.claims import verify
    from xsim.experiments.limits import MAX_WORKERS, check_whole
    from xsim.sim.mechanisms import describe

    if args.workers is not None:
        check_whole(args.workers, "--workers", 1, MAX_WORKERS)
    executor = make_executor_from_args(args)
    try:
        results = [p for s in scenarios for p in verify(s, ablate=ablated, executor=executor)]
    finally:
        executor.close()
    holding = sum(p.holds for p in results)
    if args.format == "json":
        body = {
            "points": [p.to_dict() for p in results],
            "ablate": list(ablated),
            "holding": holding,
            "total": len(results),
        }
        print(json.dumps(body, ensure_ascii=False, indent=2, allow_nan=False))
        return 0
    en = args.lang == "en"
    if ablated:
        names = ", ".join(describe(m, args.lang) for m in ablated)
        print(f"switched off: {names}" if en else f"关闭的机制：{names}")
    for p in results:
        mark = "✔" if p.holds else "✘"
        print(f"{mark} {p.scenario}/{p.id}  {p.text}")
    print(
        f"{holding} of {len(results)} teaching points hold"
        if en
        else f"共 {len(results)} 个教学要点，{holding} 个成立"
    )
    return 0
