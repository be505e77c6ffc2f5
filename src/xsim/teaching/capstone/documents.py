"""The four documents a cadre files after the capstone's run (议题报告, 协商通知, 协商会议纪要,
结果公示), worded by the case: the addressee, body and signatory follow the setting and form
(villagers, residents or owners), the dates are the run's, the 结果公示 gives the vote figures and
the article the decision rests on. Each holds one part the trainee writes.

Pure functions of the run's case record, measures and the trainee's plan: HTML fragments, and a
whole printable page (A4, offline) for download.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from xsim import vocabulary as V
from xsim.teaching.capstone.plan import CapstoneOptions, Plan
from xsim.teaching.common import esc

__all__ = [
    "PRINT_CSS",
    "addressee",
    "documents",
    "document_page",
    "download_link",
    "signatory",
    "worded",
]

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


def worded(text: str, setting: str) -> str:
    """A vocabulary label worded for the case: 村（居）民 → 村民 in a village, 居民 in a community."""
    village = setting == "village"
    for both, rural, urban in (
        ("村（居）民", "村民", "居民"),
        ("村（社区）", "村", "社区"),
        ("乡镇（街道）", "乡镇", "街道"),
        ("村（居）", "村", "居"),
    ):
        text = text.replace(both, rural if village else urban)
    return text


def owners_matter(plan: Plan) -> bool:
    """The matter is the owners' (业主共同决定): consulted among owners or decided by them."""
    return plan.form == "owners" or plan.deciding_meeting == "owners_meeting"


def addressee(setting: str, plan: Plan) -> str:
    if owners_matter(plan):
        return "各位业主"
    return "各位村民" if setting == "village" else "各位居民"


def signatory(setting: str, lead: str | None) -> str:
    """Who signs: the lead named for the setting (村党组织, 居民委员会, 街道党工委 …)."""
    village = setting == "village"
    if lead == "township":
        return "乡镇党委" if village else "街道党工委"
    if lead in V.LEADS and lead != "other":
        return worded(V.LEADS[lead].zh, setting)
    return "协商组织方"


def form_phrase(form: str, setting: str) -> str:
    """How a consultation in ``form`` is held, as a verb phrase: 召开村民议事会,
    通过网络议事平台开展协商, 举办民情恳谈日, 开展小区协商."""
    name = worded(V.label(V.FORMS, form), setting) if form in V.FORMS else "协商"
    if name.endswith(("会", "会议")):
        return f"召开{name}"
    if name.endswith("平台"):
        return f"通过{name}开展协商"
    if name.endswith(("日", "论坛")):
        return f"举办{name}"
    return f"开展{name}"


def _date(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, dt.date) else ""


def _own(text: str) -> str:
    paragraphs = [p.strip() for p in (text or "").splitlines() if p.strip()]
    if not paragraphs:
        return "<p class='xsim-doc-own'>（此处尚未填写）</p>"
    return "".join(f"<p class='xsim-doc-own'>{esc(p)}</p>" for p in paragraphs)


def meeting_basis(record: Any, versions: dict[str, str]) -> str:
    """The article the deciding meeting's quorum and majority rest on, cited in Chinese."""
    from xsim.rules import meetings as mt

    a = record.assembly
    village = record.setting == "village"
    v_vill = versions.get("villagers_committees", "2025")
    v_urb = versions.get("urban_residents_committees", "2025")
    try:
        if a.kind == "villagers_meeting":
            judged = mt.villagers_meeting_majority(v_vill, a.present, a.yes)
        elif a.kind == "representatives_meeting" and village:
            judged = mt.village_representatives_majority(v_vill, a.present, a.yes)
        elif a.kind == "representatives_meeting":
            judged = mt.residents_representatives_majority(a.present, a.yes)
        elif a.kind == "residents_meeting":
            judged = mt.residents_meeting_majority(v_urb, a.present, a.yes)
        elif a.kind == "owners_meeting":
            judged = mt.owners_meeting_majority(
                a.matter or "special", a.present, a.yes, a.area_present, a.area_yes
            )
        elif a.kind == "members_meeting":
            judged = mt.members_meeting_majority(a.members, a.yes)
        else:
            judged = mt.members_representatives_majority(a.members, a.yes)
    except (TypeError, ValueError, AttributeError):  # a meeting the record describes partly
        return ""
    return judged.citation.zh()


def _vote(record: Any, versions: dict[str, str]) -> str:
    a = record.assembly
    meeting = worded(V.label(V.MEETINGS, a.kind), record.setting)
    held = _date(record.timeline.assembly_held)
    area = ""
    if a.kind == "owners_meeting" and a.area_present is not None:
        area = (
            f"；专有部分面积：参与表决 {a.area_present:,.0f} ㎡（共 {a.area_total:,.0f} ㎡），"
            f"同意 {a.area_yes:,.0f} ㎡"
        )
    basis = meeting_basis(record, versions)
    result = "通过" if record.results.adopted else "未获通过"
    return (
        f"方案于{held}提交{meeting}表决：应到 {a.members}，实到 {a.present}，同意 {a.yes}{area}；"
        f"方案{result}" + (f"（依据{basis}）" if basis else "") + "。"
    )


