"""The memory budget: every run and study estimates its peak memory before any work starts.

An accepted input must never end in a ``MemoryError`` after minutes of work (a village at the
documented maximum of 200 000 households needs gigabytes per run, once per worker; a summary of
20 000 replications once asked for 17 GiB). So before anything is built or started:

- **one run** is estimated from the scenario: a *pilot* run of the same scenario and form at
  :data:`PILOT_HOUSEHOLDS` households is measured (``tracemalloc``: every array the model
  allocates) and scaled to the scenario's households — every array of the model grows with the
  population — and the one part that grows faster, the dense influence matrix of a seated body
  (a council, a board, the representatives: ``body²`` values, :data:`BYTES_PER_SEAT_PAIR` each),
  is added from the size of that body (the representatives' seats held to the law's 5–15 rule,
  the delegates each invited group sends, the organizations). A population no larger than the
  pilot is estimated without a pilot, from :data:`BYTES_PER_HOUSEHOLD` (an upper bound).
- **a study** adds, per worker process, the worker's own start-up memory and its largest run;
  and in the process that runs the study, the rows it keeps (in memory without ``--out``, and the
  table read back for the summary), the summary's bootstrap batches
  (:func:`xsim.experiments.stats.boot_bytes`) and, with the in-process executor, the runs.

The budget defaults to half of this machine's memory (the physical memory, or a smaller limit of
the cgroup or of ``RLIMIT_AS``); ``--memory 4G`` (or ``--memory 50%``) sets it. Above the budget the
command refuses with one message naming the estimate, its largest parts and what to change.
``benchmarks/bench_memory.py`` measures peak RSS against the estimate across population sizes.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from xsim.errors import InputError

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None  # type: ignore[assignment]

PILOT_HOUSEHOLDS = 4_000
"""Households of the pilot run that measures a scenario's memory per household."""

BYTES_PER_HOUSEHOLD = 8 * 1024
"""Upper bound of the model's memory per household (the most any bundled scenario and form takes
is ~6 KiB, a villagers' meeting): used for populations no larger than the pilot."""

BYTES_PER_SEAT_PAIR = 27
"""Memory per pair of members of a seated body (influence weights, their mask, the equilibrium's
matrix and its factorisation: measured, ``benchmarks/bench_memory.py``)."""

PROCESS_BYTES = 170 * 1024 * 1024
"""A worker process with the model imported (Python, NumPy, Mesa, pydantic, the kit)."""

MAIN_PROCESS_BYTES = 235 * 1024 * 1024
"""The process that runs a study, with pandas, pyarrow, SciPy and matplotlib imported too."""

DASK_PROCESS_BYTES = 260 * 1024 * 1024
"""A Dask worker process with the model imported."""

BYTES_PER_STORED_ROW = 8 * 1024
"""A finished run's row kept in memory as a Python dict (a study without ``--out``)."""

BYTES_PER_TABLE_CELL = 24
"""A cell of the results table (Arrow and pandas copies while reading back)."""

DEFAULT_SHARE = 0.5
"""The default budget: this share of the machine's memory."""

MIN_BUDGET = 256 * 1024 * 1024
"""A budget below this cannot hold even Python with the model: refused as an option."""


# -- the machine and the option -------------------------------------------------------------------
def machine_memory() -> int:
    """Memory available to this process: physical memory, or a smaller cgroup or RLIMIT_AS limit."""
    sizes = []
    with contextlib.suppress(ValueError, OSError, AttributeError):
        sizes.append(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path, encoding="ascii") as fh:
                text = fh.read(64).strip()
        except OSError:
            continue
        if text.isdigit() and 0 < int(text) < 1 << 60:
            sizes.append(int(text))
    if resource is not None:
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft not in (resource.RLIM_INFINITY, -1) and soft > 0:
            sizes.append(soft)
    return min(sizes) if sizes else 8 * 1024**3


