"""A trainee's answer comes back after a page reload in Voilà and after a kernel restart in
JupyterLab (issue 24 §1), in a real browser.

One small notebook holds lesson 01's quiz as a lesson cell builds it; headless Chromium (offline,
1366×768) picks the first option of question 1 and submits it, then
- in Voilà, which starts a new kernel for every page, reloads the page;
- in JupyterLab (``make lab``'s settings), restarts the kernel and runs all cells again (内核 →
  重启内核并运行所有单元格, the command ``notebook:restart-run-all``, its dialog accepted) —
and checks that the same option is checked again, the feedback is shown and the Chinese restore
note is there. The trainee's store is in a folder of each test (``JUPYTER_DATA_DIR``).
Screenshots: ``tests/artifacts/restore-*.png`` (JupyterLab: ``restore-lab-*.png``).
"""

from __future__ import annotations

import json
import urllib.parse

import pytest
from browser_support import (
    ARTIFACTS,
    RUN_TIMEOUT_MS,
    VIEWPORT,
    Offline,
    jupyterlab,
    launch_chromium,
    open_page,
    require_chromium,
    server_tracebacks,
    voila_server,
    wait_for_kernel,
)
from test_browser_course import NOTEBOOK_SCOPE, _run_all

from xsim.teaching.common import MSG_INTERNAL, RESTORED_ZH

pytestmark = pytest.mark.browser

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": 'from xsim.teaching import course\ncourse.quiz("01")',
        }
    ],
    "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}

RADIOS = ".widget-radio-box input[type=radio]"


def _workspace(tmp_path):
    """The notebook's folder (the quiz notebook in it) and the Jupyter data folder that holds
    the trainee's progress store, both in the test's own folder."""
    require_chromium()
    root = tmp_path / "root"
    root.mkdir()
    (root / "恢复.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return root, tmp_path / "jupyter-data"


def _answer_the_first_question(scope) -> str:
    """Answer the quiz's first question (nothing restored yet); the feedback's first line."""
    from playwright.sync_api import expect

    first = scope.locator(RADIOS).first
    expect(first).to_be_visible()
    expect(scope.get_by_text(RESTORED_ZH)).to_have_count(0)
    first.check()
    scope.locator("button.jupyter-button", has_text="提交答案").first.click()
    feedback = scope.get_by_text("再读一读").or_(scope.get_by_text("对了")).first
    expect(feedback).to_be_visible()
    return feedback.inner_text().splitlines()[0].strip()


def _expect_the_answer_back(scope, shown: str) -> None:
    """The choice and its feedback are shown again, with no internal error."""
    from playwright.sync_api import expect

    expect(scope.locator(RADIOS).first).to_be_checked()
    expect(scope.get_by_text(shown).first).to_be_visible()
    assert scope.get_by_text(MSG_INTERNAL).count() == 0


def test_a_quiz_answer_comes_back_after_a_reload_in_voila(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=RUN_TIMEOUT_MS)
    root, data_dir = _workspace(tmp_path)
    offline = Offline()
    with (
        voila_server(tmp_path, root, extra_env={"JUPYTER_DATA_DIR": str(data_dir)}) as base,
        sync_playwright() as p,
    ):
        browser = launch_chromium(p)
        try:
            page = open_page(browser, offline)
            url = f"{base}/voila/render/{urllib.parse.quote('恢复.ipynb')}"
            page.goto(url)
            shown = _answer_the_first_question(page)
            page.screenshot(path=str(ARTIFACTS / "restore-answered.png"))
            page.reload()  # a new kernel reads the same store
            expect(page.get_by_text(RESTORED_ZH).first).to_be_visible()
            # where the trainee arrives, not under the quiz's questions
            assert page.get_by_text(RESTORED_ZH).first.bounding_box()["y"] < VIEWPORT["height"] / 2
            _expect_the_answer_back(page, shown)
            page.screenshot(path=str(ARTIFACTS / "restore-reloaded.png"))
        finally:
            browser.close()
    assert not offline.blocked
    assert server_tracebacks((tmp_path / "voila.log").read_text(errors="replace")) == []


def test_a_quiz_answer_comes_back_after_a_kernel_restart_in_jupyterlab(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=RUN_TIMEOUT_MS)
    root, data_dir = _workspace(tmp_path)
    offline = Offline()
    with (
        jupyterlab(
            tmp_path,
            root,
            # _run_all reads the kernel's status through the page (window.jupyterapp)
            extra_args=["--LabApp.expose_app_in_browser=True"],
            extra_env={"JUPYTER_DATA_DIR": str(data_dir)},
        ) as (base, token),
        sync_playwright() as p,
    ):
        browser = launch_chromium(p)
        try:
            page = open_page(browser, offline, RUN_TIMEOUT_MS)
            page.goto(f"{base}/lab/tree/{urllib.parse.quote('恢复.ipynb')}?reset&token={token}")
            notebook = page.locator(NOTEBOOK_SCOPE)
            expect(notebook).to_be_visible()
            wait_for_kernel(page)
            _run_all(page)
            shown = _answer_the_first_question(notebook)
            wait_for_kernel(page)
            page.screenshot(path=str(ARTIFACTS / "restore-lab-answered.png"))
            # 内核 → 重启内核并运行所有单元格: a new kernel process reads the same store
            page.evaluate(
                "() => { window.jupyterapp.commands.execute('notebook:restart-run-all'); }"
            )
            page.locator(".jp-Dialog .jp-mod-accept").click()
            expect(notebook.get_by_text(RESTORED_ZH).first).to_be_visible()
            wait_for_kernel(page)
            _expect_the_answer_back(notebook, shown)
            page.screenshot(path=str(ARTIFACTS / "restore-lab-restarted.png"))
            notebook.get_by_text(RESTORED_ZH).first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "restore-lab-restarted-note.png"))
        finally:
            browser.close()
    assert not offline.blocked
    log = (tmp_path / "lab.log").read_text(errors="replace")
    assert log.count("Kernel restarted: ") == 1  # a new kernel process, not a re-run
    assert server_tracebacks(log) == []
