"""One vocabulary: a coded name's Chinese label is defined once, in ``xsim.vocabulary``.

The scan looks at every module of the package for a Chinese label given to a vocabulary key: a
dict entry ``"owners_meeting": "业主大会"`` (or ``"participation": ("参与率", …)``), and a pair of
neighbouring string constants in a call, tuple or list (``Form("hearing", "决策听证会", …)``,
``("村民会议", "villagers_meeting")``). Such a module defines the name a second time.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from xsim import vocabulary as V
from xsim.sim.measures import MEASURES

SRC = Path(__file__).resolve().parents[1] / "src" / "xsim"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Record field paths are left out: rules name them as ``where`` beside their messages, and their
# Chinese names are checked by tests/test_teaching_plain_chinese.py.
# The measures have their own registry (xsim.sim.measures), the one place of their names.
ALL_KEYS = {key for name, table in V.TABLES.items() if name != "fields" for key in table} | set(
    MEASURES
)
DEFINING = {"vocabulary.py", "sim/measures.py"}

# Modules that still define their own Chinese names for vocabulary keys. They belong to other
# branches of this round (the model's forms table, the course widgets, the rule messages); the lead
# empties this list after merging, by making each import its names from xsim.vocabulary.
# An entry that no longer defines any name fails the test below, so the list can only shrink.
STILL_DEFINING: set[str] = {}


def _is_cjk_text(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(CJK.search(node.value))
    if isinstance(node, ast.Tuple | ast.List) and node.elts:
        return _is_cjk_text(node.elts[0])
    return False


def _is_key(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in ALL_KEYS


def definitions(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, key) of every Chinese label given to a vocabulary key in a module."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is not None and _is_key(key) and _is_cjk_text(value):
                    found.append((key.lineno, key.value))
        items = None
        if isinstance(node, ast.Tuple | ast.List):
            items = node.elts
        elif isinstance(node, ast.Call):
            items = node.args
        for a, b in zip(items or [], (items or [])[1:], strict=False):
            if _is_key(a) and _is_cjk_text(b):
                found.append((a.lineno, a.value))
            elif _is_key(b) and _is_cjk_text(a) and isinstance(a, ast.Constant):
                found.append((b.lineno, b.value))
    return found


def _scan() -> dict[str, list[tuple[int, str]]]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel in DEFINING:
            continue
        found = definitions(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            out[rel] = found
    return out


def test_no_module_defines_a_vocabulary_name_again():
    scan = _scan()
    offenders = {m: found for m, found in scan.items() if m not in STILL_DEFINING}
    assert not offenders, (
        "these modules define Chinese names of vocabulary keys; import them from "
        f"xsim.vocabulary instead: {offenders}"
    )


def test_the_allow_list_only_shrinks():
    scan = _scan()
    stale = sorted(m for m in STILL_DEFINING if m not in scan)
    assert not stale, f"no longer defines names, remove from STILL_DEFINING: {stale}"


def test_the_scan_finds_a_second_definition():
    tree = ast.parse(
        'NAMES = {"owners_meeting": "业主大会"}\nPAIRS = [("村民会议", "villagers_meeting")]\n'
        'F = Form("hearing", "决策听证会", "§3")\nLABELS = {"participation": ("参与率", "p")}\n'
        'OK = {"owners_meeting": "owners meeting"}\n'
    )
    assert sorted(k for _, k in definitions(tree)) == [
        "hearing",
        "owners_meeting",
        "participation",
        "villagers_meeting",
    ]


def test_no_chinese_name_is_used_for_two_keys_of_one_table():
    for name, table in V.TABLES.items():
        seen: dict[str, str] = {}
        for key, term in table.items():
            assert term.zh not in seen, f"{name}: {key} and {seen[term.zh]} are both {term.zh}"
            seen[term.zh] = key
            assert CJK.search(term.zh), (name, key)
            assert term.en and not CJK.search(term.en), (name, key)


def test_same_key_in_two_tables_has_one_name_where_it_means_one_thing():
    # A meeting that is both a form and a deciding meeting has one name.
    for key in set(V.FORMS) & set(V.MEETINGS):
        assert V.FORMS[key].zh == V.MEETINGS[key].zh, key
    # Roles and leads name the same bodies.
    for key in set(V.ROLES) & set(V.LEADS) - {"other"}:
        assert V.ROLES[key].zh == V.LEADS[key].zh, key


def test_record_literals_are_the_vocabulary():
    from xsim import records

    assert tuple(V.FORMS) == records.FORMS
    assert tuple(V.ROLES) == records.ROLES
    assert tuple(V.TOPIC_CATEGORIES) == records.CATEGORIES
    assert set(V.RECORD_CHANNELS) <= set(V.CHANNELS)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_come_from_the_vocabulary(lang):
    from xsim.experiments.labels import form_label, measure_label
    from xsim.sim.measures import MEASURES

    assert measure_label("participation", lang) == MEASURES["participation"].label(lang)
    assert measure_label("participation.age_old", lang).endswith(V.GROUPS["age_old"].label(lang))
    assert form_label("hearing", lang) == V.FORMS["hearing"].label(lang)
    assert V.label(V.GROUPS, "my_own_group", lang) == "my_own_group"


def test_vocabulary_is_light():
    import subprocess
    import sys

    code = "import sys, xsim.vocabulary; print(sorted(m for m in ('numpy', 'pandas', 'pydantic', 'yaml') if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_scenario_codes_are_vocabulary_keys():
    from xsim.sim import scenario

    assert set(scenario.ORGANIZATION_ROLES) <= set(V.ROLES)
    assert set(scenario.CHANNELS) <= set(V.CHANNELS)
    assert set(scenario.ASSEMBLIES) - {"auto"} == set(V.MEETINGS)
    assert set(scenario.FEEDBACK_TARGETS) == set(V.FEEDBACK_TARGETS)
