"""Schooling and learning: participants without secondary schooling learn less at a consultation.

Across the face-to-face Deliberative Polls, participants below secondary completion gained less
knowledge during a poll than those with secondary schooling or more, although they had more left to
learn (soodoku/dp-learning ``tabs/knowledge_gaps_by_poll.csv``; docs/model.md §7.5). A scenario
that gives its adults' schooling (``population.schooling``) gets that difference: each resident is
drawn as below secondary completion or not (stream ``schooling``, so no other draw moves), those
with secondary schooling start ``knowledge_gap`` better informed, and the share of their knowledge
gap a briefing or a discussion closes is scaled by :func:`learning_factor`. A scenario without it
is not changed at all: everyone's factor is 1, the average participant's of the polls the
briefing's and the discussion's learning were calibrated on (§7.10).
"""

from __future__ import annotations

import numpy as np

from xsim.sim.scenario import Behaviour, Scenario

#: ``schooled`` codes: not modelled (the scenario gives no schooling), below secondary completion,
#: secondary schooling or more (dp-data's education 0 vs 0.5 / 1)
UNKNOWN, BELOW_SECONDARY, SECONDARY = -1, 0, 1

#: Share of participants below secondary completion in the 15 face-to-face polls with schooling
#: data among the 17 the learning is calibrated on (C-DP-KNOWLEDGE), mean over polls
#: (soodoku/dp-learning ``tabs/knowledge_gaps_by_poll.csv``: 0.003 … 0.612). A resident's factor is
#: normalised so that a poll of this mix learns on average as the calibrated parameters say.
REFERENCE_BELOW_SECONDARY = 0.218


def draw_schooling(
    scenario: Scenario, rng: np.random.Generator, knowledge: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each adult's schooling code and their knowledge shifted by it (same mean before clipping).

    Without ``population.schooling`` nothing is drawn and the knowledge is returned unchanged."""
    mix = scenario.population.schooling
    n = knowledge.size
    if mix is None:
        return np.full(n, UNKNOWN, dtype=np.int8), knowledge
    schooled = rng.random(n) >= mix.below_secondary
    # those with secondary schooling know ``knowledge_gap`` more; the mean stays where it was
    shift = mix.knowledge_gap * (schooled - (1.0 - mix.below_secondary))
    return schooled.astype(np.int8), np.clip(knowledge + shift, 0.0, 1.0)


def learning_factor(schooled: np.ndarray, behaviour: Behaviour) -> np.ndarray:
    """Per resident, the factor on the share of the knowledge gap a briefing or a discussion closes.

    Below secondary completion the factor is ``less_schooled_learning`` times that of the others;
    both are scaled so that the polls' reference mix (:data:`REFERENCE_BELOW_SECONDARY`) averages
    1. Residents whose schooling is not modelled get 1."""
    ratio = behaviour.less_schooled_learning
    p = REFERENCE_BELOW_SECONDARY
    others = 1.0 / (1.0 - p + p * ratio)
    return np.select(
        [schooled == BELOW_SECONDARY, schooled == SECONDARY], [ratio * others, others], 1.0
    )


def schooling_gap(gain: np.ndarray, schooled: np.ndarray) -> float | None:
    """Mean ``gain`` of those with secondary schooling minus that of those below secondary
    completion (None unless both are among them)."""
    more, less = gain[schooled == SECONDARY], gain[schooled == BELOW_SECONDARY]
    if more.size == 0 or less.size == 0:
        return None
    return float(more.mean() - less.mean())


def closed_share(share: float | np.ndarray, factor: np.ndarray) -> np.ndarray:
    """The share of the gap closed after scaling, never more than the whole gap."""
    return np.minimum(np.asarray(share, dtype=float) * factor, 1.0)
