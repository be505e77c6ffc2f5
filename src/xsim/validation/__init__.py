"""Validation against evidence: a table of observed patterns and the model's value for each.

- :mod:`xsim.validation.targets` — the target table (``data/validation_targets.yaml``) as typed data;
- :mod:`xsim.validation.statistics` — one documented function per statistic the model computes
  (kernels, model_statistics, zeguo; the registry and the runs behind them);
- :mod:`xsim.validation.ablation` — a target's mechanism and the model's ablations;
- :mod:`xsim.validation.evaluate` — runs the statistics, judges each against its tolerance, and
  prints the table (``xsim validate``) in Chinese or English, or as JSON.

In a notebook::

    from xsim.validation import load_targets, evaluate
    report = evaluate(load_targets(), fast=True)
    print(report.to_text("zh"))
"""

from __future__ import annotations

from xsim._lazy import lazy_getattr

_LAZY = {
    "Target": "xsim.validation.targets",
    "load_targets": "xsim.validation.targets",
    "STATISTICS": "xsim.validation.statistics",
    "Estimate": "xsim.validation.statistics",
    "Result": "xsim.validation.evaluate",
    "Ablation": "xsim.validation.evaluate",
    "ablated": "xsim.validation.ablation",
    "known_mechanisms": "xsim.validation.ablation",
    "Report": "xsim.validation.evaluate",
    "evaluate": "xsim.validation.evaluate",
    "evaluate_target": "xsim.validation.evaluate",
}

__all__ = sorted(_LAZY)

__getattr__ = lazy_getattr(__name__, _LAZY)
