"""End-to-end: every notebook of the course in a real browser, every widget operated once.

One JupyterLab (``make lab``'s settings: zh-CN, no news; see :mod:`browser_support`) serves copies
of ``notebooks/00_…`` – ``09_…`` and ``trainer/班级汇总.ipynb`` without outputs or widget
state (the trainer's copy gets a ``进度文件`` folder with two trainees' exports made by
:func:`xsim.teaching.progress.export`). One headless Chromium (1366×768, offline: every request
to another host is aborted and the test asserts none was attempted) opens each notebook in its own
test, runs it through 运行 → 运行所有单元格 and then walks the rendered widgets top to bottom,
operating each once: buttons are clicked (download links only checked to be local), check boxes
toggled, radio groups and toggle buttons set to another option, dropdowns and lists to another
option, sliders moved one step (focus, ArrowRight), number and text fields given a plausible value,
date pickers a date, upload fields a small file. Before the walk one field per notebook gets an
invalid value (letters, then a negative number, into a number field; an over-long name or a
missing folder into a text field; or a quiz submitted without a choice) and a Chinese message must
appear beside it.

After each action the test waits (bounded) until the kernel is idle again and the DOM of that
cell's output has been quiet for a moment. Measured (reported, not asserted — speed goals are not
timed tests; only a generous sanity bound is asserted):

- ``run_all_s``: from the 运行所有单元格 click until every code cell has run and the kernel is idle;
- ``interactive_s``: until, in addition, every widget output is rendered in the page;
- per action, ``answered_s``: from the action until the last change of the DOM under that cell's
  output before the kernel went idle and the DOM stayed quiet (the kernel's return to idle if
  nothing in the DOM changed); ``first_change_s``: until the first change (a busy label, say).

Asserted for each notebook: no "Error displaying widget"; no traceback (no stderr or error output,
nothing in the server's log, which holds the kernels' stderr, and never the widgets' own
"操作没有成功，这不是您的错" apology for a crashed callback, looked for after every action); no
internal name in the rendered text of the cell output after every action and of every output area at
the end (the ``leaks()`` rules of ``tests/test_teaching_plain_chinese.py``; the small ``xsim-ref``
references hidden before reading, as the stored-output scan removes them); after a submit-like
button (提交、检查、运行 …) something that changed is in the viewport (scrolled there if needed — the
first change below the button is the answer; when it is out of view while another change is in
view, that is recorded as ``answers_out_of_view``, not failed); no code cell's input visible;
download links local; nothing fetched from the internet; no hidden code cell showing its first
line in JupyterLab's collapsed placeholder (the course's custom CSS removes the row); no internal
name in the lessons' own text (markdown cells, ``xsim-ref`` references left out).
Screenshots go to ``tests/artifacts/course/<notebook>-*.png``; the times to
``tests/artifacts/course/browser-times.json``, and a table is printed in the test log.

The capstone (09) is also run in Voilà (``--strip_sources=True``): one click without choices does
not pass, a complete set of choices gets the rubric's verdict and the four documents as local
download links.

Every wait is bounded. Without Chromium the tests skip, except under ``CI`` where they fail.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from browser_support import (
    ARTIFACTS,
    ROOT,
    RUN_TIMEOUT_MS,
    UI_TIMEOUT_MS,
    Offline,
    copy_without_outputs,
    jupyterlab,
    launch_chromium,
    open_page,
    require_chromium,
    run_all_cells,
    server_tracebacks,
    voila_server,
    wait_for_kernel,
)
from test_teaching_plain_chinese import leaks

pytestmark = pytest.mark.browser

COURSE_ARTIFACTS = ARTIFACTS / "course"
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TRAINER = ROOT / "trainer" / "班级汇总.ipynb"
NOTEBOOKS = [*LESSONS, TRAINER]
CAPSTONE = next((p for p in LESSONS if p.name.startswith("09_")), ROOT / "notebooks" / "09.ipynb")
EXPORTS_FOLDER = "进度文件"  # what the trainer notebook merges (course.classroom("进度文件"))

ANSWER_LIMIT_S = 60  # sanity bound per action (the speed goal, p95 <= 1 s, is only reported)
QUIET_MS = 300  # the DOM of the cell output unchanged this long: the answer is complete
NO_KERNEL_MS = 3000  # no kernel activity this long after an action: it was answered in the page
MAX_ACTIONS = 250  # per notebook: a walk that regenerates its controls forever fails
WALK_BUDGET_S = 900
SUBMIT_WORDS = ("提交", "检查", "运行", "开始", "判定", "生成", "计算", "汇总", "评分")
NOTEBOOK_SCOPE = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
INTERNAL_ERROR = "这不是您的错"  # xsim.teaching.common.MSG_INTERNAL: a callback crashed
PLAUSIBLE_TEXT = "经各村民小组征求意见后整理：多数群众支持该方案，少数群众希望先公示再实施。"
TRACEBACK = re.compile(r"Traceback|Error\b|Exception\b")
CJK = re.compile(r"[\u4e00-\u9fff]")

#: notebook stem -> measured times; written to browser-times.json after each test
TIMES: dict[str, dict] = {}

# -- in-page instruments ---------------------------------------------------------------------------
INSTRUMENT_JS = """() => {
  if (window.__xsim) return true;
  const x = window.__xsim = {events: [], kernel: null, rec: null, seq: 0};
  x.hook = () => {
    const app = window.jupyterapp;
    const w = app && app.shell.currentWidget;
    const s = w && w.sessionContext && w.sessionContext.session;
    const k = s && s.kernel;
    if (!k) return null;
    if (x.kernel !== k) {
      x.kernel = k;
      k.statusChanged.connect((_, st) => x.events.push([performance.now(), st]));
    }
    return k.status;
  };
  x.start = (el) => {
    x.hook();
    if (x.rec) x.rec.obs.disconnect();
    const area = el.closest('.jp-Cell-outputArea') || el.closest('.jp-OutputArea')
      || document.body;
    const rec = x.rec = {t0: performance.now(), ev0: x.events.length, muts: [], nodes: [], el,
                         area};
    rec.obs = new MutationObserver((list) => {
      const t = performance.now();
      for (const m of list) {
        const n = m.target.nodeType === 1 ? m.target : m.target.parentElement;
        if (n && n.closest('script, style')) continue;
        rec.muts.push(t);
        if (m.type === 'childList') {
          for (const a of m.addedNodes) rec.nodes.push(a.nodeType === 1 ? a : a.parentElement);
        } else if (m.type === 'characterData') {
          rec.nodes.push(n);
        }
      }
    });
    rec.obs.observe(area, {subtree: true, childList: true, characterData: true,
                           attributes: true});
    return true;
  };
  x.state = () => {
    const r = x.rec, now = performance.now();
    const ev = x.events.slice(r.ev0);
    let busy = null, idle = null;
    for (const [t, st] of ev) {
      if (st === 'busy' && busy === null) busy = t;
      if (st === 'idle' && busy !== null) idle = t;
    }
    const status = x.kernel ? x.kernel.status : 'unknown';
    const last = r.muts.length ? r.muts[r.muts.length - 1] - r.t0 : null;
    return {now: now - r.t0, status, busy: busy === null ? null : busy - r.t0,
            idle: idle === null ? null : idle - r.t0,
            first: r.muts.length ? r.muts[0] - r.t0 : null, last};
  };
  x.areaText = () => {
    // what the trainee reads in this cell's output now (the xsim-ref references hidden)
    const refs = [...x.rec.area.querySelectorAll('.xsim-ref')];
    refs.forEach((r) => r.classList.add('xsim-hidden-for-test'));
    const hide = document.createElement('style');
    hide.textContent = '.xsim-hidden-for-test { display: none !important; }';
    document.head.appendChild(hide);
    const opts = [...x.rec.area.querySelectorAll('option')].map((o) => o.textContent).join(' ');
    const text = x.rec.area.innerText + ' ' + opts;
    refs.forEach((r) => r.classList.remove('xsim-hidden-for-test'));
    hide.remove();
    return text;
  };
  x.feedback = () => {
    // the texts that changed (not the control itself), in document order, marked for the test
    const r = x.rec, el = r.el, seen = new Set(), cands = [];
    for (const e of r.nodes) {
      if (!e || seen.has(e) || !e.isConnected || e.closest('script, style')) continue;
      seen.add(e);
      if (el.contains(e) || e.contains(el)) continue;
      const text = (e.innerText || '').trim();
      const box = e.getBoundingClientRect();
      if (!text || box.width === 0 || box.height === 0) continue;
      cands.push(e);
    }
    cands.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING)
      ? -1 : 1);
    return cands.map((e) => {
      const id = 'f' + (++x.seq);
      e.setAttribute('data-xsim-feedback', id);
      return {id, text: e.innerText.trim().slice(0, 40),
              after: !!(el.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING)};
    });
  };
  return true;
}"""

# Operable controls in document order, each once: (id, kind, label). Marked with data-xsim-ctl.
CONTROLS_JS = """(scope) => {
  const root = document.querySelector(scope) || document.body;
  const out = [];
  const seen = new Set();
  const sel = [
    'button.jupyter-button', '.widget-checkbox input[type=checkbox]', '.widget-radio-box',
    '.widget-toggle-buttons', '.widget-dropdown select', '.widget-select select',
    '.noUi-handle', '.widget-text input', '.widget-textarea textarea',
    '.widget-datepicker input', '.widget-upload'].join(', ');
  let n = Number(root.getAttribute('data-xsim-n') || 0);
  for (const el of root.querySelectorAll(sel)) {
    if (!el.closest('.jp-OutputArea-output')) continue;
    let kind, node = el;
    if (el.matches('.widget-upload')) kind = 'upload';
    else if (el.closest('.widget-upload')) continue;
    else if (el.matches('.widget-toggle-buttons')) kind = 'toggles';
    else if (el.closest('.widget-toggle-buttons')) continue;
    else if (el.matches('.widget-radio-box')) kind = 'radio';
    else if (el.closest('.widget-play')) {
      // only ▶ (the first button): the others pause, stop, or loop the animation forever
      if (el !== el.closest('.widget-play').querySelector('button')) continue;
      kind = 'play';
    } else if (el.matches('button')) kind = 'button';
    else if (el.matches('.noUi-handle')) kind = 'slider';
    else if (el.matches('select')) kind = 'select';
    else if (el.matches('textarea')) kind = 'textarea';
    else if (el.matches('.widget-datepicker input')) kind = 'date';
    else if (el.matches('input[type=number]')) kind = 'number';
    else if (el.matches('input[type=checkbox]')) kind = 'checkbox';
    else kind = 'text';
    if (seen.has(node)) continue;
    seen.add(node);
    if (!node.getAttribute('data-xsim-ctl')) node.setAttribute('data-xsim-ctl', 'c' + (++n));
    const label = (node.closest('.widget-checkbox, .widget-inline-hbox, .widget-textarea')
      || node).innerText || node.getAttribute('placeholder') || '';
    out.push({id: node.getAttribute('data-xsim-ctl'), kind,
              done: node.getAttribute('data-xsim-done') === '1',
              disabled: !!(node.disabled || (node.matches('button') && node.disabled)),
              label: label.trim().slice(0, 40)});
  }
  root.setAttribute('data-xsim-n', String(n));
  return out;
}"""

# innerText of every output area (the xsim-ref references hidden), option texts included.
OUTPUT_TEXTS_JS = """(scope) => {
  const root = document.querySelector(scope) || document.body;
  // offscreen cells are skipped by content-visibility: innerText would read them as empty
  const show = document.createElement('style');
  show.textContent = '.jp-Cell, .jp-Cell * { content-visibility: visible !important; }';
  document.head.appendChild(show);
  const refs = [...root.querySelectorAll('.xsim-ref')];
  const saved = refs.map((r) => r.style.display);
  refs.forEach((r) => { r.style.display = 'none'; });
  const out = [];
  root.querySelectorAll('.jp-OutputArea-output').forEach((o, i) => {
    const opts = [...o.querySelectorAll('option')].map((op) => op.textContent).join(' ');
    out.push([i, (o.innerText || '') + ' ' + opts]);
  });
  refs.forEach((r, i) => { r.style.display = saved[i]; });
  show.remove();
  return out;
}"""

RUN_STATE_JS = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext.session) return null;
  const cells = w.content.widgets.filter((c) => c.model.type === 'code');
  const ran = cells.every((c) => c.model.executionCount !== null
    && c.model.executionState !== 'running');
  let wanted = 0;
  for (const c of cells) {
    for (let i = 0; i < c.model.outputs.length; i++) {
      if (c.model.outputs.get(i).data['application/vnd.jupyter.widget-view+json']) wanted++;
    }
  }
  // a widget output: a .jp-OutputArea-output panel holding the widget's view
  const views = [...w.content.node.querySelectorAll('.jp-OutputArea-output')]
    .filter((v) => v.querySelector(':scope > .jupyter-widgets, :scope .jupyter-widgets'));
  const rendered = views.filter(
    (v) => !/Loading widget|Error displaying widget/.test(v.innerText)).length;
  const kernel = w.sessionContext.session.kernel;
  return {ran, idle: kernel && kernel.status === 'idle', wanted, rendered, cells: cells.length};
}"""


