"""HTML → PDF by headless Chromium (the route of the printable handouts, ``tools/build_handouts.py``).

The page names the bundled font (``xsim.fonts.font_path``) in an ``@font-face`` rule, so Chinese
prints the same on every machine. A missing browser or a failed print is an
:class:`xsim.errors.InputError` (one message, exit 2 on the CLI), raised before anything is written.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from xsim.errors import InputError

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
#: seconds one print may take
TIMEOUT = 180


def chromium_path() -> str:
    """The headless browser that prints the PDF, or an InputError saying how to install one."""
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise InputError(
        "<chromium>",
        "",
        "Chromium for printing the PDF (Debian/Ubuntu: apt-get install chromium)",
        "找不到 Chromium，无法生成 PDF（Debian/Ubuntu：apt-get install chromium）",
    )


def print_to_pdf(html_path: Path, pdf_path: Path, browser: str | None = None) -> None:
    """Print ``html_path`` to ``pdf_path`` (A4 margins come from the page's ``@page`` rule)."""
    browser = browser or chromium_path()
    with tempfile.TemporaryDirectory(prefix="xsim-chromium-") as profile:
        cmd = [
            browser,
            "--headless",
            "--no-sandbox",  # training-room servers and CI run as root
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--no-pdf-header-footer",
            f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            proc = None
    if proc is None or proc.returncode != 0 or not pdf_path.exists() or not pdf_path.stat().st_size:
        raise InputError(
            str(html_path),
            "",
            "a page Chromium can print to PDF",
            "Chromium 未能把备忘录打印成 PDF",
        )
