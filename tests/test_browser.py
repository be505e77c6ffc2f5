"""End-to-end: the 00 notebook in JupyterLab (Chinese UI) in headless Debian Chromium via Playwright.

Starts JupyterLab from this venv on a free localhost port with a random token and the zh-CN language
pack selected (a user-settings override in a temporary ``JUPYTERLAB_SETTINGS_DIR``), opens a copy of
``notebooks/00_导读.ipynb`` (the stored notebook is never touched; outputs stripped, so all it sees
is live), runs all cells through the 运行 menu, answers the quiz and checks the Chinese feedback,
checks the menu bar is Chinese, saves a screenshot to ``tests/artifacts/`` and shuts the server
down. A second test does the same in Voilà (``make present``). Every wait is bounded.

It never downloads a browser (no ``playwright install``): it drives ``/usr/bin/chromium``. Without
Chromium it is skipped — unless ``CI`` is set, where it fails, so it cannot silently skip in CI
(``.ci/run`` installs ``chromium`` and ``fonts-noto-cjk``).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "00_导读.ipynb"
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


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {CHROMIUM} is missing: .ci/run must install chromium")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings_dir: Path) -> None:
    """User settings: Chinese UI, no news or update checks (no network, no toasts)."""
    files = {
        "@jupyterlab/translation-extension/plugin.jupyterlab-settings": {"locale": "zh_CN"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for rel, content in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content), encoding="utf-8")


def _wait_for_server(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"JupyterLab exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(
        f"JupyterLab did not answer within {SERVER_START_S}s:\n"
        f"{log.read_text(errors='replace')[-3000:]}"
    )


def _stop(proc: subprocess.Popen) -> None:
    """End a server we started (and the kernels it started: same process group) by its id."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _copy_without_outputs(src: Path, dst: Path) -> None:
    """The notebook with outputs and saved widget state removed: everything the test then sees
    comes from the live kernel, never from what is stored."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    nb["metadata"].pop("widgets", None)
    dst.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def lab(tmp_path):
    """A running JupyterLab serving a copy of the 00 notebook; yields (base_url, token)."""
    _require_chromium()
    root = tmp_path / "root"
    root.mkdir()
    _copy_without_outputs(NOTEBOOK, root / NOTEBOOK.name)
    settings = tmp_path / "settings"
    _write_settings(settings)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
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
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        cmd.append("--allow-root")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(f"{base}/api/status?token={token}", proc, log)
        yield base, token
    finally:
        _stop(proc)


def _wait_for_kernel(page) -> None:
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


def test_quiz_in_chinese_jupyterlab(lab):
    from playwright.sync_api import expect, sync_playwright

    base, token = lab
    url = f"{base}/lab/tree/{urllib.parse.quote(NOTEBOOK.name)}?token={token}"
    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=UI_TIMEOUT_MS)  # expect() has its own 5 s default
    started = time.monotonic()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=UI_TIMEOUT_MS
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            page.set_default_timeout(UI_TIMEOUT_MS)
            page.goto(url, timeout=UI_TIMEOUT_MS)
            # The UI is Chinese: the menu bar says 文件 / 运行.
            menubar = page.locator(".lm-MenuBar-itemLabel")
            expect(menubar.filter(has_text="文件").first).to_be_visible()
            expect(page.locator(".jp-Notebook")).to_be_visible()
            # Wait for the kernel to be ready, then run all cells through the 运行 menu.
            _wait_for_kernel(page)
            menubar.filter(has_text="运行").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="运行所有单元格").first.click()
            loaded = page.locator(
                ".jp-OutputArea-output", has_text="工具已载入，可以继续往下学习。"
            )
            expect(loaded.first).to_be_visible(timeout=RUN_TIMEOUT_MS)
            # Answer the first quiz question: B. 提出协商议题, then 提交答案.
            answer = page.locator(".widget-radio-box label", has_text="B. 提出协商议题")
            answer.scroll_into_view_if_needed()
            answer.click()
            page.locator("button.jupyter-button", has_text="提交答案").first.click()
            feedback = page.get_by_text("回答正确")
            expect(feedback.first).to_be_visible()
            feedback.first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "browser-00-quiz.png"))
            # A wrong answer to the second question gets its Chinese explanation.
            page.locator(".widget-checkbox label", has_text="C. 修改代码").first.click()
            page.locator("button.jupyter-button", has_text="提交答案").nth(1).click()
            expect(page.get_by_text("还不对").first).to_be_visible()
            expect(page.get_by_text("得分：1 / 2").first).to_be_visible()
            assert page.get_by_text("Error displaying widget").count() == 0
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "browser-00-failure.png"))
            (ARTIFACTS / "browser-00-failure.html").write_text(page.content(), encoding="utf-8")
            raise
        finally:
            browser.close()
    assert time.monotonic() - started < 300


@pytest.fixture
def voila(tmp_path):
    """``make present``'s command (Voilà, sources stripped) serving a copy of notebooks/."""
    _require_chromium()
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    port = _free_port()
    log = tmp_path / "voila.log"
    cmd = [
        str(Path(sys.executable).with_name("voila")),
        "--strip_sources=True",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        str(root),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "rt")),
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(f"{base}/", proc, log)
        yield base
    finally:
        _stop(proc)


def test_presentation_mode_shows_the_quiz_without_code(voila):
    from playwright.sync_api import expect, sync_playwright

    url = f"{voila}/voila/render/{urllib.parse.quote(NOTEBOOK.name)}"
    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=RUN_TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=UI_TIMEOUT_MS
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            page.set_default_timeout(RUN_TIMEOUT_MS)
            page.goto(url, timeout=RUN_TIMEOUT_MS)
            expect(page.get_by_text("00 导读").first).to_be_visible()
            answer = page.locator(".widget-radio-box label", has_text="B. 提出协商议题")
            answer.scroll_into_view_if_needed()
            answer.click()
            page.locator("button.jupyter-button", has_text="提交答案").first.click()
            expect(page.get_by_text("回答正确").first).to_be_visible()
            # sources are stripped: no code on the projector
            assert page.get_by_text("Question(").count() == 0
            assert page.get_by_text("Error displaying widget").count() == 0
            page.get_by_text("回答正确").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "voila-00-quiz.png"))
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "voila-00-failure.png"))
            raise
        finally:
            browser.close()


def test_missing_chromium_fails_in_ci_and_skips_elsewhere(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        _require_chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _require_chromium()