def documents(
    scenario: Any,
    plan: Plan,
    record: Any,
    outcome: dict[str, Any],
    law_versions: dict[str, str],
    options: CapstoneOptions,
) -> dict[str, str]:
    """The four documents as HTML fragments: the run's facts (record, measures) worded for the
    setting, and the trainee's own part from ``plan.texts``. ``scenario``: the Scenario."""
    setting = record.setting
    t = record.timeline
    sign = signatory(setting, plan.lead)
    to = addressee(setting, plan)
    title = esc(scenario.topic.title)
    forms = record.consultation.forms
    held = "、".join(form_phrase(f, setting) for f in forms) or "开展协商"
    form_names = "、".join(worded(V.label(V.FORMS, f), setting) for f in forms if f in V.FORMS)
    groups = {g.id: g.name for g in scenario.stakeholder_groups}
    names = [groups.get(g, g) for g in plan.groups]
    invited = ("；" if any("、" in n for n in names) else "、").join(
        names
    )  # 二、三楼住户 stays whole
    extra = "、".join(
        x
        for x, on in (
            ("专家和第三方机构", plan.experts),
            ("威望高且办事公道的人士", plan.respected),
        )
        if on
    )
    channels = "、".join(V.label(V.CHANNELS, c) for c in plan.notice_channels if c in V.CHANNELS)
    pub = "、".join(V.label(V.CHANNELS, c) for c in plan.publicity_channels if c in V.CHANNELS)
    feedback = "、".join(worded(V.label(V.FEEDBACK_TARGETS, k), setting) for k in plan.feedback_to)
    titles = options.document_titles()
    adopted = bool(record.results.adopted)
    out: dict[str, str] = {}

    def signed(day: Any) -> str:
        return f"<p class='xsim-doc-meta'>{esc(sign)}<br>{_date(day)}</p>"

    proposed = _date(t.topic_proposed)
    out["report"] = (
        f"<h1>关于“{title}”的{esc(titles['report'])}</h1>"
        f"<p>{esc(scenario.narrative.strip())}</p>"
        + (f"<p>议题于{proposed}提出；" if proposed else "<p>")
        + (
            "提出前已广泛征求群众意见。"
            if record.topic.opinions_solicited
            else "提出前未征求群众意见。"
        )
        + f"拟由{esc(sign)}牵头，{esc(held)}。</p>"
        + _own(plan.texts.get("report", ""))
        + signed(t.topic_proposed)
    )
    consulted = _date(t.consulted)
    out["notice"] = (
        f"<h1>{esc(titles['notice'])}</h1><p>{esc(to)}、有关单位：</p>"
        f"<p>定于{consulted}就“{title}”{esc(held)}。"
        f"请{esc(invited)}的代表参加"
        + (f"，并邀请{esc(extra)}参加" if extra else "")
        + "。</p>"
        + _own(plan.texts.get("notice", ""))
        + f"<p>本通知通过{esc(channels)}发布。</p>"
        + signed(t.notified)
    )
    outcome_zh = V.label(V.OUTCOMES, record.consultation.outcome)
    meeting = (
        f"<p>{esc(_vote(record, law_versions))}</p>"
        if record.assembly is not None
        else "<p>方案未提交会议表决。</p>"
    )
    out["minutes"] = (
        f"<h1>{esc(titles['minutes'])}</h1>"
        f"<p>时间：{consulted}　形式：{esc(form_names)}　"
        f"到会：{int(outcome.get('attended', 0))} 人（受邀 {int(outcome.get('invited', 0))} 人）</p>"
        f"<p>协商结果：{esc(outcome_zh)}；表态的人中支持方案的占 "
        f"{float(outcome.get('support', 0.0)):.0%}。</p>"
        + meeting
        + "<p><b>方案修改情况：</b></p>"
        + _own(plan.texts.get("minutes", ""))
        + signed(t.consulted)
    )
    if record.assembly is not None:
        decided = esc(_vote(record, law_versions))
    else:
        decided = f"经协商（{esc(outcome_zh)}），方案{'已确定' if adopted else '未确定'}。"
    implemented = "方案已组织实施。" if record.results.implemented else ""
    dates = (t.publicized, t.assembly_held, t.implemented, t.consulted)
    latest = max((d for d in dates if d), default=None)
    out["publicity"] = (
        f"<h1>关于“{title}”协商结果的{esc(titles['publicity'])}</h1>"
        f"<p>{esc(to)}：</p>"
        f"<p>{decided}{implemented}</p>"
        + (f"<p>现通过{esc(pub)}公示" if pub else "<p>现予公示")
        + (f"，并向{esc(feedback)}反馈。</p>" if feedback else "。</p>")
        + _own(plan.texts.get("publicity", ""))
        + signed(t.publicized or latest)
    )
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
