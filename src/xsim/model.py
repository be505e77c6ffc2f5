"""ConsultationModel: one consultation of a scenario, step by step through §4, in days.

The procedure's steps are events on Mesa's schedule: solicit opinions → propose the topic → notify
the subjects → consult (attendance, deliberation, conclusion) → [notify and hold the deciding
meeting] → implement → publicize → feedback, explanations, supervision. Later steps are scheduled by
earlier ones, because what happens next depends on what was concluded. Every run leaves a trace
that becomes a case record (``.record``), judged by the same rules engine as ``xsim check``
(``.report``), and an :class:`xsim.outcome.Outcome` of measures.

All randomness comes from ``self.rng`` (seeded with ``rng=``); the arithmetic over residents is
on the arrays of ``self.pop``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from mesa.agent import AgentSet

from xsim import forms as F
from xsim.agents import Expert, Organization, Organizer, Representative, Resident
from xsim.deliberation import deffuant, friedkin_johnsen, hegselmann_krause
from xsim.errors import InputError
from xsim.outcome import Outcome, measure
from xsim.population import build_population
from xsim.rules import Rulebook, check_record
from xsim.scenario import Scenario, load_scenario
from xsim.trace import Trace, case_record

NEUTRAL = -1  # "group" of voices that speak for no stakeholder group (committee, experts)
EXPERT_VOICE = 2.0  # an expert's weight in discussion relative to a resident (ASSUMPTION)


class ConsultationModel(mesa.Model):
    """One consultation under one form. ``run()`` returns the :class:`Outcome`."""

    def __init__(
        self,
        scenario: Scenario | str | Path,
        form: str | None = None,
        rules: Rulebook | dict | None = None,
        rng: Any = None,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(rng=rng)
        spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        spec = spec.with_overrides(overrides)
        # Mesa's Model already has a ``scenario`` attribute (its own experimental class).
        self.spec = spec
        self.form = _choose_form(spec, form)
        # The scenario's local rules, then the caller's: an explicit ``rules=`` is the more specific.
        self.rulebook = _rulebook(rules, base=Rulebook().merged(spec.rules))
        self.b = spec.behaviour
        self.trace = Trace(form=self.form.name)
        self.pop = build_population(spec, self.rng)
        n = self.pop.n
        with _gc_paused():
            self.residents = Resident.create_agents(self, n, np.arange(n))
        self.organizer = Organizer(self, spec.organizer, spec.lead)
        self.representatives = self._make_representatives()
        self.organizations = AgentSet(
            [Organization(self, o) for o in spec.organizations], random=self.random
        )
        self.experts = [Expert(self, spec.topic.merit)] if spec.organizer.experts else []
        # Per-resident facts of this run (filled in as the procedure goes).
        self.invited = np.zeros(n, dtype=bool)
        self.learned = np.full(n, np.inf)
        self.attended = np.zeros(n, dtype=bool)
        self.heard = np.zeros(n, dtype=bool)
        self.told_result = np.zeros(n, dtype=bool)
        self.notified_day: float | None = None
        self.datacollector = mesa.DataCollector(
            model_reporters={"informed": _informed_share, "attended": _attended_share},
            tables={"deliberation": ["round", "mean", "spread", "structure"]},
        )
        self._outcome: Outcome | None = None
        self.schedule_event(self.solicit_opinions, at=0)

    # -- construction ---------------------------------------------------------------------------
    def _make_representatives(self) -> AgentSet:
        """Representatives for blocks of consecutive households (mostly one unit each)."""
        reps, pop = self.spec.representatives, self.pop
        count = min(reps.count, pop.n_households)
        if count == 0:
            return AgentSet([], random=self.random)
        bounds = np.linspace(0, pop.n_households, count + 1).astype(int)
        first, last = bounds[:-1], bounds[1:]
        serving = self.rng.integers(first, last)
        block = np.repeat(np.arange(count), last - first)
        per_group = np.zeros((count, len(self.spec.group_ids)), dtype=int)
        np.add.at(per_group, (block, pop.household_group), 1)
        return Representative.create_agents(
            self,
            count,
            pop.household_start[serving],
            first,
            last,
            per_group.argmax(axis=1),
            reps.kind,
            reps.voice,
        )

    # -- the procedure (each an event on the schedule) ------------------------------------------
    def solicit_opinions(self) -> None:
        """§4.1: soliciting opinions raises knowledge and trust of those it reaches."""
        choices = self.organizer.choices
        if choices.solicit_opinions:
            reached = Resident.learn_days(self, choices.notice_channels) <= choices.solicit_days
            pop = self.pop
            pop.knowledge = np.where(
                reached, pop.knowledge + 0.1 * (1 - pop.knowledge), pop.knowledge
            )
            pop.trust = np.where(reached, np.minimum(pop.trust + 0.05, 1.0), pop.trust)
        else:
            self.pop.trust = np.maximum(self.pop.trust - 0.05, 0.0)
        self.schedule_event(
            self.propose_topic, after=choices.solicit_days if choices.solicit_opinions else 0
        )

    def propose_topic(self) -> None:
        self.trace.day["topic_proposed"] = self.time
        self.schedule_event(self.notify_subjects, after=1)

    def notify_subjects(self) -> None:
        """§4.2: choose the subjects by the form and the organizer's invitations; send notices."""
        self.invited = self._invitees()
        # The notice is public to the groups the organizer addresses; attending is by invitation.
        addressed = self.organizer.invites(self.spec.group_ids)[self.pop.group]
        self.learned = np.where(
            addressed, Resident.learn_days(self, self.organizer.choices.notice_channels), np.inf
        )
        self.notified_day = self.time
        self.trace.day["notified"] = self.time
        self.schedule_event(self.consult, after=self.organizer.choices.notice_days)

    def consult(self) -> None:
        """§4.3: who comes, how they talk, what they conclude."""
        self.trace.day["consulted"] = self.time
        self._attend()
        voices = self._voices()
        self._deliberate(voices)
        self.schedule_event(self.conclude, after=self.form.duration_days - 1)

    def conclude(self) -> None:
        """The consultation opinion; §4.6 escalation when disputed or reserved by law."""
        trace, b = self.trace, self.b
        trace.share_for = F.support_share(trace.final, trace.vote_weight, b.abstain)
        trace.outcome = F.conclusion(self.form, trace.share_for, b.consensus_share, b.dispute_band)
        self._spread_by_word_of_mouth()
        topic = self.spec.topic
        if self.form.deciding is not None:
            self._hold_assembly(self.form.deciding, same_meeting=True)
            return
        needs = topic.law_reserved or trace.outcome == "disputed" or topic.owners_matter
        if needs and self.organizer.choices.escalate:
            self.schedule_event(self.notify_assembly, after=2)
            return
        trace.adopted = trace.outcome != "disputed" and trace.share_for > 0.5
        self.decide()

    def notify_assembly(self) -> None:
        self.trace.day["assembly_notified"] = self.time
        self.schedule_event(self.hold_assembly, after=self.organizer.choices.assembly_notice_days)

    def hold_assembly(self) -> None:
        self._hold_assembly(self._assembly_kind(), same_meeting=False)

    def decide(self) -> None:
        self.trace.day["decided"] = self.time
        topic, trace = self.spec.topic, self.trace
        if trace.adopted and topic.violates_law:
            watchers = [
                o for o in self.organizations if o.role in ("supervision_committee", "township")
            ]
            trace.corrected = any(o.notices() for o in watchers)
            trace.noticed += int(trace.corrected)
        if trace.adopted and self.organizer.choices.implement:
            self.schedule_event(self.implement, after=topic.implement_days)
        else:
            self.schedule_event(self.feedback, after=1)

    def implement(self) -> None:
        """§5.2: implement; publicity follows after the organizer's chosen delay."""
        self.trace.day["implemented"] = self.time
        choices = self.organizer.choices
        due = self.rulebook.publicize_within_days
        late = choices.publicize_days > due or not choices.publicity_channels
        if late and self._supervision_notices():
            self.schedule_event(self.publicize, after=due)  # the supervision committee insists
            return
        if choices.publicity_channels:
            self.schedule_event(self.publicize, after=choices.publicize_days)
        else:
            self.schedule_event(self.feedback, after=1)

    def publicize(self) -> None:
        self.trace.day["publicized"] = self.time
        channels = self.organizer.choices.publicity_channels or ["bulletin"]
        self.told_result |= Resident.learn_days(self, channels) <= 14
        self.schedule_event(self.feedback, after=1)

    def feedback(self) -> None:
        """§4.4 feedback, §5.4 explanations to dissenters, §5.5 supervision; then the run ends."""
        trace, choices = self.trace, self.organizer.choices
        targets = list(choices.feedback_to)
        missing = [t for t in ("subjects", "stakeholders", "residents") if t not in targets]
        if missing and self._supervision_notices():
            targets = ["subjects", "stakeholders", "residents"]
        trace.feedback_to = targets
        affected = np.abs(self.pop.stake) > 0.0
        if "subjects" in targets:
            self.told_result |= self.attended
        if "stakeholders" in targets:
            self.told_result |= affected & self.invited
        if "residents" in targets and trace.day.get("publicized") is None:
            self.told_result |= Resident.learn_days(self, ["bulletin"]) <= 14
        side = 1.0 if trace.adopted else -1.0
        dissent = self.attended & (side * self.pop.opinion < -self.b.abstain)
        trace.dissenters = int(dissent.sum())
        trace.explained = self.organizer.explained(trace.dissenters)
        if trace.explained < trace.dissenters and self._supervision_notices():
            trace.explained = trace.dissenters
        if trace.explained:
            order = np.flatnonzero(dissent)[: trace.explained]
            self.told_result[order] = True
        self.running = False

    # -- helpers for the steps ------------------------------------------------------------------
    def _invitees(self) -> np.ndarray:
        pop, form = self.pop, self.form
        group_ok = self.organizer.invites(self.spec.group_ids)[pop.group]
        if form.invite == "owners":
            return group_ok & pop.owner
        if form.invite in ("adults", "open", "units"):
            return group_ok.copy()
        if form.invite == "representatives":
            return np.zeros(pop.n, dtype=bool)
        # delegates: a few residents per invited group, those with most at stake or standing.
        score = np.abs(pop.stake) + 0.5 * pop.status + 0.3 * self.rng.random(pop.n)
        chosen = np.zeros(pop.n, dtype=bool)
        order = np.lexsort((-score, pop.group))
        starts = np.searchsorted(pop.group[order], pop.group[order], side="left")
        rank = np.arange(pop.n) - starts
        chosen[order[rank < form.seats_per_group]] = True
        return chosen & group_ok

    def _attend(self) -> None:
        """Who comes: the form's invitees, by notice received, propensity and neighbours."""
        form = self.form
        slack = self.organizer.choices.notice_days - self.learned
        if form.invite == "delegates":
            # Delegates are asked in person, so they know at once.
            slack = np.where(self.invited, float(self.organizer.choices.notice_days), slack)
        p = Resident.propensity(self, form, slack, self.b.assembly_base if form.deciding else 0.0)
        if form.invite == "delegates":
            p = np.where(self.invited, np.maximum(p, self.b.rep_attend * (slack > 0)), 0.0)
        eligible = self.invited & (p > 0)
        self.attended = Resident.decide_attendance(self, p, eligible) & eligible
        in_time = self.learned <= self.organizer.choices.notice_days - 1
        self.trace.informed_in_time = float(in_time.mean())
        self.trace.reps_present = self._reps_present()
        self.datacollector.collect(self)

    def _reps_present(self) -> np.ndarray:
        if not (self.form.with_representatives and self.representatives):
            return np.zeros(len(self.representatives), dtype=bool)
        invited = self.organizer.invites(self.spec.group_ids)
        slack = float(self.organizer.choices.notice_days)
        feasible = 1.0 - np.exp(-slack / self.b.rep_plan_days) if slack > 0 else 0.0
        ok = invited[np.array(self.representatives.get("group"), dtype=int)]
        return ok & (self.rng.random(len(self.representatives)) < self.b.rep_attend * feasible)

    def _voices(self) -> dict[str, np.ndarray]:
        """Everyone who speaks or listens at the consultation, as arrays (one entry per voice).

        Attending residents first (after the expert briefing), then representatives,
        organizations and experts. ``resident`` is the row in ``pop`` (−1 for the others).
        """
        pop, b, form = self.pop, self.b, self.form
        who = np.flatnonzero(self.attended)
        premium = self._status_premium()
        x, know = pop.opinion[who].copy(), pop.knowledge[who].copy()
        for expert in self.experts:
            x, know = expert.brief(x, know)
        pop.knowledge[who] = know
        reps = [
            r for r, here in zip(self.representatives, self.trace.reps_present, strict=True) if here
        ]
        orgs = self._organizations_present()
        self.trace.orgs_present = orgs
        rep_x = Representative.positions(self, reps)
        # x, voice, group, high status, susceptibility, vote weight
        others = (
            [
                (x_r, r.voice * (1 + premium), r.group, 1, b.susceptibility / 2, 1)
                for x_r, r in zip(rep_x, reps, strict=True)
            ]
            + [(o.position, o.voice, self._group_index(o.group), 1, 0, 1) for o in orgs]
            + [(e.merit, EXPERT_VOICE, NEUTRAL, 0, 0, 0) for e in self.experts]
        )
        cols = np.array(others, dtype=float).reshape(-1, 6).T
        room = pop.unit[who] if form.invite == "units" else np.zeros(who.size, dtype=int)
        return {
            "x": np.concatenate([x, cols[0]]),
            "voice": np.concatenate([1.0 + premium * pop.status[who], cols[1]]),
            "group": np.concatenate([pop.group[who], cols[2]]).astype(int),
            "status": np.concatenate([pop.status[who], cols[3] > 0]),
            "susceptibility": np.concatenate([np.full(who.size, b.susceptibility), cols[4]]),
            "vote": np.concatenate([np.ones(who.size), cols[5]]),
            "room": np.concatenate([room, np.zeros(len(others), dtype=int)]),
            "resident": np.concatenate([who, np.full(len(others), -1)]),
        }

    def _status_premium(self) -> float:
        """Extra voice of a high-status resident: cut by a moderator or a hearing, none online."""
        b, form = self.b, self.form
        if form.online:
            return 0.0
        premium = b.dominance - 1.0
        if self.organizer.choices.facilitated or form.built_in_turn_taking:
            premium *= 1.0 - b.facilitation
        return premium

    def _organizations_present(self) -> list[Organization]:
        """Organizations the form seats, except those speaking for a group left uninvited."""
        if not self.form.with_organizations:
            return []
        invited = self.organizer.invites(self.spec.group_ids)
        return [
            o
            for o in self.organizations
            if o.role != "supervision_committee"  # it watches the procedure, it does not argue
            and (o.group is None or invited[self._group_index(o.group)])
        ]

    def _group_index(self, group_id: str | None) -> int:
        return NEUTRAL if group_id is None else self.spec.group_ids.index(group_id)

    def _deliberate(self, v: dict[str, np.ndarray]) -> None:
        form, b, rng, trace = self.form, self.b, self.rng, self.trace
        x0 = v["x"].copy()
        x = x0.copy()
        n = x.size
        trace.initial, trace.vote_weight, trace.voices = x0, v["vote"], v
        if n == 0:
            trace.final, trace.speaking = x, np.zeros(0, dtype=bool)
            self._record_round(0, x)
            return
        facilitated = self.organizer.choices.facilitated
        self._record_round(0, x)
        speaking = np.zeros(n, dtype=bool)
        if form.structure in ("plenary",):
            for r in range(1, form.rounds + 1):
                now = self._speakers_by_room(v, facilitated)
                speaking |= now
                x = F.broadcast_round(
                    x, x0, now, v["voice"], b.epsilon, v["susceptibility"], b.self_weight
                )
                self._record_round(r, x)
        elif form.structure in ("seated", "hearing"):
            speaking = F.speakers(form, v["voice"], v["group"], facilitated, rng)
            w = F.seated_weights(x0, v["voice"] * speaking, b.epsilon, b.self_weight)
            x = np.clip(friedkin_johnsen(w, x0, v["susceptibility"]), -1.0, 1.0)
            self._record_round(1, x)
        elif form.structure == "small_groups":
            speaking[:] = True
            tables = F.table_offsets(n, form.group_size, rng)
            moved, _ = hegselmann_krause(x0 + 3.0 * tables, b.epsilon, max_steps=form.rounds)
            hk = moved - 3.0 * tables
            x = v["susceptibility"] * hk + (1.0 - v["susceptibility"]) * x0
            self._record_round(1, x)
        else:  # threads
            speaking[:] = True
            moved = deffuant(
                x0, b.epsilon, b.deffuant_mu, rng=rng, steps=form.rounds, schedule="matching"
            )
            x = v["susceptibility"] * moved + (1.0 - v["susceptibility"]) * x0
            self._record_round(1, x)
        trace.final, trace.speaking = x, speaking
        residents = v["resident"] >= 0
        self.pop.opinion[v["resident"][residents]] = x[residents]
        spoke_groups = np.unique(v["group"][speaking & (v["group"] >= 0)])
        self.heard = self.attended & np.isin(self.pop.group, spoke_groups)

    def _speakers_by_room(self, v, facilitated: bool) -> np.ndarray:
        rooms = v["room"]
        mask = np.zeros(rooms.size, dtype=bool)
        for room in np.unique(rooms):  # one per villager group at most
            here = np.flatnonzero(rooms == room)
            mask[here] = F.speakers(
                self.form, v["voice"][here], v["group"][here], facilitated, self.rng
            )
        return mask

    def _record_round(self, r: int, x: np.ndarray) -> None:
        self.datacollector.add_table_row(
            "deliberation",
            {
                "round": r,
                "mean": float(x.mean()) if x.size else 0.0,
                "spread": float(x.std()) if x.size else 0.0,
                "structure": self.form.structure,
            },
        )

    def _spread_by_word_of_mouth(self) -> None:
        """Those who stayed away hear from acquaintances who went (one Friedkin–Johnsen step)."""
        pop = self.pop
        if pop.contacts.shape[1] == 0:
            return
        heard = pop.opinion[pop.contacts].mean(axis=1)
        a = 0.3 * self.b.susceptibility
        pop.opinion = np.where(self.attended, pop.opinion, (1 - a) * pop.opinion + a * heard)

    def _assembly_kind(self) -> str:
        chosen = self.organizer.choices.assembly
        if chosen != "auto":
            return chosen
        if self.spec.topic.owners_matter:
            return "owners_meeting"
        return "villagers_meeting" if self.spec.setting == "village" else "residents_meeting"

    def _hold_assembly(self, kind: str, same_meeting: bool) -> None:
        """The deciding meeting: who takes part, how they vote, quorum and majority by law.

        ``same_meeting``: the consultation form is itself this meeting (its attendance counts and
        its notice is the meeting's notice).
        """
        trace = self.trace
        trace.day["assembly_held"] = self.time
        if same_meeting:
            trace.day["assembly_notified"] = trace.day["notified"]
        else:
            trace.escalated = True
        meeting = {
            "villagers_meeting": self._villagers_meeting,
            "residents_meeting": self._residents_meeting,
            "representatives_meeting": self._representatives_meeting,
            "owners_meeting": self._owners_meeting,
        }[kind]
        numbers, quorum, consent = meeting(same_meeting)
        trace.assembly = {"kind": kind, **numbers}
        trace.quorum, trace.consent = bool(quorum), bool(consent)
        trace.adopted = trace.quorum and trace.consent
        self.decide()

    def _villagers_meeting(self, same_meeting: bool) -> tuple[dict, bool, bool]:
        """Organic Law art. 22: more than half of adults, or ⅔ of households; > ½ of those present."""
        pop = self.pop
        present = self.attended.copy() if same_meeting else self._assembly_turnout()
        households = np.maximum.reduceat(present, pop.household_start)
        a = {
            "members": pop.n,
            "present": int(present.sum()),
            "yes": int((present & (pop.opinion > self.b.abstain)).sum()),
            "households_total": pop.n_households,
            "households_present": int(households.sum()),
        }
        quorum = 2 * a["present"] > a["members"] or (
            3 * a["households_present"] >= 2 * a["households_total"]
        )
        return a, quorum, 2 * a["yes"] > a["present"]

    def _residents_meeting(self, same_meeting: bool) -> tuple[dict, bool, bool]:
        """Residents' Committees Law art. 9, household route: > ½ present, > ½ of them agree."""
        pop = self.pop
        present = self.attended.copy() if same_meeting else self._assembly_turnout()
        households = np.maximum.reduceat(present, pop.household_start)
        agree = pop.household_mean(pop.opinion) > self.b.abstain
        a = {
            "members": pop.n_households,
            "present": int(households.sum()),
            "yes": int((households & agree).sum()),
        }
        return a, 2 * a["present"] > a["members"], 2 * a["yes"] > a["present"]

    def _representatives_meeting(self, same_meeting: bool) -> tuple[dict, bool, bool]:
        """Organic Law art. 26: sits with ≥ ⅔ of members; > ½ of those present agree."""
        reps = self.representatives
        present = self.trace.reps_present if same_meeting else self._assembly_reps()
        agree = Representative.positions(self, reps) > self.b.abstain
        a = {
            "members": len(reps),
            "present": int(present.sum()),
            "yes": int((present & agree).sum()),
        }
        quorum = a["members"] > 0 and 3 * a["present"] >= 2 * a["members"]
        return a, quorum, 2 * a["yes"] > a["present"]

    def _owners_meeting(self, same_meeting: bool) -> tuple[dict, bool, bool]:
        """Civil Code art. 278: ⅔ of area and of owners vote; special ¾ / ordinary > ½ of both."""
        pop = self.pop
        owners = pop.household_owner
        voting = owners & self._assembly_turnout_households(canvass=True)
        agree = voting & (pop.household_mean(pop.opinion) > self.b.abstain)
        a = {
            "members": int(owners.sum()),
            "present": int(voting.sum()),
            "yes": int(agree.sum()),
            "area_total": round(float(pop.area[owners].sum()), 1),
            "area_present": round(float(pop.area[voting].sum()), 1),
            "area_yes": round(float(pop.area[agree].sum()), 1),
            "matter": "special" if self.spec.topic.special_matter else "ordinary",
        }
        quorum = (
            3 * a["present"] >= 2 * a["members"] and 3 * a["area_present"] >= 2 * a["area_total"]
        )
        if a["matter"] == "special":
            consent = (
                4 * a["yes"] >= 3 * a["present"] and 4 * a["area_yes"] >= 3 * a["area_present"]
            )
        else:
            consent = 2 * a["yes"] > a["present"] and 2 * a["area_yes"] > a["area_present"]
        return a, quorum and a["present"] > 0, consent

    def _assembly_turnout(self) -> np.ndarray:
        form = F.FORMS[
            "villagers_meeting" if self.spec.setting == "village" else "residents_meeting"
        ]
        slack = self.organizer.choices.assembly_notice_days - Resident.learn_days(
            self, self.organizer.choices.notice_channels
        )
        p = Resident.propensity(self, form, slack, self.b.assembly_base)
        everyone = self.organizer.invites(self.spec.group_ids)[self.pop.group]
        return Resident.decide_attendance(self, p, everyone & (p > 0)) | self.attended

    def _assembly_turnout_households(self, canvass: bool) -> np.ndarray:
        present = self._assembly_turnout()
        hh = np.maximum.reduceat(present, self.pop.household_start)
        if canvass:
            hh |= self.rng.random(hh.size) < self.b.owners_canvass
        return hh

    def _assembly_reps(self) -> np.ndarray:
        slack = float(self.organizer.choices.assembly_notice_days)
        feasible = 1.0 - np.exp(-slack / self.b.rep_plan_days) if slack > 0 else 0.0
        return self.rng.random(len(self.representatives)) < self.b.rep_attend * feasible

    def _supervision_notices(self) -> bool:
        committees = self.organizations.select(lambda o: o.role == "supervision_committee")
        noticed = any(committees.map("notices"))
        self.trace.noticed += int(noticed)
        return noticed

    def step(self) -> None:
        """Each day until the consultation: note how many addressed residents know of it by now."""
        before_consultation = self.time <= self.trace.day.get("consulted", np.inf)
        if self.running and self.notified_day is not None and before_consultation:
            self.datacollector.collect(self)

    # -- running ----------------------------------------------------------------------------------
    @property
    def horizon(self) -> int:
        """A day by which every possible path of the procedure has ended."""
        c, t = self.organizer.choices, self.spec.topic
        publicity = max(c.publicize_days, self.rulebook.publicize_within_days)
        return (
            c.solicit_days
            + 1
            + c.notice_days
            + self.form.duration_days
            + 2
            + c.assembly_notice_days
            + t.implement_days
            + publicity
            + 5
        )

    def run(self) -> Outcome:
        if self._outcome is None:
            self.run_until(self.horizon)
            self.record = case_record(self)
            self.report = check_record(self.record)
            self._outcome = measure(self)
        return self._outcome

    def date(self, day: float | None) -> dt.date | None:
        return None if day is None else self.spec.start_date + dt.timedelta(days=int(day))


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while tens of thousands of agents are created.

    Creating agents allocates many container objects; each allocation burst triggers collections
    that scan every agent made so far, so creation grows faster than linearly (≈ 30 % of the time
    at 40,000 adults). Nothing is freed here that reference counting would not free anyway.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _informed_share(model: ConsultationModel) -> float:
    """Share of adults who know of the consultation by today (cumulative)."""
    if model.notified_day is None:
        return 0.0
    return float(np.mean(model.learned <= model.time - model.notified_day))


