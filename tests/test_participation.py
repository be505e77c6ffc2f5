"""Granovetter threshold cascades (Granovetter 1978) and their network form (Watts 2002)."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from xsim.sim.cascade import network_cascade, threshold_cascade


def test_granovetter_riot_example():
    thresholds = np.arange(100)
    assert threshold_cascade(thresholds) == 100
    raised = thresholds.copy()
    raised[1] = 2  # the threshold-1 person now waits for two others
    assert threshold_cascade(raised) == 1


def test_cascade_boundaries():
    assert threshold_cascade([]) == 0
    assert threshold_cascade([1, 1, 1]) == 0  # nobody starts
    assert threshold_cascade([0, 1, 1]) == 3  # one starter is exactly enough
    assert threshold_cascade([0, 2, 2]) == 1  # one short
    assert threshold_cascade([-5, np.inf, 1]) == 2  # negative joins unprompted, inf never
    with pytest.raises(ValueError):
        threshold_cascade([0, np.nan])


def _iterate(thresholds):
    """The process itself, round by round (reference for the sorted shortcut)."""
    t = np.asarray(thresholds, dtype=float)
    k = 0
    while True:
        new = int(np.sum(t <= k))
        if new == k:
            return k
        k = new


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-2, 30), max_size=40))
def test_sorted_shortcut_equals_iteration(thresholds):
    assert threshold_cascade(thresholds) == _iterate(thresholds)


def _ring(n):
    rows = np.r_[np.arange(n), np.arange(n)]
    cols = np.r_[(np.arange(n) + 1) % n, (np.arange(n) - 1) % n]
    return sp.csr_matrix((np.ones(2 * n), (rows, cols)), shape=(n, n))


def test_network_cascade_on_a_ring():
    n = 20
    ring = _ring(n)
    start = np.zeros(n, dtype=bool)
    start[0] = True
    # threshold 1/2 on a ring: one active neighbour of two is exactly enough -> everyone
    assert network_cascade(np.full(n, 0.5), ring, start).all()
    # a hair above 1/2: nobody follows the seed
    assert network_cascade(np.full(n, 0.5 + 1e-9), ring, start).sum() == 1
    # threshold 0 joins regardless; nobody active and thresholds > 0: nobody
    assert network_cascade(np.zeros(n), ring).all()
    assert not network_cascade(np.full(n, 0.1), ring).any()


def test_network_cascade_isolates_weights_and_index_seeds():
    adj = sp.csr_matrix(np.array([[0, 3, 1, 0], [3, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]], float))
    theta = np.array([0.7, 0.5, 0.5, 0.5])
    # node 0 weighs node 1 three times node 2: 1 active -> 3/4 >= 0.7
    out = network_cascade(theta, adj, initially_active=[1])
    assert out.tolist() == [True, True, True, False]  # node 3 has no ties and stays out
    out = network_cascade(theta, adj.toarray(), initially_active=[2])
    assert out.tolist() == [False, False, True, False]  # 1/4 < 0.7


def test_network_cascade_bad_input():
    with pytest.raises(ValueError, match="3x3"):
        network_cascade([0.5, 0.5, 0.5], _ring(4))
    with pytest.raises(ValueError):
        network_cascade([0.5, np.nan, 0.5, 0.5], _ring(4))
    with pytest.raises(ValueError):
        network_cascade([0.5] * 4, _ring(4), initially_active=np.ones(3, dtype=bool))
