"""Classroom speed of the teaching widgets: what a trainee waits for after a click.

Target (issue 6): a FormChooser run answers within a few seconds; rule-checking widgets at once.
Prints seconds per action; run with `.venv/bin/python benchmarks/bench_teaching.py`.
"""

from __future__ import annotations

import os
import time


def timed(label: str, fn, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    per = (time.perf_counter() - start) / repeat
    print(f"{label:<58s} {per:8.3f} s")
    return per


def main() -> None:
    print(f"load average: {os.getloadavg()[0]:.2f} (2 cores shared with other jobs inflate these)")
    from xsim.teaching.form_chooser import FormChooser

    from xsim.teaching.cases import elevator_record
    from xsim.teaching.picker import ParticipantPicker, elevator_candidates
    from xsim.teaching.stepper import ProcedureStepper

    holder = {}
    timed(
        "FormChooser construction (imports model, matplotlib)",
        lambda: holder.setdefault("fc", FormChooser("elevator_retrofit", seeds=range(5))),
    )
    fc = holder["fc"]
    timed("FormChooser first run (5 seeds + figure)", fc.run_button.click)
    notice = fc.controls["organizer.notice_days"]

    def new_choice():
        notice.value = (notice.value + 1) % 15
        fc.run_button.click()

    timed("FormChooser new choice (5 seeds + figure)", new_choice, repeat=5)
    timed("FormChooser repeated choice (cached, figure only)", fc.run_button.click, repeat=5)
    for form in fc.scenario.forms:
        fc.form.value = form
        timed(f"  form {form}", fc.run_button.click)
    village = FormChooser("village_road", seeds=range(5))
    timed("FormChooser village_road first run", village.run_button.click)

    p = ParticipantPicker(elevator_record(), elevator_candidates())
    p.select(*[c.label for c in p.candidates[:6]])
    timed("ParticipantPicker check (record + rules engine)", p.check_button.click, repeat=20)
    s = ProcedureStepper()
    s.choose(1)
    timed("ProcedureStepper confirm (record + rules engine)", s.confirm.click, repeat=20)


if __name__ == "__main__":
    main()
