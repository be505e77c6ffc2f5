"""Lesson 09's capstone: the trainee organizes a whole consultation, files its documents and is scored.

Nothing is pre-selected. Each trainee gets a case of their own: a scenario of the bundled library
and a run seed, drawn the first time from a generator seeded with the operating system's entropy
(:func:`draw_trainee_case`) and kept in the trainee's progress store (:func:`trainee_case`,
``progress.get_case("capstone")``), so that it survives a kernel restart, the run is reproducible
and a trainer can rerun it from the trainee's export; 换一个情景 draws and saves a new one. Every
choice starts at 请选择 or unticked. :func:`assess` runs the model
with the trainee's :class:`Plan`, judges the run's record with :func:`xsim.rules.check_record` and
its outcome measures (read by name from ``Outcome.to_dict()``, so a measure the model adds or drops
never breaks the capstone), and scores it with the rubric in ``course/09_综合演练/rubric.yaml``
(:class:`Rubric`, validated like every course file). A plan passes only if it reaches the pass mark
and meets every required criterion — among them the trainee's own writing in the four documents a
cadre files (议题报告, 协商通知, 协商会议纪要, 结果公示, :func:`documents`), so one click never passes.

:func:`village` gives the village picture (:class:`xsim.teaching.village_view.VillageView`) of one
run of a scenario, for lessons 03, 04 and 06.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import ipywidgets as widgets
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from xsim import vocabulary as V
from xsim.errors import InputError
from xsim.sim.measures import MEASURES
from xsim.sim.measures import label as measure_name
from xsim.teaching import progress
from xsim.teaching.common import (
    CheckboxGroup,
    TeachingWidget,
    bad_html,
    button,
    esc,
    note_html,
    ok_html,
    safe_callback,
)
from xsim.teaching.display import ScrollIntoView, html_table, on_click_busy

__all__ = [
    "DOCUMENTS",
    "Assessment",
    "Capstone",
    "Plan",
    "Rubric",
    "assess",
    "documents",
    "draw_scenario",
    "draw_trainee_case",
    "load_rubric",
    "trainee_case",
    "village",
]

PLEASE = "请选择"
LESSON = "09"
ITEM = "capstone"  # the progress-store id of the capstone (its attempts and its drawn case)
#: a trainee's case: run seeds drawn from this range (so that two trainees practically never
#: share a case); demos and tests with a fixed generator keep the small range of the library draws
TRAINEE_MAX_SEED = 2**31
MAX_TEXT_CHARS = 2000  # per document: keeps the page and its download link small

NOTICE_DAYS = (1, 3, 5, 7, 10, 15)
PUBLICIZE_DAYS = (3, 7, 15, 30, 60)
SOLICIT_OPTIONS = (("先广泛征求意见，再确定议题", True), ("由干部直接确定议题", False))
FACILITATION_OPTIONS = (("安排主持人，保证各方轮流发言", True), ("不安排主持人，自由发言", False))
# how the plan is amended after the consultation: the model's lever is how many of those who
# disagreed are given an explanation (§5.4)
AMEND_OPTIONS = (
    ("按原方案执行，不作修改，也不作解释", 0.0),
    ("采纳多数人的意见修改方案，少数意见不作回应", 0.3),
    ("根据协商意见修改方案，并向持不同意见的群众逐一解释说明", 1.0),
)
SUBSIDY_OPTIONS = (
    ("不发误工补贴", {"paid": False}),
    (
        "干部商量后直接发放，不公示",
        {"paid": True, "decided_by_meeting": False, "publicized": False, "yuan_per_person_day": 80},
    ),
    (
        "经村（居）民会议或代表会议决定，并公示",
        {"paid": True, "decided_by_meeting": True, "publicized": True, "yuan_per_person_day": 80},
    ),
)
NO_MEETING = "none"
MEETINGS_BY_SETTING = {
    "village": ("villagers_meeting", "representatives_meeting"),
    "community": ("residents_meeting", "representatives_meeting", "owners_meeting"),
}

# the four documents a cadre files; each has one part the trainee writes
DOCUMENTS = {
    "report": ("议题报告", "议题的由来、依据和初步方案（请您来写）"),
    "notice": ("协商通知", "协商的议程和请大家事先准备的意见（请您来写）"),
    "minutes": ("协商会议纪要", "方案根据协商意见作了哪些修改（请您来写）"),
    "publicity": ("结果公示", "群众有不同意见时向谁反映：联系人和联系方式（请您来写）"),
}


# --------------------------------------------------------------------------------------------------
# the rubric (data: course/09_综合演练/rubric.yaml)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Annotated[str, Field(min_length=1)]
    kind: Literal["rules", "measure", "documents"]
    points: Annotated[float, Field(gt=0, le=100)]
    required: bool = False
    # kind "measure": the first of these names the run's outcome has (read defensively)
    measures: list[str] = []
    full_at: float | None = None  # full points at or beyond this value
    zero_at: float | None = None  # no points at or short of this value (linear between)
    # kind "rules": points taken off per violation
    per_violation: Annotated[float, Field(ge=0)] = 0.0
    # kind "documents": the fewest characters the trainee writes in each document
    min_chars: Annotated[int, Field(ge=1, le=2000)] = 20
    why: str = ""  # why the criterion matters, shown to the trainee

    @model_validator(mode="after")
    def _measure_fields(self) -> Criterion:
        if self.kind == "measure":
            if not self.measures or self.full_at is None or self.zero_at is None:
                raise ValueError("a measure criterion needs measures, full_at and zero_at")
            if self.full_at == self.zero_at:
                raise ValueError("full_at and zero_at must differ")
            # later names may be measures a newer model adds; one must be known today (typos)
            if not any(m in MEASURES for m in self.measures):
                raise ValueError(
                    f"measures {self.measures} name no known measure; known: {', '.join(MEASURES)}"
                )
        return self


class Rubric(_Strict):
    title: str
    pass_points: Annotated[float, Field(gt=0)]
    criteria: Annotated[list[Criterion], Field(min_length=1)]

    @model_validator(mode="after")
    def _reachable(self) -> Rubric:
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids must be unique")
        if self.pass_points > sum(c.points for c in self.criteria):
            raise ValueError("pass_points exceeds the sum of the criteria's points")
        return self


def rubric_path() -> Path:
    from xsim.teaching.lessons import lesson_folder

    return lesson_folder(LESSON) / "rubric.yaml"


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The capstone's rubric; any problem is one :class:`InputError` with file, line and field."""
    from xsim.io import load_yaml_file, validate

    doc = load_yaml_file(Path(path) if path is not None else rubric_path())
    return validate(Rubric, doc)


