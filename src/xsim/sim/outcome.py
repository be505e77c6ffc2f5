"""Per-run outcome measures: who took part, how representative, what was concluded, at what cost.

:class:`Outcome` holds the measures of one run; ``to_dict()`` flattens them into one JSON-ready
row (``participation.<group>``, ``fairness.<group>`` …) for DataFrames. All measures are array
operations on a finished run's state (:class:`xsim.sim.run_state.RunState`), never on the model; the
rules engine's judgement of the run's record (findings per code, violations, warnings) is apart,
in :class:`xsim.sim.verdict.Verdict`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from xsim.sim.fairness import complaints, perceived_fairness
from xsim.sim.population import AGE_BANDS
from xsim.sim.talk.polarization import bimodality_polarization

if TYPE_CHECKING:  # pragma: no cover
    from xsim.sim.run_state import RunState

ORGANIZER_STAFF = 4  # people organizing on the committee's behalf (ASSUMPTION, for subsidies)


@dataclass
class Outcome:
    scenario: str
    form: str
    residents: int
    households: int
    invited: int
    attended: int
    participation: float  # took part in person or through a representative present / adults
    participation_by: dict[
        str, float | None
    ]  # per category (None: nobody in it): attended / adults of that category
    informed_in_time: float  # adults who learned of it in time to arrange to come
    representativeness_groups: float  # total-variation distance attendees vs. adults (groups)
    representativeness_demographic: float  # … over age × registered × owner cells
    representativeness_stake: float  # … attendees vs. stake-weighted adults (groups)
    voice_dominance: float  # high-status share of speakers / their share of voices present
    opinion_before: float  # mean opinion of those present on arrival (before briefing and talk)
    opinion_after: float  # … after deliberation
    opinion_change: float  # mean |change| of those present
    opinion_change_p: float | None  # paired t-test over the people present, after vs on arrival
    opinion_spread_before: float  # standard deviation of opinions present, before talk
    opinion_spread_after: float  # … after talk (same voices)
    polarization: float  # bimodality of the opinions present after talk (0..1)
    knowledge_before: float | None  # mean knowledge of the residents present, before the briefing
    knowledge_briefed: float | None  # … after the briefing, before the talk
    knowledge_after: float | None  # … after the briefing and the talk (None: no resident present)
    knowledge_gain_schooling_gap: (
        float | None
    )  # gain, secondary schooling − below (xsim.sim.schooling)
    rooms_spread_fell: float | None  # share of discussion rooms whose opinion sd fell
    rooms_toward_high_status: float | None  # … whose mean moved toward high-status members'
    rooms_away_from_neutral: float | None  # … whose mean moved further from 0
    # the same, as the poll's questionnaires on arrival and at the end record them
    surveyed_change_p: float | None
    surveyed_rooms_spread_fell: float | None
    surveyed_rooms_toward_high_status: float | None
    surveyed_rooms_away_from_neutral: float | None
    support: float  # share for the proposal among those taking a side
    consultation_outcome: str  # consensus | majority | disputed
    consensus: bool
    escalated: bool
    decided: bool  # a decision was taken: by a deciding meeting, or an undisputed consultation
    assembly_kind: str
    quorum_margin: float | None  # the deciding meeting's turnout above (+) / below (−) its quorum
    majority_margin: float | None  # … its yes votes above / below the majority it needs
    adopted: bool  # adopted lawfully
    adopted_unlawfully: bool  # the body said yes, but the decision is void or revocable in law
    implemented: bool
    days_to_decision: int
    result_informed: float  # adults told the result (publicity, feedback, explanations)
    fairness: float  # mean perceived fairness of adults, 0..1
    fairness_by: dict[str, float | None]
    complaints: float  # adults likely to complain later: lost, unheard, not explained to
    decision_quality: float  # 1 − |decision − merit| / 2, decision +1 adopted / −1 not
    person_hours: float
    money_yuan: float
    subsidies_yuan: float
    supervision_noticed: int
    voice_share: dict[str, float | None] = field(default_factory=dict)  # per category: its share
    # of the residents present who spoke (None: no resident spoke)
    opinion_by: dict[str, float | None] = field(default_factory=dict)  # per category: mean final
    # opinion of its adults (present or not)
    amended_for: dict[str, bool] = field(default_factory=dict)  # per group: the plan was amended
    attendance_share: dict[str, float | None] = field(default_factory=dict)  # per category: its
    # share of the residents present (None: no resident present)

    def to_dict(self) -> dict[str, Any]:
        """One flat JSON-ready row: nested measures become ``name.key`` columns."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, dict):
                prefix = {
                    "participation_by": "participation",
                    "fairness_by": "fairness",
                    "opinion_by": "final_opinion",
                    "amended_for": "amended",
                }.get(key, key)
                for sub, v in value.items():
                    out[f"{prefix}.{sub}"] = v
            else:
                out[key] = value
        return out


