"""Model-based validation targets (fast variant): each is a test that the model can fail.

Marked ``validation`` (select them alone with ``pytest -m validation``) and run by ``make test``:
fixed seed 0 and the fast variant's replications, so each result is deterministic. ``xsim
validate`` runs the full variant (30 replications per study). A counted validation target must
hold with the full model and fail with its mechanism switched off; a target the model does not
reproduce (yet) is listed in ``NOT_REPRODUCED`` with the reason, as a strict expected failure, so
that it is noticed the day it starts to hold.
"""

from __future__ import annotations

import pytest

from xsim.validation.evaluate import evaluate_target
from xsim.validation.targets import load_targets

pytestmark = pytest.mark.validation

MODEL_TARGETS = [t for t in load_targets() if t.kind == "model" and t.role != "plausibility"]
COUNTED = [t for t in MODEL_TARGETS if t.counted]

#: target id -> why the model does not reproduce it (docs/validation.md and the report say the same).
#: These are findings about the model, never to be "fixed" by tuning on the target's own number.
NOT_REPRODUCED = {
    "M-ZG-TOP-PRIORITIES-ROSE": "the briefing's merit is the sample's own mean, so it moves nothing; "
    "+0.02; Zeguo's top projects +0.18 — and no merit would do: at the scale's top (+1) the "
    "briefing lifts them +0.07, at most +0.12 over plausible parameters "
    "(test_no_merit_lifts_zeguos_top_project_to_its_observed_rise)",
    "M-ZG-MIDDLING-FELL": "nothing lowers a moderately supported project under a tight budget "
    "(the model deliberates one matter, no budget line); +0.01; Zeguo -0.10",
    "M-ZG-NO-HOMOGENIZATION": "against Table 2 recomputed on the corrected Zeguo data (0.667, [0.59, 0.744]; docs/model.md §7.5) the spread falls in 0.57 of groups with the fast variant's 6 replications and in 0.625 [0.588, 0.66] with 30 (xsim validate): it holds only in the full variant, and narrowly",
    "M-DP-NET-CHANGE": "counted on the participants' answers (response error 0.16, docs/model.md "
    "§7.13), as the polls count it, the model's polls change significantly in 0.46 against 0.72: "
    "they move opinions less than real polls (their discussion groups' mean answer moves 0.04 on "
    "0-1 against 0.085-0.102 in two polls no target uses: "
    "test_poll_groups_move_less_than_in_deliberative_polls_outside_the_targets)",
    "M-KMS-WOMEN-SPEAKING": "women one in five of those present at an unmoderated majority-rule "
    "villagers' meeting: the average woman has 0.27 of the average man's share of the turns; the "
    "experiment's lone woman had about 0.6 of the average man's floor time — turns claimed with "
    "weight voice² (female_voice 0.7, a status premium that goes mostly to men) silence women about "
    "twice as much (with status_voice off 0.87, about 1 over more runs)",
}


def _known(target, findings=NOT_REPRODUCED):
    """The target as a test case, a strict expected failure when ``findings`` name it."""
    reason = findings.get(target.id)
    return pytest.param(
        target,
        id=target.id,
        marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else [],
    )


@pytest.mark.parametrize("target", [_known(t) for t in MODEL_TARGETS])
def test_model_target_holds(target):
    result = evaluate_target(target, fast=True, seed=0)
    assert result.holds, result.to_dict()


#: target id -> why it still holds with its mechanism switched off: a finding (it is no evidence for
#: that mechanism), listed as a strict expected failure like NOT_REPRODUCED.
HOLDS_WITHOUT_MECHANISM: dict[str, str] = {}


@pytest.mark.parametrize("target", [_known(t, HOLDS_WITHOUT_MECHANISM) for t in COUNTED])
def test_counted_target_fails_without_its_mechanism(target):
    # evidence needs both halves: holding with the mechanism (above, or listed as not reproduced)
    # and failing without it (here, for every counted target)
    result = evaluate_target(target, fast=True, seed=0, ablations=True)
    assert result.ablation is not None and result.ablation.is_evidence, result.to_dict()


