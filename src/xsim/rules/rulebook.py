"""The rulebook: local settings the notice leaves to local implementation rules.

The notice fixes the procedure but not every number: it asks for "enough time" (预留充分时间) to
inform participants before a consultation (§4.2) and for the implementation to be made public "within
the set period" (在规定期限内, §5.2) without saying how many days. Those numbers belong to the county's
implementation rules (§6.2). The defaults below are **assumptions of this kit, not law**, chosen so a
check says something useful when a county has set nothing; a case record's ``rules:`` block or a
scenario's ``rules:`` overrides them.

Only ``assembly_notice_days`` comes from law: the Organic Law of Villagers' Committees (art. 21) says
villagers are notified of a villagers' meeting 10 days ahead. A local rule may ask for more, never less.
"""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Rulebook", "RulebookOverrides", "SETTINGS", "rulebook_from_dict"]

Days = Annotated[int, Field(strict=True, ge=0, le=366)]
AssemblyDays = Annotated[int, Field(strict=True, ge=10, le=366)]


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
            "Days of notice before a villagers' meeting. 10 is LAW (Organic Law of Villagers' "
            "Committees art. 21); a local rule may ask for more, never fewer."
        ),
    )

    def merged(self, overrides: "RulebookOverrides | dict[str, Any] | None") -> "Rulebook":
        """This rulebook with the settings that ``overrides`` gives replaced."""
        if overrides is None:
            return self
        if isinstance(overrides, dict):
            overrides = RulebookOverrides.model_validate(overrides)
        changes = overrides.model_dump(exclude_none=True)
        return self.model_copy(update=changes) if changes else self


class RulebookOverrides(BaseModel):
    """The ``rules:`` block of a record or scenario: any subset of :class:`Rulebook`'s settings."""

    model_config = ConfigDict(extra="forbid")

    notice_days: Days | None = None
    publicize_within_days: Days | None = None
    assembly_notice_days: AssemblyDays | None = None


# setting -> (default, is it law?, Chinese explanation)
SETTINGS: dict[str, tuple[int, bool, str]] = {
    "notice_days": (
        3,
        False,
        "协商前通报的提前天数（第四部分“预留充分时间”；默认3天为本工具假设，非法律规定）",
    ),
    "publicize_within_days": (
        30,
        False,
        "成果落实后公开的期限（第五部分“在规定期限内”；默认30天为本工具假设，非法律规定）",
    ),
    "assembly_notice_days": (
        10,
        True,
        "召集村民会议应提前通知的天数（村民委员会组织法第二十一条：10天）",
    ),
}


def rulebook_from_dict(
    data: dict[str, Any] | None, source: str = "<rules>", base: Rulebook | None = None
) -> Rulebook:
    """``base`` (or the defaults) with a ``rules:`` mapping applied; bad keys or values raise
    :class:`xsim.errors.InputError` naming ``rules.<key>`` (for scenario loaders and widgets)."""
    from pydantic import ValidationError

    from xsim.errors import InputError

    base = base or Rulebook()
    if data is None:
        return base
    if not isinstance(data, dict):
        raise InputError(
            source,
            "rules",
            "a mapping of settings such as {notice_days: 5}",
            "应为设置映射，如 {notice_days: 5}",
        )
    try:
        return base.merged(RulebookOverrides.model_validate(data))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        key = ".".join(str(p) for p in err["loc"])
        valid = ", ".join(Rulebook.model_fields)
        if err["type"] == "extra_forbidden":
            raise InputError(
                source, f"rules.{key}", f"one of the settings {valid}", f"应为以下设置之一：{valid}"
            ) from None
        raise InputError(
            source,
            f"rules.{key}",
            f"a whole number of days ({err['msg']})",
            f"应为整数天数（{err['msg']}）",
        ) from None
