"""The baseline says where team throughput comes from (forecasting.planning.scenarios.build_baseline), on
stand-ins: a capacity calibrated from the history is described in the calibration notes; without one, the
notes say the parameters are used instead."""

from types import SimpleNamespace

import pytest

from forecasting.planning import scenarios
from forecasting.planning.pipeline_calibration import Calibration


@pytest.fixture
def build(monkeypatch):
    monkeypatch.setattr(scenarios, "calibrate_pipeline", lambda dataset, params: Calibration({}, ["a note"]))
    monkeypatch.setattr(scenarios, "prepare_baseline", lambda forecasts, dataset, calibration, dist:
                        SimpleNamespace())
    monkeypatch.setattr(scenarios, "Projection",
                        SimpleNamespace(from_forecast=lambda dataset, result: "proj"))
    result = SimpleNamespace(forecasts="forecasts", distribution="distribution", backtest="backtest")

    def run(capacity):
        monkeypatch.setattr(scenarios.scenario_effects, "build_effect_models",
                            lambda baseline, dataset, params, levers: SimpleNamespace(capacity=capacity))
        return scenarios.build_baseline("dataset", result, params={"p": 1})

    return run


def test_a_calibrated_capacity_is_described_in_the_notes(build):
    capacity = SimpleNamespace(describe=lambda: ["MASH: 30 contacts per FTE a month from the history."])
    baseline, calibration = build(capacity)
    assert calibration.notes == ["a note", "MASH: 30 contacts per FTE a month from the history."]
    assert (baseline.projection, baseline.dataset, baseline.params, baseline.backtest) == (
        "proj", "dataset", {"p": 1}, "backtest")


def test_without_a_calibrated_capacity_the_notes_name_the_parameters_used(build):
    _, calibration = build(None)
    assert calibration.notes == ["a note", "Team throughput not calibrated from the history; the parameters "
                                 "contacts_per_fte_mash / assessments_per_fte_month are used."]
