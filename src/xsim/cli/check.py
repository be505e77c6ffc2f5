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
from xsim.rules.report import law_line  # noqa: E402

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
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        default=None,
        help="按该日（YYYY-MM-DD）施行的法律判断，默认按记录日期 / judge by the law in force on DATE "
        "(default: the record's own date)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        default=None,
        help="地方规则文件或内置名称（如 chongqing）/ a local rule profile file or built-in name",
    )


def _options(args: argparse.Namespace):
    """``--as-of`` and ``--profile`` checked before any record is read (exit 2 on a bad one)."""
    import datetime as dt

    from xsim.local_rules import load_profile

    as_of = None
    if args.as_of is not None:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise InputError(
                "--as-of",
                "",
                f"a real date written YYYY-MM-DD; got {args.as_of!r}",
                f"应为真实存在的日期，格式 YYYY-MM-DD；实际为“{args.as_of}”",
            ) from None
    profile = load_profile(args.profile) if args.profile is not None else None
    return as_of, profile


def run(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "zh")
    _tolerant_output()
    counts = {0: 0, 1: 0, 2: 0}  # compliant, not compliant, unreadable
    results: list[dict] = []
    texts: list[str] = []
    try:
        as_of, profile = _options(args)
    except InputError as err:
        print(err.message(lang), file=sys.stderr)
        return 2
    for path in args.files:
        try:
            report = check_record(load_record(path), profile=profile, as_of=as_of)
        except InputError as err:
            if err.file == "<record>":  # a problem the record's rules: block names
                err.file = path
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
    lines.append(law_line(report, lang))
    for step, findings in report.by_step().items():
        title_zh, title_en = STEPS[step]
        lines.append(title_en if lang == "en" else title_zh)
        if not findings:
            lines.append("  ✓ " + ("no findings" if lang == "en" else "未发现问题"))
        for f in findings:
            sev = f.severity if lang == "en" else SEVERITY_ZH[f.severity]
            lines.append(f"  {MARK[f.severity]} {sev} {f.code} [{f.cited(lang)}] {f.message(lang)}")
            lines.append(f"      {'at: ' if lang == 'en' else '位置：'}{f.where}")
    return "\n".join(lines)
