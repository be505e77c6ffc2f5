"""The case record of a run, written from its finished state.

:func:`case_record` turns a :class:`xsim.sim.run_state.RunState` into a record in the format of
``shared/spec/case-record.md`` — plain data validated by :func:`xsim.records.record_from_dict` —
so the rules engine judges a simulated consultation exactly as it judges a real one. A new record
field is one entry in :func:`record_dict` (or the helper of its block) from the run state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from xsim import vocabulary as V
from xsim.records import CaseRecord, record_from_dict

if TYPE_CHECKING:  # pragma: no cover
    from xsim.sim.run_state import RunState


def case_record(state: RunState) -> CaseRecord:
    """The run's case record, validated against the record schema."""
    return record_from_dict(record_dict(state), source=f"<run {state.spec.name}/{state.form.name}>")


def record_dict(state: RunState) -> dict[str, Any]:
    """The run's case record as plain data (``shared/spec/case-record.md``)."""
    spec, trace, choices = state.spec, state.trace, state.choices
    topic = spec.topic
    proposed: dict[str, Any] = {"kind": topic.proposed_by.kind}
    if topic.proposed_by.signatures is not None:
        proposed["signatures"] = topic.proposed_by.signatures
    data: dict[str, Any] = {
        "title": f"{spec.title}（模拟：{state.form.zh}）",
        "setting": spec.setting,
        "population": {
            "residents": int(state.pop.n),
            "households": int(state.pop.n_households),
            "representatives": state.n_representatives,
        },
        "scope": spec.scope,
        "lead": spec.lead,
        "topic": {
            "title": topic.title,
            "categories": list(topic.categories),
            "proposed_by": proposed,
            "opinions_solicited": bool(choices.solicit_opinions),
            "technical": topic.technical,
            "wide_impact": topic.wide_impact,
            "law_reserved": topic.law_reserved,
            "commissioned_by": topic.commissioned_by,
        },
        "stakeholder_groups": [{"id": g.id, "name": g.name} for g in spec.stakeholder_groups],
        "participants": participants(state),
        "timeline": _timeline(state),
        "consultation": {"forms": [state.form.name], "outcome": trace.outcome},
        "results": _results(state),
        "subsidies": {
            "paid": choices.subsidies.paid,
            "decided_by_meeting": choices.subsidies.decided_by_meeting,
            "publicized": choices.subsidies.publicized,
        },
    }
    _who_decides(state, data)
    if trace.assembly is not None:
        data["assembly"] = dict(trace.assembly)
        if data["assembly"]["kind"] == "representatives_meeting":
            # The kit's villages and communities authorise their representatives' meeting to
            # decide (村民委员会组织法 2025 art. 28 para. 2): a model assumption the record states.
            data["assembly"]["authorised"] = True
    # The settings this run was held to (scenario's rules and the caller's), where not the default.
    rules = {
        key: value
        for key, value in state.rulebook.model_dump().items()
        if value != type(state.rulebook).model_fields[key].default
    }
    if rules:
        data["rules"] = rules
    return data


def _who_decides(state: RunState, data: dict[str, Any]) -> None:
    """The matter's deciding body and its electorate, as the rules need them: an owners' matter
    (Civil Code art. 278: items 6–8 special, others ordinary) and the owners; a collective matter
    (农村集体经济组织法 art. 26) and the organization's members (every adult villager, as the
    model takes them)."""
    spec, pop = state.spec, state.pop
    if spec.topic.owners_matter:
        data["topic"]["owners_matter"] = "special" if spec.topic.special_matter else "ordinary"
        data["population"]["owners"] = int(pop.household_owner.sum())
    if spec.setting == "village" and spec.topic.collective_matter is not None:
        data["topic"]["collective_matter"] = spec.topic.collective_matter
        data["population"]["collective_organization"] = spec.population.collective_organization
        data["population"]["collective_members"] = int(pop.n)


def participants(state: RunState) -> list[dict[str, Any]]:
    """Who took part, by role and stakeholder group, and whether each group got to speak."""
    spec, trace, pop = state.spec, state.trace, state.pop
    out: list[dict[str, Any]] = [{"role": spec.lead if spec.lead != "other" else "other"}]
    groups = spec.group_ids
    came = np.bincount(pop.group[state.attended], minlength=len(groups))
    v = trace.voices
    spoke_groups = set()
    if v:
        spoke_groups = set(np.unique(v["group"][trace.speaking & (v["group"] >= 0)]).tolist())
    for k, gid in enumerate(groups):
        if came[k]:
            out.append(
                {
                    "role": "resident",
                    "group": gid,
                    "count": int(came[k]),
                    "spoke": k in spoke_groups,
                }
            )
    seated = state.rep_groups[trace.reps_present]
    rep_groups = np.bincount(seated, minlength=len(groups)) if seated.size else []
    for k, count in enumerate(rep_groups):
        if count:
            out.append(
                {
                    "role": "representative",
                    "group": groups[k],
                    "count": int(count),
                    "spoke": k in spoke_groups,
                }
            )
    for org in state.organizations:
        if org.role == spec.lead:
            continue
        entry: dict[str, Any] = {"role": org.role}
        if org.group:
            entry["group"] = org.group
        if not org.relevant:
            entry["relevant"] = False
        out.append(entry)
    for role in state.experts:
        out.append({"role": role})
    if trace.respected_present:  # those who came, not those asked
        out.append({"role": "veteran", "respected": True, "count": int(trace.respected_present)})
    return out


def _timeline(state: RunState) -> dict[str, Any]:
    day, held = state.trace.day, state.trace.assembly is not None
    out = {
        "topic_proposed": state.date(day.get("topic_proposed")),
        "notified": state.date(day.get("notified")),
        "consulted": state.date(day.get("consulted")),
        "assembly_notified": state.date(day.get("assembly_notified")) if held else None,
        "assembly_held": state.date(day.get("assembly_held")) if held else None,
        "implemented": state.date(day.get("implemented")),
        "publicized": state.date(day.get("publicized")),
    }
    return {k: v.isoformat() for k, v in out.items() if v is not None}


def _results(state: RunState) -> dict[str, Any]:
    trace, choices, topic = state.trace, state.choices, state.spec.topic
    implemented = "implemented" in trace.day
    # a channel outside the record's vocabulary is recorded as "other" (itself in it)
    channels = [c if c in V.RECORD_CHANNELS else "other" for c in choices.publicity_channels]
    out: dict[str, Any] = {
        "adopted": bool(trace.adopted),
        "implemented": implemented,
        "channels": list(dict.fromkeys(channels)) if "publicized" in trace.day else [],
        "feedback_to": list(trace.feedback_to),
        "dissenters": int(trace.dissenters),
        "dissenters_explained": int(trace.explained),
        "violates_law": bool(topic.violates_law and trace.adopted),
    }
    if out["violates_law"]:
        out["corrected"] = bool(trace.corrected)
    if topic.commissioned_by is not None:
        out["reported_to_commissioner"] = bool(choices.report_to_commissioner)
        out["commissioner_responded"] = bool(
            choices.report_to_commissioner and topic.commissioner_responds
        )
    return out
