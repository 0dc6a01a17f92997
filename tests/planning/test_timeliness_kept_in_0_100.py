"""A scenario's timeliness is kept between 0% and 100% (forecasting.planning.scenarios.apply_scenario): the
engine's forecast is the baseline and the workforce model gives the change, clipped so the scenario's value is
clip(engine + change, 0, 100). By hand, on the embedded data with a stand-in workforce model whose
scenario moves M8-QL (contacts decided within 1 working day) by -1,000 points and CP8-QL by +1,000 points in
every month against its own baseline:
- M8-QL: engine + (-1,000) is below 0, so the scenario shows 0% every month (change = -engine), not 1% or less
  than nothing;
- CP8-QL: engine + 1,000 is above 100, so the scenario shows 100% every month (change = 100 - engine);
- EH4-QL: the model leaves it alone, so the scenario equals the engine's forecast.
The projection every page reads (Projection, `forecasts`) carries the same clipped point values."""

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.scenarios import apply_scenario, build_baseline, scenario_from_dict

PUSH = 1000.0  # points moved by the stand-in model: far past either end of the 0-100 scale


@pytest.fixture(scope="module")
def result(embedded_dataset):
    from forecasting.engine.forecast import run_forecast

    forecast = run_forecast(embedded_dataset)
    baseline, calibration = build_baseline(embedded_dataset, forecast)

    def workforce_model(demand, levers, params):
        """M8-QL and CP8-QL by month: 0 on the neutral plan, -1,000 / +1,000 points with more agency cover."""
        push = PUSH if levers.agency_fte_change else 0.0
        zeros = np.zeros(len(demand))
        return pd.DataFrame({"M8-QL": zeros - push, "EH4-QL": zeros, "CP8-QL": zeros + push})

    def no_costs(lac, months, levers, params, dataset=None):
        return pd.DataFrame(index=months)

    levers = {"agency_fte_change": 5.0}
    scenario = scenario_from_dict({"schema_version": 1, "name": "edges", "levers": levers})
    out = apply_scenario(baseline, scenario, calibration, workforce_model=workforce_model,
                         cost_model=no_costs)
    return baseline, out


def test_a_change_below_0_percent_is_kept_at_0_percent(result):
    baseline, out = result
    engine = baseline.projection.means("M8-QL")
    rows = out.measure("M8-QL")
    assert (engine > 0).all()  # the clip is what brings it to 0, not the forecast itself
    assert list(rows["baseline"]) == list(engine)
    assert list(rows["scenario"]) == [0.0] * len(engine)
    assert list(rows["delta"]) == list(-engine)


def test_a_change_above_100_percent_is_kept_at_100_percent(result):
    baseline, out = result
    engine = baseline.projection.means("CP8-QL")
    rows = out.measure("CP8-QL")
    assert (engine < 100).all()
    assert rows["scenario"].to_numpy() == pytest.approx(np.full(len(engine), 100.0), abs=1e-9)
    assert rows["delta"].to_numpy() == pytest.approx(100.0 - engine, abs=1e-9)


def test_a_measure_the_model_leaves_alone_stays_on_the_engines_forecast(result):
    baseline, out = result
    rows = out.measure("EH4-QL")
    assert list(rows["delta"]) == [0.0] * len(rows)
    assert list(rows["scenario"]) == list(baseline.projection.means("EH4-QL"))


def test_the_projection_every_page_reads_has_the_clipped_values(result):
    _, out = result
    forecasts = out.forecasts.set_index("indicator")
    assert forecasts.loc["M8-QL", "mean"].to_numpy() == pytest.approx(0.0, abs=1e-9)
    assert forecasts.loc["CP8-QL", "mean"].to_numpy() == pytest.approx(100.0, abs=1e-9)
