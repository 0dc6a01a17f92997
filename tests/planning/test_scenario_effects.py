"""Workforce effects on top of the engine's forecast: one baseline per timeliness measure, FTE needed from it,
each team's own caseload norm."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.engine.forecast import run_forecast
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.scenario_effects import (
    TIMELINESS,
    demand_frame,
    staffing_fte_needed,
    staffing_projection,
)
from forecasting.planning.scenarios import build_baseline
from forecasting.planning.workforce import TimelinessCurve, fte_needed


@pytest.fixture(scope="module")
def baseline(embedded_dataset):
    flows, _ = build_baseline(embedded_dataset, run_forecast(embedded_dataset), load_parameters())
    return flows


def test_timeliness_at_the_assumed_staffing_is_the_engines_forecast(baseline):
    projection = staffing_projection(baseline, baseline.params)
    for measure in TIMELINESS:
        shown = projection.timeliness.query("measure == @measure")["on_time_pct"].to_numpy()
        np.testing.assert_array_equal(shown, baseline.projection.means(measure))
    # the figure the Overview shows for EH4-QL in Mar-20 (about 48%), not the load model's own (~80%)
    table = baseline.projection.forecasts
    eh4 = table.loc[
        (table["indicator"] == "EH4-QL") & (table["month"] == pd.Timestamp("2020-03-01")), "mean"
    ].iloc[0]
    assert projection.timeliness.query("measure == 'EH4-QL'")["on_time_pct"].iloc[-1] == eh4


def test_more_assessment_staff_never_lower_timeliness(baseline):
    more = with_overrides(
        baseline.params,
        {"establishment_fte_assessment": baseline.params["establishment_fte_assessment"].value + 8},
    )
    base = staffing_projection(baseline, baseline.params).timeliness.query("measure == 'EH4-QL'")
    plus = staffing_projection(baseline, more).timeliness.query("measure == 'EH4-QL'")
    assert (plus["on_time_pct"].to_numpy() >= base["on_time_pct"].to_numpy() - 1e-12).all()


def test_each_case_holding_team_uses_its_own_norm(baseline):
    needed = staffing_fte_needed(baseline, baseline.params, {"cin_cp": 18.0, "lac": 12.0})
    demand = demand_frame(baseline)
    lac = needed.query("team == 'lac'")["fte_for_norm"].to_numpy()
    np.testing.assert_allclose(lac, demand["lac"].to_numpy() / 12.0)  # LAC children / 12, not / 18
    cin = needed.query("team == 'cin_cp'")["fte_for_norm"].to_numpy()
    np.testing.assert_allclose(cin, (demand["cin_open"] + demand["cp_plans"]).to_numpy() / 18.0)


def test_fte_for_timeliness_starts_from_the_offset_baseline():
    """Toy: curve on-time = 100 x logistic(2 - 2u); target 80%, offset -10 points (the engine is 10 points
    below the curve) -> the curve must reach 90%: logit(0.9) = 2.1972, u_max = (2 - 2.1972) / 2 = -0.0986 < 0,
    impossible; offset +10 -> the curve needs 70%: u_max = (2 - logit(0.7)) / 2 = (2 - 0.8473) / 2 = 0.5764;
    workload 100 a month at 10 per FTE -> 100 / (10 x 0.5764) = 17.35 FTE."""
    months = pd.date_range("2018-07-01", periods=2, freq="MS")
    demand = pd.DataFrame(
        {
            "contacts": 1.0,
            "referrals": 1.0,
            "assessments": 100.0,
            "cin_open": 1.0,
            "cp_plans": 1.0,
            "lac": 1.0,
        },
        index=months,
    )
    curves = {m: TimelinessCurve(m, 2.0, 2.0, True) for m in TIMELINESS}
    capacity = {"mash": 10.0, "assessment": 10.0}
    params = load_parameters(include_levers=False)
    rows = fte_needed(
        demand,
        params,
        timeliness_target={"EH4-QL": 80.0},
        curves=curves,
        capacity=capacity,
        offsets={"EH4-QL": np.array([10.0, -10.0])},
    ).query("team == 'assessment'")
    assert rows["fte_for_timeliness"].iloc[0] == pytest.approx(
        100 / (10 * (2 - np.log(0.7 / 0.3)) / 2), rel=1e-9
    )
    assert np.isinf(rows["fte_for_timeliness"].iloc[1])
