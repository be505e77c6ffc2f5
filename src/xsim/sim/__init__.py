"""The simulator: one consultation of a scenario, agent by agent, from notice to feedback.

Public entry points (imported lazily, so ``import xsim.sim.measures`` stays light):

- :func:`load_scenario`, :func:`list_scenarios`, :class:`Scenario` — the input (``scenario``);
- :class:`ConsultationModel` (Mesa), :func:`run_once` → :class:`Run` — one run (``model``);
- :class:`Outcome` — the measures of a run (``outcome``); :data:`MEASURES` — the measure
  registry, every measure declared once (``measures``);
- :class:`RunState` — a finished run as read-only data (``run_state``).

The layers inside the package (checked by ``lint-imports``, contract ``simulator`` in
pyproject.toml), from the top: ``model`` · ``outcome | record | verdict`` · ``run_state`` ·
``meetings`` · ``agents | attendance | talk | conclusion | representation | voices | responses`` ·
``population | cascade`` · ``scenario`` · ``measures | trace``. See docs/architecture.md.
"""

from __future__ import annotations

from xsim._lazy import lazy_getattr

_LAZY = {
    "ConsultationModel": "xsim.sim.model",
    "Run": "xsim.sim.model",
    "run_once": "xsim.sim.model",
    "Outcome": "xsim.sim.outcome",
    "RunState": "xsim.sim.run_state",
    "Scenario": "xsim.sim.scenario",
    "load_scenario": "xsim.sim.scenario",
    "list_scenarios": "xsim.sim.scenario",
    "MEASURES": "xsim.sim.measures",
}

__all__ = sorted(_LAZY)

__getattr__ = lazy_getattr(__name__, _LAZY)
