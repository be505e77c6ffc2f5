"""Claims as data: every simulated effect a lesson states is a claim in its claims.yaml, shown
with its measured numbers, and holds over its seeds; `make notebooks` and this test name a claim
that does not. The runs are stored with the course's results keyed by the claims' inputs, so this
test costs nothing until the model changes (then about a minute and a half for the 30 claims)."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xsim.errors import InputError
from xsim.teaching.claims import Evidence, course_claims, evaluate, judge, sentence
from xsim.teaching.lessons import course_dir, load_claims_file, load_toc
from xsim.teaching.schema import Claim

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = course_claims()
SIMULATES = re.compile(r"course\.(lab|lab_table|one_run|policy_table|policy_figure|village)\(")


def test_the_course_states_at_least_15_claims():
    assert len(CLAIMS) >= 15
    assert all(c.seeds >= 30 for _, c in CLAIMS)


@pytest.mark.parametrize(("lesson", "claim"), CLAIMS, ids=[c.id for _, c in CLAIMS])
def test_every_claim_holds_over_its_seeds(lesson, claim):
    evidence = evaluate(claim)
    assert evidence.n >= claim.seeds // 2
    assert evidence.holds, (
        f"第 {lesson} 讲 {claim.id}：{sentence(evidence)} {evidence.verdict_zh()}"
    )


def _lessons():
    root = course_dir()
    return [
        (e.id, (root / e.folder / "lesson.md").read_text(encoding="utf-8"))
        for e in load_toc().lessons
    ]


def test_every_lesson_with_a_simulation_states_claims_and_shows_each():
    by_lesson: dict[str, set[str]] = {}
    for lesson, claim in CLAIMS:
        by_lesson.setdefault(lesson, set()).add(claim.id)
    for lesson, text in _lessons():
        shown = set(re.findall(r'course\.claim\("([^"]+)"\)', text))
        declared = by_lesson.get(lesson, set())
        if SIMULATES.search(text):
            assert declared, f"lesson {lesson} simulates but states no claim"
        assert shown == declared, (lesson, shown ^ declared)


EFFECT = re.compile(r"(更高|更低|提高|降低|下降|上升|增加|减少|越[^，。；]{0,8}越|更少|更多)")


def test_no_lesson_prose_states_a_simulated_effect_outside_a_claim():
    """Prose that speaks of the simulation and of an effect points at the tested conclusions
    (结论) or is about reading intervals (置信区间); a bare effect sentence is a claim to declare."""
    for lesson, text in _lessons():
        prose = re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.S)
        for para in re.split(r"\n\s*\n", prose):
            if "模拟" in para and EFFECT.search(para):
                assert "结论" in para or "置信区间" in para, (lesson, para[:120])


def test_a_claim_the_simulation_contradicts_is_caught():
    """The same runs judged against the opposite statement, and against "no difference"."""
    lesson, claim = next(x for x in CLAIMS if x[1].id == "04-notice-participation")
    evidence = evaluate(claim)
    for direction in ("higher", "none"):
        flipped = claim.model_copy(update={"direction": direction})
        assert not judge(flipped, evidence.before, evidence.after).holds, direction


def _claim(**kw) -> Claim:
    base = dict(
        id="t", scenario="village_road", knob="organizer.notice_days", values=[7, 1],
        labels=["甲", "乙"], measure="participation", direction="lower", seeds=30, margin=0.1,
    )  # fmt: skip
    return Claim(**{**base, **kw})


def test_judge_reads_a_margin_and_an_interval():
    before = [0.5 + 0.01 * (i % 3) for i in range(30)]
    assert judge(_claim(), before, [b - 0.2 for b in before]).holds
    assert not judge(_claim(), before, [b - 0.05 for b in before]).holds  # below the margin
    noisy = [b + (0.3 if i % 2 else -0.3) for i, b in enumerate(before)]
    assert not judge(_claim(margin=0.01), before, noisy).holds  # the interval holds 0
    assert judge(_claim(direction="none", margin=0.05), before, before).holds
    gaps = [math.nan] * 20 + before[:10]
    e = judge(_claim(), gaps, gaps)
    assert isinstance(e, Evidence) and not e.holds  # too few runs with the measure


def test_a_claim_with_too_few_seeds_is_refused(tmp_path):
    path = tmp_path / "claims.yaml"
    text = (course_dir() / "04_协商程序" / "claims.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("seeds: 30", "seeds: 10", 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_claims_file(path)
    assert err.value.field == "claims[0].seeds" and err.value.line is not None


def test_make_notebooks_stops_naming_a_claim_that_does_not_hold(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(course_dir(), course)
    path = course / "04_协商程序" / "claims.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("direction: lower", "direction: higher", 1), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_course.py"), "04", "--course", str(course),
         "--out", str(out)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "04-notice-informed" in proc.stderr and "不成立" in proc.stderr
    assert not out.exists() or not any(out.glob("*.ipynb"))