def categories(state: RunState) -> dict[str, np.ndarray]:
    """Boolean masks of the adults in each reporting category."""
    pop = state.pop
    out = {
        "registered": pop.registered,
        "nonregistered": ~pop.registered,
        "female": pop.female,
        "male": ~pop.female,
        "owner": pop.owner,
        "tenant": ~pop.owner,
        "stake_pos": pop.stake > 0,
        "stake_neg": pop.stake < 0,
        "digital": pop.digital,
        "nodigital": ~pop.digital,
    }
    for k, band in enumerate(AGE_BANDS):
        out[f"age_{band}"] = pop.age == k
    for k, gid in enumerate(state.spec.group_ids):
        out[f"group.{gid}"] = pop.group == k
    return out


def _rate(mask: np.ndarray, values: np.ndarray) -> float | None:
    n = int(mask.sum())
    return float(values[mask].mean()) if n else None


def present_shares(state: RunState) -> tuple[dict, dict]:
    """Per reporting category: its share of the residents who spoke and of those present.

    Read from the voices of the deliberation (``trace.voices["resident"]`` ≥ 0 are residents in the
    room; ``trace.speaking`` who took the floor), so the shares follow what agents did: who came and
    who claimed a turn. Representatives, organizations and experts are not residents and count in
    neither. ``voice_share.female / attendance_share.female`` < 1 means women spoke less than their
    numbers in the room (Karpowitz, Mendelberg & Shaker 2012).
    """
    v, speaking = state.trace.voices, state.trace.speaking
    if not v or speaking.size == 0:
        return {}, {}
    resident = v["resident"]
    present = resident[resident >= 0]
    spoke = resident[(resident >= 0) & speaking]
    cats = categories(state)
    voice, attendance = {}, {}
    for name in ("female", "male", "owner", "tenant", "registered", "nonregistered"):
        mask = cats[name]
        voice[name] = float(mask[spoke].mean()) if spoke.size else None
        attendance[name] = float(mask[present].mean()) if present.size else None
    return voice, attendance


def total_variation(p: np.ndarray, q: np.ndarray) -> float:
    """TV distance between two compositions given as non-negative weights per cell."""
    if p.sum() == 0 or q.sum() == 0:
        return 1.0
    return float(0.5 * np.abs(p / p.sum() - q / q.sum()).sum())


def took_part(state: RunState) -> np.ndarray:
    """Adults who took part in person or through a representative present (a seated body speaks
    for the households that chose its members)."""
    out = state.attended.copy()
    if state.form.with_representatives:
        block = np.zeros(state.pop.n_households, dtype=bool)
        for households, here in zip(state.rep_households, state.trace.reps_present, strict=True):
            if here:
                block[households] = True
        out |= block[state.pop.household]
    return out


def paired_change_p(before: np.ndarray, after: np.ndarray) -> float | None:
    """p value of the paired t-test of ``after`` vs ``before`` (one value per person): how a
    deliberative poll decides that an index changed — over its participants' pre/post answers, not
    over repeated polls. ``None`` with fewer than two people."""
    if before.size < 2:
        return None
    d = after - before
    if np.ptp(d) == 0.0:  # every change the same: certain (none, or all alike)
        return 1.0 if d[0] == 0.0 else 0.0
    from scipy.stats import ttest_rel

    return float(ttest_rel(after, before).pvalue)


def _people_present(state: RunState) -> np.ndarray | None:
    v = state.trace.voices
    return ((v["resident"] >= 0) | (v["rep"] >= 0)) if v else None


