"""Right answers are spread over the positions: no letter is the answer to more than 40% of the
single-choice questions (quizzes) or of the procedure steps (their ``best`` choice)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from xsim.teaching.lessons import load_quiz_file, load_steps_file, load_toc

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
MAX_SHARE = 0.40


def quiz_positions() -> list[int]:
    out = []
    for entry in load_toc(COURSE).lessons:
        path = COURSE / entry.folder / "quiz.yaml"
        if path.exists():
            out += [q.correct for q in load_quiz_file(path).questions if isinstance(q.answer, str)]
    return out


def step_positions() -> list[int]:
    out = []
    for entry in load_toc(COURSE).lessons:
        path = COURSE / entry.folder / "steps.yaml"
        if path.exists():
            for step in load_steps_file(path).steps:
                out.append(next(i for i, c in enumerate(step.choices) if c.best))
    return out


def crowded(positions: list[int]) -> dict[int, float]:
    """Positions that are right for more than MAX_SHARE of the questions (empty when balanced)."""
    counts = Counter(positions)
    return {p: n / len(positions) for p, n in counts.items() if n / len(positions) > MAX_SHARE}


def test_the_check_catches_todays_old_pattern():
    """22 of 30 answers B, every stepper answer A: both would fail."""
    assert crowded([1] * 22 + [0] * 8) == {1: pytest.approx(22 / 30)}
    assert crowded([0] * 12) == {0: 1.0}
    assert crowded([0, 1, 2, 3] * 5) == {}


def test_quiz_answers_are_spread_over_the_positions():
    positions = quiz_positions()
    assert len(positions) >= 30
    assert not crowded(positions), Counter(positions)


def test_stepper_answers_are_spread_over_the_positions():
    positions = step_positions()
    assert len(positions) >= 10
    assert not crowded(positions), Counter(positions)
