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
# Share of adults a channel can reach at all, the others never notice it (ASSUMPTION; see
# docs/model.md): not everyone passes the notice board or reads the forum, not every smartphone
# user is in the building's 微信群, the grid worker does not find everyone at home.
CHANNEL_COVERAGE = {
    "bulletin": 0.5,
    "publication": 0.3,
    "online_forum": 0.5,
    "wechat": 0.8,
    "mass_work_system": 0.5,
    "meeting": 0.3,
    "broadcast": 0.7,
    "door_to_door": 0.85,
}
TALKERS = 0.3  # share of adults who pass news of a notice on to acquaintances (ASSUMPTION)
HOUSEHOLD_TELL = (
    0.7  # chance the household passes a notice on to a member (half if away; ASSUMPTION)
)
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
    word_of_mouth_rng: np.random.Generator | None,
) -> np.ndarray:
    """Days after a notice until each adult knows of it (∞ if no channel reaches them).

    A channel can reach only some adults at all (``CHANNEL_COVERAGE``); those it covers it reaches
    at a constant daily rate (``CHANNEL_REACH``, ASSUMPTIONS), so the first contact is
    exponential; then, by word of mouth, news spreads one step through
    households (next day, to a member with chance ``HOUSEHOLD_TELL``, half of it for one living
    away) and, through the ``TALKERS`` who pass it on, to acquaintances (rate
    ``word_of_mouth``). Draws: one uniform per adult and channel, then one exponential per adult,
    from ``rng``; then one uniform each (household), and (with contacts) one uniform and one
    exponential each, from ``word_of_mouth_rng`` (``None``: no word of mouth, the mechanism is ablated).
    """
    home = ~pop.away
    rate = np.zeros(pop.n)
    chosen = set(channels)
    for ch in (c for c in CHANNEL_REACH if c in chosen):  # a fixed order: the draws do not
        covered = rng.random(pop.n) < CHANNEL_COVERAGE[ch]  # depend on how channels are listed
        r = CHANNEL_REACH[ch]
        if ch == "broadcast" and setting != "village":
            r = 0.05
        if ch in DIGITAL_CHANNELS:
            rate += r * covered * pop.digital
        elif ch == "bulletin":
            rate += (r + 0.12 * (pop.age == OLD)) * covered * home
        else:
            rate += r * covered * home
    with np.errstate(divide="ignore"):
        days = rng.exponential(1.0, pop.n) / rate
    if word_of_mouth_rng is None:
        return days
    household_first = np.minimum.reduceat(days, pop.household_start)[pop.household]
    told_at_home = word_of_mouth_rng.random(pop.n) < np.where(pop.away, 0.5, 1.0) * HOUSEHOLD_TELL
    days = np.where(told_at_home, np.minimum(days, household_first + 1.0), days)
    if pop.contacts.shape[1] and behaviour.word_of_mouth > 0:
        # only some adults pass news on to acquaintances at all (TALKERS, ASSUMPTION)
        talks = word_of_mouth_rng.random(pop.n) < TALKERS
        via_contacts = np.where(talks[pop.contacts], days[pop.contacts], np.inf).min(axis=1)
        delay = word_of_mouth_rng.exponential(1.0 / behaviour.word_of_mouth, pop.n)
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
    pop: Population,
    form: Form,
    group_invited: np.ndarray,
    rng: np.random.Generator,
    sample_size: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Who the form and the organizer ask: (invited, asked in person) per adult.

    ``group_invited`` is per adult (their stakeholder group was invited). Owners' forms invite
    owners; a deciding meeting of adults invites everyone entitled; a deliberative poll asks a
    random sample of ``sample_size`` adults of the groups addressed, in person; delegates' forms ask
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
    if form.invite == "sample":  # a random sample of the adults addressed, asked in person
        pool = np.flatnonzero(group_invited)
        asked = np.zeros(pop.n, dtype=bool)
        asked[rng.choice(pool, min(sample_size, pool.size), replace=False)] = True
        return asked, asked
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
    ablated: frozenset[str] = frozenset(),
) -> np.ndarray:
    """Chance each adult takes part on their own, before anyone else's example counts.

    A logit in stake, trust, knowledge, the form's hours (weighted by age band and time of day),
    age, tenure and (in villages) gender; times the chance the notice's ``slack`` lets one arrange
    it (age band's ``plan_days``), the factor for adults working away, and digital access online.
    Parameters, their sources and the ASSUMPTIONS among them: docs/model.md §7.4.
    ``boost`` is added to the logit: a deciding meeting is mobilized harder (door-to-door, group
    heads) than an ordinary consultation. No random draws.

    ``ablated`` (:data:`xsim.sim.mechanisms.MECHANISMS`): ``turnout_response`` replaces the stake,
    trust and knowledge terms by their mean over adults; ``age_attendance`` replaces every term by
    age band (offsets, hour weights, online affinity, planning days) by its mean over adults;
    ``tenure_attendance`` drops the tenant offset.
    """
    b = behaviour
    by_age = _by_age(pop.age, "age_attendance" in ablated)
    if form.online:
        hour_weight = by_age([0.3, 0.3, 0.3])  # a phone in the evening
        affinity = b.online_affinity
        age_term = by_age([affinity.young, affinity.middle, affinity.old]) + b.online_offset
    else:
        w = b.work_cost if form.daytime else b.evening_cost
        hour_weight = by_age([w.young, w.middle, w.old])
        age_term = by_age([b.age_offset.young, b.age_offset.middle, b.age_offset.old])
        if "tenure_attendance" not in ablated:
            age_term = age_term + b.tenant_offset * ~pop.owner
        if setting == "village":
            age_term = age_term + b.female_offset * pop.female
    motives = (
        b.attend_stake * np.abs(pop.stake)
        + b.attend_trust * (2.0 * pop.trust - 1.0)
        + b.attend_knowledge * pop.knowledge
    )
    if "turnout_response" in ablated and pop.n:
        motives = np.full(pop.n, motives.mean())
    logit = b.attend_base + motives - b.attend_cost * form.hours * hour_weight + age_term + boost
    plan = by_age([b.plan_days.young, b.plan_days.middle, b.plan_days.old])
    feasible = np.where(slack > 0, 1.0 - np.exp(-np.maximum(slack, 0.0) / plan), 0.0)
    away = np.where(pop.away, b.away_online_factor if form.online else b.away_factor, 1.0)
    able = pop.digital if form.online else True
    return sigmoid(logit) * feasible * away * able


