"""A study: one scenario × variants × replications, with seeds that never depend on how it is run.

Each run is identified by ``(variant_index, rep)``. Its seed is the first 63 bits of the state of
``numpy.random.SeedSequence(seed, spawn_key=(rep,))`` — exactly the child
``SeedSequence(seed).spawn(R)[rep]`` — so it depends neither on the executor, the number of workers,
the order in which runs finish, nor on how many variants or replications the study has (adding
replications later keeps the earlier ones). Replication ``rep`` has the same seed in every variant:
the variants are compared under common random numbers (same population, network and chance events
as far as the model's draws line up), and the summary pairs their differences by replication.

A runner is any callable ``runner(scenario, form=None, rules=None, seed=0, overrides=None)`` that
returns an object with ``to_dict()`` (``xsim.sim.outcome.Outcome``) or a flat ``dict`` of measures; the
default is :func:`xsim.sim.model.run_once`. It must be importable at module top level or picklable by
cloudpickle (functions defined in a notebook are shipped by value).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xsim.errors import InputError
from xsim.experiments.limits import MAX_CHUNK, MAX_REPS, check_runs, check_whole

Runner = Callable[..., Any]

# Columns every row carries besides the variant's parameters and the outcome measures.
RUN_COLUMNS = ("variant", "variant_index", "rep", "seed")


class RunFailed(RuntimeError):
    """A run raised an exception (a bug or a model error, not bad user input)."""


# --------------------------------------------------------------------------------------------------
# seeds


def run_seed(root: int, variant_index: int, rep: int) -> int:
    """The seed of run ``(variant_index, rep)`` of a study with root seed ``root`` (a 63-bit int).

    The same for every variant (common random numbers): it depends on ``rep`` only.
    """
    del variant_index  # kept in the signature: a run is still named by (variant_index, rep)
    sequence = np.random.SeedSequence(root, spawn_key=(rep,))
    return int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))


# --------------------------------------------------------------------------------------------------
# variants


@dataclass(frozen=True)
class Variant:
    """One arm of a study: a form, rulebook settings and scenario overrides (dotted paths)."""

    name: str
    form: str | None = None
    rules: Mapping[str, Any] | None = None
    overrides: Mapping[str, Any] | None = None

    def columns(self) -> dict[str, Any]:
        """The parameter columns of this variant's rows."""
        cols: dict[str, Any] = {"form": self.form}
        for key, value in (self.rules or {}).items():
            cols[f"rules.{key}"] = value
        cols.update(self.overrides or {})
        return cols

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "form": self.form,
            "rules": dict(self.rules or {}),
            "overrides": dict(self.overrides or {}),
        }


def _default_name(form: str | None, rules: Mapping, overrides: Mapping) -> str:
    parts = [form] if form else []
    parts += [f"rules.{k}={v}" for k, v in rules.items()]
    parts += [f"{k}={v}" for k, v in overrides.items()]
    return " ".join(parts) or "baseline"


def make_variant(spec: Variant | Mapping[str, Any] | str, index: int = 0) -> Variant:
    """A :class:`Variant` from a dict such as ``{"form": "hearing", "organizer.notice_days": 3}``.

    Keys: ``name``, ``form``, ``rules`` (dict of rulebook settings), ``overrides`` (dict of dotted
    scenario paths); any other key is a dotted scenario path (``rules.X`` keys go to ``rules``).
    A plain string is a form name.
    """
    if isinstance(spec, Variant):
        return spec
    if isinstance(spec, str):
        spec = {"form": spec}
    if not isinstance(spec, Mapping):
        raise InputError(
            "<variants>",
            f"[{index}]",
            f"a dict of overrides (form, rules, dotted scenario paths), got {type(spec).__name__}",
            f"应为参数字典（form、rules 或情景参数路径），实际为 {type(spec).__name__}",
        )
    spec = dict(spec)
    name = spec.pop("name", None)
    form = spec.pop("form", None)
    rules = dict(spec.pop("rules", None) or {})
    overrides = dict(spec.pop("overrides", None) or {})
    for key, value in spec.items():
        if not isinstance(key, str) or not key:
            raise InputError(
                "<variants>",
                f"[{index}]",
                "parameter names must be non-empty strings",
                "参数名须为非空字符串",
            )
        if key.startswith("rules."):
            rules[key.removeprefix("rules.")] = value
        else:
            overrides[key] = value
    if form is not None and not isinstance(form, str):
        raise InputError(
            "<variants>", f"[{index}].form", "a form name (string)", "应为协商形式名称（字符串）"
        )
    name = str(name) if name is not None else _default_name(form, rules, overrides)
    return Variant(name=name, form=form, rules=rules or None, overrides=overrides or None)