# -- fixtures --------------------------------------------------------------------------------------
def _write_exports(folder: Path, scratch: Path) -> None:
    """Two trainees' progress files, made by the kit's own export (what a trainer collects)."""
    from xsim.teaching import progress

    folder.mkdir(parents=True)
    for name, right in (("张三", True), ("李四", False)):
        store = scratch / f"{name}.json"
        progress.set_trainee(name, path=store)
        progress.register_items("00", ["q1", "q2"], path=store)
        progress.record_answer("00", "q1", correct=True, answer="B", clause="§4", path=store)
        progress.record_answer("00", "q2", correct=right, answer="C", clause="§4", path=store)
        progress.export(folder, progress=progress.load(store))


@pytest.fixture(scope="module")
def course_lab(tmp_path_factory):
    """One JupyterLab serving the whole course (copies without outputs); yields
    (base_url, token, server log path)."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("course-lab")
    root = tmp / "root"
    for nb in LESSONS:
        copy_without_outputs(nb, root / nb.name)
    copy_without_outputs(TRAINER, root / "trainer" / TRAINER.name)
    _write_exports(root / "trainer" / EXPORTS_FOLDER, tmp)
    with jupyterlab(
        tmp,
        root,
        # the test reads the kernel's status through the page (window.jupyterapp)
        extra_args=["--LabApp.expose_app_in_browser=True"],
        # trainees' answers go to a store of this run, never the tester's own
        extra_env={"JUPYTER_DATA_DIR": str(tmp / "jupyter-data")},
    ) as (base, token):
        yield base, token, tmp / "lab.log"


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the whole file."""
    from playwright.sync_api import sync_playwright

    require_chromium()
    p = sync_playwright().start()
    browser = launch_chromium(p)
    try:
        yield browser
    finally:
        browser.close()
        p.stop()