def _attended_share(model: ConsultationModel) -> float:
    return float(model.attended.mean()) if model.pop.n else 0.0


def _choose_form(spec: Scenario, form: str | None) -> F.Form:
    name = form or spec.default_form
    if name not in spec.forms:
        known = ", ".join(spec.forms)
        raise InputError(
            spec.name,
            "form",
            f"form {name!r} is not defined in this scenario; valid choices: {known}",
            f"本情景没有「{name}」这种协商形式；可选：{known}",
        )
    return F.FORMS[name]


def _rulebook(rules: Rulebook | dict | None, base: Rulebook) -> Rulebook:
    if rules is None:
        return base
    if isinstance(rules, Rulebook):
        return rules
    try:
        return base.merged(rules)
    except Exception as exc:  # pydantic ValidationError → the user's input error
        from pydantic import ValidationError

        if not isinstance(exc, ValidationError):
            raise
        from xsim.rules.rulebook import RulebookOverrides

        valid = ", ".join(RulebookOverrides.model_fields)
        raise InputError(
            "<rules>",
            "rules",
            f"unknown or invalid rule setting; valid settings: {valid}",
            f"规则设置无效；可用设置：{valid}",
        ) from None


def run_once(
    scenario: Scenario | str,
    form: str | None = None,
    rules: Rulebook | dict | None = None,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
) -> Outcome:
    """One run, as experiments call it in worker processes (picklable arguments only)."""
    return ConsultationModel(scenario, form=form, rules=rules, rng=seed, overrides=overrides).run()
