"""The validation target table as typed data (``data/validation_targets.yaml``, or a file given).

A malformed table is an :class:`xsim.errors.InputError` naming the target and the field; a target
whose ``statistic`` names no function of :mod:`xsim.validation.statistics` is one too.

Roles (what a target is for): ``verification`` (kernels: the code reproduces a published result),
``calibration`` (the number sets parameter ranges, ``tools/calibrate.py``; never evidence),
``validation`` (evidence: an observed number, not used in calibration, that the model reproduces
and that fails without its ``mechanism``) and ``plausibility`` (shown, not counted). Only
validation targets of kind ``model`` are *counted* as evidence (:attr:`Target.counted`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xsim.errors import InputError

FAMILIES = ("kernels", "deliberation", "speaking", "attendance", "digital", "village", "poll")
ROLES = ("verification", "calibration", "validation", "plausibility")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Observed(_Strict):
    value: float | None
    number_found: bool
    text: Text
    n: int | None = Field(default=None, ge=1)  # the sample behind the number
    se: float | None = Field(default=None, gt=0)  # its standard error (or spread between studies)


class Source(_Strict):
    author: str
    year: int
    title: str
    where: str
    via: str | None = None  # where the figure was read, when not in the publication itself
    url: str | None = None

    def cite(self) -> str:
        read = f" (read in: {self.via})" if self.via else ""
        return f"{self.author} ({self.year}), {self.title}; {self.where}{read}"


class Tolerance(_Strict):
    range: tuple[float, float] | None = None
    above: float | None = None
    below: float | None = None
    why: Text

    @model_validator(mode="after")
    def _one_kind(self) -> Tolerance:
        kinds = [k for k in ("range", "above", "below") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("exactly one of range, above, below")
        if self.range is not None and self.range[0] > self.range[1]:
            raise ValueError("range: low must not exceed high")
        return self

    def holds(self, value: float, low: float, high: float) -> bool:
        """Judge the model's estimate (NaN never holds)."""
        if self.range is not None:
            return bool(self.range[0] <= value <= self.range[1])
        if self.above is not None:
            return bool(low > self.above)
        return bool(high < self.below)

    def describe(self, lang: str = "zh") -> str:
        if self.range is not None:
            lo, hi = self.range
            if lo == hi:
                return f"= {lo:g}"
            return f"[{lo:g}, {hi:g}]" if lang == "en" else f"在 [{lo:g}, {hi:g}] 内"
        if self.above is not None:
            return f"CI > {self.above:g}" if lang == "en" else f"区间 > {self.above:g}"
        return f"CI < {self.below:g}" if lang == "en" else f"区间 < {self.below:g}"


class Target(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9-]+$")
    family: Literal[FAMILIES]  # type: ignore[valid-type]
    kind: Literal["kernel", "model"]
    role: Literal[ROLES]  # type: ignore[valid-type]
    mechanism: str | None = None
    pattern: Text
    observed: Observed
    source: Source
    statistic: str
    tolerance: Tolerance

    @model_validator(mode="after")
    def _role_fits(self) -> Target:
        if (self.kind == "kernel") != (self.role == "verification"):
            raise ValueError("role: 'verification' is the role of kernel targets, and theirs only")
        if self.role == "validation":
            if self.mechanism is None:
                raise ValueError("mechanism: a validation target names the mechanism it tests")
            if not self.observed.number_found:
                raise ValueError("observed: a validation target needs an observed number")
        return self

    @property
    def counted(self) -> bool:
        """Counted as evidence: a validation target of the consultation model."""
        return self.kind == "model" and self.role == "validation"


class TargetTable(_Strict):
    targets: list[Target] = Field(min_length=1)


def default_path() -> Path:
    return Path(str(resources.files("xsim") / "data" / "validation_targets.yaml"))


def load_targets(path: str | Path | None = None) -> list[Target]:
    """The targets of ``path`` (default: the kit's table), validated."""
    from xsim.validation.ablation import known_mechanisms
    from xsim.validation.statistics import STATISTICS

    path = Path(path) if path is not None else default_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(
            str(path), "", f"a readable file ({exc.strerror})", f"无法读取文件（{exc.strerror}）"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            str(path),
            "",
            "valid YAML",
            "应为有效的 YAML",
            line=mark.line + 1 if mark else None,
        ) from None
    try:
        table = TargetTable.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first.get("loc", ())
        field = ".".join(str(p) for p in loc)
        if len(loc) >= 2 and loc[0] == "targets" and isinstance(loc[1], int):
            targets = (data or {}).get("targets") or []
            ident = targets[loc[1]].get("id") if isinstance(targets[loc[1]], dict) else None
            if ident:
                field = f"targets[{ident}]." + ".".join(str(p) for p in loc[2:])
        raise InputError(
            str(path), field, first.get("msg", "a valid target"), f"目标表有误：{first.get('msg')}"
        ) from None
    seen: set[str] = set()
    for target in table.targets:
        if target.id in seen:
            raise InputError(
                str(path), f"targets[{target.id}]", "unique target ids", "目标编号不能重复"
            )
        seen.add(target.id)
        if target.mechanism is not None and target.mechanism not in known_mechanisms():
            raise InputError(
                str(path),
                f"targets[{target.id}].mechanism",
                f"one of: {', '.join(sorted(known_mechanisms()))} (got '{target.mechanism}')",
                f"应为以下机制之一：{'、'.join(sorted(known_mechanisms()))}"
                f"（实际为「{target.mechanism}」）",
            )
        if target.statistic not in STATISTICS:
            raise InputError(
                str(path),
                f"targets[{target.id}].statistic",
                f"one of: {', '.join(sorted(STATISTICS))} (got '{target.statistic}')",
                f"应为以下统计量之一：{'、'.join(sorted(STATISTICS))}（实际为「{target.statistic}」）",
            )
    return table.targets