# --------------------------------------------------------------------------------------------------
# the plan and its assessment


@dataclass
class Plan:
    """Every choice of the capstone; ``None`` / empty = not chosen yet."""

    lead: str | None = None
    solicit: bool | None = None
    groups: tuple[str, ...] = ()
    experts: bool = False
    respected: bool = False
    form: str | None = None
    notice_days: int | None = None
    notice_channels: tuple[str, ...] = ()
    facilitated: bool | None = None
    deciding_meeting: str | None = None  # a MEETINGS key or NO_MEETING
    meeting_notice_days: int | None = None
    amend: float | None = None
    publicity_channels: tuple[str, ...] = ()
    publicize_days: int | None = None
    feedback_to: tuple[str, ...] = ()
    subsidy: int | None = None
    texts: dict[str, str] = field(default_factory=dict)

    def missing(self) -> dict[str, str]:
        """Control name → the Chinese message shown beside it, for every choice not yet made."""
        out = {}
        for name, msg in (
            ("lead", "请选择牵头的主体"),
            ("solicit", "请选择议题怎样提出"),
            ("form", "请选择协商形式"),
            ("notice_days", "请选择提前几天通知"),
            ("facilitated", "请选择会场怎样组织"),
            ("deciding_meeting", "请选择是否提交会议决定"),
            ("amend", "请选择方案怎样修改"),
            ("publicize_days", "请选择几天内公示"),
            ("subsidy", "请选择误工补贴怎样发"),
        ):
            if getattr(self, name) is None:
                out[name] = msg
        if not self.groups:
            out["groups"] = "请至少邀请一个利益相关群体"
        if not self.notice_channels:
            out["notice_channels"] = "请至少选择一种通知渠道"
        if self.deciding_meeting not in (None, NO_MEETING) and self.meeting_notice_days is None:
            out["meeting_notice_days"] = "请选择会议提前几天通知"
        if not self.publicity_channels:
            out["publicity_channels"] = "请至少选择一种公示渠道"
        if not self.feedback_to:
            out["feedback_to"] = "请至少选择一个反馈对象"
        for key, text in self.texts.items():
            if len(text or "") > MAX_TEXT_CHARS:
                out[key] = f"最多写 {MAX_TEXT_CHARS} 个字，请删减"
        return out

    def overrides(self) -> dict[str, Any]:
        """The scenario overrides this plan stands for (raises InputError if incomplete)."""
        missing = self.missing()
        if missing:
            raise InputError(
                "综合演练",
                next(iter(missing)),
                "every choice made",
                f"还有 {len(missing)} 项没有选择：" + "；".join(missing.values()),
            )
        escalate = self.deciding_meeting != NO_MEETING
        out = {
            "lead": self.lead,
            "organizer.solicit_opinions": bool(self.solicit),
            "organizer.invite_groups": list(self.groups),
            "organizer.experts": bool(self.experts),
            "organizer.invite_respected": bool(self.respected),
            "organizer.notice_days": int(self.notice_days),
            "organizer.notice_channels": list(self.notice_channels),
            "organizer.facilitated": bool(self.facilitated),
            "organizer.escalate": escalate,
            "organizer.explain_dissenters": float(self.amend),
            "organizer.publicity_channels": list(self.publicity_channels),
            "organizer.publicize_days": int(self.publicize_days),
            "organizer.feedback_to": list(self.feedback_to),
            "organizer.subsidies": dict(SUBSIDY_OPTIONS[self.subsidy][1]),
        }
        if escalate:
            out["organizer.assembly"] = self.deciding_meeting
            out["organizer.assembly_notice_days"] = int(self.meeting_notice_days)
        return out


