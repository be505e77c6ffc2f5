"""Shared by the capstone tests: the options, the rubric and a lawful, well-made plan."""

from __future__ import annotations

from xsim.sim.model import ConsultationModel
from xsim.sim.scenario import load_scenario
from xsim.teaching.capstone.plan import NO_MEETING, Plan, load_options
from xsim.teaching.capstone.scoring import load_rubric

OPTIONS = load_options("09")
RUBRIC = load_rubric(lesson="09")
TITLES = OPTIONS.document_titles()
TEXTS = {
    k: "本议题由群众多次反映提出，经两委研究，拟定初步方案如下，请大家讨论提出意见。"
    for k in TITLES
}
SEED = 2


def default_meeting(name: str, seed: int = SEED) -> str:
    """The deciding meeting the kit's own organizer takes the matter to (none if it needs none)."""
    model = ConsultationModel(name, rng=seed)
    model.run()
    return model.record.assembly.kind if model.record.assembly is not None else NO_MEETING


def good_plan(name: str, seed: int = SEED) -> Plan:
    """A lawful, well-made plan: everyone invited, enough notice, the deciding meeting the law
    requires, explanations, publicity and feedback, the four texts written."""
    s = load_scenario(name)
    return Plan(
        lead=s.lead,
        solicit=0,
        groups=tuple(g.id for g in s.stakeholder_groups),
        experts=True,
        respected=True,
        form=s.default_form,
        notice_days=10,
        notice_channels=("bulletin", "wechat", "door_to_door", "broadcast"),
        facilitated=0,
        deciding_meeting=default_meeting(name, seed),
        meeting_notice_days=15,
        amend=2,
        publicity_channels=("bulletin", "wechat", "door_to_door"),
        publicize_days=7,
        feedback_to=("subjects", "stakeholders", "residents"),
        subsidy=2,
        texts=dict(TEXTS),
    )
