"""Model-based validation targets (fast variant): each is a test that the model can fail.

Marked ``validation`` (select them alone with ``pytest -m validation``) and run by ``make test``:
fixed seed 0 and the fast variant's replications, so each result is deterministic. ``xsim
validate`` runs the full variant (30 replications per study).
"""

from __future__ import annotations

import pytest

from xsim.validation.evaluate import evaluate_target
from xsim.validation.targets import load_targets

pytestmark = pytest.mark.validation

MODEL_TARGETS = [t for t in load_targets() if t.kind == "model"]


@pytest.mark.parametrize("target", MODEL_TARGETS, ids=lambda t: t.id)
def test_model_target_holds(target):
    result = evaluate_target(target, fast=True, seed=0)
    assert result.holds, result.to_dict()
