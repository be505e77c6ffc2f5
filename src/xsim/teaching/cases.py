"""Teaching cases as plain record dicts (the ``case-record.md`` format), and small dict helpers.

:func:`elevator_record` is a fully compliant record of the classic urban case — retrofitting an
elevator to an old six-storey building — that the stepper, picker and record editor start from by
default; :func:`village_record` (a village road) and :func:`results_record` (lesson 05's
commissioned matter) are the village bases (:data:`BASE_RECORDS`). Widgets change copies of it through *patches*: ``{"timeline.notified": "2026-03-09"}`` sets
one field by its dotted path (list items as ``participants[2].spoke``).
"""

from __future__ import annotations

import copy
import re
from typing import Any

_INDEX = re.compile(r"^(\w+)\[(\d+)\]$")


def elevator_record() -> dict[str, Any]:
    """A compliant record: 3号楼加装电梯 in an old residential compound (a fresh copy each call)."""
    return {
        "title": "老旧小区3号楼加装电梯协商",
        "setting": "community",
        "population": {"residents": 420, "households": 160, "representatives": 12},
        "scope": "group",
        "lead": "committee",
        "topic": {
            "title": "3号楼加装电梯及费用分摊",
            "categories": ["infrastructure", "large_fund"],
            "proposed_by": {"kind": "committee"},
            "opinions_solicited": True,
            "technical": True,
            "wide_impact": True,
            "law_reserved": False,
            "commissioned_by": None,
        },
        "stakeholder_groups": [
            {"id": "upper", "name": "四至六楼住户"},
            {"id": "lower", "name": "二、三楼住户"},
            {"id": "ground", "name": "一楼住户"},
        ],
        "participants": [
            {"role": "committee"},
            {"role": "owners_committee"},
            {"role": "resident", "group": "upper", "count": 6},
            {"role": "resident", "group": "lower", "count": 4},
            {"role": "resident", "group": "ground", "count": 2},
            {"role": "expert"},
            {"role": "veteran", "respected": True},
        ],
        "timeline": {
            "topic_proposed": "2026-03-01",
            "notified": "2026-03-03",
            "consulted": "2026-03-10",
            "assembly_notified": "2026-03-12",  # 15 days before the owners' meeting (物业管理条例 art. 14)
            "assembly_held": "2026-03-28",
            "implemented": "2026-05-20",
            "publicized": "2026-05-28",
        },
        "consultation": {"forms": ["owners", "special_council"], "outcome": "majority"},
        "assembly": {
            "kind": "owners_meeting",
            "members": 36,
            "present": 30,
            "yes": 26,
            "area_total": 2880.0,
            "area_present": 2400.0,
            "area_yes": 2080.0,
            "matter": "special",
        },
        "results": {
            "adopted": True,
            "implemented": True,
            "channels": ["bulletin", "wechat"],
            "feedback_to": ["subjects", "stakeholders", "residents"],
            "dissenters": 4,
            "dissenters_explained": 4,
            "violates_law": False,
            "corrected": None,
        },
        "subsidies": {"paid": False, "decided_by_meeting": None, "publicized": None},
    }


def _split(path: str) -> list[str | int]:
    keys: list[str | int] = []
    for part in path.split("."):
        m = _INDEX.match(part)
        if m:
            keys.extend([m.group(1), int(m.group(2))])
        else:
            keys.append(part)
    return keys


_MISSING = object()


def get_path(data: dict[str, Any], path: str, default: Any = _MISSING) -> Any:
    """The value at a dotted path (``results.feedback_to``, ``participants[2].spoke``).

    With ``default``, a path that is absent or null (a record omits empty optional fields) gives
    ``default`` instead of raising ``KeyError``.
    """
    node: Any = data
    try:
        for key in _split(path):
            node = node[key]
    except (KeyError, IndexError, TypeError):
        if default is _MISSING:
            raise
        return default
    return default if node is None and default is not _MISSING else node


def apply_patch(data: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of ``data`` with each dotted path of ``patch`` set (``None`` values set null)."""
    out = copy.deepcopy(data)
    for path, value in patch.items():
        keys = _split(path)
        node: Any = out
        for key in keys[:-1]:
            if isinstance(key, str) and isinstance(node, dict) and node.get(key) is None:
                node[key] = {}
            node = node[key]
        node[keys[-1]] = copy.deepcopy(value)
    return out


def village_record() -> dict[str, Any]:
    """A compliant village record (the elevator record turned into a village road matter)."""
    return apply_patch(
        elevator_record(),
        {
            "title": "石坝村通组公路硬化协商",
            "setting": "village",
            "population": {"residents": 860, "households": 300, "representatives": 30},
            "scope": "whole",
            "lead": "party_branch",
            "topic.title": "三组通组公路硬化及筹资筹劳方案",
            "topic.categories": ["infrastructure", "large_fund"],
            "topic.law_reserved": True,
            "stakeholder_groups": [
                {"id": "group3", "name": "三组村民"},
                {"id": "others", "name": "其他组村民"},
            ],
            "participants": [
                {"role": "party_branch"},
                {"role": "committee"},
                {"role": "representative", "group": "group3", "count": 8},
                {"role": "representative", "group": "others", "count": 12},
                {"role": "expert"},
                {"role": "veteran", "respected": True},
            ],
            "consultation.forms": ["council", "hearing"],
            "assembly": {
                "kind": "representatives_meeting",
                "members": 30,
                "present": 24,
                "yes": 19,
            },
            "results.channels": ["bulletin", "meeting"],
        },
    )


def results_record() -> dict[str, Any]:
    """Lesson 05's compliant base: the village road, commissioned by the township, with dissenters."""
    return apply_patch(
        village_record(),
        {
            "topic.commissioned_by": "township",
            "results.reported_to_commissioner": True,
            "results.commissioner_responded": True,
            "results.dissenters": 12,
            "results.dissenters_explained": 12,
            "subsidies": {"paid": True, "decided_by_meeting": True, "publicized": True},
        },
    )


#: the compliant base records a lesson's data may start from (``steps.yaml``: ``record: village``)
BASE_RECORDS = {
    "elevator": elevator_record,
    "village": village_record,
    "results": results_record,
}


def base_record(name: str) -> dict[str, Any]:
    """A fresh copy of the base record ``name`` (a key of :data:`BASE_RECORDS`)."""
    return BASE_RECORDS[name]()
