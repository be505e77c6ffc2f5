"""Findings viewer and a small record editor that re-checks on click.

For notebook authors::

    from xsim.teaching import FindingsViewer, RecordEditor, elevator_record
    FindingsViewer(report)            # show a rules-engine Report, grouped by procedure step
    RecordEditor(elevator_record())   # trainees change a few fields and click 重新检查

The viewer shows, per procedure step (``Finding.step``), each finding's severity, rule code, clause
(with the notice's Chinese text folded under it), Chinese message and where in the record it comes
from. The editor builds a real :class:`~xsim.records.CaseRecord` from its fields and runs
:func:`xsim.rules.check_record`; a field a trainee fills badly gets the record loader's Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import ipywidgets as widgets

from xsim.errors import InputError
from xsim.teaching.cases import apply_patch, get_path
from xsim.teaching.common import (
    FEEDBACK_ZH,
    FORM_ZH,
    OUTCOME_ZH,
    SEVERITY_COLOR,
    SEVERITY_ZH,
    CheckboxGroup,
    TeachingWidget,
    button,
    clause_kind_zh,
    clause_text_zh,
    esc,
    note_html,
    ok_html,
    on_busy_click,
    ref_html,
    safe_callback,
)


def check_dict(data: dict[str, Any], source: str = "练习记录"):
    """Validate a record dict and run the rules engine on it (raises ``InputError`` on bad input)."""
    from xsim.records import record_from_dict
    from xsim.rules import check_record

    return check_record(record_from_dict(data, source=source))


_INDEXED = re.compile(r"^(?P<list>[a-z_]+)\[(?P<i>\d+)\](?:\.(?P<rest>.+))?$")


def record_item_name(path: str, record: dict[str, Any] | None) -> str:
    """A record field as a trainee reads it, the item of a list named by its ordinal and its
    own name: ``stakeholder_groups[2]`` → 第3个利益相关群体：底层住户, ``participants[4]`` →
    第5位参与者：居民（一楼住户）; other paths by :func:`xsim.vocabulary.field_label`."""
    from xsim import vocabulary as V

    m = _INDEXED.match(path or "")
    if not m or record is None:
        return V.field_label(path)
    entries = record.get(m.group("list")) or []
    i = int(m.group("i"))
    if not isinstance(entries, list) or i >= len(entries) or not isinstance(entries[i], dict):
        return V.field_label(path)
    entry = entries[i]
    kind = V.field_label(m.group("list"))
    if m.group("list") == "participants":
        groups = {g.get("id"): g.get("name") for g in record.get("stakeholder_groups") or []}
        who = V.label(V.ROLES, str(entry.get("role", "")))
        if entry.get("group") in groups:
            who += f"（{groups[entry['group']]}）"
        name = f"第{i + 1}位{kind}：{who}"
    else:
        own = entry.get("name") or entry.get("title") or entry.get("id") or ""
        name = f"第{i + 1}个{kind}" + (f"：{own}" if own else "")
    rest = m.group("rest")
    if rest:
        sub = V.field_label(f"{m.group('list')}.{rest}")
        if sub != kind:
            name += f"的“{sub}”"
    return name


def finding_html(f, record: dict[str, Any] | None = None) -> str:
    """One finding as HTML, in plain Chinese: the message is the headline; then the law or notice
    clause it rests on, the record field it concerns (by its Chinese name; with ``record``, an
    item of a list by its own name: 第3个利益相关群体：底层住户), the clause text folded away, and
    the rule code last and small, as a reference for the trainer."""
    color = SEVERITY_COLOR.get(f.severity, "#455a64")
    badge = (
        f'<span style="background:{color};color:white;border-radius:3px;padding:0 6px">'
        f"{esc(SEVERITY_ZH.get(f.severity, f.severity))}</span>"
    )
    text = esc(clause_text_zh(f.clause)).replace("\n", "<br>")
    kind = clause_kind_zh(f.clause)
    quote = f"<details><summary>{kind}</summary>「{text}」</details>" if text else ""
    where = f"　记录中的“{esc(record_item_name(f.where, record))}”" if f.where else ""
    return (
        f'<div style="border-left:4px solid {color};padding:4px 10px;margin:4px 0;line-height:1.6">'
        f"{badge} <b>{esc(f.message_zh)}</b><br>"
        f"<small>依据：{esc(f.cited('zh'))}{where}　{ref_html(f.code)}</small>"
        f"{quote}</div>"
    )


def report_html(
    report, steps: list[str] | None = None, record: dict[str, Any] | None = None
) -> str:
    """A Report as HTML grouped by procedure step; ``steps`` limits which steps are shown;
    ``record`` (the checked record) names the items findings point to."""
    from xsim.rules.report import STEPS

    if not report.findings:
        return ok_html("✔ 没有发现问题：这次协商符合《通知》和相关法律的要求。")
    n_v, n_w = len(report.violations), len(report.warnings)
    n_i = len(report.findings) - n_v - n_w
    head = f"共发现 {n_v} 处违规、{n_w} 处提醒、{n_i} 处提示。"
    head_html = (
        note_html(esc(head))
        if report.compliant
        else (f'<div style="color:#b71c1c;font-weight:bold;margin:4px 0">{esc(head)}</div>')
    )
    parts = [head_html]
    for step, found in report.by_step().items():
        if not found or (steps is not None and step not in steps):
            continue
        parts.append(f"<h5 style='margin:8px 0 2px'>{esc(STEPS[step][0])}</h5>")
        parts.extend(finding_html(f, record) for f in found)
    return "".join(parts)


class FindingsViewer(TeachingWidget):
    """Shows a rules-engine ``Report`` (``show(report)``) or checks a record (``show_record``)."""

    kind_zh = "检查结果"
    remembered = ("body",)

    def __init__(self, report=None, title: str = "检查结果"):
        super().__init__()
        self.title = widgets.HTML(f"<h4>{esc(title)}</h4>")
        self.body = widgets.HTML("")
        self.report = None
        self.children = [self.title, self.body, self.status]
        if report is not None:
            self.show(report)

    def show(self, report, record: dict[str, Any] | None = None) -> None:
        self.report = report
        self.clear_status()
        self.body.value = report_html(report, record=record)

    def show_record(self, record) -> None:
        """Check a ``CaseRecord`` (or a record dict) and show its report."""
        from xsim.rules import check_record

        if isinstance(record, dict):
            self.show(check_dict(record), record)
        else:
            self.show(check_record(record), record.model_dump(mode="json"))


def _count(widget: widgets.IntText, path: str) -> int:
    """A count the trainee typed: a whole number >= 0, else a message naming the field (the
    record's own message would add a note for whoever writes YAML)."""
    if widget.value is None or widget.value < 0:
        raise InputError("练习记录", path, "a whole number >= 0", "应填写不小于0的整数")
    return int(widget.value)


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


class RecordEditor(TeachingWidget):
    """A mini form over a record: change fields, click 重新检查, read the findings below.

    ``fields`` shown: opinions solicited, notification and consultation dates, forms, outcome,
    feedback targets, dissenters and how many were given an explanation, publicity date.
    :meth:`to_dict` returns the record dict the form currently describes.
    """

    kind_zh = "记录编辑与检查"
    #: every field of the form and the findings shown (kept when a subclass tracks a lesson)
    remembered = (
        "solicited", "notified", "consulted", "forms", "outcome", "feedback", "dissenters",
        "explained", "publicized", "viewer",
    )  # fmt: skip

    def __init__(self, record: dict[str, Any], title: str = "改一改，再检查"):
        super().__init__()
        self.base = record
        wide = {"description_width": "9em"}
        lay = widgets.Layout(width="28em")
        self.solicited = widgets.Checkbox(
            value=bool(get_path(record, "topic.opinions_solicited", False)),
            description="提出议题前充分征求了意见",
            indent=False,
        )
        self.notified = widgets.DatePicker(
            value=_date(get_path(record, "timeline.notified", None)),
            description="通报日期",
            style=wide,
            layout=lay,
        )
        self.consulted = widgets.DatePicker(
            value=_date(get_path(record, "timeline.consulted", None)),
            description="协商日期",
            style=wide,
            layout=lay,
        )
        self.forms = CheckboxGroup(
            [(zh, key) for key, zh in FORM_ZH.items()],
            value=tuple(get_path(record, "consultation.forms")),
            description="协商形式（可多选）",
        )
        self.outcome = widgets.Dropdown(
            options=[(zh, key) for key, zh in OUTCOME_ZH.items()],
            value=get_path(record, "consultation.outcome"),
            description="协商结果",
            style=wide,
            layout=lay,
        )
        self.feedback = CheckboxGroup(
            [(f"向{zh}反馈", key) for key, zh in FEEDBACK_ZH.items()],
            value=tuple(get_path(record, "results.feedback_to", [])),
            description="落实情况反馈给",
        )
        self.dissenters = widgets.IntText(
            value=get_path(record, "results.dissenters", 0),
            description="持不同意见人数",
            style=wide,
            layout=lay,
        )
        self.explained = widgets.IntText(
            value=get_path(record, "results.dissenters_explained", 0),
            description="已解释说明人数",
            style=wide,
            layout=lay,
        )
        self.publicized = widgets.DatePicker(
            value=_date(get_path(record, "timeline.publicized", None)),
            description="公开日期",
            style=wide,
            layout=lay,
        )
        self.check_button = button("重新检查")
        on_busy_click(self.check_button, self._on_check)
        self.viewer = FindingsViewer(title="检查结果")
        self.children = [
            widgets.HTML(f"<h4>{esc(title)}</h4>"),
            self.solicited,
            self.notified,
            self.consulted,
            self.forms,
            self.outcome,
            self.feedback,
            self.dissenters,
            self.explained,
            self.publicized,
            self.check_button,
            self.status,
            self.viewer,
        ]

    def to_dict(self) -> dict[str, Any]:
        """The record dict described by the form's current values."""
        iso = lambda d: d.isoformat() if d is not None else None  # noqa: E731
        return apply_patch(
            self.base,
            {
                "topic.opinions_solicited": bool(self.solicited.value),
                "timeline.notified": iso(self.notified.value),
                "timeline.consulted": iso(self.consulted.value),
                "timeline.publicized": iso(self.publicized.value),
                "consultation.forms": list(self.forms.value),
                "consultation.outcome": self.outcome.value,
                "results.feedback_to": list(self.feedback.value),
                "results.dissenters": _count(self.dissenters, "results.dissenters"),
                "results.dissenters_explained": _count(
                    self.explained, "results.dissenters_explained"
                ),
            },
        )

    @safe_callback
    def _on_check(self, _button=None) -> None:
        self.clear_status()
        self.viewer.body.value = ""
        data = self.to_dict()
        self.viewer.show(check_dict(data), data)


class RecordChecker(TeachingWidget):
    """Check a whole case record written in YAML: paste it or upload a ``.yaml`` file, click 检查记录.

    The same engine and messages as ``xsim check``; a malformed file (bad YAML, a typo in a field
    name, an impossible date) gets the record loader's Chinese message with the field and line.
    ``text`` starts with ``record`` (a dict) written as YAML, or empty.
    """

    kind_zh = "协商记录检查"

    def __init__(self, record: dict[str, Any] | None = None, title: str = "检查一份协商记录"):
        super().__init__()
        import yaml

        start = yaml.safe_dump(record, allow_unicode=True, sort_keys=False) if record else ""
        self.text = widgets.Textarea(
            value=start,
            placeholder="在这里粘贴协商记录（YAML 格式）",
            layout=widgets.Layout(width="100%", height="22em"),
        )
        self.upload = widgets.FileUpload(
            accept=".yaml,.yml", multiple=False, description="上传记录文件"
        )
        self.upload.observe(self._on_upload, names="value")
        self.check_button = button("检查记录")
        on_busy_click(self.check_button, self._on_check)
        self.viewer = FindingsViewer(title="检查结果")
        self.children = [
            widgets.HTML(f"<h4>{esc(title)}</h4>"),
            self.upload,
            self.text,
            self.check_button,
            self.status,
            self.viewer,
        ]

    @safe_callback
    def _on_upload(self, change=None) -> None:
        self.clear_status()
        files = self.upload.value
        if not files:
            return
        name, content = files[0]["name"], files[0]["content"]
        from xsim.io import MAX_YAML_BYTES

        if len(content) > MAX_YAML_BYTES:  # refused before decoding: a record is a few KB
            self.show_error(
                f"{name}：文件有 {len(content) / 1e6:.1f} MB，超过了协商记录的上限"
                f"（{MAX_YAML_BYTES // 1024} KB）。请确认上传的是协商记录文件。"
            )
            return
        content = bytes(content)
        try:
            self.text.value = content.decode("utf-8")
        except UnicodeDecodeError:
            self.show_error(
                f"{name}：文件不是 UTF-8 编码的文本，请用记事本等另存为 UTF-8 后再上传。"
            )
            return
        self.show_note(f"已读入 {name}，点击「检查记录」。")

    @safe_callback
    def _on_check(self, _button=None) -> None:
        from xsim.records import record_from_yaml
        from xsim.rules import check_record

        self.clear_status()
        self.viewer.body.value = ""
        if not self.text.value.strip():
            self.show_error("请先粘贴或上传一份协商记录。")
            return
        name = self.upload.value[0]["name"] if self.upload.value else "粘贴的记录"
        self.viewer.show(check_record(record_from_yaml(self.text.value, source=name)))


#: which vocabulary table names the values of a record field (coded values shown by their name)
_VALUE_TABLES = {
    "setting": "settings",
    "scope": "scopes",
    "lead": "leads",
    "topic.categories": "topic_categories",
    "topic.proposed_by.kind": "proposers",
    "consultation.forms": "forms",
    "consultation.outcome": "outcomes",
    "assembly.kind": "meetings",
    "results.channels": "channels",
    "results.feedback_to": "feedback_targets",
    "results.excluded.reason": "exclusion_reasons",
    "assembly.matter": "owners_matters",
    "topic.owners_matter": "owners_matters",
    "topic.collective_matter": "collective_matters",
    "topic.commissioned_by": "proposers",  # township / department: the same bodies
    "results.revoked.by": "revokers",
    "deciding_body": "deciding_bodies",
}


def _value_zh(path: str, value: Any) -> str:
    from xsim import vocabulary as V

    if isinstance(value, dict):  # an entry of a list of records (results.excluded[]): its fields
        parts = [
            f"{V.FIELDS[f'{path}.{k}'].zh if f'{path}.{k}' in V.FIELDS else ''}"
            f"{'：' if f'{path}.{k}' in V.FIELDS else ''}{_value_zh(f'{path}.{k}', v)}"
            for k, v in value.items()
            if v is not None
        ]
        return "，".join(parts)
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or value == []:
        return "—"
    if value == "unknown":  # a fact the record does not state (the engine: 「无法判断」)
        return "（未写明）"
    if value == "pending":
        return "尚未实施"
    table = V.TABLES.get(_VALUE_TABLES.get(path, ""))
    if isinstance(value, list):
        sep = "；" if any(isinstance(v, dict) for v in value) else "、"
        return sep.join(_value_zh(path, v) for v in value)
    if table is not None:
        return V.label(table, str(value))
    return str(value)


def record_table_html(record: dict[str, Any]) -> str:
    """A case record as a readable Chinese form: one row per field (by its Chinese name) and a
    table of the participants — what a trainee reads instead of the record's YAML."""
    from xsim import vocabulary as V
    from xsim.teaching.display import html_table

    rows: list[dict[str, str]] = []
    groups = {g["id"]: g["name"] for g in record.get("stakeholder_groups") or []}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, sub in value.items():
                walk(f"{prefix}.{key}" if prefix else key, sub)
            return
        if prefix in V.FIELDS or prefix in _VALUE_TABLES:
            name = V.FIELDS[prefix].zh if prefix in V.FIELDS else _OTHER_FIELDS.get(prefix, "")
            if name:
                rows.append({"项目": name, "记录内容": _value_zh(prefix, value)})

    for part in ("topic", "lead", "timeline", "consultation", "assembly", "results", "subsidies"):
        if record.get(part) is not None:
            walk(part, record[part])
    if groups:
        rows.insert(
            1, {"项目": V.FIELDS["stakeholder_groups"].zh, "记录内容": "、".join(groups.values())}
        )
    people = [
        {
            "身份": V.label(V.ROLES, p.get("role", "")),
            "代表的群体": groups.get(p.get("group"), "—"),
            "人数": p.get("count", 1),
            "发言": _value_zh("", p.get("spoke", False)),
            "与议题相关": _value_zh("", p.get("relevant", True)),
        }
        for p in record.get("participants") or []
    ]
    return html_table(rows, caption=f"协商记录：{record.get('title', '')}") + (
        html_table(people, caption=V.FIELDS["participants"].zh, css=False) if people else ""
    )


_OTHER_FIELDS = {"topic.proposed_by.kind": "议题提出方"}
