"""Lazy package attributes: names are imported from their module on first use.

Keeps ``import xsim`` (and ``xsim.experiments``, ``xsim.teaching``) cheap: the rules engine and
``xsim check`` never pay for Mesa, pandas, matplotlib or ipywidgets.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_getattr(package: str, names: dict[str, str]) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` serving ``names`` (attribute → module that defines it)."""

    def __getattr__(name: str) -> Any:
        if name in names:
            return getattr(importlib.import_module(names[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