@pytest.fixture(scope="module", autouse=True)
def _times_report(pytestconfig):
    """After the file: the times table in the test log (not captured) and the JSON."""
    TIMES.clear()
    yield
    if not TIMES:
        return
    _write_times()
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():  # shown in CI logs without -s
        reporter.write_line("")
        for line in _times_table():
            reporter.write_line(line)


def _write_times() -> None:
    COURSE_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (COURSE_ARTIFACTS / "browser-times.json").write_text(
        json.dumps(TIMES, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def _summary(latencies: list[float]) -> dict:
    if not latencies:
        return {"clicks": 0, "click_median_s": None, "click_p95_s": None}
    return {
        "clicks": len(latencies),
        "click_median_s": round(statistics.median(latencies), 3),
        "click_p95_s": round(_p95(latencies), 3),
    }


def _times_table() -> list[str]:
    def f(v):
        return "—" if v is None else f"{v:.2f}"

    lines = [
        "browser times (s): notebook | run all | interactive | clicks | click median | click p95",
    ]
    every = []
    for stem, t in TIMES.items():
        every += t.get("latencies_s", [])
        lines.append(
            f"  {stem} | {f(t.get('run_all_s'))} | {f(t.get('interactive_s'))} | "
            f"{t.get('clicks', 0)} | {f(t.get('click_median_s'))} | {f(t.get('click_p95_s'))}"
        )
    overall = _summary(every)
    lines.append(
        f"  all | | | {overall['clicks']} | {f(overall['click_median_s'])} | "
        f"{f(overall['click_p95_s'])}"
    )
    return lines


# -- helpers ---------------------------------------------------------------------------------------
def _api(base: str, token: str, path: str, method: str = "GET"):
    req = urllib.request.Request(f"{base}{path}?token={token}", method=method)
    with urllib.request.urlopen(req, timeout=30) as resp:
        body = resp.read()
    return json.loads(body) if body else None


def _shutdown_kernels(base: str, token: str) -> None:
    """Frees the two cores for the next notebook: every session of this server is ended."""
    for session in _api(base, token, "/api/sessions") or []:
        _api(base, token, f"/api/sessions/{session['id']}", method="DELETE")


def _wait_answer(page) -> dict:
    """Until the kernel went busy and back to idle and the cell's DOM stayed quiet (or, if the
    kernel was never involved, the page's own change settled). Bounded by ANSWER_LIMIT_S."""
    while True:
        s = page.evaluate("() => __xsim.state()")
        quiet = s["now"] - max(s["last"] or 0, s["idle"] or 0) >= QUIET_MS
        if s["busy"] is not None and s["idle"] is not None and s["status"] == "idle" and quiet:
            break
        if s["busy"] is None and s["now"] >= NO_KERNEL_MS and quiet:
            break
        if s["now"] > ANSWER_LIMIT_S * 1000:
            s["timeout"] = True
            break
        page.wait_for_timeout(50)
    answered = s["last"] if s["last"] is not None else s["idle"]
    s["answered"] = None if answered is None else answered / 1000
    return s


def _act(page, ctl: dict, value_hint: str | None = None) -> None:
    """Operate one control (located by its data-xsim-ctl id) once."""
    loc = page.locator(f'[data-xsim-ctl="{ctl["id"]}"]')
    kind = ctl["kind"]
    if kind in ("button", "play", "checkbox"):
        loc.click()
    elif kind == "radio":
        loc.locator("input[type=radio]:not(:checked)").first.click()
    elif kind == "toggles":
        loc.locator("button:not(.mod-active)").first.click()
    elif kind == "select":
        options = loc.locator("option").count()
        current = loc.evaluate("e => e.selectedIndex")
        loc.select_option(index=(current + 1) % options if current >= 0 else 0)
    elif kind == "slider":
        loc.focus()
        loc.press("ArrowRight")
    elif kind == "number":
        current = max(0, int(float(loc.input_value() or "0")))  # after the probe's -5
        value = value_hint or str(current + 1)
        loc.fill(value)
        loc.press("Enter")
    elif kind == "text":  # its own value again (as before the invalid entry), else a name
        loc.fill(value_hint or loc.get_attribute("data-xsim-original") or "测试学员")
        loc.press("Enter")
    elif kind == "textarea":
        loc.fill(value_hint or PLAUSIBLE_TEXT)
        loc.evaluate("e => e.blur()")
    elif kind == "date":
        loc.fill("2026-03-10")
        loc.evaluate("e => e.dispatchEvent(new Event('change', {bubbles: true}))")
    elif kind == "upload":
        loc.locator("input[type=file]").set_input_files(
            {"name": "记录.yaml", "mimeType": "text/yaml", "buffer": "标题: [没写完".encode()}
        )
    else:  # pragma: no cover - CONTROLS_JS knows no other kinds
        raise AssertionError(kind)


def _operate(page, ctl: dict, problems: list[str], value_hint: str | None = None) -> dict:
    """One action, measured; checks the submit-like buttons' feedback is in view."""
    from playwright.sync_api import expect

    loc = page.locator(f'[data-xsim-ctl="{ctl["id"]}"]')
    loc.evaluate("e => e.setAttribute('data-xsim-done', '1')")
    loc.scroll_into_view_if_needed()
    loc.evaluate("e => __xsim.start(e)")
    _act(page, ctl, value_hint)
    s = _wait_answer(page)
    if ctl["kind"] == "play" and s["first"] is not None:  # answered: the animation started
        s["answered"] = s["first"] / 1000
    entry = {
        "kind": ctl["kind"],
        "label": ctl["label"],
        "answered_s": s["answered"],
        "first_change_s": None if s["first"] is None else s["first"] / 1000,
        "kernel": s["busy"] is not None,
        "dom_changed": s["first"] is not None,
    }
    if s.get("timeout"):
        problems.append(f"{ctl['kind']}「{ctl['label']}」not answered within {ANSWER_LIMIT_S}s")
    # what this action showed, before a later action clears it
    shown = page.evaluate("() => __xsim.areaText()")
    if INTERNAL_ERROR in shown:
        problems.append(f"{ctl['kind']}「{ctl['label']}」: its callback crashed ({INTERNAL_ERROR})")
    hits = sorted(set(leaks(shown)))
    if hits and not any(str(hits) in problem for problem in problems):  # once per notebook
        problems.append(f"{ctl['kind']}「{ctl['label']}」: internal names shown: {hits}")
    if ctl["kind"] == "button" and any(w in ctl["label"] for w in SUBMIT_WORDS):
        changed = page.evaluate("() => __xsim.feedback()")
        # the answer: the first text that changed below the control (else above it)
        main = next((c for c in changed if c["after"]), changed[0] if changed else None)
        entry["feedback"] = main and main["text"]
        if main is None:
            problems.append(f"button「{ctl['label']}」: no text changed after the click")
        else:
            try:  # smooth scrolling (ScrollIntoView) takes a moment
                expect(page.locator(f'[data-xsim-feedback="{main["id"]}"]')).to_be_in_viewport(
                    timeout=3_000
                )
            except AssertionError:
                # reported: the main answer is out of view; failed: nothing that changed is
                in_view = [c["text"] for c in changed if _in_view(page, c["id"])]
                entry["answer_out_of_view"] = main["text"]
                if not in_view:
                    problems.append(
                        f"button「{ctl['label']}」: its feedback「{main['text'][:30]}」"
                        "is outside the visible area, and nothing else that changed is in view"
                    )
    return entry


def _in_view(page, feedback_id: str) -> bool:
    return page.locator(f'[data-xsim-feedback="{feedback_id}"]').evaluate(
        """e => { const r = e.getBoundingClientRect();
                  return r.height > 0 && r.bottom > 0 && r.top < innerHeight; }"""
    )


def _red_messages(page, cell_output) -> list[str]:
    return cell_output.locator('[style*="b71c1c"]').all_inner_texts()


def _invalid_probe(page, problems: list[str]) -> dict | None:
    """One invalid entry per notebook; a Chinese message must appear beside it (same output)."""
    controls = page.evaluate(CONTROLS_JS, NOTEBOOK_SCOPE)
    target = next((c for c in controls if c["kind"] == "number"), None)
    target = target or next((c for c in controls if c["kind"] == "text"), None)
    if target is None:  # no field: a quiz submitted without a choice
        submit = next(
            (c for c in controls if c["kind"] == "button" and c["label"].startswith("提交")), None
        )
        if submit is None:
            return None
        loc = page.locator(f'[data-xsim-ctl="{submit["id"]}"]')
        output = loc.locator("xpath=ancestor::*[contains(@class,'jp-OutputArea-output')][1]")
        before = _red_messages(page, output)
        entry = _operate(page, submit, problems)
        submit_button = submit
        what = "提交 without a choice"
    else:
        loc = page.locator(f'[data-xsim-ctl="{target["id"]}"]')
        output = loc.locator("xpath=ancestor::*[contains(@class,'jp-OutputArea-output')][1]")
        before = _red_messages(page, output)
        if target["kind"] == "number":
            # letters: the browser's number field refuses them (nothing reaches the kernel)
            loc.scroll_into_view_if_needed()
            loc.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("abc")
            page.keyboard.press("Enter")
            page.wait_for_timeout(300)
            letters = loc.input_value()
            bad = "-5"
        else:
            letters = None
            bad = "名" * 60  # too long for a name, no such folder
            loc.evaluate("e => e.setAttribute('data-xsim-original', e.value)")
        _operate(page, target, problems, value_hint=bad)
        buttons = output.locator("button.jupyter-button:not(:disabled)")
        if buttons.count() == 0:
            problems.append(f"invalid entry in「{target['label']}」: no button to submit it")
            return {"field": target["label"], "value": bad}
        submit_id = buttons.first.evaluate(
            """e => { if (!e.getAttribute('data-xsim-ctl'))
                        e.setAttribute('data-xsim-ctl', 'probe');
                      return e.getAttribute('data-xsim-ctl'); }"""
        )
        submit_button = {"id": submit_id, "kind": "button", "label": buttons.first.inner_text()}
        entry = _operate(page, submit_button, problems)
        what = f"「{target['label']}」= {bad!r} (letters left {letters!r})"
    after = _red_messages(page, output)
    new = [t for t in after if t not in before and CJK.search(t)]
    if not new:
        problems.append(f"invalid entry {what}: no Chinese message beside it")
    if any(INTERNAL_ERROR in t for t in after):
        problems.append(f"invalid entry {what}: a crashed callback's apology, not a message")
    # the probe's own clicks count like any other; the controls it used are walked again later
    page.evaluate(
        """id => { const e = document.querySelector(`[data-xsim-ctl="${id}"]`);
                   if (e) e.removeAttribute('data-xsim-done'); }""",
        submit_button["id"],
    )
    if target is not None:
        loc.evaluate("e => e.removeAttribute('data-xsim-done')")
    return {"what": what, "message": new[:1], "answered_s": entry["answered_s"]}


def _page_checks(page, scope: str, problems: list[str]) -> dict:
    """What the trainee must never see: widget errors, tracebacks, internal names, code."""
    body = page.locator(scope)
    if body.get_by_text("Error displaying widget").count():
        problems.append("Error displaying widget")
    for text in body.locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'
    ).all_inner_texts():
        kind = "traceback" if TRACEBACK.search(text) else "stderr output"
        problems.append(f"{kind}: {text[:300]}")
    leaked = {}
    for i, text in page.evaluate(OUTPUT_TEXTS_JS, scope):
        if INTERNAL_ERROR in text:
            problems.append(f"output {i}: a widget callback crashed ({INTERNAL_ERROR})")
        hits = leaks(text)
        if hits:
            at = text.find(hits[0])
            leaked[i] = (sorted(set(hits)), " ".join(text[max(0, at - 30) : at + 30].split()))
    if leaked:
        problems.append(f"internal names shown (output: names, where): {leaked}")
    for href in body.locator(".jp-OutputArea-output a[download]").evaluate_all(
        "as => as.map(a => a.getAttribute('href') || '')"
    ):
        scheme = urllib.parse.urlsplit(href).scheme
        host = urllib.parse.urlsplit(href).hostname
        if scheme not in ("data", "blob", "") and host not in ("127.0.0.1", "localhost"):
            problems.append(f"download link not local: {href[:80]}")
    return {"downloads": body.locator(".jp-OutputArea-output a[download]").count()}


def _visible_code(page) -> tuple[list[str], list[str]]:
    """Code a trainee can see: inputs of code cells (the course hides them: cell metadata), and
    the first line of each hidden input, which JupyterLab shows in the collapsed placeholder."""
    cells = page.locator(f"{NOTEBOOK_SCOPE} .jp-CodeCell")
    inputs = cells.locator(".jp-InputArea").evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => e.innerText.trim().slice(0, 60))"
    )
    first_lines = cells.locator(".jp-PlaceholderText").evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => e.textContent.trim())"
    )
    return inputs, [line for line in first_lines if line]


