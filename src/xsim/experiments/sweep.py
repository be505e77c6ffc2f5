"""Parameter sweeps: grids, Latin-hypercube samples, and global sensitivity analysis (SALib).

A sweep is a :class:`~xsim.experiments.study.Study` whose variants are the sampled points (each a
dict of dotted scenario paths, ``rules.SETTING`` or ``form``), so it runs on every executor, streams
to Parquet and resumes exactly like a comparison. Sampling uses SALib with the sweep's seed, so the
points are the same every time.

- ``grid``: every combination of the parameters' values (a range ``LO:HI`` gives ``steps`` values);
- ``lhs``: ``n`` Latin-hypercube points (``SALib.sample.latin``);
- ``sobol``: Saltelli's scheme, ``n·(D+2)`` points (first and total order indices, ``n`` a power of 2);
- ``morris``: ``n`` trajectories of ``D+1`` points (elementary effects μ*, σ).

Whole-number parameters (both bounds integers, e.g. ``organizer.notice_days=1:14``) are rounded
before the model sees them; the sensitivity analysis uses the sampled values.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xsim.errors import InputError

METHODS = ("grid", "lhs", "sobol", "morris")


@dataclass(frozen=True)
class Parameter:
    """A swept parameter: a numeric range ``[low, high]`` or a list of values (grid only)."""

    name: str
    low: float | None = None
    high: float | None = None
    values: tuple = field(default_factory=tuple)
    integer: bool = False

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def cast(self, x: float) -> Any:
        return int(round(x)) if self.integer else float(x)

    def grid_values(self, steps: int) -> list:
        if not self.is_range:
            return list(self.values)
        raw = np.linspace(self.low, self.high, steps)
        return list(dict.fromkeys(self.cast(v) for v in raw))


def parse_parameter(text: str) -> Parameter:
    """``name=LO:HI`` (a range), ``name=a,b,c`` (values) — the CLI's ``--param``."""
    from xsim.experiments.options import parse_value

    name, sep, spec = text.partition("=")
    name, spec = name.strip(), spec.strip()
    if not sep or not name or not spec:
        raise InputError(
            "<options>",
            "--param",
            f"NAME=LOW:HIGH or NAME=V1,V2,… (got '{text}')",
            f"应为 名称=下限:上限 或 名称=值1,值2,…（实际为「{text}」）",
        )
    if ":" in spec and "," not in spec:
        parts = spec.split(":")
        try:
            low, high = (float(p) for p in parts)
        except ValueError:
            raise InputError(
                "<options>",
                f"--param {name}",
                "numeric bounds LOW:HIGH",
                "范围的上下限应为数字（下限:上限）",
            ) from None
        if not low < high:
            raise InputError(
                "<options>",
                f"--param {name}",
                f"LOW < HIGH (got {spec})",
                f"下限应小于上限（实际为 {spec}）",
            )
        integer = all(p.strip().lstrip("+-").isdigit() for p in parts)
        return Parameter(name, low, high, integer=integer)
    values = tuple(parse_value(v.strip()) for v in spec.split(",") if v.strip())
    return Parameter(name, values=values)


def _problem(params: list[Parameter]) -> dict[str, Any]:
    for p in params:
        if not p.is_range:
            raise InputError(
                "<options>",
                f"--param {p.name}",
                "a numeric range LOW:HIGH for lhs, sobol and morris (lists: grid only)",
                "lhs、sobol、morris 方法需要数值范围（下限:上限）；取值列表只适用于 grid",
            )
    return {
        "num_vars": len(params),
        "names": [p.name for p in params],
        "bounds": [[p.low, p.high] for p in params],
    }


def sample(
    params: list[Parameter], method: str, n: int, seed: int, steps: int = 5
) -> np.ndarray | list:
    """The sampled points: an (N, D) array for lhs/sobol/morris, a list of tuples for grid."""
    if method == "grid":
        return list(itertools.product(*(p.grid_values(steps) for p in params)))
    problem = _problem(params)
    if method == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, n, seed=seed)
    if method == "sobol":
        from SALib.sample import sobol

        if n < 2 or n & (n - 1):
            raise InputError(
                "<options>",
                "--n",
                f"a power of 2 for Sobol sampling (got {n})",
                f"Sobol 抽样的 --n 应为 2 的幂（实际为 {n}）",
            )
        return sobol.sample(problem, n, calc_second_order=False, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, n, num_levels=4, seed=seed)
    raise InputError(
        "<options>",
        "--method",
        f"one of {', '.join(METHODS)} (got '{method}')",
        f"应为以下方法之一：{'、'.join(METHODS)}（实际为「{method}」）",
    )


