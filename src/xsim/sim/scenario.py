"""Scenarios: a village or community, a matter, and the organizer's default choices, as YAML.

A scenario says who lives there (``population``, ``stakeholder_groups``), who else has a say
(``organizations``, ``representatives``), what is to be consulted on (``topic``), what the
organizer does by default (``organizer``), which forms it compares (``forms``) and which local
rules apply (``rules``). The model reads nothing else, so a trainee's widget choice or a policy
team's variant is just an override: ``scenario.with_overrides({"organizer.notice_days": 3})``.

Bad input never raises a pydantic or YAML traceback: :func:`load_scenario` raises
:class:`xsim.errors.InputError` naming the file, the field path, the YAML line and the valid
choices. Files are read by the one input layer (:mod:`xsim.io`: YAML 1.2 core types, no anchors,
aliases or tags, a size limit). Every number has a documented range, enforced here (the bound
types below; :func:`scenario_ranges` lists them all): numbers are numbers (``true`` is not 1,
``"3"`` is not 3), NaN and infinity are refused, and no value can make a run step through a
billion days or units.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xsim import vocabulary as V
from xsim.errors import InputError
from xsim.forms import FORMS
from xsim.io import (
    Date,
    FieldProblem,
    format_path,
    load_yaml_file,
    parse_path,
    validate,
)
from xsim.io.validation import field_range, inner_model
from xsim.rules.rulebook import RulebookOverrides
from xsim.sim.claims import TeachingPoint
from xsim.sim.mechanisms import MECHANISMS
from xsim.vocabulary import keys

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "data" / "scenarios"

# -- documented ranges ----------------------------------------------------------------------------
# Every number a scenario (or ``--set``) accepts has one of these ranges or its own bound below.
# The bounds are generous for real villages and communities and tight enough that a run stays
# bounded in time and memory (the model steps through every day and every unit).

Share = Annotated[float, Field(ge=0.0, le=1.0)]
"""A share or probability, 0..1."""
Signed = Annotated[float, Field(ge=-1.0, le=1.0)]
"""A position on the −1..1 opinion/stake scale."""
Weight = Annotated[float, Field(gt=0.0, le=100.0)]
"""A positive weight or multiplier (voice, dominance), at most 100."""
Logit = Annotated[float, Field(ge=-20.0, le=20.0)]
"""A logit coefficient or offset, −20..20 (beyond ±20 a probability is 0 or 1 to 9 digits)."""
Hours = Annotated[float, Field(ge=0.0, le=24.0)]
"""Hours per person or household, 0..24."""
Yuan = Annotated[float, Field(ge=0.0, le=1e9)]
"""Money in yuan, 0..10⁹."""
MAX_DAYS = 730
"""Longest implementation period simulated (two years): the model steps through every day."""
MAX_UNITS = 2_000
"""Most villager groups or buildings: the model loops over every unit."""
MAX_HOUSEHOLDS = 200_000
MAX_PEOPLE = 100_000
"""Most representatives, respected persons or signatures counted in one scenario."""
FIRST_DATE = dt.date(2000, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
"""Start dates a scenario may have (the calendar must hold every day of the run)."""

# Coded values and their names come from the one vocabulary.
CHANNELS: tuple[str, ...] = tuple(c for c in V.CHANNELS if c != "other")
"""Channels an organizer uses to notify and publicize (§4.2, §5.2); ``other`` is only for records."""
FEEDBACK_TARGETS: tuple[str, ...] = keys(V.FEEDBACK_TARGETS)
ASSEMBLIES: tuple[str, ...] = ("auto", *keys(V.MEETINGS))
ORGANIZATION_ROLES: tuple[str, ...] = (
    "party_branch",
    "committee",
    "supervision_committee",
    "owners_committee",
    "property_company",
    "collective_economy",
    "cooperative",
    "social_org",
    "resident_unit",
    "township",
    "villager_group",
    "mass_org",
)
"""Roles (:data:`xsim.vocabulary.ROLES`) an organization of a scenario may have."""


class _Strict(BaseModel):
    # strict: a number is a number (``true`` is not 1, ``"3"`` is not 3, 3.5 is not a whole
    # number); dates are the one exception (text in YAML, see ``start_date``).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


ScenarioProblem = FieldProblem
"""A problem a validator finds across fields (``loc`` inside the model that raised it, en, zh):
the loader names the field path and the YAML line instead of pointing at the whole file."""


class Spread(_Strict):
    """A quantity drawn per person: normal(mean, sd), clipped to its range."""

    mean: Annotated[float, Field(ge=-10_000.0, le=10_000.0)]
    sd: Annotated[float, Field(ge=0.0, le=10_000.0)] = 0.0


class SignedSpread(_Strict):
    """A position drawn per person on the −1..1 scale: normal(mean, sd), clipped."""

    mean: Signed
    sd: Annotated[float, Field(ge=0.0, le=2.0)] = 0.0


class AgeShares(_Strict):
    """Adults by age band: young 18–39, middle 40–59, old 60+ (shares add up to 1)."""

    young: Share
    middle: Share
    old: Share

    @model_validator(mode="after")
    def _adds_up(self) -> AgeShares:
        total = self.young + self.middle + self.old
        if abs(total - 1.0) > 1e-6:
            raise ScenarioProblem(
                (),
                f"age shares must add up to 1 (they add up to {total:g})",
                f"各年龄段比例之和应为 1（现为 {total:g}）",
            )
        return self


class BandShares(_Strict):
    """A share per age band (each 0..1, no need to add up), e.g. digital access."""

    young: Share
    middle: Share
    old: Share


class BandValues(_Strict):
    """A number per age band (any sign), e.g. a logit offset or an hour weight."""

    young: Logit
    middle: Logit
    old: Logit


class Schooling(_Strict):
    """The adults' schooling, where it is known (docs/model.md §7.5, xsim.sim.schooling):
    the share below secondary completion, and how much better informed (0..1 knowledge) those with
    secondary schooling or more are about the matter beforehand."""

    below_secondary: Share
    knowledge_gap: Annotated[float, Field(ge=0.0, le=0.5)] = 0.0


class Population(_Strict):
    households: Annotated[int, Field(ge=1, le=MAX_HOUSEHOLDS)]
    adults_per_household: Annotated[float, Field(ge=1.0, le=6.0)] = 2.4
    units: Annotated[int, Field(ge=1, le=MAX_UNITS)] = (
        6  # villager groups (村民小组) or buildings (楼栋)
    )
    registered_share: Share = 0.85  # 户籍 adults; the rest live there without hukou
    owner_share: Share = 0.75  # households that own their home (tenants otherwise)
    female_share: Share = 0.5
    age: AgeShares = AgeShares(young=0.3, middle=0.4, old=0.3)
    digital_access: BandShares = BandShares(young=0.95, middle=0.85, old=0.45)
    trust: Spread = Spread(mean=0.6, sd=0.15)  # trust in the committee, 0..1
    knowledge: Spread = Spread(mean=0.3, sd=0.15)  # knowledge of the matter, 0..1
    ties: Annotated[int, Field(ge=0, le=50)] = 6  # acquaintances outside one's household
    #: A rural collective economic organization is established (its members' meeting decides
    #: collective matters); every adult villager is taken to be a member (ASSUMPTION).
    collective_organization: bool = False
    area_m2: Spread = Spread(mean=70.0, sd=15.0)  # floor area per owner household (Civil Code 278)
    away_share: Share = 0.0  # adults working away (外出务工) who rarely hear or attend
    #: Share of a stakeholder group's adults living away, replacing ``away_share`` for that group
    #: (e.g. married-out women 外嫁女 who live in their husbands' villages). Each value 0..1.
    away_by_group: dict[str, Share] = {}
    #: The adults' schooling; absent: not modelled, and everyone learns as the average participant
    #: of the Deliberative Polls the learning was calibrated on (xsim.sim.schooling).
    schooling: Schooling | None = None


class StakeholderGroup(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name: str  # Chinese name shown to trainees
    share: Share  # share of households
    stake: SignedSpread  # benefit (+) or cost (−) of the proposal, −1..1
    opinion: SignedSpread  # initial support for the proposal, −1..1
    owner_share: Share | None = None  # overrides population.owner_share for this group
    registered_share: Share | None = None
    old_share: Share | None = None  # overrides the share of 60+ adults in this group


class Organization(_Strict):
    role: Literal[ORGANIZATION_ROLES]
    name: str = ""
    position: Signed = 0.0  # interest position on the proposal
    voice: Weight = 1.5  # weight of what it says relative to a resident
    group: str | None = None  # stakeholder group it speaks for, if any
    detect: Share = 0.0  # supervision committee: chance it notices a breach
    relevant: bool = True  # false: unrelated to the matter (brought in against §2.b)


class Representatives(_Strict):
    count: Annotated[int, Field(ge=0, le=MAX_PEOPLE)] = 0  # 村（居）民代表 / 楼栋长
    kind: Literal["villager_rep", "resident_rep", "building_head"] = "resident_rep"
    voice: Weight = 2.0
    respected: Annotated[int, Field(ge=0, le=MAX_PEOPLE)] = (
        1  # veterans, deputies … available to invite (§2.e)
    )


class ProposedBy(_Strict):
    kind: Literal[keys(V.PROPOSERS)] = "committee"
    signatures: Annotated[int, Field(ge=0, le=MAX_PEOPLE)] | None = None


CATEGORIES = Literal[keys(V.TOPIC_CATEGORIES)]


class TopicExclusion(_Strict):
    """People the proposal leaves out of a benefit, and the ground it gives (a record's
    ``results.excluded``; the rules engine judges the ground, e.g. marriage, against the law)."""

    group: str  # the stakeholder group left out
    reason: Literal[keys(V.EXCLUSION_REASONS)]


class Topic(_Strict):
    title: str
    categories: list[CATEGORIES] = []
    proposed_by: ProposedBy = ProposedBy()
    technical: bool = False
    wide_impact: bool = False
    law_reserved: bool = False
    commissioned_by: Literal["township", "department"] | None = None
    commissioner_responds: bool = True  # §5.3: the commissioner studies the report and responds
    merit: Signed = 0.3  # the proposal's assessed merit, what experts pull opinions towards
    owners_matter: bool = False  # a Civil Code art. 278 matter decided by the owners
    special_matter: bool = False  # art. 278 items 6–8 (e.g. an elevator): double 3/4
    #: A matter of the rural collective economic organization (农村集体经济组织法 art. 26 para. 1),
    #: decided by its members' meeting (or, where there is no organization, the villagers' meeting
    #: under the members' meeting rules).
    collective_matter: Literal[keys(V.COLLECTIVE_MATTERS)] | None = None
    #: Groups the proposal leaves out of a benefit (e.g. married-out women of a distribution).
    excludes: list[TopicExclusion] = []
    violates_law: bool = False  # the proposal breaks the law in a way ``excludes`` cannot say
    budget_yuan: Yuan = 0.0
    implement_days: Annotated[int, Field(ge=1, le=MAX_DAYS)] = 60
    #: How far an amendment (compensation, cost-sharing, a changed route) can move a group whose
    #: objection was voiced, on the −1..1 opinion scale (0: the plan cannot be amended). ASSUMPTION.
    amend_room: Annotated[float, Field(ge=0.0, le=1.0)] = 0.3


class Subsidies(_Strict):
    paid: bool = False
    decided_by_meeting: bool | None = None
    publicized: bool | None = None
    yuan_per_person_day: Annotated[float, Field(ge=0.0, le=10_000.0)] = 0.0


class Organizer(_Strict):
    """The organizer's procedural choices (§4): what a trainee sets with widgets."""

    form: str | None = None  # default form; None = first of ``forms``
    solicit_opinions: bool = True  # §4.1
    solicit_days: Annotated[int, Field(ge=0, le=60)] = 5
    invite_groups: list[str] | Literal["all"] = "all"  # §2.b, §4.2
    invite_respected: bool = True  # §2.e
    experts: bool = True  # §2.d
    facilitated: bool = True  # trained moderator who gives every group a turn
    notice_days: Annotated[int, Field(ge=0, le=60)] = 7  # §4.2 "enough time"
    notice_channels: list[Literal[CHANNELS]] = ["bulletin", "online_forum", "door_to_door"]
    escalate: bool = True  # §4.6: take a disputed / law-reserved matter to the deciding meeting
    assembly: Literal[ASSEMBLIES] = "auto"
    assembly_notice_days: Annotated[int, Field(ge=0, le=60)] = 10  # Organic Law art. 21
    implement: bool = True  # §5.2
    publicize_days: Annotated[int, Field(ge=0, le=365)] = 7  # days after implementation
    publicity_channels: list[Literal[CHANNELS]] = ["bulletin", "online_forum"]
    feedback_to: list[Literal[FEEDBACK_TARGETS]] = list(FEEDBACK_TARGETS)  # §4.4
    explain_dissenters: Share = 1.0  # share of dissenters the organizer explains to (§5.4)
    report_to_commissioner: bool = True  # §5.3
    #: Adults drawn at random and asked in person (a deliberative poll's sample; form
    #: ``deliberative_poll``). Up to MAX_PEOPLE.
    sample_size: Annotated[int, Field(ge=0, le=MAX_PEOPLE)] = 200
    subsidies: Subsidies = Subsidies()  # §6.4


