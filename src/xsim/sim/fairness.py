"""Perceived fairness from each person's own experience of the consultation, and complaints.

Procedural justice (Thibaut & Walker 1975; Lind & Tyler 1988; Tyler 1990, *Why People Obey the
Law*): people judge a procedure by whether they had a voice, whether what they said was taken
into account, whether they were treated with neutrality and respect, whether they were told what
was decided and why — and, less, by whether they won. Each component below is computed per adult
from what happened to *that* adult in the run (:class:`xsim.sim.run_state.RunState`), never from
what happened to their group or their representative alone:

- **voice** — they spoke (1); they were in the room and their group's view was voiced there
  (0.6); they were not there, their group's view was voiced — by a neighbour, their
  representative or an organization speaking for them — and they heard back from it (0.4: being
  represented is not being heard, and a report-back counts as partial voice only for those it
  reached); they were in the room unheard, or only heard of it from family and neighbours (0.2);
  invited but absent (0.1); left out (0);
- **heard** (consideration) — the plan was amended for their group, or they had a voice and their
  side prevailed (1); they had a voice but lost and nothing changed for them (0.3); otherwise 0;
- **respect** (neutrality) — in a room where a moderator (or a hearing's procedure) shared the
  floor (1); in an unmoderated room, high-status residents (0.9) and the others, whom the
  high-status crowd out (0.4); invited but absent: 0.5, or 0.8 when they heard back from a
  moderated one (they judge its even-handedness from what they are told); their group left out
  (0);
- **information** — told the result (1);
- **explanation** — those the decision went against: explained to (1) or not (0); the others 1
  (Tyler 1990 ch. 11: an explanation of a loss is what makes it acceptable);
- **outcome** — 1 − |decision − own opinion| / 2 (outcome favourability, weighted least).

The weights (:data:`FAIRNESS_WEIGHTS`) and the partial values are ASSUMPTIONS of this kit, set so
that voice weighs most (Tyler 1990: voice and respect are the strongest antecedents). Sources and
tests: docs/model.md §7.9.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from xsim.sim.run_state import RunState

FAIRNESS_WEIGHTS = {
    "voice": 0.25,
    "heard": 0.15,
    "respect": 0.15,
    "information": 0.15,
    "explanation": 0.15,
    "outcome": 0.15,
}
COMPLAINT_STAKE = 0.3  # |stake| from which a loser without a fair hearing complains (ASSUMPTION)


def lost(state: RunState) -> np.ndarray:
    """Adults whose view is opposite to the decision that stands (beyond the abstention band)."""
    side = 1.0 if state.trace.in_force else -1.0
    return side * state.pop.opinion < -state.behaviour.abstain


def group_voiced(state: RunState) -> np.ndarray:
    """Per adult: someone of their stakeholder group spoke at the consultation (a resident, a
    representative, or an organization speaking for the group)."""
    v, speaking = state.trace.voices, state.trace.speaking
    n_groups = len(state.spec.group_ids)
    voiced = np.zeros(n_groups, dtype=bool)
    if v and speaking.size:
        said = v["group"][speaking & (v["group"] >= 0)]
        voiced[said] = True
    return voiced[state.pop.group]


def had_voice(state: RunState) -> np.ndarray:
    """Adults whose view was put in the room: they spoke, their group spoke while they were there,
    or their group spoke and they heard back from it."""
    return state.spoke | state.heard | (group_voiced(state) & state.reported)


def fairness_components(state: RunState) -> dict[str, np.ndarray]:
    """Per adult, each component of perceived fairness in 0..1 (see the module docstring)."""
    pop, trace = state.pop, state.trace
    invited_group = state.group_invited[pop.group]
    present = state.attended
    represented = group_voiced(state) & state.reported
    voice = np.select(
        [state.spoke, state.heard, represented, present | state.reported, state.invited],
        [1.0, 0.6, 0.4, 0.2, 0.1],
        default=0.0,
    )
    voiced = had_voice(state)
    lose = lost(state)
    amended = state.amended[pop.group]
    heard = np.select([amended | (voiced & ~lose), voiced], [1.0, 0.3], default=0.0)
    in_room = 1.0 if state.moderated else np.where(pop.status, 0.9, 0.4)
    # those not there judge how even-handedly it was run from what they hear back
    heard_back = 0.8 if state.moderated else 0.5
    at_home = np.where(state.reported, heard_back, 0.5)
    respect = np.where(present, in_room, np.where(invited_group, at_home, 0.0))
    result = 1.0 if trace.in_force else -1.0
    return {
        "voice": voice,
        "heard": heard,
        "respect": respect,
        "information": state.told_result.astype(float),
        "explanation": (~lose | state.explained).astype(float),
        "outcome": 1.0 - np.abs(result - pop.opinion) / 2.0,
    }


def perceived_fairness(state: RunState) -> np.ndarray:
    """Per adult, 0..1: the weighted procedural-justice components of what happened to them."""
    parts = fairness_components(state)
    return sum(FAIRNESS_WEIGHTS[k] * parts[k] for k in FAIRNESS_WEIGHTS)


def complaints(state: RunState) -> np.ndarray:
    """Adults likely to complain (信访, petitions).

    Those the decision went against who have a real stake (|stake| ≥ ``COMPLAINT_STAKE``) and
    either had no fair hearing — no voice and no explanation (Tyler 1990: people accept losing
    after a fair hearing) — or lost to a decision that is void in law (a ground to complain
    whatever the hearing was; :meth:`xsim.sim.deciding.DecidingSteps.contest`). ASSUMPTION.
    """
    stake = np.abs(state.pop.stake) >= COMPLAINT_STAKE
    unheard = lost(state) & ~had_voice(state) & ~state.explained
    out = unheard & stake
    if state.trace.adopted_unlawfully:
        out |= (state.pop.opinion < -state.behaviour.abstain) & stake
    return out