@dataclass
class Sweep:
    """Sampled points of a scenario's parameters, each run ``reps`` times."""

    scenario: Any
    params: list[Parameter]
    method: str = "lhs"
    n: int = 16
    reps: int = 5
    seed: int = 0
    form: str | None = None
    steps: int = 5
    runner: Any = None

    def __post_init__(self) -> None:
        if not self.params:
            raise InputError(
                "<options>",
                "--param",
                "at least one parameter to sweep",
                "至少需要一个扫描参数（--param）",
            )
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise InputError("<options>", "--param", "each parameter once", "每个参数只能出现一次")
        if self.n < 1:
            raise InputError("<options>", "--n", "a positive whole number", "--n 应为正整数")
        from xsim.experiments.limits import check_runs

        # The study's size is known before sampling: refuse an absurd one before building it.
        check_runs(self.n_points(), self.reps)
        self.points = sample(self.params, self.method, self.n, self.seed, self.steps)
        variants = []
        for i, point in enumerate(self.points):
            spec: dict[str, Any] = {"name": f"p{i:04d}"}
            if self.form:
                spec["form"] = self.form
            for p, x in zip(self.params, point, strict=True):
                spec[p.name] = p.cast(x) if p.is_range else x
            variants.append(spec)
        from xsim.experiments.study import Study

        self.study = Study(self.scenario, variants, self.reps, self.seed, runner=self.runner)

    def n_points(self) -> int:
        """How many points the sampling method will give (computed without sampling)."""
        d = len(self.params)
        if self.method == "grid":
            return math.prod(len(p.grid_values(self.steps)) for p in self.params)
        return {"sobol": self.n * (d + 2), "morris": self.n * (d + 1)}.get(self.method, self.n)

    def run(self, executor: Any = None, out: str | None = None, **kwargs):
        kwargs.setdefault("kind", "sweep")
        return self.study.run(executor, out, **kwargs)

    def point_means(self, frame, outcome: str):
        """Mean of ``outcome`` per point (in sampling order), with the point's parameter values."""
        _check_outcome(frame, outcome)
        means = frame.groupby("variant_index")[outcome].mean()
        missing = sorted(set(range(len(self.points))) - set(means.index))
        if missing:
            raise InputError(
                "<results>",
                "",
                f"results for every point (missing {len(missing)})",
                f"每个抽样点都需要结果（缺 {len(missing)} 个）",
            )
        table = frame.drop_duplicates("variant_index").set_index("variant_index")
        table = table.loc[means.index, [p.name for p in self.params]]
        table[outcome] = means
        table.index.name = "point"
        return table

    def sensitivity(self, frame, outcome: str):
        """Sobol (S1, ST with confidence) or Morris (μ*, σ) indices of ``outcome``, one row a parameter."""
        import pandas as pd

        if self.method not in ("sobol", "morris"):
            raise InputError(
                "<options>",
                "--method",
                "sobol or morris for sensitivity indices",
                "敏感性指数需要 sobol 或 morris 方法",
            )
        y = self.point_means(frame, outcome)[outcome].to_numpy(float)
        if np.isnan(y).any() or np.ptp(y) == 0:
            raise InputError(
                "<results>",
                outcome,
                "an outcome that varies across the points",
                "所选指标在各抽样点间没有变化，无法做敏感性分析",
            )
        problem = _problem(self.params)
        if self.method == "sobol":
            from SALib.analyze import sobol

            res = sobol.analyze(problem, y, calc_second_order=False, seed=self.seed)
            cols = ["S1", "S1_conf", "ST", "ST_conf"]
        else:
            from SALib.analyze import morris

            res = morris.analyze(problem, np.asarray(self.points), y, num_levels=4, seed=self.seed)
            cols = ["mu_star", "mu_star_conf", "sigma", "mu"]
        return pd.DataFrame(
            {c: np.asarray(res[c], dtype=float) for c in cols},
            index=pd.Index(problem["names"], name="parameter"),
        )


def _check_outcome(frame, outcome: str) -> None:
    from xsim.experiments.summary import measure_columns

    available = measure_columns(frame)
    if outcome not in available:
        raise InputError(
            "<options>",
            "--outcome",
            f"an outcome measure: {', '.join(available)} (got '{outcome}')",
            f"应为以下结果指标之一：{'、'.join(available)}（实际为「{outcome}」）",
        )
