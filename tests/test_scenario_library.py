"""The worked scenario library: every bundled scenario loads and runs every form it lists, and each
of its teaching points holds over its seeds — and rests on what people do.

A teaching point is its Chinese sentence and the claims behind it (``xsim.sim.claims``), checked
by the same evaluator as ``xsim scenarios --verify`` (``xsim.experiments.claims``: one study per
scenario, 30 seeds or more, common random numbers, the scenarios at their own sizes). Every point
must hold as the scenario is; and at least a third of them must fail with talk or word of mouth
switched off (``--ablate``), or the library would teach only what a rule does with an input.
The long checks are marked ``slow`` (they run in ``make test`` too: about 10 minutes on 2 cores).
The law's arithmetic at the deciding meetings is checked run by run below, at smaller sizes.
"""

from __future__ import annotations

import json
import re
from functools import cache

import pytest

from xsim.experiments.claims import verify
from xsim.experiments.executors import make_executor
from xsim.forms import FORMS
from xsim.records import record_from_dict
from xsim.sim.claims import MIN_SEEDS
from xsim.sim.model import ConsultationModel
from xsim.sim.scenario import bundled_names, list_scenarios, load_scenario


@cache
def verified(name: str, ablate: str = "") -> tuple:
    """The teaching points of a scenario, checked (cached across tests)."""
    executor = make_executor("processes")
    try:
        return tuple(verify(name, ablate=(ablate,) if ablate else (), executor=executor))
    finally:
        executor.close()


def _failures(results) -> list[str]:
    out = []
    for p in results:
        for c in p.claims:
            if not c.holds:
                out.append(f"{p.scenario}/{p.id}: {c.to_dict()}")
    return out


# -- the library as a whole ------------------------------------------------------------------


def test_library_has_at_least_eight_scenarios_in_villages_and_communities():
    scenarios = list_scenarios()
    assert len(scenarios) >= 8
    settings = [s.setting for s in scenarios]
    assert settings.count("village") >= 3 and settings.count("community") >= 3


@pytest.mark.parametrize("name", bundled_names())
def test_scenario_is_documented_in_chinese_with_sources(name):
    s = load_scenario(name)
    assert name.isascii()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in s.title)
    assert sum("\u4e00" <= ch <= "\u9fff" for ch in s.narrative) > 80
    assert 2 <= len(s.teaching_points) <= 5
    assert len({p.id for p in s.teaching_points}) == len(s.teaching_points)
    for point in s.teaching_points:
        assert sum("\u4e00" <= ch <= "\u9fff" for ch in point.text) > 15
        assert point.claims and all(c.seeds >= MIN_SEEDS for c in point.claims)
    assert s.sources and all(s.sources.values())
    assert s.topic.categories, "every scenario names its §1 categories"
    assert all(s.setting in FORMS[f].settings for f in s.forms)
    assert len(s.forms) >= 2, "a scenario compares forms"
    assert not s.ablate, "a bundled scenario switches no mechanism off"


@pytest.mark.slow
@pytest.mark.parametrize("name", bundled_names())
def test_every_teaching_point_holds(name):
    failures = _failures(verified(name))
    assert not failures, failures


@pytest.mark.slow
def test_a_third_of_the_teaching_points_rest_on_talk_or_word_of_mouth():
    """With talk or word of mouth switched off, at least a third of the points fail: the library
    teaches what the interaction of people produces, not only what a rule does with an input."""
    total, resting = 0, []
    for name in bundled_names():
        base = {p.id: p.holds for p in verified(name)}
        total += len(base)
        for ablate in ("talk", "word_of_mouth"):
            for p in verified(name, ablate):
                if base[p.id] and not p.holds:
                    resting.append(f"{name}/{p.id}")
    resting = sorted(set(resting))
    assert 3 * len(resting) >= total, (len(resting), total, resting)


