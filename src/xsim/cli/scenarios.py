"""``xsim scenarios``: list the bundled scenarios (name, title, setting, forms, teaching points).

Generic over the scenario library: whatever ``scenarios/*.yaml`` holds is listed; a scenario that
does not validate is reported (exit 2) with its file, field and line.
"""

from __future__ import annotations

import argparse
import json

from xsim import vocabulary as V


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "json"], default="text")


def summary(scenario) -> dict:
    return {
        "name": scenario.name,
        "title": scenario.title,
        "setting": scenario.setting,
        "forms": list(scenario.forms),
        "teaching_points": list(scenario.teaching_points),
    }


def run(args: argparse.Namespace) -> int:
    from xsim.sim.scenario import list_scenarios

    rows = [summary(s) for s in list_scenarios()]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    en = args.lang == "en"
    for row in rows:
        forms = (
            ", ".join(row["forms"]) if en else "、".join(V.label(V.FORMS, f) for f in row["forms"])
        )
        setting = V.label(V.SETTINGS, row["setting"], args.lang)
        print(f"{row['name']}  {row['title']}  [{setting}]")
        print(f"  {'forms' if en else '协商形式'}: {forms}")
        for point in row["teaching_points"]:
            print(f"  · {point}")
    return 0
