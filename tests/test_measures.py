"""Every measure of ``Outcome.to_dict()`` moves under at least one documented choice.

``MOVES`` lists, for each measure, a choice (two variants of one scenario and form, same 30 seeds)
and the least difference of means it must make. Rule-finding counts (``findings.<CODE>``) move
under the shortcuts of ``tests/test_model.py::test_a_procedural_shortcut_shows_up_as_its_finding``
and the boundary tests of the rules engine; they and the verdict's counts (``VERDICT_MOVES``) are
the rules engine's verdict on the run's record, not measures of the run (``Run.to_dict()`` joins
them); the per-category families (``participation.<category>``,
``fairness.<category>``, ``voice_share.<category>``, ``attendance_share.<category>``) are represented by one member each here and by the patterns of
``tests/test_validity.py``.
"""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest

from xsim.sim.model import run_once

SEEDS = range(30)
HH = {"population.households": 60}


@cache
def _rows(name: str, form: str, overrides_json: str) -> tuple[dict, ...]:
    ov = {**HH, **json.loads(overrides_json)}
    return tuple(run_once(name, form, seed=s, overrides=ov).to_dict() for s in SEEDS)


def mean_of(name, form, overrides, key) -> float:
    rows = _rows(name, form, json.dumps(overrides, sort_keys=True))
    values = [r[key] for r in rows if r[key] is not None]
    if isinstance(values[0], str):
        values = [v == STRING_REFERENCE[key] for v in values]
    return float(np.mean(values))


# text measures are compared as the share of runs with this value
STRING_REFERENCE = {"assembly_kind": "", "consultation_outcome": "consensus"}

SCHOOLING = {"below_secondary": 0.4, "knowledge_gap": 0.1}

# the questionnaire's answers (§7.13): with no opinion moving, only response error changes them
ANSWERS_ONLY = (
    "pocket_park",
    "compound",
    {"ablate": ["talk", "briefing"], "behaviour.response_error": 0.0},
    {"ablate": ["talk", "briefing"]},
    0.2,
)