@pytest.mark.parametrize(("name", "form"), [(s.name, f) for s in list_scenarios() for f in s.forms])
def test_every_listed_form_runs_and_writes_a_valid_record(name, form):
    spec = load_scenario(name).with_overrides({"population.households": 60})
    model = ConsultationModel(spec, form=form, rng=1)
    out = model.run()
    assert out.form == form and out.scenario == name
    assert 0.0 <= out.participation <= 1.0 and 0.0 <= out.fairness <= 1.0
    assert out.consultation_outcome in ("consensus", "majority", "disputed")
    record_from_dict(model.record.model_dump(mode="json"))  # the record validates
    assert model.report.case.startswith(spec.title)


def test_scenarios_cli_lists_every_required_field(capsys):
    from xsim.cli import main

    assert main(["scenarios", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in listed] == bundled_names()
    for row in listed:
        s = load_scenario(row["name"])
        assert row["title"] == s.title and row["setting"] == s.setting
        assert row["forms"] == s.forms
        assert row["teaching_points"] == [p.text for p in s.teaching_points]
    assert main(["scenarios"]) == 0
    text = capsys.readouterr().out
    assert "征地补偿款分配与外嫁女权益" in text and "小区停车" in text


# -- the law the scenarios cite -------------------------------------------------------------------

CITED = re.compile(r"《([^》]+)》(第[一二三四五六七八九十百零]+条)[^（《]*?（(\d{4})年修正）")


def test_scenarios_cite_the_current_village_law_in_chinese():
    from xsim import law

    titles = {"村民委员会组织法": "villagers_committees"}
    for s in list_scenarios():
        texts = [s.narrative, *(p.text for p in s.teaching_points), *s.sources.values()]
        for text in texts:
            assert "Organic Law" not in text, s.name  # cite in Chinese, by the current numbering
            assert not re.search(r"(?<!》)村民委员会组织法第", text), (s.name, text)
            for title, first, year in CITED.findall(text):
                if title not in titles:
                    continue
                assert year == "2025", (s.name, text)
                known = {
                    law.cite(titles[title], n, version="2025"): n
                    for n in range(1, 60)
                    if _has_article(titles[title], n)
                }
                assert f"《{title}》{first}（2025年修正）" in known, (s.name, first)


def _has_article(key: str, n: int) -> bool:
    from xsim import law

    try:
        law.quote(key, "2025", n)
    except Exception:
        return False
    return True


# -- the law's arithmetic at the deciding meetings (run by run, smaller sizes) --------------------


def _runs(name: str, form: str | None = None, households: int = 80, seeds=range(12), **ov):
    spec = load_scenario(name).with_overrides({"population.households": households, **ov})
    out = []
    for seed in seeds:
        m = ConsultationModel(spec, form=form, rng=seed)
        m.run()
        out.append(m)
    return out


def test_owners_meeting_applies_the_double_thresholds():
    for m in _runs("elevator_retrofit"):
        a = m.trace.assembly
        assert a["kind"] == "owners_meeting" and a["matter"] == "special"
        quorum = (
            3 * a["present"] >= 2 * a["members"] and 3 * a["area_present"] >= 2 * a["area_total"]
        )
        agreed = 4 * a["yes"] >= 3 * a["present"] and 4 * a["area_yes"] >= 3 * a["area_present"]
        assert m.trace.voted == (quorum and agreed)


def test_members_meeting_counts_two_thirds_of_all_members():
    for m in _runs("land_compensation", households=120):
        a = m.trace.assembly
        assert a["kind"] == "members_meeting"
        quorum = 3 * a["present"] >= 2 * a["members"]
        assert m.trace.voted == (quorum and 3 * a["yes"] >= 2 * a["members"])
        # the exclusion breaks the law: a yes is never a lawful adoption
        assert not m.trace.adopted and m.trace.adopted_unlawfully == m.trace.voted


def test_villagers_meeting_quorum_by_people_or_households():
    for m in _runs("village_rules", households=120):
        a = m.trace.assembly
        quorum = (
            2 * a["present"] > a["members"]
            or 3 * a["households_present"] >= 2 * a["households_total"]
        )
        assert any(f.code == "PROC-QUORUM" for f in m.report.findings) == (not quorum)
        if not quorum:
            assert not m.trace.voted and not m.trace.adopted