def make_variants(specs: Iterable[Variant | Mapping[str, Any] | str]) -> list[Variant]:
    variants = [make_variant(spec, i) for i, spec in enumerate(specs)]
    if not variants:
        raise InputError("<variants>", "", "at least one variant", "至少需要一个比较方案")
    seen: set[str] = set()
    for i, variant in enumerate(variants):
        if variant.name in seen:
            raise InputError(
                "<variants>",
                f"[{i}].name",
                f"unique variant names ('{variant.name}' twice)",
                f"方案名称不能重复（「{variant.name}」出现两次）",
            )
        seen.add(variant.name)
    return variants


# --------------------------------------------------------------------------------------------------
# the work sent to workers


@dataclass
class Job:
    """What every worker needs once: the runner, the scenario, the variants and their columns."""

    runner: Runner
    scenario: Any
    variants: list[Variant]
    columns: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.columns:
            keys: dict[str, None] = {}
            for variant in self.variants:
                keys.update(dict.fromkeys(variant.columns()))
            self.columns = [
                {key: variant.columns().get(key) for key in keys} for variant in self.variants
            ]

    def run(self, variant_index: int, rep: int, seed: int) -> dict[str, Any]:
        """One run → one row: variant columns, rep, seed, then every outcome measure."""
        variant = self.variants[variant_index]
        rules, overrides = variant.rules, variant.overrides
        if rules and hasattr(self.scenario, "rules") and hasattr(self.scenario, "with_overrides"):
            # The model merges the scenario's own ``rules:`` block over its ``rules`` argument, so
            # a variant's local rules go into that block, where they take precedence.
            overrides = {**(overrides or {}), **{f"rules.{k}": v for k, v in rules.items()}}
            rules = None
        try:
            outcome = self.runner(
                self.scenario, form=variant.form, rules=rules, seed=seed, overrides=overrides
            )
        except InputError:
            raise
        except Exception as exc:  # reported with the run's identity; the study keeps what finished
            raise RunFailed(
                f"run failed: variant '{variant.name}', rep {rep}, seed {seed}: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        measures = outcome.to_dict() if hasattr(outcome, "to_dict") else dict(outcome)
        row: dict[str, Any] = {"variant": variant.name, "variant_index": variant_index}
        row.update(self.columns[variant_index])
        row["rep"] = rep
        row["seed"] = seed
        for key, value in measures.items():
            # A parameter column left open by the variant takes the model's value (e.g. its form).
            if key not in row or (row[key] is None and key not in RUN_COLUMNS):
                row[key] = value
            elif row[key] != value:
                row[f"outcome.{key}"] = value
        return row


Task = tuple[int, int, int]  # (variant_index, rep, seed)


def execute_chunk(job: Job, chunk: Sequence[Task]) -> list[dict[str, Any]]:
    """Run a chunk of tasks (top-level so that every executor can ship it)."""
    return [job.run(v, r, s) for v, r, s in chunk]


# --------------------------------------------------------------------------------------------------
# the study


def _resolve_scenario(scenario: Any) -> Any:
    if isinstance(scenario, str):
        from xsim.sim.scenario import load_scenario

        return load_scenario(scenario)
    return scenario


def _default_runner() -> Runner:
    from xsim.sim.model import run_once

    return run_once


def scenario_hash(scenario: Any) -> str:
    """A content hash of a scenario (pydantic model, dict, or anything with a stable repr)."""
    if hasattr(scenario, "model_dump"):
        payload = json.dumps(
            scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, default=str
        )
    elif isinstance(scenario, Mapping):
        payload = json.dumps(scenario, sort_keys=True, ensure_ascii=False, default=str)
    else:
        payload = repr(scenario)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def runner_name(runner: Runner) -> str:
    return f"{getattr(runner, '__module__', '?')}.{getattr(runner, '__qualname__', repr(runner))}"


def scenario_forms(scenario: Any) -> list[str] | None:
    forms = getattr(scenario, "forms", None)
    if forms:
        return [getattr(f, "name", f) for f in forms]
    try:
        from xsim.forms import FORMS
    except ImportError:
        return None
    return sorted(FORMS)


def validate_variants(scenario: Any, variants: Sequence[Variant]) -> None:
    """Unknown forms, scenario paths or rulebook settings → :class:`InputError` naming valid choices."""
    forms = scenario_forms(scenario)
    for i, variant in enumerate(variants):
        if variant.form is not None and forms is not None and variant.form not in forms:
            raise InputError(
                "<variants>",
                f"[{i}].form",
                f"one of the scenario's forms: {', '.join(forms)} (got '{variant.form}')",
                f"应为本情景的协商形式之一：{'、'.join(forms)}（实际为「{variant.form}」）",
            )
        if variant.overrides and hasattr(scenario, "with_overrides"):
            scenario.with_overrides(dict(variant.overrides))
        if variant.rules:
            _validate_rules(variant.rules)


def _validate_rules(rules: Mapping[str, Any]) -> None:
    try:
        from pydantic import ValidationError

        from xsim.rules.rulebook import RulebookOverrides
    except ImportError:
        return
    known = sorted(RulebookOverrides.model_fields)
    for key in rules:
        if key not in known:
            raise InputError(
                "<variants>",
                f"rules.{key}",
                f"a rulebook setting: {', '.join(known)} (got '{key}')",
                f"应为本地规则设置之一：{'、'.join(known)}（实际为「{key}」）",
            )
    try:
        RulebookOverrides.model_validate(dict(rules))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ()))
        raise InputError(
            "<variants>",
            f"rules.{field}",
            first.get("msg", "a valid setting"),
            f"本地规则设置取值无效：{first.get('msg', '')}",
        ) from None


