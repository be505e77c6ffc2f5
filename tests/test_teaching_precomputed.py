"""Static simulation tables stored at build time (xsim.teaching.precomputed)."""

from __future__ import annotations

import json

import pytest

from xsim.teaching import precomputed as P


@pytest.fixture
def store(tmp_path, monkeypatch):
    folder = tmp_path / "_computed"
    monkeypatch.setenv(P.STORE_ENV, str(folder))
    monkeypatch.delenv(P.WRITE_ENV, raising=False)
    return folder


class Counter:
    def __init__(self, value: str = "表") -> None:
        self.calls = 0
        self.value = value

    def __call__(self) -> dict:
        self.calls += 1
        return {"text": self.value}


def _stored(compute, inputs=None, code=P.SIMULATION_CODE):
    return P.stored(
        "t", inputs or {"scenario": "village_road", "seed": 1}, compute, dict, dict, code=code
    )


def test_computes_live_and_writes_only_when_building(store, monkeypatch):
    compute = Counter()
    assert _stored(compute) == {"text": "表"}
    assert compute.calls == 1 and not store.exists()  # a trainee's kernel never writes
    monkeypatch.setenv(P.WRITE_ENV, "1")
    _stored(compute)
    assert compute.calls == 2
    files = list(store.iterdir())
    assert len(files) == 1 and files[0].name.startswith("t-x-")  # no temporary file left
    assert files[0].stat().st_mode & 0o044 == 0o044  # other users' kernels can read it
    monkeypatch.delenv(P.WRITE_ENV)
    assert _stored(compute) == {"text": "表"}
    assert compute.calls == 2  # served from the store


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: {**d, "key": "t-0000"},  # another result's file
        lambda d: {k: v for k, v in d.items() if k != "value"},
        lambda d: [1, 2],
    ],
)
def test_damaged_files_are_computed_live(store, monkeypatch, damage):
    monkeypatch.setenv(P.WRITE_ENV, "1")
    _stored(Counter("旧"))
    monkeypatch.delenv(P.WRITE_ENV)
    (path,) = store.iterdir()
    path.write_text(json.dumps(damage(json.loads(path.read_text()))), encoding="utf-8")
    compute = Counter("新")
    assert _stored(compute) == {"text": "新"} and compute.calls == 1


def test_unreadable_file_is_computed_live(store, monkeypatch):
    monkeypatch.setenv(P.WRITE_ENV, "1")
    _stored(Counter())
    monkeypatch.delenv(P.WRITE_ENV)
    (path,) = store.iterdir()
    path.write_bytes(b"\xff\xfe not json")
    compute = Counter()
    assert _stored(compute) == {"text": "表"} and compute.calls == 1


def test_a_result_is_keyed_by_its_own_inputs_and_code(tmp_path, monkeypatch):
    """Another seed, scenario file or simulation code is another key; a change anywhere else
    (teaching code, course files, the plotting code for a run's data) is not."""
    base = P.result_key("t", {"scenario": "village_road", "seed": 1})
    assert base == P.result_key("t", {"seed": 1, "scenario": "village_road"})  # order-free
    assert base != P.result_key("t", {"scenario": "village_road", "seed": 2})
    assert base != P.result_key("t", {"scenario": "village_square", "seed": 1})
    assert base != P.result_key("u", {"scenario": "village_road", "seed": 1})
    package = tmp_path / "xsim"
    (package / "rules").mkdir(parents=True)
    (package / "sim").mkdir()
    (package / "teaching").mkdir()
    (package / "sim" / "model.py").write_text("A = 1\n")
    (package / "rules" / "r.py").write_text("B = 1\n")
    (package / "teaching" / "lab.py").write_text("C = 1\n")
    code = P.code_digest.__wrapped__
    first = code(P.SIMULATION_CODE, package)
    (package / "teaching" / "lab.py").write_text("C = 2\n")  # rendering: not an input
    assert code(P.SIMULATION_CODE, package) == first
    for path in (package / "sim" / "model.py", package / "rules" / "r.py"):
        old = path.read_text()
        path.write_text("changed\n")
        assert code(P.SIMULATION_CODE, package) != first, path
        path.write_text(old)
    (package / "rules" / "r.py").rename(package / "rules" / "s.py")  # a renamed file counts
    assert code(P.SIMULATION_CODE, package) != first
    # the scenario file's bytes are an input: a copy with one number changed is another key
    scenario = tmp_path / "s.yaml"
    from xsim.sim.scenario import scenario_path

    scenario.write_bytes(scenario_path("village_road").read_bytes())
    one = P.result_key("t", {"scenario": str(scenario)})
    scenario.write_bytes(scenario.read_bytes() + b"\n# changed\n")
    P.scenario_digest.cache_clear()
    assert P.result_key("t", {"scenario": str(scenario)}) != one


