"""Holiday dip: found on a synthetic series with a known dip, not claimed on white noise."""
import numpy as np
import pandas as pd

from forecasting.engine.seasonality import (
    estimate_holiday_effect,
    helps_series,
    holiday_contrasts,
    holiday_group,
)

MONTHS = pd.date_range("2017-06-01", periods=13, freq="MS")


def _front_door(rng, dip, n_series=8, noise=0.05):
    series = {}
    for i in range(n_series):
        z = np.log1p(300 * (i + 1)) + rng.normal(0, noise, MONTHS.size)
        z = z + np.where(np.isin(MONTHS.month, (8, 12)), dip, 0.0)
        series[f"S{i}"] = (MONTHS, z)
    return series


def test_contrast_is_hand_computed_dip():
    z = np.zeros(13)
    z[2] = -0.2  # Aug-17
    z[6] = -0.4  # Dec-17
    assert holiday_contrasts(z, MONTHS) == {8: [-0.2], 12: [-0.4]}


def test_known_dip_is_recovered_and_only_shrunk_toward_zero():
    dip = np.log(0.85)
    effect = estimate_holiday_effect(_front_door(np.random.default_rng(1), dip=dip))
    assert effect.detected
    for month in (8, 12):
        assert abs(effect.raw[month] - dip) < 0.05
        assert effect.t[month] < -3
        assert 0.5 * abs(dip) < abs(effect.effect[month]) <= abs(effect.raw[month])
    assert "August" in effect.describe()
    assert effect.adjustment(pd.to_datetime(["2018-08-01", "2018-09-01"]))[1] == 0.0


def test_white_noise_claims_no_dip_in_nearly_all_draws():
    claims = sum(
        estimate_holiday_effect(_front_door(np.random.default_rng(seed), dip=0.0, noise=0.1)).detected
        for seed in range(200)
    )
    # two months tested at |t| > 2: about 10% false claims expected by chance; far below half
    assert claims / 200 < 0.15
    effect = estimate_holiday_effect(_front_door(np.random.default_rng(7), dip=0.0))
    if not effect.detected:
        assert "no August dip claimed" in effect.describe()


def test_shrinkage_is_zero_below_threshold_and_partial_above():
    rng = np.random.default_rng(3)
    weak = estimate_holiday_effect(_front_door(rng, dip=-0.01, noise=0.2))
    for month, t in weak.t.items():
        if abs(t) <= 2:
            assert weak.effect[month] == 0.0
        else:
            assert abs(weak.effect[month]) < abs(weak.raw[month])


def test_leave_one_out_keeps_dip_only_for_series_that_follow_it():
    series = _front_door(np.random.default_rng(5), dip=-0.2)
    flat = np.log1p(500) + np.where(np.isin(MONTHS.month, (8, 12)), 0.25, 0.0)  # rises in holidays
    flat = flat + np.random.default_rng(6).normal(0, 0.05, MONTHS.size)
    series["FLAT"] = (MONTHS, flat)
    assert helps_series(series, "S0")[0]
    helps, reason = helps_series(series, "FLAT")
    assert not helps and "do not follow" in reason


def test_short_series_has_no_contrast():
    assert holiday_contrasts(np.zeros(2), MONTHS[:2]) == {}
    effect = estimate_holiday_effect({"A": (MONTHS[:2], np.zeros(2))})
    assert not effect.detected


def test_group_prefers_front_door_codes_then_count_flows():
    catalogue = pd.DataFrame({"unit": ["count", "count", "percent"], "kind": ["flow", "stock", "ratio"]},
                             index=["X1", "X2", "X3"])
    assert holiday_group(catalogue, ["X1", "X2", "X3"]) == ["X1"]
    assert holiday_group(catalogue, ["M1", "M2", "CP1", "X1"]) == ["M1", "M2", "CP1"]


def test_single_long_series_with_dip_is_detected_and_noise_is_not():
    months = pd.date_range("2015-07-01", periods=36, freq="MS")
    rng = np.random.default_rng(11)
    dipped = np.log1p(1300) + rng.normal(0, 0.03, 36) + np.where(np.isin(months.month, (8, 12)), -0.2, 0.0)
    effect = estimate_holiday_effect({"M1": (months, dipped)})
    assert effect.detected and effect.n[8] == 3 and effect.n[12] == 3
    assert all(-0.25 < effect.effect[m] < -0.1 for m in (8, 12))
    false_claims = sum(estimate_holiday_effect(
        {"M1": (months, np.log1p(1300) + np.random.default_rng(seed).normal(0, 0.05, 36))}).detected
        for seed in range(100))
    assert false_claims <= 15


def test_leave_one_out_check_reusing_the_pooled_estimate_gives_the_same_answer():
    series = _front_door(np.random.default_rng(3), dip=-0.2)
    series["FLAT"] = (MONTHS, np.full(len(MONTHS), 3.0))
    known = estimate_holiday_effect(series)
    for series_id in series:
        assert helps_series(series, series_id, known=known) == helps_series(series, series_id)
    # a known estimate that does not cover a series: that series' contrasts are computed as before
    partial = estimate_holiday_effect({k: v for k, v in series.items() if k != "FLAT"})
    assert helps_series(series, "FLAT", known=partial) == helps_series(series, "FLAT")
