"""What follows a decision: implementation, publicity, feedback, explanations, supervision.

:class:`ResultSteps` holds the §5 events of :class:`xsim.sim.model.ConsultationModel` (a mixin:
the model class inherits them, so they are Mesa events on its schedule): implement (§5.2), make
the result public within the local deadline (§5.2), feed back to the subjects, the stakeholders
and the residents (§4.4), explain the decision to those it went against (§5.4), while the
supervision committee watches (§5.5). Parameters: docs/model.md §7.8.
"""

from __future__ import annotations

import numpy as np

RESULT_DAYS = 7  # days a posted result is noticed by those it reaches (ASSUMPTION)


class ResultSteps:
    """The §5 steps of :class:`xsim.sim.model.ConsultationModel` (reads the model's ``pop``,
    ``trace``, ``organizer``, ``told_result`` …)."""

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
        # §5.4: those who took part, or were told by those who did, and lost
        side = 1.0 if trace.in_force else -1.0
        dissent = (self.attended | self.reported) & (
            side * self.pop.opinion < -self.behaviour.abstain
        )
        trace.dissenters = int(dissent.sum())
        trace.explained = self.organizer.explained(trace.dissenters)
        if trace.explained < trace.dissenters and self._supervision_notices():
            trace.explained = trace.dissenters
        if trace.explained:
            order = np.flatnonzero(dissent)[: trace.explained]
            self.told_result[order] = True
            self.explained[order] = True
        self.running = False

    def _supervision_notices(self) -> bool:
        committees = self.organizations.select(lambda o: o.role == "supervision_committee")
        noticed = any(committees.map("notices"))
        self.trace.noticed += int(noticed)
        return noticed
