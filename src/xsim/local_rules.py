"""Local settings (the rulebook) and local rule profiles: schemas at the bottom layer.

The notice fixes the procedure but not every number: it asks for "enough time" (预留充分时间) to
inform participants before a consultation (§4.2) and for the implementation to be made public "within
the set period" (在规定期限内, §5.2) without saying how many days. Those numbers belong to the county's
implementation rules (§6.2). The defaults below are **assumptions of this kit, not law**, chosen so a
check says something useful when a county has set nothing; a case record's or scenario's ``rules:``
block, or a local *profile* (``rules: {profile: chongqing}`` or ``xsim check --profile FILE``),
overrides them.

``assembly_notice_days`` is a floor set by law (10 days: villagers' meeting, and from 2026-01-01 the
residents' meeting; the members' meeting of a collective economic organization); a local rule may ask
for more, never less. Settings that are ``None`` / ``False`` by default exist only in local rules.

This module sits beside the record schema (``xsim.records`` imports it) and imports nothing from
``xsim.rules``: the rules engine is the layer above.
"""

# No ``from __future__ import annotations``: pydantic would evaluate every field's annotation
# string at import, time that ``xsim check`` (0.3 s in all) pays on every run.
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "Rulebook",
    "RulebookOverrides",
    "SETTINGS",
    "Profile",
    "ProfileSetting",
    "Source",
    "load_profile",
    "profile_from_dict",
    "builtin_profiles",
]

Days = Annotated[int, Field(strict=True, ge=0, le=366)]
AssemblyDays = Annotated[int, Field(strict=True, ge=10, le=366)]
PostedDays = Annotated[int, Field(strict=True, ge=1, le=366)]
Flag = Annotated[bool, Field(strict=True)]
ProfileName = Annotated[str, Field(strict=True, pattern=r"^[a-z][a-z0-9_-]{0,63}$")]