def _markdown_names(page) -> dict[int, list[str]]:
    """Internal names in the lesson text itself (markdown cells), the small ``xsim-ref``
    references left out as in the outputs."""
    found = {}
    texts = page.locator(f"{NOTEBOOK_SCOPE} .jp-MarkdownCell .jp-RenderedMarkdown").evaluate_all(
        "els => els.map(e => { const c = e.cloneNode(true);"
        " c.querySelectorAll('.xsim-ref').forEach(r => r.remove()); return c.textContent; })"
    )
    for i, text in enumerate(texts):
        hits = leaks(text)
        if hits:
            found[i] = sorted(set(hits))
    return found


def _run_all(page) -> tuple[float, float]:
    """运行 → 运行所有单元格; returns (run_all_s, interactive_s)."""
    run_all_cells(page)
    started = time.monotonic()
    run_all = interactive = None
    page.wait_for_timeout(200)  # the run has begun (cells marked as queued)
    deadline = started + RUN_TIMEOUT_MS / 1000 * 3
    while time.monotonic() < deadline:
        s = page.evaluate(RUN_STATE_JS)
        now = time.monotonic() - started
        if s and s["ran"] and s["idle"]:
            run_all = run_all or now
            if s["rendered"] >= s["wanted"]:
                interactive = now
                break
        page.wait_for_timeout(100)
    assert run_all is not None, f"run all not finished within {deadline - started:.0f}s: {s}"
    assert interactive is not None, f"widgets not rendered: {s}"
    return run_all, interactive


