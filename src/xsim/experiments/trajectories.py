"""Opinion trajectories: the deliberation rounds of a study's runs, for figures.

The model's DataCollector keeps a ``deliberation`` table (round, mean, spread of the opinions of
those present). :func:`collect_trajectories` re-runs chosen replications of a study with the *same
seeds* as its Parquet rows (so the trajectories belong to those runs) on any executor, and returns
one row per (variant, rep, round).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xsim.experiments.study import Study, Task


def deliberation_rounds(scenario: Any, form=None, rules=None, seed: int = 0, overrides=None):
    """One run of the consultation model → its rounds as (round, mean, spread) tuples."""
    from xsim.sim.model import ConsultationModel

    model = ConsultationModel(scenario, form=form, rules=rules, rng=seed, overrides=overrides)
    model.run()
    table = model.datacollector.get_table_dataframe("deliberation")
    return [
        (int(r), float(m), float(s))
        for r, m, s in zip(table["round"], table["mean"], table["spread"], strict=True)
    ]


def trajectory_chunk(job, chunk: Sequence[Task]) -> list[dict[str, Any]]:
    rows = []
    for v, r, seed in chunk:
        variant = job.variants[v]
        rounds = job.runner(
            job.scenario,
            form=variant.form,
            rules=variant.rules,
            seed=seed,
            overrides=variant.overrides,
        )
        rows += [
            {
                "variant": variant.name,
                "variant_index": v,
                "rep": r,
                "step": step,
                "opinion": mean,
                "spread": spread,
            }
            for step, mean, spread in rounds
        ]
    return rows


def collect_trajectories(
    study: Study, reps: int | None = None, executor: Any = None, rounds_runner=deliberation_rounds
):
    """Trajectories of the first ``reps`` replications of every variant (default: all)."""
    import pandas as pd

    from xsim.experiments.executors import make_executor
    from xsim.experiments.study import Job

    limit = study.reps if reps is None else min(reps, study.reps)
    tasks = [t for t in study.tasks() if t[1] < limit]
    owned = not hasattr(executor, "map_chunks")
    executor = make_executor(executor or "in-process") if owned else executor
    try:
        job = Job(rounds_runner, study.scenario, study.variants)
        chunks = [tasks[i : i + 10] for i in range(0, len(tasks), 10)]
        rows = [row for part in executor.map_chunks(trajectory_chunk, job, chunks) for row in part]
    finally:
        if owned:
            executor.close()
    frame = pd.DataFrame(
        rows, columns=["variant", "variant_index", "rep", "step", "opinion", "spread"]
    )
    return frame.sort_values(["variant_index", "rep", "step"]).reset_index(drop=True)
