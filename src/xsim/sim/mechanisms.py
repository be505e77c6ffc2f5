"""The model's mechanisms, each of which can be switched off (ablated), and their random streams.

A claim of the kit — a teaching point, a lesson sentence, a validation target — is evidence about
what people do only if it fails when the mechanism it rests on is switched off. A scenario's
``ablate:`` list (or ``ConsultationModel(..., ablate=...)``, ``run_once(..., ablate=...)``,
``Study(..., ablate=...)``, ``xsim run|compare|validate|scenarios --verify --ablate NAME``) names
the mechanisms switched off for a run. What each one switches off is :data:`MECHANISMS`; how the
model does it is in the methods named there (docs/model.md §7.11).

Every mechanism draws its random numbers from a stream of its own (:data:`STREAMS`, each a child
of the run's seed spawned in a fixed order), so switching one off never shifts the draws of
another: the same seed gives the same population, the same notices, the same attendance
decisions and the same speakers with and without talk.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["MECHANISMS", "STREAMS", "Mechanism", "ablation", "describe"]


@dataclass(frozen=True)
class Mechanism:
    key: str
    zh: str
    en: str
    off: str  # what switching it off does (English, for developers and docs)


def _registry(*items: Mechanism) -> MappingProxyType[str, Mechanism]:
    return MappingProxyType({m.key: m for m in items})


MECHANISMS: MappingProxyType[str, Mechanism] = _registry(
    Mechanism(
        "talk",
        "议事讨论改变意见",
        "talk changes opinions",
        "nobody's opinion moves through discussion: the talk structure, the argument exchange and "
        "the report-back to households leave opinions as they were (who speaks is unchanged)",
    ),
    Mechanism(
        "word_of_mouth",
        "口耳相传",
        "word of mouth",
        "news of a notice or meeting reaches an adult only through a channel, never from their "
        "household or acquaintances; those at home learn nothing of the matter from attendees",
    ),
    Mechanism(
        "amendments",
        "按意见修改方案",
        "amendments",
        "objections voiced at the consultation never change the plan",
    ),
    Mechanism(
        "trust",
        "信任变化",
        "trust dynamics",
        "trust in the committee stays as it was: soliciting opinions and the way the consultation "
        "treated one change nothing (later attendance reads the initial trust)",
    ),
    Mechanism(
        "turnout_response",
        "个人动机影响到会",
        "turnout responds to motives",
        "each adult's stake, trust and knowledge no longer move their own chance to attend: each "
        "term of the attendance logit is replaced by its mean over the adults concerned",
    ),
    Mechanism(
        "cascade",
        "从众效应",
        "neighbours' example",
        "no one comes because neighbours go (no Granovetter cascade): only one's own propensity",
    ),
    Mechanism(
        "briefing",
        "专家介绍",
        "expert briefing",
        "an expert or third party present informs no one: opinions and knowledge are not moved",
    ),
    Mechanism(
        "schooling_learning",
        "文化程度影响学习",
        "schooling in learning",
        "those below secondary completion learn as much of their knowledge gap as the others "
        "(every resident's learning factor is 1); who has which schooling is unchanged",
    ),
    Mechanism(
        "facilitation",
        "主持人引导",
        "facilitation",
        "a moderated room behaves as an unmoderated one: no cut of the status premium, turns go to "
        "whoever claims them (a hearing's built-in turn-taking too), listeners keep to their side",
    ),
    Mechanism(
        "status_voice",
        "发言机会不均",
        "unequal voice",
        "high-status residents and men claim no more of the floor than others: every resident's "
        "voice weight is 1 (no status premium, women's voice factor 1)",
    ),
    Mechanism(
        "age_attendance",
        "年龄影响到会",
        "age in attendance",
        "attendance has no age terms: the age offsets, the hour weights by age band, the online "
        "affinity by age band and the planning days are each replaced by their mean over adults",
    ),
    Mechanism(
        "tenure_attendance",
        "租住影响到会",
        "tenure in attendance",
        "tenants attend like owners (tenant offset 0)",
    ),
)

#: The run's random streams in the order they are spawned from its seed (append only: a new
#: stream at the end leaves every earlier one unchanged).
STREAMS: tuple[str, ...] = (
    "population",  # the synthetic village, its representatives
    "notice",  # first contact by a channel
    "word_of_mouth",  # who passes news on, how long it takes
    "invitation",  # which delegates are asked
    "attendance",  # each adult's own decision to come
    "floor",  # who gets a speaking turn
    "talk",  # seating at tables, online matchings, posts read
    "respected",  # respected figures who come
    "meeting",  # proxies and door-to-door ballots at a deciding meeting
    "supervision",  # what the supervision committee and the township notice
    "questionnaire",  # response errors in the answers to a poll's questionnaires
    "schooling",  # who finished secondary school, where a scenario gives its adults' schooling
)


def describe(key: str, lang: str = "zh") -> str:
    """A mechanism's name in ``lang`` (the key itself when unknown)."""
    m = MECHANISMS.get(key)
    return key if m is None else (m.en if lang == "en" else m.zh)


def ablation(names: Iterable[str] | None) -> frozenset[str]:
    """The set of mechanisms named (``ValueError`` for an unknown one: callers turn it into an
    input error naming the valid choices)."""
    chosen = frozenset(names or ())
    unknown = sorted(chosen - set(MECHANISMS))
    if unknown:
        raise ValueError(f"unknown mechanism(s) {unknown}; valid: {', '.join(MECHANISMS)}")
    return chosen
