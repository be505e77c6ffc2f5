"""xsim — a training and simulation kit for urban and rural community consultation (城乡社区协商).

The top-level names are imported lazily: ``import xsim`` stays cheap, and the rules engine and
``xsim check`` never import Mesa, pandas or matplotlib.
"""

from __future__ import annotations

from xsim._lazy import lazy_getattr

__version__ = "0.1.0"

_LAZY = {
    "check_record": "xsim.rules",
    "load_record": "xsim.records",
    "CaseRecord": "xsim.records",
    "load_scenario": "xsim.sim.scenario",
    "list_scenarios": "xsim.sim.scenario",
    "Scenario": "xsim.sim.scenario",
    "ConsultationModel": "xsim.sim.model",
    "Outcome": "xsim.sim.outcome",
    "InputError": "xsim.errors",
}

__all__ = sorted(_LAZY)

__getattr__ = lazy_getattr(__name__, _LAZY)
