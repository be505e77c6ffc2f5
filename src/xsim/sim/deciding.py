"""The deciding steps of a consultation: the deciding meeting, whether the decision stands in
law, and what follows an unlawful one.

:class:`DecidingSteps` holds the events of :class:`xsim.sim.model.ConsultationModel` from the
consultation's conclusion to the decision (the model class inherits them, so they are Mesa
events on its schedule):

- :meth:`~DecidingSteps.notify_assembly` / :meth:`~DecidingSteps.hold_assembly`: a separately
  convened deciding meeting — who takes part and how they vote (:mod:`xsim.sim.meetings`), the
  law's quorum and majority (:func:`xsim.sim.meetings.meeting_decision`);
- :meth:`~DecidingSteps.decide`: whether the body's "yes" stands in law. The run's provisional
  record is judged by the rules engine and :func:`xsim.sim.verdict.unlawful_reasons` reads its
  law-level violations (a body without competence, the wrong electorate, the meeting's notice,
  quorum or majority, unlawful content). ``adopted`` means adopted lawfully; a "yes" the law
  does not let stand is ``adopted_unlawfully`` and has consequences (:meth:`~DecidingSteps.contest`):
  those who lose and have a real stake complain (信访), the complaints and the supervision reach
  the township, which has the decision put right (§5.6; 《村民委员会组织法》第三十一条（2025年修正）):
  it is revoked, and the matter has to be taken up afresh by the competent body (after this run).

Parameters and sources: docs/model.md §7.7.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xsim import forms as F
from xsim.rules import check_record
from xsim.sim import attendance as A
from xsim.sim import meetings as M
from xsim.sim.agents import Representative
from xsim.sim.fairness import COMPLAINT_STAKE
from xsim.sim.record import case_record
from xsim.sim.verdict import unlawful_reasons

COMPLAINT_REACH = 0.7  # chance that complaints about a decision reach the township (ASSUMPTION)
CORRECTION_DAYS = 20  # days from an unlawful decision to the township's correction (ASSUMPTION)


class DecidingSteps:
    """The deciding steps of :class:`xsim.sim.model.ConsultationModel` (a mixin: it reads the
    model's ``spec``, ``pop``, ``trace``, ``organizer``, ``streams`` …)."""

    def notify_assembly(self) -> None:
        self.trace.day["assembly_notified"] = self.time
        self.schedule_event(self.hold_assembly, after=self.organizer.choices.assembly_notice_days)

    def hold_assembly(self) -> None:
        self._hold_assembly(self._assembly_kind(), same_meeting=False)

    def decide(self) -> None:
        """The decision: does the body's "yes" stand in law? Then implement it, or contest it."""
        trace, topic = self.trace, self.spec.topic
        trace.day["decided"] = self.time
        if trace.voted:
            trace.unlawful = list(unlawful_reasons(check_record(case_record(self.state()))))
        trace.adopted = trace.voted and not trace.unlawful
        trace.adopted_unlawfully = trace.voted and bool(trace.unlawful)
        if trace.adopted_unlawfully and self.contest():
            return
        if trace.voted and self.organizer.choices.implement:
            self.schedule_event(self.implement, after=topic.implement_days)
        else:
            self.schedule_event(self.feedback, after=1)

    def contest(self) -> bool:
        """What follows an unlawful "yes": complaints, and the township's correction (§5.6).

        Adults who lose by the decision and have a real stake complain (``COMPLAINT_STAKE``);
        the complaints reach the township with chance ``COMPLAINT_REACH``, else the supervision
        committee or the township may notice on its own (their ``detect``). A correction revokes
        the decision. Returns whether it was corrected (the next event is then scheduled here).
        """
        trace, pop = self.trace, self.pop
        losing = pop.opinion < -self.behaviour.abstain  # against a decision that adopts
        complaining = losing & (np.abs(pop.stake) >= COMPLAINT_STAKE)
        trace.complainants = int(complaining.sum())
        rng = self.streams["supervision"]
        reached = trace.complainants > 0 and rng.random() < COMPLAINT_REACH
        watchers = [
            o for o in self.organizations if o.role in ("supervision_committee", "township")
        ]
        noticed = [o.notices() for o in watchers]  # every watcher looks (fixed draws)
        trace.corrected = bool(reached or any(noticed))
        trace.noticed += int(trace.corrected)
        if not trace.corrected:
            return False
        trace.day["corrected"] = self.time + CORRECTION_DAYS
        self.schedule_event(self.feedback, after=CORRECTION_DAYS)
        return True

    # -- the deciding meeting ------------------------------------------------------------------
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
        trace.quorum_margin, trace.majority_margin = M.margin(quorum), M.margin(consent)
        trace.voted = trace.quorum and trace.consent
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
            canvass, rng = b.owners_canvass, self.streams["meeting"]
            return M.owners_meeting(pop, turnout, b.abstain, canvass, special, rng)
        present = self.attended.copy() if same_meeting else self._assembly_turnout()
        if kind == "villagers_meeting":
            return M.villagers_meeting(pop, present, b.abstain)
        if kind == "residents_meeting":
            return M.residents_meeting(pop, present, b.abstain, self.date(self.time))
        return M.members_meeting(pop, present, b.abstain, b.members_proxy, self.streams["meeting"])

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
            self._learn_days(choices.notice_channels),
            self.attended,
            self.streams["attendance"],
            self.ablated,
        )

    def _assembly_reps(self) -> np.ndarray:
        """Representatives at a separately convened meeting: all are summoned; one living away
        comes as rarely as any adult living away (:func:`xsim.sim.attendance.assembly_representatives`)."""
        return A.assembly_representatives(
            self._seats_away(),
            float(self.organizer.choices.assembly_notice_days),
            self.behaviour,
            self.streams["attendance"],
        )

    def _seats_away(self) -> np.ndarray:
        """Per representative seat: the representative lives away (外出)."""
        return np.array([self.pop.away[r.index] for r in self.representatives], dtype=bool)
