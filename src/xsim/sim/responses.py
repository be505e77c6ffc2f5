"""What the consultation does to people after the talk: the plan amended for objections voiced,
the report-back to those at home, and trust in the committee.

Array functions over the population (:class:`xsim.sim.population.Population`) and the voices of
the consultation (:data:`xsim.sim.talk.Voices`); each returns new arrays and changes nothing in
place. :class:`xsim.sim.model.ConsultationModel` calls them when the consultation concludes.
Parameters, sources and ASSUMPTIONS: docs/model.md §7.6.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from xsim.sim.population import Population
    from xsim.sim.scenario import Behaviour

AMENDMENT_COST = 0.2  # share of the amendment's worth the other groups bear (ASSUMPTION)
REPORT_KNOWLEDGE = 0.1  # share of the knowledge gap closed by being told (ASSUMPTION)


def objecting_groups(
    voices: dict[str, np.ndarray],
    final: np.ndarray,
    speaking: np.ndarray,
    n_groups: int,
    abstain: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Per stakeholder group: (objected — its voices who spoke objected on average, their mean
    final position)."""
    said = speaking & (voices["group"] >= 0)
    g = voices["group"][said]
    counts = np.bincount(g, minlength=n_groups)
    mean = np.bincount(g, weights=final[said], minlength=n_groups) / np.maximum(counts, 1)
    return (counts > 0) & (mean < -abstain), mean


def amendment_shift(
    pop: Population, objecting: np.ndarray, mean: np.ndarray, room: float
) -> np.ndarray:
    """Per group, how far the amended plan moves its adults' opinion and stake: a group whose
    objection was voiced gains up to ``room`` (``topic.amend_room``), more for a stronger
    objection; the others bear ``AMENDMENT_COST`` of it, spread over their households
    (ASSUMPTION; responsiveness as in Fung 2006)."""
    n_groups = objecting.size
    gain = np.where(objecting, room * np.minimum(1.0, -mean / 0.5), 0.0)
    hh_share = np.bincount(pop.household_group, minlength=n_groups) / pop.n_households
    others = max(float(hh_share[~objecting].sum()), 1e-9)
    cost = AMENDMENT_COST * float((gain * hh_share).sum()) / others
    return np.where(objecting, gain, -cost)


def report_back(
    pop: Population,
    attended: np.ndarray,
    behaviour: Behaviour,
    rep_final: np.ndarray,
    rep_households: list[np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Those present tell their households and acquaintances; representatives report to the
    households that chose them. Returns (opinions after, who was told).

    A non-attendee moves toward the mean view of the attendees among their household and
    acquaintances, with weight ``report_back`` · susceptibility · k/(k+1) for k reporters; a
    household moves toward its representative's final position (``rep_final``, NaN for a seat
    that was not present) with weight ``rep_report`` · susceptibility. ASSUMPTION (two-step flow,
    Katz & Lazarsfeld 1955)."""
    b, att, x = behaviour, attended, pop.opinion
    hh_sum = np.add.reduceat(np.where(att, x, 0.0), pop.household_start)[pop.household]
    hh_cnt = np.add.reduceat(att.astype(float), pop.household_start)[pop.household]
    if pop.contacts.shape[1]:
        c_att = att[pop.contacts]
        hh_sum = hh_sum + (x[pop.contacts] * c_att).sum(axis=1)
        hh_cnt = hh_cnt + c_att.sum(axis=1)
    told = ~att & (hh_cnt > 0)
    heard_view = hh_sum / np.maximum(hh_cnt, 1.0)
    w = b.report_back * b.susceptibility * hh_cnt / (hh_cnt + 1.0)
    new = np.where(told, (1.0 - w) * x + w * heard_view, x)
    if np.isfinite(rep_final).any():
        block = np.full(pop.n_households, -1, dtype=np.int64)
        for k, households in enumerate(rep_households):
            if np.isfinite(rep_final[k]):
                block[households] = k
        mine = block[pop.household]
        reported = (mine >= 0) & ~att
        a = b.rep_report * b.susceptibility
        target = rep_final[np.maximum(mine, 0)]
        new = np.where(reported, (1.0 - a) * new + a * target, new)
        told = told | reported
    return new, told


def told_knowledge(knowledge: np.ndarray, told: np.ndarray) -> np.ndarray:
    """Those told of the consultation learn something of the matter (``REPORT_KNOWLEDGE`` of the
    gap; ASSUMPTION)."""
    return np.where(told, knowledge + REPORT_KNOWLEDGE * (1 - knowledge), knowledge)


def trust_after(
    trust: np.ndarray,
    had_voice: np.ndarray,
    unheard: np.ndarray,
    left_out: np.ndarray,
    amended_for: np.ndarray,
    conduct_trust: float,
) -> np.ndarray:
    """How the consultation treated one changes trust in the committee (ASSUMPTION, after Tyler
    1990: voice and respect build legitimacy): had a voice +``conduct_trust``, present but unheard
    −½ of it, left out (group not invited) −1, amended for +½."""
    d = conduct_trust
    delta = d * had_voice - 0.5 * d * unheard - d * left_out + 0.5 * d * amended_for
    return np.clip(trust + delta, 0.0, 1.0)
