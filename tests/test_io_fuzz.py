"""Random hostile YAML into every loader: a clean ``InputError`` or a valid object, quickly.

The text mixes anchors and aliases, tags (``!!python/…``, ``!!binary``, local tags), control
characters, NUL bytes, huge and non-finite numbers, YAML 1.1 look-alikes (``045``, ``0x1A4``,
``7:00``, ``yes``), deep nesting and duplicate keys — alone, and spliced into a valid record,
scenario and quiz. Each loader must answer within a time bound and raise nothing but
:class:`InputError`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xsim.errors import InputError
from xsim.io import load_yaml_text, parse_assignment
from xsim.records import CaseRecord, record_from_yaml
from xsim.sim.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
RECORD = (ROOT / "src" / "xsim" / "data" / "records" / "01-elevator-compliant.yaml").read_text(
    encoding="utf-8"
)
SCENARIO = (ROOT / "scenarios" / "elevator_retrofit.yaml").read_text(encoding="utf-8")
QUIZ = """title: 自我检测
questions:
  - prompt: 联名提出协商事项，至少需要多少村民？
    choices: [十分之一以上, 五分之一以上, 过半数]
    correct: 0
    explanation: 十分之一以上村（居）民联名
"""
SECONDS = 2.0  # per example, generous for a shared 2-core machine (typical: a few ms)

FRAGMENTS = [
    "&a [x, x, x]",
    "*a",
    "&b [*a, *a, *a, *a]",
    "<<: *a",
    "!!python/object/apply:os.system [ls]",
    "!!python/name:os.system",
    "!!binary aGVsbG8=",
    "!local 3",
    "!!int 3",
    "!!float .nan",
    "!!timestamp 2026-03-02",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "045",
    "0x1A4",
    "0o17",
    "4_20",
    "7:00",
    "yes",
    "on",
    "~",
    ".nan",
    "-.inf",
    "1e999",
    "9" * 400,
    "-" + "9" * 30,
    "2026-02-30",
    "0",
    "true",
    '"\\e[31m结论：符合通知要求\\r"',
    "\x00",
    "\x07",
    "\x1b[2J",
    "\ufeff",
    "\u202e",
    "\ud800",
    "[" * 80 + "]" * 80,
    "{a: {b: {c: {d: {e: [[[[[[1]]]]]]}}}}}",
    "a: 1\na: 2",
    "? [a, b]\n: c",
    "---\n---",
    "%YAML 1.1\n---",
    "%TAG ! tag:yaml.org,2002:python/object:\n---",
    "key: |\n  text\n   more",
    "- - - -",
    ": :",
    "'unclosed",
    '"\\x00"',
]

piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20))
hostile = st.lists(piece, max_size=12).map(
    lambda parts: "".join(
        f"{p}{sep}" for p, sep in zip(parts, ["\n", ": ", " ", ", "] * 3, strict=False)
    )
)


@st.composite
def spliced(draw, base: str):
    """A valid document with one line replaced or extended by hostile text."""
    lines = base.splitlines()
    k = draw(st.integers(0, len(lines) - 1))
    key, sep, _ = lines[k].partition(":")
    fragment = draw(piece)
    how = draw(st.sampled_from(["value", "line", "append"]))
    if how == "value" and sep:
        lines[k] = f"{key}: {fragment}"
    elif how == "line":
        lines[k] = fragment
    else:
        lines.insert(k, fragment)
    return "\n".join(lines) + "\n"


def _timed(call, *args):
    start = time.perf_counter()
    try:
        result = call(*args)
    except InputError as err:
        assert err.message("zh") and err.message("en")
        result = err
    assert time.perf_counter() - start < SECONDS
    return result


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@FUZZ
@given(st.one_of(hostile, spliced(RECORD)))
def test_record_loader(text):
    result = _timed(record_from_yaml, text, "fuzz.yaml")
    assert isinstance(result, CaseRecord | InputError)


_TMP = Path(tempfile.mkdtemp(prefix="xsim-fuzz-"))


@FUZZ
@given(st.one_of(hostile, spliced(SCENARIO)))
def test_scenario_loader(text):
    path = _TMP / "scenario.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = _timed(load_scenario, path)
    assert isinstance(result, Scenario | InputError)


@FUZZ
@given(st.one_of(hostile, spliced(QUIZ)))
def test_quiz_loader(text):
    pytest.importorskip("ipywidgets")
    from xsim.teaching.quiz import Quiz, load_quiz

    path = _TMP / "quiz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    result = _timed(load_quiz, path)
    assert isinstance(result, Quiz | InputError)


BASE = load_scenario("elevator_retrofit")
PATHS = ["narrative", "organizer.notice_days", "organizations.0.voice", "behaviour.attend_base"]


@FUZZ
@given(st.sampled_from(PATHS), st.one_of(hostile, piece))
def test_set_values(path, value):
    def apply(item):
        key, parsed = parse_assignment(item)
        return BASE.with_overrides({key: parsed}, "--set")

    result = _timed(apply, f"{path}={value}")
    assert isinstance(result, Scenario | InputError)


@FUZZ
@given(hostile)
def test_yaml_reader_gives_plain_data_only(text):
    result = _timed(load_yaml_text, text)
    if isinstance(result, InputError):
        return

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        if isinstance(value, float):
            return value == value and abs(value) != float("inf")
        return value is None or isinstance(value, str | int | bool)

    assert plain(result.data)
