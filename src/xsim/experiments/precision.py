"""Run a study until its intervals are narrow enough: a team asks for precision, not a number of runs.

:func:`run_to_precision` runs the study's replications in batches; after each batch it summarizes
the rows and measures the half-width of every reported interval (each variant's estimate and each
difference against the baseline, for the measures that are reported). It stops when every
half-width is at most the target, or when ``max_reps`` replications have run.

What "at most the target" means depends on the measure's scale: for a measure whose values all lie
in [0, 1] (rates, shares, proportions) the target is absolute (0.02 = two percentage points); for any
other measure (days, person-hours, yuan, counts) it is relative to the measure's mean absolute value
over all runs (0.02 = 2% of its typical size). A measure with no value in any run is not counted.

Replication ``r`` has the same seed whatever the batch (see :func:`xsim.experiments.study.run_seed`),
so the rows returned are exactly those of a plain study with the final number of replications.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xsim.errors import InputError


def measure_scales(frame: pd.DataFrame, measures: Sequence[str]) -> dict[str, float]:
    """1 for a measure on [0, 1]; otherwise its mean absolute value (NaN: no value at all)."""
    scales = {}
    for m in measures:
        x = frame[m].astype(float).to_numpy()
        x = x[~np.isnan(x)]
        if x.size == 0:
            scales[m] = math.nan
        elif x.min() >= 0 and x.max() <= 1:
            scales[m] = 1.0
        else:
            scales[m] = max(float(np.abs(x).mean()), 1e-12)
    return scales


def precision_gaps(summary, frame: pd.DataFrame, target: float, measures: Sequence[str]):
    """Each interval's half-width over its allowed half-width (``target`` × scale), worst first.

    An interval that cannot be computed yet (too few runs) counts as infinitely wide.
    """
    scales = measure_scales(frame, measures)
    rows = summary.half_widths(list(measures))
    rows = rows[rows.measure.map(lambda m: not math.isnan(scales[m]))].copy()
    allowed = rows.measure.map(scales) * target
    rows["ratio"] = (rows.half_width / allowed).fillna(math.inf)
    return rows.sort_values("ratio", ascending=False, kind="stable")


@dataclass
class PrecisionRun:
    """The rows and summary of the final study, with the history of the batches."""

    study: Any
    rows: pd.DataFrame
    summary: Any
    reached: bool
    target: float
    history: list[dict[str, Any]] = field(default_factory=list)

    def worst(self) -> dict[str, Any]:
        return self.history[-1] if self.history else {}


def _batch_study(study, start: int, stop: int):
    """The study with ``stop`` replications, of which only reps ``start..stop-1`` are to run.

    Its tasks are generated lazily (:meth:`Study.iter_tasks`), never as a list of every run."""
    batch = copy.copy(study)
    batch.reps = stop
    every = type(study).iter_tasks

    def iter_tasks(skip=frozenset()):
        return (t for t in every(batch, skip) if t[1] >= start)

    batch.iter_tasks = iter_tasks  # Study.run runs exactly these (same seeds as a full study)
    return batch


def next_reps(reps: int, ratio: float, max_reps: int) -> int:
    """Replications for the next batch: half-widths shrink as 1/√n, aim 10% past the target."""
    wanted = math.ceil(1.1 * reps * ratio**2) if math.isfinite(ratio) else 2 * reps
    return int(min(max_reps, max(wanted, reps + max(5, reps // 4))))


def run_to_precision(
    study,
    target: float,
    max_reps: int,
    *,
    executor: Any = "in-process",
    measures: Sequence[str] | None = None,
    summary_options: dict[str, Any] | None = None,
    **run_options,
):
    """Run ``study`` (starting with its ``reps``) until every interval is within ``target``.

    ``measures``: those whose intervals count: the focused text set (default), ``"all"``, a list.
    ``summary_options``: passed to :func:`xsim.experiments.summary.summarize` (baseline, n_boot,
    seed, level). ``run_options``: passed to :meth:`Study.run` (progress, workers, chunk_size).
    """
    from xsim.experiments.executors import make_executor
    from xsim.experiments.storage import rows_to_frame
    from xsim.experiments.summary import summarize

    if not (isinstance(target, float | int) and 0 < target < math.inf):
        raise InputError("<options>", "--precision", "a positive number", "精度应为正数")
    from xsim.experiments.limits import MAX_REPS, check_runs

    if (
        isinstance(max_reps, bool)
        or not isinstance(max_reps, int)
        or not study.reps <= max_reps <= MAX_REPS
    ):
        raise InputError(
            "<options>",
            "--max-reps",
            f"a whole number of replications from --reps ({study.reps}) to {MAX_REPS}",
            f"最多重复次数应为 --reps（{study.reps}）到 {MAX_REPS} 之间的整数",
        )
    check_runs(len(study.variants), max_reps)  # before any batch is built
    summary_options = dict(summary_options or {})
    owned = not hasattr(executor, "map_chunks")
    if owned:
        executor = make_executor(executor or "in-process", workers=run_options.pop("workers", None))
    rows: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    done, reps = 0, study.reps
    try:
        while True:
            result = _batch_study(study, done, reps).run(executor, None, **run_options)
            rows.extend(result._rows or [])
            done = reps
            frame = rows_to_frame(rows)
            summary = summarize(frame, **summary_options)
            chosen = summary.text_measures(measures)
            gaps = precision_gaps(summary, frame, float(target), chosen)
            worst = gaps.iloc[0] if len(gaps) else None
            ratio = float(worst.ratio) if worst is not None else 0.0
            history.append(
                {
                    "reps": reps,
                    "worst_ratio": ratio,
                    "worst": None
                    if worst is None
                    else {
                        "kind": worst.kind,
                        "variant": worst.variant,
                        "measure": worst.measure,
                        "half_width": float(worst.half_width),
                    },
                }
            )
            if ratio <= 1.0 or reps >= max_reps:
                break
            reps = next_reps(reps, ratio, max_reps)
    finally:
        if owned:
            executor.close()
    final = copy.copy(study)
    final.reps = done
    return PrecisionRun(final, frame, summary, ratio <= 1.0, float(target), history)


def write_study_folder(run: PrecisionRun, out: str) -> None:
    """Store the rows in ``out`` as a plain run of the final study would (manifest, Parquet parts)."""
    from xsim.experiments.storage import ResultStore

    store = ResultStore.open(
        out, run.study.manifest(), run.study.fingerprint(), resume=False, kind="compare"
    )
    try:
        store.add(run.rows.to_dict("records"))
    finally:
        store.close()
