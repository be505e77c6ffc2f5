"""ConsultationModel: one consultation of a scenario, step by step through §4, in days.

The procedure's steps are events on Mesa's schedule: solicit opinions → propose the topic → notify
the subjects → consult (attendance, deliberation, conclusion) → [notify and hold the deciding
meeting] → implement → publicize → feedback, explanations, supervision. Later steps are scheduled by
earlier ones, because what happens next depends on what was concluded. At the end the model
builds its read-only run state once (:meth:`ConsultationModel.state`, an
:class:`xsim.sim.run_state.RunState`); the case record (``.record``, :mod:`xsim.sim.trace`) and the
measures (:class:`xsim.sim.outcome.Outcome`) are computed from that state, never from the model; the
record is judged by the same rules engine as ``xsim check`` (``.report``, ``.verdict``).

Who attends is decided in :mod:`xsim.sim.attendance`, how talk goes in :mod:`xsim.sim.talk` (a registry
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

from xsim import forms as F
from xsim.errors import InputError
from xsim.records import CaseRecord
from xsim.rules import Rulebook, check_record
from xsim.sim import attendance as A
from xsim.sim import conclusion as C
from xsim.sim import meetings as M
from xsim.sim import responses as R
from xsim.sim import talk as T
from xsim.sim import voices as VO
from xsim.sim.agents import Expert, Organization, Organizer, Representative, Resident
from xsim.sim.outcome import Outcome, measure
from xsim.sim.population import build_population
from xsim.sim.record import case_record
from xsim.sim.representation import choose_representatives
from xsim.sim.run_state import OrganizationSeat, RunState, read_only
from xsim.sim.scenario import Scenario, load_scenario
from xsim.sim.trace import Trace
from xsim.sim.verdict import Verdict

RESULT_DAYS = 7  # days a posted result is noticed by those it reaches (ASSUMPTION)
COMMITTEE_WEIGHT = 0.5  # weight of the committee's own view when it decides on an opinion


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
        """Representatives chosen by the law's rule (:mod:`xsim.sim.representation`)."""
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
        trace.share_for = C.support_share(trace.final, trace.vote_weight, b.abstain)
        trace.outcome = C.conclusion(self.form, trace.share_for, b.consensus_share, b.dispute_band)
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
        """Objections voiced change the plan (:mod:`xsim.sim.responses`): a group whose voices
        present spoke and objected on average gets an amendment; groups absent or unheard get
        none."""
        room, trace = self.spec.topic.amend_room, self.trace
        if room <= 0 or not trace.voices or not trace.speaking.any():
            return
        n_groups = len(self.spec.group_ids)
        objecting, mean = R.objecting_groups(
            trace.voices, trace.final, trace.speaking, n_groups, self.behaviour.abstain
        )
        if not objecting.any():
            return
        self.amended = objecting
        shift = R.amendment_shift(self.pop, objecting, mean, room)
        pop = self.pop
        pop.opinion = np.clip(pop.opinion + shift[pop.group], -1.0, 1.0)
        pop.stake = np.clip(pop.stake + shift[pop.group], -1.0, 1.0)
        trace.amended = [self.spec.group_ids[k] for k in np.flatnonzero(objecting)]

    def _report_back(self) -> None:
        """Those present tell those at home (:func:`xsim.sim.responses.report_back`)."""
        v, reps = self.trace.voices, list(self.representatives)
        rep_final = np.full(len(reps), np.nan)
        if v and (v["rep"] >= 0).any():
            is_rep = v["rep"] >= 0
            rep_final[v["rep"][is_rep]] = self.trace.final[is_rep]
        households = [r.households for r in reps]
        pop = self.pop
        pop.opinion, told = R.report_back(pop, self.attended, self.behaviour, rep_final, households)
        pop.knowledge = R.told_knowledge(pop.knowledge, told)

    def _update_trust(self) -> None:
        """How the consultation treated one changes trust (:func:`xsim.sim.responses.trust_after`)."""
        pop = self.pop
        invited_group = self.organizer.invites(self.spec.group_ids)[pop.group]
        pop.trust = R.trust_after(
            pop.trust,
            had_voice=self.heard | self.represented,
            unheard=self.attended & ~self.heard,
            left_out=~invited_group,
            amended_for=self.amended[pop.group],
            conduct_trust=self.behaviour.conduct_trust,
        )

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
        """Who comes (:func:`xsim.sim.attendance.consultation_attendance`), who knew in time, which
        representatives sit (:func:`xsim.sim.attendance.representatives_present`) and how many of the
        respected figures asked come (:func:`xsim.sim.attendance.respected_present`)."""
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
        """Everyone who speaks or listens at the consultation (:func:`xsim.sim.voices.room_voices`):
        the attending residents after the experts' briefing, then representatives, organizations
        and experts."""
        pop = self.pop
        who = np.flatnonzero(self.attended)
        x, know = pop.opinion[who].copy(), pop.knowledge[who].copy()
        for expert in self.experts:
            x, know = expert.brief(x, know)
        pop.knowledge[who] = know
        seats = list(self.representatives)
        here = [k for k, present in enumerate(self.trace.reps_present) if present]
        reps = [seats[k] for k in here]
        positions = Representative.positions(self, reps)
        orgs = self._organizations_present()
        self.trace.orgs_present = [OrganizationSeat(o.role, o.group, o.relevant) for o in orgs]
        # a hearing's public audience listens; only the parties it invited testify
        can_speak = self.delegates if self.form.public_audience else np.ones(pop.n, dtype=bool)
        return VO.room_voices(
            pop,
            who,
            x,
            self.behaviour,
            self.form,
            VO.status_premium(self.behaviour, self.form, self.organizer.choices.facilitated),
            can_speak[who],
            reps=[(p, r.voice, r.group, k) for p, r, k in zip(positions, reps, here, strict=True)],
            orgs=[(o.position, o.voice, self._group_index(o.group)) for o in orgs],
            experts=[e.merit for e in self.experts],
        )

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
        return VO.NEUTRAL if group_id is None else self.spec.group_ids.index(group_id)

    def _deliberate(self, v: dict[str, np.ndarray]) -> None:
        """Talk under the form's structure (:data:`xsim.sim.talk.STRUCTURES`), then persuasive
        arguments (:func:`xsim.sim.talk.argue`)."""
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
        numbers = self._meeting_numbers(kind, same_meeting)
        topic = self.spec.topic
        collective = (
            self.spec.setting == "village"
            and topic.collective_matter is not None
            and not self.spec.population.collective_organization
        )
        quorum, consent = M.meeting_decision(
            kind, numbers, self.date(self.time), self.spec.setting, collective
        )
        trace.assembly = {"kind": kind, **numbers}
        trace.quorum, trace.consent = quorum.met, consent.met
        trace.adopted = trace.quorum and trace.consent
        self.decide()

    def _meeting_numbers(self, kind: str, same_meeting: bool) -> dict[str, Any]:
        """Who takes part in the deciding meeting and how they vote (:mod:`xsim.sim.meetings`)."""
        pop, b = self.pop, self.behaviour
        if kind in ("representatives_meeting", "members_representatives_meeting"):
            present = self.trace.reps_present if same_meeting else self._assembly_reps()
            positions = Representative.positions(self, self.representatives)
            return M.representatives_meeting(positions, present, b.abstain)
        if kind == "owners_meeting":
            special = self.spec.topic.special_matter
            turnout = self._assembly_turnout()
            return M.owners_meeting(pop, turnout, b.abstain, b.owners_canvass, special, self.rng)
        present = self.attended.copy() if same_meeting else self._assembly_turnout()
        if kind == "villagers_meeting":
            return M.villagers_meeting(pop, present, b.abstain)
        if kind == "residents_meeting":
            return M.residents_meeting(pop, present, b.abstain, self.date(self.time))
        return M.members_meeting(pop, present, b.abstain, b.members_proxy, self.rng)

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