@dataclass
class CriterionScore:
    criterion: Criterion
    points: float | None  # None: the model has no such measure; not counted
    why: str

    @property
    def met(self) -> bool:
        return self.points is not None and self.points >= self.criterion.points - 1e-9


@dataclass
class Assessment:
    scenario: str
    seed: int
    plan: Plan
    model: Any
    outcome: dict[str, Any]
    report: Any
    scores: list[CriterionScore]
    pass_points: float

    @property
    def points(self) -> float:
        return round(sum(s.points or 0.0 for s in self.scores), 1)

    @property
    def max_points(self) -> float:
        return sum(s.criterion.points for s in self.scores if s.points is not None)

    @property
    def required_met(self) -> bool:
        return all(s.met for s in self.scores if s.criterion.required and s.points is not None)

    @property
    def passed(self) -> bool:
        return self.required_met and self.points >= self.pass_points


def _measure(outcome: dict[str, Any], names: list[str]) -> tuple[str, float] | None:
    for name in names:
        value = outcome.get(name)
        if isinstance(value, bool | int | float | np.number) and np.isfinite(float(value)):
            return name, float(value)
    return None


def _scaled(value: float, full_at: float, zero_at: float) -> float:
    share = (value - zero_at) / (full_at - zero_at)
    return float(min(max(share, 0.0), 1.0))


def _fmt(value: float) -> str:
    return f"{value:.0%}" if 0.0 <= value <= 1.0 and value != int(value) else f"{value:g}"


def score(criterion: Criterion, plan: Plan, outcome: dict, report: Any) -> CriterionScore:
    """One criterion of the rubric on one run, with the reason in Chinese."""
    c = criterion
    if c.kind == "rules":
        n = len(report.violations)
        pts = max(c.points - c.per_violation * n, 0.0) if n else c.points
        if c.required and n:
            pts = min(pts, c.points - 1e-6)  # a required rules criterion is met only without faults
        from xsim.teaching.common import rule_title_zh

        titles = "、".join(sorted({f"“{rule_title_zh(f.code)}”" for f in report.violations}))
        why = (
            "规则引擎没有发现违规。"
            if not n
            else f"规则引擎发现 {n} 处违规（{titles}），每处扣 {c.per_violation:g} 分；"
            "详见下面的检查结果。"
        )
        return CriterionScore(c, round(max(pts, 0.0), 1), why)
    if c.kind == "documents":
        short = [
            DOCUMENTS[k][0]
            for k in DOCUMENTS
            if len("".join(plan.texts.get(k, "").split())) < c.min_chars
        ]
        pts = c.points * (len(DOCUMENTS) - len(short)) / len(DOCUMENTS)
        why = (
            "四份文书都写了您自己的内容。"
            if not short
            else f"{'、'.join(short)}中您要写的部分少于 {c.min_chars} 个字。"
        )
        return CriterionScore(c, round(pts, 1), why)
    found = _measure(outcome, c.measures)
    if found is None:
        return CriterionScore(c, None, "本次模拟没有这一指标，不计分。")
    name, value = found
    pts = c.points * _scaled(value, c.full_at, c.zero_at)
    label = measure_name(name) if name in MEASURES else c.title  # never a raw name
    better = "越高越好" if c.full_at > c.zero_at else "越低越好"
    why = (
        f"{label}：{_fmt(value)}（{better}；达到 {_fmt(c.full_at)} 得满分，"
        f"{_fmt(c.zero_at)} 不得分）。"
    )
    return CriterionScore(c, round(pts, 1), why)


