"""The plausible ranges of behaviour parameters (``data/parameter_ranges.yaml``) as typed data.

``xsim compare --uncertainty`` draws parameter sets from them; ``tools/calibrate.py`` writes the
ranges of the calibrated parameters back into the file. A damaged file is an
:class:`xsim.errors.InputError` naming the parameter and the field.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from xsim.errors import InputError


class ParameterRange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: float
    low: float
    high: float
    basis: Literal["assumption", "calibrated"]
    targets: list[str] = Field(default_factory=list)  # the calibration targets behind a range
    zh: str
    en: str

    @model_validator(mode="after")
    def _ordered(self) -> ParameterRange:
        if not self.low < self.high:
            raise ValueError("low must be below high")
        return self

    def label(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def default_path() -> Path:
    return Path(str(resources.files("xsim") / "data" / "parameter_ranges.yaml"))


def load_ranges(path: str | Path | None = None) -> dict[str, ParameterRange]:
    """Parameter name → its range, in file order (every name a field of ``Behaviour``)."""
    from xsim.sim.scenario import Behaviour

    path = Path(path) if path is not None else default_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        raise InputError(
            str(path),
            "",
            "a readable YAML file of parameter ranges",
            "应为可读的参数范围 YAML 文件",
        ) from None
    params = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(params, dict) or not params:
        raise InputError(
            str(path), "parameters", "a mapping of parameter names", "应为参数名到范围的映射"
        )
    out: dict[str, ParameterRange] = {}
    for name, spec in params.items():
        if name not in Behaviour.model_fields:
            raise InputError(
                str(path), f"parameters.{name}", "a behaviour parameter", "应为行为参数名"
            )
        try:
            out[name] = ParameterRange.model_validate(spec)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first.get("loc", ()))
            raise InputError(
                str(path),
                f"parameters.{name}.{field}".rstrip("."),
                first.get("msg", "a valid range"),
                f"参数范围有误：{first.get('msg')}",
            ) from None
    return out
