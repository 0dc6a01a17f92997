"""The timeliness half of the planner's answer (planning.workforce_targets): the scorecard's forecast, the
most staffing alone can give on the fitted curve, and when a target is reachable. Hand-computed toy, and on
the embedded data the forecast is the engine's (the scorecard's) own."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning import workforce_targets
from forecasting.planning.timeliness_load import TimelinessCurve

MONTHS = pd.date_range("2018-07-01", periods=3, freq="MS")


def test_best_and_reachable_hand_computed(monkeypatch):
    # curve: on-time = 100 / (1 + exp(-(2 - 2u))): u = 1, 0.5, 0 -> 50, 73.11, 88.08; at no load 88.08
    curve = TimelinessCurve("EH4-QL", 2.0, 2.0, True)
    timeliness = pd.DataFrame(
        {"month": MONTHS, "measure": "EH4-QL", "utilisation": [1.0, 0.5, 0.0], "on_time_pct": [40.0, 45, 50]}
    )
    monkeypatch.setattr(workforce_targets, "staffing_projection", lambda baseline, params: SimpleNamespace(
        timeliness=timeliness))  # fmt: skip
    baseline = SimpleNamespace(effects=SimpleNamespace(curves={"EH4-QL": curve}), params={})
    at_zero = 100 / (1 + np.exp(-2.0))
    # best = forecast + curve(0) - curve(u): 40 + 88.08 - 50 = 78.08; 45 + 88.08 - 73.11 = 59.97; 50
    table = workforce_targets.timeliness_targets(baseline, {"EH4-QL": 60.0}).iloc[0]
    assert table["best_pct"] == pytest.approx(40 + at_zero - 50)
    assert table["best_month"] == "Jul 2018" and table["forecast_last_pct"] == 50.0
    assert table["reachable_from"] == "Jul 2018" and table["months_reachable"] == 1  # 59.97 < 60 in Aug
    (line,) = workforce_targets.target_lines(workforce_targets.timeliness_targets(baseline, {"EH4-QL": 60.0}))
    assert "reachable by staffing in 1 of the months ahead, from Jul 2018" in line
    far = workforce_targets.timeliness_targets(baseline, {"EH4-QL": 80.0})
    assert far["reachable_from"].iloc[0] == "" and far["months_reachable"].iloc[0] == 0
    (line,) = workforce_targets.target_lines(far)
    assert "is 50.0% in Sep 2018 with the plan as it is; target 80%: out of reach" in line
    assert "at most 78.1% (Jul 2018)" in line
    assert workforce_targets.timeliness_targets(baseline, None).empty


def test_the_forecast_in_the_answer_is_the_scorecards(embedded_dataset):
    from forecasting.engine.forecast import run_forecast
    from forecasting.planning.parameters import load_parameters
    from forecasting.planning.scenarios import build_baseline

    baseline, _ = build_baseline(embedded_dataset, run_forecast(embedded_dataset), load_parameters())
    asked = {"EH4-QL": 85.0, "M8-QL": 75.0}
    table = workforce_targets.timeliness_targets(baseline, asked).set_index("measure")
    for measure in ("EH4-QL", "M8-QL"):
        engine = baseline.projection.means(measure, [baseline.months[-1]])[0]
        assert table.loc[measure, "forecast_last_pct"] == pytest.approx(engine)
        assert table.loc[measure, "best_pct"] >= table.loc[measure, "forecast_last_pct"] - 1e-9
    assert table.loc["EH4-QL", "load"] == "assessment_queue"
