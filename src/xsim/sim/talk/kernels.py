"""The kernels of talk in a room: who gets the floor, how listeners move, how tables are seated.

Array functions over the voices present (one entry per voice: residents, representatives,
organizations, experts), used by the talk structures of :mod:`xsim.sim.talk.structures`; the
published opinion-dynamics kernels they build on are :mod:`xsim.sim.talk.dynamics`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from xsim.forms import Form

# -- speaking turns --------------------------------------------------------------------------------


def speakers(
    form: Form,
    voice: np.ndarray,
    group: np.ndarray,
    facilitated: bool,
    rng: np.random.Generator,
    can_speak: np.ndarray | None = None,
) -> np.ndarray:
    """Boolean mask of the voices that get a speaking turn.

    Unfacilitated: turns go to whoever claims them, with chances growing with voice squared
    (high-status voices speak first and longest). Facilitated, or a hearing (whose procedure gives
    each side its turn): the moderator shares turns out equally between the groups present, then
    in random order within a group. ``can_speak`` (default all) excludes voices that only listen
    (a hearing's public audience).
    """
    if can_speak is not None and not can_speak.all():
        mask = np.zeros(voice.size, dtype=bool)
        idx = np.flatnonzero(can_speak)
        if idx.size:
            mask[idx] = speakers(form, voice[idx], group[idx], facilitated, rng)
        return mask
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


def audience_equilibrium(
    x0: np.ndarray,
    speakers_x: np.ndarray,
    speakers_voice: np.ndarray,
    epsilon: float,
    susceptibility: np.ndarray,
    self_weight: float,
) -> np.ndarray:
    """Friedkin–Johnsen equilibrium of listeners who hear fixed speakers and are not heard back.

    With the speakers' final positions fixed, each listener's equilibrium solves
    x = s·(self·x + P)/(self + W) + (1 − s)·x0, P and W the voice-weighted sum and total of the
    speakers within ε of the listener's first view; so x = (s·P/(self + W) + (1 − s)·x0) /
    (1 − s·self/(self + W)). O(listeners · speakers), instead of inverting the whole room.
    """
    close = np.abs(x0[:, None] - speakers_x[None, :]) <= epsilon + 1e-12
    total = close @ speakers_voice
    pull = close @ (speakers_voice * speakers_x)
    denom = self_weight + total
    keep = 1.0 - susceptibility * self_weight / denom
    safe = np.where(keep > 1e-12, keep, 1.0)
    x = (susceptibility * pull / denom + (1.0 - susceptibility) * x0) / safe
    return np.clip(np.where(total > 0, x, x0), -1.0, 1.0)  # hearing no one within ε: unmoved


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
