"""ConsultationModel: one consultation of a scenario, step by step through §4, in days.

The procedure's steps are events on Mesa's schedule: solicit opinions → propose the topic → notify
the subjects → consult (attendance, deliberation, conclusion) → [notify and hold the deciding
meeting] → implement → publicize → feedback, explanations, supervision. Later steps are scheduled by
earlier ones, because what happens next depends on what was concluded. At the end the model
builds its read-only run state once (:meth:`ConsultationModel.state`, an
:class:`xsim.run_state.RunState`); the case record (``.record``, :mod:`xsim.trace`) and the
measures (:class:`xsim.outcome.Outcome`) are computed from that state, never from the model; the
record is judged by the same rules engine as ``xsim check`` (``.report``, ``.verdict``).

Who attends is decided in :mod:`xsim.attendance`, how talk goes in :mod:`xsim.talk` (a registry
of structures by ``Form.structure``); this module keeps the §4 events and the deciding meetings.
All randomness comes from ``self.rng`` (seeded with ``rng=``); the arithmetic over residents is
on the arrays of ``self.pop``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from mesa.agent import AgentSet

from xsim import attendance as A
from xsim import forms as F
from xsim import law
from xsim import talk as T
from xsim.agents import Expert, Organization, Organizer, Representative, Resident
from xsim.errors import InputError
from xsim.outcome import Outcome, measure
from xsim.population import build_population
from xsim.records import CaseRecord
from xsim.representation import choose_representatives
from xsim.rules import Rulebook, check_record
from xsim.rules import meetings as mt
from xsim.run_state import OrganizationSeat, RunState, read_only
from xsim.scenario import Scenario, load_scenario
from xsim.trace import Trace, case_record
from xsim.verdict import Verdict

NEUTRAL = -1  # "group" of voices that speak for no stakeholder group (committee, experts)
RESULT_DAYS = 7  # days a posted result is noticed by those it reaches (ASSUMPTION)
COMMITTEE_WEIGHT = 0.5  # weight of the committee's own view when it decides on an opinion
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
        # Respected figures' coming is drawn from a stream of its own, spawned from the run's
        # seed, so that it changes no other draw of the run.
        self.respected_rng = self.rng.spawn(1)[0]
        spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        spec = spec.with_overrides(overrides)
        # Mesa's Model already has a ``scenario`` attribute (its own experimental class).
        self.spec = spec
        self.form = _choose_form(spec, form)
        # The scenario's local rules, then the caller's: an explicit ``rules=`` is the more specific.
        self.rulebook = _rulebook(rules, base=Rulebook().merged(spec.rules))
        self.behaviour = spec.behaviour
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
        self.spoke = np.zeros(n, dtype=bool)  # had a speaking turn themselves
        self.explained = np.zeros(n, dtype=bool)  # a dissenter the organizer explained to
        self.represented = np.zeros(n, dtype=bool)  # their household's representative spoke
        self.amended = np.zeros(len(spec.group_ids), dtype=bool)  # groups the plan was amended for
        self.notified_day: float | None = None
        self.delegates = np.zeros(n, dtype=bool)  # residents asked in person to sit or testify
        self.datacollector = mesa.DataCollector(
            model_reporters={"informed": _informed_share, "attended": _attended_share},
            tables={"deliberation": ["round", "mean", "spread", "structure"]},
        )
        self._outcome: Outcome | None = None
        self.schedule_event(self.solicit_opinions, at=0)

    # -- construction ---------------------------------------------------------------------------
    def _make_representatives(self) -> AgentSet:
        """Representatives chosen by the law's rule (:mod:`xsim.representation`)."""
        seats = choose_representatives(self.spec, self.pop, self.rng)
        reps = self.spec.representatives
        return AgentSet(
            [
                Representative(
                    self, seat.resident, seat.households, seat.group, reps.kind, reps.voice
                )
                for seat in seats
            ],
            random=self.random,
        )

    # -- the procedure (each an event on the schedule) ------------------------------------------
    def solicit_opinions(self) -> None:
        """§4.1: soliciting opinions raises knowledge and trust of those it reaches."""
        choices = self.organizer.choices
        if choices.solicit_opinions:
            reached = self._learn_days(choices.notice_channels) <= choices.solicit_days
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
        # The notice is public to the groups the organizer addresses; attending is by invitation.
        addressed = self.organizer.invites(self.spec.group_ids)[self.pop.group]
        self.invited, self.delegates = A.invitees(self.pop, self.form, addressed, self.rng)
        self.learned = np.where(
            addressed, self._learn_days(self.organizer.choices.notice_channels), np.inf
        )
        if self.form.deciding is not None:
            self.learned = A.hear_of_deciding_meeting(
                self.pop, self.learned, addressed, self.behaviour.word_of_mouth, self.rng
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
        """The consultation opinion; the plan amended for objections heard; report-back; §4.6
        escalation when disputed or reserved by law."""
        trace, b = self.trace, self.behaviour
        trace.share_for = F.support_share(trace.final, trace.vote_weight, b.abstain)
        trace.outcome = F.conclusion(self.form, trace.share_for, b.consensus_share, b.dispute_band)
        self._amend()
        self._report_back()
        self._update_trust()
        topic = self.spec.topic
        if self.form.deciding is not None:
            self._hold_assembly(self.form.deciding, same_meeting=True)
            return
        reserved = topic.law_reserved or topic.owners_matter
        if (reserved or trace.outcome == "disputed") and self.organizer.choices.escalate:
            self.schedule_event(self.notify_assembly, after=2)
            return
        if reserved:
            # The law reserves the decision for a meeting: without one nothing is lawfully
            # adopted (the record shows PROC-ESCALATE); a shortcut is never rewarded.
            trace.void = True
            trace.adopted = False
        elif self.form.conclude == "opinion":
            trace.adopted = trace.outcome != "disputed" and self._committee_adopts()
        else:
            trace.adopted = trace.outcome != "disputed" and trace.share_for > 0.5
        self.decide()

    def _committee_adopts(self) -> bool:
        """An "opinion" is advisory: the committee decides afterwards, weighing the opinion's
        support (2·share − 1) and its own position (``COMMITTEE_WEIGHT``, ASSUMPTION)."""
        own = [o.position for o in self.organizations if o.role == self.spec.lead]
        position = own[0] if own else 0.0
        lean = 2.0 * self.trace.share_for - 1.0
        return bool((1 - COMMITTEE_WEIGHT) * lean + COMMITTEE_WEIGHT * position > 0)

    def _amend(self) -> None:
        """Objections voiced change the plan: a group whose voices present (residents,
        representatives, or an organization speaking for it) spoke and objected on average gets
        an amendment — compensation, cost-sharing, a changed route — worth up to
        ``topic.amend_room`` on the opinion scale, stronger the stronger the objection. Groups
        absent or unheard get none. The amendment costs the other groups a fifth of it, spread
        over their households (ASSUMPTION; responsiveness as in Fung 2006)."""
        room = self.spec.topic.amend_room
        v, trace = self.trace.voices, self.trace
        if room <= 0 or not v or not trace.speaking.any():
            return
        n_g = len(self.spec.group_ids)
        said = trace.speaking & (v["group"] >= 0)
        g = v["group"][said]
        counts = np.bincount(g, minlength=n_g)
        mean = np.bincount(g, weights=trace.final[said], minlength=n_g) / np.maximum(counts, 1)
        objecting = (counts > 0) & (mean < -self.behaviour.abstain)
        if not objecting.any():
            return
        self.amended = objecting
        gain = np.where(objecting, room * np.minimum(1.0, -mean / 0.5), 0.0)
        hh_share = np.bincount(self.pop.household_group, minlength=n_g) / self.pop.n_households
        cost = 0.2 * float((gain * hh_share).sum()) / max(float(hh_share[~objecting].sum()), 1e-9)
        shift = np.where(objecting, gain, -cost)
        pop = self.pop
        pop.opinion = np.clip(pop.opinion + shift[pop.group], -1.0, 1.0)
        pop.stake = np.clip(pop.stake + shift[pop.group], -1.0, 1.0)
        trace.amended = [self.spec.group_ids[k] for k in np.flatnonzero(objecting)]

    def _report_back(self) -> None:
        """Those present tell their households and acquaintances; representatives report to the
        households that chose them. A non-attendee moves toward the mean view of the attendees
        among their household and acquaintances, with weight ``report_back`` · susceptibility ·
        k/(k+1) for k reporters; a household moves toward its representative's final position
        with weight ``rep_report`` · susceptibility. Those told also learn something of the matter
        (+10 % of the knowledge gap). ASSUMPTION (two-step flow, Katz & Lazarsfeld 1955)."""
        pop, b, att = self.pop, self.behaviour, self.attended
        x = pop.opinion
        hh_sum = np.add.reduceat(np.where(att, x, 0.0), pop.household_start)[pop.household]
        hh_cnt = np.add.reduceat(att.astype(float), pop.household_start)[pop.household]
        if pop.contacts.shape[1]:
            c_att = att[pop.contacts]
            hh_sum = hh_sum + (x[pop.contacts] * c_att).sum(axis=1)
            hh_cnt = hh_cnt + c_att.sum(axis=1)
        told = ~att & (hh_cnt > 0)
        heard_view = hh_sum / np.maximum(hh_cnt, 1.0)
        w = b.report_back * b.susceptibility * hh_cnt / (hh_cnt + 1.0)
        new = np.where(told, (1.0 - w) * x + w * heard_view, x)
        v = self.trace.voices
        if v and (v["rep"] >= 0).any():
            is_rep = v["rep"] >= 0
            rep_final = np.full(len(self.representatives), np.nan)
            rep_final[v["rep"][is_rep]] = self.trace.final[is_rep]
            block = np.full(pop.n_households, -1, dtype=np.int64)
            for k, r in enumerate(self.representatives):
                if np.isfinite(rep_final[k]):
                    block[r.households] = k
            mine = block[pop.household]
            reported = (mine >= 0) & ~att
            a = b.rep_report * b.susceptibility
            target = rep_final[np.maximum(mine, 0)]
            new = np.where(reported, (1.0 - a) * new + a * target, new)
            told |= reported
        pop.opinion = new
        pop.knowledge = np.where(told, pop.knowledge + 0.1 * (1 - pop.knowledge), pop.knowledge)

    def _update_trust(self) -> None:
        """How the consultation treated one changes trust in the committee (ASSUMPTION, after
        Tyler 1990: voice and respect build legitimacy): heard +``conduct_trust``, present but
        unheard −½, left out (group not invited) −1, amended for +½ of it."""
        pop, d = self.pop, self.behaviour.conduct_trust
        invited_group = self.organizer.invites(self.spec.group_ids)[pop.group]
        delta = (
            d * (self.heard | self.represented)
            - 0.5 * d * (self.attended & ~self.heard)
            - d * ~invited_group
            + 0.5 * d * self.amended[pop.group]
        )
        pop.trust = np.clip(pop.trust + delta, 0.0, 1.0)

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
        self.told_result |= self._learn_days(channels) <= RESULT_DAYS
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
            self.told_result |= self._learn_days(["bulletin"]) <= RESULT_DAYS
        side = 1.0 if trace.adopted else -1.0
        dissent = self.attended & (side * self.pop.opinion < -self.behaviour.abstain)
        trace.dissenters = int(dissent.sum())
        trace.explained = self.organizer.explained(trace.dissenters)
        if trace.explained < trace.dissenters and self._supervision_notices():
            trace.explained = trace.dissenters
        if trace.explained:
            order = np.flatnonzero(dissent)[: trace.explained]
            self.told_result[order] = True
            self.explained[order] = True
        self.running = False

    # -- helpers for the steps ------------------------------------------------------------------
    def _learn_days(self, channels: list[str]) -> np.ndarray:
        return A.learn_days(self.pop, channels, self.spec.setting, self.behaviour, self.rng)

    def _attend(self) -> None:
        """Who comes (:func:`xsim.attendance.consultation_attendance`), who knew in time, which
        representatives sit (:func:`xsim.attendance.representatives_present`) and how many of the
        respected figures asked come (:func:`xsim.attendance.respected_present`)."""
        notice = float(self.organizer.choices.notice_days)
        self.attended = A.consultation_attendance(
            self.pop,
            self.form,
            self.behaviour,
            self.spec.setting,
            self.spec.population.units,
            self.invited,
            self.delegates,
            self.learned,
            notice,
            self.rng,
        )
        addressed = np.isfinite(self.learned)
        in_time = self.learned <= notice - 1
        self.trace.informed_in_time = float(in_time[addressed].mean()) if addressed.any() else 0.0
        if self.form.with_representatives and self.representatives:
            self.trace.reps_present = A.representatives_present(
                np.array(self.representatives.get("group"), dtype=int),
                self.organizer.invites(self.spec.group_ids),
                notice,
                self.behaviour,
                self.rng,
            )
        else:
            self.trace.reps_present = np.zeros(len(self.representatives), dtype=bool)
        choices = self.organizer.choices
        asked = self.spec.representatives.respected if choices.invite_respected else 0
        self.trace.respected_present = A.respected_present(
            asked, notice, self.behaviour, self.respected_rng
        )
        self.datacollector.collect(self)

    def _voices(self) -> dict[str, np.ndarray]:
        """Everyone who speaks or listens at the consultation, as arrays (one entry per voice).

        Attending residents first (after the expert briefing), then representatives,
        organizations and experts. ``resident`` is the row in ``pop`` (−1 for the others).
        """
        pop, b, form = self.pop, self.behaviour, self.form
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
        self.trace.orgs_present = [OrganizationSeat(o.role, o.group, o.relevant) for o in orgs]
        rep_x = Representative.positions(self, reps)
        rep_number = [k for k, here in enumerate(self.trace.reps_present) if here]
        # x, voice, group, high status, susceptibility, vote weight, representative number
        others = (
            [
                (x_r, r.voice * (1 + premium), r.group, 1, b.susceptibility / 2, 1, k)
                for x_r, r, k in zip(rep_x, reps, rep_number, strict=True)
            ]
            + [(o.position, o.voice, self._group_index(o.group), 1, 0, 1, -1) for o in orgs]
            + [(e.merit, EXPERT_VOICE, NEUTRAL, 0, 0, 0, -1) for e in self.experts]
        )
        cols = np.array(others, dtype=float).reshape(-1, 7).T
        room = pop.unit[who] if form.invite == "units" else np.zeros(who.size, dtype=int)
        voice = 1.0 + premium * pop.status[who]
        if premium >= b.dominance - 1.0 - 1e-12 and not form.online:
            # unmoderated, women claim fewer turns (Karpowitz, Mendelberg & Shaker 2012)
            voice = np.where(pop.female[who], voice * max(b.female_voice, 1e-6), voice)
        # a hearing's public audience listens; only the parties it invited testify
        can_speak = self._invitees_who_speak()[who]
        return {
            "x": np.concatenate([x, cols[0]]),
            "voice": np.concatenate([voice, cols[1]]),
            "can_speak": np.concatenate([can_speak, np.ones(len(others), dtype=bool)]),
            "rep": np.concatenate([np.full(who.size, -1), cols[6]]).astype(int),
            "group": np.concatenate([pop.group[who], cols[2]]).astype(int),
            "status": np.concatenate([pop.status[who], cols[3] > 0]),
            "susceptibility": np.concatenate([np.full(who.size, b.susceptibility), cols[4]]),
            "vote": np.concatenate([np.ones(who.size), cols[5]]),
            "room": np.concatenate([room, np.zeros(len(others), dtype=int)]),
            "resident": np.concatenate([who, np.full(len(others), -1)]),
        }

    def _invitees_who_speak(self) -> np.ndarray:
        """Residents who may take the floor: all attendees, except a hearing's public audience."""
        if self.form.public_audience:
            return self.delegates
        return np.ones(self.pop.n, dtype=bool)

    def _status_premium(self) -> float:
        """Extra voice of a high-status resident: cut by a moderator or a hearing, none online."""
        b, form = self.behaviour, self.form
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
        """Talk under the form's structure (:data:`xsim.talk.STRUCTURES`), then persuasive
        arguments (:func:`xsim.talk.argue`)."""
        form, trace = self.form, self.trace
        x0 = v["x"].copy()
        n = x0.size
        trace.initial, trace.vote_weight, trace.voices = x0, v["vote"], v
        self._record_round(0, x0)
        if n == 0:
            trace.final, trace.speaking = x0.copy(), np.zeros(0, dtype=bool)
            return
        room = T.Room(
            form=form,
            behaviour=self.behaviour,
            facilitated=self.organizer.choices.facilitated,
            rng=self.rng,
            record_round=self._record_round,
        )
        x, speaking = T.deliberate(room, v, x0)
        self._record_round(form.rounds + 1, x)
        trace.final, trace.speaking = x, speaking
        residents = v["resident"] >= 0
        self.pop.opinion[v["resident"][residents]] = x[residents]
        spoke_groups = np.unique(v["group"][speaking & (v["group"] >= 0)])
        self.heard = self.attended & np.isin(self.pop.group, spoke_groups)
        self.spoke[v["resident"][residents & speaking]] = True
        rep_spoke = np.zeros(len(self.representatives), dtype=bool)
        is_rep = v["rep"] >= 0
        rep_spoke[v["rep"][is_rep & speaking]] = True
        if rep_spoke.any():
            spoken_for = np.zeros(self.pop.n_households, dtype=bool)
            for r, said in zip(self.representatives, rep_spoke, strict=True):
                if said:
                    spoken_for[r.households] = True
            self.represented |= spoken_for[self.pop.household]

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

    def _assembly_kind(self) -> str:
        chosen = self.organizer.choices.assembly
        if chosen != "auto":
            return chosen
        if self.spec.topic.owners_matter:
            return "owners_meeting"
        if self.spec.topic.collective_matter and self.spec.population.collective_organization:
            return "members_meeting"
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
            "members_meeting": self._members_meeting,
            "members_representatives_meeting": self._representatives_meeting,
        }[kind]
        numbers = meeting(same_meeting)
        topic = self.spec.topic
        collective = (
            self.spec.setting == "village"
            and topic.collective_matter is not None
            and not self.spec.population.collective_organization
        )
        quorum, consent = meeting_decision(
            kind, numbers, self.date(self.time), self.spec.setting, collective
        )
        trace.assembly = {"kind": kind, **numbers}
        trace.quorum, trace.consent = quorum.met, consent.met
        trace.adopted = trace.quorum and trace.consent
        self.decide()

    def _villagers_meeting(self, same_meeting: bool) -> dict:
        """Organic Law art. 22: more than half of adults, or ⅔ of households; > ½ of those present."""
        pop = self.pop
        present = self.attended.copy() if same_meeting else self._assembly_turnout()
        households = np.maximum.reduceat(present, pop.household_start)
        a = {
            "members": pop.n,
            "present": int(present.sum()),
            "yes": int((present & (pop.opinion > self.behaviour.abstain)).sum()),
            "households_total": pop.n_households,
            "households_present": int(households.sum()),
        }
        return a

    def _residents_meeting(self, same_meeting: bool) -> dict:
        """Every adult resident is a member (2025 law art. 26); the quorum may also be met by
        household representatives (art. 27). Under the 2018 law (art. 9) the meeting could be formed
        by one representative per household: then its members are the households."""
        pop = self.pop
        present = self.attended.copy() if same_meeting else self._assembly_turnout()
        households = np.maximum.reduceat(present, pop.household_start)
        if law.version_in_force("urban_residents_committees", self.date(self.time)) == "2018":
            agree = pop.household_mean(pop.opinion) > self.behaviour.abstain
            return {
                "members": pop.n_households,
                "present": int(households.sum()),
                "yes": int((households & agree).sum()),
            }
        return {
            "members": pop.n,
            "present": int(present.sum()),
            "yes": int((present & (pop.opinion > self.behaviour.abstain)).sum()),
            "households_total": pop.n_households,
            "households_present": int(households.sum()),
        }

    def _members_meeting(self, same_meeting: bool) -> dict:
        """农村集体经济组织法 art. 27: every member (here every adult villager) may take part in
        person, online, or by a written proxy to a household member who attends; one member one
        vote; adopted with ≥ ⅔ of ALL members in favour."""
        pop = self.pop
        present = self.attended.copy() if same_meeting else self._assembly_turnout()
        taking_part = present | A.proxies(pop, present, self.behaviour.members_proxy, self.rng)
        return {
            "members": pop.n,
            "present": int(taking_part.sum()),
            "yes": int((taking_part & (pop.opinion > self.behaviour.abstain)).sum()),
        }

    def _representatives_meeting(self, same_meeting: bool) -> dict:
        """Organic Law art. 26: sits with ≥ ⅔ of members; > ½ of those present agree."""
        reps = self.representatives
        present = self.trace.reps_present if same_meeting else self._assembly_reps()
        agree = Representative.positions(self, reps) > self.behaviour.abstain
        a = {
            "members": len(reps),
            "present": int(present.sum()),
            "yes": int((present & agree).sum()),
        }
        return a

    def _owners_meeting(self, same_meeting: bool) -> dict:
        """Civil Code art. 278: ⅔ of area and of owners vote; special ¾ / ordinary > ½ of both."""
        pop = self.pop
        owners = pop.household_owner
        canvass = self.behaviour.owners_canvass
        voting = owners & A.households_turnout(pop, self._assembly_turnout(), canvass, self.rng)
        agree = voting & (pop.household_mean(pop.opinion) > self.behaviour.abstain)
        a = {
            "members": int(owners.sum()),
            "present": int(voting.sum()),
            "yes": int(agree.sum()),
            "area_total": round(float(pop.area[owners].sum()), 1),
            "area_present": round(float(pop.area[voting].sum()), 1),
            "area_yes": round(float(pop.area[agree].sum()), 1),
            "matter": "special" if self.spec.topic.special_matter else "ordinary",
        }
        return a

    def _assembly_turnout(self) -> np.ndarray:
        """Adults at a separately convened villagers' or residents' meeting."""
        kind = "villagers_meeting" if self.spec.setting == "village" else "residents_meeting"
        choices = self.organizer.choices
        return A.assembly_turnout(
            self.pop,
            F.FORMS[kind],
            self.behaviour,
            self.spec.setting,
            self.spec.population.units,
            choices.assembly_notice_days,
            choices.notice_channels,
            self.attended,
            self.rng,
        )

    def _assembly_reps(self) -> np.ndarray:
        return A.assembly_representatives(
            len(self.representatives),
            float(self.organizer.choices.assembly_notice_days),
            self.behaviour,
            self.rng,
        )

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
        """Run to the end (once) and return the measures. The run also leaves ``.record`` (its
        case record), ``.report`` (the rules engine's report on it) and ``.verdict``."""
        if self._outcome is None:
            self.run_until(self.horizon)
            state = self.state()
            self.record = case_record(state)
            self.report = check_record(self.record)
            self.verdict = Verdict.of(self.report)
            self._outcome = measure(state)
        return self._outcome

    def result(self) -> Run:
        """The finished run: measures, verdict and record together."""
        outcome = self.run()
        return Run(outcome=outcome, verdict=self.verdict, record=self.record)

    def state(self) -> RunState:
        """The run's state as plain, read-only data: what the record and the measures read."""
        reps = list(self.representatives)
        return RunState(
            spec=self.spec,
            form=self.form,
            rulebook=self.rulebook,
            choices=self.organizer.choices,
            pop=self.pop,
            trace=self.trace,
            invited=read_only(self.invited),
            attended=read_only(self.attended),
            heard=read_only(self.heard),
            spoke=read_only(self.spoke),
            represented=read_only(self.represented),
            explained=read_only(self.explained),
            told_result=read_only(self.told_result),
            group_invited=self.organizer.invites(self.spec.group_ids),
            amended=read_only(self.amended),
            rep_groups=np.array([r.group for r in reps], dtype=np.int64),
            rep_households=tuple(read_only(r.households) for r in reps),
            organizations=tuple(self.trace.orgs_present),
            experts=tuple(e.role for e in self.experts),
        )

    def date(self, day: float | None) -> dt.date | None:
        """The calendar date of model day ``day`` (day 0 = the scenario's ``start_date``)."""
        return None if day is None else self.spec.start_date + dt.timedelta(days=int(day))


