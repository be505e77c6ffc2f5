"""Scenario discovery: which parameter ranges flip a ranking (PRIM from the EMA Workbench), and the
plain-language sentence that says it (for ``xsim compare --uncertainty``, the decision memo, the
demo and lesson 08).

PRIM (Friedman & Fisher 1999, as implemented in ``ema_workbench.analysis.prim``; Kwakkel 2017)
peels the parameter box until it holds mostly the parameter sets in which the ranking flips. A
policy team needs a statement it can check, so the box reported is a simple one: among the boxes on
PRIM's peeling trajectory that restrict at most :data:`MAX_DIMS` parameters and keep at least
:data:`MIN_COVERAGE` of the flipped sets, the densest; it is reported only if its density is at
least :data:`MIN_LIFT` times the share of flipped sets overall (else no range explains the flip).
Its restricted dimensions are the drivers ``[{parameter, low, high}]``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

#: a reported box restricts at most this many parameters
MAX_DIMS = 2
#: … keeps at least this share of the flipped sets
MIN_COVERAGE = 0.5
#: … and holds flips at least this many times more often than the whole range does
MIN_LIFT = 1.5
#: fewer flipped sets than this: no box is looked for (drivers = [])
MIN_FLIPS = 3


def _prim():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # optional back-ends the kit does not use
        logging.getLogger("EMA").setLevel(logging.ERROR)
        from ema_workbench.analysis import prim
    return prim


def drivers(sets: pd.DataFrame, flipped: np.ndarray, ranges: Mapping) -> list[dict]:
    """The parameter ranges (PRIM box) in which the ranking flips; [] when flips are too rare."""
    flipped = np.asarray(flipped, dtype=bool)
    if flipped.sum() < MIN_FLIPS or flipped.all():
        return []
    prim = _prim()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(sets.reset_index(drop=True), flipped, peel_alpha=0.05).find_box()
    if box is None:
        return []
    trajectory = box.peeling_trajectory
    simple = trajectory[
        (trajectory["res_dim"] >= 1)
        & (trajectory["res_dim"] <= MAX_DIMS)
        & (trajectory["coverage"] >= MIN_COVERAGE)
    ]
    if simple.empty:
        return []
    index = int(simple["density"].idxmax())
    if trajectory.loc[index, "density"] < MIN_LIFT * flipped.mean():
        return []
    limits = box.box_lims[index]
    initial = box.box_lims[0]
    out = []
    for name in sets.columns:
        low, high = float(limits[name].iloc[0]), float(limits[name].iloc[1])
        low0, high0 = float(initial[name].iloc[0]), float(initial[name].iloc[1])
        if np.isclose(low, low0) and np.isclose(high, high0):
            continue
        lo = None if np.isclose(low, low0) else round(low, 4)
        hi = None if np.isclose(high, high0) else round(high, 4)
        out.append({"parameter": name, "low": lo, "high": hi})
    return out


def _num(x: float, lang: str) -> str:
    text = f"{x:.3g}"
    return text.replace("-", "−") if lang != "en" else text


def _driver_phrase(d: dict, ranges: Mapping, lang: str) -> str:
    name = ranges[d["parameter"]].label(lang) if d["parameter"] in ranges else d["parameter"]
    low, high = d["low"], d["high"]
    if lang == "en":
        if low is None:
            return f"{name} is below {_num(high, lang)}"
        if high is None:
            return f"{name} is above {_num(low, lang)}"
        return f"{name} is between {_num(low, lang)} and {_num(high, lang)}"
    if low is None:
        return f"{name}低于 {_num(high, lang)}"
    if high is None:
        return f"{name}高于 {_num(low, lang)}"
    return f"{name}在 {_num(low, lang)} 到 {_num(high, lang)} 之间"


def pair_sentence(pair: dict, ranges: Mapping, lang: str = "zh") -> str:
    """「在 84% 的合理参数下，民主听证会的参与率高于业主协商；当出席基准低于 −2.4 时结论反转」.

    The percentage counts only the sets in which the first form is strictly better; sets in which
    the two are equal are said as such (「在 76% 下两者相同」), never counted as half a win."""
    from xsim.experiments.labels import form_label, measure_label
    from xsim.experiments.uncertainty import shares

    a_wins, b_wins, tie = shares(pair)
    first, second = (pair["a"], pair["b"]) if a_wins >= b_wins else (pair["b"], pair["a"])
    wins, losses = max(a_wins, b_wins), min(a_wins, b_wins)
    higher = pair.get("direction", 1) > 0
    a, b = form_label(first, lang), form_label(second, lang)
    m = measure_label(pair["measure"], lang)
    pct, same = f"{round(100 * wins)}%", f"{round(100 * tie)}%"
    phrases = [_driver_phrase(d, ranges, lang) for d in pair.get("drivers", [])]
    if lang == "en":
        if wins == 0:
            return f"Under every plausible parameter set drawn, {m} is the same with {a} and {b}."
        word = "higher" if higher else "lower"
        head = f"Under {pct} of plausible parameter sets, {m} is {word} with {a} than with {b}"
        if tie > 0:
            head += f", and the same under {same}"
        if losses == 0:
            return head + (
                "; the ranking never flips." if tie == 0 else "; it is never the other way round."
            )
        if phrases:
            return head + "; the ranking flips when " + " and ".join(phrases) + "."
        return head + "; no single parameter range explains when it flips."
    if wins == 0:
        return f"在所有抽到的合理参数下，{a}与{b}的{m}都相同。"
    word = "高于" if higher else "低于"
    head = f"在 {pct} 的合理参数下，{a}的{m}{word}{b}"
    if tie > 0:
        head += f"，在 {same} 下两者相同"
    if losses == 0:
        return head + (
            "；在所有抽到的参数下结论都不变。" if tie == 0 else "；没有一组参数下结论反过来。"
        )
    if phrases:
        joined = "，且".join(phrases)
        gap = " " if joined[-1].isdigit() else ""
        return head + "；当" + joined + gap + "时结论反转。"
    return head + "；没有哪一段参数范围能单独说明何时反转。"