def test_a_build_removes_the_results_no_lesson_used(store, monkeypatch, tmp_path):
    log = tmp_path / "used.txt"
    monkeypatch.setenv(P.WRITE_ENV, "1")
    monkeypatch.setenv(P.LOG_ENV, str(log))
    _stored(Counter(), {"scenario": "village_road", "seed": 1})
    used = P.used_files(log)
    monkeypatch.delenv(P.LOG_ENV)
    _stored(Counter(), {"scenario": "village_road", "seed": 2})  # not in the log
    assert len(list(store.iterdir())) == 2
    assert len(P.prune(store, used)) == 1 and {p.name for p in store.iterdir()} == used


def test_a_stored_lab_table_is_the_live_one(store, monkeypatch):
    """What a trainee is shown from the store is exactly what the lesson computes."""
    from xsim.teaching import course

    monkeypatch.setenv(P.WRITE_ENV, "1")
    built = course.lab_table("04", control=0)
    monkeypatch.delenv(P.WRITE_ENV)
    live = course.lab("04").compare_options(0)

    def no_simulation(*args, **kwargs):
        raise AssertionError("served from the store: nothing is simulated")

    import xsim.sim.model

    monkeypatch.setattr(xsim.sim.model, "run_once", no_simulation)
    served = course.lab_table("04", control=0)
    assert (served.html_text, served.plain) == (live.html_text, live.plain)
    assert (built.html_text, built.plain) == (live.html_text, live.plain)
    assert "<table" in served.html_text


def test_a_stored_comparison_is_the_live_one(store, monkeypatch):
    """Lesson 08's comparison from the store: the same tables, texts and quiz keys as live."""
    import pandas as pd

    from xsim.teaching import course, policy

    monkeypatch.setattr(policy, "_STUDIES", {})
    monkeypatch.setenv(P.WRITE_ENV, "1")
    live = course.policy_summary("notice", "08", reps=3)
    monkeypatch.delenv(P.WRITE_ENV)
    monkeypatch.setattr(policy, "_STUDIES", {})
    import xsim.experiments

    def no_study(*args, **kwargs):
        raise AssertionError("served from the store: nothing is simulated")

    monkeypatch.setattr(xsim.experiments, "Study", no_study)
    served = course.policy_summary("notice", "08", reps=3)
    assert served is not live
    pd.testing.assert_frame_equal(served.table, live.table)
    pd.testing.assert_frame_equal(served.differences, live.differences)
    for name in P.SUMMARY_FIELDS:
        assert getattr(served, name) == getattr(live, name)
    measures = policy.policy_measures("08")
    assert served.to_text(lang="zh", measures=measures) == live.to_text(
        lang="zh", measures=measures
    )
    assert served.difference("提前1天", "participation") == live.difference(
        "提前1天", "participation"
    )


