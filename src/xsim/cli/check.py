"""``xsim check CASE.yaml …``: judge case records against the notice (``case-record.md``).

Exit codes: 0 no violation; 1 at least one violation; 2 a file cannot be read or is not a valid
record. With several files each one is checked on its own and the exit code is the worst of them: a
file that cannot be read gets its one-line message on stderr and the remaining files are still
checked (their results go to stdout as usual; a bad file has no entry in the JSON output). Nothing is
ever written to disk.

Files: only regular files are read (a FIFO, a device such as /dev/zero or a directory gets its
message without being read, so nothing blocks the batch), and only up to :data:`MAX_RECORD_BYTES`
(1 MiB; a real record is a few KiB): a larger file is refused from its size before reading, and at
most the limit plus one byte is ever read. Records are judged and printed one at a time, so a batch
of any length holds one record in memory. Text output passes user text through
:mod:`xsim.io.terminal` (no terminal escapes can forge a verdict line); JSON output keeps it, escaped.

This module must stay light: it imports the records and the rules engine only (no Mesa, pandas,
matplotlib), so that one check takes well under half a second.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import stat
import sys

# Pydantic scans every installed distribution's entry points for plugins the first time a model is
# built; in a full Jupyter environment that alone costs ~0.4 s, most of the budget of one check. The
# checker uses no pydantic plugins. A user who sets the variable keeps their own value.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from xsim import vocabulary as V  # noqa: E402
from xsim.errors import InputError  # noqa: E402
from xsim.io import load_yaml_text  # noqa: E402
from xsim.io.terminal import clean, one_line, to_json  # noqa: E402
from xsim.records import record_from_dict  # noqa: E402
from xsim.rules import RULES, STEPS, Report, check_record  # noqa: E402
from xsim.rules.report import law_line, validity_line  # noqa: E402

MARK = {"violation": "✗", "warning": "!", "info": "i", "unknown": "?"}

# The largest record file read (bytes). Real records are a few KiB; the limit keeps one check fast
# (a 50 MB record took minutes and gigabytes) and bounds the memory of a batch.
MAX_RECORD_BYTES = 1024 * 1024


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
    try:
        as_of, profile = _options(args)
    except InputError as err:
        print(clean(err.message(lang)), file=sys.stderr)
        return 2
    as_list = args.format == "json" and len(args.files) > 1
    printed = 0
    if as_list:
        print("[", end="")
    for path in args.files:
        # One record at a time: read, judged, printed and released before the next is read.
        doc = None
        try:
            doc = load_yaml_text(read_record_text(path), path)
            report = check_record(record_from_dict(doc, path), profile=profile, as_of=as_of)
        except InputError as err:
            if err.file == "<record>":  # a problem found after validation (law date, rules: block)
                err.file = path
                if err.line is None and err.field and doc is not None:
                    err.line = doc.line_of(tuple(err.field.split(".")))
            print(clean(err.message(lang)), file=sys.stderr)
            counts[2] += 1
            continue
        counts[0 if report.compliant else 1] += 1
        if args.format == "json":
            body = to_json({"file": path, **report.to_dict()}, indent=2)
            if as_list:  # the same text as json.dumps(list, indent=2), one item at a time
                body = (
                    ("," if printed else "")
                    + "\n"
                    + "\n".join("  " + line for line in body.splitlines())
                )
                print(body, end="")
            else:
                print(body)
        else:
            print(("\n" if printed else "") + render_text(report, path, lang))
        sys.stdout.flush()
        printed += 1
    if as_list:
        print("\n]" if printed else "]")
    if args.format != "json" and len(args.files) > 1:
        print("\n" + summary(counts, lang))
    return max((code for code, n in counts.items() if n), default=0)


def read_record_text(path: str) -> str:
    """The text of a record file, refusing non-regular and oversized files before reading them."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one.
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(path, "", "an existing file", "文件不存在") from None
    except OSError as exc:
        raise InputError(
            path, "", f"a readable file ({exc.strerror})", f"无法读取文件（{exc.strerror}）"
        ) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(path, "", "a file, not a directory", "应为文件而不是目录")
        if not stat.S_ISREG(info.st_mode):
            kind_en, kind_zh = _file_kind(info.st_mode)
            raise InputError(
                path,
                "",
                f"a regular file; this is {kind_en}, which is not read",
                f"应为普通文件；这是{kind_zh}，不予读取",
            )
        limit = MAX_RECORD_BYTES
        if info.st_size > limit:
            raise _too_large(path, info.st_size)
        chunks, size = [], 0
        while size <= limit:  # the size can change after fstat: never read more than limit + 1
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise _too_large(path, None)
    except OSError as exc:
        raise InputError(
            path, "", f"a readable file ({exc.strerror})", f"无法读取文件（{exc.strerror}）"
        ) from None
    finally:
        os.close(fd)
    try:
        return b"".join(chunks).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            path,
            "",
            f"UTF-8 text (byte {exc.start} is not UTF-8)",
            f"应为 UTF-8 编码的文本（第{exc.start}字节不是 UTF-8）",
        ) from None


