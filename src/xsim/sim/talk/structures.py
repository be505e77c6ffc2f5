"""How talk is organized at a consultation: the deliberation structures, in one registry.

Each structure takes the room (:class:`Room`: the form, behaviour, moderation, random generator and
a hook that records each round) and the voices present (arrays, one entry per voice: ``x`` opinion,
``voice`` weight, ``group``, ``can_speak``, ``susceptibility``, ``room`` …, built by
:meth:`xsim.sim.model.ConsultationModel._voices`) and returns (opinions after talk, who spoke, the room
each voice listens in). They are registered in :data:`STRUCTURES` under the name a form gives in
``Form.structure`` (:data:`xsim.forms.Structure`); :func:`deliberate` runs the form's structure and
then the persuasive-argument exchange (:func:`argue`). To add a structure, write one function here
and decorate it with ``@structure("name")`` (and give the name to a form in
``src/xsim/data/forms.yaml``).

The room kernels (who gets the floor, how listeners move) are :mod:`xsim.sim.talk.kernels`; the
published opinion-dynamics kernels :mod:`xsim.sim.talk.dynamics`. Parameters and sources:
docs/model.md §7.5.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from xsim.sim.talk import kernels as K
from xsim.sim.talk.dynamics import (
    deffuant,
    friedkin_johnsen,
    hegselmann_krause,
    persuasive_arguments,
)

if TYPE_CHECKING:  # pragma: no cover
    from xsim.forms import Form
    from xsim.sim.scenario import Behaviour

HOMOPHILY = 2.0  # listeners' preference for like-minded arguments, unmoderated (ASSUMPTION)
ONLINE_POSTS = 30  # posts a reader of an online thread meets (ASSUMPTION)
ARGUMENTS_HEARD = 3  # arguments a listener takes in per round (ASSUMPTION; Mäs & Flache 2013)
#: how far a listener moves toward their informed view at most (ASSUMPTION, docs/model.md §7.5).
#: It was also the discussion's learning until 7 December 2026; learning is now the behaviour
#: parameter ``talk_knowledge`` (calibrated, §7.10) and this keeps talk's opinion dynamics as they were.
RECONSIDER = 0.25
UNPRESSED = 0.5  # social pull left when a moderator does not seek consensus (ASSUMPTION)

Voices = dict[str, np.ndarray]
Talked = tuple[np.ndarray, np.ndarray, np.ndarray]  # opinions after, who spoke, room per voice
Deliberated = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # … and knowledge gained


@dataclass(frozen=True)
class Room:
    """What talk at one consultation depends on besides the voices."""

    form: Form
    behaviour: Behaviour
    moderated: bool  # a moderator, or a form whose procedure shares the floor (a hearing)
    rng: np.random.Generator  # the talk stream: seating at tables, online matchings, posts read
    floor_rng: np.random.Generator | None = None  # who gets a turn (default: ``rng``)
    talk: bool = True  # opinions move through discussion (False: the mechanism is ablated)
    record_round: Callable[[int, np.ndarray], None] = lambda r, x: None

    @property
    def floor(self) -> np.random.Generator:
        """The stream speaking turns are drawn from."""
        return self.rng if self.floor_rng is None else self.floor_rng


Structure = Callable[[Room, Voices, np.ndarray], Talked]

#: The talk structures by ``Form.structure``.
STRUCTURES: dict[str, Structure] = {}


def structure(*names: str) -> Callable[[Structure], Structure]:
    """Register a talk structure under one or more ``Form.structure`` names."""

    def register(fn: Structure) -> Structure:
        for name in names:
            STRUCTURES[name] = fn
        return fn

    return register


def deliberate(room: Room, v: Voices, x0: np.ndarray) -> Deliberated:
    """Talk under the form's structure, then persuasive arguments: (opinions after, who spoke,
    the room each voice listened in, the share of its knowledge gap each voice closed).

    Rounds 1 … ``form.rounds`` are recorded by the structure (if it has rounds); the model
    records round 0 and the final round. With talk ablated (``room.talk`` False) the structure
    still decides who speaks — from the same draws — but nobody's opinion moves and nobody
    learns from the discussion.
    """
    if room.moderated and room.form.conclude != "consensus":
        # A moderator who is not seeking agreement (a deliberative poll's, a hearing's chair)
        # keeps the room from pressing its members toward one view (Fishkin 2009, ch. 4).
        v = {**v, "susceptibility": v["susceptibility"] * UNPRESSED}
    x, speaking, rooms = STRUCTURES[room.form.structure](room, v, x0)
    if not room.talk:
        return x0.copy(), speaking, rooms, np.zeros(x0.size)
    x, engaged = argue(room, x, v, speaking, rooms)
    learned = room.behaviour.talk_knowledge * engaged
    return reconsider(room, x0, x, v, RECONSIDER * engaged), speaking, rooms, learned


def reconsider(
    room: Room, x0: np.ndarray, x: np.ndarray, v: Voices, share: np.ndarray
) -> np.ndarray:
    """Informed reconsideration: each listener moves ``share`` of the way toward an informed view
    of their own (:data:`RECONSIDER` × how much they engaged: more for hearing the other side).

    The informed view is the listener's view before the talk moved by a person-specific amount
    (normal, sd ``reconsider_sd``): what they will make of the considerations they had not
    weighed is their own (Zaller 1992: opinions as samples of considerations). In Deliberative
    Polls individual opinions change much while their spread changes little, and those who learn
    most change most (Luskin, Fishkin & Jowell 2002; Luskin, Sood, Fishkin & Hahn 2022) — social
    influence pulls a room together, this pulls it apart, and the balance decides. One normal
    draw per voice from the talk stream.
    """
    gain = np.clip(share, 0.0, 1.0) * (v["susceptibility"] > 0)
    z = room.rng.standard_normal(x.size)
    # the firmer the view (|x0| near 1), the less room left to reconsider; keeps the informed
    # views of a room centred where its views were (no drift toward 0 from clipping at ±1)
    informed = np.clip(x0 + room.behaviour.reconsider_sd * (1.0 - np.abs(x0)) * z, -1.0, 1.0)
    return np.clip(x + gain * (informed - x), -1.0, 1.0)


@structure("plenary")
def plenary(room: Room, v: Voices, x0: np.ndarray) -> Talked:
    """Everyone in one hall (or a hall per villager group): each round some speak (limited turns,
    :func:`xsim.sim.talk.kernels.speakers`) and everyone moves toward those within confidence
    (:func:`xsim.sim.talk.kernels.broadcast_round`)."""
    b, x = room.behaviour, x0.copy()
    speaking = np.zeros(x0.size, dtype=bool)
    for r in range(1, room.form.rounds + 1):
        now = speakers_by_room(room, v)
        speaking |= now
        x = K.broadcast_round(x, x0, now, v["voice"], b.epsilon, v["susceptibility"], b.self_weight)
        room.record_round(r, x)
    return x, speaking, v["room"]


@structure("seated", "hearing")
def seated(room: Room, v: Voices, x0: np.ndarray) -> Talked:
    """A seated body (council, board, hearing): Friedkin–Johnsen equilibrium among those who may
    speak; a hearing's public audience listens to the speakers and is not heard back."""
    b = room.behaviour
    speaking = K.speakers(
        room.form, v["voice"], v["group"], room.moderated, room.floor, can_speak=v["can_speak"]
    )
    body = v["can_speak"]
    x = x0.copy()
    w = K.seated_weights(x0[body], v["voice"][body] * speaking[body], b.epsilon, b.self_weight)
    x[body] = np.clip(friedkin_johnsen(w, x0[body], v["susceptibility"][body]), -1.0, 1.0)
    if not body.all():
        x[~body] = K.audience_equilibrium(
            x0[~body],
            x[speaking],
            v["voice"][speaking],
            b.epsilon,
            v["susceptibility"][~body],
            b.self_weight,
        )
    return x, speaking, np.zeros(x0.size, dtype=int)


