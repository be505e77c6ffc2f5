"""Shared pieces of the real-browser tests (``tests/test_browser.py``, ``tests/test_browser_course.py``).

JupyterLab and Voilà run from this venv on a free localhost port with the Jupyter settings ``make
lab`` and ``make present`` install (``tools/install-jupyter-settings``, here into a temporary prefix
the servers are pointed at), so the zh-CN interface and Voilà's Chinese pages are what a trainee
gets, never chosen by the test. The browser is ``/usr/bin/chromium`` driven by Playwright (never
``playwright install``); :class:`Offline` aborts and records every request to another host.
Without Chromium the tests skip — unless ``CI`` is set, where they fail (:func:`require_chromium`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTALL_SETTINGS = ROOT / "tools" / "install-jupyter-settings"
VIEWPORT = {"width": 1366, "height": 768}  # the training room's laptops
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_S = 90
UI_TIMEOUT_MS = 60_000
RUN_TIMEOUT_MS = 120_000


#: how the server reports a browser tab that closed while it was still writing to it (tornado's
#: websocket wrapper logs it as "Task exception was never retrieved"): the test closing its page,
#: not a fault of the course
CLOSED_TAB_ERRORS = re.compile(
    r"^tornado\.(websocket\.WebSocketClosedError|iostream\.StreamClosedError)\b"
)
LOG_RECORD_START = re.compile(r"^(\[|Task exception was never retrieved)")


def server_tracebacks(log_text: str) -> list[str]:
    """The tracebacks of a Jupyter or Voilà server log, one per log record, except those of a
    closed browser tab (:data:`CLOSED_TAB_ERRORS`)."""
    records: list[list[str]] = []
    for line in log_text.splitlines():
        if LOG_RECORD_START.match(line) or not records:
            records.append([])
        records[-1].append(line)
    found = []
    for lines in records:
        text = "\n".join(lines)
        if "Traceback" not in text:
            continue
        last = next((ln.strip() for ln in reversed(lines) if ln.strip()), "")
        if not CLOSED_TAB_ERRORS.match(last):
            found.append(text)
    return found


def require_chromium() -> None:
    """Skip without Chromium, except under CI, where its absence is a failure."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {CHROMIUM} is missing: .ci/run must install chromium")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)")


def launch_chromium(playwright):
    """The system Chromium, headless (never a downloaded browser)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=UI_TIMEOUT_MS
    )


def open_page(
    browser, offline: Offline, timeout_ms: float | None = None, locale: str | None = "en-US"
):
    """A page at the training room's screen size whose requests off the machine ``offline``
    refuses and records. ``locale`` en-US by default: the Chinese interface must come from the
    installed settings, not from the browser's language."""
    context = browser.new_context(viewport=VIEWPORT, **({"locale": locale} if locale else {}))
    offline.attach(context)
    page = context.new_page()
    if timeout_ms is not None:
        page.set_default_timeout(timeout_ms)
    return page


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install_settings(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """What ``make lab``/``make present`` install into .venv, installed into a temporary prefix;
    returns the prefix and the environment that points Jupyter at it (and at an empty user
    settings folder, so nothing of the machine's user selects the language instead)."""
    prefix = tmp_path / "prefix"
    prefix.mkdir()
    subprocess.run([sys.executable, str(INSTALL_SETTINGS), str(prefix)], check=True, timeout=60)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_PATH=str(prefix / "etc" / "jupyter"),
        JUPYTER_PATH=str(prefix / "share" / "jupyter"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    return prefix, env


class Offline:
    """Abort every browser request that would leave the machine, and remember it."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def attach(self, context) -> None:
        context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        host = urllib.parse.urlsplit(url).hostname
        if host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("internetdisconnected")


def wait_for_server(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(
        f"the server did not answer within {SERVER_START_S}s:\n"
        f"{log.read_text(errors='replace')[-3000:]}"
    )


def stop_server(proc: subprocess.Popen) -> None:
    """End a server we started (and the kernels it started: same process group) by its id."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def copy_without_outputs(src: Path, dst: Path) -> None:
    """The notebook with outputs and saved widget state removed: everything the test then sees
    comes from the live kernel, never from what is stored."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb["metadata"].pop("widgets", None)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


@contextlib.contextmanager
def _served(cmd: list[str], env: dict[str, str], log: Path, ready_url: str):
    """A server process (its output into ``log``) from the moment ``ready_url`` answers until
    the block ends; then stopped, with its whole process group."""
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    try:
        wait_for_server(ready_url, proc, log)
        yield
    finally:
        stop_server(proc)


@contextlib.contextmanager
def jupyterlab(
    tmp_path: Path,
    root: Path,
    *,
    extra_args: list[str] | None = None,
    extra_env: dict[str, str] | None = None,
):
    """JupyterLab with ``make lab``'s settings serving ``root``; yields (base_url, token).
    The server's log (kernels' stderr included) is ``tmp_path / "lab.log"``."""
    prefix, env = install_settings(tmp_path)
    env.update(extra_env or {})
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path / "lab.log"
    cmd = [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        # where `make lab` puts the overrides for .venv: <prefix>/share/jupyter/lab/settings
        f"--LabApp.app_settings_dir={prefix / 'share' / 'jupyter' / 'lab' / 'settings'}",
        *(extra_args or []),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # as `make lab` does for root
        cmd.append("--allow-root")
    base = f"http://127.0.0.1:{port}"
    with _served(cmd, env, log, f"{base}/api/status?token={token}"):
        yield base, token
    # the server itself fetched no news feed and checked no update (nothing left the machine)
    text = log.read_text(errors="replace")
    assert "jupyterlab.github.io" not in text and "pypi.org" not in text


@contextlib.contextmanager
def voila_server(
    tmp_path: Path,
    root: Path,
    *,
    strip_sources: bool = True,
    extra_env: dict[str, str] | None = None,
):
    """Voilà as ``make present`` runs it (xsim's settings from a temporary prefix) serving
    ``root``; yields the base URL. The log is ``tmp_path / "voila.log"``."""
    _, env = install_settings(tmp_path)
    env.update(extra_env or {})
    port = free_port()
    log = tmp_path / "voila.log"
    cmd = [
        str(Path(sys.executable).with_name("voila")),
        *(["--strip_sources=True"] if strip_sources else []),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        str(root),
    ]
    base = f"http://127.0.0.1:{port}"
    with _served(cmd, env, log, f"{base}/"):
        yield base


def run_all_cells(page) -> None:
    """What every lesson tells a trainee to do: 运行 → 运行所有单元格 (JupyterLab's menu)."""
    page.locator(".lm-MenuBar-itemLabel", has_text="运行").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="运行所有单元格").first.click()


def wait_for_kernel(page) -> None:
    """Until the status bar says the kernel is 空闲 (idle) for a moment; accept the 选择内核 dialog
    JupyterLab shows when the kernel list arrives after the notebook (Python 3 is preselected)."""
    idle = page.locator(".jp-StatusBar-TextItem", has_text="空闲")
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    idle_since = None
    while time.monotonic() < deadline:
        if accept.count() > 0 and accept.first.is_visible():
            accept.first.click()
            idle_since = None
        elif idle.count() > 0:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > 2:
                return
        else:
            idle_since = None
        page.wait_for_timeout(250)
    raise AssertionError(f"kernel not idle within {RUN_TIMEOUT_MS / 1000:.0f}s")
