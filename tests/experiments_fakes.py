"""A fake scenario and runner for testing xsim.experiments without the consultation model.

The runner is deterministic in its seed (a numpy Generator), has a known effect per form and per day of
notice, and can be told through environment variables to misbehave on chosen seeds:
``XSIM_FAKE_FAIL_SEEDS`` (comma-separated seeds, or ``form@seed`` for one variant's run: every
variant runs replication r on the same seed) with ``XSIM_FAKE_FAIL_KIND`` = ``error`` |
``interrupt``; ``XSIM_FAKE_EXIT_MARKER`` = a path: the first run that finds no file there creates it
and kills its own process (``os._exit``), as a crashing worker would; ``XSIM_FAKE_DELAY`` seconds of
sleep per run. The same keys (lower case, without the prefix) in ``FakeScenario.faults`` do the same:
worker processes forked from a fork server see the environment of the fork server's start, not of
the test, so tests with worker processes put faults into the scenario that travels with the job.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace

import numpy as np

from xsim.errors import InputError

FORM_EFFECT = {"hearing": 0.30, "council": 0.45, "online": 0.60}


@dataclass(frozen=True)
class FakeScenario:
    name: str = "fake"
    forms: tuple[str, ...] = ("hearing", "council", "online")
    params: dict = field(default_factory=lambda: {"organizer.notice_days": 5, "households": 100})
    faults: dict = field(default_factory=dict)

    def with_overrides(self, overrides: dict) -> FakeScenario:
        for key in overrides:
            if key not in self.params:
                raise InputError(
                    f"<scenario {self.name}>",
                    key,
                    f"one of: {', '.join(sorted(self.params))}",
                    f"应为以下之一：{'、'.join(sorted(self.params))}",
                )
        return replace(self, params={**self.params, **overrides})

    def model_dump(self, mode: str = "python") -> dict:
        return {
            "name": self.name,
            "forms": list(self.forms),
            "params": self.params,
            "faults": self.faults,
        }


def _fault(scenario, key: str, default: str = "") -> str:
    faults = getattr(scenario, "faults", None) or {}
    return str(faults.get(key, os.environ.get(f"XSIM_FAKE_{key.upper()}", default)))


def _misbehave(seed: int, scenario, form: str | None = None) -> None:
    delay = float(_fault(scenario, "delay", "0") or 0)
    if delay:
        time.sleep(delay)
    if _fault(scenario, "always_exit"):
        os._exit(19)
    marker = _fault(scenario, "exit_marker")
    if marker and not os.path.exists(marker):
        with open(marker, "w") as fh:
            fh.write(str(os.getpid()))
        os._exit(17)
    fail = {s.strip() for s in _fault(scenario, "fail_seeds").split(",") if s}
    if str(seed) in fail or f"{form}@{seed}" in fail:
        if _fault(scenario, "fail_kind") == "interrupt":
            raise KeyboardInterrupt
        raise ValueError(f"fake failure on seed {seed}")


def fake_runner(scenario, form=None, rules=None, seed=0, overrides=None):
    """Pseudo-outcomes: participation = form effect + 0.02·notice days + noise (sd 0.05)."""
    _misbehave(seed, scenario, form)
    sc = scenario.with_overrides(dict(overrides or {}))
    rng = np.random.default_rng(seed)
    if isinstance(sc, FakeScenario):
        notice = sc.params["organizer.notice_days"]
    else:  # a real xsim Scenario (CLI tests): same pseudo-model on its organizer's notice days
        notice = sc.organizer.notice_days
    base = FORM_EFFECT.get(form or sc.forms[0], 0.4) + 0.02 * notice
    participation = float(np.clip(base + rng.normal(0, 0.05), 0, 1))
    young = float(np.clip(participation + 0.1 + rng.normal(0, 0.05), 0, 1))
    counts = {"findings.PROC-NOTICE": int(notice < 5)}
    if rules and rules.get("strict"):
        counts["findings.RES-PUBLICITY"] = 1
    return {
        "participation": participation,
        "participation.age_young": young,
        "participation.age_old": float(np.clip(participation - 0.1, 0, 1)),
        "opinion_change": float(rng.normal(0.1, 0.2)),
        "consensus": bool(rng.random() < participation),
        "decision": "consensus" if participation > 0.5 else "majority",
        "n_violations": int(notice < 5),
        **counts,
    }
