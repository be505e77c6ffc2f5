"""Studies at scale: a scenario × variants × replications, run anywhere, with the same numbers.

- :mod:`xsim.experiments.study` — :class:`Study` (variants, seeds keyed by (variant, rep), the run loop);
- :mod:`xsim.experiments.executors` — in-process, local processes, Dask distributed;
- :mod:`xsim.experiments.storage` — rows streamed to Parquet part files, manifest, ``--resume``;
- :mod:`xsim.experiments.summary` — means with bootstrap CIs, differences against a baseline;
- :mod:`xsim.experiments.sweep` — grids, Latin hypercubes, Sobol / Morris sensitivity (SALib);
- :mod:`xsim.experiments.figures` — comparison plots, participation by group, opinion trajectories.

In a notebook::

    from xsim.experiments import Study, compare
    result = compare("elevator_retrofit", reps=30, seed=1)          # forms of the scenario, in-process
    print(result.summary().to_text())                                # means, 95% CIs, differences
    study = Study("elevator_retrofit",
                  [{"form": "owners"}, {"form": "owners", "organizer.notice_days": 3},
                   {"form": "hearing", "rules.notice_days": 10}], reps=100, seed=7)
    rows = study.run("processes", out="out/notice").rows             # one row per run (pandas)

Pass ``progress=False`` in notebooks checked by nbval (a progress bar is output that changes).
The same study gives identical rows on ``"in-process"``, ``"processes"``, ``"local"`` (Dask
LocalCluster) and ``"tcp://HOST:PORT"``.

Names are imported lazily so that importing this package stays cheap (no pandas, no Dask).
"""

from __future__ import annotations

from xsim._lazy import lazy_getattr

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

__getattr__ = lazy_getattr(__name__, _LAZY)
