"""History matching (xsim.validation.calibration): implausibility, waves, calibrated spans; only
calibration targets are used, and the ranges file it writes loads."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from xsim.experiments.parameter_ranges import load_ranges
from xsim.validation.calibration import (
    CUTOFF,
    DISCREPANCY,
    PRIORS,
    Wave,
    calibrated_ranges,
    implausibility,
    next_box,
)
from xsim.validation.registry import Estimate
from xsim.validation.targets import load_targets

TARGETS = {t.id: t for t in load_targets()}


def test_priors_name_only_calibration_targets():
    for _low, _high, ids in PRIORS.values():
        for tid in ids:
            assert TARGETS[tid].role == "calibration", tid


def test_implausibility_against_a_value_with_its_standard_error():
    t = TARGETS["C-DP-HOMOGENIZATION"]  # 0.583, se 0.107
    at = implausibility(t, Estimate(0.583, 0.576, 0.59, 30))
    assert at == pytest.approx(0.0)
    far = implausibility(t, Estimate(0.2, 0.2, 0.2, 30))
    assert far == pytest.approx(0.383 / math.sqrt(0.107**2 + DISCREPANCY**2))
    assert far > CUTOFF
    assert math.isnan(implausibility(t, Estimate(math.nan, math.nan, math.nan, 0)))


def test_implausibility_against_a_bound_counts_only_the_excess():
    t = TARGETS["C-ONLINE-PLATFORM"]  # at most 0.15
    assert implausibility(t, Estimate(0.10, 0.09, 0.11, 30)) == 0.0
    over = implausibility(t, Estimate(0.30, 0.30, 0.30, 30))
    assert over == pytest.approx(0.15 / DISCREPANCY)


def test_waves_narrow_to_the_non_implausible_sets():
    samples = pd.DataFrame(
        {"a": [0.0, 0.2, 0.4, 0.6, 1.0], "kept": [False, True, True, False, False]}
    )
    wave = Wave({"a": (0.0, 1.0)}, samples)
    assert next_box(wave, margin=0.1)["a"] == pytest.approx((0.1, 0.5))
    assert calibrated_ranges([wave]) == {"a": (0.2, 0.4)}
    none = Wave({"a": (0.0, 1.0)}, samples.assign(kept=False))
    assert calibrated_ranges([none]) == {"a": None}


def test_calibrated_ranges_in_the_file_name_their_targets():
    for name, r in load_ranges().items():
        if r.basis == "calibrated":
            assert r.targets and all(TARGETS[t].role == "calibration" for t in r.targets), name
        assert r.low < r.high
