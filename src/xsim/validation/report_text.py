"""The text of ``xsim validate`` (Chinese by default, English with ``--lang en``)."""

from __future__ import annotations

import math

from xsim.sim.mechanisms import describe

ROLE = {
    "verification": ("kernel", "模型核"),
    "calibration": ("calibration", "校准"),
    "validation": ("validation", "验证"),
    "plausibility": ("plausibility", "合理性"),
}


def _model(e, en: bool) -> str:
    if math.isnan(e.value):
        return "n/a" if en else "无法计算"
    if e.low == e.high:
        return f"{e.value:.4g}"
    return f"{e.value:.3g} [{e.low:.3g}, {e.high:.3g}]"


def _yes(holds: bool, en: bool) -> str:
    return ("yes" if en else "成立") if holds else ("NO" if en else "不成立")


def report_text(report, lang: str = "zh") -> str:
    from xsim.experiments.summary import text_table

    en = lang == "en"
    with_ablation = any(r.ablation is not None for r in report.results)
    head = (
        ["target", "role", "observed", "model [95% CI]", "tolerance", "holds"]
        if en
        else ["目标", "用途", "观察值", "模型值 [95% 区间]", "容差", "是否成立"]
    )
    if with_ablation:
        head.append("without mechanism" if en else "关闭机制后")
    rows, details = [], []
    for r in report.results:
        t, e = r.target, r.estimate
        observed = f"{t.observed.value:g}" if t.observed.value is not None else "—"
        row = [
            t.id,
            ROLE[t.role][0 if en else 1],
            observed,
            _model(e, en),
            t.tolerance.describe(lang),
            _yes(r.holds, en),
        ]
        if with_ablation:
            a = r.ablation
            row.append("" if a is None else f"{_model(a.estimate, en)} {_yes(a.holds, en)}")
        rows.append(row)
        number = t.observed.text.get(lang)
        if not t.observed.number_found:
            number += (
                " — no number found, qualitative pattern" if en else "——未找到数字，仅检验定性规律"
            )
        lines = [
            f"{t.id}: {t.pattern.get(lang)}",
            f"    {'observed' if en else '观察'}: {number}",
            f"    {'source' if en else '来源'}: {t.source.cite()}",
            f"    {'tolerance' if en else '容差'}: {t.tolerance.describe(lang)} — "
            f"{t.tolerance.why.get(lang)}",
        ]
        if t.mechanism:
            lines.append(
                f"    {'mechanism' if en else '检验的机制'}: {describe(t.mechanism, lang)}"
            )
        if e.note:
            lines.append(f"    {'note' if en else '说明'}: {e.note}")
        if not r.holds and not math.isnan(r.gap):
            lines.append(f"    {'off by' if en else '相差'}: {r.gap:.3g}")
        if not r.holds and t.affects is not None:
            # the same phrase the decision memo's caveats use (xsim.report.html._miss)
            lines.append(
                f"    {'treat with caution' if en else '应谨慎看待'}: {t.affects.get(lang)}"
            )
        if r.ablation is not None and r.ablation.estimate.note:
            lines.append(
                f"    {'without mechanism' if en else '关闭机制后'}: {r.ablation.estimate.note}"
            )
        details.append("\n".join(lines))
    return "\n".join([_title(report, en), *text_table(head, rows), "", *details])


def _title(report, en: bool) -> str:
    held = sum(r.holds for r in report.results)
    counted = report.counted
    held_counted = sum(r.holds for r in counted)
    variant = ("fast" if report.fast else "full") if en else ("快速" if report.fast else "完整")
    ablate = ", ".join(report.ablate)
    if en:
        title = (
            f"Validation ({variant} variant, seed {report.seed}"
            + (f", with {ablate} switched off" if ablate else "")
            + f"): {held} of {len(report.results)} targets hold; "
            f"{held_counted} of {len(counted)} counted validation targets hold"
        )
    else:
        title = (
            f"模型验证（{variant}版，随机种子 {report.seed}"
            + (f"，关闭：{ablate}" if ablate else "")
            + f"）：{len(report.results)} 个目标中 {held} 个成立；"
            f"计入证据的 {len(counted)} 个验证目标中 {held_counted} 个成立"
        )
    if any(r.ablation is not None for r in counted):
        failing = sum(r.ablation.is_evidence for r in counted if r.ablation is not None)
        title += (
            f"; {failing} of {len(counted)} fail without their mechanism"
            if en
            else f"；其中 {failing} 个在关闭所检验的机制后不再成立"
        )
    return title
