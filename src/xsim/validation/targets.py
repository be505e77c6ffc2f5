"""The validation target table as typed data (``data/validation_targets.yaml``, or a file given).

The file is read through :mod:`xsim.io` (YAML 1.2 core types: ``04000`` is text, not octal 2048;
a regular file of bounded size; NaN, infinity, anchors and tags refused) and validated with
strict numbers, so a number written ``04000`` or ``"0.3"`` is refused, not converted. A malformed
table is an :class:`xsim.errors.InputError` naming the field and its line; a target whose
``statistic`` names no function of :mod:`xsim.validation.statistics` is one too.

Roles (what a target is for): ``verification`` (kernels: the code reproduces a published result),
``calibration`` (the number sets parameter ranges, ``tools/calibrate.py``; never evidence),
``validation`` (evidence: an observed number, not used in calibration, that the model reproduces
and that fails without its ``mechanism``) and ``plausibility`` (shown, not counted). Only
validation targets of kind ``model`` are *counted* as evidence (:attr:`Target.counted`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, model_validator

from xsim.errors import InputError
from xsim.io import load_yaml_file, validate

# Numbers as written: no text converted to a number (``"04000"``), no ``true`` read as 1.
Number = Annotated[float, Strict()]
Whole = Annotated[int, Strict()]
# Text shown in one cell or line of a report: line breaks of a hand-written table become spaces, so
# that no text of the file can print a line of its own (a forged 「结论」) in `xsim validate`.
Line = Annotated[str, AfterValidator(lambda text: " ".join(text.split()))]

FAMILIES = ("kernels", "deliberation", "speaking", "attendance", "digital", "village", "poll")
ROLES = ("verification", "calibration", "validation", "plausibility")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    en: Line
    zh: Line

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Observed(_Strict):
    value: Number | None
    number_found: Annotated[bool, Strict()]
    text: Text
    n: Whole | None = Field(default=None, ge=1)  # the sample behind the number
    se: Number | None = Field(default=None, gt=0)  # its standard error (or spread between studies)


class Source(_Strict):
    author: Line
    year: Whole
    title: Line
    where: Line
    via: Line | None = None  # where the figure was read, when not in the publication itself
    url: str | None = None

    def cite(self) -> str:
        read = f" (read in: {self.via})" if self.via else ""
        return f"{self.author} ({self.year}), {self.title}; {self.where}{read}"


class Tolerance(_Strict):
    range: tuple[Number, Number] | None = None
    above: Number | None = None
    below: Number | None = None
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
    #: model discrepancy δ of history matching for this calibration target, on the statistic's own
    #: scale (None: xsim.validation.calibration.DISCREPANCY)
    discrepancy: Number | None = Field(default=None, gt=0)
    #: which results of a study a miss puts in doubt (a noun phrase; the memo's caveats say "treat …
    #: with caution" after the model's number); every validation target has one
    affects: Text | None = None

    @model_validator(mode="after")
    def _role_fits(self) -> Target:
        if (self.kind == "kernel") != (self.role == "verification"):
            raise ValueError("role: 'verification' is the role of kernel targets, and theirs only")
        if self.discrepancy is not None and self.role != "calibration":
            raise ValueError("discrepancy: only a calibration target has a model discrepancy")
        if self.role == "validation":
            if self.mechanism is None:
                raise ValueError("mechanism: a validation target names the mechanism it tests")
            if not self.observed.number_found:
                raise ValueError("observed: a validation target needs an observed number")
            if self.affects is None:
                raise ValueError(
                    "affects: a validation target says which results a miss puts in doubt"
                )
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
    table = validate(
        TargetTable,
        load_yaml_file(path),
        what=("a table with a list of targets", "含目标列表的目标表"),
    )
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
