"""Panels of the course home and the trainer: the table of contents, the glossary of names, the
trainee's progress (save name, export) and the trainer's class summary (merge exports).

The progress store and the class summary's reading live in :mod:`xsim.teaching.progress` and
:mod:`xsim.teaching.classroom`; these are their screens.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import ipywidgets as widgets

from xsim import vocabulary as V
from xsim.errors import InputError
from xsim.teaching.common import (
    HtmlBlock,
    TeachingWidget,
    bad_html,
    esc,
    note_html,
    ok_html,
    on_busy_click,
    safe_callback,
    table_block,
)
from xsim.teaching.display import html_table, on_click_busy

__all__ = ["GLOSSARY_TABLES", "classroom_panel", "glossary", "home", "progress_panel"]


def home() -> HtmlBlock:
    """The course's table of contents from ``course/toc.yaml``: each lesson with its content, its
    time and a link to its notebook (the notebooks sit side by side in ``notebooks/``)."""
    from xsim.teaching.display import HtmlCell
    from xsim.teaching.edition import notebook_name
    from xsim.teaching.lessons import load_toc

    toc = load_toc()
    rows = [
        {
            "讲次（点击打开）": HtmlCell(
                f'<a href="{esc(notebook_name(e))}" target="_self">{esc(e.id)} {esc(e.title)}</a>'
            ),
            "内容": e.summary,
            "时长（分钟）": e.minutes,
        }
        for e in toc.lessons
    ]
    total = sum(e.minutes for e in toc.lessons)
    caption = f"{toc.title}（共 {len(toc.lessons)} 讲，约 {total} 分钟）"
    table = html_table(rows, caption=caption).replace("<tr>", "\n<tr>")
    plain = "\n".join(f"{e.id} {e.title}（{e.minutes} 分钟）" for e in toc.lessons)
    return HtmlBlock(table, plain)


#: the vocabulary tables a trainee meets in the course, under the heading the glossary gives them
GLOSSARY_TABLES = (
    ("forms", "协商形式"),
    ("meetings", "决定事项的会议"),
    ("roles", "协商主体（参与者的身份）"),
    ("leads", "牵头单位"),
    ("topic_categories", "协商内容的类别"),
    ("channels", "通报和公开的渠道"),
    ("feedback_targets", "反馈对象"),
    ("outcomes", "协商结果"),
    ("groups", "居民群体"),
    ("measures", "模拟结果的指标"),
    ("fields", "协商记录中的项目"),
    ("severities", "检查结果的等级"),
)


def glossary_terms(table: str):
    """The terms of one glossary table: the vocabulary's, or the measure registry's."""
    from xsim.sim.measures import MEASURES

    return MEASURES.values() if table == "measures" else V.TABLES[table].values()


def glossary() -> HtmlBlock:
    """The glossary of lesson 00: the terms of ``course/handouts/glossary.yaml`` (what each means,
    where it comes from, a worked example), then the one table of names generated from
    :mod:`xsim.vocabulary`: every name a widget, table or finding uses for a form, body, meeting,
    group, measure or field."""
    from xsim.teaching.lessons import course_dir, load_glossary_file

    terms = load_glossary_file(course_dir() / "handouts" / "glossary.yaml")
    defined = table_block(
        ["术语", "说明", "依据", "例子"],
        [[t.term, t.meaning, t.source, t.example or "—"] for t in terms.terms],
        caption=terms.title,
    )
    rows = [
        [heading, "；".join(term.zh for term in glossary_terms(table))]
        for table, heading in GLOSSARY_TABLES
    ]
    names = table_block(["类别", "本课程使用的名称"], rows, caption="本课程使用的名称")
    return HtmlBlock(defined.html_text + names.html_text, defined.plain + "\n\n" + names.plain)


def progress_panel(folder: str | Path | None = None, *, path: str | Path | None = None):
    """The trainee's progress for the course home page: name, a table per lesson, refresh and
    export (a file in ``folder`` — default: the current folder — and a download link)."""
    from xsim.teaching.progress import export, load, set_trainee, summary
    from xsim.teaching.progress_view import download_link_html

    class ProgressPanel(TeachingWidget):
        kind_zh = "学习进度"

        def __init__(self) -> None:
            super().__init__()
            progress = load(path)
            self.name = widgets.Text(
                value=progress.trainee, placeholder="请输入姓名", description="姓名："
            )
            self.save_name = widgets.Button(description="保存姓名")
            self.refresh_button = widgets.Button(description="刷新进度")
            self.export_button = widgets.Button(description="导出进度文件", button_style="primary")
            self.table = widgets.HTML("")
            self.result = widgets.HTML("")
            on_busy_click(self.save_name, self._on_save_name)
            on_click_busy(self.refresh_button, self._on_refresh)
            on_click_busy(self.export_button, self._on_export)
            self.children = [
                widgets.HTML("<b>我的学习进度</b>（每次提交答案都会自动保存在本机）"),
                widgets.HBox([self.name, self.save_name]),
                self.table,
                widgets.HBox([self.refresh_button, self.export_button]),
                self.result,
                self.status,
            ]
            self.refresh()

        def refresh(self) -> None:
            table = summary(load(path))
            if table.empty:
                self.table.value = note_html(
                    "还没有作答记录。学完一讲、做完练习后，这里会显示进度。"
                )
            else:
                self.table.value = html_table(table)

        @safe_callback
        def _on_save_name(self, _b=None) -> None:
            self.clear_status()
            try:
                self.name.value = set_trainee(self.name.value, path=path)
            except InputError as err:
                self.status.value = bad_html(esc(err.expected_zh))
                return
            self.result.value = ok_html(f"姓名已保存：{esc(self.name.value)}")

        @safe_callback
        def _on_refresh(self, _b=None) -> None:
            self.refresh()

        @safe_callback
        def _on_export(self, _b=None) -> None:
            self.clear_status()
            target = Path(folder) if folder is not None else Path.cwd()
            try:
                written = export(target, progress=load(path))
            except (OSError, InputError):
                self.status.value = bad_html("进度文件没能写入这个文件夹，请培训老师帮助。")
                return
            self.result.value = ok_html(
                f"已导出：{esc(written.name)}（在 {esc(written.parent)} 文件夹）。"
                f"{download_link_html(written, '点这里下载')}，交给培训老师即可。"
            )

    return ProgressPanel()


def classroom_panel(folder: str | Path = "进度文件", report: str | Path | None = None):
    """The trainer's panel: a folder of collected exports → the class summary on screen (with the
    前测/后测 gain per clause), download links for the report (HTML, printable), the per-lesson
    table (CSV for a spreadsheet) and a completion record per trainee who passed the capstone;
    the report is also saved as ``report`` (default ``班级学习情况汇总.html`` beside the folder)."""
    from xsim.teaching.classroom import class_summary

    class ClassroomPanel(TeachingWidget):
        kind_zh = "班级汇总"

        def __init__(self) -> None:
            super().__init__()
            self.folder = widgets.Text(value=str(folder), description="文件夹：")
            self.run_button = widgets.Button(description="汇总全班进度", button_style="primary")
            self.downloads = widgets.HTML("")
            self.output = widgets.HTML("")
            on_click_busy(self.run_button, self._on_run)
            self.children = [
                widgets.HTML("<b>班级汇总</b>：把学员导出的进度文件放进一个文件夹，再点按钮。"),
                widgets.HBox([self.folder, self.run_button]),
                self.status,
                self.downloads,
                self.output,
            ]

        @safe_callback
        def _on_run(self, _b=None) -> None:
            self.clear_status()
            where = Path(self.folder.value.strip() or ".")
            if not where.is_dir():
                self.status.value = bad_html(f"找不到文件夹「{esc(where)}」，请检查名称。")
                return
            summary = class_summary(where)
            target = Path(report) if report is not None else where.parent / "班级学习情况汇总.html"
            with contextlib.suppress(OSError):  # a read-only folder: the links still work
                summary.save_html(target)
            self.downloads.value = ok_html(_downloads_html(summary))
            body = summary.to_html()
            start, end = body.index("<body>") + len("<body>"), body.index("</body>")
            self.output.value = body[start:end]

    return ClassroomPanel()


def _downloads_html(summary) -> str:
    """The trainer's downloads, in words: the report, the table, the completion records."""
    from xsim.teaching.completion import completion_html, completion_name
    from xsim.teaching.progress_view import download_bytes_html as link

    lines = [
        f"已汇总 {len(summary.trainees)} 位学员的进度。"
        + (f"有 {len(summary.skipped)} 个文件无法读取，见报告末尾。" if summary.skipped else ""),
        "下载："
        + link(
            summary.to_html().encode("utf-8"), "班级学习情况汇总.html", "汇总报告（网页，可打印）"
        )
        + "　"
        + link(
            summary.csv_text().encode("utf-8-sig"), "各讲得分.csv", "各讲得分表（可用 Excel 打开）"
        ),
    ]
    passed = summary.passed()
    if passed:
        records = "　".join(
            link(
                completion_html(summary, p).encode("utf-8"),
                completion_name(summary.names[p.trainee_id]),
                summary.names[p.trainee_id],
            )
            for p in passed
        )
        lines.append(f"结业记录（综合演练通过的 {len(passed)} 位学员，打开后可打印）：{records}")
    else:
        lines.append("结业记录：还没有学员通过综合演练。")
    return "<br>".join(lines)