@structure("small_groups")
def small_groups(room: Room, v: Voices, x0: np.ndarray) -> Talked:
    """Tables of ``group_size`` (a talk day): Hegselmann–Krause within each table; all speak."""
    b = room.behaviour
    tables = K.table_offsets(x0.size, room.form.group_size, room.rng)
    moved, _ = hegselmann_krause(x0 + 3.0 * tables, b.epsilon, max_steps=room.form.rounds)
    hk = moved - 3.0 * tables
    x = v["susceptibility"] * hk + (1.0 - v["susceptibility"]) * x0
    return x, np.ones(x0.size, dtype=bool), tables


@structure("threads")
def threads(room: Room, v: Voices, x0: np.ndarray) -> Talked:
    """Online threads: Deffuant pairwise encounters (random matchings); all may post."""
    b = room.behaviour
    moved = deffuant(
        x0, b.epsilon, b.deffuant_mu, rng=room.rng, steps=room.form.rounds, schedule="matching"
    )
    x = v["susceptibility"] * moved + (1.0 - v["susceptibility"]) * x0
    return x, np.ones(x0.size, dtype=bool), np.zeros(x0.size, dtype=int)


def argue(
    room: Room, x: np.ndarray, v: Voices, speaking: np.ndarray, rooms: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Persuasive arguments (:func:`xsim.sim.talk.dynamics.persuasive_arguments`) heard in each
    room: (opinions after, how much each voice engaged with the discussion, 0 … 1).

    Those who spoke state arguments; everyone in the room listens. Unmoderated, listeners
    attend to those who think alike (``HOMOPHILY``); a moderator (or a hearing's procedure)
    makes them engage with the other side's arguments too (homophily × (1 − facilitation)) and
    keeps the two sides' arguments in balance (:func:`_balanced`).
    Each round a listener hears ``ARGUMENTS_HEARD`` arguments drawn by those weights (Mäs &
    Flache 2013), so a like-minded room moves toward its pole together while in a mixed room
    listeners move apart or together by chance. Online, a reader meets at most ``ONLINE_POSTS``
    posts. A listener's engagement is ½ for hearing anything and ½ in proportion to how much of
    what they heard came from the other side; :func:`deliberate` turns it into learning
    (``talk_knowledge`` × engagement of the knowledge gap; Luskin, Fishkin & Jowell 2002:
    knowledge gains in small-group discussion) and into reconsideration (:data:`RECONSIDER` ×
    engagement, :func:`reconsider`).
    """
    b, form = room.behaviour, room.form
    rate = b.argument_rate
    engaged = np.zeros(x.size)
    if rate <= 0 or not speaking.any():
        return x, engaged
    homophily = HOMOPHILY * ((1.0 - b.facilitation) if room.moderated else 1.0)
    listens = np.flatnonzero(v["susceptibility"] > 0)  # organizations, experts hold firm
    # each room's sources, padded into one table (rooms × most sources in a room)
    src = np.flatnonzero(speaking)
    if form.online and src.size > ONLINE_POSTS:
        src = np.sort(room.rng.choice(src, ONLINE_POSTS, replace=False))
    room_ids, room_of = np.unique(rooms, return_inverse=True)
    src = src[np.argsort(room_of[src], kind="stable")]
    per_room = np.bincount(room_of[src], minlength=room_ids.size)
    slot = np.arange(src.size) - np.repeat(np.cumsum(per_room) - per_room, per_room)
    table = np.full((room_ids.size, max(int(per_room.max()), 1)), -1, dtype=np.int64)
    table[room_of[src], slot] = src
    cand = table[room_of[listens]]
    heard_x = np.where(cand >= 0, x[np.maximum(cand, 0)], np.nan)
    heard_w = np.where(cand >= 0, v["voice"][np.maximum(cand, 0)], 0.0)
    if room.moderated:
        heard_w = _balanced(heard_x, heard_w)
    y = x[listens]
    for _ in range(form.rounds):
        y = persuasive_arguments(
            y,
            heard_x,
            sources_weight=heard_w,
            homophily=homophily,
            rate=rate,
            sample=ARGUMENTS_HEARD,
            rng=room.rng,
        )
    out = x.copy()
    out[listens] = x[listens] + v["susceptibility"][listens] * (y - x[listens])
    engaged[listens] = 0.5 + 0.5 * _other_side_share(x[listens], heard_x, heard_w)
    return out, engaged


def _balanced(heard_x: np.ndarray, heard_w: np.ndarray) -> np.ndarray:
    """A moderator's substantive balance: in a room where both sides speak, the arguments for
    and against carry equal weight in what listeners hear, whatever the head-count — each side's
    arguments are answered by the other's (Fishkin 2009, *When the People Speak*, ch. 2:
    "substantive balance"; Luskin, Sood, Fishkin & Hahn 2022 on why moderated groups do not
    routinely polarize). Within a side, weights keep their proportions; a room where only one
    side speaks is left as it is (it has no other side to hear: Schkade, Sunstein & Hastie 2007)."""
    side = np.sign(np.nan_to_num(heard_x))
    pro = np.where(side > 0, heard_w, 0.0).sum(axis=1, keepdims=True)
    con = np.where(side < 0, heard_w, 0.0).sum(axis=1, keepdims=True)
    both = (pro > 0) & (con > 0)
    half = 0.5 * (pro + con)
    scale = np.where(side > 0, half / np.where(pro > 0, pro, 1.0), 1.0)
    scale = np.where(side < 0, half / np.where(con > 0, con, 1.0), scale)
    return np.where(both, heard_w * scale, heard_w)


def _other_side_share(x: np.ndarray, heard_x: np.ndarray, heard_w: np.ndarray) -> np.ndarray:
    """Per listener: how much of what their room said came from the other side, 0..1 (1: at
    least as much as from their own side)."""
    other = np.where(np.sign(np.nan_to_num(heard_x)) * np.sign(x)[:, None] < 0, heard_w, 0.0)
    total = heard_w.sum(axis=1)
    share = np.where(total > 0, other.sum(axis=1) / np.where(total > 0, total, 1.0), 0.0)
    return np.where(total > 0, np.minimum(1.0, 2.0 * share), 0.0)


def speakers_by_room(room: Room, v: Voices) -> np.ndarray:
    """Who takes the floor this round, chosen separately in each hall (one per villager group at
    most)."""
    rooms = v["room"]
    mask = np.zeros(rooms.size, dtype=bool)
    for hall in np.unique(rooms):
        here = np.flatnonzero(rooms == hall)
        mask[here] = K.speakers(
            room.form,
            v["voice"][here],
            v["group"][here],
            room.moderated,
            room.floor,
            can_speak=v["can_speak"][here],
        )
    return mask
