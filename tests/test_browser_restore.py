"""A trainee's answer comes back after a page reload in Voilà (issue 24 §1), in a real browser.

Voilà starts a new kernel for every page: a reload is a kernel restart. One small notebook holds
lesson 01's quiz as a lesson cell builds it; headless Chromium (offline) opens it in Voilà, picks
the first option of question 1 and submits it, reloads the page and checks that the same option
is checked again, the feedback is shown and the Chinese restore note is there. The trainee's store
is in a folder of this test. Screenshots: ``tests/artifacts/restore-*.png``.
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
    launch_chromium,
    require_chromium,
    server_tracebacks,
    voila_server,
)

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


def test_a_quiz_answer_comes_back_after_a_reload_in_voila(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    root = tmp_path / "root"
    root.mkdir()
    (root / "恢复.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    data_dir = tmp_path / "jupyter-data"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=RUN_TIMEOUT_MS)
    offline = Offline()
    with (
        voila_server(tmp_path, root, extra_env={"JUPYTER_DATA_DIR": str(data_dir)}) as base,
        sync_playwright() as p,
    ):
        browser = launch_chromium(p)
        try:
            context = browser.new_context(viewport=VIEWPORT, locale="en-US")
            offline.attach(context)
            page = context.new_page()
            url = f"{base}/voila/render/{urllib.parse.quote('恢复.ipynb')}"
            page.goto(url)
            first = page.locator(".widget-radio-box input[type=radio]").first
            expect(first).to_be_visible()
            expect(page.get_by_text(RESTORED_ZH)).to_have_count(0)
            first.check()
            page.locator("button.jupyter-button", has_text="提交答案").first.click()
            feedback = page.get_by_text("再读一读").or_(page.get_by_text("对了")).first
            expect(feedback).to_be_visible()
            shown = feedback.inner_text().splitlines()[0].strip()
            page.screenshot(path=str(ARTIFACTS / "restore-answered.png"))
            page.reload()  # a new kernel reads the same store
            expect(page.get_by_text(RESTORED_ZH).first).to_be_visible()
            expect(page.locator(".widget-radio-box input[type=radio]").first).to_be_checked()
            expect(page.get_by_text(shown).first).to_be_visible()
            assert page.get_by_text(MSG_INTERNAL).count() == 0
            page.screenshot(path=str(ARTIFACTS / "restore-reloaded.png"))
        finally:
            browser.close()
    assert not offline.blocked
    assert server_tracebacks((tmp_path / "voila.log").read_text(errors="replace")) == []