# measure: (scenario, form, variant A, variant B, least |mean(B) − mean(A)|); measured in comments
MOVES = {
    "residents": ("village_road", "council", {}, {"population.households": 90}, 50),
    "households": ("village_road", "council", {}, {"population.households": 90}, 29),
    "invited": ("village_road", "talk_day", {"organizer.invite_groups": ["along"]}, {}, 20),
    "attended": ("elevator_retrofit", "owners", {"organizer.notice_days": 1}, {}, 5),
    "participation": ("elevator_retrofit", "owners", {"organizer.notice_days": 1}, {}, 0.1),
    "participation.age_old": ("village_road", "online", {}, {"organizer.form": "talk_day"}, 0),
    "informed_in_time": (
        "elevator_retrofit",
        "owners",
        {"organizer.notice_days": 1, "organizer.notice_channels": ["bulletin"]},
        {},
        0.2,
    ),
    "representativeness_groups": (
        "elevator_retrofit",
        "owners",
        {"organizer.invite_groups": ["upper"]},
        {},
        0.1,
    ),
    "representativeness_demographic": ("village_road", "online", {}, {}, 0),
    "representativeness_stake": (
        "elevator_retrofit",
        "owners",
        {"organizer.invite_groups": ["upper"]},
        {},
        0.1,
    ),
    "voice_dominance": (
        "village_square",
        "villagers_meeting",
        {"organizer.facilitated": False},
        {},
        0.5,
    ),
    "opinion_before": (
        "elevator_retrofit",
        "owners",
        {"organizer.invite_groups": ["upper"]},
        {},
        0.2,
    ),
    "opinion_after": (
        "elevator_retrofit",
        "owners",
        {"organizer.invite_groups": ["upper"]},
        {},
        0.2,
    ),
    "opinion_change": ("elevator_retrofit", "owners", {"ablate": ["talk"]}, {}, 0.03),
    # without talk the briefing moves everyone the same way: certain change (p ≈ 0) vs p ≈ 0.29
    "opinion_change_p": ("elevator_retrofit", "owners", {"ablate": ["talk"]}, {}, 0.2),
    "opinion_spread_before": (
        "village_road",
        "council",
        {f"stakeholder_groups.{g}.opinion.sd": 0.05 for g in ("along", "distant", "land")},
        {},
        0.05,
    ),
    "voice_share.female": (
        "village_road",
        "villagers_meeting",
        {"organizer.facilitated": False},  # 0.27 unmoderated vs 0.41 moderated (60 households)
        {},
        0.1,
    ),
    "attendance_share.female": (
        "village_road",
        "villagers_meeting",
        {"behaviour.female_offset": -2.0},
        {},
        0.1,
    ),
    "opinion_spread_after": (
        "elevator_retrofit",
        "owners",
        {"organizer.invite_groups": ["upper"]},
        {},
        0.05,
    ),
    "knowledge_before": (
        "elevator_retrofit",
        "owners",
        {"population.knowledge.mean": 0.1},
        {},
        0.1,
    ),
    "knowledge_briefed": ("elevator_retrofit", "owners", {"organizer.experts": False}, {}, 0.05),
    "knowledge_after": ("elevator_retrofit", "owners", {"organizer.experts": False}, {}, 0.05),
    # only where the scenario gives its adults' schooling; with equal learning the less schooled
    # gain more (more left to learn), with the factor less
    "knowledge_gain_schooling_gap": (
        "elevator_retrofit",
        "council",
        {"population.schooling": SCHOOLING, "ablate": ["schooling_learning"]},
        {"population.schooling": SCHOOLING},
        0.03,
    ),
    "rooms_spread_fell": (
        "pocket_park",
        "compound",
        {"organizer.facilitated": False},
        {},
        0.02,
    ),
    "rooms_toward_high_status": (
        "village_road",
        "talk_day",
        {"organizer.facilitated": False, "behaviour.dominance": 10.0},
        {},
        0.02,
    ),
    "rooms_away_from_neutral": ("pocket_park", "compound", {"ablate": ["talk"]}, {}, 0.2),
    **{
        f"surveyed_rooms_{m}": ANSWERS_ONLY
        for m in ("spread_fell", "toward_high_status", "away_from_neutral")
    },
    "surveyed_change_p": (
        "elevator_retrofit",
        "owners",
        {"behaviour.response_error": 0.0},
        {},
        0.1,
    ),
    "quorum_margin": (
        "village_road",
        "council",
        {"organizer.assembly_notice_days": 3},
        {},
        0.02,
    ),
    "majority_margin": (
        "elevator_retrofit",
        "owners",
        {"stakeholder_groups.ground.opinion.mean": 0.3},  # the ground floor won over: +0.11
        {},
        0.1,
    ),
    "final_opinion.group.ground": (
        "elevator_retrofit",
        "owners",
        {"organizer.invite_groups": ["upper", "middle"]},
        {},
        0.05,
    ),
    "amended.group.ground": (
        "elevator_retrofit",
        "owners",
        {"organizer.invite_groups": ["upper", "middle"]},
        {},
        0.5,
    ),
    "polarization": (
        "elevator_retrofit",
        "owners",
        {"organizer.invite_groups": ["upper"]},
        {},
        0.05,
    ),
    "support": ("elevator_retrofit", "owners", {"organizer.invite_groups": ["upper"]}, {}, 0.05),
    "consultation_outcome": (
        "irrigation_canal",
        "special_council",
        {"organizer.invite_groups": ["upstream", "land"]},
        {},
        0.1,
    ),
    "consensus": (
        "irrigation_canal",
        "special_council",
        {"organizer.invite_groups": ["upstream", "land"]},
        {},
        0.1,
    ),
    "escalated": ("village_road", "talk_day", {"organizer.escalate": False}, {}, 0.9),
    "decided": ("township_waste_fee", "villagers_meeting", {}, {"organizer.form": "council"}, 0),
    "assembly_kind": ("village_road", "talk_day", {"organizer.escalate": False}, {}, 0.9),
    "adopted": ("parking_property", "hearing", {"topic.amend_room": 0.0}, {}, 0.1),
    "adopted_unlawfully": (
        "village_road",
        "villagers_meeting",
        {"organizer.notice_days": 10},  # 10 days' notice: lawful; the default 7: revocable
        {},
        0.5,
    ),
    "implemented": ("pocket_park", "compound", {"organizer.implement": False}, {}, 0.9),
    "days_to_decision": ("village_road", "talk_day", {"organizer.escalate": False}, {}, 5),
    "result_informed": (
        "pocket_park",
        "compound",
        {"organizer.feedback_to": [], "organizer.publicity_channels": []},
        {},
        0.1,
    ),
    "fairness": (
        "pocket_park",
        "compound",
        {"organizer.feedback_to": [], "organizer.publicity_channels": []},
        {},
        0.03,
    ),
    "fairness.group.ground": (
        "elevator_retrofit",
        "owners",
        {"organizer.invite_groups": ["upper", "middle"]},
        {},
        0.2,
    ),
    "complaints": (
        "pocket_park",
        "compound",
        {"organizer.invite_groups": ["nearby", "others"], "organizer.explain_dissenters": 0.0},
        {},
        0.005,
    ),
    "decision_quality": ("elevator_retrofit", "owners", {"organizer.escalate": False}, {}, 0.05),
    "person_hours": ("pocket_park", "compound", {"organizer.explain_dissenters": 0.0}, {}, 0.5),
    "money_yuan": ("elevator_retrofit", "owners", {"organizer.experts": False}, {}, 1000),
    "subsidies_yuan": (
        "township_waste_fee",
        "council",
        {"organizer.subsidies.paid": False},
        {},
        10,
    ),
    "supervision_noticed": (
        "elevator_retrofit",
        "owners",
        {"organizer.explain_dissenters": 0.0},
        {},
        0.1,
    ),
}
# The verdict's counts (the rules engine's judgement of the run's record, ``Verdict.to_dict()``):
# not measures of the run, but they too move under a choice (the shortcut that breaks a rule).
VERDICT_MOVES = {
    "n_violations": ("village_road", "talk_day", {"organizer.escalate": False}, {}, 0.9),
    "n_warnings": ("village_square", "council", {"organizer.invite_respected": False}, {}, 0.9),
    "compliant": ("village_road", "talk_day", {"organizer.escalate": False}, {}, 0.9),
}
# Variants that differ in the form rather than an organizer's choice of the same form.
FORM_CHOICE = {"participation.age_old", "decided"}
# Measures compared across forms (the choice is the form): variant B's form.
SAME = {"representativeness_demographic": "talk_day"}


