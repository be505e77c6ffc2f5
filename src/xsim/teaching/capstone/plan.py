"""The capstone's plan: every choice a trainee makes, the options offered (``capstone.yaml`` of the
lesson) and the scenario overrides the plan stands for. Pure data, no widgets, no model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xsim.errors import InputError

__all__ = [
    "MAX_TEXT_CHARS",
    "NO_MEETING",
    "CapstoneOptions",
    "DocumentSpec",
    "Option",
    "Plan",
    "load_options",
]

NO_MEETING = "none"
MAX_TEXT_CHARS = 2000  # per document: keeps the page and its download link small

Text = Annotated[str, Field(min_length=1)]
Days = Annotated[int, Field(ge=0, le=365)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    """A choice offered: the trainee's words and the scenario overrides it means."""

    label: Text
    set: dict[str, Any] = Field(default_factory=dict)


class DocumentSpec(_Strict):
    """One of the four documents a cadre files: its title and the hint of the trainee's part."""

    key: Literal["report", "notice", "minutes", "publicity"]
    title: Text
    hint: Text


class CapstoneOptions(_Strict):
    """``capstone.yaml``: what the trainee may choose at each step, and the four documents."""

    notice_days: Annotated[list[Days], Field(min_length=2)]
    meeting_notice_days: Annotated[list[Days], Field(min_length=2)]
    publicize_days: Annotated[list[Days], Field(min_length=2)]
    solicit: Annotated[list[Option], Field(min_length=2)]
    facilitation: Annotated[list[Option], Field(min_length=2)]
    amend: Annotated[list[Option], Field(min_length=2)]
    subsidy: Annotated[list[Option], Field(min_length=2)]
    meetings: dict[Literal["village", "community"], Annotated[list[Text], Field(min_length=1)]]
    documents: Annotated[list[DocumentSpec], Field(min_length=4, max_length=4)]

    @model_validator(mode="after")
    def _known(self) -> CapstoneOptions:
        from xsim import vocabulary as V

        for setting, meetings in self.meetings.items():
            for i, m in enumerate(meetings):
                if m not in V.MEETINGS:
                    raise ValueError(f"unknown_meeting:meetings:{setting}:{i}")
        if len({d.key for d in self.documents}) != 4:
            raise ValueError("duplicate_value:documents")
        return self

    def document_titles(self) -> dict[str, str]:
        return {d.key: d.title for d in self.documents}


@cache
def _load(path: Path) -> CapstoneOptions:
    from xsim.teaching.lessons import read_course_file

    return read_course_file(path, CapstoneOptions)


def load_options(lesson: str | None = None, path: str | Path | None = None) -> CapstoneOptions:
    """The capstone's options: the lesson's ``capstone.yaml`` (or ``path``); a bad file is one
    :class:`InputError` with file, line and field."""
    if path is None:
        from xsim.teaching.lessons import lesson_file

        path = lesson_file(lesson, "capstone.yaml")
    return _load(Path(path))


@dataclass
class Plan:
    """Every choice of the capstone; ``None`` / empty = not chosen yet. Choices among the
    options of ``capstone.yaml`` are their indices; days are days."""

    lead: str | None = None
    solicit: int | None = None
    groups: tuple[str, ...] = ()
    experts: bool = False
    respected: bool = False
    form: str | None = None
    notice_days: int | None = None
    notice_channels: tuple[str, ...] = ()
    facilitated: int | None = None
    deciding_meeting: str | None = None  # a MEETINGS key or NO_MEETING
    meeting_notice_days: int | None = None
    amend: int | None = None
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

    @property
    def escalates(self) -> bool:
        return self.deciding_meeting not in (None, NO_MEETING)

    def overrides(self, options: CapstoneOptions) -> dict[str, Any]:
        """The scenario overrides this plan stands for (raises InputError if incomplete)."""
        missing = self.missing()
        if missing:
            raise InputError(
                "综合演练",
                next(iter(missing)),
                "every choice made",
                f"还有 {len(missing)} 项没有选择：" + "；".join(missing.values()),
            )
        out: dict[str, Any] = {
            "lead": self.lead,
            "organizer.invite_groups": list(self.groups),
            "organizer.experts": bool(self.experts),
            "organizer.invite_respected": bool(self.respected),
            "organizer.notice_days": int(self.notice_days),
            "organizer.notice_channels": list(self.notice_channels),
            "organizer.escalate": self.escalates,
            "organizer.publicity_channels": list(self.publicity_channels),
            "organizer.publicize_days": int(self.publicize_days),
            "organizer.feedback_to": list(self.feedback_to),
        }
        for name, choices in (
            ("solicit", options.solicit),
            ("facilitated", options.facilitation),
            ("amend", options.amend),
            ("subsidy", options.subsidy),
        ):
            out.update(choices[getattr(self, name)].set)
        if self.escalates:
            out["organizer.assembly"] = self.deciding_meeting
            out["organizer.assembly_notice_days"] = int(self.meeting_notice_days)
        return out

    def to_data(self) -> dict[str, Any]:
        """The plan as plain data (the progress store, a trainer's rerun)."""
        from dataclasses import asdict

        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