@dataclass
class StudyResult:
    """What :meth:`Study.run` returns: how many runs it did, and the rows (lazily, as a DataFrame)."""

    study: Study
    out: str | None
    n_run: int
    n_skipped: int
    _rows: list[dict[str, Any]] | None = None
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (part, problem) redone

    @property
    def rows(self):
        """All rows of the study as a pandas DataFrame, sorted by (variant_index, rep)."""
        from xsim.experiments.storage import load_results, rows_to_frame

        if self.out is not None:
            return load_results(self.out)
        return rows_to_frame(self._rows or [])

    def summary(self, **kwargs):
        from xsim.experiments.summary import summarize

        return summarize(self.rows, **kwargs)


class Study:
    """A scenario × variants × replications.

    >>> study = Study("elevator_retrofit", [{"form": "hearing"}, {"form": "owners_consultation"}],
    ...               reps=50, seed=1)                                          # doctest: +SKIP
    >>> result = study.run(executor="processes", out="out/study")              # doctest: +SKIP
    >>> result.summary().to_text()                                             # doctest: +SKIP
    """

    def __init__(
        self,
        scenario: Any,
        variants: Iterable[Variant | Mapping[str, Any] | str],
        reps: int,
        seed: int = 0,
        *,
        runner: Runner | None = None,
        validate: bool = True,
    ) -> None:
        reps = check_whole(reps, "reps", 1, MAX_REPS, "<study>")
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise InputError(
                "<study>", "seed", "a non-negative whole number", "随机种子应为非负整数"
            )
        self.variants = make_variants(variants)
        check_runs(len(self.variants), reps, "<study>")  # before loading or validating anything
        self.scenario = _resolve_scenario(scenario)
        self.reps = int(reps)
        self.seed = int(seed)
        self.runner = runner if runner is not None else _default_runner()
        if validate:
            validate_variants(self.scenario, self.variants)

    @classmethod
    def compare_forms(
        cls,
        scenario: Any,
        forms: Sequence[str] | None = None,
        *,
        reps: int,
        seed: int = 0,
        **kwargs,
    ) -> Study:
        """Every form of the scenario (or the given ones), other settings as the scenario has them."""
        scenario = _resolve_scenario(scenario)
        forms = list(forms) if forms else scenario_forms(scenario)
        if not forms:
            raise InputError("<study>", "forms", "at least one form", "至少需要一种协商形式")
        return cls(scenario, [{"form": f} for f in forms], reps, seed, **kwargs)

    # -- identity ---------------------------------------------------------------------------------

    def manifest(self) -> dict[str, Any]:
        """What makes two studies the same study (stored with the results, checked on resume)."""
        from xsim import __version__

        return {
            "scenario": getattr(self.scenario, "name", None),
            "scenario_hash": scenario_hash(self.scenario),
            "variants": [v.to_dict() for v in self.variants],
            "reps": self.reps,
            "seed": self.seed,
            "runner": runner_name(self.runner),
            "kit_version": __version__,
        }

    def fingerprint(self) -> str:
        text = json.dumps(self.manifest(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def n_runs(self) -> int:
        return len(self.variants) * self.reps

    def tasks(self) -> list[Task]:
        """Every run of the study as ``(variant_index, rep, seed)``."""
        return list(self.iter_tasks())

    def iter_tasks(self, skip: set[tuple[int, int]] | frozenset = frozenset()) -> Iterator[Task]:
        """The runs not in ``skip``, lazily (a large study never holds its task list)."""
        for v in range(len(self.variants)):
            for r in range(self.reps):
                if (v, r) not in skip:
                    yield (v, r, run_seed(self.seed, v, r))

    def job(self) -> Job:
        return Job(self.runner, self.scenario, self.variants)

    def probe(self) -> dict[str, Any]:
        """The row of run (0, 0), computed here: shows which measures the runner produces.

        Computed once; its duration (``probe_seconds``) gives :meth:`size_text` its estimate.
        """
        if getattr(self, "_probe_row", None) is None:
            start = time.perf_counter()
            self._probe_row = self.job().run(0, 0, run_seed(self.seed, 0, 0))
            self.probe_seconds = time.perf_counter() - start
        return self._probe_row

    def size_text(self, workers: int = 1, lang: str = "zh", *, todo: int | None = None) -> str:
        """The study's size, stated before it starts: runs, workers and (after :meth:`probe`) an
        estimate of the wall time from the duration of one run."""
        n = self.n_runs if todo is None else todo
        seconds = getattr(self, "probe_seconds", None)
        estimate = None
        if seconds is not None:
            total = seconds * n / max(workers, 1)
            estimate = _duration(total, lang)
        if lang == "en":
            text = (
                f"study size: {len(self.variants)} variants × {self.reps} replications = "
                f"{self.n_runs} runs"
            )
            if todo is not None and todo != self.n_runs:
                text += f" ({todo} still to run)"
            text += f", {workers} worker(s)"
            return text + (f", estimated ~{estimate}" if estimate else "")
        text = f"研究规模：{len(self.variants)} 个方案 × {self.reps} 次重复 = {self.n_runs} 次模拟"
        if todo is not None and todo != self.n_runs:
            text += f"（尚需运行 {todo} 次）"
        text += f"，{workers} 个工作进程"
        return text + (f"，预计约 {estimate}" if estimate else "")

    def check_measures(self, measures: Iterable[str]) -> None:
        """Unknown outcome measures → InputError naming the valid ones (before anything runs)."""
        row = self.probe()
        start = list(row).index("seed") + 1
        available = [k for k in list(row)[start:] if isinstance(row[k], int | float | bool)]
        unknown = [m for m in measures if m not in available]
        if unknown:
            raise InputError(
                "<options>",
                "--measures/--outcome",
                f"outcome measures among: {', '.join(available)} (unknown: {', '.join(unknown)})",
                f"应为以下结果指标之一：{'、'.join(available)}（未知：{'、'.join(unknown)}）",
            )

    # -- running ----------------------------------------------------------------------------------

    def run(
        self,
        executor: Any = None,
        out: str | None = None,
        *,
        resume: bool = False,
        progress: bool | None = None,
        workers: int | None = None,
        chunk_size: int | None = None,
        force: bool = False,
        kind: str = "study",
        memory: int | str | None = None,
    ) -> StudyResult:
        """Run every (variant, rep) not yet stored in ``out`` and return the result.

        ``executor``: an executor object, or ``"in-process"`` (default), ``"processes"``,
        ``"local"`` (a Dask LocalCluster) or ``"tcp://HOST:PORT"`` (an existing Dask scheduler).
        An executor created here is closed here; one passed in stays open for reuse.
        ``out``: a directory for Parquet part files (streamed as runs finish); ``None`` keeps rows in
        memory. ``resume``: continue a study in ``out`` (refused if ``out`` holds another study;
        damaged parts are quarantined and their runs redone). ``force``: use a non-empty folder that
        is not a study (nothing in it is deleted or overwritten); ``kind``: the kind of study
        (``compare``, ``sweep``) recorded in the manifest. See :mod:`xsim.experiments.storage`.
        ``progress``: a tqdm bar with ETA (``None``: when on a terminal or in a notebook; the bar
        appears only after two seconds). ``memory``: the budget (bytes, or ``"4G"``; default half
        of this machine's memory): a study whose estimated peak exceeds it is refused before
        anything runs (:mod:`xsim.experiments.budget`).
        """
        from xsim.experiments.executors import make_executor
        from xsim.experiments.storage import MemoryStore, ResultStore

        if chunk_size is not None:
            chunk_size = check_whole(chunk_size, "chunk_size", 1, MAX_CHUNK, "<study>")
        from xsim.experiments.budget import parse_memory, study_budget_check

        budget = memory if isinstance(memory, int) else parse_memory(memory, "memory")
        owned = not hasattr(executor, "map_chunks")
        if owned:
            from xsim.experiments.budget import executor_kind
            from xsim.experiments.executors import default_workers

            # checked before an executor of our own starts (a Dask cluster takes seconds)
            kind_of = executor_kind(executor or "in-process")
            n = 1 if kind_of == "in-process" else workers or default_workers()
            study_budget_check(
                self, workers=n, executor=kind_of, in_memory=out is None, budget=budget
            )
            executor = make_executor(executor or "in-process", workers=workers)
        else:
            from xsim.experiments.budget import executor_kind

            study_budget_check(
                self,
                workers=executor.workers,
                executor=executor_kind(executor),
                in_memory=out is None,
                budget=budget,
            )
        try:
            store = (
                ResultStore.open(
                    out,
                    self.manifest(),
                    self.fingerprint(),
                    resume=resume,
                    force=force,
                    kind=kind,
                )
                if out is not None
                else MemoryStore()
            )
            done = store.done()
            n_todo = self.n_runs - len(done)
            n_run = 0
            size = chunk_size or _auto_chunk(n_todo, executor.workers)
            chunks = itertools.batched(self.iter_tasks(done), size)
            bar = _progress_bar(n_todo, progress, self)
            try:
                for rows in executor.map_chunks(execute_chunk, self.job(), chunks):
                    store.add(rows)
                    n_run += len(rows)
                    bar.update(len(rows))
            finally:
                bar.close()
                store.close()
        finally:
            if owned:
                executor.close()
        return StudyResult(
            self, out, n_run, len(done), getattr(store, "rows", None), list(store.quarantined)
        )


def _duration(seconds: float, lang: str) -> str:
    if seconds < 60:
        return f"{max(seconds, 1):.0f} s" if lang == "en" else f"{max(seconds, 1):.0f} 秒"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min" if lang == "en" else f"{seconds / 60:.0f} 分钟"
    return f"{seconds / 3600:.1f} h" if lang == "en" else f"{seconds / 3600:.1f} 小时"


def _auto_chunk(n_tasks: int, workers: int) -> int:
    # Enough chunks that every worker gets ~16 of them (load balance, frequent progress), but few
    # enough that per-task overhead (pickling, scheduler round trips) stays small.
    return max(1, min(25, n_tasks // (max(workers, 1) * 16)))


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    ipython = shell.get_ipython() if hasattr(shell, "get_ipython") else None
    return ipython is not None and "IPKernelApp" in getattr(ipython, "config", {})


def _progress_bar(total: int, progress: bool | None, study: Study):
    from tqdm.auto import tqdm

    if progress is None:
        progress = sys.stderr.isatty() or _in_notebook()
    from xsim.io.terminal import one_line, raw_stream

    label = one_line(getattr(study.scenario, "name", None) or "study")
    # delay: studies shorter than a couple of seconds show no bar at all. The bar's own "\r" goes
    # to the raw stream under the CLI's sanitiser; its label is sanitised here.
    return tqdm(
        total=total,
        disable=not progress,
        delay=2.0,
        unit="run",
        desc=label,
        dynamic_ncols=True,
        file=raw_stream(sys.stderr),
    )


def compare(
    scenario: Any,
    forms: Sequence[str] | None = None,
    *,
    reps: int = 50,
    seed: int = 0,
    executor: Any = "in-process",
    out: str | None = None,
    **run_kwargs,
) -> StudyResult:
    """Notebook one-liner: compare the scenario's forms (or ``forms``) over ``reps`` replications.

    >>> result = compare("elevator_retrofit", reps=30, seed=1)               # doctest: +SKIP
    >>> print(result.summary().to_text())                                    # doctest: +SKIP
    """
    study = Study.compare_forms(scenario, forms, reps=reps, seed=seed)
    return study.run(executor, out, **run_kwargs)
