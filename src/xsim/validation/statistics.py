"""What the model (or a kernel) says for each validation target: the registry of statistics.

Importing this module registers every statistic: :mod:`xsim.validation.kernels` (published kernel
results), :mod:`xsim.validation.model_statistics` (the consultation model across the bundled
scenarios) and :mod:`xsim.validation.zeguo` (the Zeguo deliberative poll). Each is a function
``f(fast: bool, seed: int) -> Estimate`` registered under the name a target's ``statistic`` gives;
its docstring is the definition printed in ``docs/validation.md``. ``fast`` uses fewer
replications (``make test``); the full variant is ``xsim validate``.
"""

from __future__ import annotations

from xsim.validation import kernels, model_statistics, zeguo  # noqa: F401  (they register)
from xsim.validation.registry import STATISTICS, Estimate, exact, missing
from xsim.validation.runs import behaviour_overrides, model_runs

__all__ = ["STATISTICS", "Estimate", "behaviour_overrides", "exact", "missing", "model_runs"]
