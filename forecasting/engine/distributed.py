"""Back-test and forecast a panel of many series (authorities x indicators) locally or on Dask.

One statsforecast run serves the whole panel; the engine only decides where it runs:
- `engine="local"`: statsforecast's own process pool (`n_jobs`);
- `engine="dask"`: statsforecast's Dask back-end (via fugue) on the scheduler at `scheduler`, or on a
  LocalCluster bound to 127.0.0.1 (no dashboard) when no address is given.
Both run the same models on the same data, so they give the same numbers (tested).

Model set for scale (SCALE_MODELS): Naive, SeasonalNaive (12), RandomWalkWithDrift, HistoricAverage and
OptimizedTheta (12-month season, deseasonalised when the seasonality test says so). Measured per series (2
back-test fits + 1 forecast with intervals, 60 months, statsforecast 2.1.1, one core): the four simple models
2.5 ms together, OptimizedTheta 4.0 ms, AutoTheta 11.4 ms (it fits four Theta variants); a seasonal AutoETS
(~55 ms a fit) or AutoARIMA (~75 ms) would put 6,000 series far past a minute on 2 cores. The single-council
engine (forecast.py) keeps the full candidate set. Series are modelled on the same domain scales as the
single-council engine (log1p for counts and rates, logit for percentages). Choice per series: lowest MASE over
the back-test windows, where each error is scaled by the mean absolute month-to-month change of the series
before the first window. """
from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecasting.engine.models import from_model_scale, to_model_scale

log = logging.getLogger(__name__)

SCALE_MODELS = ("Naive", "SeasonalNaive", "RandomWalkWithDrift", "HistoricAverage", "OptimizedTheta")
LEVELS = (80, 95)
SEASON_LENGTH = 12
ENGINES = ("local", "dask")


@dataclass
class PanelResult:
    """`backtest`: unique_id, model, mae, mase, n_points, chosen. `forecasts`: unique_id, month, model, mean,
    lo80, hi80, lo95, hi95 for the chosen model of each series."""

    backtest: pd.DataFrame
    forecasts: pd.DataFrame


def scale_models() -> list:
    from statsforecast.models import (
        HistoricAverage,
        Naive,
        OptimizedTheta,
        RandomWalkWithDrift,
        SeasonalNaive,
    )

    return [
        Naive(),
        SeasonalNaive(season_length=SEASON_LENGTH),
        RandomWalkWithDrift(alias="RandomWalkWithDrift"),
        HistoricAverage(),
        OptimizedTheta(season_length=SEASON_LENGTH),
    ]