class Behaviour(_Strict):
    """How residents behave: every number documented in docs/model.md with its source.

    Attendance is a logistic choice; the coefficients are ASSUMPTIONS calibrated so that a
    7-day-notice evening meeting draws roughly a quarter to a third of affected adults, in line
    with the turnout figures reported for urban residents' meetings in China (illustrative).
    """

    attend_base: Logit = -2.2  # logit intercept
    attend_stake: Logit = 2.2  # per unit of |stake|: those with more at stake come (Olson)
    attend_trust: Logit = 1.0  # per unit of (trust − 0.5)·2: trust in the committee
    attend_knowledge: Logit = 0.8  # per unit of knowledge of the matter
    attend_cost: Logit = 0.35  # per hour of effective time cost
    work_cost: BandValues = BandValues(young=1.0, middle=0.9, old=0.35)  # hour weight, daytime
    evening_cost: BandValues = BandValues(young=0.6, middle=0.6, old=0.5)  # hour weight, evening
    online_affinity: BandValues = BandValues(young=0.8, middle=0.2, old=-0.8)  # logit, online
    age_offset: BandValues = BandValues(young=-0.3, middle=0.0, old=0.3)  # logit, in person
    away_factor: Share = 0.1  # attendance factor in person for adults working away
    away_online_factor: Share = 0.8  # … and online
    # days of slack that make attending 63 % feasible (1 − e^{−1}), per age band; equal by default,
    # a scenario may make working adults slower to arrange leave than retirees
    plan_days: BandValues = BandValues(young=2.0, middle=2.0, old=2.0)
    rep_plan_days: Annotated[float, Field(gt=0.0, le=365.0)] = (
        2.0  # … for representatives and other members asked in person
    )
    cascade: Share = 0.3  # scale of Granovetter thresholds (share of one's unit that must go)
    epsilon: Annotated[float, Field(gt=0.0, le=2.0)] = (
        0.5  # confidence bound (opinion scale −1..1, i.e. 0.25 on 0..1)
    )
    susceptibility: Share = 0.35  # weight on others, Friedkin–Johnsen (tools/calibrate.py)
    self_weight: Weight = 1.0  # weight a listener gives to their own current view
    deffuant_mu: Share = 0.3  # convergence parameter of online pairwise exchanges
    dominance: Weight = 3.0  # voice multiplier of high-status residents, unfacilitated
    facilitation: Share = 0.8  # share of the status premium a moderator removes
    expert_pull: Share = 0.3  # pull of an expert briefing toward the assessed merit
    expert_knowledge: Share = 0.2  # share of the knowledge gap an expert briefing closes (§7.10)
    talk_knowledge: Share = 0.12  # … a discussion closes at most (hearing the other side; §7.10)
    #: Share of the knowledge gap those below secondary completion close, relative to those with
    #: secondary schooling or more, where a scenario gives its adults' schooling (§7.5, §7.10).
    less_schooled_learning: Share = 0.46
    word_of_mouth: Share = 0.5  # chance per day a contact who knows tells you
    #: Share of the variance of a poll's 0–10 answers that is response error (the questionnaire,
    #: not behaviour; xsim.sim.questionnaire, docs/model.md §7.13): 1 − measurement quality of an
    #: 11-point scale in the European Social Survey's MTMM experiments (Poses & Revilla 2021).
    response_error: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.16
    consensus_share: Annotated[float, Field(gt=0.5, le=1.0)] = 0.8
    dispute_band: Annotated[float, Field(ge=0.0, lt=0.5)] = 0.1
    abstain: Share = 0.05  # |opinion| below which one takes no side
    rep_attend: Share = 0.85  # representatives attend a meeting they sit in
    assembly_base: Logit = 1.2  # logit bonus: a deciding meeting / vote is mobilized harder
    owners_canvass: Share = 0.35  # extra owners reached by door-to-door ballots (owners' meeting)
    #: Share of absent members of a members' meeting who take part through a written proxy to a
    #: household member who attends, or online (农村集体经济组织法 art. 27 para. 1). ASSUMPTION:
    #: with money at stake the committee collects proxies door to door.
    members_proxy: Share = 0.8
    explain_hours: Hours = 0.5  # organizer hours per dissenter explained to
    door_hours: Hours = 0.25  # organizer hours per household visited door to door
    expert_fee_yuan: Yuan = 2000.0
    #: Pull toward the side of the arguments heard, per round (persuasive arguments; 0..1).
    argument_rate: Annotated[float, Field(ge=0.0, le=1.0)] = 0.12
    #: Weight a non-attendee gives to what attending household members and contacts report (0..1).
    report_back: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    #: Weight households give to the report of their representative who attended (0..1).
    rep_report: Annotated[float, Field(ge=0.0, le=1.0)] = 0.3
    #: Logit offset of women attending in person in a village (−3..3; Karpowitz et al. 2012 and
    #: village practice: men speak for the household).
    female_offset: Annotated[float, Field(ge=-3.0, le=3.0)] = -0.3
    #: Logit offset of tenants attending in person (−3..3; Einstein, Palmer & Glick 2019: owners
    #: are over-represented at local meetings).
    tenant_offset: Annotated[float, Field(ge=-3.0, le=3.0)] = -0.6
    #: Logit offset of taking part online at all (−5..3): interest, not only access (ASSUMPTION).
    online_offset: Annotated[float, Field(ge=-5.0, le=3.0)] = -1.4  # calibrated: tools/calibrate.py
    #: Women's claim on speaking turns relative to men's when unmoderated (0..1; Karpowitz,
    #: Mendelberg & Shaker 2012: women speak less under majority rule unless numerous).
    female_voice: Annotated[float, Field(ge=0.0, le=1.0)] = 0.7
    #: Change of trust in the committee from how the consultation treated one (0..1): heard +,
    #: left out or unheard −.
    conduct_trust: Annotated[float, Field(ge=0.0, le=1.0)] = 0.15
    #: How far, on the −1..1 scale, a fully informed view may lie from one's view before (sd of
    #: the person-specific informed view; deliberators move toward it as far as they learn).
    #: ASSUMPTION, set so that mixed, moderated rooms neither routinely converge nor split
    #: (Luskin, Sood, Fishkin & Hahn 2022).
    reconsider_sd: Annotated[float, Field(ge=0.0, le=2.0)] = 1.0


