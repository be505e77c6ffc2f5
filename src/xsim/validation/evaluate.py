"""Run each target's statistic, judge it against its tolerance, and report (text zh/en, JSON)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xsim.validation.statistics import STATISTICS, Estimate
from xsim.validation.targets import Target


@dataclass(frozen=True)
class Result:
    target: Target
    estimate: Estimate
    holds: bool
    seconds: float

    @property
    def gap(self) -> float:
        """How far the estimate is from the tolerance (0 when it holds; NaN when not computable)."""
        e, t = self.estimate, self.target.tolerance
        if self.holds:
            return 0.0
        if math.isnan(e.value):
            return math.nan
        if t.range is not None:
            return min(abs(e.value - t.range[0]), abs(e.value - t.range[1]))
        if t.above is not None:
            return t.above - e.low if not math.isnan(e.low) else math.nan
        return e.high - t.below if not math.isnan(e.high) else math.nan

    def to_dict(self) -> dict[str, Any]:
        def clean(x: float):
            return None if x is None or math.isnan(x) else float(x)

        t, e = self.target, self.estimate
        return {
            "id": t.id,
            "family": t.family,
            "kind": t.kind,
            "pattern": t.pattern.model_dump(),
            "observed": t.observed.model_dump(),
            "source": t.source.model_dump(),
            "statistic": t.statistic,
            "model": {
                "value": clean(e.value),
                "ci_low": clean(e.low),
                "ci_high": clean(e.high),
                "level": 0.95,
                "n": e.n,
                "note": e.note,
            },
            "tolerance": t.tolerance.model_dump(),
            "holds": self.holds,
            "gap": clean(self.gap),
            "seconds": round(self.seconds, 2),
        }


def evaluate_target(target: Target, *, fast: bool = False, seed: int = 0) -> Result:
    start = time.monotonic()
    estimate = STATISTICS[target.statistic](fast, seed)
    holds = not math.isnan(estimate.value) and target.tolerance.holds(
        estimate.value, estimate.low, estimate.high
    )
    return Result(target, estimate, holds, time.monotonic() - start)


@dataclass
class Report:
    results: list[Result]
    fast: bool
    seed: int

    @property
    def all_hold(self) -> bool:
        return all(r.holds for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": "fast" if self.fast else "full",
            "seed": self.seed,
            "n_targets": len(self.results),
            "n_hold": sum(r.holds for r in self.results),
            "all_hold": self.all_hold,
            "targets": [r.to_dict() for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self, lang: str = "zh") -> str:
        from xsim.experiments.summary import text_table

        en = lang == "en"
        head = (
            ["target", "observed", "model [95% CI]", "tolerance", "holds"]
            if en
            else ["目标", "观察值", "模型值 [95% 区间]", "容差", "是否成立"]
        )
        rows, details = [], []
        for r in self.results:
            t, e = r.target, r.estimate
            observed = f"{t.observed.value:g}" if t.observed.value is not None else "—"
            if math.isnan(e.value):
                model = "n/a" if en else "无法计算"
            elif e.low == e.high:
                model = f"{e.value:.4g}"
            else:
                model = f"{e.value:.3g} [{e.low:.3g}, {e.high:.3g}]"
            verdict = ("yes" if en else "成立") if r.holds else ("NO" if en else "不成立")
            rows.append([t.id, observed, model, t.tolerance.describe(lang), verdict])
            number = t.observed.text.get(lang)
            if not t.observed.number_found:
                number += (
                    " — no number found, qualitative pattern"
                    if en
                    else "——未找到数字，仅检验定性规律"
                )
            lines = [
                f"{t.id}: {t.pattern.get(lang)}",
                f"    {'observed' if en else '观察'}: {number}",
                f"    {'source' if en else '来源'}: {t.source.cite()}",
                f"    {'tolerance' if en else '容差'}: {t.tolerance.describe(lang)} — "
                f"{t.tolerance.why.get(lang)}",
            ]
            if e.note:
                lines.append(f"    {'note' if en else '说明'}: {e.note}")
            if not r.holds and not math.isnan(r.gap):
                lines.append(f"    {'off by' if en else '相差'}: {r.gap:.3g}")
            details.append("\n".join(lines))
        held = sum(r.holds for r in self.results)
        variant = ("fast" if self.fast else "full") if en else ("快速" if self.fast else "完整")
        title = (
            f"Validation ({variant} variant, seed {self.seed}): {held} of {len(rows)} targets hold"
            if en
            else f"模型验证（{variant}版，随机种子 {self.seed}）：{len(rows)} 个目标中 {held} 个成立"
        )
        return "\n".join([title, *text_table(head, rows), "", *details])


def evaluate(
    targets: Sequence[Target], *, fast: bool = False, seed: int = 0, progress=None
) -> Report:
    """Every target's result, in table order. ``progress(result)`` is called after each."""
    results = []
    for target in targets:
        result = evaluate_target(target, fast=fast, seed=seed)
        results.append(result)
        if progress is not None:
            progress(result)
    return Report(results, fast, seed)
