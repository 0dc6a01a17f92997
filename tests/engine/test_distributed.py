"""The panel engine is the single-council engine per authority: same models and numbers as `run_forecast` on
the same data, whichever back-end (local, local processes, Dask), in a few large partitions."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.data.panel import synthetic_panel
from forecasting.engine import distributed
from forecasting.engine.distributed import datasets_from_frame, partition, run_panel
from forecasting.engine.forecast import ForecastSettings, run_forecast


@pytest.fixture(scope="module")
def panel():
    return synthetic_panel(3, 4, 36, seed=7)


@pytest.fixture(scope="module")
def local(panel):
    return run_panel(panel, 6)


def test_each_authority_gets_exactly_what_run_forecast_gives_it_alone(panel, local):
    """Same chosen models, same means and intervals, same back-test table, for every authority."""
    datasets = datasets_from_frame(panel)
    assert sorted(datasets) == ["SYN000", "SYN001", "SYN002"]
    for authority, dataset in datasets.items():
        alone = run_forecast(dataset, settings=ForecastSettings(horizon=6), use_cache=False)
        inside = local.forecasts[local.forecasts["unique_id"].str.startswith(authority + "|")]
        expected = alone.forecasts.assign(unique_id=authority + "|" + alone.forecasts["indicator"])
        pd.testing.assert_frame_equal(
            inside.reset_index(drop=True),
            expected[inside.columns].reset_index(drop=True), check_exact=True)
        rows = local.backtest[local.backtest["unique_id"].str.startswith(authority + "|")]
        assert rows.drop(columns="unique_id").reset_index(drop=True).equals(
            alone.backtest.drop(columns="indicator").reset_index(drop=True))
        pd.testing.assert_frame_equal(local.results[authority].distribution, alone.distribution)


def test_every_series_gets_one_chosen_model_and_ordered_intervals(panel, local):
    chosen = local.backtest[local.backtest["chosen"]]
    assert chosen["unique_id"].nunique() == panel["unique_id"].nunique() == len(chosen)
    # the single-council engine's default: the combination wherever it runs (36 months: always)
    assert set(chosen["model"]) <= {"Combination", "Combination+holiday"}
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
    assert set(result.forecasts["unique_id"]) == {"A|P"}


def test_an_id_without_an_authority_comes_back_as_it_went_in():
    months = pd.date_range("2015-01-01", periods=20, freq="MS")
    frame = pd.DataFrame({"unique_id": "LONE", "ds": months, "y": np.arange(20.0) + 5})
    result = run_panel(frame, 3)
    assert set(result.forecasts["unique_id"]) == {"LONE"} and len(result.forecasts) == 3


def test_partition_deals_the_largest_first_to_the_least_loaded_group():
    # sizes 5, 4, 3, 2, 1 into 2 groups: 5 -> g0; 4 -> g1; 3 -> g1 (4 < 5); 2 -> g0 (5 < 7); 1 -> g0 (7 = 7,
    # earlier group wins). Loads 8 and 7; each group keeps the input order.
    sizes = {"a": 5, "b": 4, "c": 3, "d": 2, "e": 1}
    assert partition(list("abcde"), sizes, 2) == [["a", "d", "e"], ["b", "c"]]
    assert partition(list("ab"), sizes, 10) == [["a"], ["b"]]     # never more groups than authorities
    assert partition([], sizes, 4) == []


def test_few_large_partitions_not_one_task_per_series(monkeypatch, panel):
    """3 authorities x 4 series with n_jobs=1 -> one task each (PARTITIONS_PER_WORKER = 8, never more tasks
    than authorities); `partitions` sets the number: 2 tasks, one forecasting two authorities."""
    calls: list[list[str]] = []
    real = distributed._forecast_partition

    def spy(items, settings):
        calls.append([name for name, _ in items])
        return real(items, settings)

    monkeypatch.setattr(distributed, "_forecast_partition", spy)
    run_panel(panel, 2)
    assert distributed.PARTITIONS_PER_WORKER == 8 and len(calls) == 3
    assert sorted(name for call in calls for name in call) == ["SYN000", "SYN001", "SYN002"]
    calls.clear()
    run_panel(panel, 2, partitions=2)
    assert sorted(map(len, calls)) == [1, 2]
    calls.clear()
    run_panel(panel, 2, partitions=1)
    assert calls == [["SYN000", "SYN001", "SYN002"]]


def test_a_run_past_its_timeout_stops_with_a_timeout_error(panel):
    with pytest.raises(TimeoutError, match="did not finish within 0 s in this process"):
        run_panel(panel, 2, partitions=3, timeout=0)
    assert len(run_panel(panel, 2, partitions=3, timeout=600).results) == 3


DASK_CHECK = """
import json, sys
import numpy as np
from forecasting.engine.distributed import run_panel
from forecasting.data.panel import synthetic_panel
panel = synthetic_panel(3, 4, 36, seed=7)
local = run_panel(panel, 6)
processes = run_panel(panel, 6, n_jobs=2)
dask = run_panel(panel, 6, engine="dask", n_jobs=2)
try:
    run_panel(panel, 6, engine="dask", n_jobs=2, partitions=3, timeout=0)
    dask_timed_out = False
except TimeoutError as error:
    dask_timed_out = "did not finish within 0 s on Dask" in str(error)
out = {"dask_timed_out": dask_timed_out}
for name, other in (("dask", dask), ("processes", processes)):
    f = local.forecasts.merge(other.forecasts, on=["unique_id", "month"], suffixes=("_l", "_d"))
    s = local.backtest.merge(other.backtest, on=["unique_id", "model"], suffixes=("_l", "_d"))
    diff = lambda a, b: float(np.nanmax(np.abs(a - b)))
    out[name] = {"rows": len(f), "expected": len(local.forecasts),
                 "same_models": bool((f.model_l == f.model_d).all()), "mean": diff(f.mean_d, f.mean_l),
                 "lo95": diff(f.lo95_d, f.lo95_l), "hi95": diff(f.hi95_d, f.hi95_l),
                 "mase": diff(s.mase_d, s.mase_l)}
print(json.dumps(out))
"""


def test_dask_and_process_paths_match_the_local_path():
    """Run in a fresh interpreter: Dask's worker processes re-import the parent's __main__, which under pytest
    can be whatever script ran last (e.g. a Streamlit page in AppTest)."""
    import json
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", DASK_CHECK], capture_output=True, text=True, timeout=600,
                            check=False, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found.pop("dask_timed_out"), "a Dask run past its timeout should stop with a TimeoutError"
    for back_end in ("dask", "processes"):
        check = found[back_end]
        assert check["rows"] == check["expected"] and check["same_models"], (back_end, check)
        for column in ("mean", "lo95", "hi95", "mase"):
            assert check[column] == 0.0, (back_end, column, check)


def test_unknown_engine_is_refused(panel):
    with pytest.raises(ValueError, match="engine must be one of"):
        run_panel(panel, 3, engine="spark")
