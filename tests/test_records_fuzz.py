"""Fuzzing the loader: whatever the input, the result is a CaseRecord or an InputError — never a
traceback of another kind (pydantic, YAML, ValueError, TypeError …)."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rules_factory import compliant_record

from xsim.errors import InputError
from xsim.records import CaseRecord, record_from_dict, record_from_yaml, record_to_yaml

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["2026-02-30", "2026-13-01", "yes", "no", "village", "-1", "1e9"]),
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _set(data, path, value):
    if not path:
        return value
    node = data
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    return data


def _outcome(fn, arg):
    try:
        return fn(arg)
    except InputError as err:
        assert err.message("zh") and err.message("en")
        return err


@FUZZ
@given(st.data(), leaves)
def test_any_single_field_replaced(data, value):
    base = compliant_record()
    path = data.draw(st.sampled_from(list(_paths(base))))
    mutated = _set(copy.deepcopy(base), path, value)
    result = _outcome(record_from_dict, mutated)
    assert isinstance(result, CaseRecord | InputError)
    if isinstance(result, InputError) and path:
        # the message points into the part of the record that was changed (or its parent)
        # (a changed group id shows up where participants refer to it)
        allowed = {str(path[0]), ""} | (
            {"participants"} if path[0] == "stakeholder_groups" else set()
        )
        assert result.field.split(".")[0].split("[")[0] in allowed


@FUZZ
@given(st.data())
def test_lines_of_a_valid_yaml_text_deleted_or_garbled(data):
    text = record_to_yaml(record_from_dict(compliant_record()))
    lines = text.splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    garbage = data.draw(
        st.sampled_from(
            [
                "",
                "  : :",
                "\t- x",
                "x: [",
                "!!binary AAA",
                "? a",
                "&a b: *a",
                "title: !!python/name:os.system",
                "%YAML",
                "...",
                "---",
                "\x00",
                "\ufeff",
                "- - -",
            ]
        )
    )
    lines[i] = garbage if data.draw(st.booleans()) else lines[i] + garbage
    result = _outcome(record_from_yaml, "\n".join(lines))
    assert isinstance(result, CaseRecord | InputError)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text(text):
    assert isinstance(_outcome(record_from_yaml, text), CaseRecord | InputError)
