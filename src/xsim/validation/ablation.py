"""Switching a mechanism off: the bridge between a target's ``mechanism`` and the model's ablations.

A model target names, in ``mechanism``, one of the model's ablations
(``xsim.sim.mechanisms.MECHANISMS``, the one registry: ``--ablate MECH`` on ``xsim run``,
``compare``, ``validate`` and ``scenarios --verify``). ``xsim validate --ablations`` re-evaluates
each model target inside :func:`ablated` and reports whether it still holds: a validation target
that survives the removal of its mechanism is not evidence.
"""

from __future__ import annotations

import contextlib

from xsim.sim.mechanisms import MECHANISMS

__all__ = ["active", "ablated", "known_mechanisms"]

_ACTIVE: list[tuple[str, ...]] = [()]


def known_mechanisms() -> set[str]:
    """Names a target's ``mechanism`` and ``--ablate`` may use: the model's registry."""
    return set(MECHANISMS)


@contextlib.contextmanager
def ablated(*names: str):
    """Within the block, every model run of the statistics has these mechanisms switched off."""
    _ACTIVE.append(tuple(sorted(set(_ACTIVE[-1]) | set(names))))
    try:
        yield
    finally:
        _ACTIVE.pop()


def active() -> tuple[str, ...]:
    """The mechanisms switched off for the runs being made now (empty: the full model)."""
    return _ACTIVE[-1]
