"""The decision memo as one HTML page (Chinese by default, English with ``lang="en"``).

Self-contained except for the font: figures are embedded, the bundled CJK font is named in an
``@font-face`` rule (the PDF prints with it; a browser without the file falls back to its own
Chinese font). Every number comes from the :class:`xsim.report.memo.Memo`.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import math

from xsim.report.memo import Memo

CSS = """
@font-face { font-family: "Xsim Sans"; src: url("FONT_URL"); }
@page { size: A4; margin: 16mm 15mm 16mm 15mm; }
html { font-family: "Xsim Sans", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       font-size: 10.5pt; line-height: 1.6; color: #111; }
body { margin: 0 auto; max-width: 190mm; }
h1 { font-size: 17pt; margin: 0 0 4pt; } h2 { font-size: 13pt; margin: 14pt 0 4pt;
     border-bottom: 1px solid #999; break-after: avoid; } .meta { color: #555; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt; }
tr { break-inside: avoid; }
th, td { border: 1px solid #aaa; padding: 2pt 5pt; vertical-align: top; font-size: 9.5pt; }
th { background: #f1ede6; text-align: left; }
td.num { text-align: right; white-space: nowrap; }
.lead { background: #f7f4ee; border-left: 4px solid #6d4c41; padding: 6pt 10pt; margin: 6pt 0; }
img { max-width: 100%; height: auto; break-inside: avoid; }
.no { color: #b71c1c; font-weight: bold; white-space: nowrap; }
.yes { color: #1b5e20; white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 8.5pt; overflow-wrap: anywhere; }
"""

T = {
    "title": ("Decision memo", "决策备忘录"),
    "question": ("1. The question", "一、要决定的问题"),
    "compared": ("2. What was compared", "二、比较了什么"),
    "results": ("3. Headline results", "三、主要结果"),
    "robust": ("4. How robust the results are", "四、结论有多稳健"),
    "drivers": ("5. What drives them", "五、什么在左右结论"),
    "validation": (
        "6. Which observed patterns the model reproduces",
        "六、模型能否重现实际观察到的规律",
    ),
    "caveats": ("7. Assumptions and caveats", "七、假设与注意事项"),
    "reproduce": ("8. How to reproduce", "八、如何重现"),
    "figures": ("Figures of the study", "本研究的图"),
}


def _t(key: str, lang: str) -> str:
    en, zh = T[key]
    return en if lang == "en" else zh


def esc(text) -> str:
    return html.escape(str(text), quote=True)


def _num(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3f}" if abs(x) < 1 else f"{x:.2f}"


def _form(name: str, lang: str) -> str:
    from xsim.experiments.labels import form_label

    return form_label(name, lang)


def _variant(name: str, lang: str) -> str:
    from xsim.experiments.labels import variant_label

    return variant_label(name, lang)


def _measure(name: str, lang: str) -> str:
    from xsim.experiments.labels import measure_label

    return measure_label(name, lang)


def _question(memo: Memo, lang: str) -> str:
    forms = ("、" if lang != "en" else ", ").join(_form(f, lang) for f in memo.forms)
    if lang == "en":
        lead = f"{esc(memo.title)}: which form of consultation — {esc(forms)}?"
    else:
        lead = f"{esc(memo.title)}：在{esc(forms)}中，采用哪一种协商形式？"
    story = f"<p>{esc(memo.narrative)}</p>" if memo.narrative else ""
    return f"<h2>{_t('question', lang)}</h2><div class='lead'>{lead}</div>{story}"


def _compared(memo: Memo, lang: str) -> str:
    items = "".join(f"<li>{esc(_form(f, lang))}</li>" for f in memo.forms)
    if lang == "en":
        text = (
            f"Each form was simulated {memo.reps} times on the same {memo.reps} random seeds "
            f"(root seed {memo.seed}), so that differences are paired run by run."
        )
    else:
        text = (
            f"每种形式在相同的 {memo.reps} 组随机种子下各模拟 {memo.reps} 次（根种子 {memo.seed}），"
            "差值按同一组种子配对计算。"
        )
    return f"<h2>{_t('compared', lang)}</h2><ul>{items}</ul><p>{text}</p>"


def _leaders(memo: Memo, measure: str):
    """The rows of the forms doing best on ``measure`` at the scenario's own parameters (all that
    share the best mean), and all the measure's rows; ``None`` when the study has no such rows."""
    from xsim.experiments.uncertainty import direction

    table = memo.summary.table
    rows = table[table.measure == measure]
    if rows.empty:
        return None
    ordered = rows.sort_values("mean", ascending=direction(measure) < 0, kind="stable")
    return ordered[ordered["mean"] == ordered["mean"].iloc[0]], rows


def _best_sentence(memo: Memo, measure: str, lang: str) -> str:
    """Which form does best on ``measure`` — or highest, for a measure with no better side (the
    measure registry's "none": adopting a bad plan is no success); forms with the same mean are
    named together, and a measure equal under every form is said to be so."""
    from xsim.sim.measures import MEASURES

    found = _leaders(memo, measure)
    if found is None:
        return ""
    tied, rows = found
    best = tied.iloc[0]
    m = _measure(measure, lang)
    value = _num(best["mean"])
    if len(tied) == len(rows) > 1:
        if lang == "en":
            return f"<li>{esc(m)}: the same with every form ({value})</li>"
        return f"<li>{esc(m)}：各形式相同（{value}）</li>"
    entry = MEASURES.get(measure)
    judged = entry is None or entry.direction != "none"
    interval = f"{_num(best.ci_low)}–{_num(best.ci_high)}"
    if lang == "en":
        forms = " and ".join(_variant(str(v), lang) for v in tied.variant)
        word = "best" if judged else "highest"
        return f"<li>{esc(m)}: {word} with {esc(forms)} ({value}, 95% interval {interval})</li>"
    forms = "、".join(_variant(str(v), lang) for v in tied.variant)
    word = (
        ("最好" if judged else "最高") if len(tied) == 1 else ("并列最好" if judged else "并列最高")
    )
    return f"<li>{esc(m)}：{esc(forms)}{word}（{value}，95% 区间 {interval}）</li>"


def _results(memo: Memo, lang: str) -> str:
    s = memo.summary
    head = "".join(f"<th>{esc(_variant(v, lang))}</th>" for v in s.variants)
    body = []
    for measure in memo.measures:
        cells = []
        for v in s.variants:
            try:
                e = s.estimate(v, measure)
            except KeyError:
                cells.append("<td class='num'>—</td>")
                continue
            cells.append(
                f"<td class='num'>{_num(e['mean'])}<br><span class='meta'>"
                f"[{_num(e['ci_low'])}, {_num(e['ci_high'])}]</span></td>"
            )
        body.append(f"<tr><th>{esc(_measure(measure, lang))}</th>{''.join(cells)}</tr>")
    label = "measure (mean, [95% interval])" if lang == "en" else "指标（均值，[95% 区间]）"
    table = f"<table><tr><th>{label}</th>{head}</tr>{''.join(body)}</table>"
    best = "".join(_best_sentence(memo, m, lang) for m in memo.measures)
    if lang == "en":
        note = (
            "Intervals show the spread from chance alone, at the scenario's own parameters; "
            "section 4 shows what happens when the behaviour parameters are uncertain too."
        )
    else:
        note = "区间只反映随机因素（在情景自身的参数下）；参数本身不确定时结论如何，见第四部分。"
    return f"<h2>{_t('results', lang)}</h2><ul>{best}</ul>{table}<p class='meta'>{note}</p>"


def _robust(memo: Memo, lang: str) -> str:
    u = memo.uncertainty
    if not u:
        text = (
            "Not computed for this study: run it again with <code>--uncertainty 100</code>."
            if lang == "en"
            else "本研究没有做参数不确定性分析：请加 <code>--uncertainty 100</code> 重新运行。"
        )
        return f"<h2>{_t('robust', lang)}</h2><p>{text}</p>"
    key = "en" if lang == "en" else "zh"
    best = _best_forms(memo)
    chosen = [p for p in u["pairs"] if "sentence" in p and _worth_saying(p, best)]
    items = "".join(f"<li>{esc(p['sentence'][key])}</li>" for p in chosen)
    if lang == "en":
        intro = (
            f"Each form was also simulated under {u['n_parameter_sets']} parameter sets drawn from "
            f"the plausible ranges ({u.get('reps_per_set')} runs each, the same seeds)."
        )
    else:
        intro = (
            f"在合理参数范围内抽取 {u['n_parameter_sets']} 组参数，每组参数下各形式再模拟 "
            f"{u.get('reps_per_set')} 次（相同的随机种子）。"
        )
    return f"<h2>{_t('robust', lang)}</h2><p>{intro}</p><ul>{items}</ul>{_pair_table(u, lang)}"


def _best_forms(memo: Memo) -> dict[str, set[str]]:
    """Per measure, the forms the headline names as best (or highest): those sharing the best mean.
    A measure equal under every form has none (the headline says so)."""
    out: dict[str, set[str]] = {}
    for measure in memo.summary.table.measure.unique():
        tied, rows = _leaders(memo, measure)
        if len(tied) < len(rows) or len(rows) == 1:
            out[measure] = {str(v) for v in tied.variant}
    return out


def _worth_saying(pair: dict, best: dict[str, set[str]]) -> bool:
    """A pair's robustness sentence belongs in the list when it involves a form the headline names
    best; for a measure equal under every form, when some parameter set tells the two apart."""
    from xsim.experiments.uncertainty import shares

    leaders = best.get(pair["measure"])
    if leaders is None:
        return shares(pair)[2] < 1.0
    return bool(leaders & {pair["a"], pair["b"]})


def _pair_table(u: dict, lang: str) -> str:
    measures = list(dict.fromkeys(p["measure"] for p in u["pairs"]))
    head = "".join(f"<th>{esc(_measure(m, lang))}</th>" for m in measures)
    from xsim.experiments.uncertainty import shares

    rows: dict[tuple[str, str], dict[str, tuple[float, float, float]]] = {}
    for p in u["pairs"]:
        rows.setdefault((p["a"], p["b"]), {})[p["measure"]] = shares(p)
    same = "same" if lang == "en" else "相同"
    body = []
    for (a, b), values in rows.items():
        pair = f"{_form(a, lang)} {'vs' if lang == 'en' else '对'} {_form(b, lang)}"
        cells = []
        for m in measures:
            if m not in values:
                cells.append("<td></td>")
                continue
            wins, _, tie = values[m]
            tied = f" <span class='meta'>({same} {round(100 * tie)}%)</span>" if tie > 0 else ""
            cells.append(f"<td class='num'>{round(100 * wins)}%{tied}</td>")
        body.append(f"<tr><td>{esc(pair)}</td>{''.join(cells)}</tr>")
    label = (
        "share of parameter sets in which the first form does better (in brackets: equal)"
        if lang == "en"
        else "前一种形式表现更好的参数组比例（括号内：两者相同的比例）"
    )
    return f"<table><tr><th>{label}</th>{head}</tr>{''.join(body)}</table>"


def _drivers(memo: Memo, lang: str) -> str:
    rows = []
    for r in memo.ranges.values():
        basis = {
            "assumption": ("assumption (±20%)", "假设（±20%）"),
            "calibrated": ("calibrated", "已校准"),
        }[r.basis][0 if lang == "en" else 1]
        rows.append(
            f"<tr><td>{esc(r.label(lang))}</td><td class='num'>{_num(r.default)}</td>"
            f"<td class='num'>{_num(r.low)} – {_num(r.high)}</td><td>{basis}</td></tr>"
        )
    head = (
        "<tr><th>parameter</th><th>default</th><th>plausible range</th><th>basis</th></tr>"
        if lang == "en"
        else "<tr><th>参数</th><th>默认值</th><th>合理范围</th><th>依据</th></tr>"
    )
    flips = []
    if memo.uncertainty:
        key = "en" if lang == "en" else "zh"
        flips = [p["sentence"][key] for p in memo.uncertainty["pairs"] if p.get("drivers")]
    if flips:
        lead = "".join(f"<li>{esc(s)}</li>" for s in flips)
        lead = f"<ul>{lead}</ul>"
    else:
        lead = (
            "<p>No parameter range was found that flips a ranking on its own.</p>"
            if lang == "en"
            else "<p>没有发现哪一段参数范围会单独使结论反转。</p>"
        )
    return f"<h2>{_t('drivers', lang)}</h2>{lead}<table>{head}{''.join(rows)}</table>"


def _validation(memo: Memo, lang: str) -> str:
    if not memo.validation:
        return ""
    rows = []
    for r in memo.validation:
        t, e = r.target, r.estimate
        ok = (
            f"<span class='yes'>{'holds' if lang == 'en' else '成立'}</span>"
            if r.holds
            else f"<span class='no'>{'does not hold' if lang == 'en' else '不成立'}</span>"
        )
        rows.append(
            f"<tr><td>{esc(t.pattern.get(lang))}<br><span class='meta'>"
            f"{esc(t.source.author)} ({t.source.year})</span></td>"
            f"<td>{esc(t.observed.text.get(lang))}</td><td class='num'>{_num(e.value)}</td>"
            f"<td>{ok}</td></tr>"
        )
    held = sum(r.holds for r in memo.validation)
    head = (
        "<tr><th>pattern</th><th>observed</th><th>model</th><th></th></tr>"
        if lang == "en"
        else "<tr><th>规律</th><th>实际观察</th><th>模型</th><th></th></tr>"
    )
    intro = (
        f"{held} of {len(memo.validation)} validation targets hold (as in "
        "<code>xsim validate</code>; <code>--ablations</code> also switches each target's "
        "mechanism off)."
        if lang == "en"
        else f"{len(memo.validation)} 个验证目标中 {held} 个成立（与 <code>xsim validate</code> "
        "相同；加 <code>--ablations</code> 可再逐项关掉所检验的机制）。"
    )
    return f"<h2>{_t('validation', lang)}</h2><p>{intro}</p><table>{head}{''.join(rows)}</table>"


def _miss(result, lang: str) -> str:
    """One unreproduced observation: the pattern, the model's number against the observed band, and
    which results of the study it puts in doubt."""
    t, value = result.target, result.estimate.value
    en = lang == "en"
    band, side = t.tolerance.describe(lang), ("against" if en else "对照")
    if t.tolerance.range is not None and not math.isnan(value):
        lo, hi = t.tolerance.range
        band = f"[{lo:g}, {hi:g}]"
        below = value < lo
        side = ("below" if below else "above") if en else ("低于" if below else "高于")
    affects = t.affects.get(lang) if t.affects is not None else None
    if en:
        doubt = f" Treat {affects} with caution." if affects else ""
        return (
            f"{t.pattern.en.rstrip('.')} (model {_num(value)}, {side} the observed {band}).{doubt}"
        )
    doubt = f"{affects}应谨慎看待。" if affects else ""
    return f"{t.pattern.zh.rstrip('。')}（模型 {_num(value)}，{side}实际观察的 {band}）。{doubt}"


def _caveats(memo: Memo, lang: str) -> str:
    failed = [_miss(r, lang) for r in memo.validation if not r.holds]
    if lang == "en":
        items = [
            "This is a simulation under stated assumptions, not a forecast for a real village.",
            "Behaviour parameters without field data are assumptions; section 5 lists their "
            "plausible ranges and section 4 how much the ranking depends on them.",
            "Scenario figures are illustrative unless the scenario names a source.",
        ]
        lead = "The model does not yet reproduce these observations:"
    else:
        items = [
            "这是按明确假设所做的模拟，不是对某个真实村社的预测。",
            "没有实地数据的行为参数都是假设；第五部分列出了它们的合理范围，第四部分说明结论在多大程度上取决于它们。",
            "情景中的数字，除注明出处者外，均为示例数字。",
        ]
        lead = "模型目前还不能重现以下观察："
    rows = [f"<li>{esc(i)}</li>" for i in items]
    if failed:
        # one observation per line: each pattern is a sentence of its own
        listed = "".join(f"<li>{esc(f)}</li>" for f in failed)
        rows.append(f"<li>{esc(lead)}<ul>{listed}</ul></li>")
    return f"<h2>{_t('caveats', lang)}</h2><ul>{''.join(rows)}</ul>"


def _reproduce(memo: Memo, lang: str) -> str:
    versions = "".join(
        f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in memo.versions.items()
    )
    text = (
        "Run again with the same versions and seeds to get the same numbers:"
        if lang == "en"
        else "用相同的版本和随机种子重新运行，得到相同的数字："
    )
    return (
        f"<h2>{_t('reproduce', lang)}</h2><p>{text}</p><p><code>{esc(memo.command)}</code></p>"
        f"<table>{versions}</table>"
    )


def _figures(memo: Memo, lang: str) -> str:
    if not memo.figures:
        return ""
    imgs = "".join(
        f"<p><img alt='{esc(name)}' src='data:image/png;base64,"
        f"{base64.b64encode(data).decode('ascii')}'></p>"
        for name, data in memo.figures
    )
    return f"<h2>{_t('figures', lang)}</h2>{imgs}"


def render(memo: Memo, lang: str = "zh", today: _dt.date | None = None) -> str:
    from xsim.fonts import font_path

    today = today or _dt.date.today()
    css = CSS.replace("FONT_URL", font_path().resolve().as_uri())
    title = f"{_t('title', lang)}：{memo.title}" if lang != "en" else f"Decision memo: {memo.title}"
    meta = (
        f"Study {memo.folder.name} · {today.isoformat()} · xsim {memo.versions.get('xsim', '')}"
        if lang == "en"
        else f"研究 {memo.folder.name} · {today.isoformat()} · xsim {memo.versions.get('xsim', '')}"
    )
    body = "".join(
        [
            f"<h1>{esc(title)}</h1><p class='meta'>{esc(meta)}</p>",
            _question(memo, lang),
            _compared(memo, lang),
            _results(memo, lang),
            _robust(memo, lang),
            _drivers(memo, lang),
            _validation(memo, lang),
            _caveats(memo, lang),
            _reproduce(memo, lang),
            _figures(memo, lang),
        ]
    )
    lang_attr = "en" if lang == "en" else "zh-CN"
    return (
        f'<!DOCTYPE html><html lang="{lang_attr}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{css}</style></head><body>{body}</body></html>"
    )