class Scenario(_Strict):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str
    setting: Literal[keys(V.SETTINGS)]
    narrative: str = ""
    #: What the scenario teaches, each point backed by claims checked over seeds
    #: (``xsim scenarios --verify``; :mod:`xsim.sim.claims`).
    teaching_points: list[TeachingPoint] = []
    sources: dict[str, str] = {}  # where each figure comes from, or "illustrative"
    # lax: a date is written as text (YYYY-MM-DD) in YAML and on the command line
    start_date: Annotated[Date, Field(ge=FIRST_DATE, le=LAST_DATE)] = dt.date(2026, 3, 2)
    scope: Literal[keys(V.SCOPES)] = "whole"
    lead: Literal[keys(V.LEADS)] = "committee"
    population: Population
    stakeholder_groups: Annotated[list[StakeholderGroup], Field(min_length=1)]
    organizations: list[Organization] = []
    representatives: Representatives = Representatives()
    topic: Topic
    organizer: Organizer = Organizer()
    forms: Annotated[list[str], Field(min_length=1)]
    rules: RulebookOverrides = RulebookOverrides()
    behaviour: Behaviour = Behaviour()
    #: Mechanisms switched off for this run (:data:`xsim.sim.mechanisms.MECHANISMS`): an
    #: experiment's switch, never part of a village; empty in every bundled scenario.
    ablate: list[Literal[tuple(MECHANISMS)]] = []

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        total = sum(g.share for g in self.stakeholder_groups)
        if abs(total - 1.0) > 1e-6:
            parts = " + ".join(f"{g.id} {g.share:g}" for g in self.stakeholder_groups)
            raise ScenarioProblem(
                ("stakeholder_groups",),
                f"stakeholder_groups shares must add up to 1 (they add up to {total:g}: {parts})",
                f"各利益相关群体的户数比例（share）之和应为 1（现为 {total:g}：{parts}）",
            )
        ids = [g.id for g in self.stakeholder_groups]
        listed = ", ".join(ids)
        for k, gid in enumerate(ids):
            if gid in ids[:k]:
                raise ScenarioProblem(
                    ("stakeholder_groups", k, "id"),
                    f"stakeholder group ids must be unique; {gid!r} is used twice",
                    f"利益相关群体的 id 不能重复；「{gid}」出现了两次",
                )
        for gid in self.population.away_by_group:
            if gid not in ids:
                near = difflib.get_close_matches(gid, ids, n=1)
                hint_en = f" (did you mean {near[0]!r}?)" if near else ""
                hint_zh = f"（是否应为「{near[0]}」？）" if near else ""
                raise ScenarioProblem(
                    ("population", "away_by_group", gid),
                    f"a stakeholder group id{hint_en}; groups of this scenario: {listed}",
                    f"应为本情景的利益相关群体 id{hint_zh}；可选：{listed}",
                )
        valid_forms = ", ".join(FORMS)
        for k, name in enumerate(self.forms):
            if name not in FORMS:
                near = difflib.get_close_matches(name, list(FORMS), n=1)
                hint_en = f" (did you mean {near[0]!r}?)" if near else ""
                hint_zh = f"（是否应为「{near[0]}」？）" if near else ""
                raise ScenarioProblem(
                    ("forms", k),
                    f"unknown form {name!r}{hint_en}; valid forms: {valid_forms}",
                    f"没有「{name}」这种协商形式{hint_zh}；可选：{valid_forms}",
                )
            if self.setting not in FORMS[name].settings:
                fits = ", ".join(f for f, form in FORMS.items() if self.setting in form.settings)
                raise ScenarioProblem(
                    ("forms", k),
                    f"form {name!r} is not used in a {self.setting}; forms for a {self.setting}: "
                    f"{fits}",
                    f"「{name}」（{V.label(V.FORMS, name)}）不适用于{V.label(V.SETTINGS, self.setting)}；"
                    f"可选：{fits}",
                )
        collective = self.topic.collective_matter is not None
        collective = collective or self.population.collective_organization
        if self.setting != "village" and (
            collective
            or self.organizer.assembly in ("members_meeting", "members_representatives_meeting")
        ):
            raise ScenarioProblem(
                ("topic", "collective_matter") if collective else ("organizer", "assembly"),
                "rural collective economic organizations, their matters and meetings exist only in "
                "a village (setting: village)",
                "农村集体经济组织及其事项、成员大会只适用于农村（setting: village）",
            )
        if self.organizer.form is not None and self.organizer.form not in self.forms:
            raise ScenarioProblem(
                ("organizer", "form"),
                f"organizer.form {self.organizer.form!r} is not one of this scenario's forms: "
                f"{', '.join(self.forms)}",
                f"默认协商形式「{self.organizer.form}」不在本情景的 forms 中；可选：{', '.join(self.forms)}",
            )
        invited = self.organizer.invite_groups
        for k, gid in enumerate([] if invited == "all" else invited):
            if gid not in ids:
                raise ScenarioProblem(
                    ("organizer", "invite_groups", k),
                    f"organizer.invite_groups names undefined group {gid!r}; "
                    f"groups defined in stakeholder_groups: {listed}",
                    f"邀请的群体「{gid}」未在 stakeholder_groups 中定义；已定义的群体：{listed}",
                )
        for k, ex in enumerate(self.topic.excludes):
            if ex.group not in ids:
                raise ScenarioProblem(
                    ("topic", "excludes", k, "group"),
                    f"topic.excludes names undefined group {ex.group!r}; groups: {listed}",
                    f"被排除的群体「{ex.group}」未在 stakeholder_groups 中定义；已定义的群体：{listed}",
                )
        for k, org in enumerate(self.organizations):
            if org.group is not None and org.group not in ids:
                raise ScenarioProblem(
                    ("organizations", k, "group"),
                    f"organization {org.role} speaks for undefined group {org.group!r}; "
                    f"groups defined in stakeholder_groups: {listed}",
                    f"组织「{org.name or org.role}」所代表的群体「{org.group}」未在 "
                    f"stakeholder_groups 中定义；已定义的群体：{listed}",
                )
        return self

    # -- conveniences -------------------------------------------------------------------------
    @property
    def group_ids(self) -> list[str]:
        return [g.id for g in self.stakeholder_groups]

    @property
    def default_form(self) -> str:
        return self.organizer.form or self.forms[0]

    def invited_groups(self) -> list[str]:
        invited = self.organizer.invite_groups
        return self.group_ids if invited == "all" else list(invited)

    def with_overrides(self, overrides: dict[str, Any] | None, source: str = "<overrides>"):
        """A copy with field-path values replaced, validated like a file.

        ``{"organizer.notice_days": 3, "stakeholder_groups.ground.share": 0.2}`` — paths use the
        one path syntax of :mod:`xsim.io.paths` (``organizations.0.voice`` or
        ``organizations[0].voice``); list items are addressed by index or by ``id``. An unknown path
        raises ``InputError`` naming the valid choices at the point where the path went wrong.
        Tuples count as lists and numpy scalars as plain numbers (widgets and sweeps give them).
        """
        if not overrides:
            return self
        data = self.model_dump(mode="json")
        for path, value in overrides.items():
            _set_path(data, str(path), _plain(value), source)
        return scenario_from_dict(data, source=source)