# -- the course in JupyterLab ----------------------------------------------------------------------
def _lab_path(nb: Path) -> str:
    return nb.name if nb != TRAINER else f"trainer/{nb.name}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_in_jupyterlab(notebook, course_lab, chromium):
    from playwright.sync_api import expect

    base, token, log = course_lab
    stem = notebook.stem
    COURSE_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=UI_TIMEOUT_MS)
    log_start = log.stat().st_size
    offline = Offline()
    problems: list[str] = []
    record: dict = {}
    page = open_page(chromium, offline, UI_TIMEOUT_MS)
    try:
        # reset: a fresh workspace, only this notebook open (never the previous test's tab)
        url = f"{base}/lab/tree/{urllib.parse.quote(_lab_path(notebook))}?reset&token={token}"
        page.goto(url, timeout=UI_TIMEOUT_MS)
        expect(page.locator(NOTEBOOK_SCOPE)).to_be_visible()
        wait_for_kernel(page)
        page.evaluate(INSTRUMENT_JS)
        run_all, interactive = _run_all(page)
        record.update(run_all_s=round(run_all, 2), interactive_s=round(interactive, 2))
        page.screenshot(path=str(COURSE_ARTIFACTS / f"{stem}-1-run-all.png"))
        inputs, first_lines = _visible_code(page)
        if inputs:
            problems.append(f"code visible in {len(inputs)} cells: {inputs[:3]}")
        record["code_first_lines_shown"] = first_lines
        if first_lines:
            problems.append(f"hidden code cells show their first line: {first_lines[:3]}")
        record["markdown_names"] = _markdown_names(page)
        if record["markdown_names"]:
            problems.append(f"internal names in the lesson text: {record['markdown_names']}")
        record["invalid_entry"] = _invalid_probe(page, problems)
        actions, walk_started = [], time.monotonic()
        while len(actions) < MAX_ACTIONS and time.monotonic() - walk_started < WALK_BUDGET_S:
            controls = page.evaluate(CONTROLS_JS, NOTEBOOK_SCOPE)
            todo = [c for c in controls if not c["done"] and not c["disabled"]]
            if not todo:
                break
            actions.append(_operate(page, todo[0], problems))
        else:
            problems.append(f"the walk did not end ({len(actions)} actions)")
        left = [c["label"] for c in page.evaluate(CONTROLS_JS, NOTEBOOK_SCOPE) if not c["done"]]
        record["not_operated_disabled"] = left
        page.screenshot(path=str(COURSE_ARTIFACTS / f"{stem}-2-operated.png"))
        record.update(_page_checks(page, NOTEBOOK_SCOPE, problems))
        latencies = [a["answered_s"] for a in actions if a["answered_s"] is not None]
        probe = record["invalid_entry"]
        if probe and probe.get("answered_s") is not None:
            latencies.append(probe["answered_s"])
        record.update(_summary(latencies))
        record["latencies_s"] = [round(v, 3) for v in latencies]
        record["actions"] = actions
        record["answers_out_of_view"] = [
            f"{a['label']}: {a['answer_out_of_view']}" for a in actions if "answer_out_of_view" in a
        ]
        record["no_kernel_no_change"] = [
            f"{a['kind']}「{a['label']}」"
            for a in actions
            if not a["kernel"] and not a["dom_changed"]
        ]
    except Exception:
        page.screenshot(path=str(COURSE_ARTIFACTS / f"{stem}-failure.png"))
        raise
    finally:
        page.context.close()
        _shutdown_kernels(base, token)
        TIMES[stem] = record
        _write_times()
    server_log = log.read_bytes()[log_start:].decode("utf-8", errors="replace")
    for traceback in server_tracebacks(server_log):
        problems.append(f"traceback in the server's log: {traceback[-1500:]}")
    assert offline.blocked == [], f"requests to the internet: {offline.blocked}"
    assert not problems, f"{stem}:\n- " + "\n- ".join(problems)
    assert record["clicks"] > 0


