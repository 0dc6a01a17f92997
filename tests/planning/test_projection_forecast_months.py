"""`Projection.forecast_months`: the months that have a forecast row for one indicator (targets read it to
tell forecast months from months with neither data nor forecast)."""

import pandas as pd

from forecasting.data import Dataset
from forecasting.planning.projection import Projection

JUL, AUG, SEP = (pd.Timestamp(m) for m in ("2018-07-01", "2018-08-01", "2018-09-01"))


def _projection(rows):
    catalogue = pd.DataFrame({"unit": ["count", "count"]}, index=pd.Index(["X", "Y"], name="indicator"))
    obs = pd.DataFrame({"unique_id": ["X", "Y"], "ds": pd.Timestamp("2018-06-01"), "y": 1.0})
    table = pd.DataFrame([{"indicator": c, "month": m, "mean": 10.0, "lo95": 8.0, "hi95": 12.0}
                          for c, m in rows])
    return Projection.from_table(Dataset(obs, catalogue), table)


def test_only_the_indicators_own_months_sorted():
    # X has Sep and Jul (given out of order), Y has Aug only: X's months are Jul, Sep; Y's Aug.
    projection = _projection([("X", SEP), ("Y", AUG), ("X", JUL)])
    assert list(projection.forecast_months("X")) == [JUL, SEP]
    assert list(projection.forecast_months("Y")) == [AUG]


def test_an_indicator_without_rows_has_no_months():
    projection = _projection([("X", JUL)])
    assert len(projection.forecast_months("Y")) == 0
    assert len(projection.forecast_months("not an indicator")) == 0
