"""``xsim report STUDY_DIR``: a decision memo (HTML and PDF) from a comparison study.

    xsim compare garbage_station --reps 50 --uncertainty 100 --out out/garbage
    xsim report out/garbage                  # out/garbage/memo-zh.html and memo-zh.pdf
    xsim report out/garbage --lang en        # memo-en.html, memo-en.pdf

The memo states the question, the forms compared, the headline results with 95% intervals, how
robust they are over the plausible parameters and what drives them, which validation targets the
model reproduces, the assumptions and caveats, and how to reproduce the study (versions, seeds,
command). The PDF is printed by headless Chromium with the bundled font. The two files go into the
study folder (listed in its manifest) or into ``--out``. Exit 2, with nothing written, when the
folder is not an intact ``xsim compare`` study or Chromium is missing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from xsim.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("study", metavar="STUDY_DIR", help="研究结果文件夹 / a study folder")
    parser.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="备忘录写到此文件夹（默认：研究文件夹）/ folder for the memo (default: the study's)",
    )
    parser.add_argument(
        "--no-validation",
        action="store_true",
        help="不重新核对验证目标（更快）/ leave out the validation section (faster)",
    )


def run(args: argparse.Namespace) -> int:
    from xsim.io.terminal import clean
    from xsim.report.html import render
    from xsim.report.memo import gather
    from xsim.report.pdf import chromium_path, print_to_pdf

    out = Path(args.out).expanduser() if args.out else None
    if out is not None and out.exists() and not out.is_dir():
        raise InputError(str(out), "--out", "a folder", "应为文件夹")
    browser = chromium_path()  # before anything is computed or written
    memo = gather(args.study, validate=not args.no_validation)
    stem = f"memo-{args.lang}"
    with tempfile.TemporaryDirectory(prefix="xsim-report-") as tmp:
        page = Path(tmp) / f"{stem}.html"
        page.write_text(render(memo, args.lang), encoding="utf-8")
        pdf = Path(tmp) / f"{stem}.pdf"
        print_to_pdf(page, pdf, browser)
        written = _write(
            memo.folder, out, {page.name: page.read_bytes(), pdf.name: pdf.read_bytes()}
        )
    for path in written:
        print(clean(str(path)))
    return 0


def _write(folder: Path, out: Path | None, files: dict[str, bytes]) -> list[Path]:
    if out is None:
        from xsim.experiments.storage import write_output

        return [write_output(folder, name, data) for name, data in files.items()]
    from xsim.experiments.storage import atomic_write_bytes

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        atomic_write_bytes(out / name, data)
        paths.append(out / name)
    return paths


if __name__ == "__main__":  # pragma: no cover
    sys.exit(1)
