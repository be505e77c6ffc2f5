"""Classroom speed of the teaching widgets: what a trainee waits for after a click.

Target (issue 6): a form_chooser (ScenarioLab) run answers within a few seconds; rule-checking widgets at once.
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
    from xsim.teaching.cases import elevator_record
    from xsim.teaching.lab import form_chooser
    from xsim.teaching.picker import ParticipantPicker, elevator_candidates
    from xsim.teaching.stepper import ProcedureStepper

    holder = {}
    timed(
        "form_chooser construction (imports model)",
        lambda: holder.setdefault("fc", form_chooser("elevator_retrofit", seeds=5)),
    )
    fc = holder["fc"]
    timed("form_chooser first run (5 seeds)", fc.run_button.click)
    for i in range(len(fc.dropdowns[0].options)):
        fc.choose(i)
        timed(f"  form option {i}", fc.run_button.click)
    village = form_chooser("village_road", seeds=5)
    timed("form_chooser village_road first run", village.run_button.click)

    p = ParticipantPicker(elevator_record(), elevator_candidates())
    p.select(*[c.label for c in p.candidates[:6]])
    timed("ParticipantPicker check (record + rules engine)", p.check_button.click, repeat=20)
    s = ProcedureStepper()
    s.choose(1)
    timed("ProcedureStepper confirm (record + rules engine)", s.confirm.click, repeat=20)


if __name__ == "__main__":
    main()
