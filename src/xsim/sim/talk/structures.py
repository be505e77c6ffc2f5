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

Voices = dict[str, np.ndarray]
Talked = tuple[np.ndarray, np.ndarray, np.ndarray]  # opinions after, who spoke, room per voice


@dataclass(frozen=True)
class Room:
    """What talk at one consultation depends on besides the voices."""

    form: Form
    behaviour: Behaviour
    facilitated: bool  # the organizer provides a moderator
    rng: np.random.Generator
    record_round: Callable[[int, np.ndarray], None] = lambda r, x: None

    @property
    def moderated(self) -> bool:
        """A moderator, or a form whose procedure shares the floor (a hearing)."""
        return self.facilitated or self.form.built_in_turn_taking


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


def deliberate(room: Room, v: Voices, x0: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Talk under the form's structure, then persuasive arguments: (opinions after, who spoke).

    Rounds 1 … ``form.rounds`` are recorded by the structure (if it has rounds); the model
    records round 0 and the final round.
    """
    x, speaking, rooms = STRUCTURES[room.form.structure](room, v, x0)
    return argue(room, x, v, speaking, rooms), speaking


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
        room.form, v["voice"], v["group"], room.facilitated, room.rng, can_speak=v["can_speak"]
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
) -> np.ndarray:
    """Persuasive arguments (``deliberation.persuasive_arguments``) heard in each room.

    Those who spoke state arguments; everyone in the room listens. Unmoderated, listeners
    attend to those who think alike (``HOMOPHILY``); a moderator (or a hearing's procedure)
    makes them engage with the other side's arguments too (homophily × (1 − facilitation)).
    Online, a reader meets at most ``ONLINE_POSTS`` posts.
    """
    b, form = room.behaviour, room.form
    rate = b.argument_rate
    if rate <= 0 or not speaking.any():
        return x
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
    y = x[listens]
    for _ in range(form.rounds):
        y = persuasive_arguments(y, heard_x, sources_weight=heard_w, homophily=homophily, rate=rate)
    out = x.copy()
    out[listens] = x[listens] + v["susceptibility"][listens] * (y - x[listens])
    return out


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
            room.facilitated,
            room.rng,
            can_speak=v["can_speak"][here],
        )
    return mask