def _too_large(path: str, size: int | None) -> InputError:
    limit_kib = MAX_RECORD_BYTES // 1024
    got_en = f" ({size} bytes)" if size is not None else ""
    got_zh = f"（实际 {size} 字节）" if size is not None else ""
    return InputError(
        path,
        "",
        f"a record of at most {limit_kib} KiB{got_en}; larger files are not read",
        f"记录文件不得超过 {limit_kib} KiB{got_zh}，更大的文件不予读取",
    )


def _file_kind(mode: int) -> tuple[str, str]:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)", "命名管道（FIFO）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device", "设备文件"
    if stat.S_ISSOCK(mode):
        return "a socket", "套接字"
    return "not a regular file", "特殊文件"


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
    """The report for a cadre: the decision's legal validity first (what a court would ask), then
    the verdict on the notice's procedure, the law applied, and the findings by step."""
    n_v, n_w, n_u = len(report.violations), len(report.warnings), len(report.unknowns)
    n_i = len(report.findings) - n_v - n_w - n_u
    # User text (file name, title, messages that quote the record, field paths) is sanitised:
    # it must not move the cursor, erase lines or start a line of its own.
    lines = [f"{one_line(path)} — {one_line(report.case)}", validity_line(report, lang)]
    notice = report.notice_applies
    if lang == "en":
        verdict = "COMPLIANT" if report.compliant else "NOT COMPLIANT"
        lines.append(
            f"Verdict: {verdict} ({n_v} violations, {n_w} warnings, {n_u} undetermined, "
            f"{n_i} notes)"
        )
        if not notice:
            lines.append("No consultation under the notice recorded: judged by law only.")
    else:
        if notice:
            verdict = "符合通知要求" if report.compliant else "不符合通知要求"
        else:
            verdict = "符合法律和地方规定" if report.compliant else "不符合法律或地方规定"
        lines.append(f"结论：{verdict}（违规{n_v}项，提醒{n_w}项，无法判断{n_u}项，提示{n_i}项）")
        if not notice:
            lines.append(
                "本记录未包括按通知开展的城乡社区协商（如业主自治、村民小组自行决定）："
                "只按法律和地方规定判断，不适用通知的程序要求。"
            )
    lines.append(law_line(report, lang))
    for step, findings in report.by_step().items():
        title_zh, title_en = STEPS[step]
        lines.append(title_en if lang == "en" else title_zh)
        examined = notice or any(
            r.step == step and r.scope != "consultation" for r in RULES.values()
        )
        if not findings and not examined:
            lines.append(
                "  — "
                + (
                    "not applicable (no consultation under the notice)"
                    if lang == "en"
                    else "不适用（没有按通知开展的协商）"
                )
            )
        elif not findings:
            lines.append("  ✓ " + ("no findings" if lang == "en" else "未发现问题"))
        for f in findings:
            sev = f.severity if lang == "en" else V.SEVERITIES[f.severity].zh
            lines.append(
                f"  {MARK[f.severity]} {sev} {f.code} [{one_line(f.cited(lang))}] "
                f"{one_line(f.message(lang))}"
            )
            lines.append(f"      {'at: ' if lang == 'en' else '位置：'}{one_line(f.where)}")
    return "\n".join(lines)