def default_budget() -> int:
    """Half of :func:`machine_memory`."""
    return int(machine_memory() * DEFAULT_SHARE)


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*", re.I)


def parse_memory(text: str | int | None, flag: str = "--memory") -> int:
    """``"4G"``, ``"512M"``, ``"2GiB"``, ``"1.5g"``, ``"50%"`` (of the machine) or bytes → bytes.

    ``None`` is the default budget. Anything else raises :class:`InputError` naming the flag.
    """
    if text is None:
        return default_budget()
    raw = str(text).strip()
    value: float | None = None
    if raw.endswith("%"):
        number = raw[:-1].strip()
        if re.fullmatch(r"\d+(\.\d+)?", number) and 0 < float(number) <= 100:
            value = machine_memory() * float(number) / 100
    else:
        match = _SIZE.fullmatch(raw)
        if match:
            unit = match.group(2).lower()
            value = float(match.group(1)) * 1024 ** " kmgt".index(unit or " ")
    if value is None or not math.isfinite(value) or value > 1 << 60:
        raise InputError(
            "<options>",
            flag,
            f"a memory size such as 4G, 512M or 50% (of this machine); got {raw[:40]!r}",
            f"应为内存大小，例如 4G、512M 或 50%（本机内存的比例）；实际为 {raw[:40]!r}",
        )
    if value < MIN_BUDGET:
        raise InputError(
            "<options>",
            flag,
            f"at least {format_bytes(MIN_BUDGET)} (Python with the model alone needs that); "
            f"got {raw[:40]}",
            f"至少 {format_bytes(MIN_BUDGET)}（仅 Python 与模型本身就需要这么多）；实际为 {raw[:40]}",
        )
    return int(value)


def format_bytes(n: float) -> str:
    """``1536 MiB`` → ``1.5 GiB`` (binary units, as ``--memory`` reads them)."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(n) < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit in ("B", "KiB") or n >= 100 else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover


def current_rss() -> int:
    """This process's resident memory now (Linux ``/proc``; elsewhere its peak so far)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        if resource is None:  # pragma: no cover
            return PROCESS_BYTES
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


# -- one run ---------------------------------------------------------------------------------------
def _households(scenario: Any) -> int | None:
    population = getattr(scenario, "population", None)
    households = getattr(population, "households", None)
    return households if isinstance(households, int) else None


def _seated_body(scenario: Any, form: Any, households: int) -> float:
    """Expected members of a seated body: representatives present (the law's 5–15 rule applied to
    the scenario's count), each invited group's delegates, the organizations seated."""
    from xsim.sim.representation import seat_count

    seats = seat_count(scenario, households) * scenario.behaviour.rep_attend
    delegates = getattr(form, "seats_per_group", 0) * len(scenario.stakeholder_groups)
    return seats + delegates + len(getattr(scenario, "organizations", ()))


def _form(name: str | None, scenario: Any) -> Any:
    from xsim.forms import FORMS

    if name is None:
        name = getattr(scenario.organizer, "form", None) or scenario.forms[0]
    return FORMS.get(name)


_PILOTS: dict[tuple[str, str | None], tuple[float, int]] = {}


def _pilot(scenario: Any, form: str | None) -> tuple[float, int]:
    """(bytes per household, measure columns) of one run at :data:`PILOT_HOUSEHOLDS` households,
    measured with ``tracemalloc`` (cached per scenario content and form)."""
    import hashlib
    import tracemalloc

    from xsim.sim.model import run_once

    text = scenario.model_dump_json() if hasattr(scenario, "model_dump_json") else repr(scenario)
    key = (hashlib.sha256(text.encode("utf-8")).hexdigest(), form)
    if key not in _PILOTS:
        small = scenario.with_overrides({"population.households": PILOT_HOUSEHOLDS})
        was_tracing = tracemalloc.is_tracing()
        if not was_tracing:
            tracemalloc.start()
        tracemalloc.reset_peak()
        try:
            row = run_once(small, form=form, seed=0).to_dict()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            if not was_tracing:
                tracemalloc.stop()
        _PILOTS[key] = (peak / PILOT_HOUSEHOLDS, len(row))
    return _PILOTS[key]


