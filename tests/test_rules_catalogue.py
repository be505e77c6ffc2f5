"""The catalogue: the codes of spec/rules.md, a check per code, the rulebook, the generated docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from shared_copies import check_copy

from xsim.errors import InputError
from xsim.rules import RULES, STEPS, Rulebook, rulebook_from_dict
from xsim.rules.checks import CHECKS
from xsim.rules.clauses import CLAUSES
from xsim.rules.docs import EXAMPLES, render

ROOT = Path(__file__).resolve().parents[1]
# The spec's rule table, kept in the repository so that this test runs in a clean clone.
SPEC = ROOT / "tests" / "data" / "spec-rules.md"


def test_codes_and_severities_match_the_spec():
    text = SPEC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([A-Z]+-[A-Z-]+) \| (violation|warning|info) \|", text, re.M)
    table = {code: sev for code, sev in rows}
    assert len(table) == 23
    assert {c: RULES[c].severity for c in table} == table
    # the codes the spec adds from 2026-01-01 (named in its text, not its table)
    since = text.split("## Since 2026-01-01", 1)[1]
    added = set(re.findall(r"`([A-Z]+-[A-Z-]+)`", since))
    assert added == {"PROC-BODY", "PROC-ELECTORATE"}
    # issue 20: exclusions for marriage and the like, computed from results.excluded
    assert set(RULES) == set(table) | added | {"RES-EXCLUSION"}
    assert all(RULES[c].severity == "violation" for c in added | {"RES-EXCLUSION"})


def test_the_spec_copy_is_the_steering_text():
    # recorded digest in a clean clone, and ../shared itself when beside (tests/shared_copies.py)
    check_copy(SPEC, "spec/rules.md")


@pytest.mark.parametrize("code", list(RULES))
def test_each_code_is_complete(code):
    rule = RULES[code]
    assert rule.step in STEPS and rule.severity in ("violation", "warning", "info")
    assert all(cid in CLAUSES for cid in rule.clauses)
    assert rule.clause in CLAUSES or rule.clause == "§1"
    assert re.search(r"[\u4e00-\u9fff]", rule.checks_zh + rule.why_zh + rule.title_zh)
    assert CHECKS[code].__doc__, "every check function is documented"
    assert code in EXAMPLES and rule.example
    # declared in one place: the catalogue entry is the decorator on its check function
    assert rule.check is CHECKS[code] and rule.check.__module__.startswith("xsim.rules.checks.")
    assert rule.scope in ("consultation", "decision")
    # trainee-facing text never cites the law in English
    assert "Organic Law" not in rule.checks_zh + rule.why_zh + rule.title_zh


@pytest.mark.parametrize("code", list(RULES))
def test_each_example_is_a_yaml_fragment_of_record_fields(code):
    import yaml
    from rules_factory import compliant_record

    fragment = yaml.safe_load(RULES[code].example.replace("...", ""))
    assert isinstance(fragment, dict), RULES[code].example
    assert set(fragment) <= set(compliant_record()) | {"rules"}


def test_codes_are_stable_and_prefixed_by_step():
    prefix = {
        "topic": "TOPIC-",
        "subjects": "SUBJ-",
        "procedure": "PROC-",
        "results": "RES-",
        "guarantees": "GUAR-",
    }
    for code, rule in RULES.items():
        assert code.startswith(prefix[rule.step])
    assert list(CHECKS) == list(RULES)


def test_docs_rules_md_is_up_to_date():
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert text == render(), "regenerate: python -m xsim.rules.docs > docs/rules.md"
    for code in RULES:
        assert f"\n## {code}\n" in text


def test_rulebook_defaults_are_documented_as_assumptions_or_law():
    fields = Rulebook.model_fields
    assert Rulebook() == Rulebook(notice_days=3, publicize_within_days=30, assembly_notice_days=10)
    assert "ASSUMPTION" in fields["notice_days"].description
    assert "ASSUMPTION" in fields["publicize_within_days"].description
    assert "LAW" in fields["assembly_notice_days"].description


def test_rulebook_overrides():
    rb = rulebook_from_dict({"notice_days": 7})
    assert (rb.notice_days, rb.publicize_within_days) == (7, 30)
    assert rulebook_from_dict(None) == Rulebook()
    assert rulebook_from_dict({"publicize_within_days": 5}, base=rb).notice_days == 7
    with pytest.raises(InputError) as e:
        rulebook_from_dict({"notice_day": 7}, "s.yaml")
    assert e.value.field == "rules.notice_day" and "notice_days" in e.value.message("zh")
    with pytest.raises(InputError) as e:
        rulebook_from_dict({"assembly_notice_days": 5}, "s.yaml")
    assert e.value.field == "rules.assembly_notice_days"
    with pytest.raises(InputError):
        rulebook_from_dict({"notice_days": -1})
    with pytest.raises(InputError):
        rulebook_from_dict([1, 2])
