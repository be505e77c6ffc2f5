"""Claims: the simulated effects a lesson states, declared in its ``claims.yaml`` and tested.

A lesson never states a simulated effect in its prose; it shows ``course.claim("04-notice")``,
which renders the claim as a Chinese sentence with the measured numbers
(「村道硬化与集体资金使用：提前 7 天改为提前 1 天通知，及时获知比例从 100.0% 降到 0.0%（30 次模拟的平均值）」).

A claim (:class:`xsim.teaching.schema.Claim`) names a scenario, a knob and its two values, a
measure, a direction (or "no clear difference") and a margin. It is evaluated over ``seeds``
paired runs (seed ``s`` with each value): it holds when the mean difference goes the stated way by
at least the margin and its 95% interval excludes 0 — or, for "no clear difference", when the whole
interval lies within ±margin. The runs' values are stored with the course's results, keyed by
the claim's inputs and the simulation's code (:mod:`xsim.teaching.precomputed`), so a check is free
until the model changes. ``make notebooks`` stops, naming the claim, when one does not hold; so does
``tests/test_teaching_claims.py`` in ``make test``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xsim.errors import InputError
from xsim.teaching.common import HtmlBlock, box, esc, note_html
from xsim.teaching.measures import format_value, measure_kind, measure_phrase
from xsim.teaching.schema import Claim

__all__ = [
    "Evidence",
    "claim_block",
    "course_claims",
    "evaluate",
    "find_claim",
    "judge",
    "samples",
    "sentence",
]

LEVEL = 0.95


@dataclass(frozen=True)
class Evidence:
    """What the simulation shows for a claim: the measure under each value, per seed."""

    claim: Claim
    before: tuple[float, ...]  # the measure with values[0], seed by seed
    after: tuple[float, ...]  # with values[1]
    mean_before: float
    mean_after: float
    diff: float  # mean of the paired differences (after − before)
    ci: tuple[float, float]  # its 95% interval
    n: int  # seeds where both runs have the measure
    holds: bool

    def verdict_zh(self) -> str:
        """Why the claim holds or not, in one Chinese line (the build's message)."""
        c = self.claim
        shown = {"higher": "更高", "lower": "更低", "none": "看不出明显差别"}[c.direction]
        return (
            f"差值 {self.diff:+.4g}（95% 区间 {self.ci[0]:+.4g} 到 {self.ci[1]:+.4g}，{self.n} 次），"
            f"课文说“{shown}”（阈值 {c.margin:g}）"
        )


def _overrides(claim: Claim, value: Any) -> tuple[str | None, dict[str, Any]]:
    if claim.knob == "form":
        return value, dict(claim.set)
    return claim.form, {**claim.set, claim.knob: value}


def samples(claim: Claim) -> tuple[list[float], list[float]]:
    """The measure under each of the two values, seed by seed (stored when the notebooks are
    built, keyed by the claim's inputs and the simulation's code)."""
    from xsim.teaching.precomputed import stored

    def compute() -> dict[str, list[float]]:
        from xsim.sim.model import run_once

        out: dict[str, list[float]] = {"before": [], "after": []}
        for key, value in (("before", claim.values[0]), ("after", claim.values[1])):
            form, overrides = _overrides(claim, value)
            for seed in range(claim.seeds):
                row = run_once(claim.scenario, form=form, seed=seed, overrides=overrides).to_dict()
                out[key].append(_number(row.get(claim.measure)))
        return out

    inputs = {
        "scenario": claim.scenario,
        "form": claim.form,
        "knob": claim.knob,
        "values": claim.values,
        "set": claim.set,
        "measure": claim.measure,
        "seeds": claim.seeds,
    }
    data = stored("claim", inputs, compute, dict, dict, label=claim.id)
    return [_number(v) for v in data["before"]], [_number(v) for v in data["after"]]


def _number(value: Any) -> float:
    if value is None or isinstance(value, str):
        return math.nan
    return float(value)


def judge(claim: Claim, before: Sequence[float], after: Sequence[float]) -> Evidence:
    """Whether the paired samples support the claim (pure)."""
    from scipy import stats

    pairs = [
        (a, b) for a, b in zip(before, after, strict=True) if not (math.isnan(a) or math.isnan(b))
    ]
    n = len(pairs)
    if n < max(2, claim.seeds // 2):
        nan = math.nan
        return Evidence(claim, tuple(before), tuple(after), nan, nan, nan, (nan, nan), n, False)
    diffs = [b - a for a, b in pairs]
    diff = sum(diffs) / n
    sd = math.sqrt(sum((d - diff) ** 2 for d in diffs) / (n - 1))
    half = stats.t.ppf(0.5 + LEVEL / 2, n - 1) * sd / math.sqrt(n)
    low, high = diff - half, diff + half
    m = claim.margin
    if claim.direction == "higher":
        holds = diff >= m and low > 0
    elif claim.direction == "lower":
        holds = diff <= -m and high < 0
    else:
        holds = -m < low and high < m
    return Evidence(
        claim,
        tuple(before),
        tuple(after),
        sum(a for a, _ in pairs) / n,
        sum(b for _, b in pairs) / n,
        diff,
        (low, high),
        n,
        holds,
    )


def evaluate(claim: Claim) -> Evidence:
    return judge(claim, *samples(claim))


def sentence(evidence: Evidence) -> str:
    """The claim as a trainee reads it, with the measured numbers."""
    from xsim.sim.scenario import load_scenario

    c = evidence.claim
    s = load_scenario(c.scenario)
    names = {g.id: g.name for g in s.stakeholder_groups}
    what = measure_phrase(c.measure, names)
    kind = measure_kind(c.measure)
    if kind == "int" and max(abs(evidence.mean_before), abs(evidence.mean_after)) < 10:
        kind = "num"  # a mean of counts below ten: 0.15 times, not 0
    a, b = format_value(evidence.mean_before, kind), format_value(evidence.mean_after, kind)
    change = f"{c.labels[0]}改为{c.labels[1]}"
    runs = f"（{evidence.n} 次模拟的平均值）"
    if c.direction == "none":
        return f"{s.title}：{change}，{what}看不出明显差别：{a} 与 {b}{runs}。"
    verb = "升到" if evidence.mean_after >= evidence.mean_before else "降到"
    return f"{s.title}：{change}，{what}从 {a} {verb} {b}{runs}。"


def course_claims(folder=None) -> list[tuple[str, Claim]]:
    """Every claim of the course, with its lesson id, in the order of the table of contents."""
    from xsim.teaching.lessons import course_dir, load_claims_file, load_toc

    folder = folder or course_dir()
    out = []
    for entry in load_toc(folder).lessons:
        path = folder / entry.folder / "claims.yaml"
        if path.is_file():
            out += [(entry.id, c) for c in load_claims_file(path).claims]
    return out


def find_claim(claim_id: str) -> Claim:
    for _lesson, claim in course_claims():
        if claim.id == claim_id:
            return claim
    raise InputError(
        "claims.yaml", "id", f"a claim {claim_id!r}", f"课程中没有编号为 {claim_id} 的模拟结论"
    )


def claim_block(claim_id: str) -> HtmlBlock:
    """The claim as a sentence with its numbers (a lesson cell: ``course.claim("04-notice")``)."""
    evidence = evaluate(find_claim(claim_id))
    text = sentence(evidence)
    if evidence.holds:
        return HtmlBlock(box(f"<b>模拟结果</b>　{esc(text)}", "#00695c", "#e0f2f1"), text)
    # never in a built notebook (the build stops first); a live kernel after a model change says so
    warning = f"（注意：这一结论在当前模型的模拟中没有得到支持：{evidence.verdict_zh()}）"
    return HtmlBlock(note_html(esc(text + warning)), text + warning)
