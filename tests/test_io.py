"""The public API of the one input layer, ``xsim.io``: what other modules build on."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, model_validator

from xsim.errors import InputError
from xsim.io import (
    MAX_YAML_BYTES,
    Date,
    FieldProblem,
    format_path,
    load_yaml_bytes,
    load_yaml_file,
    load_yaml_text,
    parse_assignment,
    parse_path,
    parse_value,
    validate,
)

# -- YAML 1.2 core types, narrowed ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("-12", -12),
        ("+7", 7),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        ("-.5", -0.5),
        ("true", True),
        ("FALSE", False),
        ("~", None),
        ("null", None),
        ("", None),
        ("045", "045"),
        ("0x1A4", "0x1A4"),
        ("0o17", "0o17"),
        ("4_20", "4_20"),
        ("7:00", "7:00"),
        ("yes", "yes"),
        ("on", "on"),
        ("2026-03-02", "2026-03-02"),
        ("'3'", "3"),
        ("!!str 3", "3"),
    ],
)
def test_scalars(text, value):
    got = load_yaml_text(f"v: {text}").data["v"]
    assert got == value and type(got) is type(value)


def test_keys_are_text_and_lines_are_known():
    doc = load_yaml_text("a:\n  1: x\n  b: [p, {q: 2}]\nnull: 3\n")
    assert doc.data == {"a": {"1": "x", "b": ["p", {"q": 2}]}, "null": 3}
    assert doc.lines[("a", "b")] == 3 and doc.lines[("a", "b", 1, "q")] == 3
    assert doc.line_of(("a", "b", 1, "q", "deeper")) == 3
    assert doc.line_of(("null",)) == 4


@pytest.mark.parametrize(
    ("text", "field", "line", "words"),
    [
        ("a: 1\nb:\n  c: 2\n  c: 3\n", "b.c", 4, "only once"),
        ("a: &x 1\nb: *x\n", "a", 1, "anchors"),
        ("a: [1, *x]\n", "a[1]", 1, "aliases"),
        ("a:\n  - !!python/object:os.system x\n", "a[0]", 2, "tag"),
        ("a: !custom 1\n", "a", 1, "tag"),
        ("a:\n  b: .NaN\n", "a.b", 2, "finite"),
        ("a: -1e999\n", "a", 1, "finite"),
        ("a: " + "9" * 25 + "\n", "a", 1, "size"),
        ("a: 1\n---\nb: 2\n", "", 2, "single"),
        ("? [a]\n: 1\n", "", 1, "plain text"),
        ("a: [1, 2\n", "", None, "valid YAML"),
    ],
)
def test_refusals_name_field_and_line(text, field, line, words):
    with pytest.raises(InputError) as err:
        load_yaml_text(text, "f.yaml")
    e = err.value
    assert (e.file, e.field) == ("f.yaml", field)
    if line is not None:
        assert e.line == line
    assert words in e.expected_en and e.expected_zh


def test_depth_limit():
    load_yaml_text("[" * 60 + "]" * 60)
    with pytest.raises(InputError, match="levels"):
        load_yaml_text("[" * 100 + "]" * 100)


def test_size_limit_is_a_parameter(tmp_path):
    with pytest.raises(InputError) as err:
        load_yaml_text("a: 12345", max_bytes=4)
    assert "4 bytes" in err.value.expected_en
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n" + b"#" * MAX_YAML_BYTES)
    with pytest.raises(InputError):
        load_yaml_file(path)
    assert load_yaml_file(path, max_bytes=2 * MAX_YAML_BYTES).data == {"a": 1}


@pytest.mark.parametrize(
    ("raw", "words"),
    [(b"a: \x00\n", "NUL"), (b"a: \xff\xfe\n", "UTF-8"), (b"a: \x07\n", "valid YAML")],
)
def test_bytes_that_are_not_text(raw, words):
    with pytest.raises(InputError) as err:
        load_yaml_bytes(raw, "b.yaml")
    assert words in err.value.expected_en


def test_bom_is_allowed():
    assert load_yaml_bytes("\ufeffa: 1\n".encode()).data == {"a": 1}


def test_files_that_are_not_regular(tmp_path):
    with pytest.raises(InputError, match="existing file"):
        load_yaml_file(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="directory"):
        load_yaml_file(tmp_path)
    with pytest.raises(InputError, match="regular file"):
        load_yaml_file("/dev/zero")


# -- paths ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "loc"),
    [
        ("organizer.notice_days", ("organizer", "notice_days")),
        ("organizations.0.voice", ("organizations", 0, "voice")),
        ("organizations[0].voice", ("organizations", 0, "voice")),
        ("a[1][2].b", ("a", 1, 2, "b")),
        ("stakeholder_groups.ground.share", ("stakeholder_groups", "ground", "share")),
    ],
)
def test_parse_path(text, loc):
    assert parse_path(text) == loc


@pytest.mark.parametrize("bad", ["", "a..b", ".a", "a.", "a[x]", "a]", "a[1"])
def test_bad_paths(bad):
    with pytest.raises(InputError):
        parse_path(bad)


names = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True)


@given(st.lists(st.one_of(names, st.integers(0, 99)), min_size=1, max_size=6))
def test_format_and_parse_round_trip(loc):
    assert parse_path(format_path(tuple(loc))) == tuple(loc)


# -- command-line values ----------------------------------------------------------------------------


def test_command_line_values():
    assert parse_assignment("organizations.0.voice=1.5") == ("organizations[0].voice", 1.5)
    assert parse_assignment("a=[x, 045]") == ("a", ["x", "045"])
    assert parse_value("他说: [好") == "他说: [好"  # not YAML: kept as text
    with pytest.raises(InputError) as err:
        parse_value(".inf", "organizations[0].voice")
    assert err.value.field == "organizations[0].voice" and err.value.line is None
    with pytest.raises(InputError):
        parse_assignment("no_equals_sign")


# -- validation ---------------------------------------------------------------------------------


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    days: Annotated[int, Field(ge=1, le=30)] = 7
    kind: Literal["hearing", "forum"] = "forum"


class Outer(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    start: Date = dt.date(2026, 1, 1)
    inner: Inner = Inner()
    items: list[Inner] = []

    @model_validator(mode="after")
    def _check(self):
        if len(self.items) > 2:
            raise FieldProblem(("items", 2), "at most two items", "最多两项")
        return self


@pytest.mark.parametrize(
    ("text", "field", "line", "en", "zh"),
    [
        ("inner:\n  dayz: 3\n", "inner.dayz", 2, "did you mean 'days'", "是否应为"),
        ("inner:\n  days: 99\n", "inner.days", 2, "from 1 to 30", "1 到 30"),
        ("inner:\n  days: true\n", "inner.days", 2, "whole number", "整数"),
        ("inner:\n  days: 045\n", "inner.days", 2, "plain decimal", "十进制"),
        ("inner:\n  kind: haering\n", "inner.kind", 2, "did you mean 'hearing'", "hearing"),
        ("start: 0\n", "start", 1, "YYYY-MM-DD", "YYYY-MM-DD"),
        ("start: 2026-02-30\n", "start", 1, "YYYY-MM-DD", "日期"),
        ("items: [{}, {}, {}]\n", "items[2]", 1, "at most two", "最多两项"),
        ("- a\n", "", 1, "top level", "顶层"),
        ("", "", None, "empty", "空"),
    ],
)
def test_validate_translates_every_problem(text, field, line, en, zh):
    with pytest.raises(InputError) as err:
        validate(Outer, load_yaml_text(text, "o.yaml"))
    e = err.value
    assert (e.file, e.field, e.line) == ("o.yaml", field, line)
    assert en in e.expected_en and zh in e.expected_zh


def test_validate_accepts_good_data():
    got = validate(Outer, load_yaml_text("start: 2026-03-02\ninner: {days: 3, kind: hearing}\n"))
    assert got.start == dt.date(2026, 3, 2) and got.inner.days == 3