def draw_scenario(rng: np.random.Generator, max_seed: int = 10_000) -> tuple[str, int]:
    """A scenario of the bundled library (village or community) and the seed of its run."""
    names = scenario_names()
    return names[int(rng.integers(len(names)))], int(rng.integers(1, max_seed))


def scenario_names() -> list[str]:
    from xsim.sim.scenario import list_scenarios

    return sorted(s.name for s in list_scenarios())


def draw_trainee_case() -> tuple[str, int]:
    """A new case for a trainee: a generator seeded from the operating system's entropy
    (:mod:`secrets`), so that every trainee — and every 换一个情景 — gets a case of their own.
    The run itself is then seeded by the drawn seed (stored, hence reproducible)."""
    rng = np.random.default_rng(secrets.randbits(128))
    return draw_scenario(rng, max_seed=TRAINEE_MAX_SEED)


def trainee_case(path=None, *, new: bool = False) -> tuple[str, int, bool]:
    """This trainee's capstone case ``(scenario, seed, saved)``: the one in the progress store if
    there is one (the same after a kernel restart), else — or with ``new`` — a new draw, saved.
    ``saved`` is False when the store could not be written (the case then lasts this kernel)."""
    if not new:
        stored = progress.get_case(ITEM, path=path)
        if stored is not None and stored["scenario"] in scenario_names():
            return stored["scenario"], int(stored["seed"]), True
    scenario, seed = draw_trainee_case()
    return scenario, seed, progress.set_case(ITEM, scenario, seed, path=path)


def assess(scenario: str, seed: int, plan: Plan, rubric: Rubric | None = None) -> Assessment:
    """Run the plan once and score it (raises InputError if the plan is incomplete)."""
    from xsim.rules import check_record
    from xsim.sim.model import ConsultationModel

    rubric = rubric or load_rubric()
    model = ConsultationModel(scenario, form=plan.form, rng=int(seed), overrides=plan.overrides())
    outcome = model.run().to_dict()
    report = check_record(model.record)
    scores = [score(c, plan, outcome, report) for c in rubric.criteria]
    return Assessment(scenario, int(seed), plan, model, outcome, report, scores, rubric.pass_points)


# --------------------------------------------------------------------------------------------------
# the four documents

PRINT_CSS = """
body{font-family:"Noto Serif CJK SC","Noto Sans CJK SC","SimSun",serif;max-width:42em;margin:2em auto;
line-height:1.8;color:#000}
h1{text-align:center;font-size:1.5em;letter-spacing:.2em}
.xsim-doc-meta{text-align:right}
.xsim-doc-own{border-left:3px solid #888;padding-left:.8em}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 8px}
@media print{@page{size:A4;margin:2cm}body{margin:0;max-width:none}.xsim-doc-noprint{display:none}
h1{page-break-after:avoid}section{page-break-inside:avoid}}
"""


def _date(value: Any) -> str:
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "（未定）"


def _get(obj: Any, path: str, default: Any = None) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part, None) if obj is not None else None
    return default if obj is None else obj


def _own(text: str) -> str:
    paragraphs = [p.strip() for p in (text or "").splitlines() if p.strip()]
    if not paragraphs:
        return "<p class='xsim-doc-own'>（此处尚未填写）</p>"
    return "".join(f"<p class='xsim-doc-own'>{esc(p)}</p>" for p in paragraphs)