def test_every_measure_is_listed():
    run = run_once("village_road", "council", seed=0, overrides=HH)
    row = run.outcome.to_dict()
    plain = {
        k
        for k in row
        if not k.startswith(
            (
                "participation.",
                "fairness.",
                "voice_share.",
                "attendance_share.",
                "final_opinion.",
                "amended.",
            )
        )
        and k not in ("scenario", "form")
    }
    assert plain <= set(MOVES), sorted(plain - set(MOVES))
    verdict = run.verdict.to_dict()
    assert not set(verdict) & set(row)  # the measures carry no finding and no count of findings
    assert {k for k in verdict if not k.startswith("findings.")} == set(VERDICT_MOVES)


def test_every_column_of_a_run_is_declared_once_in_the_registry():
    """A measure is one declaration in xsim.sim.measures: every column of a run's row has one, and
    every declaration is a column (or a family of per-category columns)."""
    from xsim.sim.measures import MEASURES, PER_CATEGORY

    row = run_once("elevator_retrofit", "owners", seed=0, overrides=HH).to_dict()
    heads = {k for k in row if not k.startswith("findings.")} - {"scenario", "form"}
    plain = {k for k in heads if k.partition(".")[0] not in PER_CATEGORY}
    families = {k.partition(".")[0] for k in heads} & set(PER_CATEGORY)
    assert plain | families == set(MEASURES), sorted((plain | families) ^ set(MEASURES))
    for family in PER_CATEGORY:
        assert family in MEASURES


def test_the_registry_names_each_measure_once_in_plain_words():
    import re

    from xsim.sim.measures import MEASURES, reading_hint

    seen: dict[str, str] = {}
    for key, m in MEASURES.items():
        assert m.key == key and re.search(r"[\u4e00-\u9fff]", m.zh) and m.en and m.source
        assert m.zh not in seen, (key, seen.get(m.zh))
        seen[m.zh] = key
        reading_hint(key)  # every measure has a reading (possibly none)


def test_the_docs_measure_table_is_the_registry():
    from pathlib import Path

    from xsim.sim.measures import markdown_table

    doc = (Path(__file__).resolve().parents[1] / "docs" / "model.md").read_text(encoding="utf-8")
    assert markdown_table() in doc, "docs/model.md §7.9: paste xsim.sim.measures.markdown_table()"


@pytest.mark.parametrize("key", sorted(MOVES) + sorted(VERDICT_MOVES))
def test_measure_moves_under_its_choice(key):
    name, form, a, b, least = {**MOVES, **VERDICT_MOVES}[key]
    form_b = b.pop("organizer.form", form) if "organizer.form" in b else SAME.get(key, form)
    b = {k: v for k, v in b.items() if k != "organizer.form"}
    moved = abs(mean_of(name, form_b, b, key) - mean_of(name, form, a, key))
    if key in FORM_CHOICE or key in SAME:
        assert moved > 0.05, (key, moved)
    else:
        assert moved >= least, (key, moved)


