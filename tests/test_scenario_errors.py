"""A trainer's bad edit of a scenario is refused with the file, the field path, the YAML line and
what was expected — through ``load_scenario`` and through ``xsim run path.yaml`` (exit 2, one
message, no traceback, no half-written record).

Each case edits one line of a bundled scenario the way a trainer might get it wrong.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from xsim.cli import main
from xsim.errors import InputError
from xsim.sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "parking_property.yaml"


@dataclass(frozen=True)
class Case:
    kind: str
    old: str  # a line of the bundled file …
    new: str  # … and the trainer's bad edit of it
    field: str  # the field path the error must name
    expected_en: tuple[str, ...]  # words the English explanation must contain
    expected_zh: tuple[str, ...]  # … and the Chinese one


CASES = [
    Case(
        "unknown field",
        "  notice_days: 7",
        "  notice_dayz: 7",
        "organizer.notice_dayz",
        ("unknown field", "did you mean 'notice_days'", "valid fields"),
        ("未知字段", "notice_days"),
    ),
    Case(
        "unknown top-level field",
        "setting: community",
        "setings: community",
        "setings",
        ("unknown field", "setting"),
        ("未知字段", "setting"),
    ),
    Case(
        "stake out of range",
        "    stake: {mean: -0.3, sd: 0.2}",
        "    stake: {mean: -1.3, sd: 0.2}",
        "stakeholder_groups[1].stake.mean",
        ("from -1.0 to 1.0", "-1.3"),
        ("-1.0 到 1.0", "-1.3"),
    ),
    Case(
        "opinion out of range",
        "    opinion: {mean: 0.5, sd: 0.3}",
        "    opinion: {mean: 1.5, sd: 0.3}",
        "stakeholder_groups[0].opinion.mean",
        ("from -1.0 to 1.0", "1.5"),
        ("-1.0 到 1.0", "1.5"),
    ),
    Case(
        "share out of range",
        "  owner_share: 0.7",
        "  owner_share: 1.7",
        "population.owner_share",
        ("from 0.0 to 1.0", "1.7"),
        ("超出范围",),
    ),
    Case(
        "group share out of range",
        "    share: 0.3\n    stake: {mean: 0.3",
        "    share: -0.3\n    stake: {mean: 0.3",
        "stakeholder_groups[2].share",
        ("from 0.0 to 1.0", "-0.3"),
        ("超出范围",),
    ),
    Case(
        "shares do not add up",
        "    share: 0.4",
        "    share: 0.5",
        "stakeholder_groups",
        ("must add up to 1", "1.1", "car_owners 0.5"),
        ("之和应为 1", "1.1"),
    ),
    Case(
        "age shares do not add up",
        "age: {young: 0.4,",
        "age: {young: 0.5,",
        "population.age",
        ("must add up to 1", "1.1"),
        ("之和应为 1",),
    ),
    Case(
        "form that does not exist",
        "forms: [compound, owners, council, hearing]",
        "forms: [compound, owner, council, hearing]",
        "forms[1]",
        ("unknown form 'owner'", "did you mean 'owners'", "villagers_meeting", "online"),
        ("没有「owner」这种协商形式", "owners"),
    ),
    Case(
        "form of the wrong setting",
        "forms: [compound, owners, council, hearing]",
        "forms: [compound, owners, villagers_meeting]",
        "forms[2]",
        ("not used in a community", "residents_meeting"),
        ("不适用于城市社区",),
    ),
    Case(
        "default form not among the forms",
        "  form: compound",
        "  form: online",
        "organizer.form",
        ("not one of this scenario's forms", "compound, owners"),
        ("不在本情景的 forms 中",),
    ),
    Case(
        "invited group undefined",
        "  invite_groups: all",
        "  invite_groups: [car_owners, renters]",
        "organizer.invite_groups[1]",
        ("undefined group 'renters'", "car_owners", "tenants"),
        ("「renters」未在 stakeholder_groups 中定义", "tenants"),
    ),
    Case(
        "organization speaks for an undefined group",
        "  - {role: owners_committee, name: 业主委员会, position: 0.2, voice: 2.0}",
        "  - {role: owners_committee, name: 业主委员会, position: 0.2, voice: 2.0, group: owners}",
        "organizations[1].group",
        ("undefined group 'owners'", "car_owners"),
        ("业主委员会", "「owners」未在 stakeholder_groups 中定义"),
    ),
    Case(
        "form name misspelt in a role",
        "role: property_company",
        "role: property_firm",
        "organizations[2].role",
        ("property_company",),
        ("取值无效",),
    ),
    Case(
        "not a number",
        "  households: 600",
        "  households: many",
        "population.households",
        ("integer",),
        ("应为整数",),
    ),
]


def _bad_file(tmp_path: Path, case: Case) -> tuple[Path, int]:
    text = BASE.read_text(encoding="utf-8")
    assert text.count(case.old) == 1, case.kind
    bad = text.replace(case.old, case.new)
    path = tmp_path / "my_scenario.yaml"
    path.write_text(bad, encoding="utf-8")
    line = text[: text.index(case.old)].count("\n") + 1  # the edited line
    return path, line


def test_the_base_scenario_loads():
    assert load_scenario(BASE).name == "parking_property"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.kind)
def test_load_scenario_names_file_field_line_and_expectation(tmp_path, case):
    path, line = _bad_file(tmp_path, case)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    e = err.value
    assert e.file == str(path)
    assert e.field == case.field
    if case.kind == "shares do not add up":
        # A sum is a property of the whole list: the error points at its key.
        assert (
            e.line == BASE.read_text(encoding="utf-8").splitlines().index("stakeholder_groups:") + 1
        )
    elif case.kind == "age shares do not add up":
        assert e.line == line
    else:
        assert e.line == line, (case.kind, e.line, line)
    for words in case.expected_en:
        assert words in e.expected_en, (case.kind, e.expected_en)
    for words in case.expected_zh:
        assert words in e.expected_zh, (case.kind, e.expected_zh)
    assert f"{path}:{e.line}" in e.message("zh") and f"「{case.field}」" in e.message("zh")
    assert f"field '{case.field}'" in e.message("en")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.kind)
def test_xsim_run_refuses_the_bad_file_with_exit_2(tmp_path, capsys, case):
    path, _ = _bad_file(tmp_path, case)
    record = tmp_path / "record.yaml"
    assert main(["run", str(path), "--record", str(record)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"{path}:") and case.field in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not record.exists(), "no half-written record"
    assert main(["run", str(path), "--lang", "en"]) == 2
    assert "field '" + case.field + "'" in capsys.readouterr().err


def test_the_real_command_exits_2_without_a_traceback(tmp_path):
    path, line = _bad_file(tmp_path, CASES[0])
    done = subprocess.run(
        [sys.executable, "-m", "xsim.cli", "run", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == load_error_message(path)
    assert f"{path}:{line}" in done.stderr


def load_error_message(path: Path) -> str:
    try:
        load_scenario(path)
    except InputError as e:
        return e.message("zh")
    raise AssertionError("the bad file loaded")


def test_missing_required_field_and_broken_yaml(tmp_path, capsys):
    text = BASE.read_text(encoding="utf-8")
    no_title = tmp_path / "no_title.yaml"
    no_title.write_text(text.replace("title: 小区停车管理与物业服务协商\n", ""), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(no_title)
    assert err.value.field == "title" and "缺少必填字段" in err.value.expected_zh
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        text.replace("  - id: tenants", "  - id: tenants\n   name: x: y"), encoding="utf-8"
    )
    with pytest.raises(InputError) as err:
        load_scenario(broken)
    assert err.value.line is not None and "YAML" in err.value.expected_en
    assert main(["run", str(broken)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_form_the_scenario_does_not_list_is_refused_by_the_cli(capsys):
    assert main(["run", str(BASE), "--form", "villagers_meeting"]) == 2
    err = capsys.readouterr().err
    assert "villagers_meeting" in err and "compound" in err


def test_overrides_are_checked_like_a_file():
    s = load_scenario("parking_property")
    with pytest.raises(InputError) as err:
        s.with_overrides({"stakeholder_groups.car_owners.share": 0.5})
    assert err.value.field == "stakeholder_groups" and "1.1" in err.value.expected_zh
    with pytest.raises(InputError) as err:
        s.with_overrides({"organizer.invite_groups": ["tenants", "renters"]})
    assert err.value.field == "organizer.invite_groups[1]" and "renters" in err.value.expected_en


def test_duplicate_group_ids_are_refused_at_the_second_one(tmp_path):
    original = BASE.read_text(encoding="utf-8")
    text = original.replace("  - id: tenants", "  - id: car_owners")
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert err.value.field == "stakeholder_groups[2].id"
    assert err.value.line == original.splitlines().index("  - id: tenants") + 1
    assert "「car_owners」出现了两次" in err.value.expected_zh
