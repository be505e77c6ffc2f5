"""Representatives chosen by the law's rule (《村民委员会组织法》第二十九条（2025年修正））."""

from __future__ import annotations

import numpy as np
import pytest

from xsim import law
from xsim.sim.model import ConsultationModel
from xsim.sim.population import build_population
from xsim.sim.representation import (
    MAX_BLOCK,
    MIN_BLOCK,
    choose_representatives,
    seat_count,
    seats_per_group,
)
from xsim.sim.scenario import load_scenario


def test_the_rule_is_the_law_s_wording():
    text = law.quote("villagers_committees", "2025", 29)
    assert "每五户至十五户推选一人，或者由各村民小组推选若干人" in text
    assert "妇女村民代表应当占村民代表会议组成人员的三分之一以上" in text
    assert (MIN_BLOCK, MAX_BLOCK) == (5, 15)


@pytest.mark.parametrize(
    ("households", "total", "expected"),
    [
        ([92, 8], 10, [9, 1]),  # an 8% group still gets its seat
        ([96, 4], 10, [10, 0]),  # fewer than five households make no block
        ([5, 5, 90], 3, [1, 1, 1]),  # every entitled group first
        ([50, 30, 20], 10, [5, 3, 2]),
        ([5, 5, 5, 85], 2, [1, 1, 1, 1]),  # more groups than seats: each still sits
    ],
)
def test_seats_per_group(households, total, expected):
    assert seats_per_group(np.array(households), total).tolist() == expected


def test_villagers_representatives_stay_within_five_to_fifteen_households():
    s = load_scenario("village_road")
    for hh, count in ((100, 3), (100, 60), (200, 20)):
        spec = s.with_overrides({"population.households": hh, "representatives.count": count})
        seats = seat_count(spec, hh)
        assert -(-hh // MAX_BLOCK) <= seats <= hh // MIN_BLOCK


def test_a_small_group_gets_a_seat_and_women_a_third():
    spec = load_scenario("village_road")  # land households: 8% of 860
    small = spec.stakeholder_groups[-1].id
    for seed in range(30):
        pop = build_population(spec, np.random.default_rng(seed))
        seats = choose_representatives(spec, pop, np.random.default_rng(seed))
        groups = {spec.group_ids[s.group] for s in seats}
        assert small in groups
        women = np.mean([pop.female[s.resident] for s in seats])
        assert women >= 1 / 3 - 1e-9
        for s in seats:  # each speaks for households of one group, and lives among them
            assert (pop.household_group[s.households] == s.group).all()
            assert pop.household[s.resident] in set(s.households.tolist())


def test_seated_bodies_are_measured_over_the_people_they_represent():
    rows = [
        ConsultationModel(
            "village_road",
            form="representatives_meeting",
            rng=s,
            overrides={"population.households": 120},
        ).run()
        for s in range(30)
    ]
    # 0.2% of adults sit, but the households of the representatives present take part through them
    assert np.mean([r.participation for r in rows]) > 0.5
    assert np.mean([r.representativeness_groups for r in rows]) < 0.2
