"""Statistics of the Zeguo deliberative poll (scenario ``zeguo_deliberative_poll``).

Fishkin, He, Luskin & Siu (2010) report 9 project indices rated 0–10 (scaled 0–1) before and after
the day: the two rated highest (sewage treatment 0.829, Wenchang main avenue 0.825) and seven rated
0.59–0.71. The model deliberates one matter per run, so each index is a run whose participants'
initial opinions are the published pre-deliberation distribution of that kind of project, mapped to
the model's −1…+1 scale (x ↦ 2x − 1): a *top* project (mean 0.829, sd 0.237) and a *middling* one
(mean 0.636, the mean of the seven; sd 0.26, their typical sd). Both are inputs from the first
questionnaire, never from the outcome. Those sds are of answers, which carry response error; the
participants' opinions are set less spread, sd × √(1 − e) with e = ``behaviour.response_error``, so
that their answers on arrival have the published sd (classical test theory). The briefing is
balanced (Deliberative Polls' rule), and which way each project's informed view lies is not known
without the respondent files, so the experts' assessment of merit is set at the sample's initial
mean: it informs without pulling. That is this case's assumption, not what balanced briefings do:
real polls' groups move their mean answers about 0.1 (0–1) per item (docs/model.md §7.5, *How far
real polls move their groups*). Statistics over rooms pool the two kinds 2 : 7, as the paper's 9
indices are, and read the participants' answers to the questionnaires (the ``surveyed_*`` measures),
as Luskin et al. did.
"""

from __future__ import annotations

import numpy as np

from xsim.validation.registry import Estimate, mean_of, missing, statistic
from xsim.validation.runs import has, load, model_runs, reps

SCENARIO = "zeguo_deliberative_poll"
#: the form that invites a random sample
POLL_FORM = "deliberative_poll"

#: pre-deliberation distributions of the two kinds of project, on the 0–1 scale of the paper
PROJECTS = {"top": (0.829, 0.237), "middling": (0.636, 0.26)}
#: the paper's 9 indices: 2 top, 7 middling
WEIGHTS = {"top": 2, "middling": 7}


def _form() -> str:
    scenario = load(SCENARIO)
    return scenario.organizer.form or scenario.forms[0]


def poll_runs(project: str, fast: bool, seed: int, merit: float | None = None):
    """Rows of the poll with every participant's initial opinion drawn like ``project``'s.

    ``merit`` is the experts' assessment the briefing pulls toward (−1…+1); by default the sample's
    initial mean, a balanced briefing. Another value is for studying the model (docs/model.md §7.5:
    no merit lifts the top project into Zeguo's band), never for a target's statistic."""
    mean01, sd01 = PROJECTS[project]
    error = load(SCENARIO).behaviour.response_error
    mean, sd = 2 * mean01 - 1, 2 * sd01 * float(np.sqrt(1.0 - error))
    overrides: dict = {"topic.merit": round(mean if merit is None else merit, 4)}
    for g in load(SCENARIO).stakeholder_groups:
        overrides[f"stakeholder_groups.{g.id}.opinion.mean"] = round(mean, 4)
        overrides[f"stakeholder_groups.{g.id}.opinion.sd"] = round(sd, 4)
    return model_runs(SCENARIO, [_form()], reps(fast), seed, overrides)


def priority_change(project: str, fast: bool, seed: int, merit: float | None = None) -> Estimate:
    """Mean change (after − before, −1…+1) of the participants' mean opinion on ``project``."""
    rows = poll_runs(project, fast, seed, merit)
    change = rows["opinion_after"] - rows["opinion_before"]
    return mean_of(change.to_numpy(float), seed)


@statistic("zeguo_top_priority_change")
def zeguo_top_priority_change(fast: bool, seed: int) -> Estimate:
    """Mean change of the participants' mean opinion (after − before, −1…+1) on a project the
    sample rated highly before deliberation (initial opinions ~ N(0.658, 0.474), clipped)."""
    return priority_change("top", fast, seed)


@statistic("zeguo_middling_priority_change")
def zeguo_middling_priority_change(fast: bool, seed: int) -> Estimate:
    """Mean change of the participants' mean opinion on a project the sample rated only moderately
    before deliberation (initial opinions ~ N(0.272, 0.52), clipped)."""
    return priority_change("middling", fast, seed)


def _pooled(measure: str, fast: bool, seed: int) -> Estimate:
    values, weights = [], []
    for project, weight in WEIGHTS.items():
        rows = poll_runs(project, fast, seed)
        if not has(rows, measure):
            return missing(f"the model does not produce the measure '{measure}'")
        x = rows[measure].dropna().to_numpy(float)
        values.append(x)
        weights.append(np.full(x.size, weight / max(x.size, 1)))
    x, w = np.concatenate(values), np.concatenate(weights)
    if x.size == 0:
        return missing(f"no run produced '{measure}'")
    # weighted mean with the interval of the pooled runs, shifted to the weighted mean
    plain = mean_of(x, seed)
    value = float(np.average(x, weights=w))
    shift = value - plain.value
    return Estimate(value, plain.low + shift, plain.high + shift, plain.n, plain.note)


@statistic("zeguo_rooms_spread_fell")
def zeguo_rooms_spread_fell(fast: bool, seed: int) -> Estimate:
    """Share of the poll's discussion groups whose answers were less spread (sd) at the end than on
    arrival: the measure ``surveyed_rooms_spread_fell``, top and middling projects pooled 2 : 7."""
    return _pooled("surveyed_rooms_spread_fell", fast, seed)


@statistic("zeguo_rooms_away_from_neutral")
def zeguo_rooms_away_from_neutral(fast: bool, seed: int) -> Estimate:
    """Share of the poll's discussion groups whose mean answer moved further from the scale's
    midpoint: the measure ``surveyed_rooms_away_from_neutral``, pooled 2 : 7."""
    return _pooled("surveyed_rooms_away_from_neutral", fast, seed)


@statistic("zeguo_rooms_toward_high_status")
def zeguo_rooms_toward_high_status(fast: bool, seed: int) -> Estimate:
    """Share of the poll's discussion groups with both high-status and other residents whose mean
    moved toward the high-status members' mean answer on arrival (the model's status stands in for
    the paper's education): the measure ``surveyed_rooms_toward_high_status``, pooled 2 : 7."""
    return _pooled("surveyed_rooms_toward_high_status", fast, seed)


@statistic("zeguo_knowledge_gain")
def zeguo_knowledge_gain(fast: bool, seed: int) -> Estimate:
    """Mean gain in knowledge (0–1) of the residents present, after talk minus before the
    briefing: ``knowledge_after − knowledge_before`` per run, both kinds of project pooled."""
    gains = []
    for project in WEIGHTS:
        rows = poll_runs(project, fast, seed)
        if not (has(rows, "knowledge_before") and has(rows, "knowledge_after")):
            return missing("the model does not produce 'knowledge_before' and 'knowledge_after'")
        gains.extend((rows["knowledge_after"] - rows["knowledge_before"]).to_numpy(float))
    return mean_of(gains, seed)


@statistic("zeguo_invited_attendance")
def zeguo_invited_attendance(fast: bool, seed: int) -> Estimate:
    """Share of the invited random sample who came: ``attended / invited`` per run."""
    if _form() != POLL_FORM:
        return missing(
            f"the poll needs the random-sample form '{POLL_FORM}' (the scenario uses '{_form()}')"
        )
    rows = poll_runs("middling", fast, seed)
    ok = rows["invited"] > 0
    if not ok.any():
        return missing("nobody was invited")
    return mean_of((rows["attended"][ok] / rows["invited"][ok]).to_numpy(float), seed)
