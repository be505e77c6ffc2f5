"""The notebooks as files: stored with outputs, the venv kernel, no stderr; the nbval sanitizers."""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SANITIZE = ROOT / "tests" / "nbval-sanitize.cfg"


def _sanitizers() -> list[tuple[re.Pattern, str]]:
    cfg = configparser.ConfigParser()
    cfg.read(SANITIZE, encoding="utf-8")
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def _sanitize(text: str) -> str:
    for rx, rep in _sanitizers():
        text = rx.sub(rep, text)
    return text


@pytest.mark.parametrize(
    ("run1", "run2"),
    [
        ("<Figure at 0x7f3a2c1d5e90>", "<Figure at 0x7f88aa01bc10>"),
        ("model 9f1c2b3a4d5e6f708192a3b4c5d6e7f8", "model 0123456789abcdef0123456789abcdef"),
        ("run at 2026-11-26 22:31:05.123456+00:00", "run at 2026-11-27 08:02:59.5+00:00"),
        (
            "100%|██████████| 40/40 [00:03<00:00, 12.51it/s]",
            "100%|██████████| 40/40 [00:05<00:00,  7.80it/s]",
        ),
        ("用时 3.2 秒", "用时 12 秒"),
        ("wrote /tmp/tmpab12cd/results.parquet", "wrote /tmp/tmpzz98yx/results.parquet"),
        ("dashboard at http://127.0.0.1:8787/status", "dashboard at http://127.0.0.1:40123/status"),
    ],
)
def test_sanitizers_hide_what_changes_between_runs(run1, run2):
    assert run1 != run2 and _sanitize(run1) == _sanitize(run2)


@pytest.mark.parametrize(
    "stable",
    [
        "参与率 0.62，公平感 0.55",
        "通知日期 2026-03-03，协商日期 2026-03-10",
        "PROC-NOTICE（4/4 次）",
        "平均违规数 1.0",
    ],
)
def test_sanitizers_leave_simulated_results_and_dates_alone(stable):
    assert _sanitize(stable) == stable


def test_there_is_a_notebook():
    assert NOTEBOOKS, "notebooks/*.ipynb missing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_executed_with_the_venv_kernel_and_clean_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    # "python3" resolves to the kernel of the environment jupyter/nbval runs from (the venv)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a teaching notebook has at least one code cell"
    counts = [c["execution_count"] for c in code]
    assert None not in counts, "store the notebook executed (with outputs)"
    assert counts == sorted(counts), "execute top to bottom (Restart & Run All)"
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", "".join(cell["source"])[:80]
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), (
                f"stderr output (a warning?) in {path.name}: {''.join(out['text'])[:200]}"
            )
    first = "".join(nb["cells"][0]["source"])
    assert "目标" in first, "learning goals (学习目标 / 本讲目标) come first"
    assert "小结" in "".join(nb["cells"][-2]["source"]), "a summary comes last, then the links"
    for cell in code:  # a picture says in Chinese what it shows (never "<Figure size …>")
        for out in cell["outputs"]:
            data = out.get("data", {})
            if "image/png" in data:
                assert re.search(r"[\u4e00-\u9fff]", "".join(data.get("text/plain", ""))), (
                    f"{path.name}: a picture without a Chinese description"
                )