def run_bytes(scenario: Any, form: str | None = None, *, pilot: bool = True) -> int:
    """Peak memory one run of ``scenario`` under ``form`` adds to a process (bytes).

    ``pilot=False`` never runs the model (the per-household upper bound is used).
    """
    households = _households(scenario)
    if households is None:  # not a scenario of this kit (a custom runner's): nothing to scale
        return 0
    per_household = float(BYTES_PER_HOUSEHOLD)
    if pilot and households > PILOT_HOUSEHOLDS and hasattr(scenario, "with_overrides"):
        per_household = _pilot(scenario, form)[0]
    total = per_household * households
    shape = _form(form, scenario)
    if shape is not None and getattr(shape, "structure", None) == "seated":
        total += BYTES_PER_SEAT_PAIR * _seated_body(scenario, shape, households) ** 2
    return int(total)


def measure_count(scenario: Any, form: str | None = None) -> int:
    """Columns of a run's row (from the pilot when one was run; else a generous 120)."""
    for (_, pilot_form), (_, columns) in _PILOTS.items():
        if pilot_form == form:
            return columns
    return 120


# -- a whole command -------------------------------------------------------------------------------
@dataclass
class Estimate:
    """Peak memory of a command, in parts (bytes), and what it is compared with."""

    parts: dict[str, int] = field(default_factory=dict)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, key: str, value: float, en: str, zh: str) -> None:
        self.parts[key] = self.parts.get(key, 0) + int(value)
        self.labels[key] = (en, zh)

    @property
    def total(self) -> int:
        return sum(self.parts.values())

    def largest(self, lang: str = "en", n: int = 3) -> str:
        ranked = sorted(self.parts.items(), key=lambda kv: -kv[1])[:n]
        i = 0 if lang == "en" else 1
        sep = ", " if lang == "en" else "，"
        return sep.join(f"{self.labels[k][i]} {format_bytes(v)}" for k, v in ranked if v > 0)


def estimate_run(scenario: Any, form: str | None = None) -> Estimate:
    """``xsim run``: this process (with the model imported), plus one run."""
    estimate = Estimate()
    estimate.add("process", max(current_rss(), PROCESS_BYTES), "this process", "本进程")
    estimate.add("run", run_bytes(scenario, form), "the run", "一次模拟")
    return estimate


def _variant_scenarios(scenario: Any, variants: Iterable[Any]) -> Iterable[tuple[Any, str | None]]:
    """(scenario as the variant runs it, form) for the variants that change the population size;
    else the scenario once per form."""
    seen: set[tuple[int | None, str | None]] = set()
    for variant in variants:
        overrides = dict(getattr(variant, "overrides", None) or {})
        form = getattr(variant, "form", None)
        sized = {k: v for k, v in overrides.items() if k.startswith("population.")}
        spec = scenario
        if sized and hasattr(scenario, "with_overrides"):
            try:
                spec = scenario.with_overrides(sized)
            except InputError:
                continue  # the study's own validation names it
        key = (_households(spec), form)
        if key not in seen:
            seen.add(key)
            yield spec, form


