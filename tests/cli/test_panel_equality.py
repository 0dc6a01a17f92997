"""One engine for one council or many (issue 12 part 4): an authority identical to the embedded data, run
inside a `panel`, gets the same models and numbers as `forecast` on the embedded data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.cli.main import main
from forecasting.data.panel import load_panel
from forecasting.engine.distributed import run_panel_datasets
from forecasting.engine.forecast import ForecastSettings, run_forecast

COLUMNS = ["mean", "lo80", "hi80", "lo95", "hi95"]


@pytest.fixture(scope="module")
def panel_file(tmp_path_factory, embedded_dataset):
    """The embedded data as a two-authority long file: 'Southampton' (identical) and 'Half' (values / 2)."""
    folder = tmp_path_factory.mktemp("equality")
    frame = embedded_dataset.observations.rename(columns={"unique_id": "indicator", "ds": "month",
                                                          "y": "value"})
    frame = frame.assign(month=frame["month"].dt.strftime("%Y-%m"))
    half = frame.assign(value=frame["value"] / 2)
    long = pd.concat([frame.assign(authority="Southampton"), half.assign(authority="Half")])
    path = folder / "councils.csv"
    long[["authority", "indicator", "month", "value"]].to_csv(path, index=False)
    return path


def _sorted(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def test_engine_gives_an_authority_in_a_panel_exactly_its_own_forecast(panel_file, embedded_dataset):
    loaded = load_panel(panel_file, reference_side_tables=True)
    inside = run_panel_datasets(loaded.datasets, ForecastSettings()).results["Southampton"]
    alone = run_forecast(embedded_dataset, use_cache=False)
    pd.testing.assert_frame_equal(_sorted(inside.forecasts, ["indicator", "month"]),
                                  _sorted(alone.forecasts, ["indicator", "month"]), check_exact=True)
    pd.testing.assert_frame_equal(_sorted(inside.backtest, ["indicator"]),
                                  _sorted(alone.backtest, ["indicator"]), check_exact=True)
    assert inside.explanations == alone.explanations and inside.holiday == alone.holiday


def test_panel_command_output_equals_forecast_command_output(panel_file, tmp_path):
    panel_out, forecast_out = tmp_path / "panel.csv", tmp_path / "forecast.csv"
    assert main(["panel", "--data", str(panel_file), "--reference-side-tables", "--jobs", "1",
                 "--out", str(panel_out)]) == 0
    # the embedded data, horizon 21
    assert main(["forecast", "--no-cache", "--no-accuracy", "--out", str(forecast_out)]) == 0
    panel = pd.read_csv(panel_out)
    own = panel[panel["authority"] == "Southampton"].drop(columns="authority")
    own = _sorted(own, ["indicator", "month"])
    single = _sorted(pd.read_csv(forecast_out), ["indicator", "month"])
    assert len(own) == len(single) == single["indicator"].nunique() * 21
    assert (own[["indicator", "month", "model"]].to_numpy() == single[["indicator", "month", "model"]]
            .to_numpy()).all()
    # the panel file keeps 4 significant figures (cli.panel.FLOAT_FORMAT); the forecast file keeps all
    np.testing.assert_allclose(own[COLUMNS].to_numpy(), single[COLUMNS].to_numpy(), rtol=5e-4, atol=1e-9)
    # the other authority is its own forecast, not a copy
    other = panel[panel["authority"] == "Half"]
    assert len(other) == len(own) and not np.allclose(other["mean"].to_numpy(), own["mean"].to_numpy())
