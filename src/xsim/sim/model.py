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
from collections.abc import Iterable
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
from xsim.sim import questionnaire as Q
from xsim.sim import responses as R
from xsim.sim import talk as T
from xsim.sim import voices as VO
from xsim.sim.agents import Expert, Organization, Organizer, Representative, Resident
from xsim.sim.deciding import DecidingSteps
from xsim.sim.mechanisms import STREAMS
from xsim.sim.outcome import Outcome, measure
from xsim.sim.population import build_population
from xsim.sim.record import case_record
from xsim.sim.representation import choose_representatives
from xsim.sim.results import ResultSteps
from xsim.sim.run_state import OrganizationSeat, RunState, read_only
from xsim.sim.scenario import Scenario, load_scenario
from xsim.sim.schooling import closed_share, draw_schooling, learning_factor, schooling_gap
from xsim.sim.trace import Trace
from xsim.sim.verdict import Verdict


class ConsultationModel(DecidingSteps, ResultSteps, mesa.Model):
    """One consultation under one form. ``run()`` returns the :class:`Outcome`."""

    def __init__(
        self,
        scenario: Scenario | str | Path,
        form: str | None = None,
        rules: Rulebook | dict | None = None,
        rng: Any = None,
        overrides: dict[str, Any] | None = None,
        ablate: Iterable[str] | str | None = None,
    ) -> None:
        super().__init__(rng=rng)
        # Each mechanism draws from a stream of its own, spawned from the run's seed in a fixed
        # order (xsim.sim.mechanisms.STREAMS): switching one off shifts no other draw.
        self.streams = dict(zip(STREAMS, self.rng.spawn(len(STREAMS)), strict=True))
        spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        spec = spec.with_overrides(overrides)
        if ablate:
            names = [ablate] if isinstance(ablate, str) else list(ablate)
            spec = spec.with_overrides({"ablate": sorted({*spec.ablate, *names})}, "ablate")
        #: the mechanisms switched off in this run (xsim.sim.mechanisms.MECHANISMS)
        self.ablated = frozenset(spec.ablate)
        # Mesa's Model already has a ``scenario`` attribute (its own experimental class).
        self.spec = spec
        self.form = _choose_form(spec, form)
        # The scenario's local rules, then the caller's: an explicit ``rules=`` is the more specific.
        self.rulebook = _rulebook(rules, base=Rulebook().merged(spec.rules))
        self.behaviour = spec.behaviour
        self.trace = Trace(form=self.form.name)
        self.pop = build_population(spec, self.streams["population"])
        self.pop.schooled, self.pop.knowledge = draw_schooling(
            spec, self.streams["schooling"], self.pop.knowledge
        )
        self.learning = (
            np.ones(self.pop.n)
            if "schooling_learning" in self.ablated
            else learning_factor(self.pop.schooled, self.behaviour)
        )
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
        self.reported = np.zeros(n, dtype=bool)  # told of the consultation by those who went
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
        seats = choose_representatives(self.spec, self.pop, self.streams["population"])
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
            if "trust" not in self.ablated:
                pop.trust = np.where(reached, np.minimum(pop.trust + 0.05, 1.0), pop.trust)
        elif "trust" not in self.ablated:
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
        self.invited, self.delegates = A.invitees(
            self.pop,
            self.form,
            addressed,
            self.streams["invitation"],
            self.organizer.choices.sample_size,
        )
        self.learned = np.where(
            addressed, self._learn_days(self.organizer.choices.notice_channels), np.inf
        )
        if self.form.deciding is not None and "word_of_mouth" not in self.ablated:
            self.learned = A.hear_of_deciding_meeting(
                self.pop,
                self.learned,
                addressed,
                self.behaviour.word_of_mouth,
                self.streams["word_of_mouth"],
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
        if "amendments" not in self.ablated:
            self._amend()
        if "word_of_mouth" not in self.ablated:
            self._report_back()
        if "trust" not in self.ablated:
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
            # The law reserves the decision for a meeting: without one nothing is decided (the
            # record shows PROC-ESCALATE); a shortcut is never rewarded.
            trace.void = True
            trace.voted = False
        elif self.form.conclude == "opinion":
            trace.voted = trace.outcome != "disputed" and self._committee_adopts()
        else:
            trace.voted = trace.outcome != "disputed" and trace.share_for > 0.5
        self.decide()

    def _committee_adopts(self) -> bool:
        """An "opinion" is advisory: the competent committee weighs it
        (:func:`xsim.sim.conclusion.committee_adopts`)."""
        own = [o.position for o in self.organizations if o.role == self.spec.lead]
        amended = self.amended[np.maximum(self.trace.voices["group"], 0)] & (
            self.trace.voices["group"] >= 0
        )
        return C.committee_adopts(
            self.trace.final,
            self.trace.vote_weight,
            amended,
            self.behaviour.abstain,
            own[0] if own else 0.0,
            self.trace.voices["stake"],
        )

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
        opinion, told = R.report_back(pop, self.attended, self.behaviour, rep_final, households)
        if "talk" not in self.ablated:  # what they are told moves their opinion
            pop.opinion = opinion
        pop.knowledge = R.told_knowledge(pop.knowledge, told)
        self.reported = told

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

    # -- helpers for the steps ------------------------------------------------------------------
    def _learn_days(self, channels: list[str]) -> np.ndarray:
        return A.learn_days(
            self.pop,
            channels,
            self.spec.setting,
            self.behaviour,
            self.streams["notice"],
            None if "word_of_mouth" in self.ablated else self.streams["word_of_mouth"],
        )

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
            self.streams["attendance"],
            self.ablated,
        )
        lead = float(self.rulebook.notice_days)
        in_time = A.informed_in_time(self.learned, notice, lead, self.delegates)
        self.trace.informed_in_time = float(in_time.mean()) if self.pop.n else 0.0
        if self.form.with_representatives and self.representatives:
            self.trace.reps_present = A.representatives_present(
                np.array(self.representatives.get("group"), dtype=int),
                self._seats_away(),
                self.organizer.invites(self.spec.group_ids),
                notice,
                self.behaviour,
                self.streams["attendance"],
            )
        else:
            self.trace.reps_present = np.zeros(len(self.representatives), dtype=bool)
        choices = self.organizer.choices
        asked = self.spec.representatives.respected if choices.invite_respected else 0
        self.trace.respected_present = A.respected_present(
            asked, notice, self.behaviour, self.streams["respected"]
        )
        self.datacollector.collect(self)

    def _voices(self) -> dict[str, np.ndarray]:
        """Everyone who speaks or listens at the consultation (:func:`xsim.sim.voices.room_voices`):
        the attending residents after the experts' briefing, then representatives, organizations
        and experts."""
        pop = self.pop
        who = np.flatnonzero(self.attended)
        x, know = pop.opinion[who].copy(), pop.knowledge[who].copy()
        self.knowledge_arrival = pop.knowledge.copy()
        self.trace.knowledge_before = float(know.mean()) if who.size else None
        arrival = x.copy()
        for expert in self.experts if "briefing" not in self.ablated else ():
            x, know = expert.brief(x, know, self.learning[who])
        before = pop.knowledge[who]
        briefed = np.where(before < 1.0, (know - before) / np.maximum(1.0 - before, 1e-9), 0.0)
        pop.knowledge[who] = know
        self.trace.knowledge_briefed = float(know.mean()) if who.size else None
        seats = list(self.representatives)
        here = [k for k, present in enumerate(self.trace.reps_present) if present]
        reps = [seats[k] for k in here]
        positions = Representative.positions(self, reps)
        orgs = self._organizations_present()
        self.trace.orgs_present = [OrganizationSeat(o.role, o.group, o.relevant) for o in orgs]
        # a hearing's public audience listens; only the parties it invited testify
        can_speak = self.delegates if self.form.public_audience else np.ones(pop.n, dtype=bool)
        equal = "status_voice" in self.ablated
        voices = VO.room_voices(
            pop,
            who,
            x,
            self.behaviour,
            self.form,
            VO.status_premium(self.behaviour, self.form, self.moderated, equal),
            can_speak[who],
            reps=[(p, r.voice, r.group, k) for p, r, k in zip(positions, reps, here, strict=True)],
            orgs=[(o.position, o.voice, self._group_index(o.group)) for o in orgs],
            experts=[e.merit for e in self.experts],
            equal_voice=equal,
            briefed=briefed,
        )
        # what those present thought when they arrived, before the briefing: the first survey of a
        # deliberative poll (``opinion_before``)
        self.trace.arrival = voices["x"].copy()
        self.trace.arrival[: who.size] = arrival
        return voices

    @property
    def moderated(self) -> bool:
        """The floor is shared out: a moderator (``organizer.facilitated``) or a form whose
        procedure gives every side its turn (a hearing) — unless ``facilitation`` is ablated."""
        if "facilitation" in self.ablated:
            return False
        return self.organizer.choices.facilitated or self.form.built_in_turn_taking

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

    def _survey(self) -> None:
        """The questionnaire on arrival and at the end, answered by the voices present: what a
        poll records of their opinions (:mod:`xsim.sim.questionnaire`). Draws from its own stream,
        after the run, so it changes nothing the run did."""
        trace = self.trace
        if trace.final.size == 0 or trace.arrival.size != trace.final.size:
            return
        rng = self.streams["questionnaire"]
        sd = Q.error_sd(trace.arrival, self.behaviour.response_error)
        trace.answers_before = Q.answers(trace.arrival, sd, rng)
        trace.answers_after = Q.answers(trace.final, sd, rng)

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
            moderated=self.moderated,
            rng=self.streams["talk"],
            floor_rng=self.streams["floor"],
            talk="talk" not in self.ablated,
            record_round=self._record_round,
        )
        x, speaking, rooms, learned = T.deliberate(room, v, x0)
        self._record_round(form.rounds + 1, x)
        trace.final, trace.speaking, trace.rooms = x, speaking, rooms
        residents = v["resident"] >= 0
        who = v["resident"][residents]
        self.pop.opinion[who] = x[residents]
        # ``learned`` is the share of their knowledge gap each voice closed, not an amount
        known = self.pop.knowledge[who]
        closed = closed_share(learned[residents], self.learning[who])
        self.pop.knowledge[who] = np.clip(known + closed * (1.0 - known), 0.0, 1.0)
        trace.knowledge_after = float(self.pop.knowledge[who].mean()) if who.size else None
        trace.knowledge_gain_schooling_gap = schooling_gap(
            self.pop.knowledge[who] - self.knowledge_arrival[who], self.pop.schooled[who]
        )
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
            self._survey()
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
            reported=read_only(self.reported),
            explained=read_only(self.explained),
            told_result=read_only(self.told_result),
            group_invited=self.organizer.invites(self.spec.group_ids),
            amended=read_only(self.amended),
            rep_groups=np.array([r.group for r in reps], dtype=np.int64),
            rep_households=tuple(read_only(r.households) for r in reps),
            organizations=tuple(self.trace.orgs_present),
            experts=tuple(e.role for e in self.experts),
            moderated=self.moderated,
            ablated=self.ablated,
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
    ablate: Iterable[str] | None = None,
) -> Run:
    """One run, as experiments call it in worker processes (picklable arguments only).
    ``ablate``: mechanisms switched off (:data:`xsim.sim.mechanisms.MECHANISMS`)."""
    model = ConsultationModel(
        scenario, form=form, rules=rules, rng=seed, overrides=overrides, ablate=ablate
    )
    return model.result()