def estimate_study(
    scenario: Any,
    variants: Iterable[Any],
    reps: int,
    *,
    workers: int = 1,
    executor: str = "processes",
    n_boot: int = 2000,
    in_memory: bool = False,
    model_runner: bool = True,
) -> Estimate:
    """A study: the workers' processes and largest run, and in this process the rows kept, the
    table read back and the summary's bootstrap (see the module docstring)."""
    from xsim.experiments.stats import boot_bytes

    variants = list(variants)
    largest, columns = 0, 120
    if model_runner:
        for spec, form in _variant_scenarios(scenario, variants):
            largest = max(largest, run_bytes(spec, form))
            columns = max(columns, measure_count(spec, form))
    n_runs = len(variants) * reps
    estimate = Estimate()
    estimate.add("process", max(current_rss(), MAIN_PROCESS_BYTES), "this process", "本进程")
    # one run here in any case: the probe that states the study's size and checks its measures
    # (with the in-process executor, every run is here, one at a time)
    estimate.add("runs", largest, "the largest run", "最大的一次模拟")
    if executor not in ("in-process", "remote"):
        base = DASK_PROCESS_BYTES if executor == "dask" else PROCESS_BYTES
        estimate.add(
            "workers",
            workers * (base + largest),
            f"{workers} worker(s) × (start-up + largest run)",
            f"{workers} 个工作进程 ×（启动 + 最大的一次模拟）",
        )
    if in_memory:
        estimate.add(
            "rows",
            n_runs * (BYTES_PER_STORED_ROW + 64 * columns),
            f"{n_runs} rows kept in memory (no --out)",
            f"内存中保存的 {n_runs} 行结果（未用 --out）",
        )
    estimate.add(
        "table",
        n_runs * columns * BYTES_PER_TABLE_CELL,
        f"the results table ({n_runs} rows × {columns} columns)",
        f"结果表（{n_runs} 行 × {columns} 列）",
    )
    estimate.add(
        "summary",
        boot_bytes(reps, columns, n_boot) + 3 * reps * columns * 8,
        f"the summary's bootstrap ({reps} replications, {n_boot} resamples)",
        f"汇总的自助法（{reps} 次重复，{n_boot} 次重抽样）",
    )
    return estimate


def check_budget(estimate: Estimate, budget: int | None = None, *, what: str = "") -> Estimate:
    """Refuse (one :class:`InputError` on ``--memory``) when ``estimate`` exceeds ``budget``
    (default: :func:`default_budget`); else return the estimate."""
    budget = default_budget() if budget is None else budget
    if estimate.total <= budget:
        return estimate
    raise InputError(
        "<options>",
        "--memory",
        f"{what or 'this command'} within the memory budget of {format_bytes(budget)}; it would "
        f"need about {format_bytes(estimate.total)} ({estimate.largest('en')}). Use fewer "
        "households, replications, variants or workers, --out (rows on disk), or a larger "
        "--memory if this machine has it",
        f"{what and what + ' '}所需内存约 {format_bytes(estimate.total)}"
        f"（{estimate.largest('zh')}），超出内存预算 {format_bytes(budget)}。请减少户数、重复次数、"
        "方案数或工作进程数，或用 --out 把结果写入磁盘；本机内存足够时也可用 --memory 调高预算",
    )


def study_budget_check(
    study: Any,
    *,
    workers: int,
    executor: str,
    n_boot: int = 2000,
    in_memory: bool = False,
    budget: int | None = None,
) -> Estimate:
    """:func:`estimate_study` of a :class:`~xsim.experiments.study.Study` and :func:`check_budget`."""
    runner = getattr(study, "runner", None)
    model_runner = getattr(runner, "__module__", "").startswith("xsim.")
    estimate = estimate_study(
        study.scenario,
        study.variants,
        study.reps,
        workers=workers,
        executor=executor,
        n_boot=n_boot,
        in_memory=in_memory,
        model_runner=model_runner,
    )
    return check_budget(estimate, budget, what="")


def executor_kind(executor: Any = None, scheduler: str | None = None) -> str:
    """``"in-process"``, ``"processes"``, ``"dask"`` (a local cluster) or ``"remote"`` (a scheduler
    elsewhere: its workers' memory is not this machine's) for an executor object or CLI names."""
    name = scheduler or getattr(executor, "address", None) or getattr(executor, "name", executor)
    if name in (None, "in-process", "inprocess", "serial"):
        return "in-process"
    if name in ("processes", "process", "local-processes"):
        return "processes"
    if name in ("local", "dask"):
        return "dask"
    return "remote"
