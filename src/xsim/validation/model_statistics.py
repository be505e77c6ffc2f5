"""Statistics of the consultation model across the bundled scenarios (deliberation, attendance,
speaking, online platforms, villagers' meetings). Each reads the rows of studies made by
:func:`xsim.validation.runs.model_runs` (common random numbers, seeds from ``seed``)."""

from __future__ import annotations

import numpy as np

from xsim.sim.schooling import REFERENCE_BELOW_SECONDARY
from xsim.validation.registry import Estimate, mean_of, missing, statistic
from xsim.validation.runs import has, model_runs, reps, scenarios

#: scenario age bands scored at these ages (years) for the age gap (18–39, 40–59, 60+; assumption)
AGE_BAND_YEARS = {"young": 28.5, "middle": 49.5, "old": 70.0}


#: the significance level of the polls' paired tests
NET_CHANGE_ALPHA = 0.05
#: the nine national polls had 238–347 participants each; a sample of 300 is about their size
POLL_SAMPLE = 300


#: The schooling of the 15 face-to-face polls among C-DP-KNOWLEDGE's 17 with schooling data, means
#: over polls (soodoku/dp-learning ``tabs/knowledge_gaps_by_poll.csv``): share below secondary
#: completion, and how much more of the quiz those with secondary schooling or more answered
#: correctly on arrival (0.016 … 0.283).
POLLS_SCHOOLING = {"below_secondary": REFERENCE_BELOW_SECONDARY, "knowledge_gap": 0.123}


def poll_overrides(scenario) -> dict:
    """The overrides that put ``scenario``'s matter to a deliberative poll: a random sample of
    :data:`POLL_SAMPLE` adults of every group, moderated small groups, experts present."""
    return {
        "forms": [*scenario.forms, "deliberative_poll"],
        "organizer.sample_size": POLL_SAMPLE,
        "organizer.experts": True,
        "organizer.invite_groups": "all",
    }


def poll_of_each_matter(fast: bool, seed: int, schooling: dict | None = None):
    """Per bundled scenario, the rows of its matter put to a deliberative poll (the form
    ``deliberative_poll``: a random sample of :data:`POLL_SAMPLE` adults of every group, moderated
    small groups, experts present): the polls of other places and matters the Deliberative Poll
    literature pools. Zeguo is not among them (a validation case, not a teaching scenario).
    ``schooling`` gives the sampled adults a schooling mix (``population.schooling``)."""
    for sc in scenarios():
        poll = poll_overrides(sc)
        if schooling is not None:
            poll["population.schooling"] = schooling
        yield sc, model_runs(sc.name, ["deliberative_poll"], reps(fast), seed, poll)


@statistic("net_opinion_change_share")
def net_opinion_change_share(fast: bool, seed: int) -> Estimate:
    """Share of runs in which the participants' opinions changed significantly when each bundled
    scenario's matter is put to a deliberative poll (the form ``deliberative_poll``: a random
    sample of 300 adults, moderated small groups, expert plenaries; every run is one poll on one
    index), tested as the Deliberative Polls test it: a paired t-test over the people present of
    their answers to the 0–10 questionnaire on arrival and at the end (the measure
    ``surveyed_change_p`` < 0.05; answers carry response error, xsim.sim.questionnaire)."""
    hits = []
    for _, rows in poll_of_each_matter(fast, seed):
        if not has(rows, "surveyed_change_p"):
            return missing("the model does not produce the measure 'surveyed_change_p'")
        p = rows["surveyed_change_p"].dropna().to_numpy(float)
        hits.extend((p < NET_CHANGE_ALPHA).astype(float))
    return mean_of(hits, seed)


@statistic("poll_knowledge_gap_closed")
def poll_knowledge_gap_closed(fast: bool, seed: int) -> Estimate:
    """Share of the knowledge gap the participants closed when each bundled scenario's matter is
    put to a deliberative poll (the runs of ``net_opinion_change_share``): (knowledge after −
    knowledge before) / (1 − knowledge before) of the residents present, per run — computed from
    the means, as the polls' (share correct after − before) / (1 − share correct before)."""
    shares = []
    for _, rows in poll_of_each_matter(fast, seed):
        if not (has(rows, "knowledge_before") and has(rows, "knowledge_after")):
            return missing("the model does not produce 'knowledge_before' and 'knowledge_after'")
        before = rows["knowledge_before"].to_numpy(float)
        after = rows["knowledge_after"].to_numpy(float)
        ok = np.isfinite(before) & np.isfinite(after) & (before < 1.0)
        shares.extend((after[ok] - before[ok]) / (1.0 - before[ok]))
    return mean_of(shares, seed)