def _by_age(band: np.ndarray, ablated: bool):
    """Per adult, the value of their age band — or, with age ablated, the adults' mean of it."""

    def values(per_band: list[float]) -> np.ndarray:
        out = np.asarray(per_band, dtype=float)[band]
        return np.full(band.size, out.mean()) if ablated and band.size else out

    return values


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
    ablated: frozenset[str] = frozenset(),
) -> np.ndarray:
    """Who comes to the consultation: the form's invitees, by notice received, propensity and
    neighbours (no neighbours' example when ``cascade`` is ablated).

    An online platform stays open ``duration_days``: one can join on any of them, so the slack is
    the notice plus the days it is open. Delegates are asked in person (they know at once) and come
    as often as the notice lets them arrange it (``rep_attend`` × feasibility, ASSUMPTION) — and,
    living away, as rarely as anyone living away (``away_factor``).
    """
    b = behaviour
    slack = notice_days - learned
    if form.online:
        slack = slack + form.duration_days - 1
    slack = np.where(delegates, notice_days, slack)
    boost = b.assembly_base if form.deciding else 0.0
    p = propensity(pop, form, slack, b, setting, boost, ablated)
    if form.invite in ("delegates", "sample"):
        asked = b.rep_attend * feasibility(notice_days, b.rep_plan_days) * away_factor(pop.away, b)
        others = p if form.public_audience else 0.0
        p = np.where(delegates, np.maximum(p, asked), others)
    eligible = invited & (p > 0)
    cascade = 0.0 if "cascade" in ablated else b.cascade
    return decide_attendance(pop, p, eligible, cascade, units, rng, form.online) & eligible


