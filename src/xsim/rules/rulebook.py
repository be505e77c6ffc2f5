"""The rulebook: local settings the notice leaves to local implementation rules.

The schemas live in :mod:`xsim.local_rules` (beside the record schema, so that ``xsim.records`` does
not import the rules engine); this module re-exports them and adds the scenario-facing parser.

The notice fixes the procedure but not every number: it asks for "enough time" (预留充分时间) to
inform participants before a consultation (§4.2) and for the implementation to be made public "within
the set period" (在规定期限内, §5.2) without saying how many days. Those numbers belong to the county's
implementation rules (§6.2). The defaults below are **assumptions of this kit, not law**, chosen so a
check says something useful when a county has set nothing; a case record's ``rules:`` block or a
scenario's ``rules:`` overrides them.

Only ``assembly_notice_days`` comes from law: the Organic Law of Villagers' Committees (art. 21) says
villagers are notified of a villagers' meeting 10 days ahead. A local rule may ask for more, never less.
"""

from typing import Any

from xsim.local_rules import SETTINGS, Rulebook, RulebookOverrides

__all__ = ["Rulebook", "RulebookOverrides", "SETTINGS", "rulebook_from_dict"]


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
