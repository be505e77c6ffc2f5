"""Answers that teach: right answers are spread over the positions and are not the longest
option (neither holds for more than 40% of the single-choice questions or of the procedure steps'
``best`` choices), and every wrong option of every quiz has its own explanation."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from xsim.teaching.answers import QUIZ_FILES
from xsim.teaching.lessons import load_quiz_file, load_steps_file, load_toc

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
MAX_SHARE = 0.40


def quiz_paths() -> list[Path]:
    """Every question file of the course: the self-check quizzes, the 前测 and the 后测."""
    return [
        path
        for entry in load_toc(COURSE).lessons
        for path in (COURSE / entry.folder / name for name in QUIZ_FILES.values())
        if path.exists()
    ]


def quiz_positions() -> list[int]:
    out = []
    for path in quiz_paths():
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


def longest_share(items: list[tuple[list[str], set[int]]]) -> float:
    """The share of questions whose (a) right choice is strictly the longest of its options."""
    hits = 0
    for texts, right in items:
        lengths = [len(t) for t in texts]
        longest = max(lengths)
        hits += any(lengths[i] == longest for i in right) and lengths.count(longest) == 1
    return hits / len(items)


def quiz_items() -> list[tuple[list[str], set[int]]]:
    out = []
    for path in quiz_paths():
        out += [
            (q.choice_texts, set(q.correct_set))
            for q in load_quiz_file(path).questions
            if isinstance(q.answer, str)
        ]
    return out


def step_items() -> list[tuple[list[str], set[int]]]:
    out = []
    for entry in load_toc(COURSE).lessons:
        path = COURSE / entry.folder / "steps.yaml"
        if path.exists():
            for step in load_steps_file(path).steps:
                labels = [c.label for c in step.choices]
                out.append((labels, {i for i, c in enumerate(step.choices) if c.best}))
    return out


def test_the_longest_option_check_catches_the_old_pattern():
    """27 of 33 right answers were the longest option."""
    old = [(["短", "最长的正确答案"], {1})] * 27 + [(["最长的错误选项", "短"], {1})] * 6
    assert longest_share(old) == pytest.approx(27 / 33)


@pytest.mark.parametrize("items", [quiz_items, step_items], ids=["quizzes", "steps"])
def test_the_right_answer_is_not_usually_the_longest(items):
    share = longest_share(items())
    assert share <= MAX_SHARE, f"{share:.0%} of right answers are the longest option"


def test_every_wrong_option_has_its_own_explanation():
    missing = []
    for path in quiz_paths():
        for i, q in enumerate(load_quiz_file(path).questions):
            for text, why in zip(q.choice_texts, q.why, strict=True):
                if text not in q.answers and not why.strip():
                    missing.append(f"{path.parent.name}/{path.name} 第{i + 1}题：{text}")
    assert missing == []