# -- overrides ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """Plain data for validation: tuples → lists, numpy scalars → Python numbers."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _set_path(data: dict, path: str, value: Any, source: str) -> None:
    parts = parse_path(path, source)
    node: Any = data
    fresh = False  # ``node`` is an optional object the scenario left unset: no names to check yet
    for i, part in enumerate(parts):
        here = format_path(parts[: i + 1])
        last = i == len(parts) - 1
        if isinstance(node, dict):
            # model_dump lists every field of a model, so the keys are the valid names here; the
            # fields of an object being created are checked when the scenario is validated
            choices = [str(k) for k in node]
            if part not in choices and not fresh:
                _unknown(source, here, str(part), choices)
            if last:
                node[part] = value
            else:
                fresh = node.get(part) is None
                if fresh:
                    node[part] = {}
                node = node[part]
        elif isinstance(node, list):
            idx = _list_index(node, part)
            if idx is None:
                ids = [str(k) for k in range(len(node))] + [
                    str(item["id"]) for item in node if isinstance(item, dict) and "id" in item
                ]
                _unknown(source, here, str(part), ids)
            if last:
                node[idx] = value
            else:
                node = node[idx]
        else:
            _unknown(source, here, str(part), [])


def _list_index(node: list, part: str | int) -> int | None:
    if isinstance(part, int):
        return part if part < len(node) else None
    for k, item in enumerate(node):
        if isinstance(item, dict) and item.get("id") == part:
            return k
    return None


