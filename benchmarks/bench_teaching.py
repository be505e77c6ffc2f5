"""Classroom speed of the teaching widgets: what a trainee waits for after a click.

Targets: a form_chooser (ScenarioLab) run answers within a few seconds; rule-checking widgets at
once (issue 6); the village view answers a day-slider step or a colour-mode switch with p95 <= 1 s
in the browser (issue 13) — the kernel's share of that, measured here, must stay well below it
(tests/test_browser.py prints the whole round trip in JupyterLab and Voilà).
Prints seconds per action; run with `.venv/bin/python benchmarks/bench_teaching.py [village]`;
`... bench_teaching.py browser` measures the village view's round trip in JupyterLab (needs
/usr/bin/chromium; uses tests/browser_support.py's server helpers).
"""

from __future__ import annotations

import os
import statistics
import sys
import time


def timed(label: str, fn, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    per = (time.perf_counter() - start) / repeat
    print(f"{label:<58s} {per:8.3f} s")
    return per


def _spread(label: str, seconds: list[float]) -> None:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"{label:<58s} median {statistics.median(ordered):6.3f} s  p95 {p95:6.3f} s"
        f"  max {ordered[-1]:6.3f} s  (n={len(ordered)})"
    )


def village_view(rounds: int = 3) -> None:
    """Kernel time of the village view: building it, each day-slider step (a day not drawn yet),
    a step back to a day drawn before (cached) and a colour-mode switch; and, for comparison, a
    full matplotlib render of one day (what every step cost before frames were blitted)."""
    from xsim.sim.model import ConsultationModel
    from xsim.teaching.village_view import VillageView, render_png, snapshot_from_model

    for name in ("elevator_retrofit", "village_road"):
        model = ConsultationModel(name, rng=1)
        model.run()
        snap = snapshot_from_model(model)
        print(f"{name}: {snap.n_households} households, days 0..{snap.last_day}")
        build, fresh, cached, switch = [], [], [], []
        for _ in range(rounds):
            start = time.perf_counter()
            view = VillageView(snap)
            build.append(time.perf_counter() - start)
            for day in range(1, snap.last_day + 1):
                start = time.perf_counter()
                view.slider.value = day
                fresh.append(time.perf_counter() - start)
            for day in range(snap.last_day - 1, -1, -1):
                start = time.perf_counter()
                view.slider.value = day
                cached.append(time.perf_counter() - start)
            for mode in ("opinion", "participation") * 2:
                view.slider.value = (view.slider.value + 1) % (snap.last_day + 1)
                start = time.perf_counter()
                view.mode.value = mode
                switch.append(time.perf_counter() - start)
        _spread("  VillageView construction (first picture)", build)
        _spread("  day step, new day", fresh)
        _spread("  day step, day seen before (cache)", cached)
        _spread("  colour-mode switch (incl. the first opinion figure)", switch)
        timed("  full matplotlib render of one day (reference)", lambda s=snap: render_png(s, 5))


def main() -> None:
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores shared with other jobs inflate these)")
    if sys.argv[1:] == ["browser"]:
        village_view_in_browser()
        return
    village_view()
    if sys.argv[1:] == ["village"]:
        return
    from xsim.teaching.cases import elevator_record
    from xsim.teaching.lab import form_chooser
    from xsim.teaching.picker import ParticipantPicker, elevator_candidates
    from xsim.teaching.stepper import ProcedureStepper

    holder = {}
    timed(
        "form_chooser construction (imports model)",
        lambda: holder.setdefault("fc", form_chooser("elevator_retrofit", seeds=5)),
    )
    fc = holder["fc"]
    timed("form_chooser first run (5 seeds)", fc.run_button.click)
    for i in range(len(fc.dropdowns[0].options)):
        fc.choose(i)
        timed(f"  form option {i}", fc.run_button.click)
    village = form_chooser("village_road", seeds=5)
    timed("form_chooser village_road first run", village.run_button.click)

    p = ParticipantPicker(elevator_record(), elevator_candidates())
    p.select(*[c.label for c in p.candidates[:6]])
    timed("ParticipantPicker check (record + rules engine)", p.check_button.click, repeat=20)
    s = ProcedureStepper()
    s.choose(1)
    timed("ProcedureStepper confirm (record + rules engine)", s.confirm.click, repeat=20)


def village_view_in_browser(steps: int = 20, switches: int = 6) -> None:
    """The village view in JupyterLab (headless Chromium, tests/browser_support.py's server
    and settings): seconds from a key press on the day slider (or a click on the colour switch) until
    the new picture and caption are in the page, polled every animation frame."""
    import tempfile
    from pathlib import Path

    import nbformat
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import browser_support as tb
    from test_browser import VILLAGE_CODE

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(VILLAGE_CODE)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(nb, root / "village.ipynb")
        with tb.jupyterlab(Path(tmp), root) as (base, token), sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=tb.CHROMIUM, args=tb.CHROMIUM_ARGS, headless=True
            )
            try:
                page = browser.new_context(viewport=tb.VIEWPORT).new_page()
                page.set_default_timeout(tb.RUN_TIMEOUT_MS)
                page.goto(f"{base}/lab/tree/village.ipynb?token={token}")
                tb.wait_for_kernel(page)
                page.locator(".lm-MenuBar-itemLabel", has_text="运行").first.click()
                page.locator(".lm-Menu-itemLabel", has_text="运行所有单元格").first.click()
                page.get_by_text("第 0 天（").first.wait_for()
                tb.wait_for_kernel(page)
                image = page.locator(".widget-image").first
                handle = page.locator(".widget-hslider .noUi-handle").last
                # a step: the caption names the new day (the kernel sends the picture first);
                # a colour switch: the picture's blob URL changes
                day_shown = "(day) => document.body.innerText.includes('第 ' + day + ' 天（')"
                new_src = "(src) => document.querySelector('.widget-image').src !== src"
                step_s, switch_s = [], []
                for day in range(1, steps + 1):
                    start = time.perf_counter()
                    handle.press("ArrowRight")
                    page.wait_for_function(day_shown, arg=day, polling="raf")
                    step_s.append(time.perf_counter() - start)
                for i in range(switches):
                    src = image.get_attribute("src")
                    label = "意见" if i % 2 == 0 else "参与"
                    start = time.perf_counter()
                    page.locator(".widget-toggle-button", has_text=label).first.click()
                    page.wait_for_function(new_src, arg=src, polling="raf")
                    switch_s.append(time.perf_counter() - start)
            finally:
                browser.close()
    print(f"load average: {os.getloadavg()[0]:.2f}")
    _spread("village view in JupyterLab: day step (new day)", step_s)
    _spread("village view in JupyterLab: colour-mode switch", switch_s)


if __name__ == "__main__":
    main()
