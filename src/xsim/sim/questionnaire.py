"""The questionnaire a deliberative poll gives its participants before and after: what it records.

A poll never sees opinions, only answers: each participant rates the matter on a 0–10 scale on
arrival and again at the end. An answer is the participant's opinion (mapped from −1…+1 to 0…1)
plus a response error, rounded to a whole scale point. The error is classical — independent
between people and between the two questionnaires, mean 0 — and its size is stated as the share
of the variance of the first answers it makes up, ``behaviour.response_error``:
``error sd = sd of the opinions × √(e / (1 − e))`` (docs/model.md §7.13).

Why it matters: statistics such as "the spread fell in 57 % of the groups" (Luskin et al. 2022)
are computed from answers. Without an error, a model in which talk moves opinions a little shows a
falling spread in nearly every group, and a model without talk shows none; a questionnaire shows
about half either way, and only the size of the departure from half is evidence.

The measures built on the answers are the ``surveyed_*`` measures of :mod:`xsim.sim.outcome`; the
model's own opinions are untouched.
"""

from __future__ import annotations

import numpy as np

#: Scale points of the poll's rating questions (0–10, as in the Zeguo poll).
SCALE_POINTS = 11


def error_sd(opinions: np.ndarray, error_share: float) -> float:
    """Response-error sd on the 0…1 scale that makes ``error_share`` of the answers' variance,
    given the opinions (−1…+1) of the people asked."""
    if opinions.size < 2 or error_share <= 0.0:
        return 0.0
    true_sd = float(np.std(opinions)) / 2.0  # −1…+1 → 0…1
    return true_sd * float(np.sqrt(error_share / (1.0 - error_share)))


def answers(opinions: np.ndarray, sd: float, rng: np.random.Generator) -> np.ndarray:
    """The answers (on the model's −1…+1 scale, whole scale points) to one questionnaire."""
    steps = SCALE_POINTS - 1
    raw = (opinions + 1.0) / 2.0 + rng.normal(0.0, sd, opinions.shape)
    return np.clip(np.round(raw * steps), 0, steps) / steps * 2.0 - 1.0
