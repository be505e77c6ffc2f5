"""Scenario schema and loader: bundled scenarios load, bad input is one clear InputError."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from xsim.errors import InputError
from xsim.forms import FORMS
from xsim.sim.scenario import (
    SCENARIO_DIR,
    Scenario,
    bundled_names,
    list_scenarios,
    load_scenario,
    scenario_from_dict,
)

ROOT = Path(__file__).resolve().parents[1]


def test_bundled_scenarios_are_reachable_as_package_data():
    assert SCENARIO_DIR.resolve() == (ROOT / "scenarios").resolve()
    assert {"elevator_retrofit", "village_road"} <= set(bundled_names())


@pytest.mark.parametrize("name", ["elevator_retrofit", "village_road"])
def test_bundled_scenario_is_complete(name):
    s = load_scenario(name)
    assert isinstance(s, Scenario)
    assert s.name == name
    assert any("\u4e00" <= ch <= "\u9fff" for ch in s.title)  # a Chinese title
    assert 2 <= len(s.teaching_points) <= 5
    assert s.sources, "every scenario says where its figures come from"
    assert abs(sum(g.share for g in s.stakeholder_groups) - 1) < 1e-9
    assert all(f in FORMS for f in s.forms)
    assert all(s.setting in FORMS[f].settings for f in s.forms)


def test_list_scenarios_returns_every_bundled_file():
    assert [s.name for s in list_scenarios()] == bundled_names()


def test_load_by_path_equals_load_by_name():
    assert load_scenario(ROOT / "scenarios" / "village_road.yaml") == load_scenario("village_road")


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _base_text() -> str:
    return (ROOT / "scenarios" / "elevator_retrofit.yaml").read_text(encoding="utf-8")


def test_unknown_scenario_names_the_bundled_ones():
    with pytest.raises(InputError) as err:
        load_scenario("no_such_scenario")
    assert "elevator_retrofit" in err.value.expected_en
    assert "village_road" in err.value.expected_zh


def test_unknown_field_gives_path_line_and_valid_fields(tmp_path):
    text = _base_text().replace("  notice_days: 7\n", "  notice_dayz: 7\n")
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    e = err.value
    assert e.field == "organizer.notice_dayz"
    assert e.line == text.splitlines().index("  notice_dayz: 7") + 1
    assert "notice_days" in e.expected_en and "did you mean" in e.expected_en
    assert e.file == str(path)


def test_out_of_range_share_is_refused_with_its_line(tmp_path):
    text = _base_text().replace("  registered_share: 0.8\n", "  registered_share: 1.8\n")
    with pytest.raises(InputError) as err:
        load_scenario(_write(tmp_path, text))
    assert err.value.field == "population.registered_share"
    assert err.value.line == text.splitlines().index("  registered_share: 1.8") + 1


def test_stake_out_of_range_is_refused(tmp_path):
    text = _base_text().replace("stake: {mean: 0.7, sd: 0.2}", "stake: {mean: 1.7, sd: 0.2}")
    with pytest.raises(InputError):
        load_scenario(_write(tmp_path, text))


def test_shares_that_do_not_add_up_are_refused(tmp_path):
    text = _base_text().replace("    share: 0.17\n", "    share: 0.27\n")
    with pytest.raises(InputError) as err:
        load_scenario(_write(tmp_path, text))
    assert "add up to 1" in err.value.expected_en


def test_unknown_form_names_the_valid_forms(tmp_path):
    text = _base_text().replace("forms: [owners, hearing", "forms: [owner, hearing")
    with pytest.raises(InputError) as err:
        load_scenario(_write(tmp_path, text))
    assert "villagers_meeting" in err.value.expected_en and "online" in err.value.expected_en


def test_reference_to_undefined_group_is_refused(tmp_path):
    text = _base_text().replace("invite_groups: all", "invite_groups: [upper, basement]")
    with pytest.raises(InputError) as err:
        load_scenario(_write(tmp_path, text))
    assert "basement" in err.value.expected_en and "ground" in err.value.expected_en


def test_not_yaml_and_object_tags_are_refused_without_executing(tmp_path):
    with pytest.raises(InputError) as err:
        load_scenario(_write(tmp_path, "name: [unclosed\n"))
    assert err.value.line is not None
    evil = _write(tmp_path, "name: !!python/object/apply:os.system ['touch /tmp/xsim-pwned']\n")
    with pytest.raises(InputError):
        load_scenario(evil)
    assert not Path("/tmp/xsim-pwned").exists()


def test_top_level_must_be_a_mapping():
    with pytest.raises(InputError):
        scenario_from_dict(["a", "list"])


def test_with_overrides_sets_dotted_paths_and_validates():
    s = load_scenario("elevator_retrofit")
    t = s.with_overrides(
        {"organizer.notice_days": 3, "stakeholder_groups.ground.opinion.mean": -0.9}
    )
    assert t.organizer.notice_days == 3
    assert t.stakeholder_groups[2].opinion.mean == -0.9
    assert s.organizer.notice_days == 7  # the original is unchanged
    assert s.with_overrides({"stakeholder_groups.2.share": 0.17}) == s


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ("organizer.notice_dayz", 3, "notice_days"),
        ("organiser.notice_days", 3, "organizer"),
        ("stakeholder_groups.basement.share", 0.1, "ground"),
        ("behaviour.dominanse", 2.0, "dominance"),
    ],
)
def test_unknown_override_names_the_valid_choices(path, value, named):
    with pytest.raises(InputError) as err:
        load_scenario("elevator_retrofit").with_overrides({path: value})
    assert named in err.value.expected_en
    assert named in err.value.expected_zh


def test_invalid_override_value_is_an_input_error():
    with pytest.raises(InputError) as err:
        load_scenario("elevator_retrofit").with_overrides({"organizer.notice_days": -1})
    assert err.value.field == "organizer.notice_days"


def test_impossible_date_and_duplicate_key_are_input_errors(tmp_path):
    text = _base_text().replace("start_date: 2026-03-02", "start_date: 2026-02-30")
    with pytest.raises(InputError) as err:
        load_scenario(_write(tmp_path, text))
    assert err.value.field == "start_date"
    assert err.value.line == text.splitlines().index("start_date: 2026-02-30") + 1
    with pytest.raises(InputError) as err:
        load_scenario(_write(tmp_path, "name: a\nname: b\n"))
    assert "duplicate" in err.value.expected_en and err.value.line == 2


def test_command_line_values_are_read_like_scenario_yaml():
    from xsim.io import parse_value

    assert parse_value("3") == 3
    assert parse_value("[upper, middle]") == ["upper", "middle"]
    assert parse_value("false") is False
    assert parse_value("2026-04-31") == "2026-04-31"  # left to the schema to refuse
    assert parse_value("[unclosed") == "[unclosed"
    # a tag is refused (and never executed), naming the field
    with pytest.raises(InputError) as err:
        parse_value("!!python/object/apply:os.system [ls]", "narrative")
    assert err.value.field == "narrative" and "tag" in err.value.expected_en
