"""``xsim check CASE.yaml …``: judge case records against the notice (``case-record.md``).

Exit codes: 0 no violation; 1 at least one violation; 2 a file cannot be read or is not a valid
record. With several files each one is checked on its own and the exit code is the worst of them: a
file that cannot be read gets its one-line message on stderr and the remaining files are still
checked (their results go to stdout as usual; a bad file has no entry in the JSON output). Nothing is
ever written to disk.

This module must stay light: it imports the records and the rules engine only (no Mesa, pandas,
matplotlib), so that one check takes well under half a second.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys

# Pydantic scans every installed distribution's entry points for plugins the first time a model is
# built; in a full Jupyter environment that alone costs ~0.4 s, most of the budget of one check. The
# checker uses no pydantic plugins. A user who sets the variable keeps their own value.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from xsim.errors import InputError  # noqa: E402
from xsim.records import load_record  # noqa: E402
from xsim.rules import STEPS, Report, check_record  # noqa: E402
from xsim.rules.report import clause_label  # noqa: E402

SEVERITY_ZH = {"violation": "违规", "warning": "提醒", "info": "提示"}
MARK = {"violation": "✗", "warning": "!", "info": "i"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        metavar="CASE.yaml",
        help="要检查的协商记录（YAML）/ case record(s) to check",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="text 供阅读（默认），json 供程序处理 / text for reading (default), json for scripts",
    )


def run(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "zh")
    _tolerant_output()
    counts = {0: 0, 1: 0, 2: 0}  # compliant, not compliant, unreadable
    results: list[dict] = []
    texts: list[str] = []
    for path in args.files:
        try:
            report = check_record(load_record(path))
        except InputError as err:
            print(err.message(lang), file=sys.stderr)
            counts[2] += 1
            continue
        counts[0 if report.compliant else 1] += 1
        if args.format == "json":
            results.append({"file": path, **report.to_dict()})
        else:
            texts.append(render_text(report, path, lang))
    if args.format == "json":
        if len(args.files) > 1:
            print(json.dumps(results, ensure_ascii=False, indent=2))
        elif results:
            print(json.dumps(results[0], ensure_ascii=False, indent=2))
    else:
        if texts:
            print("\n\n".join(texts))
        if len(args.files) > 1:
            print("\n" + summary(counts, lang))
    return max((code for code, n in counts.items() if n), default=0)


def _tolerant_output() -> None:
    # A console or redirected file in a legacy encoding (GBK on Windows) cannot print ✓/✗: replace
    # what it cannot encode instead of dying with UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="replace")


def summary(counts: dict[int, int], lang: str = "zh") -> str:
    total = sum(counts.values())
    if lang == "en":
        return (
            f"{total} records: {counts[0]} compliant, {counts[1]} not compliant, "
            f"{counts[2]} unreadable"
        )
    return f"共{total}份记录：符合{counts[0]}份，不符合{counts[1]}份，无法读取{counts[2]}份"


def render_text(report: Report, path: str, lang: str = "zh") -> str:
    """The report for a cadre: a verdict line, then the findings grouped by the procedure's steps."""
    n_v, n_w = len(report.violations), len(report.warnings)
    n_i = len(report.findings) - n_v - n_w
    lines = [f"{path} — {report.case}"]
    if lang == "en":
        verdict = "COMPLIANT" if report.compliant else "NOT COMPLIANT"
        lines.append(f"Verdict: {verdict} ({n_v} violations, {n_w} warnings, {n_i} notes)")
    else:
        verdict = "符合通知要求" if report.compliant else "不符合通知要求"
        lines.append(f"结论：{verdict}（违规{n_v}项，提醒{n_w}项，提示{n_i}项）")
    for step, findings in report.by_step().items():
        title_zh, title_en = STEPS[step]
        lines.append(title_en if lang == "en" else title_zh)
        if not findings:
            lines.append("  ✓ " + ("no findings" if lang == "en" else "未发现问题"))
        for f in findings:
            sev = f.severity if lang == "en" else SEVERITY_ZH[f.severity]
            lines.append(
                f"  {MARK[f.severity]} {sev} {f.code} [{clause_label(f.clause, lang)}] {f.message(lang)}"
            )
            lines.append(f"      {'at: ' if lang == 'en' else '位置：'}{f.where}")
    return "\n".join(lines)