@statistic("poll_knowledge_gain_schooling_gap")
def poll_knowledge_gain_schooling_gap(fast: bool, seed: int) -> Estimate:
    """How much more those with secondary schooling or more learned than those below secondary
    completion when each bundled scenario's matter is put to a deliberative poll whose sample has
    the polls' schooling (:data:`POLLS_SCHOOLING`): the measure ``knowledge_gain_schooling_gap``
    (mean gain of the one minus the other, 0..1 knowledge), per run."""
    gaps = []
    for _, rows in poll_of_each_matter(fast, seed, POLLS_SCHOOLING):
        if not has(rows, "knowledge_gain_schooling_gap"):
            return missing("the model does not produce 'knowledge_gain_schooling_gap'")
        gaps.extend(rows["knowledge_gain_schooling_gap"].dropna().to_numpy(float))
    return mean_of(gaps, seed)


@statistic("poll_talk_learning_share")
def poll_talk_learning_share(fast: bool, seed: int) -> Estimate:
    """Talk's share of a poll's learning, in the runs of ``poll_knowledge_gap_closed``: (knowledge
    after the talk − after the briefing) / (knowledge after the talk − before the briefing) of the
    residents present, per run in which they learned anything — the discussion's part of what a
    participant learned, the rest being the experts' briefing."""
    shares = []
    for _, rows in poll_of_each_matter(fast, seed):
        needed = ("knowledge_before", "knowledge_briefed", "knowledge_after")
        if not all(has(rows, m) for m in needed):
            return missing("the model does not produce 'knowledge_briefed'")
        before, briefed, after = (rows[m].to_numpy(float) for m in needed)
        gain = after - before
        ok = np.isfinite(gain) & np.isfinite(briefed) & (gain > 0)
        shares.extend((after[ok] - briefed[ok]) / gain[ok])
    return mean_of(shares, seed)


@statistic("like_minded_pole_share")
def like_minded_pole_share(fast: bool, seed: int) -> Estimate:
    """Share of runs in which a like-minded room moved toward its pole: every stakeholder group of
    village_square leans the same way (opinion mean +0.4, sd 0.2) and meets in a council; a run
    counts when the mean opinion of those present is further from 0 after talk than before."""
    from xsim.sim.scenario import load_scenario

    overrides = {}
    for g in load_scenario("village_square").stakeholder_groups:
        overrides[f"stakeholder_groups.{g.id}.opinion.mean"] = 0.4
        overrides[f"stakeholder_groups.{g.id}.opinion.sd"] = 0.2
    rows = model_runs("village_square", ["council"], reps(fast), seed, overrides)
    moved = rows["opinion_after"].abs() > rows["opinion_before"].abs()
    return mean_of(moved.to_numpy(float), seed)


def _poll_rooms(fast: bool, seed: int, measure: str) -> Estimate:
    values = []
    for _, rows in poll_of_each_matter(fast, seed):
        if not has(rows, measure):
            return missing(f"the model does not produce the measure '{measure}'")
        values.extend(rows[measure].dropna().to_numpy(float))
    return mean_of(values, seed)


@statistic("pooled_rooms_spread_fell")
def pooled_rooms_spread_fell(fast: bool, seed: int) -> Estimate:
    """Share of a deliberative poll's moderated small groups whose answers were less spread at the
    end than on arrival, each bundled scenario's matter put to a deliberative poll (the runs of
    ``net_opinion_change_share``), as Luskin et al. count it over the groups × indices of their
    polls: the mean of the measure ``surveyed_rooms_spread_fell``."""
    return _poll_rooms(fast, seed, "surveyed_rooms_spread_fell")


@statistic("pooled_rooms_away_from_neutral")
def pooled_rooms_away_from_neutral(fast: bool, seed: int) -> Estimate:
    """Share of the same polls' small groups whose mean answer moved further from the scale's
    midpoint: the mean of the measure ``surveyed_rooms_away_from_neutral``."""
    return _poll_rooms(fast, seed, "surveyed_rooms_away_from_neutral")


#: women's share of the population giving women one in five of those present at village_road's
#: villagers' meeting (0.201 over 30 runs; women attend less, ``female_offset``), the composition of
#: the experiment's groups the figure is for (one woman of five)
ONE_WOMAN_IN_FIVE = 0.22