def meeting_decision(
    kind: str, a: dict[str, Any], on: dt.date, setting: str = "village", collective: bool = False
) -> tuple[mt.Judgement, mt.Judgement]:
    """The law's quorum and majority for a deciding meeting held on ``on``: two judgements.

    ``a`` holds the meeting's numbers as the record's ``assembly`` block does. The thresholds are
    :mod:`xsim.rules.meetings`' (the ones the rules engine judges records by), under the law version
    in force that day (:func:`xsim.law.version_in_force`). ``collective``: a collective economic
    organization's matter decided, where no organization is established, by the villagers' (or
    representatives') meeting, which then applies the members' meeting thresholds (村民委员会组织法
    2025 art. 28 para. 4).
    """
    village = law.version_in_force("villagers_committees", on)
    urban = law.version_in_force("urban_residents_committees", on)
    collective = collective and "rural_collective_economic_organizations" in law.laws_in_force(on)
    present, members, yes = a["present"], a["members"], a["yes"]
    if kind == "members_meeting" or (kind == "villagers_meeting" and collective):
        return mt.members_meeting_quorum(members, present), mt.members_meeting_majority(
            members, yes
        )
    if kind == "members_representatives_meeting":
        # The law sets no quorum apart from approval by 2/3 of all representatives (art. 28).
        majority = mt.members_representatives_majority(members, yes)
        return majority, majority
    if kind == "representatives_meeting" and collective:
        quorum = mt.village_representatives_quorum(village, members, present)
        return quorum, mt.members_representatives_majority(members, yes)
    if kind == "villagers_meeting":
        hh = a.get("households_total"), a.get("households_present")
        quorum = mt.villagers_meeting_quorum(village, members, present, *hh)
        return quorum, mt.villagers_meeting_majority(village, present, yes)
    if kind == "residents_meeting":
        hh = a.get("households_total"), a.get("households_present")
        quorum = mt.residents_meeting_quorum(urban, members, present, *hh)
        return quorum, mt.residents_meeting_majority(urban, present, yes)
    if kind == "representatives_meeting":
        if setting == "community" and urban != "2018":
            return (
                mt.residents_representatives_quorum(members, present),
                mt.residents_representatives_majority(present, yes),
            )
        # The 2018 urban law had no residents' representatives' meeting: like the rules engine,
        # this kit borrows the villagers' representatives' meeting thresholds.
        version = village if setting == "village" else "2018"
        return (
            mt.village_representatives_quorum(version, members, present),
            mt.village_representatives_majority(version, present, yes),
        )
    if kind == "owners_meeting":
        quorum = mt.owners_meeting_quorum(members, present, a["area_total"], a["area_present"])
        majority = mt.owners_meeting_majority(
            a["matter"], present, yes, a["area_present"], a["area_yes"]
        )
        return quorum, majority
    raise ValueError(f"unknown deciding meeting {kind!r}")


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


@dataclass(frozen=True)
class Run:
    """One finished run: its measures, the rules engine's verdict on its record, and the record.

    ``to_dict()`` is the run's table row: the measures' columns (``Outcome.to_dict()``) followed
    by the verdict's (``findings.<CODE>``, ``n_violations``, ``n_warnings``, ``compliant``).
    """

    outcome: Outcome
    verdict: Verdict
    record: CaseRecord

    def to_dict(self) -> dict[str, Any]:
        return {**self.outcome.to_dict(), **self.verdict.to_dict()}


def run_once(
    scenario: Scenario | str,
    form: str | None = None,
    rules: Rulebook | dict | None = None,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
) -> Run:
    """One run, as experiments call it in worker processes (picklable arguments only)."""
    model = ConsultationModel(scenario, form=form, rules=rules, rng=seed, overrides=overrides)
    return model.result()