def net_change_p(state: RunState) -> float | None:
    """:func:`paired_change_p` of the opinions of the residents and representatives present, after
    talk vs on arrival."""
    people = _people_present(state)
    if people is None:
        return None
    return paired_change_p(state.trace.arrival[people], state.trace.final[people])


def surveyed_change_p(state: RunState) -> float | None:
    """:func:`paired_change_p` of the same people's answers to the two questionnaires."""
    trace, people = state.trace, _people_present(state)
    if people is None or trace.answers_before.size != people.size:
        return None
    return paired_change_p(trace.answers_before[people], trace.answers_after[people])


ROOM_MEASURES = ("spread_fell", "toward_high_status", "away_from_neutral")


def room_shares(
    before: np.ndarray, after: np.ndarray, rooms: np.ndarray, status: np.ndarray
) -> dict[str, float | None]:
    """Per discussion room with at least two people: the shares of rooms whose sd fell, whose mean
    moved toward the high-status members' ``before`` mean (rooms with high-status and other
    members) and whose mean moved further from neutral (0; rooms whose mean was exactly neutral
    are left out, as Luskin et al. 2022 do). Equal values count as no move. ``None`` when no room
    qualifies."""
    fell, toward, away = [], [], []
    for room in np.unique(rooms):
        here = rooms == room
        if here.sum() < 2:
            continue
        x0, x1 = before[here], after[here]
        fell.append(x1.std() < x0.std() - 1e-12)
        if abs(x0.mean()) > 1e-12:
            away.append(abs(x1.mean()) > abs(x0.mean()) + 1e-12)
        high = status[here]
        if high.any() and not high.all():
            target = x0[high].mean()
            toward.append(abs(x1.mean() - target) < abs(x0.mean() - target) - 1e-12)
    share = lambda xs: float(np.mean(xs)) if xs else None  # noqa: E731
    return dict(zip(ROOM_MEASURES, (share(fell), share(toward), share(away)), strict=True))


def room_changes(state: RunState) -> dict[str, float | None]:
    """The residents' opinions per discussion room (a table, a hall) through talk
    (:func:`room_shares` of the opinions before and after talk: ``rooms_*``), and their answers to
    the poll's questionnaires on arrival and at the end (``surveyed_rooms_*``)."""
    trace = state.trace
    v = trace.voices
    out: dict[str, float | None] = {
        f"{prefix}rooms_{m}": None for prefix in ("", "surveyed_") for m in ROOM_MEASURES
    }
    if not v or trace.rooms.size == 0:
        return out
    resident = v["resident"] >= 0
    rooms, status = trace.rooms[resident], v["status"][resident]
    for m, value in room_shares(
        trace.initial[resident], trace.final[resident], rooms, status
    ).items():
        out[f"rooms_{m}"] = value
    if trace.answers_before.size == resident.size:
        answers = trace.answers_before[resident], trace.answers_after[resident]
        for m, value in room_shares(*answers, rooms, status).items():
            out[f"surveyed_rooms_{m}"] = value
    return out


