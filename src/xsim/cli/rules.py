"""``xsim rules [CODE]``: list the rule codes one line each, or explain one with its clause text."""

from __future__ import annotations

import argparse
import sys

from xsim import vocabulary as V
from xsim.rules import RULES, STEPS
from xsim.rules.clauses import CLAUSES
from xsim.rules.report import clause_label


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "code", nargs="?", metavar="CODE", help="规则代码，如 PROC-NOTICE / a rule code"
    )


def run(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "zh")
    if not args.code:
        for rule in RULES.values():
            sev = rule.severity if lang == "en" else V.label(V.SEVERITIES, rule.severity)
            title = rule.title_en if lang == "en" else rule.title_zh
            print(f"{rule.code:<21} {sev:<9} {clause_label(rule.clause, lang)}  {title}")
        return 0
    code = args.code.strip().upper()
    if code not in RULES:
        valid = ", ".join(RULES)
        if lang == "en":
            print(f"unknown rule code '{args.code}'; valid codes: {valid}", file=sys.stderr)
        else:
            print(f"未知的规则代码“{args.code}”；可用的代码：{valid}", file=sys.stderr)
        return 2
    print(explain(code, lang))
    return 0


def explain(code: str, lang: str = "zh") -> str:
    """The rule explained: severity, step, what it checks, why, and the clauses' original text."""
    r = RULES[code]
    step_zh, step_en = STEPS[r.step]
    if lang == "en":
        lines = [
            f"{r.code} — {r.title_en}",
            f"severity: {r.severity}   step: {step_en}   clause: {clause_label(r.clause, 'en')}",
            "",
            f"What it checks: {r.checks_en}",
            f"Why: {r.why_en}",
            f"Record fields: {', '.join(r.fields)}",
        ]
    else:
        lines = [
            f"{r.code} — {r.title_zh}",
            f"严重程度：{V.label(V.SEVERITIES, r.severity)}　步骤：{step_zh}　依据：{clause_label(r.clause)}",
            "",
            f"检查内容：{r.checks_zh}",
            f"理由：{r.why_zh}",
            f"涉及字段：{', '.join(r.fields)}",
        ]
    lines.append("")
    lines.append("Clauses (original Chinese text):" if lang == "en" else "条款原文：")
    for cid in r.clauses:
        c = CLAUSES[cid]
        if c.is_law:
            lines.append(f"  {c.citation_en if lang == 'en' else c.source_zh}")
        else:
            lines.append(f"  {cid} {c.title_zh}" + (f" — {c.gloss_en}" if lang == "en" else ""))
        lines.append(f"    「{' '.join(c.text_zh.split())}」")
        if not c.is_law:
            lines.append(f"    ——{c.source_zh}")
    return "\n".join(lines)
