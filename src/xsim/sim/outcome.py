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

from xsim.sim.population import AGE_BANDS
from xsim.sim.talk.polarization import two_camp_polarization

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
    informed_in_time: float  # invited adults who knew at least a day ahead
    representativeness_groups: float  # total-variation distance attendees vs. adults (groups)
    representativeness_demographic: float  # … over age × registered × owner cells
    representativeness_stake: float  # … attendees vs. stake-weighted adults (groups)
    voice_dominance: float  # high-status share of speakers / their share of voices present
    opinion_before: float  # mean opinion of those present, before
    opinion_after: float  # … after deliberation
    opinion_change: float  # mean |change| of those present
    opinion_spread: float  # standard deviation of opinions present, after
    opinion_spread_before: float  # … before deliberation (same voices)
    polarization: float  # two-camp polarization of opinions present, after (0..1)
    support: float  # share for the proposal among those taking a side
    consultation_outcome: str  # consensus | majority | disputed
    consensus: bool
    escalated: bool
    decided: bool  # a decision was taken: by a deciding meeting, or an undisputed consultation
    assembly_kind: str
    adopted: bool
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
    attendance_share: dict[str, float | None] = field(default_factory=dict)  # per category: its
    # share of the residents present (None: no resident present)

    def to_dict(self) -> dict[str, Any]:
        """One flat JSON-ready row: nested measures become ``name.key`` columns."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, dict):
                prefix = {"participation_by": "participation", "fairness_by": "fairness"}.get(
                    key, key
                )
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


#: Weights of the components of perceived procedural fairness (ASSUMPTION; the components are
#: those of procedural-justice research: voice, consideration, neutrality and respect, information,
#: explanation — Thibaut & Walker 1975, Lind & Tyler 1988, Tyler 1990 — plus outcome favourability).
FAIRNESS_WEIGHTS = {
    "voice": 0.2,
    "consideration": 0.15,
    "neutrality": 0.15,
    "represented": 0.1,
    "information": 0.15,
    "explanation": 0.1,
    "outcome": 0.15,
}


def lost(state: RunState) -> np.ndarray:
    """Adults whose view is opposite to the decision (beyond the abstention band)."""
    side = 1.0 if state.trace.adopted else -1.0
    return side * state.pop.opinion < -state.behaviour.abstain


def fairness_components(state: RunState) -> dict[str, np.ndarray]:
    """Per adult, each component of perceived fairness in 0..1 (see ``FAIRNESS_WEIGHTS``)."""
    pop, trace = state.pop, state.trace
    invited_group = state.group_invited[pop.group]
    had_voice = state.heard | state.spoke | state.represented
    moderated = state.choices.facilitated or state.form.built_in_turn_taking
    took_part = state.attended | state.represented
    result = 1.0 if trace.adopted else -1.0
    lose = lost(state)
    side_won = ~lose
    return {
        "voice": np.where(had_voice, 1.0, np.where(state.invited, 0.3, 0.0)),
        "consideration": (state.amended[pop.group] | (side_won & had_voice)).astype(float),
        "neutrality": np.where(
            took_part, 1.0 if moderated else 0.4, np.where(invited_group, 0.5, 0.0)
        ),
        "represented": (took_part | _group_seated(state)[pop.group]).astype(float),
        "information": state.told_result.astype(float),
        "explanation": (~lose | state.explained).astype(float),
        "outcome": 1.0 - np.abs(result - pop.opinion) / 2.0,
    }


def _group_seated(state: RunState) -> np.ndarray:
    """Per stakeholder group: someone of the group (resident or representative) was present."""
    n_g = len(state.spec.group_ids)
    seated = np.bincount(state.pop.group[state.attended], minlength=n_g) > 0
    seated[state.rep_groups[state.trace.reps_present]] = True
    return seated


def perceived_fairness(state: RunState) -> np.ndarray:
    """Per adult, 0..1: the weighted procedural-justice components of what happened to them."""
    parts = fairness_components(state)
    return sum(FAIRNESS_WEIGHTS[k] * parts[k] for k in FAIRNESS_WEIGHTS)


def complaints(state: RunState) -> np.ndarray:
    """Adults likely to complain later (信访, petitions): they lost, had no voice (neither heard nor
    represented), were not explained to, and have a real stake (|stake| ≥ 0.3). ASSUMPTION after
    Tyler (1990): people accept losing after a fair hearing."""
    voice = state.heard | state.spoke | state.represented
    return lost(state) & ~voice & ~state.explained & (np.abs(state.pop.stake) >= 0.3)


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
        opinion_before=float(trace.initial.mean()) if trace.initial.size else 0.0,
        opinion_after=float(present.mean()) if present.size else 0.0,
        opinion_change=float(np.abs(present - trace.initial).mean()) if present.size else 0.0,
        opinion_spread=float(present.std()) if present.size else 0.0,
        opinion_spread_before=float(trace.initial.std()) if trace.initial.size else 0.0,
        polarization=two_camp_polarization(present) if present.size else 0.0,
        support=float(trace.share_for),
        consultation_outcome=trace.outcome,
        consensus=trace.outcome == "consensus",
        escalated=bool(trace.escalated),
        decided=bool(trace.quorum)
        if trace.assembly is not None
        else (trace.outcome != "disputed" and not trace.void),
        assembly_kind=str(assembly.get("kind", "")),
        adopted=bool(trace.adopted),
        implemented="implemented" in trace.day,
        days_to_decision=int(days),
        result_informed=float(state.told_result.mean()) if pop.n else 0.0,
        fairness=float(fair.mean()) if pop.n else 0.0,
        fairness_by={k: _rate(m, fair) for k, m in cats.items()},
        complaints=float(complaints(state).mean()) if pop.n else 0.0,
        decision_quality=1.0 - abs((1.0 if trace.adopted else -1.0) - state.spec.topic.merit) / 2,
        person_hours=round(float(hours), 2),
        money_yuan=round(float(money), 2),
        subsidies_yuan=round(float(subsidies_yuan), 2),
        supervision_noticed=int(trace.noticed),
        voice_share=voice_share,
        attendance_share=attendance_share,
    )
