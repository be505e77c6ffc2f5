"""Who attends: every decision about who learns of a meeting, who is asked, who comes, in one place.

Short functions over the population's arrays (:class:`xsim.sim.population.Population`) with the random
generator passed in explicitly; :class:`xsim.sim.model.ConsultationModel` calls them from its §4
events. Each mechanism names its source or is marked ASSUMPTION (docs/model.md, §7 "attendance").
The order of random draws inside each function is part of its contract: the same seed gives the
same people in the same order.

- :func:`learn_days` — when each adult learns of a notice (channels, household, acquaintances).
- :func:`hear_of_deciding_meeting` — a group the notice skipped hears of a deciding meeting anyway.
- :func:`invitees` — who the form and the organizer ask (and who is asked in person).
- :func:`propensity` — each adult's own chance to come (stake, trust, knowledge, cost, time).
- :func:`decide_attendance` — own wish, then neighbours' example (Granovetter cascade).
- :func:`consultation_attendance` — the consultation's attendees (combines the above).
- :func:`representatives_present` / :func:`assembly_representatives` — seated representatives.
- :func:`respected_present` — respected figures (§2.e) the organizer asked.
- :func:`assembly_turnout` / :func:`households_turnout` / :func:`proxies` — the deciding meeting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from xsim.sim.cascade import threshold_cascade
from xsim.sim.population import OLD

if TYPE_CHECKING:  # pragma: no cover
    from xsim.forms import Form
    from xsim.sim.population import Population
    from xsim.sim.scenario import Behaviour

# Daily chance that a channel reaches an adult at home (ASSUMPTION; see docs/model.md).
CHANNEL_REACH = {
    "bulletin": 0.08,  # 公开栏: people pass by it; the elderly more often (+0.12)
    "publication": 0.04,
    "online_forum": 0.35,  # needs digital access
    "wechat": 0.6,  # 微信群 of the building / villager group; needs digital access
    "mass_work_system": 0.25,  # needs digital access
    "meeting": 0.05,
    "broadcast": 0.3,  # village loudspeaker; 0.05 in a community
    "door_to_door": 0.5,  # grid worker / building head knocks; misses those away
}
TALKERS = 0.3  # share of adults who pass news of a notice on to acquaintances (ASSUMPTION)
DIGITAL_CHANNELS = {"online_forum", "wechat", "mass_work_system"}


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def feasibility(slack: float, plan_days: float) -> float:
    """Chance that ``slack`` days of notice let someone arrange to come: 1 − e^(−slack/plan)
    (ASSUMPTION: arranging takes an exponential time with mean ``plan_days``)."""
    return 1.0 - np.exp(-slack / plan_days) if slack > 0 else 0.0


def learn_days(
    pop: Population,
    channels: list[str],
    setting: str,
    behaviour: Behaviour,
    rng: np.random.Generator,
) -> np.ndarray:
    """Days after a notice until each adult knows of it (∞ if no channel reaches them).

    Each channel reaches a person at a constant daily rate (``CHANNEL_REACH``, ASSUMPTION), so the
    first contact is exponential; then news spreads one step through households (next day) and,
    through the ``TALKERS`` who pass it on, to acquaintances (rate ``word_of_mouth``).
    Draws: one exponential per adult, then (with contacts) one uniform and one exponential each.
    """
    home = ~pop.away
    rate = np.zeros(pop.n)
    for ch in dict.fromkeys(channels):
        r = CHANNEL_REACH[ch]
        if ch == "broadcast" and setting != "village":
            r = 0.05
        if ch in DIGITAL_CHANNELS:
            rate += r * pop.digital
        elif ch == "bulletin":
            rate += (r + 0.12 * (pop.age == OLD)) * home
        else:
            rate += r * home
    with np.errstate(divide="ignore"):
        days = rng.exponential(1.0, pop.n) / rate
    household_first = np.minimum.reduceat(days, pop.household_start)[pop.household]
    days = np.minimum(days, household_first + 1.0)
    if pop.contacts.shape[1] and behaviour.word_of_mouth > 0:
        # only some adults pass news on to acquaintances at all (TALKERS, ASSUMPTION)
        talks = rng.random(pop.n) < TALKERS
        via_contacts = np.where(talks[pop.contacts], days[pop.contacts], np.inf).min(axis=1)
        delay = rng.exponential(1.0 / behaviour.word_of_mouth, pop.n)
        days = np.minimum(days, via_contacts + delay)
    return days


def hear_of_deciding_meeting(
    pop: Population,
    learned: np.ndarray,
    addressed: np.ndarray,
    word_of_mouth: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """A deciding meeting belongs to everyone entitled: a resident the notice skipped (group not
    addressed) still hears of it from acquaintances who were told, after an exponential delay of
    mean 1/``word_of_mouth`` days (ASSUMPTION). Returns the new days-until-known."""
    if not (pop.contacts.shape[1] and word_of_mouth > 0):
        return learned
    via = learned[pop.contacts].min(axis=1) + rng.exponential(1 / word_of_mouth, pop.n)
    return np.where(addressed, learned, via)


def invitees(
    pop: Population, form: Form, group_invited: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Who the form and the organizer ask: (invited, asked in person) per adult.

    ``group_invited`` is per adult (their stakeholder group was invited). Owners' forms invite
    owners; a deciding meeting of adults invites everyone entitled; delegates' forms ask
    ``seats_per_group`` residents per invited group, those with most at stake or standing (score
    |stake| + ½ status + 0.3·noise, ASSUMPTION); a hearing's public audience may come and listen.
    """
    none = np.zeros(pop.n, dtype=bool)
    if form.invite == "owners":
        return group_invited & pop.owner, none
    if form.deciding is not None and form.invite == "adults":
        return np.ones(pop.n, dtype=bool), none  # the electorate is everyone entitled
    if form.invite in ("adults", "open", "units"):
        return group_invited.copy(), none
    if form.invite == "representatives":
        return none.copy(), none
    score = np.abs(pop.stake) + 0.5 * pop.status + 0.3 * rng.random(pop.n)
    chosen = np.zeros(pop.n, dtype=bool)
    order = np.lexsort((-score, pop.group))
    starts = np.searchsorted(pop.group[order], pop.group[order], side="left")
    rank = np.arange(pop.n) - starts
    chosen[order[rank < form.seats_per_group]] = True
    delegates = chosen & group_invited
    if form.public_audience:  # a hearing is public: anyone addressed may come and listen
        return group_invited.copy(), delegates
    return delegates, delegates