@pytest.mark.parametrize(
    ("make", "modules"),
    [
        ("course.lab('01')", ["xsim.sim.model"]),
        (
            "course.PolicyLab('elevator_retrofit', '08')",
            ["xsim.sim.model", "xsim.experiments.study"],
        ),
        ("course.Capstone", ["xsim.sim.model"]),  # lesson 09: its stored story needs no model
    ],
)
def test_simulation_widgets_load_the_model_in_the_background(make, modules):
    """With the static tables stored, nothing else imports the model during "run all": the
    simulation widgets start its import in a background thread, so neither "run all" nor the
    first 运行 click waits the seconds it takes (a click that comes sooner waits for the import)."""
    import subprocess
    import sys

    code = (
        "import sys, threading; from xsim.teaching import course; "
        f"before = {modules!r}[0] in sys.modules; {make}; "
        "loading = [t for t in threading.enumerate() if t.name == 'xsim-model-import']; "
        "[t.join(120) for t in loading]; "
        f"print(before, bool(loading), all(m in sys.modules for m in {modules!r}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True"]


def test_the_model_import_waits_until_the_lesson_has_run():
    """In a kernel, the background import starts only when no cell has run for a moment: during
    "run all" it would compete with the remaining cells; a cell that starts within the delay
    keeps it waiting; once the kernel is idle it runs to the end."""
    import subprocess
    import sys

    code = """
import sys, threading, time
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
def loading():
    return any(t.name == "xsim-model-import" for t in threading.enumerate())
def run(source):
    assert shell.run_cell(source).success, source
run("import time; from xsim.teaching import course; w = course.lab('01')")
run("x = 1")  # the next cell of "run all", at once
during_run_all = loading() or "xsim.sim.model" in sys.modules
run("time.sleep(course.IDLE_BEFORE_IMPORT_S * 0.6)")
run("time.sleep(course.IDLE_BEFORE_IMPORT_S * 0.6)")  # idle gaps all shorter than the delay
during_slow_cells = loading() or "xsim.sim.model" in sys.modules
deadline = time.monotonic() + 120
while "xsim.sim.model" not in sys.modules and time.monotonic() < deadline:
    time.sleep(0.05)
[t.join(120) for t in threading.enumerate() if t.name == "xsim-model-import"]
print(during_run_all, during_slow_cells, "xsim.sim.model" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "True"], out.stderr


def test_a_stored_picture_is_the_live_one(store, monkeypatch):
    """Lesson 08's figures from the store: the very PNG a live drawing makes, with its Chinese
    description; nothing is drawn when it is served."""
    import xsim.experiments.figures
    from xsim.teaching import course, policy

    monkeypatch.setattr(policy, "_STUDIES", {})
    live = course.policy_figure("notice", "08", reps=3)
    monkeypatch.setenv(P.WRITE_ENV, "1")
    built = course.policy_figure("notice", "08", reps=3)
    monkeypatch.delenv(P.WRITE_ENV)

    def no_drawing(*args, **kwargs):
        raise AssertionError("served from the store: nothing is drawn")

    monkeypatch.setattr(xsim.experiments.figures, "comparison_figure", no_drawing)
    served = course.policy_figure("notice", "08", reps=3)
    assert served.png == built.png == live.png
    assert served.png.startswith(b"\x89PNG") and served._repr_png_() == served.png
    assert repr(served) == live.plain and "置信区间" in live.plain


def test_a_stored_story_of_one_run_is_the_live_one(store, monkeypatch):
    """The step-by-step story of one run (lessons 04, 06, 07, 09) from the store: the same text,
    keyed by its settings (another seed or override is another story)."""
    import xsim.sim.model
    from xsim.teaching import course

    overrides = {"lead": "committee"}
    live = course.one_run("irrigation_canal", seed=1, overrides=overrides)
    monkeypatch.setenv(P.WRITE_ENV, "1")
    built = course.one_run("irrigation_canal", seed=1, overrides=overrides)
    monkeypatch.delenv(P.WRITE_ENV)

    def no_simulation(*args, **kwargs):
        raise AssertionError("served from the store: nothing is simulated")

    monkeypatch.setattr(xsim.sim.model, "ConsultationModel", no_simulation)
    served = course.one_run("irrigation_canal", seed=1, overrides=overrides)
    assert (served.html_text, served.plain) == (live.html_text, live.plain)
    assert (built.html_text, built.plain) == (live.html_text, live.plain)
    with pytest.raises(AssertionError, match="nothing is simulated"):
        course.one_run("irrigation_canal", seed=1)  # other settings: not in the store


def test_a_stored_village_is_the_live_one(store, monkeypatch):
    """The village picture of lessons 03, 04 and 06 from the store: the same snapshot (arrays,
    dtypes, days) and the same picture as a live run; nothing is simulated when it is served."""
    import dataclasses
    import json

    import numpy as np

    from xsim.teaching import runs as capstone
    from xsim.teaching.village_view import VillagePicture, VillageSnapshot

    args = ("village_road", 1, "villagers_meeting", {"organizer.notice_days": 1})
    live = capstone.village_snapshot(*args)
    # a household that never heard of it (inf) is stored as null: strict JSON, and back to inf
    never = dataclasses.replace(live, day_notified=np.r_[np.inf, live.day_notified[1:]])
    text = json.dumps(never.to_data(), allow_nan=False)
    assert np.isinf(VillageSnapshot.from_data(json.loads(text)).day_notified[0])
    monkeypatch.setenv(P.WRITE_ENV, "1")
    capstone.village(*args)
    monkeypatch.delenv(P.WRITE_ENV)

    def no_simulation(*a, **k):
        raise AssertionError("served from the store: nothing is simulated")

    monkeypatch.setattr(capstone, "village_snapshot", no_simulation)
    served = capstone.village(*args).snapshot
    for name in ("household_unit", "household_group", "day_notified", "attended", "spoke",
                 "opinion_before", "opinion_after"):  # fmt: skip
        a, b = getattr(live, name), getattr(served, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert (served.events, served.day_consulted, served.title) == (
        live.events,
        live.day_consulted,
        live.title,
    )
    day = int(live.day_consulted or 0)
    assert VillagePicture(served).png(day, "opinion") == VillagePicture(live).png(day, "opinion")
    with pytest.raises(AssertionError, match="nothing is simulated"):
        capstone.village("village_road", 2)  # another seed: not in the store


def test_a_stored_robustness_is_the_live_one_in_plain_chinese(store, monkeypatch):
    """Lesson 08's ranking of the forms over plausible parameters: served from the store without
    simulating, the same sentences as live, Chinese only (no form, measure or parameter codes)."""
    import re

    from xsim.teaching import course

    monkeypatch.setenv(P.WRITE_ENV, "1")
    live = course.policy_robustness("forms", lesson="08", n_sets=4, reps=2)
    monkeypatch.delenv(P.WRITE_ENV)
    import xsim.experiments.study

    def no_study(*args, **kwargs):
        raise AssertionError("served from the store: nothing is simulated")

    monkeypatch.setattr(xsim.experiments.study, "Study", no_study)
    served = course.policy_robustness("forms", lesson="08", n_sets=4, reps=2)
    assert served.plain == live.plain and served.html_text == live.html_text
    lines = served.plain.splitlines()
    # the first form against each other one, on participation and fairness
    assert lines[0] == "在 4 组合理参数下（每组重复 2 次）：" and len(lines) == 1 + 3 * 2
    assert all("业主协商" in line and "的合理参数下" in line for line in lines[1:])
    assert not re.search(r"[A-Za-z_]{3,}", served.plain), served.plain


def test_robustness_of_a_comparison_that_is_not_of_forms_is_one_chinese_message():
    from xsim.errors import InputError
    from xsim.teaching import course

    with pytest.raises(InputError) as caught:
        course.policy_robustness("notice", lesson="08", n_sets=4, reps=2)
    assert "只有比较协商形式的比较" in caught.value.message("zh")