def documents(assessment: Assessment) -> dict[str, str]:
    """The four documents as HTML fragments (kit-filled facts of the run + the trainee's text)."""
    from xsim.sim.scenario import load_scenario

    a, r = assessment, assessment.model.record
    s = load_scenario(a.scenario)
    org = s.title
    t = _get(r, "timeline")
    lead = V.label(V.LEADS, a.plan.lead) if a.plan.lead in V.LEADS else "—"
    forms = "、".join(
        V.label(V.FORMS, f) if f in V.FORMS else f for f in _get(r, "consultation.forms", [])
    )
    groups = {g.id: g.name for g in s.stakeholder_groups}
    invited = "、".join(groups.get(g, g) for g in a.plan.groups)
    extra = [
        x
        for x, on in (
            ("专家、第三方", a.plan.experts),
            ("威望高、办事公道的人士", a.plan.respected),
        )
        if on
    ]
    channels = "、".join(V.label(V.CHANNELS, c) for c in a.plan.notice_channels if c in V.CHANNELS)
    pub = "、".join(V.label(V.CHANNELS, c) for c in a.plan.publicity_channels if c in V.CHANNELS)
    assembly = _get(r, "assembly")
    adopted = bool(_get(r, "results.adopted", False))
    out = {}
    out["report"] = (
        f"<h1>关于“{esc(s.topic.title)}”的议题报告</h1>"
        f"<p>{esc(lead)}：</p>"
        f"<p>{esc(s.narrative.strip())}</p>"
        f"<p>议题提出日期：{_date(_get(t, 'topic_proposed'))}；"
        f"{'提出前已广泛征求群众意见' if a.plan.solicit else '提出前未征求群众意见'}。"
        f"拟由{esc(lead)}牵头，采用{esc(forms)}的形式开展协商。</p>"
        + _own(a.plan.texts.get("report", ""))
    )
    out["notice"] = (
        f"<h1>协商通知</h1><p>各位村（居）民、有关单位：</p>"
        f"<p>定于{_date(_get(t, 'consulted'))}就“{esc(s.topic.title)}”召开{esc(forms)}。"
        f"请以下人员参加：{esc('、'.join([invited, *extra]))}。</p>"
        + _own(a.plan.texts.get("notice", ""))
        + f"<p>本通知于{_date(_get(t, 'notified'))}通过{esc(channels)}发布。</p>"
        f"<p class='xsim-doc-meta'>{esc(lead)}<br>{_date(_get(t, 'notified'))}</p>"
    )
    if assembly is not None:
        kind = _get(assembly, "kind", "")
        meeting = (
            f"<p>方案于{_date(_get(t, 'assembly_held'))}提交"
            f"{esc(V.label(V.MEETINGS, kind) if kind in V.MEETINGS else kind)}决定"
            f"（{_date(_get(t, 'assembly_notified'))}通知）：应到 {_get(assembly, 'members', 0)}，"
            f"实到 {_get(assembly, 'present', 0)}，同意 {_get(assembly, 'yes', 0)}。</p>"
        )
    else:
        meeting = "<p>方案未提交会议决定。</p>"
    o = a.outcome
    out["minutes"] = (
        f"<h1>协商会议纪要</h1>"
        f"<p>时间：{_date(_get(t, 'consulted'))}　形式：{esc(forms)}　"
        f"到会：{int(o.get('attended', 0))} 人（受邀 {int(o.get('invited', 0))} 人）</p>"
        f"<p>协商结果：{esc(V.label(V.OUTCOMES, str(o.get('consultation_outcome'))) if o.get('consultation_outcome') in V.OUTCOMES else '—')}；"
        f"表态的人中支持方案的占 {float(o.get('support', 0.0)):.0%}。</p>"
        + meeting
        + "<p><b>方案修改情况：</b></p>"
        + _own(a.plan.texts.get("minutes", ""))
    )
    out["publicity"] = (
        f"<h1>关于“{esc(s.topic.title)}”协商结果的公示</h1>"
        f"<p>经协商{'和会议决定' if assembly is not None else ''}，方案{'已通过' if adopted else '未通过'}"
        f"{'，并已组织实施' if _get(r, 'results.implemented', False) else ''}。"
        f"现于{_date(_get(t, 'publicized'))}通过{esc(pub)}公示，"
        f"并向{esc('、'.join(V.label(V.FEEDBACK_TARGETS, k) for k in a.plan.feedback_to))}反馈。</p>"
        + _own(a.plan.texts.get("publicity", ""))
        + f"<p class='xsim-doc-meta'>{esc(lead)}<br>{_date(_get(t, 'publicized'))}</p>"
    )
    del org
    return out


def document_page(title: str, body: str) -> str:
    """A whole printable HTML page (offline: no fonts or scripts fetched)."""
    return (
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{esc(title)}</title>"
        f"<style>{PRINT_CSS}</style></head><body><section>{body}</section></body></html>"
    )


def download_link(title: str, body: str) -> str:
    """An ``<a download>`` with the page as a data URI: works offline, in JupyterLab and Voilà."""
    data = base64.b64encode(document_page(title, body).encode("utf-8")).decode("ascii")
    return (
        f"<a download='{esc(title)}.html' href='data:text/html;charset=utf-8;base64,{data}' "
        f"style='margin-right:1.5em'>⬇ 下载“{esc(title)}”（用浏览器打开后可打印）</a>"
    )


# --------------------------------------------------------------------------------------------------
# the widget


def _dropdown(options, description: str) -> widgets.Dropdown:
    return widgets.Dropdown(
        options=[(PLEASE, None), *options],
        value=None,
        description=description,
        style={"description_width": "13em"},
        layout=widgets.Layout(width="40em"),
    )


