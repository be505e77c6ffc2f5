"""The model runs behind the model statistics: studies with common random numbers, cached per process.

Statistics read only measures of ``Outcome.to_dict()`` (the rows of a study) so that they
re-evaluate a rewritten model unchanged. Two things can change every run made inside a block:
:func:`behaviour_overrides` (used by ``tools/calibrate.py``) and :func:`xsim.validation.ablation.ablated`
(``xsim validate --ablations``); both are part of the cache key.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from xsim.validation import ablation

#: Behaviour values every model run of the statistics uses instead of the defaults.
_BEHAVIOUR: dict[str, float] = {}


@contextlib.contextmanager
def behaviour_overrides(values: dict[str, float]):
    """Within the block, model statistics run with ``behaviour.<name> = value`` for each entry."""
    saved = dict(_BEHAVIOUR)
    _BEHAVIOUR.clear()
    _BEHAVIOUR.update(values)
    try:
        yield
    finally:
        _BEHAVIOUR.clear()
        _BEHAVIOUR.update(saved)


def reps(fast: bool) -> int:
    return 6 if fast else 30


def model_runs(
    scenario: str, forms: Sequence[str], n_reps: int, seed: int, overrides: dict | None = None
):
    """Rows of a study of ``scenario`` × ``forms`` (one row per run; common random numbers).

    Studies are cached for the process: targets that read the same runs do not run them twice.
    Treat the rows as read-only. The mechanisms switched off by :func:`ablation.ablated` are
    switched off in every run.
    """
    merged = {f"behaviour.{k}": v for k, v in _BEHAVIOUR.items()} | dict(overrides or {})
    key = tuple(sorted((k, _frozen(v)) for k, v in merged.items()))
    return _model_runs(scenario, tuple(forms), int(n_reps), int(seed), key, ablation.active())


def _frozen(value):
    """An override value as part of the cache key: a list (a scenario's ``forms``) becomes a tuple,
    a mapping (a whole sub-object, e.g. ``population.schooling``) a frozenset of its items."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return frozenset(value.items())
    return value


def _thawed(value):
    """The override value again, as the run takes it."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, frozenset):
        return dict(value)
    return value


@functools.lru_cache(maxsize=96)
def _model_runs(
    scenario: str, forms: tuple, n_reps: int, seed: int, overrides: tuple, ablate: tuple
):
    from xsim.experiments.study import Study

    loaded = load(scenario)
    if overrides:
        values = {k: _thawed(v) for k, v in overrides}
        loaded = loaded.with_overrides(values, source="<validation>")
    variants = [{"form": f} for f in forms]
    study = Study(loaded, variants, n_reps, seed, ablate=list(ablate))
    return study.run("in-process", progress=False).rows


def scenarios(setting: str | None = None) -> list:
    """The bundled teaching scenarios (the Zeguo poll is a validation case, not one of them)."""
    from xsim.sim.scenario import list_scenarios

    return [
        s
        for s in list_scenarios()
        if (setting is None or s.setting == setting) and s.name not in VALIDATION_CASES
    ]


#: scenarios that reproduce a published case for validation (not teaching scenarios), kept in
#: ``xsim/data/cases/`` so that they stay out of the teaching library
VALIDATION_CASES = ("zeguo_deliberative_poll",)


def case_path(name: str) -> Path:
    return Path(str(resources.files("xsim") / "data" / "cases" / f"{name}.yaml"))


def load(name: str):
    """A bundled scenario or validation case by name."""
    from xsim.sim.scenario import load_scenario

    return load_scenario(case_path(name) if name in VALIDATION_CASES else name)


def has(frame, measure: str) -> bool:
    return measure in frame.columns and frame[measure].notna().any()