def measure(state: RunState) -> Outcome:
    """The measures of a finished run (the rules engine's verdict is apart: :mod:`xsim.sim.verdict`)."""
    pop, trace, form, b = state.pop, state.trace, state.form, state.behaviour
    att = took_part(state)
    cats = categories(state)
    n_groups = len(state.spec.group_ids)
    cell = pop.group * 0 + (pop.age * 2 + pop.registered) * 2 + pop.owner
    v = trace.voices
    present = trace.final
    status = v["status"] if v else np.zeros(0, dtype=bool)
    speaking_high = status[trace.speaking].mean() if trace.speaking.any() else 0.0
    present_high = status.mean() if status.size else 0.0
    fair = perceived_fairness(state)
    voice_share, attendance_share = present_shares(state)
    days = trace.day.get("decided", trace.day.get("consulted", 0.0))
    reps = int(trace.reps_present.sum())
    assembly = trace.assembly or {}
    doors = 0
    for chans in (state.choices.notice_channels, state.choices.publicity_channels):
        doors += pop.n_households * ("door_to_door" in chans)
    hours = (
        (int(state.attended.sum()) + reps + len(state.organizations) + len(state.experts))
        * form.hours
        + (assembly.get("present", 0) * 2.5 if trace.escalated else 0.0)
        + doors * b.door_hours
        + trace.explained * b.explain_hours
    )
    subsidy = state.choices.subsidies
    meeting_days = form.duration_days + (1 if trace.escalated else 0)
    subsidies_yuan = (
        ORGANIZER_STAFF * meeting_days * subsidy.yuan_per_person_day if subsidy.paid else 0.0
    )
    money = (
        form.money_yuan
        + b.expert_fee_yuan * len(state.experts)
        + (1500.0 if trace.escalated else 0.0)
        + subsidies_yuan
    )
    return Outcome(
        scenario=state.spec.name,
        form=form.name,
        residents=int(pop.n),
        households=int(pop.n_households),
        invited=int(state.invited.sum()),
        attended=int(state.attended.sum()),
        participation=float(att.mean()) if pop.n else 0.0,
        participation_by={k: _rate(m, att) for k, m in cats.items()},
        informed_in_time=float(trace.informed_in_time),
        representativeness_groups=total_variation(
            np.bincount(pop.group[att], minlength=n_groups).astype(float),
            np.bincount(pop.group, minlength=n_groups).astype(float),
        ),
        representativeness_demographic=total_variation(
            np.bincount(cell[att], minlength=12).astype(float),
            np.bincount(cell, minlength=12).astype(float),
        ),
        representativeness_stake=total_variation(
            np.bincount(pop.group[att], minlength=n_groups).astype(float),
            np.bincount(pop.group, weights=np.abs(pop.stake), minlength=n_groups),
        ),
        voice_dominance=float(speaking_high / present_high) if present_high > 0 else 1.0,
        opinion_before=float(trace.arrival.mean()) if trace.arrival.size else 0.0,
        opinion_after=float(present.mean()) if present.size else 0.0,
        opinion_change=float(np.abs(present - trace.initial).mean()) if present.size else 0.0,
        opinion_change_p=net_change_p(state),
        surveyed_change_p=surveyed_change_p(state),
        opinion_spread_before=float(trace.initial.std()) if trace.initial.size else 0.0,
        opinion_spread_after=float(present.std()) if present.size else 0.0,
        polarization=bimodality_polarization(present),
        knowledge_before=trace.knowledge_before,
        knowledge_briefed=trace.knowledge_briefed,
        knowledge_after=trace.knowledge_after,
        knowledge_gain_schooling_gap=trace.knowledge_gain_schooling_gap,
        **room_changes(state),
        support=float(trace.share_for),
        consultation_outcome=trace.outcome,
        consensus=trace.outcome == "consensus",
        escalated=bool(trace.escalated),
        decided=bool(trace.quorum)
        if trace.assembly is not None
        else (trace.outcome != "disputed" and not trace.void),
        assembly_kind=str(assembly.get("kind", "")),
        quorum_margin=trace.quorum_margin,
        majority_margin=trace.majority_margin,
        adopted=bool(trace.adopted),
        adopted_unlawfully=bool(trace.adopted_unlawfully),
        implemented="implemented" in trace.day,
        days_to_decision=int(days),
        result_informed=float(state.told_result.mean()) if pop.n else 0.0,
        fairness=float(fair.mean()) if pop.n else 0.0,
        fairness_by={k: _rate(m, fair) for k, m in cats.items()},
        complaints=float(complaints(state).mean()) if pop.n else 0.0,
        decision_quality=1.0 - abs((1.0 if trace.in_force else -1.0) - state.spec.topic.merit) / 2,
        person_hours=round(float(hours), 2),
        money_yuan=round(float(money), 2),
        subsidies_yuan=round(float(subsidies_yuan), 2),
        supervision_noticed=int(trace.noticed),
        voice_share=voice_share,
        opinion_by={k: _rate(m, pop.opinion) for k, m in cats.items()},
        amended_for={
            f"group.{gid}": bool(state.amended[k]) for k, gid in enumerate(state.spec.group_ids)
        },
        attendance_share=attendance_share,
    )
