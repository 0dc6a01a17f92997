"""A Workforce norm or target slider reuses the view's plan tables (flows, costs, projection, queue, loads)
worked out for the same baseline and parameters (issue 16, speed): the view equals a fresh one exactly, and
a staffing edit or another baseline works them out again."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from forecasting.engine.forecast import run_forecast
from forecasting.planning import memo
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.scenarios import build_baseline

view_module = importlib.import_module("forecasting.planning.workforce_view")


@pytest.fixture(scope="module")
def baseline(embedded_dataset):
    return build_baseline(embedded_dataset, run_forecast(embedded_dataset), load_parameters())[0]


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setattr(memo, "STRICT", True)


def _assert_same(kept, fresh):
    for name in ("flows", "costs", "cost_by_year", "queue", "loads", "plan", "sources"):
        pd.testing.assert_frame_equal(getattr(kept, name), getattr(fresh, name), check_exact=True)
    pd.testing.assert_frame_equal(kept.projection.by_team, fresh.projection.by_team, check_exact=True)
    pd.testing.assert_frame_equal(kept.projection.timeliness, fresh.projection.timeliness, check_exact=True)
    assert kept.queue_words == fresh.queue_words
    pd.testing.assert_frame_equal(kept.sizing.summary, fresh.sizing.summary, check_exact=True)
    pd.testing.assert_frame_equal(kept.sizing.by_month, fresh.sizing.by_month, check_exact=True)


def test_a_norm_slider_reuses_the_plan_tables_and_gives_the_fresh_view(baseline):
    params = load_parameters()
    store = view_module._PLAN_PARTS
    view_module.workforce_view(baseline, params, {"cin_cp": 16.0}, {})
    hits = store.hits
    kept = view_module.workforce_view(baseline, params, {"cin_cp": 14.0}, {"EH4-QL": 80.0})
    assert store.hits == hits + 1
    store.clear()
    fresh = view_module.workforce_view(baseline, params, {"cin_cp": 14.0}, {"EH4-QL": 80.0})
    _assert_same(kept, fresh)
    assert kept.sizing.summary is not fresh.sizing.summary  # the sizing is always worked out


def test_a_staffing_edit_works_them_out_again(baseline):
    params = load_parameters()
    view_module.workforce_view(baseline, params, {}, {})
    edited = with_overrides(params, {"agency_fte_cin_cp": params["agency_fte_cin_cp"].value + 3})
    misses = view_module._PLAN_PARTS.misses
    kept = view_module.workforce_view(baseline, edited, {}, {})
    assert view_module._PLAN_PARTS.misses == misses + 1
    view_module._PLAN_PARTS.clear()
    _assert_same(kept, view_module.workforce_view(baseline, edited, {}, {}))
    assert not kept.costs.equals(view_module.workforce_view(baseline, params, {}, {}).costs)