@statistic("women_floor_ratio_majority_rule")
def women_floor_ratio_majority_rule(fast: bool, seed: int) -> Estimate:
    """The average woman's share of the floor over the average man's, in an unmoderated villagers'
    meeting of village_road decided by majority with women one in five of those present (population
    ``female_share`` 0.22; no moderator, as in the experiment's groups): per run, the women's share
    of the residents present who took a turn per woman present over the men's per man present —
    (``voice_share.female`` / ``attendance_share.female``) / ((1 − ``voice_share.female``) / (1 −
    ``attendance_share.female``)); 1 = a woman has the floor as often as a man. The floor is the
    meeting's turns (each speaker one turn), as talk time is the floor in the experiment."""
    overrides = {"organizer.facilitated": False, "population.female_share": ONE_WOMAN_IN_FIVE}
    rows = model_runs("village_road", ["villagers_meeting"], reps(fast), seed, overrides)
    for measure in ("voice_share.female", "attendance_share.female"):
        if not has(rows, measure):
            return missing(f"the model does not produce the measure '{measure}'")
    spoke = rows["voice_share.female"].to_numpy(float)
    present = rows["attendance_share.female"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (spoke / present) / ((1.0 - spoke) / (1.0 - present))
    return mean_of(ratio[np.isfinite(ratio)], seed)


def _community_meetings():
    for sc in scenarios("community"):
        meeting = [f for f in (sc.forms or []) if f in ("hearing", "compound", "residents_meeting")]
        if meeting:
            yield sc, meeting[0]


@statistic("participant_age_gap_years")
def participant_age_gap_years(fast: bool, seed: int) -> Estimate:
    """Mean age of those taking part minus the mean age of adults, in years, in the first in-person
    public meeting form (hearing, compound or residents' meeting) of each community scenario; age
    bands scored at 28.5, 49.5 and 70 years, band shares from the scenario's population."""
    gaps = []
    for sc, form in _community_meetings():
        rows = model_runs(sc.name, [form], reps(fast), seed)
        bands = ("young", "middle", "old")
        if not all(has(rows, f"participation.age_{b}") for b in bands):
            return missing("the model does not produce participation by age band")
        share = np.array([getattr(sc.population.age, b) for b in bands])
        years = np.array([AGE_BAND_YEARS[b] for b in bands])
        rate = rows[[f"participation.age_{b}" for b in bands]].fillna(0.0).to_numpy(float)
        weight = rate * share
        total = weight.sum(axis=1)
        ok = total > 0
        gaps.extend((weight[ok] @ years) / total[ok] - float(share @ years))
    return mean_of(gaps, seed)


@statistic("owner_tenant_attendance_ratio")
def owner_tenant_attendance_ratio(fast: bool, seed: int) -> Estimate:
    """Participation of owners over that of tenants in the first in-person public meeting form
    (hearing, compound or residents' meeting) of each community scenario."""
    ratios = []
    for sc, form in _community_meetings():
        rows = model_runs(sc.name, [form], reps(fast), seed)
        if not (has(rows, "participation.owner") and has(rows, "participation.tenant")):
            return missing("the model does not produce participation of owners and tenants")
        with np.errstate(divide="ignore", invalid="ignore"):
            r = rows["participation.owner"].to_numpy(float) / rows["participation.tenant"].to_numpy(
                float
            )
        ratios.extend(r[np.isfinite(r)])
    return mean_of(ratios, seed)


@statistic("online_participation")
def online_participation(fast: bool, seed: int) -> Estimate:
    """Participation (share of adults who take part) in the online form of every scenario that
    offers one."""
    values = []
    for sc in scenarios():
        if "online" in (sc.forms or []):
            rows = model_runs(sc.name, ["online"], reps(fast), seed)
            values.extend(rows["participation"].to_numpy(float))
    return mean_of(values, seed)


@statistic("villagers_meeting_attendance")
def villagers_meeting_attendance(fast: bool, seed: int) -> Estimate:
    """Participation of adults in a villagers' meeting (村民会议) in the village scenarios where a
    quarter or more of adults work away."""
    values = []
    for sc in scenarios("village"):
        if "villagers_meeting" in (sc.forms or []) and sc.population.away_share >= 0.25:
            rows = model_runs(sc.name, ["villagers_meeting"], reps(fast), seed)
            values.extend(rows["participation"].to_numpy(float))
    if not values:
        return missing("no village scenario with a villagers' meeting")
    return mean_of(values, seed)