class Capstone(TeachingWidget):
    """The whole consultation, organized by the trainee in a drawn scenario, scored by the rubric."""

    kind_zh = "综合演练"

    def __init__(self, seed: int | None = None, rubric: Rubric | None = None, progress_path=None):
        """``seed`` None (the course): the trainee's own case from the progress store, drawn at
        random the first time. A ``seed``: draws from a generator with that seed (demos, tests;
        nothing about the case is stored)."""
        super().__init__()
        self.rubric = rubric or load_rubric()
        self.progress_path = progress_path
        self._rng = np.random.default_rng(seed) if seed is not None else None
        self.assessment: Assessment | None = None
        self.intro = widgets.HTML("")
        self.draw_button = button("换一个情景", style="", width="10em")
        self.draw_button.on_click(self._on_draw)
        self.controls: dict[str, widgets.Widget] = {}
        self.messages: dict[str, widgets.HTML] = {}
        self.form_box = widgets.VBox()
        self.run_button = button("开始协商并评分")
        on_click_busy(self.run_button, self._on_run)
        self.result = widgets.HTML("")
        self.docs = widgets.HTML("")
        self.village_box = widgets.VBox()
        self.scroll = ScrollIntoView()
        self.children = [
            widgets.HTML("<h4>综合演练：由您组织一次完整的协商</h4>"),
            self.intro,
            self.draw_button,
            self.form_box,
            self.run_button,
            self.status,
            self.result,
            self.village_box,
            self.docs,
            self.scroll,
        ]
        self.draw(new=False)
        self.track(LESSON, [ITEM])

    # -- building ----------------------------------------------------------------------------------
    def draw(self, new: bool = True) -> None:
        """Set up a scenario and reset every choice to 请选择: the trainee's stored case, or with
        ``new`` a new draw (saved as the trainee's case)."""
        from xsim.sim.scenario import load_scenario

        saved = True
        if self._rng is not None:
            self.scenario, self.seed = draw_scenario(self._rng)
        else:
            self.scenario, self.seed, saved = trainee_case(self.progress_path, new=new)
        s = self.spec = load_scenario(self.scenario)
        setting = V.label(V.SETTINGS, s.setting)
        self.intro.value = (
            f"<p><b>本次情景（{esc(setting)}）：{esc(s.title)}</b></p><p>{esc(s.narrative.strip())}</p>"
            f"<p>议题：{esc(s.topic.title)}。请您作为组织者做出下面每一项选择，并写好四份文书中"
            "您要写的部分，然后点“开始协商并评分”。</p>"
            f"<p style='color:#757575;font-size:0.9em'>情景编号：{self.seed}"
            "（每位学员的情景不同；导出的学习进度里带有情景，培训老师可以据此重现）</p>"
        )
        c = self.controls = {
            "lead": _dropdown([(t.zh, k) for k, t in V.LEADS.items()], "由谁牵头（§2.a）"),
            "solicit": _dropdown(SOLICIT_OPTIONS, "议题怎样提出（§4.1）"),
            "groups": CheckboxGroup([(g.name, g.id) for g in s.stakeholder_groups], columns=2),
            "experts": widgets.Checkbox(
                value=False, indent=False, description="邀请专家、第三方论证（§2.d）"
            ),
            "respected": widgets.Checkbox(
                value=False, indent=False, description="邀请威望高、办事公道的人士（§2.e）"
            ),
            "form": _dropdown(
                [(V.label(V.FORMS, f) if f in V.FORMS else f, f) for f in s.forms], "协商形式（§3）"
            ),
            "notice_days": _dropdown(
                [(f"提前 {d} 天", d) for d in NOTICE_DAYS], "提前几天通知（§4.2）"
            ),
            "notice_channels": CheckboxGroup(
                [(t.zh, k) for k, t in V.CHANNELS.items() if k != "other"], columns=4
            ),
            "facilitated": _dropdown(FACILITATION_OPTIONS, "会场怎样组织（§4.3）"),
            "deciding_meeting": _dropdown(
                [("不提交会议决定", NO_MEETING)]
                + [(V.label(V.MEETINGS, m), m) for m in MEETINGS_BY_SETTING[s.setting]],
                "由哪个会议决定（§4.6）",
            ),
            "meeting_notice_days": _dropdown(
                [(f"提前 {d} 天", d) for d in NOTICE_DAYS], "会议提前几天通知"
            ),
            "amend": _dropdown(AMEND_OPTIONS, "方案怎样修改（§5.4）"),
            "publicity_channels": CheckboxGroup(
                [(t.zh, k) for k, t in V.CHANNELS.items() if k != "other"], columns=4
            ),
            "publicize_days": _dropdown(
                [(f"实施后 {d} 天内", d) for d in PUBLICIZE_DAYS], "几天内公示（§5.2）"
            ),
            "feedback_to": CheckboxGroup([(t.zh, k) for k, t in V.FEEDBACK_TARGETS.items()]),
            "subsidy": _dropdown(
                [(label, i) for i, (label, _) in enumerate(SUBSIDY_OPTIONS)], "误工补贴（§6.4）"
            ),
        }
        self.texts = {
            k: widgets.Textarea(placeholder=hint, layout=widgets.Layout(width="46em", height="5em"))
            for k, (_title, hint) in DOCUMENTS.items()
        }
        self.messages = {k: widgets.HTML("") for k in [*c, *self.texts]}

        def row(name: str, head: str | None = None) -> widgets.Widget:
            parts = [c[name], self.messages[name]]
            box = (
                widgets.HBox(parts) if head is None else widgets.VBox([widgets.HTML(head), *parts])
            )
            return box

        doc_rows = [
            widgets.VBox([widgets.HTML(f"<b>{esc(title)}</b>"), self.texts[k], self.messages[k]])
            for k, (title, _hint) in DOCUMENTS.items()
        ]
        self.form_box.children = [
            widgets.HTML("<b>第一步　提出议题</b>"),
            row("lead"),
            row("solicit"),
            widgets.HTML("<b>第二步　确定主体并通知</b>"),
            row("groups", "邀请哪些利益相关群体（§2.b）："),
            c["experts"],
            c["respected"],
            row("form"),
            row("notice_days"),
            row("notice_channels", "通过哪些渠道通知："),
            widgets.HTML("<b>第三步　开展协商、会议决定</b>"),
            row("facilitated"),
            row("deciding_meeting"),
            row("meeting_notice_days"),
            row("amend"),
            widgets.HTML("<b>第四步　公示和反馈</b>"),
            row("publicity_channels", "通过哪些渠道公示（§5.2）："),
            row("publicize_days"),
            row("feedback_to", "向谁反馈（§4.4）："),
            row("subsidy"),
            widgets.HTML(
                "<b>文书：请写出每份文书中由您来写的部分（其余由工具包根据模拟结果填写）</b>"
            ),
            *doc_rows,
        ]
        self.assessment = None
        self.result.value = self.docs.value = ""
        self.village_box.children = []
        self.clear_status()
        if not saved:
            self.show_note(
                "这个情景没能保存到本机的学习进度（存放进度的文件或文件夹无法写入），"
                "重新打开本讲时会换一个情景。练习可以照常进行。"
            )

    def case_title(self) -> str:
        """The case in Chinese, as the trainer's class summary shows it."""
        return f"{self.spec.title}（情景编号 {self.seed}）"

    def plan(self) -> Plan:
        c = self.controls
        return Plan(
            lead=c["lead"].value,
            solicit=c["solicit"].value,
            groups=tuple(c["groups"].value),
            experts=bool(c["experts"].value),
            respected=bool(c["respected"].value),
            form=c["form"].value,
            notice_days=c["notice_days"].value,
            notice_channels=tuple(c["notice_channels"].value),
            facilitated=c["facilitated"].value,
            deciding_meeting=c["deciding_meeting"].value,
            meeting_notice_days=c["meeting_notice_days"].value,
            amend=c["amend"].value,
            publicity_channels=tuple(c["publicity_channels"].value),
            publicize_days=c["publicize_days"].value,
            feedback_to=tuple(c["feedback_to"].value),
            subsidy=c["subsidy"].value,
            texts={k: t.value for k, t in self.texts.items()},
        )

    # -- callbacks ---------------------------------------------------------------------------------
    @safe_callback
    def _on_draw(self, _button=None) -> None:
        self.draw(new=True)

    @safe_callback
    def _on_run(self, _button=None) -> None:
        self.clear_status()
        self.result.value = self.docs.value = ""
        self.village_box.children = []
        for m in self.messages.values():
            m.value = ""
        plan = self.plan()
        missing = plan.missing()
        if missing:
            for name, msg in missing.items():
                self.messages[name].value = bad_html(esc(msg))
            self.show_error(f"还有 {len(missing)} 项没有选择或需要修改，请看标红的提示。")
            self.scroll.show(self.status)
            return
        a = self.assessment = assess(self.scenario, self.seed, plan, self.rubric)
        for s in a.scores:
            if s.criterion.kind == "documents" and not s.met:
                for k, t in plan.texts.items():
                    if len("".join(t.split())) < s.criterion.min_chars:
                        self.messages[k].value = bad_html(
                            esc(f"请写至少 {s.criterion.min_chars} 个字")
                        )
        self.result.value = self._result_html(a)
        self._show_documents(a)
        self._show_village(a)
        self.save_answer(
            ITEM,
            a.passed,
            f"{self.case_title()}：{a.points:g} 分（{'通过' if a.passed else '未通过'}）",
            clause="§4",
            points=min(a.points, a.max_points),
            max_points=a.max_points,
        )
        self.scroll.show(self.result)

    # -- showing -----------------------------------------------------------------------------------
    def _result_html(self, a: Assessment) -> str:
        from xsim.teaching.findings import report_html

        rows = [
            {
                "评分项": s.criterion.title + ("（必须达到）" if s.criterion.required else ""),
                "得分": "—" if s.points is None else f"{s.points:g}",
                "满分": f"{s.criterion.points:g}",
                "为什么": s.why,
            }
            for s in a.scores
        ]
        table = html_table(rows, caption=self.rubric.title)
        if a.passed:
            verdict = ok_html(
                f"✔ 通过：{a.points:g} 分（满分 {a.max_points:g}，及格 {a.pass_points:g}）。"
            )
        else:
            unmet = [s.criterion.title for s in a.scores if s.criterion.required and not s.met]
            more = f"；必须达到而没有达到的：{'、'.join(unmet)}" if unmet else ""
            verdict = bad_html(
                esc(
                    f"✘ 未通过：{a.points:g} 分（满分 {a.max_points:g}，及格 {a.pass_points:g}）{more}。"
                )
                + "请修改选择或文书，再试一次。"
            )
        return verdict + table + report_html(a.report)

    def _show_documents(self, a: Assessment) -> None:
        docs = documents(a)
        links = "".join(download_link(DOCUMENTS[k][0], body) for k, body in docs.items())
        pages = "".join(
            f"<div style='border:1px solid #ccc;padding:1em 2em;margin:1em 0;background:#fff'>{body}</div>"
            for body in docs.values()
        )
        self.docs.value = (
            "<h5>您的四份文书</h5>"
            + note_html("下载的文件用浏览器打开即可打印（已设置 A4 打印格式），不需要联网。")
            + f"<p>{links}</p>{pages}"
        )

    def _show_village(self, a: Assessment) -> None:
        from xsim.teaching.village_view import VillageView, snapshot_from_model

        self.village_box.children = [
            widgets.HTML(
                note_html("看一看：哪些户一直没有收到通知（灰色）？他们集中在哪些楼栋或村民小组？")
            ),
            VillageView(snapshot_from_model(a.model)),
        ]

    # -- for tests ---------------------------------------------------------------------------------
    def choose(self, plan: Plan) -> None:
        """Set every control from ``plan`` (headless tests)."""
        c = self.controls
        for name in (
            "lead", "solicit", "form", "notice_days", "facilitated", "deciding_meeting",
            "meeting_notice_days", "amend", "publicize_days", "subsidy",
        ):  # fmt: skip
            c[name].value = getattr(plan, name)
        for name in ("groups", "notice_channels", "publicity_channels", "feedback_to"):
            c[name].value = tuple(getattr(plan, name))
        c["experts"].value, c["respected"].value = plan.experts, plan.respected
        for k, t in self.texts.items():
            t.value = plan.texts.get(k, "")


def village(
    scenario: str, seed: int = 1, form: str | None = None, overrides: dict | None = None
) -> TeachingWidget:
    """The village (compound) picture of one run of ``scenario`` (lessons 03, 04, 06); the run's
    snapshot is stored when the notebooks are built (fixed seed, :mod:`xsim.teaching.precomputed`)."""
    from xsim.teaching.precomputed import run_key, stored
    from xsim.teaching.village_view import VillageSnapshot, VillageView

    snapshot = stored(
        run_key("village", scenario, seed, form, overrides),
        lambda: village_snapshot(scenario, seed, form, overrides),
        VillageSnapshot.to_data,
        VillageSnapshot.from_data,
    )
    return VillageView(snapshot)


def village_snapshot(
    scenario: str, seed: int = 1, form: str | None = None, overrides: dict | None = None
):
    """The village view's snapshot of one run, computed (no store)."""
    from xsim.sim.model import ConsultationModel
    from xsim.teaching.village_view import snapshot_from_model

    model = ConsultationModel(scenario, form=form, rng=seed, overrides=overrides)
    model.run()
    return snapshot_from_model(model)
