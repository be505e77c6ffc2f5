"""The forms of §3: the data each carries and the behaviour it gives the model."""

from __future__ import annotations

import numpy as np
import pytest

from xsim import forms as F
from xsim.records import FORMS as RECORD_FORMS
from xsim.sim import conclusion as C
from xsim.sim.model import ConsultationModel
from xsim.sim.talk import kernels as K

SPEC_FORMS = [
    "villagers_meeting",
    "residents_meeting",
    "representatives_meeting",
    "council",
    "board",
    "group_meeting",
    "compound",
    "owners",
    "hearing",
    "special_council",
    "evaluation",
    "talk_day",
    "forum",
    "online",
]


def test_every_form_of_the_notice_exists_under_its_record_name():
    assert list(F.FORMS) == SPEC_FORMS
    assert set(F.FORMS) == set(RECORD_FORMS)
    for name, form in F.FORMS.items():
        assert form.name == name
        assert form.clause.startswith("§")
        assert any("\u4e00" <= ch <= "\u9fff" for ch in form.zh)
        assert form.hours > 0 and form.duration_days >= 1 and form.money_yuan > 0


def test_forms_differ_where_the_notice_and_law_say_they_do():
    forms = F.FORMS
    assert forms["online"].online and forms["online"].hours < min(
        f.hours for f in forms.values() if not f.online
    )
    assert forms["online"].structure == "threads"
    assert forms["owners"].invite == "owners"
    assert forms["villagers_meeting"].deciding == "villagers_meeting"
    assert forms["villagers_meeting"].settings == ("village",)
    assert forms["residents_meeting"].settings == ("community",)
    assert forms["representatives_meeting"].invite == "representatives"
    assert forms["hearing"].built_in_turn_taking and forms["hearing"].conclude == "opinion"
    assert {f.conclude for f in forms.values()} == {"consensus", "majority", "opinion"}
    assert {f.structure for f in forms.values()} == {
        "plenary",
        "small_groups",
        "threads",
        "seated",
        "hearing",
    }


def test_facilitated_turns_give_every_group_present_a_turn():
    rng = np.random.default_rng(0)
    voice = np.r_[np.full(5, 9.0), np.ones(95)]  # five loud voices in group 0
    group = np.r_[np.zeros(50, int), np.ones(45, int), np.full(5, 2)]
    form = F.FORMS["residents_meeting"]  # 25 turns
    s = K.speakers(form, voice, group, facilitated=True, rng=rng)
    assert s.sum() <= form.turns
    assert set(np.unique(group[s])) == {0, 1, 2}


def test_unfacilitated_turns_go_to_high_voices():
    rng = np.random.default_rng(1)
    voice = np.r_[np.full(10, 3.0), np.ones(190)]
    group = np.zeros(200, int)
    form = F.FORMS["villagers_meeting"]
    share = np.mean([K.speakers(form, voice, group, False, rng)[:10].mean() for _ in range(200)])
    # weights ∝ voice²: 9 vs 1, so a loud voice speaks far more often than its 5 % share
    assert share > 0.5


def test_broadcast_round_closed_neighbourhood_and_anchor():
    x = np.array([0.0, 0.5, 1.0])
    speaking = np.array([False, True, False])
    out = K.broadcast_round(
        x, x, speaking, np.ones(3), epsilon=0.5, susceptibility=np.ones(3), self_weight=1.0
    )
    # both listeners sit exactly ε away: inside the closed neighbourhood, they move halfway
    assert out == pytest.approx([0.25, 0.5, 0.75])
    out = K.broadcast_round(
        x, x, speaking, np.ones(3), epsilon=0.49, susceptibility=np.ones(3), self_weight=1.0
    )
    assert out == pytest.approx(x)
    anchored = K.broadcast_round(x, x, speaking, np.ones(3), 0.5, np.zeros(3), 1.0)
    assert anchored == pytest.approx(x)


def test_seated_weights_are_row_stochastic_and_bounded():
    x = np.array([-1.0, -0.9, 0.9, 1.0])
    w = K.seated_weights(x, np.array([1.0, 2.0, 1.0, 1.0]), epsilon=0.2, self_weight=1.0)
    assert w.sum(axis=1) == pytest.approx(np.ones(4))
    assert w[0, 2] == 0 and w[0, 1] == pytest.approx(2 / 3)


def test_support_share_ignores_abstainers():
    x = np.array([0.5, 0.4, -0.3, 0.01])
    assert C.support_share(x, np.ones(4), abstain=0.05) == pytest.approx(2 / 3)
    assert C.support_share(np.zeros(3), np.ones(3), 0.05) == 0.5


@pytest.mark.parametrize(
    ("conclude", "share", "expected"),
    [
        ("majority", 0.8, "consensus"),  # exactly the consensus share
        ("majority", 0.7999, "majority"),
        ("majority", 0.6, "majority"),  # exactly 0.5 + band
        ("majority", 0.5999, "disputed"),
        ("majority", 0.2, "consensus"),  # consensus against
        ("consensus", 0.7, "majority"),
        ("consensus", 0.6999, "disputed"),
        ("opinion", 0.45, "disputed"),
    ],
)
def test_conclusion_boundaries(conclude, share, expected):
    form = F.Form(
        name="x",
        clause="§3",
        invite="open",
        structure="plenary",
        conclude=conclude,
        hours=1.0,
        daytime=False,
    )
    assert C.conclusion(form, share, consensus_share=0.8, dispute_band=0.1) == expected


def test_online_is_impossible_without_digital_access():
    m = ConsultationModel("village_road", form="online", rng=3)
    m.run()
    assert m.attended.any()
    assert not (m.attended & ~m.pop.digital).any()


def test_owners_consultation_invites_owners_only():
    m = ConsultationModel("elevator_retrofit", form="owners", rng=4)
    m.run()
    assert (~m.pop.owner).any()
    assert not (m.invited & ~m.pop.owner).any()
    assert not (m.attended & ~m.pop.owner).any()


def test_delegate_bodies_seat_a_few_per_invited_group():
    m = ConsultationModel("elevator_retrofit", form="council", rng=5)
    m.run()
    per_group = np.bincount(m.pop.group[m.invited], minlength=3)
    assert per_group.tolist() == [F.FORMS["council"].seats_per_group] * 3


def test_a_hearing_is_public_but_only_its_delegates_testify():
    m = ConsultationModel("elevator_retrofit", form="hearing", rng=5)
    m.run()
    per_group = np.bincount(m.pop.group[m.delegates], minlength=3)
    assert per_group.tolist() == [F.FORMS["hearing"].seats_per_group] * 3
    assert m.invited.sum() > m.delegates.sum()  # the public may come and listen
    assert (m.attended & ~m.delegates).any()
    assert not (m.spoke & ~m.delegates).any()  # … but the audience does not take the floor


def test_representatives_meeting_seats_representatives_only():
    m = ConsultationModel("village_road", form="representatives_meeting", rng=6)
    m.run()
    assert not m.attended.any()
    assert m.trace.assembly["kind"] == "representatives_meeting"
    assert m.trace.assembly["members"] == 60


def test_each_form_runs_in_a_scenario_of_its_setting():
    for name in ("elevator_retrofit", "village_road"):
        from xsim.sim.scenario import load_scenario

        s = load_scenario(name)
        usable = [f for f, form in F.FORMS.items() if s.setting in form.settings]
        s = s.with_overrides({"forms": usable})
        for form in usable:
            out = ConsultationModel(s, form=form, rng=0).run()
            assert out.form == form
            assert out.consultation_outcome in ("consensus", "majority", "disputed")