def propensity(
    pop: Population,
    form: Form,
    slack: np.ndarray,
    behaviour: Behaviour,
    setting: str,
    boost: float = 0.0,
) -> np.ndarray:
    """Chance each adult takes part on their own, before anyone else's example counts.

    A logit in stake, trust, knowledge, the form's hours (weighted by age band and time of day),
    age, tenure and (in villages) gender; times the chance the notice's ``slack`` lets one arrange
    it (age band's ``plan_days``), the factor for adults working away, and digital access online.
    Parameters, their sources and the ASSUMPTIONS among them: docs/model.md §7.4.
    ``boost`` is added to the logit: a deciding meeting is mobilized harder (door-to-door, group
    heads) than an ordinary consultation. No random draws.
    """
    b = behaviour
    band = pop.age
    if form.online:
        hour_weight = np.array([0.3, 0.3, 0.3])[band]  # a phone in the evening
        age_term = (
            np.array([b.online_affinity.young, b.online_affinity.middle, b.online_affinity.old])[
                band
            ]
            + b.online_offset
        )
    else:
        w = b.work_cost if form.daytime else b.evening_cost
        hour_weight = np.array([w.young, w.middle, w.old])[band]
        age_term = np.array([b.age_offset.young, b.age_offset.middle, b.age_offset.old])[band]
        age_term = age_term + b.tenant_offset * ~pop.owner
        if setting == "village":
            age_term = age_term + b.female_offset * pop.female
    logit = (
        b.attend_base
        + b.attend_stake * np.abs(pop.stake)
        + b.attend_trust * (2.0 * pop.trust - 1.0)
        + b.attend_knowledge * pop.knowledge
        - b.attend_cost * form.hours * hour_weight
        + age_term
        + boost
    )
    plan = np.array([b.plan_days.young, b.plan_days.middle, b.plan_days.old])[band]
    feasible = np.where(slack > 0, 1.0 - np.exp(-np.maximum(slack, 0.0) / plan), 0.0)
    away = np.where(pop.away, b.away_online_factor if form.online else b.away_factor, 1.0)
    able = pop.digital if form.online else True
    return sigmoid(logit) * feasible * away * able


def decide_attendance(
    pop: Population,
    p: np.ndarray,
    eligible: np.ndarray,
    cascade: float,
    units: int,
    rng: np.random.Generator,
    online: bool = False,
) -> np.ndarray:
    """Who comes: own propensity, then a Granovetter (1978) threshold cascade within each unit.

    A person who would not come on their own comes once the share of their unit going reaches
    θᵢ = (uᵢ − pᵢ) / cascade — the lower their own wish, the more neighbours they need to see
    going. ``threshold_cascade`` gives how many end up going; they are the lowest thresholds.
    In person, neighbours going do not bring back someone working far away. One uniform per adult.
    """
    u = rng.random(pop.n)
    going = np.zeros(pop.n, dtype=bool)
    theta = np.where(u < p, 0.0, (u - p) / max(cascade, 1e-9))
    if not online:
        theta = np.where(pop.away & (u >= p), np.inf, theta)
    for unit in range(units):
        members = np.flatnonzero(eligible & (pop.unit == unit))
        if members.size == 0:
            continue
        counts = np.ceil(theta[members] * members.size)
        counts = np.where(np.isfinite(counts), counts, members.size + 1).astype(np.int64)
        counts = np.minimum(counts, members.size + 1)
        k = threshold_cascade(counts)
        going[members[np.argsort(counts, kind="stable")[:k]]] = True
    return going


