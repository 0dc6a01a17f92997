"""Exact mixture quantiles (forecasting.planning.mixture): hand-checked toys, agreement with the projection's
own per-draw probability, and the solver's answer put back into the mixture probability."""

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import norm

from forecasting.planning.distribution_rule import row_probability as _cdf
from forecasting.planning.mixture import mixture_cdf, mixture_quantiles, mixture_values


def _rows(scale="identity", loc=0.0, sd=1.0, lower=-np.inf, upper=np.inf, n=1):
    return {"scale": np.array([scale] * n), "loc": np.full(n, loc), "sd": np.full(n, sd),
            "lower": np.full(n, lower), "upper": np.full(n, upper)}


def test_two_draw_mixture_on_the_identity_scale():
    # draws shifted by -1 and +1 around N(0, 1): F(v) = (Phi(v + 1) + Phi(v - 1)) / 2, symmetric, median 0
    rows = _rows()
    shift, multiplier = np.array([[-1.0], [1.0]]), np.ones((2, 1))
    assert mixture_cdf(rows, np.array([[0.0]]), shift, multiplier)[0, 0] == pytest.approx(0.5)
    assert mixture_cdf(rows, np.array([[1.0]]), shift, multiplier)[0, 0] == pytest.approx(
        (norm.cdf(2.0) + 0.5) / 2)
    expected = brentq(lambda v: (norm.cdf(v + 1) + norm.cdf(v - 1)) / 2 - 0.975, -10, 10, xtol=1e-12)
    got = mixture_quantiles(rows, shift, multiplier, [0.5, 0.975, 0.025])
    assert got[:, 0] == pytest.approx([0.0, expected, -expected], abs=1e-6)
    # wider than either draw's own 97.5% point (1.96 + 1 = 2.96)? No: narrower than the widest draw's, wider
    # than a certain effect's (1.96)
    assert 1.96 < expected < 2.96


def test_draws_that_agree_give_the_closed_form():
    rows = _rows("log1p", loc=np.log1p(500.0), sd=0.05)
    shift, multiplier = np.full((5, 1), -30.0), np.ones((5, 1))
    got = mixture_quantiles(rows, shift, multiplier, [0.1, 0.9])
    closed = np.expm1(np.log1p(500.0) + 0.05 * norm.ppf([0.1, 0.9])) - 30.0
    np.testing.assert_allclose(got[:, 0], closed, rtol=1e-12)


def test_mixture_probability_is_the_mean_of_the_projections_own_probability():
    rng = np.random.default_rng(3)
    cases = [("log1p", np.log1p(520.0), 0.04, 0.0, np.inf), ("logit", 1.2, 0.3, 0.0, 100.0),
             ("identity", 50.0, 8.0, -np.inf, np.inf), ("log1p", np.log1p(3.0), 0.8, 0.0, np.inf)]
    for scale, loc, sd, lower, upper in cases:
        rows = _rows(scale, loc, sd, lower, upper)
        shift = rng.normal(-5, 3, (40, 1)) if scale != "logit" else np.zeros((40, 1))
        multiplier = rng.uniform(0.8, 1.1, (40, 1)) if scale == "logit" else np.ones((40, 1))
        centre = float(mixture_values(rows, np.zeros((1, 1)), shift, multiplier).mean())
        for v in (centre * 0.5, centre, centre * 1.2, centre + 3.0, -1.0):
            mine = mixture_cdf(rows, np.array([[v]]), shift, multiplier)[0, 0]
            theirs = float(np.mean(_cdf(rows, v, shift[:, 0], multiplier[:, 0])))
            assert mine == pytest.approx(theirs, abs=1e-12), (scale, v)


def test_quantiles_put_back_give_their_probability_row_by_row():
    rng = np.random.default_rng(7)
    n = 6
    rows = {"scale": np.array(["log1p", "log1p", "logit", "identity", "log1p", "logit"]),
            "loc": np.array([np.log1p(500), np.log1p(20), 0.5, 10.0, np.log1p(0.5), 3.0]),
            "sd": np.array([0.05, 0.3, 0.4, 2.0, 1.0, 0.2]),
            "lower": np.array([0, 0, 0, -np.inf, 0, 0.0]), "upper": np.array([np.inf, np.inf, 100, np.inf,
                                                                           np.inf, 100.0])}
    shift = np.column_stack([rng.normal(-40, 15, 200), rng.normal(-3, 2, 200), np.zeros(200),
                             rng.normal(1, 1, 200), rng.normal(0, 0.2, 200), np.zeros(200)])
    multiplier = np.ones((200, n))
    multiplier[:, 2] = rng.uniform(0.7, 1.0, 200)
    multiplier[:, 5] = rng.uniform(0.98, 1.0, 200)
    qs = [0.025, 0.1, 0.5, 0.9, 0.975]
    got = mixture_quantiles(rows, shift, multiplier, qs)
    back = mixture_cdf(rows, got, shift, multiplier)
    for i in range(n):
        for j, q in enumerate(qs):
            if back[j, i] != pytest.approx(q, abs=1e-6):      # only a jump (a bound) may leave a gap ...
                assert mixture_cdf(rows, got[j:j + 1, :] - 1e-6, shift, multiplier)[0, i] <= q + 1e-9
                assert back[j, i] >= q - 1e-9                   # ... and then F jumps over q at the answer
    assert (np.diff(got, axis=0) >= -1e-9).all()                 # ordered levels
