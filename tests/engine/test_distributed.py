"""The panel engine: choice by MASE, ordered finite intervals, and the Dask path equal to the local path."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.data.panel import synthetic_panel
from forecasting.engine.distributed import SCALE_MODELS, run_panel


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


DASK_CHECK = """
import json, sys
import numpy as np
from forecasting.engine.distributed import run_panel
from forecasting.data.panel import synthetic_panel
panel = synthetic_panel(3, 4, 36, seed=7)
local, dask = run_panel(panel, 6), run_panel(panel, 6, engine="dask", n_jobs=2)
f = local.forecasts.merge(dask.forecasts, on=["unique_id", "month"], suffixes=("_l", "_d"))
s = local.backtest.merge(dask.backtest, on=["unique_id", "model"], suffixes=("_l", "_d"))
rel = lambda a, b: float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-12)))
print(json.dumps({"rows": len(f), "expected": len(local.forecasts),
                  "same_models": bool((f.model_l == f.model_d).all()), "mean": rel(f.mean_d, f.mean_l),
                  "lo95": rel(f.lo95_d, f.lo95_l), "hi95": rel(f.hi95_d, f.hi95_l),
                  "mase": rel(s.mase_d, s.mase_l)}))
"""


def test_dask_path_matches_local_path():
    """Run in a fresh interpreter: Dask's worker processes re-import the parent's __main__, which under pytest
    can be whatever script ran last (e.g. a Streamlit page in AppTest)."""
    import json
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", DASK_CHECK], capture_output=True, text=True, timeout=600,
                            check=False, env={**__import__("os").environ, "PYTHONWARNINGS": "ignore"})
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["rows"] == found["expected"] and found["same_models"]
    for column in ("mean", "lo95", "hi95", "mase"):
        assert found[column] < 1e-5, (column, found)


def test_unknown_engine_is_refused(panel):
    with pytest.raises(ValueError, match="engine must be one of"):
        run_panel(panel, 3, engine="spark")
