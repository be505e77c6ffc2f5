"""Who is in the room at a consultation, as arrays: the voices talk works on.

:func:`room_voices` puts the attending residents first, then the representatives present, the
organizations seated and the experts, one entry per voice (:data:`xsim.sim.talk.Voices`):
opinion ``x``, ``voice`` weight, stakeholder ``group``, high ``status``, ``susceptibility``,
``vote`` weight, representative number ``rep``, hall ``room``, ``resident`` row (−1 for the
others) and ``can_speak``. :func:`status_premium` is the extra voice of a high-status resident.
Parameters and sources: docs/model.md §7.5.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from xsim.forms import Form
    from xsim.sim.population import Population
    from xsim.sim.scenario import Behaviour

NEUTRAL = -1  # "group" of voices that speak for no stakeholder group (committee, experts)
EXPERT_VOICE = 2.0  # an expert's weight in discussion relative to a resident (ASSUMPTION)


def status_premium(behaviour: Behaviour, form: Form, facilitated: bool) -> float:
    """Extra voice of a high-status resident (``dominance`` − 1): cut by ``facilitation`` under a
    moderator or a hearing's procedure, none online."""
    if form.online:
        return 0.0
    premium = behaviour.dominance - 1.0
    if facilitated or form.built_in_turn_taking:
        premium *= 1.0 - behaviour.facilitation
    return premium


def room_voices(
    pop: Population,
    who: np.ndarray,
    x: np.ndarray,
    behaviour: Behaviour,
    form: Form,
    premium: float,
    can_speak: np.ndarray,
    reps: list[tuple[float, float, int, int]],
    orgs: list[tuple[float, float, int]],
    experts: list[float],
) -> dict[str, np.ndarray]:
    """The voices of the room. ``who``: the attending residents (rows of ``pop``), ``x`` their
    opinions after any briefing, ``can_speak`` whether each may take the floor; ``reps``:
    (position, voice, group, seat number) of the representatives present; ``orgs``: (position,
    voice, group) of the organizations seated; ``experts``: their assessed merits."""
    b = behaviour
    # x, voice, group, high status, susceptibility, vote weight, representative number
    others = (
        [(x_r, v * (1 + premium), g, 1, b.susceptibility / 2, 1, k) for x_r, v, g, k in reps]
        + [(position, v, g, 1, 0, 1, -1) for position, v, g in orgs]
        + [(merit, EXPERT_VOICE, NEUTRAL, 0, 0, 0, -1) for merit in experts]
    )
    cols = np.array(others, dtype=float).reshape(-1, 7).T
    room = pop.unit[who] if form.invite == "units" else np.zeros(who.size, dtype=int)
    voice = 1.0 + premium * pop.status[who]
    if premium >= b.dominance - 1.0 - 1e-12 and not form.online:
        # unmoderated, women claim fewer turns (Karpowitz, Mendelberg & Shaker 2012)
        voice = np.where(pop.female[who], voice * max(b.female_voice, 1e-6), voice)
    n_others = len(others)
    return {
        "x": np.concatenate([x, cols[0]]),
        "voice": np.concatenate([voice, cols[1]]),
        "can_speak": np.concatenate([can_speak, np.ones(n_others, dtype=bool)]),
        "rep": np.concatenate([np.full(who.size, -1), cols[6]]).astype(int),
        "group": np.concatenate([pop.group[who], cols[2]]).astype(int),
        "status": np.concatenate([pop.status[who], cols[3] > 0]),
        "susceptibility": np.concatenate([np.full(who.size, b.susceptibility), cols[4]]),
        "vote": np.concatenate([np.ones(who.size), cols[5]]),
        "room": np.concatenate([room, np.zeros(n_others, dtype=int)]),
        "resident": np.concatenate([who, np.full(n_others, -1)]),
    }
