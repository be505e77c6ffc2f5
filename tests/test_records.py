"""Case records: the schema, safe YAML loading, clear errors on bad input, and the round trip."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rules_factory import compliant_record

from xsim.errors import InputError
from xsim.records import (
    CaseRecord,
    dump_record,
    load_record,
    record_from_dict,
    record_from_yaml,
    record_to_yaml,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "records").glob("*.yaml"))
GOOD = (ROOT / "examples" / "records" / "01-elevator-compliant.yaml").read_text(encoding="utf-8")


def test_there_are_at_least_six_examples():
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_load_and_round_trip(path, tmp_path):
    record = load_record(path)
    assert isinstance(record, CaseRecord)
    text = record_to_yaml(record)
    assert record_from_yaml(text) == record
    assert record_to_yaml(record_from_yaml(text)) == text  # the written form is stable too
    out = tmp_path / "again.yaml"
    dump_record(record, out)
    assert load_record(out) == record
    assert [p.name for p in tmp_path.iterdir()] == ["again.yaml"]  # no temporary left behind


def test_record_from_dict_takes_dates_or_iso_text():
    data = compliant_record()
    a = record_from_dict(data)
    data["timeline"]["consulted"] = dt.date(2026, 3, 10)
    b = record_from_dict(data)
    assert a == b and a.timeline.consulted == dt.date(2026, 3, 10)


def test_defaults_of_optional_fields():
    data = compliant_record()
    p = record_from_dict(data).participants[0]
    assert (p.relevant, p.spoke, p.respected, p.count, p.group) == (True, True, False, 1, None)


def test_record_rules_are_validated():
    data = compliant_record()
    data["rules"] = {"notice_days": 5}
    assert record_from_dict(data).rules.notice_days == 5


def test_yaml_1_1_words_are_not_booleans():
    # In YAML 1.1 `yes`/`no` are booleans; the record's assembly field is literally called `yes`.
    text = GOOD.replace("opinions_solicited: true", "opinions_solicited: yes")
    with pytest.raises(InputError) as e:
        record_from_yaml(text, "x.yaml")
    assert e.value.field == "topic.opinions_solicited"
    assert "true or false" in e.value.expected_en


def test_dump_record_does_not_leave_half_written_files(tmp_path, monkeypatch):
    record = load_record(EXAMPLES[0])
    target = tmp_path / "out.yaml"
    target.write_text("old", encoding="utf-8")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(InputError, match="disk full"):  # a failed write names the file
        dump_record(record, target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.yaml"]


# --- bad input: each names the file, the field path, the line and what was expected ---------------

BAD = {
    "not_yaml": ("title: [unclosed\n  foo: : bar\n", "", "valid YAML", "YAML"),
    "wrong_type": (
        GOOD.replace("residents: 420 ", 'residents: "many" '),
        "population.residents",
        "whole number",
        "整数",
    ),
    "float_count": (
        GOOD.replace("residents: 420 ", "residents: 420.5 "),
        "population.residents",
        "whole number",
        "整数",
    ),
    "bool_count": (
        GOOD.replace("residents: 420 ", "residents: true "),
        "population.residents",
        "whole number",
        "整数",
    ),
    "negative_count": (
        GOOD.replace("present: 30", "present: -3"),
        "assembly.present",
        "≥ 0",
        "不小于0",
    ),
    "unknown_field": (
        GOOD.replace("opinions_solicited: true", "opinion_solicited: true"),
        "topic.opinion_solicited",
        "did you mean 'opinions_solicited'",
        "未知字段",
    ),
    "unknown_top_field": (GOOD + "remarks: 备注\n", "remarks", "unknown field", "未知字段"),
    "impossible_date": (
        GOOD.replace("consulted: 2026-03-10", "consulted: 2026-02-30"),
        "timeline.consulted",
        "real date",
        "日期",
    ),
    "bad_date_format": (
        GOOD.replace("consulted: 2026-03-10", "consulted: 2026/3/10"),
        "timeline.consulted",
        "YYYY-MM-DD",
        "YYYY-MM-DD",
    ),
    "unknown_enum": (
        GOOD.replace("setting: community", "setting: town"),
        "setting",
        "'village' or 'community'",
        "应为以下之一",
    ),
    "unknown_role": (
        GOOD.replace("role: expert", "role: wizard"),
        "participants[4].role",
        "one of",
        "应为以下之一",
    ),
    "python_tag": (
        'title: !!python/object/apply:os.system ["echo pwned > PWNED"]\n',
        "title",
        "no tags",
        "标签",
    ),
    "top_level_list": ("- title: a\n- title: b\n", "", "mapping", "映射"),
    "scalar": ("just text\n", "", "mapping", "映射"),
    "empty": ("", "", "empty", "空"),
    "comments_only": ("# nothing here\n", "", "empty", "空"),
    "missing_title": (
        "\n".join(ln for ln in GOOD.splitlines() if not ln.startswith("title:")),
        "title",
        "required",
        "缺少",
    ),
    "yes_gt_present": (
        GOOD.replace("yes: 25 ", "yes: 31 "),
        "assembly.yes",
        "cannot exceed",
        "不能超过",
    ),
    "present_gt_members": (
        GOOD.replace("present: 30", "present: 37"),
        "assembly.present",
        "cannot exceed",
        "不能超过",
    ),
    "unknown_group": (
        GOOD.replace("group: upper", "group: uper"),
        "participants[2].group",
        "stakeholder_groups",
        "stakeholder_groups",
    ),
    "duplicate_key": (GOOD + "title: 又一个标题\n", "title", "only once", "重复"),
    "unknown_rule_key": (
        GOOD.replace("notice_days: 5,", "notice_dayz: 5,"),
        "rules.notice_dayz",
        "did you mean 'notice_days'",
        "未知字段",
    ),
    "rule_below_law": (
        GOOD.replace("notice_days: 5,", "assembly_notice_days: 7,"),
        "rules.assembly_notice_days",
        "from 10 to 366",
        "10 到 366",
    ),
    "owners_without_area": (
        GOOD.replace("  area_total: 3240.0\n", ""),
        "assembly.kind",
        "area_total",
        "area_total",
    ),
    "empty_title": (
        GOOD.replace("title: 幸福里小区3号楼加装电梯协商", 'title: ""'),
        "title",
        "non-empty",
        "非空",
    ),
    # nested aliases expand exponentially ("billion laughs"): refused before anything expands
    "alias_bomb": (
        "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9))
        + "title: *a8\n",
        "a0",  # refused at the first anchor, before any alias is read
        "aliases",
        "别名",
    ),
    # a '*' inside text takes the alias-refusing loader, which still reads ordinary records
    "star_in_text_is_fine": (
        GOOD.replace("title: 幸福里小区3号楼加装电梯协商", 'title: "3*4"').replace(
            "setting: community", "setting: town"
        ),
        "setting",
        "one of",
        "应为以下之一",
    ),
    "nan_area": (
        GOOD.replace("area_total: 3240.0", "area_total: .nan"),
        "assembly.area_total",
        "finite",
        "有限",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_raises_input_error(case, tmp_path, monkeypatch):
    text, field, expected_en, expected_zh = BAD[case]
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_record(path)
    err = e.value
    assert err.file == str(path)
    assert err.field == field
    assert expected_en in err.message("en")
    assert expected_zh in err.message("zh")
    assert str(path) in err.message("zh") and str(path) in err.message("en")
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing written or run


def test_error_names_the_yaml_line():
    text = GOOD.replace("consulted: 2026-03-10", "consulted: 2026-02-30")
    line = 1 + text.splitlines().index("  consulted: 2026-02-30")
    with pytest.raises(InputError) as e:
        record_from_yaml(text, "r.yaml")
    assert e.value.line == line
    assert e.value.message("en").startswith(f"r.yaml:{line}: field 'timeline.consulted'")


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="existing file"):
        load_record(tmp_path / "nope.yaml")
    with pytest.raises(InputError, match="directory"):
        load_record(tmp_path)
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("title: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        load_record(bad)


def test_record_from_dict_rejects_non_mappings():
    with pytest.raises(InputError, match="mapping"):
        record_from_dict(["a"])
    with pytest.raises(InputError, match="empty"):
        record_from_dict(None)


def test_a_star_in_text_still_loads():
    record = record_from_yaml(
        GOOD.replace("title: 幸福里小区3号楼加装电梯协商", 'title: "3*4号楼"')
    )
    assert record.title == "3*4号楼"


def test_packaged_copy_of_the_examples_matches():
    # A user install has no examples/ directory: the package carries the same records in
    # xsim/data/records (the demo and the notebooks' example cases use them).
    packaged = ROOT / "src" / "xsim" / "data" / "records"
    assert sorted(p.name for p in packaged.glob("*.yaml")) == [p.name for p in EXAMPLES]
    for p in EXAMPLES:
        assert (packaged / p.name).read_bytes() == p.read_bytes(), f"copy {p.name} again"


def test_records_do_not_import_the_rules_engine():
    """The record schema sits below the rules engine: no records ↔ rules import loop."""
    import subprocess
    import sys

    code = "import sys, xsim.records; print(sorted(m for m in sys.modules if m.startswith('xsim.rules')))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_new_fields_round_trip_and_validate():
    from rules_factory import compliant_record

    from xsim.records import record_from_dict, record_from_yaml, record_to_yaml

    data = compliant_record()
    data["population"].update(collective_organization=True, collective_members=900, owners=None)
    data["population"]["away_unreachable"] = 12
    data["topic"]["collective_matter"] = "land_compensation"
    data["timeline"]["representatives_notified"] = "2026-03-18"
    data["assembly"] = {"kind": "members_meeting", "members": 900, "present": 600, "yes": 600}
    data["results"]["posted_days"] = 15
    rec = record_from_dict(data)
    assert record_from_yaml(record_to_yaml(rec)) == rec
    data["population"]["away_unreachable"] = 981
    with pytest.raises(InputError) as e:
        record_from_dict(data, "r.yaml")
    assert e.value.field == "population.away_unreachable"
