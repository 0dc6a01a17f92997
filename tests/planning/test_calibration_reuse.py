"""The pipeline calibration is kept by the history it reads and the parameters it reads (issue 16, speed: a
cost edit rebuilds the baseline): the kept rates equal a fresh calibration's, each caller gets its own notes
list (build_baseline adds to it), and a parameter it reads calibrates again."""

from __future__ import annotations

import pytest

from forecasting.planning import memo
from forecasting.planning import pipeline_calibration as pc
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.prices import current_financial_year, enter_costs


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setattr(memo, "STRICT", True)


def test_a_cost_edit_reuses_the_calibration_and_it_equals_a_fresh_one(embedded_dataset):
    shipped = load_parameters()
    first = pc.calibrate_pipeline(embedded_dataset, shipped)
    edited = enter_costs(shipped, {"unit_cost_ifa": 900.0}, current_financial_year(embedded_dataset))
    hits = pc._CALIBRATIONS.hits
    kept = pc.calibrate_pipeline(embedded_dataset, edited)
    assert pc._CALIBRATIONS.hits == hits + 1
    pc._CALIBRATIONS.clear()
    fresh = pc.calibrate_pipeline(embedded_dataset, edited)
    assert kept.rates == fresh.rates and kept.notes == fresh.notes
    assert kept.table().equals(fresh.table())
    kept.notes.append("added by a caller")  # its own list: the next caller does not see it
    assert pc.calibrate_pipeline(embedded_dataset, edited).notes == fresh.notes
    assert first.rates == fresh.rates  # costs are not read


def test_a_parameter_it_reads_calibrates_again(embedded_dataset):
    shipped = load_parameters()
    before = pc.calibrate_pipeline(embedded_dataset, shipped)
    edited = with_overrides(shipped, {"assessment_nfa_pct": shipped["assessment_nfa_pct"].value + 5})
    misses = pc._CALIBRATIONS.misses
    after = pc.calibrate_pipeline(embedded_dataset, edited)
    assert pc._CALIBRATIONS.misses == misses + 1
    assert after.rates != before.rates
    pc._CALIBRATIONS.clear()
    assert pc.calibrate_pipeline(embedded_dataset, edited).rates == after.rates
