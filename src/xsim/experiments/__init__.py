"""Studies at scale: a scenario × variants × replications, run anywhere, with the same numbers.

- :mod:`xsim.experiments.study` — :class:`Study` (variants, seeds keyed by (variant, rep), the run loop);
- :mod:`xsim.experiments.executors` — in-process, local processes, Dask distributed;
- :mod:`xsim.experiments.storage` — rows streamed to Parquet part files, manifest, ``--resume``;
- :mod:`xsim.experiments.summary` — means with bootstrap CIs, differences against a baseline;
- :mod:`xsim.experiments.sweep` — grids, Latin hypercubes, Sobol / Morris sensitivity (SALib);
- :mod:`xsim.experiments.figures` — comparison plots, participation by group, opinion trajectories.

Names are imported lazily so that importing this package stays cheap (no pandas, no Dask).
"""

from __future__ import annotations

import importlib

_LAZY = {
    "Study": "xsim.experiments.study",
    "Variant": "xsim.experiments.study",
    "StudyResult": "xsim.experiments.study",
    "run_seed": "xsim.experiments.study",
    "compare": "xsim.experiments.study",
    "collect_trajectories": "xsim.experiments.trajectories",
    "Sweep": "xsim.experiments.sweep",
    "InProcessExecutor": "xsim.experiments.executors",
    "ProcessExecutor": "xsim.experiments.executors",
    "DaskExecutor": "xsim.experiments.executors",
    "make_executor": "xsim.experiments.executors",
    "ResultStore": "xsim.experiments.storage",
    "load_results": "xsim.experiments.storage",
    "summarize": "xsim.experiments.summary",
    "Summary": "xsim.experiments.summary",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'xsim.experiments' has no attribute {name!r}")
