"""engine/intervals.py: the horizon prior's bands and growth, back-test spreads, the pooled factor."""
import numpy as np
import pandas as pd
import pytest

from forecasting.engine import intervals
from forecasting.engine.backtest import ModelRun, z_score


def test_growth_follows_the_prior_band_of_sigma1_and_grows_as_sqrt_beyond_it():
    table = pd.read_csv(intervals.PRIOR_FILE, comment="#")
    # issue 12: one table per history length; each length's table is read exactly at that length
    for length, block in table.groupby("length"):
        edges = sorted(block["sigma1_below"].unique())
        pairs = zip(edges[:-2], edges[1:-1], strict=True)
        inside = [edges[0] / 2] + [(low + high) / 2 for low, high in pairs]
        for band, sigma1 in enumerate([*inside, edges[-2] * 2]):     # one sigma1 inside each band
            rows = block[block["sigma1_below"] == edges[band]].sort_values("step")
            # growth: the mean of the 80% and 95% factors (one spread for both levels), made monotone
            expected = intervals.isotonic((rows["m80"].to_numpy() + rows["m95"].to_numpy()) / 2)
            steps = len(expected)
            got = intervals.growth(steps + 3, sigma1, int(length))
            assert got[:steps] == pytest.approx(expected)
            beyond = expected[-1] * np.sqrt(np.arange(steps + 1, steps + 4) / steps)
            assert got[steps:] == pytest.approx(beyond)
            assert np.all(np.diff(got) >= 0)
        # a smooth series' errors grow more with the months ahead than a noisy one's (why the bands)
        smooth, noisy = (intervals.growth(15, s, int(length))[-1] for s in (edges[0] / 2, edges[-2] * 2))
        assert smooth > noisy


def test_backtest_spread_is_each_windows_one_step_sigma_grown_by_step():
    cv = pd.DataFrame({"cutoff": ["a", "a", "b", "b"], "step": [1, 2, 1, 2], "sigma": [0.1, 0.5, 0.3, 0.9]})
    got = intervals.cv_spread(cv)
    assert got == pytest.approx([0.1 * intervals.growth(1, 0.1)[0], 0.1 * intervals.growth(2, 0.1)[1],
                                 0.3 * intervals.growth(1, 0.3)[0], 0.3 * intervals.growth(2, 0.3)[1]])
    spread = intervals.forecast_spread(np.array([0.2, 7.0, 7.0]))      # only the first step's sigma is used
    assert spread == pytest.approx(0.2 * intervals.growth(3, 0.2))


def test_pooled_factor_hand_computed_and_one_when_too_few_errors():
    errors = np.tile([-2.0, 2.0], 50)          # |e| = 2 everywhere: both quantiles are 2
    expected = (2 / z_score(80) + 2 / z_score(95)) / 2
    assert intervals.pooled_factor(errors) == pytest.approx(expected)
    assert intervals.pooled_factor(errors[: intervals.MIN_POOLED_ERRORS - 1]) == 1.0
    pooled, loo = intervals.pooled_factors({"A": errors, "B": np.array([])})
    assert pooled == pytest.approx(expected) and loo == {"A": 1.0, "B": pytest.approx(expected)}


def test_coverage_uses_the_grown_spread_and_can_select_steps():
    cv = pd.DataFrame({"cutoff": ["a"] * 3, "step": [1, 2, 3], "sigma": [0.1] * 3,
                       "mu": [np.log1p(100.0)] * 3})
    sd = 0.1 * intervals.growth(3, 0.1)
    # actual 1: just inside its 80% bound; actual 2 and 3: just outside theirs
    cv["y"] = [np.expm1(np.log1p(100.0) + 0.99 * z_score(80) * sd[0]),
               np.expm1(np.log1p(100.0) + 1.01 * z_score(80) * sd[1]),
               np.expm1(np.log1p(100.0) - 1.01 * z_score(80) * sd[2])]
    run = ModelRun("X", cv=cv)
    assert intervals.coverage(run, "log1p", 1.0, 80) == pytest.approx(1 / 3)
    assert intervals.coverage(run, "log1p", 1.0, 80, steps=(2, 3)) == 0.0
    assert intervals.coverage(run, "log1p", 1.0, 80, steps=(1, 2)) == 0.5  # both ends of the steps count
    assert intervals.coverage(run, "log1p", 1.0, 80, steps=(1, 1)) == 1.0
    assert np.isnan(intervals.coverage(run, "log1p", 1.0, 80, steps=(4, 6)))  # no back-test that far ahead
    assert np.isnan(intervals.coverage(ModelRun("X"), "log1p", 1.0, 80))
    assert intervals.coverage(run, "log1p", 1.05, 80) == 1.0


def test_span_cap_only_where_the_history_spans_more_than_three_times():
    sd = np.array([0.5, 1.0, 2.0])
    wide = np.log1p([9.0, 29.0, 9.0, 29.0])      # (1 + 29) / (1 + 9) = 3: not more than three times
    assert intervals.SPAN_CAP_RATIO == 3
    assert intervals.span_cap(sd, wide).tolist() == sd.tolist()
    wider = np.log1p([9.0, 39.0, 9.0, 39.0])     # 40 / 10 = 4 > 3: sd capped at the log values' sd
    # log1p values log(10), log(40) alternating: sd (ddof 1) = (log 40 - log 10) / 2 x sqrt(4 / 3)
    cap = np.log(4) / 2 * np.sqrt(4 / 3)
    assert cap == pytest.approx(0.8004, abs=1e-4)
    assert intervals.span_cap(sd, wider) == pytest.approx([0.5, cap, cap])
    assert intervals.span_cap(sd, None) is sd                                   # not a log1p series
    spread = intervals.forecast_spread(np.array([0.9, 9.0, 9.0]), 13, wider)
    assert spread == pytest.approx(np.minimum(0.9 * intervals.growth(3, 0.9, 13), cap))