@contextmanager
def dask_client(scheduler: str | None, n_workers: int):
    """A Dask client on `scheduler`, or on a LocalCluster bound to 127.0.0.1 without a dashboard."""
    from distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler)
        try:
            yield client
        finally:
            client.close()
        return
    with LocalCluster(n_workers=max(1, n_workers), threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None, processes=True, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def _to_model_scale(panel: pd.DataFrame, scales: pd.Series) -> pd.DataFrame:
    frame = panel[["unique_id", "ds", "y"]].copy()
    for scale, index in frame.groupby(frame["unique_id"].map(scales).fillna("log1p")).groups.items():
        frame.loc[index.tolist(), "y"] = to_model_scale(frame.loc[index.tolist(), "y"].to_numpy(), str(scale))
    return frame


def _run(frame: pd.DataFrame, horizon: int, backtest_horizon: int, n_windows: int, n_jobs: int, engine: str,
         scheduler: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    from statsforecast import StatsForecast
    from statsforecast.models import Naive

    levels = list(LEVELS)
    if engine == "local":
        forecaster = StatsForecast(models=scale_models(), freq="MS", n_jobs=n_jobs, fallback_model=Naive())
        cv = forecaster.cross_validation(df=frame, h=backtest_horizon, n_windows=n_windows,
                                         step_size=backtest_horizon)
        future = forecaster.forecast(df=frame, h=horizon, level=levels)
        return cv, future
    import dask.dataframe as dd

    with dask_client(scheduler, n_jobs) as client:
        partitions = max(
            1, min(frame["unique_id"].nunique(), 4 * max(1, len(client.scheduler_info()["workers"])))
        )
        data = dd.from_pandas(frame, npartitions=partitions)
        # On a Dask frame StatsForecast (through fugue) returns Dask frames, not the pandas type it declares.
        dask_forecaster: Any = StatsForecast(
            models=scale_models(), freq="MS", n_jobs=1, fallback_model=Naive()
        )
        cv = dask_forecaster.cross_validation(df=data, h=backtest_horizon, n_windows=n_windows,
                                         step_size=backtest_horizon).compute()
        future = dask_forecaster.forecast(df=data, h=horizon, level=levels).compute()
    return cv, future


def _scores(cv: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """MAE and MASE per series and model on the model scale (see module docstring)."""
    first_cutoff = cv.groupby("unique_id")["cutoff"].min()
    history = frame.merge(first_cutoff.rename("first_cutoff"), left_on="unique_id", right_index=True)
    history = history[history["ds"] <= history["first_cutoff"]].sort_values(["unique_id", "ds"])
    scale = history.groupby("unique_id")["y"].apply(lambda y: np.abs(np.diff(y.to_numpy())).mean())
    models = [m for m in SCALE_MODELS if m in cv.columns]
    long = cv.melt(
        id_vars=["unique_id", "ds", "cutoff", "y"], value_vars=models, var_name="model", value_name="fit"
    )
    long["abs_error"] = (long["y"] - long["fit"]).abs()
    table = long.groupby(["unique_id", "model"], sort=False).agg(mae=("abs_error", "mean"),
                                                                 n_points=("abs_error", "size")).reset_index()
    table["mase"] = table["mae"] / table["unique_id"].map(scale).replace(0.0, np.nan)
    order = {name: i for i, name in enumerate(SCALE_MODELS)}
    table["order"] = table["model"].map(order)
    ranked = table.sort_values(["unique_id", "mase", "mae", "order"], na_position="last")
    chosen = ranked.groupby("unique_id")["model"].first()
    table["chosen"] = table["model"] == table["unique_id"].map(chosen)
    return table.drop(columns="order").sort_values(["unique_id", "model"]).reset_index(drop=True)


def _chosen_forecasts(future: pd.DataFrame, backtest: pd.DataFrame, scales: pd.Series) -> pd.DataFrame:
    future = future.reset_index() if "unique_id" not in future.columns else future
    chosen = backtest[backtest["chosen"]].set_index("unique_id")["model"]
    parts = []
    for model, ids in chosen.groupby(chosen).groups.items():
        rows = future[future["unique_id"].isin(ids)]
        part = pd.DataFrame({"unique_id": rows["unique_id"], "month": rows["ds"], "model": model,
                             "mean": rows[model]})
        # symmetric bands on the model scale around the point forecast (AutoTheta's own can be lopsided)
        half80 = (rows[f"{model}-hi-80"] - rows[f"{model}-lo-80"]).abs() / 2
        half95 = np.maximum((rows[f"{model}-hi-95"] - rows[f"{model}-lo-95"]).abs() / 2, half80)
        for level, half in ((80, half80), (95, half95)):
            part[f"lo{level}"] = part["mean"] - half
            part[f"hi{level}"] = part["mean"] + half
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    columns = ["mean", "lo80", "hi80", "lo95", "hi95"]
    for scale, index in out.groupby(out["unique_id"].map(scales).fillna("log1p")).groups.items():
        out.loc[index.tolist(), columns] = from_model_scale(
            out.loc[index.tolist(), columns].to_numpy(), str(scale)
        )
    return out.sort_values(["unique_id", "month"]).reset_index(drop=True)


def run_panel(
    panel: pd.DataFrame,
    horizon: int = 21,
    *,
    units: dict[str, str] | None = None,
    n_windows: int = 2,
    backtest_horizon: int = 3,
    engine: str = "local",
    scheduler: str | None = None,
    n_jobs: int = 1,
) -> PanelResult:
    """Back-test SCALE_MODELS on every series of `panel` (unique_id, ds, y), choose by MASE, forecast.

    `units` maps unique_id -> unit (count, percent, rate_per_10k); missing ids are treated as counts.
    Series need at least `n_windows * backtest_horizon + 2` months; blank months are dropped.
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    frame = panel.dropna(subset=["y"]).copy()
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame["unique_id"] = frame["unique_id"].astype(str)
    scales = pd.Series({uid: {"percent": "logit"}.get(unit, "log1p") for uid, unit in (units or {}).items()},
                       dtype=object)
    scaled = _to_model_scale(frame, scales).sort_values(["unique_id", "ds"]).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cv, future = _run(scaled, horizon, backtest_horizon, n_windows, n_jobs, engine, scheduler)
    cv, future = _plain(cv), _plain(future)
    backtest = _scores(cv, scaled)
    return PanelResult(backtest=backtest, forecasts=_chosen_forecasts(future, backtest, scales))


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Same dtypes whichever engine produced it (Dask hands back Arrow-backed columns)."""
    frame = frame.reset_index() if "unique_id" not in frame.columns else frame
    frame = frame.drop(columns=[c for c in ("index",) if c in frame.columns])
    out = pd.DataFrame({"unique_id": frame["unique_id"].astype(str).to_numpy()})
    for column in frame.columns.drop("unique_id"):
        if column in ("ds", "cutoff"):
            out[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]").to_numpy()
        else:
            out[column] = pd.to_numeric(frame[column]).astype(float).to_numpy()
    return out.sort_values(["unique_id", "ds"] + (["cutoff"] if "cutoff" in out else [])).reset_index(
        drop=True
    )
