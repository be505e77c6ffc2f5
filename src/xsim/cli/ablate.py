"""``--ablate MECHANISM`` (repeatable): switch one of the model's mechanisms off.

Shared by ``xsim run``, ``xsim compare``, ``xsim validate`` and ``xsim scenarios --verify``. The
names are :data:`xsim.sim.mechanisms.MECHANISMS`; an unknown name is an input error that lists
them (exit 2). Light: imports only the registry (standard library).
"""

from __future__ import annotations

import argparse
import difflib

from xsim.errors import InputError


def add_argument(parser: argparse.ArgumentParser) -> None:
    from xsim.sim.mechanisms import MECHANISMS

    parser.add_argument(
        "--ablate",
        action="append",
        default=[],
        metavar="MECHANISM",
        help="关闭模型的一个机制，可重复 / switch a mechanism off (repeatable): "
        + ", ".join(MECHANISMS),
    )


def parse(values: list[str] | None) -> tuple[str, ...]:
    """The mechanisms named, in the registry's order; an unknown one → ``InputError``."""
    from xsim.sim.mechanisms import MECHANISMS

    chosen = []
    for raw in values or []:
        name = str(raw).strip()
        if name not in MECHANISMS:
            near = difflib.get_close_matches(name, list(MECHANISMS), n=1)
            valid = ", ".join(MECHANISMS)
            listed = "、".join(f"{k}（{m.zh}）" for k, m in MECHANISMS.items())
            raise InputError(
                "--ablate",
                "",
                f"one of: {valid}; got {name[:40]!r}"
                + (f" (did you mean {near[0]!r}?)" if near else ""),
                f"没有「{name[:40]}」这个机制"
                + (f"（是否应为「{near[0]}」？）" if near else "")
                + f"；可选：{listed}",
            )
        chosen.append(name)
    return tuple(k for k in MECHANISMS if k in chosen)
