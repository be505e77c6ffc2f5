"""The capstone's widget: the trainee organizes a whole consultation in their own case, writes
their part of the four documents and is scored (lesson 09).

Nothing is pre-selected: every choice starts at 请选择 or unticked. The options are the lesson's
``capstone.yaml`` (:mod:`xsim.teaching.capstone.plan`), the rubric its ``rubric.yaml``
(:mod:`xsim.teaching.capstone.scoring`); the run and its score are
:func:`xsim.teaching.capstone.case.assess`, the documents
:func:`xsim.teaching.capstone.documents.documents`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from xsim import vocabulary as V
from xsim.teaching.capstone.case import ITEM, Result, assess, draw_scenario, trainee_case
from xsim.teaching.capstone.documents import documents, download_link, worded
from xsim.teaching.capstone.plan import NO_MEETING, CapstoneOptions, Plan, load_options
from xsim.teaching.capstone.scoring import Assessment, Rubric, fault_titles, load_rubric
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

__all__ = ["PLEASE", "Capstone"]

PLEASE = "请选择"


def _labels(options) -> list[tuple[str, int]]:
    """The options of ``capstone.yaml`` as (label, index) pairs for a drop-down."""
    return [(o.label, i) for i, o in enumerate(options)]


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

    def __init__(
        self,
        lesson: str,
        seed: int | None = None,
        rubric: Rubric | None = None,
        options: CapstoneOptions | None = None,
        progress_path=None,
    ):
        """``lesson``: the lesson whose ``rubric.yaml`` and ``capstone.yaml`` hold the rubric and
        the options (and under which the attempts are saved). ``seed`` None (the course): the
        trainee's own case from the progress store, drawn at random the first time. A ``seed``:
        draws from a generator with that seed (demos, tests; nothing about the case is stored)."""
        super().__init__()
        self.rubric = rubric or load_rubric(lesson=lesson)
        self.options = options or load_options(lesson)
        self.result_of_run: Result | None = None
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
        self.track(lesson, [ITEM], max_points={ITEM: self.rubric_max_points()})
        # the choices, the documents written and the last result come back after a restart
        self.remembered = ("case", "controls", "texts", "result", "docs")
        self.recall()

    def rubric_max_points(self) -> float:
        """The capstone's full marks (what the trainer's 满分 counts before the first try)."""
        return float(sum(c.points for c in self.rubric.criteria))

    @property
    def case(self) -> list:
        """The case the state belongs to: a state of another case is not applied."""
        return [self.scenario, self.seed]

    @case.setter
    def case(self, value) -> None:
        if list(value or []) != self.case:
            raise ValueError("another case")

    def origin(self) -> dict:
        """One capstone per lesson: its state is found whatever case the trainee has drawn
        since (:meth:`apply_state` applies it to its own case only)."""
        return {"capstone": ITEM, "documents": sorted(self.texts)}

    def apply_state(self, data) -> None:
        if data.get("case") != self.case:
            return  # the choices of an earlier case (换一个情景) mean nothing here
        super().apply_state(data)
        if self.result.value:
            self.village_box.children = [
                widgets.HTML(
                    note_html("村庄示意图：再点一次“开始协商并评分”即可看到（评分结果不变）。")
                )
            ]

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
        o = self.options
        self.intro.value = (
            f"<p><b>本次情景（{esc(setting)}）：{esc(s.title)}</b></p><p>{esc(s.narrative.strip())}</p>"
            f"<p>议题：{esc(s.topic.title)}。请您作为组织者做出下面每一项选择，并写好四份文书中"
            "您要写的部分，然后点“开始协商并评分”。</p>"
            f"<p style='color:#757575;font-size:0.9em'>情景编号：{self.seed}"
            "（每位学员的情景不同；导出的学习进度里带有情景，培训老师可以据此重现）</p>"
        )
        c = self.controls = {
            "lead": _dropdown(
                [(worded(t.zh, s.setting), k) for k, t in V.LEADS.items()], "由谁牵头（§2.a）"
            ),
            "solicit": _dropdown(_labels(o.solicit), "议题怎样提出（§4.1）"),
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
                [(f"提前 {d} 天", d) for d in o.notice_days], "提前几天通知（§4.2）"
            ),
            "notice_channels": CheckboxGroup(
                [(t.zh, k) for k, t in V.CHANNELS.items() if k != "other"], columns=4
            ),
            "facilitated": _dropdown(_labels(o.facilitation), "会场怎样组织（§4.3）"),
            "deciding_meeting": _dropdown(
                [("不提交会议决定", NO_MEETING)]
                + [(worded(V.label(V.MEETINGS, m), s.setting), m) for m in o.meetings[s.setting]],
                "由哪个会议决定（§4.6）",
            ),
            "meeting_notice_days": _dropdown(
                [(f"提前 {d} 天", d) for d in o.meeting_notice_days], "会议提前几天通知"
            ),
            "amend": _dropdown(_labels(o.amend), "方案怎样修改（§5.4）"),
            "publicity_channels": CheckboxGroup(
                [(t.zh, k) for k, t in V.CHANNELS.items() if k != "other"], columns=4
            ),
            "publicize_days": _dropdown(
                [(f"实施后 {d} 天内", d) for d in o.publicize_days], "几天内公示（§5.2）"
            ),
            "feedback_to": CheckboxGroup([(t.zh, k) for k, t in V.FEEDBACK_TARGETS.items()]),
            "subsidy": _dropdown(_labels(o.subsidy), "误工补贴（§6.4）"),
        }
        self.texts = {
            # continuous_update off: the text reaches the kernel (and is kept) when the trainee
            # leaves the box, not at every keystroke
            k: widgets.Textarea(
                placeholder=hint,
                continuous_update=False,
                layout=widgets.Layout(width="46em", height="5em"),
            )
            for k, hint in ((d.key, d.hint) for d in o.documents)
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
            for k, title in ((d.key, d.title) for d in o.documents)
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
        if getattr(self, "_origin", None) is not None:  # a new case: its inputs are kept too
            self.observe_inputs()
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
        run = self.result_of_run = assess(self.scenario, self.seed, plan, self.rubric, self.options)
        a = self.assessment = run.assessment
        for s in a.scores:
            if s.criterion.kind == "documents" and not s.met:
                for k, t in plan.texts.items():
                    if len("".join(t.split())) < s.criterion.min_chars:
                        self.messages[k].value = bad_html(
                            esc(f"请写至少 {s.criterion.min_chars} 个字")
                        )
        self.result.value = self._result_html(run)
        self._show_documents(run)
        self._show_village(run)
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
    def _result_html(self, run: Result) -> str:
        from xsim.teaching.findings import report_html

        a = run.assessment
        rows = [
            {
                "评分项": s.criterion.title
                + (
                    "（违反即不通过）"
                    if s.criterion.kind == "law"
                    else "（必须达到）"
                    if s.criterion.required
                    else ""
                ),
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
        elif not a.lawful:
            faults = fault_titles(a.law_faults)
            verdict = bad_html(
                esc(
                    f"✘ 未通过：方案违反了法律的规定（{faults}），无论其他各项得分多少都不能通过"
                    f"（本次得分 {a.points:g}，满分 {a.max_points:g}）。"
                )
                + "请对照下面的检查结果和法律条文修改选择，再试一次。"
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
        record = run.record.model_dump(mode="json") if hasattr(run.record, "model_dump") else None
        return verdict + table + report_html(run.report, record=record)

    def _show_documents(self, run: Result) -> None:
        docs = documents(
            self.spec, run.plan, run.record, run.outcome, run.report.law_versions, self.options
        )
        titles = self.options.document_titles()
        links = "".join(download_link(titles[k], body) for k, body in docs.items())
        pages = "".join(
            f"<div style='border:1px solid #ccc;padding:1em 2em;margin:1em 0;background:#fff'>{body}</div>"
            for body in docs.values()
        )
        self.docs.value = (
            "<h5>您的四份文书</h5>"
            + note_html("下载的文件用浏览器打开即可打印（已设置 A4 打印格式），不需要联网。")
            + f"<p>{links}</p>{pages}"
        )

    def _show_village(self, run: Result) -> None:
        from xsim.teaching.village_view import VillageView, snapshot_from_model

        self.village_box.children = [
            widgets.HTML(
                note_html("看一看：哪些户一直没有收到通知（灰色）？他们集中在哪些楼栋或村民小组？")
            ),
            VillageView(snapshot_from_model(run.model)),
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
