"""The measure registry: every measure of a run declared once.

A :class:`Measure` has its key (a column of :meth:`xsim.sim.model.Run.to_dict`), its Chinese and
English names, how a reader sees it (``fmt``), which way is better (``direction``), where it comes
from (``origin``: the run's measures, :mod:`xsim.sim.outcome`, or the rules engine's verdict,
:mod:`xsim.sim.verdict`) and what it measures on what basis (``source``). Labels
(:func:`label`, :func:`xsim.experiments.labels.measure_label`), the widgets' formats and reading
hints (:func:`reading_hint`), tables, figures and the measures table of docs/model.md
(:func:`markdown_table`) derive from here. A new measure is one declaration here plus its
computation in :mod:`xsim.sim.outcome` and its test (``tests/test_measures.py`` fails for a column
without a declaration, or a declaration without a column).

Per-category measures are columns ``<key>.<category>`` (``participation.age_old``,
``fairness.group.<id>``): :data:`PER_CATEGORY` names the keys that have them.

Standard library only: the CLI, the widgets and the docs import it without the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = [
    "HEADER",
    "MEASURES",
    "PER_CATEGORY",
    "Measure",
    "label",
    "markdown_table",
    "reading_hint",
]

Format = Literal["pct", "num", "int", "bool", "text"]
Direction = Literal["higher", "lower", "toward_one", "none"]
Origin = Literal["outcome", "verdict"]


@dataclass(frozen=True)
class Measure:
    key: str
    zh: str
    en: str
    fmt: Format  # pct: a 0..1 share shown as %; bool: a share of runs when averaged
    direction: Direction  # which way is better for the consultation ("none": no better side)
    source: str  # what it measures and on what basis (English, for developers and docs)
    origin: Origin = "outcome"

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


HEADER = Measure("measure", "指标", "measure", "text", "none", "the header of a measures column")
"""The word for "measure" in a table header."""


def _registry(*measures: Measure) -> MappingProxyType[str, Measure]:
    out: dict[str, Measure] = {}
    for m in measures:
        if m.key in out:
            raise ValueError(f"measure {m.key!r} declared twice")
        out[m.key] = m
    return MappingProxyType(out)


MEASURES: MappingProxyType[str, Measure] = _registry(
    Measure("residents", "居民人数", "residents", "int", "none", "adults in the population"),
    Measure("households", "户数", "households", "int", "none", "households in the population"),
    Measure("invited", "受邀人数", "invited", "int", "none", "adults the form and organizer asked"),
    Measure(
        "attended", "参与人数", "attended", "int", "none", "adults present at the consultation"
    ),
    Measure(
        "participation",
        "参与率",
        "participation",
        "pct",
        "higher",
        "adults who took part in person or through a representative present / adults",
    ),
    Measure(
        "informed_in_time",
        "及时获知比例",
        "informed in time",
        "pct",
        "higher",
        "adults who learned of the consultation at least the local rule's notice days before it",
    ),
    Measure(
        "representativeness_groups",
        "代表性偏差",
        "representativeness gap",
        "num",
        "lower",
        "total-variation distance, those taking part vs. adults, over stakeholder groups",
    ),
    Measure(
        "representativeness_demographic",
        "人口构成偏差",
        "demographic composition gap",
        "num",
        "lower",
        "total-variation distance over age × registration × tenure cells",
    ),
    Measure(
        "representativeness_stake",
        "利益构成偏差",
        "stake composition gap",
        "num",
        "lower",
        "total-variation distance, those taking part vs. |stake|-weighted adults, over groups",
    ),
    Measure(
        "voice_dominance",
        "强势发言倍数",
        "voice dominance",
        "num",
        "toward_one",
        "high-status share of speakers / their share of voices present (1: in proportion)",
    ),
    Measure(
        "opinion_before",
        "协商前平均意见",
        "mean opinion before",
        "num",
        "none",
        "mean opinion of the voices present on arrival, before the briefing and the talk (a "
        "deliberative poll's first survey)",
    ),
    Measure(
        "opinion_after",
        "协商后平均意见",
        "mean opinion after",
        "num",
        "none",
        "mean opinion of the voices present, after talk",
    ),
    Measure(
        "opinion_change",
        "意见变化幅度",
        "opinion change",
        "num",
        "none",
        "mean absolute change of opinion of the voices present through the talk",
    ),
    Measure(
        "opinion_change_p",
        "意见净变化的显著性",
        "significance of net opinion change",
        "num",
        "none",
        "p value of the paired t-test (scipy.stats.ttest_rel) of the opinions of the residents and "
        "representatives present, after talk vs on arrival: the test over participants a "
        "deliberative poll applies to its pre/post answers (Luskin, Fishkin & Jowell 2002)",
    ),
    Measure(
        "opinion_spread_before",
        "协商前意见离散度",
        "opinion spread before",
        "num",
        "none",
        "standard deviation of the opinions of the voices present, before talk",
    ),
    Measure(
        "opinion_spread_after",
        "协商后意见离散度",
        "opinion spread after",
        "num",
        "none",
        "standard deviation of the same voices' opinions after talk",
    ),
    Measure(
        "polarization",
        "极化程度",
        "polarization",
        "num",
        "lower",
        "bimodality of the opinions present after talk, 0 normal … 1 two camps (Sarle's "
        "coefficient rescaled; DiMaggio, Evans & Bryson 1996)",
    ),
    Measure(
        "knowledge_before",
        "协商前知情程度",
        "knowledge before",
        "num",
        "higher",
        "mean knowledge (0..1) of the residents present, before the briefing",
    ),
    Measure(
        "knowledge_briefed",
        "专家介绍后知情程度",
        "knowledge after the briefing",
        "num",
        "higher",
        "mean knowledge of the residents present after the briefing, before the talk",
    ),
    Measure(
        "knowledge_after",
        "协商后知情程度",
        "knowledge after",
        "num",
        "higher",
        "mean knowledge of the residents present after the briefing and the talk",
    ),
    Measure(
        "knowledge_gain_schooling_gap",
        "不同文化程度者知情程度增幅之差",
        "knowledge gain gap by schooling",
        "num",
        "none",
        "mean knowledge gain (briefing and talk) of the residents present with secondary schooling "
        "or more, minus that of those below secondary completion (only where a scenario gives its "
        "adults' schooling)",
    ),
    Measure(
        "rooms_spread_fell",
        "意见趋同的小组比例",
        "rooms whose spread fell",
        "pct",
        "none",
        "share of discussion rooms (tables, halls) whose residents' opinion sd fell during talk",
    ),
    Measure(
        "rooms_toward_high_status",
        "向强势者靠拢的小组比例",
        "rooms toward high status",
        "pct",
        "lower",
        "share of rooms with high-status and other residents whose mean moved toward the "
        "high-status members' initial mean (domination; Luskin et al. 2022)",
    ),
    Measure(
        "rooms_away_from_neutral",
        "意见更趋极端的小组比例",
        "rooms away from neutral",
        "pct",
        "none",
        "share of rooms whose mean opinion moved further from neutral (group polarization)",
    ),
    Measure(
        "surveyed_change_p",
        "问卷显示意见净变化的显著性",
        "significance of net change in the answers",
        "num",
        "none",
        "p value of the paired t-test of the answers of the residents and representatives present "
        "to the poll's 0–10 questionnaire on arrival and at the end (answers carry response error: "
        "xsim.sim.questionnaire)",
    ),
    Measure(
        "surveyed_rooms_spread_fell",
        "问卷显示意见趋同的小组比例",
        "rooms whose spread fell in the answers",
        "pct",
        "none",
        "share of discussion rooms whose residents' answers to the questionnaire at the end are "
        "less spread (sd) than on arrival: the homogenization frequency of Luskin et al. 2022",
    ),
    Measure(
        "surveyed_rooms_toward_high_status",
        "问卷显示向强势者靠拢的小组比例",
        "rooms toward high status in the answers",
        "pct",
        "lower",
        "share of rooms with high-status and other residents whose mean answer moved toward the "
        "high-status members' mean answer on arrival",
    ),
    Measure(
        "surveyed_rooms_away_from_neutral",
        "问卷显示意见更趋极端的小组比例",
        "rooms away from neutral in the answers",
        "pct",
        "none",
        "share of rooms whose mean answer moved further from the scale's midpoint (rooms whose "
        "mean answer on arrival was exactly the midpoint left out): the polarization frequency of "
        "Luskin et al. 2022",
    ),
    Measure(
        "support",
        "支持率",
        "support",
        "pct",
        "none",
        "weighted share for the proposal among the voices present who take a side",
    ),
    Measure(
        "consultation_outcome",
        "协商结果",
        "consultation outcome",
        "text",
        "none",
        "consensus | majority | disputed (the notice's words, §4, §4.6)",
    ),
    Measure(
        "consensus",
        "达成共识",
        "consensus reached",
        "bool",
        "none",
        "the consultation concluded in consensus",
    ),
    Measure(
        "escalated",
        "提交决策会议",
        "escalated",
        "bool",
        "none",
        "the matter went to a separately convened deciding meeting (§4.6)",
    ),
    Measure(
        "decided",
        "作出决定",
        "decided",
        "bool",
        "higher",
        "a deciding meeting reached its quorum, or an undisputed, lawful conclusion",
    ),
    Measure(
        "assembly_kind",
        "决策会议",
        "deciding meeting",
        "text",
        "none",
        "the kind of deciding meeting held (empty: none)",
    ),
    Measure(
        "quorum_margin",
        "到会距法定人数",
        "turnout above quorum",
        "num",
        "none",
        "the deciding meeting's turnout minus its quorum, as a share of the members (the route "
        "closest to passing); near 0: the decision rests on a few people coming or not",
    ),
    Measure(
        "majority_margin",
        "赞成距法定比例",
        "yes votes above majority",
        "num",
        "none",
        "the deciding meeting's yes votes minus the majority it needs, as a share of the base",
    ),
    Measure(
        "adopted",
        "方案依法通过",
        "adopted lawfully",
        "bool",
        "none",
        "the competent body adopted the proposal and nothing in law voids the decision",
    ),
    Measure(
        "adopted_unlawfully",
        "违法作出的通过决定",
        "adopted unlawfully",
        "bool",
        "lower",
        "the body said yes but the decision is void or revocable in law (a body without "
        "competence, the wrong electorate, the meeting's notice, quorum or majority, content)",
    ),
    Measure(
        "implemented", "得到落实", "implemented", "bool", "none", "the decision was implemented"
    ),
    Measure(
        "days_to_decision",
        "决定用时（天）",
        "days to decision",
        "int",
        "lower",
        "days from the start to the decision (or the consultation)",
    ),
    Measure(
        "result_informed",
        "知晓结果比例",
        "told the result",
        "pct",
        "higher",
        "adults told the result (publicity, feedback, explanations; §4.4, §5.2)",
    ),
    Measure(
        "fairness",
        "公平感",
        "perceived fairness",
        "num",
        "higher",
        "mean perceived procedural fairness of adults, 0..1 (Lind & Tyler 1988; Tyler 1990)",
    ),
    Measure(
        "complaints",
        "可能投诉者比例",
        "likely complainants",
        "pct",
        "lower",
        "adults with a real stake who lost without a fair hearing, or to an unlawful decision",
    ),
    Measure(
        "decision_quality",
        "决定质量",
        "decision quality",
        "num",
        "higher",
        "1 − |decision − merit| / 2, decision +1 adopted / −1 not",
    ),
    Measure(
        "person_hours",
        "投入工时（人·小时）",
        "person-hours",
        "int",
        "lower",
        "participants' and organizers' hours",
    ),
    Measure("money_yuan", "费用（元）", "money (yuan)", "int", "lower", "money spent"),
    Measure(
        "subsidies_yuan",
        "误工补贴（元）",
        "subsidies (yuan)",
        "int",
        "none",
        "lost-work subsidies paid to organizers (§6.4)",
    ),
    Measure(
        "supervision_noticed",
        "监督发现次数",
        "noticed by supervision",
        "int",
        "none",
        "breaches the supervision committee or township noticed and had put right",
    ),
    Measure(
        "voice_share",
        "发言者占比",
        "share of speakers",
        "pct",
        "none",
        "per category: its share of the residents present who spoke",
    ),
    Measure(
        "final_opinion",
        "最终意见",
        "final opinion",
        "num",
        "none",
        "per category: mean opinion of its adults at the end of the run (−1 against … +1 for)",
    ),
    Measure(
        "amended",
        "方案为其调整",
        "plan amended for",
        "bool",
        "none",
        "per stakeholder group: the plan was amended for its voiced objection",
    ),
    Measure(
        "attendance_share",
        "到场者占比",
        "share of those present",
        "pct",
        "none",
        "per category: its share of the residents present",
    ),
    Measure(
        "n_violations",
        "违规项数",
        "violations",
        "num",
        "lower",
        "violations the rules engine found in the run's record",
        "verdict",
    ),
    Measure(
        "n_warnings",
        "提示项数",
        "warnings",
        "num",
        "lower",
        "warnings the rules engine found in the run's record",
        "verdict",
    ),
    Measure(
        "compliant",
        "合规",
        "compliant",
        "bool",
        "higher",
        "the record has no violation",
        "verdict",
    ),
)

#: Measures that also have a column per reporting category (``<key>.<category>``).
PER_CATEGORY: tuple[str, ...] = (
    "participation",
    "fairness",
    "voice_share",
    "attendance_share",
    "final_opinion",
    "amended",
)


def label(key: str, lang: str = "zh") -> str:
    """The name of a measure in ``lang``; the key itself when it is not a measure."""
    m = MEASURES.get(key)
    return key if m is None else m.label(lang)


_HINTS = {"lower": "（越小越好）", "toward_one": "（越接近1越均衡）"}


def reading_hint(key: str) -> str:
    """A short Chinese reading hint for a trainee: which way is better, or the scale (0—1)."""
    m = MEASURES[key]
    if m.direction in _HINTS:
        return _HINTS[m.direction]
    if m.fmt == "num" and m.direction == "higher":
        return "（0—1）"
    return ""


def markdown_table() -> str:
    """The measures as a Markdown table (docs/model.md §7.9 holds it; a test keeps them equal)."""
    rows = [
        "| measure | 中文 | format | better | from | what it measures |",
        "|---|---|---|---|---|---|",
    ]
    for m in MEASURES.values():
        rows.append(f"| `{m.key}` | {m.zh} | {m.fmt} | {m.direction} | {m.origin} | {m.source} |")
    return "\n".join(rows)
