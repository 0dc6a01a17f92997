"""The panel engine: choice by MASE, ordered finite intervals, and the Dask path equal to the local path."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.distributed import SCALE_MODELS, run_panel
from forecasting.panel import synthetic_panel


@pytest.fixture(scope="module")
def panel():
    return synthetic_panel(3, 4, 36, seed=7)


@pytest.fixture(scope="module")
def local(panel):
    return run_panel(panel, 6)


def test_every_series_gets_one_chosen_model_and_ordered_intervals(panel, local):
    chosen = local.backtest[local.backtest["chosen"]]
    assert chosen["unique_id"].nunique() == panel["unique_id"].nunique() == len(chosen)
    assert set(local.backtest["model"]) == set(SCALE_MODELS)
    best = local.backtest.loc[local.backtest.groupby("unique_id")["mase"].idxmin(), ["unique_id", "model"]]
    assert (best.set_index("unique_id")["model"] == chosen.set_index("unique_id")["model"]).all()
    f = local.forecasts
    assert len(f) == 12 * 6 and np.isfinite(f[["mean", "lo80", "hi80", "lo95", "hi95"]].to_numpy()).all()
    assert (f["lo95"] <= f["lo80"]).all() and (f["lo80"] <= f["mean"]).all()
    assert (f["mean"] <= f["hi80"]).all() and (f["hi80"] <= f["hi95"]).all() and (f["lo95"] >= 0).all()
    assert f["month"].min() == panel["ds"].max() + pd.DateOffset(months=1)


def test_percent_series_stay_within_0_100():
    months = pd.date_range("2015-01-01", periods=36, freq="MS")
    frame = pd.DataFrame({"unique_id": "A|P", "ds": months, "y": np.linspace(90, 99.5, 36)})
    result = run_panel(frame, 12, units={"A|P": "percent"})
    assert result.forecasts["hi95"].max() <= 100 and result.forecasts["lo95"].min() >= 0


def test_dask_path_matches_local_path(panel, local):
    distributed = run_panel(panel, 6, engine="dask", n_jobs=2)
    merged = local.forecasts.merge(distributed.forecasts, on=["unique_id", "month"], suffixes=("_local", "_dask"))
    assert len(merged) == len(local.forecasts)
    assert (merged["model_local"] == merged["model_dask"]).all()
    for column in ("mean", "lo95", "hi95"):
        np.testing.assert_allclose(merged[f"{column}_dask"], merged[f"{column}_local"], rtol=1e-5)
    scores = local.backtest.merge(distributed.backtest, on=["unique_id", "model"], suffixes=("_local", "_dask"))
    np.testing.assert_allclose(scores["mase_dask"], scores["mase_local"], rtol=1e-5)


def test_unknown_engine_is_refused(panel):
    with pytest.raises(ValueError, match="engine must be one of"):
        run_panel(panel, 3, engine="spark")