# -- the verdict: every rule code a run can produce, and the choice that produces it ----------------

LATE = {
    "organizer.publicize_days": 60,
    "organizer.feedback_to": ["subjects"],
    "organizer.explain_dissenters": 0.0,
    "organizations.3.detect": 0.0,  # nobody watching
}
# code: (scenario, form, choice); the code must fire in at least one of five seeds.
FINDING_CHOICES = {
    "GUAR-SUBSIDY": (
        "elevator_retrofit",
        "owners",
        {"organizer.subsidies": {"paid": True, "decided_by_meeting": False, "publicized": True}},
    ),
    "PROC-ASSEMBLY-NOTICE": ("village_road", "council", {"organizer.assembly_notice_days": 9}),
    "PROC-BODY": ("land_compensation", "villagers_meeting", {}),
    "PROC-ESCALATE": ("village_road", "council", {"organizer.escalate": False}),
    "PROC-HEARING": ("elevator_retrofit", "owners", {"topic.wide_impact": True}),
    "PROC-NOTICE": ("elevator_retrofit", "owners", {"organizer.notice_days": 2}),
    "PROC-QUORUM": ("village_rules", "villagers_meeting", {}),
    "RES-EXPLAIN": ("elevator_retrofit", "owners", LATE),
    "RES-FEEDBACK": ("pocket_park", "compound", LATE),
    "RES-IMPLEMENT": ("village_road", "council", {"organizer.implement": False}),
    "RES-LEGAL": (
        "village_road",
        "talk_day",
        {"topic.violates_law": True, "organizations.3.detect": 0.0},
    ),
    "RES-PUBLICIZE": ("pocket_park", "compound", LATE),
    "RES-REPORT": (
        "elevator_retrofit",
        "owners",
        {"topic.commissioned_by": "township", "organizer.report_to_commissioner": False},
    ),
    "RES-RESPONSE": ("township_waste_fee", "council", {"topic.commissioner_responds": False}),
    "SUBJ-EXPERT": ("elevator_retrofit", "owners", {"organizer.experts": False}),
    "SUBJ-IRRELEVANT": ("elevator_retrofit", "council", {"organizations.2.relevant": False}),
    "SUBJ-LEAD": ("elevator_retrofit", "owners", {"lead": "township"}),
    "SUBJ-MISSING": ("elevator_retrofit", "owners", {"organizer.invite_groups": ["upper"]}),
    "SUBJ-RESPECTED": ("elevator_retrofit", "owners", {"organizer.invite_respected": False}),
    "TOPIC-JOINT": (
        "elevator_retrofit",
        "owners",
        {"topic.proposed_by": {"kind": "joint_residents", "signatures": 10}},
    ),
    "TOPIC-SCOPE": ("elevator_retrofit", "owners", {"topic.categories": []}),
    "TOPIC-SOLICIT": ("elevator_retrofit", "owners", {"organizer.solicit_opinions": False}),
}
# Codes no organizer's choice in a simulated run produces, and why; the rules engine's boundary
# tests (tests/test_rules_boundaries.py) trigger them on records.
NOT_FROM_A_RUN = {
    "PROC-MAJORITY": "the model adopts only with the majority the law requires (meeting_decision)",
    "PROC-ELECTORATE": "the model's deciding meetings count everyone entitled",
    "PROC-HEARD": "the bundled forms' turns reach every group present (rare in a run)",
    "RES-EXCLUSION": "the model's records name no one left out of a benefit (results.excluded)",
}


def test_every_rule_code_is_listed_with_a_choice_or_a_reason():
    from xsim.rules import RULES

    assert set(FINDING_CHOICES) | set(NOT_FROM_A_RUN) == set(RULES)
    assert not set(FINDING_CHOICES) & set(NOT_FROM_A_RUN)


@pytest.mark.parametrize("code", sorted(FINDING_CHOICES))
def test_each_rule_code_fires_under_its_choice(code):
    name, form, choice = FINDING_CHOICES[code]
    ov = {**HH, **choice}
    fired = [run_once(name, form, seed=s, overrides=ov).verdict.findings[code] for s in range(5)]
    assert any(fired), code