def _unknown(source: str, field: str, part: str, choices: list[str]) -> None:
    near = difflib.get_close_matches(part, choices, n=1)
    hint_en = f" (did you mean {near[0]!r}?)" if near else ""
    hint_zh = f"（是否应为「{near[0]}」？）" if near else ""
    listed = ", ".join(choices) if choices else "(none)"
    raise InputError(
        source,
        field,
        f"unknown parameter {part!r}{hint_en}; valid choices: {listed}",
        f"未知参数「{part}」{hint_zh}；可选：{listed}",
    )


# -- loading --------------------------------------------------------------------------------------


def scenario_from_dict(
    data: Any, source: str = "<dict>", lines: dict[tuple, int] | None = None
) -> Scenario:
    """Validate a scenario given as plain data (or an :class:`xsim.io.YamlDocument`); every
    problem becomes one ``InputError``."""
    return validate(
        Scenario,
        data,
        source,
        lines,
        what=("a scenario: a mapping of fields (name: …, title: …)", "情景的字段映射"),
    )


def scenario_ranges() -> list[tuple[str, Any, Any]]:
    """(field path, lowest, highest) of every bounded number of a scenario, from the schema: the
    documented ranges (``None`` = no bound on that side)."""
    out: list[tuple[str, Any, Any]] = []

    def walk(model: type[BaseModel], loc: tuple) -> None:
        for name, info in model.model_fields.items():
            inner = inner_model(info.annotation)
            if inner is not None and inner is not model:
                walk(inner, (*loc, name))
                continue
            lo, hi = field_range(model, (name,))
            if lo is not None or hi is not None:
                out.append((format_path((*loc, name)), lo, hi))

    walk(Scenario, ())
    return out


def scenario_path(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    return SCENARIO_DIR / f"{name_or_path}.yaml"


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A bundled scenario by name (``"elevator_retrofit"``) or any scenario YAML file by path."""
    path = scenario_path(name_or_path)
    if not path.exists():  # anything else that exists is judged by the reader (a FIFO, a folder)
        names = ", ".join(bundled_names()) or "(none)"
        raise InputError(
            str(name_or_path),
            "",
            f"no such scenario; bundled scenarios: {names}",
            f"找不到该情景；内置情景：{names}",
        )
    return scenario_from_dict(load_yaml_file(path), source=str(path))


def bundled_names() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def list_scenarios() -> list[Scenario]:
    """Every bundled scenario, sorted by name."""
    return [load_scenario(name) for name in bundled_names()]
