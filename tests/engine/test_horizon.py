"""Back-test by months ahead (engine.horizon): which past forecasts are scored, pooled band figures and notes,
on hand-computed toys; the embedded data's bands as far as 13 months allow."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.engine import HORIZON_BANDS, describe_horizon_accuracy, horizon_accuracy
from forecasting.engine.backtest import prepare_history
from forecasting.engine.horizon import _indicator_points, summarise
from forecasting.engine.intervals import growth

Z80, Z95 = 1.2815515655446004, 1.959963984540054


def test_naive_on_a_straight_line_scores_every_checkable_month():
    """y = 1..6 (no unit: identity scale). Naive needs MIN_TRAIN = 3 months, so forecasts are made after 3, 4
    and 5 months, each checked up to the last month: 3 + 2 + 1 = 6 points. Naive carries the last value: after
    3 months it says 3 and the actuals are 4, 5, 6 (errors 1, 2, 3); after 4: errors 1, 2; after 5: error 1.
    Naive's one-step spread on 1, 2, 3: residuals 1, 1 -> sigma1 = sqrt(2 / (3 - 1)) = 1."""
    history = prepare_history("X", pd.date_range("2018-01-01", periods=6, freq="MS"), np.arange(1.0, 7), None)
    rows = pd.DataFrame(_indicator_points(history, "Naive", 21, (80, 95), 0.25))
    assert list(zip(rows["origin"].dt.month, rows["step"], strict=True)) == [
        (3, 1), (3, 2), (3, 3), (4, 1), (4, 2), (5, 1)]
    assert rows["forecast"].tolist() == [3, 3, 3, 4, 4, 5]
    assert rows["naive"].tolist() == rows["forecast"].tolist()
    errors = (rows["actual"] - rows["forecast"]).to_numpy()
    assert errors.tolist() == [1, 2, 3, 1, 2, 1]
    assert (rows["mase_scale"] == 1.0).all()   # mean month-to-month change of 1..6
    # the interval the forecast uses: sd(h) = sigma1 x growth(h), sigma1 = 1 on the first origin
    sd = growth(3, 1.0, 3)   # fitted on the first 3 months
    for level, z in (("inside80", Z80), ("inside95", Z95)):
        assert rows[level].iloc[:3].tolist() == [abs(e) <= z * s for e, s in zip([1, 2, 3], sd, strict=True)]


def test_the_combination_is_first_refitted_at_eight_months():
    """A 13-month count series: the Combination (AutoETS needs 8 months) is refitted after 8..12 months, so
    the furthest month checked is 13 - 8 = 5 ahead: 5 + 4 + 3 + 2 + 1 = 15 points."""
    values = 100 + 10 * np.sin(np.arange(13))
    history = prepare_history("C", pd.date_range("2017-06-01", periods=13, freq="MS"), values, "count")
    rows = pd.DataFrame(_indicator_points(history, "Combination", 21, (80, 95), 0.25))
    assert len(rows) == 15 and rows["step"].max() == 5
    assert rows.groupby("origin")["step"].max().tolist() == [5, 4, 3, 2, 1]
    assert np.isfinite(rows["forecast"]).all() and (rows["forecast"] != rows["naive"]).any()


def _points(steps, errors, naive_errors, inside80, indicator="A", scale=2.0):
    n = len(steps)
    return pd.DataFrame({"indicator": indicator, "model": "Naive",
                         "origin": pd.date_range("2018-01-01", periods=n, freq="MS"), "step": steps,
                         "actual": 10.0 + np.asarray(errors, float), "forecast": 10.0,
                         "naive": 10.0 + np.asarray(errors, float) - np.asarray(naive_errors, float),
                         "mase_scale": scale,
                         "inside80": inside80, "inside95": True})


def test_bands_pool_points_and_say_why_a_band_is_empty():
    """Steps 1, 2, 5 and 9 -> band 1-3 holds 2 points, band 4-9 holds 2; nothing beyond 9 months.
    Band 1-3: |errors| 2 and 4 over scale 2 -> MASE (1 + 2) / 2 = 1.5; naive |errors| 2, 2 -> 1.0;
    80% coverage 1 of 2 = 50%. Band 4-9: errors 6, -2 -> (3 + 1) / 2 = 2.0; coverage 2 of 2."""
    points = pd.concat([_points([1, 2], [2, -4], [2, 2], [True, False]),
                        _points([5, 9], [6, -2], [0, 4], [True, True], indicator="B")], ignore_index=True)
    table = summarise(points, (80, 95), HORIZON_BANDS, n_months=13)
    assert table["band"].tolist() == ["1-3 months", "4-9 months", "10-15 months", "16-21 months"]
    assert table["n_points"].tolist() == [2, 2, 0, 0] and table["n_indicators"].tolist() == [1, 1, 0, 0]
    assert table.loc[0, "mase"] == pytest.approx(1.5) and table.loc[0, "naive_mase"] == pytest.approx(1.0)
    assert table.loc[0, "coverage80"] == pytest.approx(0.5) and table.loc[0, "coverage95"] == 1.0
    assert table.loc[1, "mase"] == pytest.approx(2.0) and table.loc[1, "coverage80"] == 1.0
    assert np.isnan(table.loc[2, "coverage80"]) and np.isnan(table.loc[3, "mase"])
    assert table.loc[0, "note"] == "" and table.loc[1, "note"] == ""
    assert table.loc[2, "note"] == (
        "not measurable - the longest history is 13 months, so no forecast can be checked 10 or more months "
        "ahead; the furthest checked is 9 months ahead")
    # a band only partly reached says how far it got
    short = summarise(points[points["step"] < 9], (80, 95), HORIZON_BANDS, n_months=13)
    assert short.loc[1, "note"] == "only 4-5 months ahead could be checked (the longest history is 13 months)"
    lines = describe_horizon_accuracy(table)
    assert lines[0] == ("1-3 months: 2 past forecasts checked (1 indicators); 80% intervals held 50%, 95% "
                        "intervals held 100%; typical error 1.50 x the usual month-to-month change "
                        "(naive 1.00).")
    assert lines[2].startswith("10-15 months: not measurable")


def test_embedded_data_bands_as_far_as_13_months_allow(embedded_dataset, tmp_path):
    table = horizon_accuracy(embedded_dataset, cache_dir=tmp_path)
    assert table["months_from"].tolist() == [1, 4, 10, 16]
    first, second = table.iloc[0], table.iloc[1]
    assert first["n_points"] > second["n_points"] > 0
    assert 0 < first["coverage80"] <= first["coverage95"] <= 1
    assert table.loc[2:, "n_points"].sum() == 0
    assert table.loc[2:, "note"].str.startswith("not measurable - the longest history is 13 months").all()
    again = horizon_accuracy(embedded_dataset, cache_dir=tmp_path)   # from the cache: the same table
    pd.testing.assert_frame_equal(again, table)
