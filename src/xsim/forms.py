"""The consultation forms of §3 of the notice, as data plus behaviour.

Each :class:`Form` says who is invited, what attending costs whom, how talk is structured, how the
group concludes, how long it takes and what it costs. The behaviour — who gets a speaking turn and
how opinions move — is in the short functions below; they work on arrays of the people present
(one entry per voice: residents, representatives, organizations, experts), never loop over them.

Names are the ``consultation.forms`` values of the case-record spec. Figures marked ASSUMPTION are
this kit's choices, documented in ``docs/model.md``; they are not in the notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Invite = Literal["adults", "owners", "open", "delegates", "representatives", "units"]
Structure = Literal["plenary", "small_groups", "threads", "seated", "hearing"]
Conclude = Literal["consensus", "majority", "opinion"]


@dataclass(frozen=True)
class Form:
    name: str
    zh: str
    clause: str
    invite: Invite  # who is invited (see ``invited`` in xsim.model)
    structure: Structure  # how talk is organized
    conclude: Conclude  # how the group concludes
    hours: float  # time a participant spends, incl. travel (ASSUMPTION)
    daytime: bool  # held in working hours (costs working-age residents more)
    online: bool = False  # needs digital access; cheap to attend
    turns: int = 20  # speaking turns available (plenary)
    seats_per_group: int = 0  # resident delegates per invited group (seated bodies)
    with_representatives: bool = False  # representatives sit in it
    with_organizations: bool = True  # organizations in the scenario are invited
    rounds: int = 3  # deliberation rounds
    duration_days: int = 1  # how long the consultation runs
    money_yuan: float = 500.0  # venue, materials, moderator (ASSUMPTION)
    deciding: str | None = None  # the form is itself the deciding meeting of this kind
    settings: tuple[str, ...] = ("village", "community")
    group_size: int = 8  # people per table (small groups)
    built_in_turn_taking: bool = False  # the procedure itself gives every side a turn


FORMS: dict[str, Form] = {
    f.name: f
    for f in (
        Form(
            "villagers_meeting",
            "村民会议",
            "§3.b; Organic Law arts. 21–22",
            "adults",
            "plenary",
            "majority",
            hours=3.0,
            daytime=True,
            turns=25,
            rounds=3,
            money_yuan=1500.0,
            deciding="villagers_meeting",
            settings=("village",),
        ),
        Form(
            "residents_meeting",
            "居民会议",
            "§3.b; Residents' Committees Law art. 9",
            "adults",
            "plenary",
            "majority",
            hours=2.5,
            daytime=False,
            turns=25,
            rounds=3,
            money_yuan=1500.0,
            deciding="residents_meeting",
            settings=("community",),
        ),
        Form(
            "representatives_meeting",
            "村（居）民代表会议",
            "§3.b; Organic Law art. 26",
            "representatives",
            "seated",
            "majority",
            hours=2.5,
            daytime=True,
            turns=30,
            with_representatives=True,
            rounds=3,
            money_yuan=800.0,
            deciding="representatives_meeting",
        ),
        Form(
            "council",
            "村（居）民议事会",
            "§3.c",
            "delegates",
            "seated",
            "consensus",
            hours=3.0,
            daytime=False,
            turns=30,
            seats_per_group=2,
            with_representatives=True,
            rounds=4,
            money_yuan=800.0,
        ),
        Form(
            "board",
            "村（居）民理事会",
            "§3.c",
            "delegates",
            "seated",
            "consensus",
            hours=2.0,
            daytime=True,
            turns=15,
            seats_per_group=1,
            with_representatives=True,
            rounds=3,
            money_yuan=400.0,
        ),
        Form(
            "group_meeting",
            "村（居）民小组会",
            "§3.c",
            "units",
            "plenary",
            "majority",
            hours=2.0,
            daytime=False,
            turns=15,
            rounds=3,
            money_yuan=300.0,
        ),
        Form(
            "compound",
            "小区协商",
            "§3.c",
            "open",
            "small_groups",
            "majority",
            hours=2.0,
            daytime=False,
            turns=40,
            rounds=4,
            money_yuan=800.0,
            settings=("community",),
        ),
        Form(
            "owners",
            "业主协商",
            "§3.c; Civil Code art. 278",
            "owners",
            "plenary",
            "majority",
            hours=2.0,
            daytime=False,
            turns=20,
            rounds=3,
            money_yuan=1000.0,
            settings=("community",),
        ),
        Form(
            "hearing",
            "民主听证会",
            "§3.c; §4.5",
            "delegates",
            "hearing",
            "opinion",
            hours=3.0,
            daytime=True,
            turns=24,
            seats_per_group=3,
            with_representatives=True,
            rounds=3,
            money_yuan=3000.0,
            built_in_turn_taking=True,
        ),
        Form(
            "special_council",
            "专题议事会",
            "§4.5",
            "delegates",
            "seated",
            "consensus",
            hours=3.5,
            daytime=False,
            turns=36,
            seats_per_group=3,
            with_representatives=True,
            rounds=5,
            money_yuan=2000.0,
        ),
        Form(
            "evaluation",
            "民主评议",
            "§3.c",
            "open",
            "plenary",
            "majority",
            hours=2.0,
            daytime=False,
            turns=15,
            rounds=2,
            money_yuan=500.0,
        ),
        Form(
            "talk_day",
            "民情恳谈日",
            "§3.d",
            "open",
            "small_groups",
            "opinion",
            hours=1.0,
            daytime=True,
            turns=60,
            rounds=2,
            money_yuan=600.0,
            group_size=6,
        ),
        Form(
            "forum",
            "村（居）民论坛",
            "§3.d",
            "open",
            "plenary",
            "opinion",
            hours=2.0,
            daytime=False,
            turns=20,
            rounds=2,
            money_yuan=400.0,
        ),
        Form(
            "online",
            "网络议事平台",
            "§3.e",
            "open",
            "threads",
            "opinion",
            hours=0.5,
            daytime=False,
            online=True,
            turns=10_000,
            rounds=5,
            duration_days=7,
            money_yuan=300.0,
            with_organizations=True,
        ),
    )
}

FORM_NAMES: tuple[str, ...] = tuple(FORMS)


# -- speaking turns --------------------------------------------------------------------------------


def speakers(
    form: Form,
    voice: np.ndarray,
    group: np.ndarray,
    facilitated: bool,
    rng: np.random.Generator,
) -> np.ndarray:
    """Boolean mask of the voices that get a speaking turn.

    Unfacilitated: turns go to whoever claims them, with chances growing with voice squared
    (high-status voices speak first and longest). Facilitated, or a hearing (whose procedure gives
    each side its turn): the moderator shares turns out equally between the groups present, then
    in random order within a group.
    """
    n = voice.size
    turns = min(form.turns, n)
    if turns >= n:
        return np.ones(n, dtype=bool)
    # Gumbel top-k: sampling without replacement with probabilities proportional to the weights.
    gumbel = rng.gumbel(size=n)
    if not (facilitated or form.built_in_turn_taking):
        keys = 2.0 * np.log(voice) + gumbel
        return keys >= np.partition(keys, n - turns)[n - turns]
    keys = gumbel  # the moderator calls on people in turn, not by standing
    order = np.lexsort((-keys, group))
    sorted_groups = group[order]
    starts = np.searchsorted(sorted_groups, sorted_groups, side="left")
    rank_in_group = np.arange(n) - starts
    present = np.unique(group).size
    quota = max(1, turns // present)
    mask = np.zeros(n, dtype=bool)
    mask[order[rank_in_group < quota]] = True
    return mask


# -- opinion change --------------------------------------------------------------------------------


def broadcast_round(
    x: np.ndarray,
    x0: np.ndarray,
    speaking: np.ndarray,
    voice: np.ndarray,
    epsilon: float,
    susceptibility: np.ndarray,
    self_weight: float,
) -> np.ndarray:
    """One bounded-confidence round of a plenary: everyone listens to the speakers.

    A voice-weighted Hegselmann–Krause step (closed neighbourhood |xᵢ − xⱼ| ≤ ε) restricted to the
    speakers, with Friedkin–Johnsen anchoring on the initial opinion:
    xᵢ ← sᵢ · (self·xᵢ + Σⱼ wⱼxⱼ) / (self + Σⱼ wⱼ) + (1 − sᵢ) · x0ᵢ over speakers j within ε.
    Cost O(n · speakers) — the speakers are few.
    """
    xs = x[speaking]
    ws = voice[speaking]
    close = np.abs(x[:, None] - xs[None, :]) <= epsilon + 1e-12
    wsum = close @ ws
    pull = close @ (ws * xs)
    heard = (self_weight * x + pull) / (self_weight + wsum)
    return susceptibility * heard + (1.0 - susceptibility) * x0


def seated_weights(x: np.ndarray, voice: np.ndarray, epsilon: float, self_weight: float):
    """Row-stochastic influence matrix of a seated body: voice-weighted, bounded confidence."""
    close = np.abs(x[:, None] - x[None, :]) <= epsilon + 1e-12
    w = close * voice[None, :]
    w[np.diag_indices_from(w)] = self_weight
    return w / w.sum(axis=1, keepdims=True)


def table_offsets(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Random seating at tables of ``size``: the table number of each participant."""
    tables = np.arange(n) // max(1, size)
    return rng.permutation(tables)


# -- conclusion ------------------------------------------------------------------------------------


def support_share(x: np.ndarray, weight: np.ndarray, abstain: float) -> float:
    """Weighted share for the proposal among those who take a side (|x| > abstain)."""
    for_w = weight[x > abstain].sum()
    against_w = weight[x < -abstain].sum()
    total = for_w + against_w
    return 0.5 if total == 0 else float(for_w / total)


def conclusion(form: Form, share_for: float, consensus_share: float, dispute_band: float) -> str:
    """consensus | majority | disputed, from the share for the proposal.

    Consensus when one side holds at least ``consensus_share``; disputed when the split is within
    ``dispute_band`` of even — for a consensus-seeking body, whenever consensus is missed and the
    split is within twice that band (a council cannot paper over a 65/35 split); majority otherwise.
    """
    lead = max(share_for, 1.0 - share_for)
    tol = 1e-9  # shares are ratios of counts: 0.6 − 0.5 must count as a 0.1 lead
    if lead >= consensus_share - tol:
        return "consensus"
    band = 2 * dispute_band if form.conclude == "consensus" else dispute_band
    if lead - 0.5 < band - tol:
        return "disputed"
    return "majority"