class Rulebook(BaseModel):
    """Local settings with documented defaults (see the module docstring for which are law)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    notice_days: Days = Field(
        3,
        description=(
            "Days between notifying participants and the consultation (§4.2 '预留充分时间'). "
            "Default 3 is an ASSUMPTION of this kit, not law: set your county's number."
        ),
    )
    publicize_within_days: Days = Field(
        30,
        description=(
            "Days after implementation by which it must be made public (§5.2 '在规定期限内'). "
            "Default 30 is an ASSUMPTION of this kit (village-affairs openness is commonly monthly), "
            "not law: set your county's number."
        ),
    )
    assembly_notice_days: AssemblyDays = Field(
        10,
        description=(
            "Days of notice before a villagers' meeting (and, from 2026-01-01, a residents' "
            "meeting; a members' meeting). 10 is LAW (villagers' law 2018 art. 21 / 2025 art. 25; "
            "urban law 2025 art. 26; collective economic organizations law art. 27); a local rule "
            "may ask for more, never fewer."
        ),
    )
    representatives_notice_days: Days | None = Field(
        None,
        description=(
            "Days before a villagers' representatives' meeting by which its members are told the "
            "agenda (timeline.representatives_notified). None: no national rule; a LOCAL rule "
            "(Chongqing measures art. 12: 3 days)."
        ),
    )
    posted_days: PostedDays | None = Field(
        None,
        description=(
            "Least days a disclosure stays posted (results.posted_days). The LAW sets 15 from "
            "2026-01-01 (villagers' law 2025 art. 35, urban law 2025 art. 34); a LOCAL rule may set "
            "its own (Chongqing measures art. 30: 10); the stricter of the two applies."
        ),
    )
    away_unreachable_excluded: Flag = Field(
        False,
        description=(
            "Villagers away and unreachable (population.away_unreachable) are left out of the "
            "villagers' meeting quorum base. A LOCAL rule (Chongqing measures art. 7); off by default."
        ),
    )
    bulletin_required: Flag = Field(
        False,
        description=(
            "Village results must be posted on the fixed village-affairs bulletin board (`bulletin` "
            "among results.channels). A LOCAL rule (Chongqing measures art. 28); off by default."
        ),
    )

    def merged(
        self, overrides: "RulebookOverrides | dict[str, Any] | None", *, with_profile: bool = True
    ) -> "Rulebook":
        """This rulebook with the settings that ``overrides`` gives replaced; a ``profile`` it
        names is applied first (so a scenario's ``rules: {profile: chongqing}`` reaches the model),
        unless ``with_profile`` is false (the rules engine applies profiles itself, with sources)."""
        if overrides is None:
            return self
        if isinstance(overrides, dict):
            overrides = RulebookOverrides.model_validate(overrides)
        base = self
        if with_profile and overrides.profile is not None:
            base = self.merged(load_profile(overrides.profile).profile.overrides())
        changes = overrides.model_dump(exclude_none=True, exclude={"profile"})
        return base.model_copy(update=changes) if changes else base


class RulebookOverrides(BaseModel):
    """The ``rules:`` block of a record or scenario: a profile name and/or any of the settings."""

    model_config = ConfigDict(extra="forbid")

    profile: ProfileName | None = None  # a built-in profile (xsim/data/profiles/NAME.yaml)
    notice_days: Days | None = None
    publicize_within_days: Days | None = None
    assembly_notice_days: AssemblyDays | None = None
    representatives_notice_days: Days | None = None
    posted_days: PostedDays | None = None
    away_unreachable_excluded: Flag | None = None
    bulletin_required: Flag | None = None

    @model_validator(mode="after")
    def _known_profile(self) -> "RulebookOverrides":
        if self.profile is not None and self.profile not in builtin_profiles():
            from xsim.io import FieldProblem

            names = ", ".join(builtin_profiles())
            raise FieldProblem(
                ("profile",),
                f"a built-in profile ({names}), not {self.profile!r}; a county's own file is "
                "given with --profile FILE",
                f"应为内置地方规则（{names}），不是“{self.profile}”；区县自己的地方规则文件请用 "
                "--profile FILE 指定",
            )
        return self


# setting -> (default, is it law?, Chinese explanation)
SETTINGS: dict[str, tuple[Any, bool, str]] = {
    "notice_days": (
        3,
        False,
        "协商前通报的提前天数（通知第四部分“预留充分时间”；默认3天为本工具默认规则，非通知或法律规定）",
    ),
    "publicize_within_days": (
        30,
        False,
        "成果落实后公开的期限（通知第五部分“在规定期限内”；默认30天为本工具默认规则，非通知或法律规定）",
    ),
    "assembly_notice_days": (
        10,
        True,
        "召集村民会议（2026年1月1日起还有居民会议）、成员大会应提前通知的天数（法律规定10日，地方可更长）",
    ),
    "representatives_notice_days": (
        None,
        False,
        "村民代表会议召开前告知议题的天数（地方规定，如重庆市办法第十二条：3日）",
    ),
    "posted_days": (
        None,
        False,
        "公开事项至少保留的天数（2026年1月1日起法律规定不少于15日；地方规定如重庆市办法第三十条：10日）",
    ),
    "away_unreachable_excluded": (
        False,
        False,
        "外出且无法联系的村民不计入村民会议人数基数（地方规定，如重庆市办法第七条）",
    ),
    "bulletin_required": (
        False,
        False,
        "村务须在固定村务公开栏公布（地方规定，如重庆市办法第二十八条）",
    ),
}


# --- profiles ---------------------------------------------------------------------------------


class Source(BaseModel):
    """Where a profile setting comes from: a law text the kit holds (``law``, ``version``,
    ``article`` and optionally ``paragraph``: quoted through :mod:`xsim.law`), or a local document
    the kit does not hold (``document``, optionally ``article`` as written and ``text``)."""

    model_config = ConfigDict(extra="forbid")

    law: Annotated[str, Field(strict=True, min_length=1)] | None = None
    version: Annotated[str, Field(strict=True, min_length=1)] | None = None
    article: (
        Annotated[int, Field(strict=True, ge=1, le=999)]
        | Annotated[str, Field(strict=True, min_length=1, max_length=40)]
        | None
    ) = None
    paragraph: Annotated[int, Field(strict=True, ge=1, le=50)] | None = None
    document: Annotated[str, Field(strict=True, min_length=1, max_length=200)] | None = None
    text: Annotated[str, Field(strict=True, min_length=1, max_length=2000)] | None = None

    @model_validator(mode="after")
    def _exists(self) -> "Source":
        from xsim import law
        from xsim.io import FieldProblem

        if self.document is not None:
            if self.law is not None or self.version is not None or self.paragraph is not None:
                raise FieldProblem(
                    ("document",),
                    "either a law (law, version, article) or a document, not both",
                    "来源应为法律（law、version、article）或文件（document）之一，不能同时填写",
                )
            return self
        if self.law is None:
            raise FieldProblem(
                ("law",),
                "a law (law, version, article) or a document (document: …)",
                "应填写法律（law、version、article）或文件（document: …）",
            )
        if self.law not in law.LAWS:
            raise FieldProblem(
                ("law",),
                f"a law the kit holds ({', '.join(law.LAWS)})",
                f"应为本工具收录的法律（{'、'.join(law.LAWS)}）",
            )
        versions = [v.key for v in law.LAWS[self.law].versions]
        if self.version not in versions:
            raise FieldProblem(
                ("version",),
                f"a version of {self.law}: {', '.join(versions)}",
                f"应为 {self.law} 的版本之一：{'、'.join(versions)}",
            )
        try:
            if not isinstance(self.article, int):
                raise KeyError(self.article)
            art = law.article(self.law, self.version, self.article)
            if self.paragraph is not None:
                art.paragraph(self.paragraph)
        except KeyError:
            raise FieldProblem(
                ("article",),
                f"an article number (and paragraph) of {self.law} ({self.version})",
                f"应为 {self.law}（{self.version}）中存在的条款编号",
            ) from None
        return self

    def citation(self, lang: str = "zh") -> str:
        from xsim import law

        if self.document is not None:
            return f"《{self.document}》{self.article or ''}"
        return law.cite(self.law, self.article, self.version, paragraph=self.paragraph, lang=lang)

    def quote(self) -> str | None:
        from xsim import law

        if self.document is not None:
            return self.text
        return law.quote(self.law, self.version, self.article, self.paragraph)


class ProfileSetting(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Any
    source: Source


class Profile(BaseModel):
    """A local rule profile: named settings, each with the source it comes from."""

    model_config = ConfigDict(extra="forbid")

    name: ProfileName
    title_zh: Annotated[str, Field(strict=True, min_length=1, max_length=200)]
    setting: Literal["village", "community"] | None = None  # records it applies to (None: all)
    settings: dict[str, ProfileSetting] = Field(min_length=1)

    @model_validator(mode="after")
    def _settings_valid(self) -> "Profile":
        from xsim.io import FieldProblem

        valid = ", ".join(k for k in Rulebook.model_fields)
        for key, setting in self.settings.items():
            if key not in Rulebook.model_fields:
                raise FieldProblem(
                    ("settings", key), f"one of the settings {valid}", f"应为以下设置之一：{valid}"
                )
            try:
                RulebookOverrides.model_validate({key: setting.value})
            except ValidationError as exc:
                why = exc.errors()[0]["msg"]
                raise FieldProblem(
                    ("settings", key, "value"),
                    f"a valid value for {key} ({why})",
                    f"{key} 的取值无效（{why}）",
                ) from None
        return self

    def overrides(self) -> RulebookOverrides:
        return RulebookOverrides.model_validate({k: s.value for k, s in self.settings.items()})


@dataclass(frozen=True)
class LoadedProfile:
    """A validated profile and where it was read from (the ``file`` findings cite)."""

    profile: Profile
    file: str


_PROFILE_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")


def builtin_profiles() -> list[str]:
    """Names of the profiles shipped in ``xsim/data/profiles``."""
    folder = resources.files("xsim.data").joinpath("profiles")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def profile_from_dict(data: Any, source: str = "<profile>", lines: dict | None = None) -> Profile:
    """Validate plain data (or an :class:`xsim.io.YamlDocument`) into a :class:`Profile`; every
    problem raises ``InputError`` naming the file, the field and the line."""
    from xsim.io import validate

    return validate(
        Profile,
        data,
        source,
        lines,
        what=(
            "a local rule profile (name:, title_zh:, settings:)",
            "地方规则文件（name:、title_zh:、settings:）",
        ),
    )


def load_profile(
    ref: str | os.PathLike[str], named_in: tuple[str, str] = ("--profile", "")
) -> LoadedProfile:
    """A profile by built-in name (``chongqing``) or by file path; ``InputError`` when unknown or
    invalid (naming the file, the line and the field). Files are read by :mod:`xsim.io`.
    ``named_in`` is (file, field) where the reference was written, for an unknown name."""
    from xsim.errors import InputError
    from xsim.io import load_yaml_file, load_yaml_text

    text_ref = str(ref)
    if _PROFILE_KEY.match(text_ref) and not Path(text_ref).exists():
        if text_ref not in builtin_profiles():
            names = ", ".join(builtin_profiles())
            raise InputError(
                named_in[0],
                named_in[1],
                f"a built-in profile ({names}) or a profile file; got {text_ref!r}",
                f"应为内置地方规则（{names}）或地方规则文件；实际为“{text_ref}”",
            )
        path = resources.files("xsim.data").joinpath("profiles", f"{text_ref}.yaml")
        source = f"xsim/data/profiles/{text_ref}.yaml"
        document = load_yaml_text(path.read_text(encoding="utf-8"), source)
    else:
        source = text_ref
        document = load_yaml_file(ref)
    return LoadedProfile(profile_from_dict(document, source), source)