def consultation_attendance(
    pop: Population,
    form: Form,
    behaviour: Behaviour,
    setting: str,
    units: int,
    invited: np.ndarray,
    delegates: np.ndarray,
    learned: np.ndarray,
    notice_days: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Who comes to the consultation: the form's invitees, by notice received, propensity and
    neighbours.

    An online platform stays open ``duration_days``: one can join on any of them, so the slack is
    the notice plus the days it is open. Delegates are asked in person (they know at once) and come
    as often as the notice lets them arrange it (``rep_attend`` × feasibility, ASSUMPTION).
    """
    b = behaviour
    slack = notice_days - learned
    if form.online:
        slack = slack + form.duration_days - 1
    slack = np.where(delegates, notice_days, slack)
    p = propensity(pop, form, slack, b, setting, b.assembly_base if form.deciding else 0.0)
    if form.invite == "delegates":
        feasible = feasibility(notice_days, b.rep_plan_days)
        others = p if form.public_audience else 0.0
        p = np.where(delegates, np.maximum(p, b.rep_attend * feasible), others)
    eligible = invited & (p > 0)
    return decide_attendance(pop, p, eligible, b.cascade, units, rng, form.online) & eligible


def representatives_present(
    rep_groups: np.ndarray,
    group_invited: np.ndarray,
    notice_days: float,
    behaviour: Behaviour,
    rng: np.random.Generator,
) -> np.ndarray:
    """Representatives at a consultation that seats them: those whose group was invited, each
    with chance ``rep_attend`` × feasibility of the notice (ASSUMPTION). One uniform per seat."""
    feasible = feasibility(notice_days, behaviour.rep_plan_days)
    ok = group_invited[rep_groups]
    return ok & (rng.random(rep_groups.size) < behaviour.rep_attend * feasible)


def respected_present(
    invited: int, notice_days: float, behaviour: Behaviour, rng: np.random.Generator
) -> int:
    """How many of the ``invited`` respected figures (§2.e: veterans, deputies …, asked in person)
    come: each like a delegate asked in person, with chance ``rep_attend`` × feasibility of the
    notice (ASSUMPTION). One uniform per figure asked."""
    feasible = feasibility(notice_days, behaviour.rep_plan_days)
    return int((rng.random(invited) < behaviour.rep_attend * feasible).sum())


def assembly_representatives(
    n_seats: int, notice_days: float, behaviour: Behaviour, rng: np.random.Generator
) -> np.ndarray:
    """Representatives at a separately convened deciding meeting (all are summoned)."""
    feasible = feasibility(notice_days, behaviour.rep_plan_days)
    return rng.random(n_seats) < behaviour.rep_attend * feasible


def assembly_turnout(
    pop: Population,
    form: Form,
    behaviour: Behaviour,
    setting: str,
    units: int,
    notice_days: float,
    channels: list[str],
    attended: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Adults present at a separately convened deciding meeting (``form``: the villagers' or
    residents' meeting). The electorate is everyone entitled, whoever was invited to the
    consultation; those who attended the consultation come again. Mobilized harder
    (``assembly_base``)."""
    slack = notice_days - learn_days(pop, channels, setting, behaviour, rng)
    p = propensity(pop, form, slack, behaviour, setting, behaviour.assembly_base)
    return decide_attendance(pop, p, p > 0, behaviour.cascade, units, rng) | attended


def households_turnout(
    pop: Population, present: np.ndarray, canvass: float, rng: np.random.Generator
) -> np.ndarray:
    """Households with someone present, plus those canvassed door to door with chance ``canvass``
    (owners' votes are collected in writing too, Civil Code art. 278; share ASSUMPTION)."""
    hh = np.maximum.reduceat(present, pop.household_start)
    return hh | (rng.random(hh.size) < canvass)


def proxies(
    pop: Population, present: np.ndarray, share: float, rng: np.random.Generator
) -> np.ndarray:
    """Members who take part by a written proxy to a household member present (农村集体经济组织法
    art. 27 allows it; the share who do, ``members_proxy``, is an ASSUMPTION)."""
    household_here = np.maximum.reduceat(present, pop.household_start)[pop.household]
    return household_here & (rng.random(pop.n) < share)