def representatives_present(
    rep_groups: np.ndarray,
    rep_away: np.ndarray,
    group_invited: np.ndarray,
    notice_days: float,
    behaviour: Behaviour,
    rng: np.random.Generator,
) -> np.ndarray:
    """Representatives at a consultation that seats them: those whose group was invited, each
    with chance ``rep_attend`` × feasibility of the notice (ASSUMPTION) × the factor of anyone
    living away (``away_factor``) for a representative who lives away. One uniform per seat."""
    feasible = feasibility(notice_days, behaviour.rep_plan_days)
    chance = behaviour.rep_attend * feasible * away_factor(rep_away, behaviour)
    ok = group_invited[rep_groups]
    return ok & (rng.random(rep_groups.size) < chance)


def respected_present(
    invited: int, notice_days: float, behaviour: Behaviour, rng: np.random.Generator
) -> int:
    """How many of the ``invited`` respected figures (§2.e: veterans, deputies …, asked in person)
    come: each like a delegate asked in person, with chance ``rep_attend`` × feasibility of the
    notice (ASSUMPTION). One uniform per figure asked."""
    feasible = feasibility(notice_days, behaviour.rep_plan_days)
    return int((rng.random(invited) < behaviour.rep_attend * feasible).sum())


def assembly_representatives(
    rep_away: np.ndarray, notice_days: float, behaviour: Behaviour, rng: np.random.Generator
) -> np.ndarray:
    """Representatives at a separately convened deciding meeting (all are summoned; one who lives
    away comes as rarely as anyone living away). One uniform per seat."""
    feasible = feasibility(notice_days, behaviour.rep_plan_days)
    chance = behaviour.rep_attend * feasible * away_factor(rep_away, behaviour)
    return rng.random(rep_away.size) < chance


def away_factor(away: np.ndarray, behaviour: Behaviour) -> np.ndarray:
    """In person, an adult living away (外出) comes ``away_factor`` as often as one at home — a
    representative or a delegate asked in person too (the same mechanism for everyone)."""
    return np.where(away, behaviour.away_factor, 1.0)


def informed_in_time(
    learned: np.ndarray, notice_days: float, lead_days: float, asked: np.ndarray
) -> np.ndarray:
    """Per adult: learned of the consultation at least ``lead_days`` before it — the time the local
    rule gives participants to study the matter (``rules.notice_days``; §4.2 预留充分时间). Each
    person's own learning day against that deadline: adults the notice never reached (groups not
    addressed, no channel) are not informed in time; those ``asked`` in person know at once."""
    return asked | (learned <= notice_days - lead_days)


def assembly_turnout(
    pop: Population,
    form: Form,
    behaviour: Behaviour,
    setting: str,
    units: int,
    notice_days: float,
    learned: np.ndarray,
    attended: np.ndarray,
    rng: np.random.Generator,
    ablated: frozenset[str] = frozenset(),
) -> np.ndarray:
    """Adults present at a separately convened deciding meeting (``form``: the villagers' or
    residents' meeting), given the days until each adult ``learned`` of its notice. The electorate
    is everyone entitled, whoever was invited to the consultation; those who attended the
    consultation come again. Mobilized harder (``assembly_base``)."""
    slack = notice_days - learned
    p = propensity(pop, form, slack, behaviour, setting, behaviour.assembly_base, ablated)
    cascade = 0.0 if "cascade" in ablated else behaviour.cascade
    return decide_attendance(pop, p, p > 0, cascade, units, rng) | attended


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
