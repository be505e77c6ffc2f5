"""The documented bounds of studies and their command-line numbers (standard library only).

A study larger than these is refused before anything is built: ``--reps 100000000`` fails at once
with a message naming the flag and its range instead of building tasks for a minute. The bounds are
generous for the kit's purpose (a comparison of a few forms needs hundreds of replications, not
millions) and keep one study within hours on a workstation.
"""

from __future__ import annotations

from xsim.errors import InputError

MAX_REPS = 100_000  # replications per variant (--reps)
MAX_RUNS = 1_000_000  # runs in one study: variants × replications
MAX_VARIANTS = 10_000  # variants of one study (forms × --vary values; sweep points)
MAX_WORKERS = 256  # local worker processes (--workers)
MIN_BOOT, MAX_BOOT = 100, 100_000  # bootstrap resamples (--boot)
MAX_CHUNK = 10_000  # runs sent to a worker at once (chunk_size)
MAX_SAMPLES = 100_000  # sweep sample size (--n)
MAX_STEPS = 1_000  # grid values per range (--steps)
SCHEDULER_TIMEOUT = 5.0  # seconds to connect to a Dask scheduler (--scheduler tcp://…)


def check_whole(value, flag: str, low: int, high: int, source: str = "<options>") -> int:
    """``value`` as an int within ``[low, high]``, or an :class:`InputError` naming flag and range."""
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    if not ok:
        try:
            import numpy as np

            ok = isinstance(value, np.integer) and low <= int(value) <= high
        except ImportError:  # pragma: no cover
            ok = False
    if not ok:
        raise InputError(
            source,
            flag,
            f"a whole number from {low} to {high} (got {value!r})",
            f"{flag} 应为 {low} 到 {high} 之间的整数（实际为 {value!r}）",
        )
    return int(value)


def check_runs(n_variants: int, reps: int, source: str = "<options>") -> int:
    """Variants × replications within :data:`MAX_RUNS` (checked before any task is built)."""
    total = n_variants * reps
    if total > MAX_RUNS:
        raise InputError(
            source,
            "--reps",
            f"a study of at most {MAX_RUNS:,} runs; {n_variants} variants × {reps} replications "
            f"= {total:,} runs (fewer replications, variants or sample points)",
            f"一项研究最多 {MAX_RUNS:,} 次模拟；{n_variants} 个方案 × {reps} 次重复 = {total:,} 次"
            "（请减少重复次数、方案或抽样点）",
        )
    return total


def check_variants(n_variants: int, reps: int = 1, source: str = "<options>") -> int:
    """At most :data:`MAX_VARIANTS` variants and :data:`MAX_RUNS` runs, counted before any
    variant is built (``--vary a=…,… --vary b=…`` multiplies)."""
    if n_variants > MAX_VARIANTS:
        raise InputError(
            source,
            "--vary",
            f"a study of at most {MAX_VARIANTS:,} variants; the forms × --vary values make "
            f"{n_variants:,} (fewer values or fewer --vary options)",
            f"一项研究最多 {MAX_VARIANTS:,} 个方案；协商形式 × --vary 取值共 {n_variants:,} 个"
            "（请减少取值或 --vary 的个数）",
        )
    return check_runs(n_variants, reps, source)