def test_no_merit_lifts_zeguos_top_project_to_its_observed_rise():
    """docs/model.md §7.5: the top-priority miss is the briefing's strength, not the choice of merit.

    Even with the experts' merit at the top of the scale (+1, the most a briefing could favour a
    project), the top project rises less than Zeguo's +0.18: below the band at the defaults and,
    over 40 plausible parameter sets (Latin hypercube of data/parameter_ranges.yaml), never up to
    the observed value. Fails the day a mechanism (a budget line, a stronger briefing) can reach it,
    and then M-ZG-TOP-PRIORITIES-ROSE and this finding in docs/model.md need revisiting."""
    import numpy as np

    from xsim.experiments.parameter_ranges import load_ranges
    from xsim.experiments.uncertainty import draw_parameter_sets
    from xsim.validation import zeguo
    from xsim.validation.runs import behaviour_overrides

    target = next(t for t in load_targets() if t.id == "M-ZG-TOP-PRIORITIES-ROSE")
    band_low = target.tolerance.range[0]
    at_defaults = zeguo.priority_change("top", fast=True, seed=0, merit=1.0)
    assert at_defaults.high < band_low, at_defaults

    rises = []
    for _, values in draw_parameter_sets(load_ranges(), 40, seed=2026).iterrows():
        with behaviour_overrides(values.to_dict()):
            rises.append(zeguo.priority_change("top", fast=True, seed=0, merit=1.0).value)
    assert max(rises) < target.observed.value, max(rises)
    # and the plain balanced briefing of the target's statistic moves much less than either
    assert zeguo.priority_change("top", fast=True, seed=0).value < float(np.median(rises))


#: How far participants' answers moved in Deliberative Polls that none of the kit's targets uses
#: (0–1 scale, paired respondents, group-item episodes weighted equally): "net" is the absolute mean
#: change within a discussion group on one item, "gross" the mean absolute change of its members.
#: soodoku/dp-distortions oos_replication/tabs/paper_attitude_change.csv (commit 3303249), policy
#: items: America in One Room 2019 (1,880 episodes) and America in One Room Climate 2021 (6,825).
NEW_POLLS_NET = {"A1R 2019": 0.102, "A1R Climate 2021": 0.085}
NEW_POLLS_GROSS = {"A1R 2019": 0.200, "A1R Climate 2021": 0.170}


def _answer_change(overrides: dict, replications: int) -> tuple[float, float]:
    """Mean net and gross change of the answers per discussion group (0–1 scale, as the polls
    above count them) when each bundled scenario's matter is put to a deliberative poll."""
    import numpy as np

    from xsim.sim.model import ConsultationModel
    from xsim.validation.model_statistics import poll_overrides
    from xsim.validation.runs import scenarios

    net, gross = [], []
    for sc in scenarios():
        poll = poll_overrides(sc) | overrides
        for seed in range(replications):
            model = ConsultationModel(sc, form="deliberative_poll", rng=seed, overrides=poll)
            model.run()
            trace = model.trace
            resident = trace.voices["resident"] >= 0
            change = (trace.answers_after - trace.answers_before)[resident] / 2.0
            rooms = trace.rooms[resident]
            for room in np.unique(rooms):
                here = change[rooms == room]
                if here.size >= 2:
                    net.append(abs(here.mean()))
                    gross.append(np.abs(here).mean())
    return float(np.mean(net)), float(np.mean(gross))


def test_poll_groups_move_less_than_in_deliberative_polls_outside_the_targets():
    """docs/model.md §7.5 (DP net change): the model's discussion groups move their mean answer
    less than half as far as those of America in One Room 2019, a Deliberative Poll no target uses,
    at the defaults (30 replications) and over 40 plausible parameter sets, and less than either
    new poll's even with a response error as large as 0.5 — while their members' gross change,
    mostly response error, can be raised to the polls' by the error alone. Fails the day a
    mechanism moves groups as far as real polls; then M-DP-NET-CHANGE, the Zeguo priority targets
    and this finding need revisiting."""
    from xsim.experiments.parameter_ranges import load_ranges
    from xsim.experiments.uncertainty import draw_parameter_sets

    half_of_a1r = NEW_POLLS_NET["A1R 2019"] / 2
    least_net, least_gross = min(NEW_POLLS_NET.values()), min(NEW_POLLS_GROSS.values())
    net, gross = _answer_change({}, 30)
    assert net < half_of_a1r and gross < least_gross, (net, gross)

    nets = [
        _answer_change({f"behaviour.{k}": v for k, v in values.items()}, 2)[0]
        for _, values in draw_parameter_sets(load_ranges(), 40, seed=2026).iterrows()
    ]
    assert max(nets) < half_of_a1r, max(nets)

    noisy_net, noisy_gross = _answer_change({"behaviour.response_error": 0.5}, 6)
    assert noisy_net < least_net, noisy_net
    assert noisy_gross > least_gross, noisy_gross