# -- the capstone in Voilà -------------------------------------------------------------------------
def _tick(page, head: str, labels: list[str] | None = None) -> None:
    """Tick check boxes of the group under the heading ``head`` (all, or those labelled)."""
    group = page.locator(".widget-html", has_text=head).first.locator("xpath=..")
    boxes = group.locator(".widget-checkbox")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        if labels is None or any(t in box.inner_text() for t in labels):
            box.locator("input[type=checkbox]").check()


def _choose(page, description: str, option: str) -> None:
    select = page.locator(".widget-dropdown", has_text=description).locator("select")
    # ipywidgets shows the spaces of an option as no-break spaces
    texts = [t.replace("\xa0", " ") for t in select.locator("option").all_text_contents()]
    select.select_option(index=next(i for i, t in enumerate(texts) if option in t))


def test_capstone_in_voila(tmp_path, chromium):
    from playwright.sync_api import expect

    require_chromium()
    root = tmp_path / "root"
    copy_without_outputs(CAPSTONE, root / CAPSTONE.name)
    COURSE_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=RUN_TIMEOUT_MS)
    offline = Offline()
    problems: list[str] = []
    record: dict = {}
    # the trainee's store in a folder of this test (never the machine's own), holding a village
    # case: the capstone otherwise draws any of the library's scenarios, and the plan below is a
    # village's (an urban case decides in a 居民会议 or 业主大会)
    from xsim.teaching import progress

    data_dir = tmp_path / "jupyter-data"
    assert progress.set_case(
        "capstone", "village_road", 7, path=data_dir / "xsim" / "progress.json"
    )
    with voila_server(
        tmp_path, root, strip_sources=True, extra_env={"JUPYTER_DATA_DIR": str(data_dir)}
    ) as base:
        page = open_page(chromium, offline, RUN_TIMEOUT_MS)
        try:
            started = time.monotonic()
            page.goto(f"{base}/voila/render/{urllib.parse.quote(CAPSTONE.name)}")
            run = page.locator("button.jupyter-button", has_text="开始协商并评分")
            expect(run).to_be_visible()
            record["interactive_s"] = round(time.monotonic() - started, 2)
            expect(page.get_by_text("情景编号：7").first).to_be_attached()  # the case held above
            page.screenshot(path=str(COURSE_ARTIFACTS / "voila-09-loaded.png"))
            # one click without a single choice cannot pass
            run.scroll_into_view_if_needed()
            run.click()
            expect(page.get_by_text("项没有选择").first).to_be_visible()
            assert page.get_by_text("✔ 通过").count() == 0
            expect(page.get_by_text("请选择牵头的主体").first).to_be_visible()
            # a whole plan, chosen as a trainee would
            _choose(page, "由谁牵头", "党组织")
            _choose(page, "议题怎样提出", "先广泛征求意见")
            _tick(page, "邀请哪些利益相关群体")
            page.locator(".widget-checkbox", has_text="邀请专家").locator("input").check()
            page.locator(".widget-checkbox", has_text="威望高").locator("input").check()
            _choose(page, "协商形式", "议事会")
            _choose(page, "提前几天通知（", "提前 7 天")
            _tick(page, "通过哪些渠道通知", ["公开栏", "广播", "入户告知", "微信群"])
            _choose(page, "会场怎样组织", "安排主持人")
            _choose(page, "由哪个会议决定", "村民会议")
            _choose(page, "会议提前几天通知", "提前 10 天")
            _choose(page, "方案怎样修改", "逐一解释")
            _tick(page, "通过哪些渠道公示", ["公开栏", "广播", "微信群"])
            _choose(page, "几天内公示", "7 天")
            _tick(page, "向谁反馈")
            _choose(page, "误工补贴", "并公示")
            texts = page.locator(".widget-textarea textarea")
            assert texts.count() == 4
            for i in range(4):
                texts.nth(i).fill(PLAUSIBLE_TEXT)
                texts.nth(i).evaluate("e => e.blur()")
            page.wait_for_timeout(500)  # the last text reached the kernel
            clicked = time.monotonic()
            run.click()
            verdict = page.get_by_text("✔ 通过").or_(page.get_by_text("✘ 未通过")).first
            expect(verdict).to_be_visible()
            record["run_answered_s"] = round(time.monotonic() - clicked, 2)
            expect(verdict).to_be_in_viewport()  # scrolled to the result
            page.screenshot(path=str(COURSE_ARTIFACTS / "voila-09-result.png"))
            expect(page.get_by_text("✔ 通过").first).to_be_visible()  # a sound plan passes
            for title in ("议题报告", "协商通知", "协商会议纪要", "结果公示"):
                link = page.locator("a[download]", has_text=f"下载“{title}”")
                expect(link).to_have_count(1)
                href = link.get_attribute("href") or ""
                assert href.startswith("data:text/html"), href[:40]
            page.locator("a[download]").first.scroll_into_view_if_needed()
            page.screenshot(path=str(COURSE_ARTIFACTS / "voila-09-documents.png"))
            record.update(_page_checks(page, "body", problems))
            if page.get_by_text("Question(").count() or page.get_by_text("course.").count():
                problems.append("code visible in Voilà")
            # the next trainee: a kernel the server has prepared meanwhile (voila.json's pool)
            second = page.context.new_page()
            started = time.monotonic()
            second.goto(f"{base}/voila/render/{urllib.parse.quote(CAPSTONE.name)}")
            expect(
                second.locator("button.jupyter-button", has_text="开始协商并评分")
            ).to_be_visible()
            record["interactive_prepared_kernel_s"] = round(time.monotonic() - started, 2)
            expect(second.get_by_text("✔ 通过")).to_have_count(0)  # a fresh plan, nothing chosen
        except Exception:
            page.screenshot(path=str(COURSE_ARTIFACTS / "voila-09-failure.png"))
            raise
        finally:
            page.context.close()
            TIMES["09 (Voilà)"] = record
            _write_times()
        # read while the server runs: stopping it interrupts the kernel it is preparing for the
        # next trainee (voila.json's pool), which logs a ZMQError that is no fault of the course
        voila_log = (tmp_path / "voila.log").read_text(errors="replace")
    for traceback in server_tracebacks(voila_log):
        problems.append(f"traceback in Voilà's log: {traceback[-1500:]}")
    assert offline.blocked == [], f"requests to the internet: {offline.blocked}"
    assert not problems, "09 in Voilà:\n- " + "\n- ".join(problems)
