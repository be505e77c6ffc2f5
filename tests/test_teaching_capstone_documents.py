"""The four documents the capstone writes, worded by the case: for every scenario of the library
(and an owners' form and a plan without a meeting), addressee, body and signatory follow the
setting and form, dates are the run's, and the 结果公示 gives the vote figures and the article."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from capstone_support import OPTIONS, RUBRIC, SEED, good_plan

from xsim.sim.scenario import load_scenario
from xsim.teaching.capstone.case import assess, scenario_names
from xsim.teaching.capstone.documents import documents, signatory
from xsim.teaching.capstone.plan import NO_MEETING

DATE = re.compile(r"20\d\d年\d{1,2}月\d{1,2}日")


def rendered(name, plan):
    result = assess(name, SEED, plan, RUBRIC, OPTIONS)
    docs = documents(
        load_scenario(name),
        plan,
        result.record,
        result.outcome,
        result.report.law_versions,
        OPTIONS,
    )
    return result, docs


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def variants(name):
    plan = good_plan(name)
    yield "good", plan
    yield "no meeting", replace(plan, deciding_meeting=NO_MEETING)
    if load_scenario(name).setting == "community":
        yield (
            "online",
            replace(plan, form="online") if "online" in load_scenario(name).forms else plan,
        )


@pytest.mark.parametrize("name", scenario_names())
def test_every_document_is_worded_for_its_case(name):
    s = load_scenario(name)
    for label, plan in variants(name):
        result, docs = rendered(name, plan)
        assert set(docs) == {"report", "notice", "minutes", "publicity"}
        words = {k: text(v) for k, v in docs.items()}
        everything = "".join(words.values())
        assert "村（居）" not in everything and "（社区）" not in everything, (name, label)
        assert "（未定）" not in everything and "未定" not in everything, (name, label)
        assert "召开网络议事平台" not in everything
        other = "居民" if s.setting == "village" else "村民"
        assert other not in everything.replace(s.narrative.strip(), ""), (name, label, other)
        owners = plan.form == "owners" or plan.deciding_meeting == "owners_meeting"
        expected = "各位业主" if owners else ("各位村民" if s.setting == "village" else "各位居民")
        assert expected in words["notice"] and expected in words["publicity"], (name, label)
        sign = signatory(s.setting, plan.lead)
        for key in ("notice", "minutes", "publicity"):
            assert sign in words[key], (name, key)
        assert DATE.search(words["notice"]) and DATE.search(words["publicity"]), (name, label)
        if result.record.assembly is not None:
            a = result.record.assembly
            assert f"应到 {a.members}，实到 {a.present}，同意 {a.yes}" in words["publicity"]
            assert re.search(r"依据《[^》]+》第[一二三四五六七八九十百]+条", words["publicity"]), (
                name
            )
        else:
            assert "应到" not in words["publicity"]


def test_a_residents_case_is_never_signed_by_a_village_body():
    assert signatory("community", "party_branch") == "社区党组织"
    assert signatory("village", "committee") == "村民委员会"
    assert signatory("community", "township") == "街道党工委"
    assert signatory("village", "other") == "协商组织方"
