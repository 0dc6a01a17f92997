"""The mixture's probability at a bound (forecasting.planning.mixture.mixture_cdf), by hand: a value clipped
at an upper bound cannot exceed it, so P(value <= the bound) = 1 exactly, at the bound itself (a percentage
N(99, 5) clipped at 100: P(<= 100) = 1, while just below, P(<= 99.99) = Phi(0.99 / 5) = 0.578)."""

import numpy as np
import pytest
from scipy.stats import norm

from forecasting.planning.mixture import mixture_cdf


def test_at_the_upper_bound_the_probability_is_one():
    rows = {"scale": np.array(["identity"]), "loc": np.array([99.0]), "sd": np.array([5.0]),
            "lower": np.array([0.0]), "upper": np.array([100.0])}
    shift, multiplier = np.zeros((2, 1)), np.ones((2, 1))
    assert mixture_cdf(rows, np.array([[100.0]]), shift, multiplier)[0, 0] == 1.0
    below = mixture_cdf(rows, np.array([[99.99]]), shift, multiplier)[0, 0]
    assert below == pytest.approx(norm.cdf(0.99 / 5))
