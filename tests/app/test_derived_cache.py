"""The pages' shared tables (ui/derived.py) and the background work that fills them (ui/precompute.py),
issue 16 part 6:
- a cached table is exactly the package's own answer for the same arguments (one answer per question);
- two data sets never share an entry, even with the same observations and different targets;
- after the background work, a new session's first visit to Overview, Scenarios, Workforce and Finance does
  no planning work at all (every table is found ready);
- every cache is bounded in entries and time.
"""
from __future__ import annotations

import dataclasses
import os
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from forecasting import run_forecast
from forecasting.planning import (
    HEADLINES,
    Projection,
    apply_scenario,
    build_baseline,
    evaluate_targets,
    finance_view,
    headline_table,
    read_saved,
    workforce_view,
)
from forecasting.reports import finance_sheets, small_multiples
from ui import derived, precompute, scenario_charts, state

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "scenarios" / "combined-plan.yaml"
TIMEOUT = 180


@pytest.fixture(scope="module")
def direct(embedded_dataset):
    """The package's own figures for the embedded data with the shipped assumptions (no Streamlit)."""
    params = derived.shipped(embedded_dataset).params
    forecast = run_forecast(embedded_dataset)
    baseline, calibration = build_baseline(embedded_dataset, forecast, params)
    plan = read_saved(PLAN)
    result = apply_scenario(baseline, plan, calibration, params)
    return {"params": params, "forecast": forecast, "baseline": baseline, "result": result, "plan": plan}


def test_cached_tables_are_the_package_answer(embedded_dataset, direct):
    basis = derived.shipped(embedded_dataset)
    params, plan = direct["params"], direct["plan"]

    cached = derived.scenario_result(basis, plan)
    pd.testing.assert_frame_equal(cached.table, direct["result"].table)
    own_targets = evaluate_targets(direct["result"].projection, params=params)
    pd.testing.assert_frame_equal(derived.scenario_targets(basis, plan), own_targets)
    pd.testing.assert_frame_equal(derived.scenario_headlines(basis, plan),
                                  headline_table(direct["result"].projection, own_targets))
    charts = scenario_charts.scenario_charts(basis, plan)
    assert [label for _, label, _ in charts] == [label for _, label, _, _ in scenario_charts.CHARTS]
    lac = next(figure for _, label, figure in charts if label == "Looked-after children")
    end = direct["result"].table.query("measure == 'lac'")["scenario"].to_numpy()
    assert any(list(trace.y) == list(end) for trace in lac.data)     # the scenario's own line
    pd.testing.assert_frame_equal(derived.baseline_targets(basis),
                                  evaluate_targets(direct["baseline"].projection, params=params))
    projection = Projection.from_forecast(embedded_dataset, direct["forecast"])
    pd.testing.assert_frame_equal(derived.headlines(basis),
                                  headline_table(projection, evaluate_targets(projection, params=params)))
    panels = [(label, embedded_dataset.series(code), projection.forecasts.query("indicator == @code"))
              for code, label in HEADLINES if code in embedded_dataset.indicator_codes]
    assert derived.overview_chart(basis).to_json() == small_multiples(panels).to_json()
    assert derived.overview_chart(basis) is derived.overview_chart(basis)       # one object, shared

    norms = {"cin_cp": 17.0, "lac": 14.0}
    shared = derived.workforce(basis, norms, {"EH4-QL": 80.0})
    own = workforce_view(direct["baseline"], params, norms, {"EH4-QL": 80.0})
    pd.testing.assert_frame_equal(shared.sizing.summary, own.sizing.summary)
    pd.testing.assert_frame_equal(shared.flows, own.flows)
    assert derived.workforce(basis, norms, {"EH4-QL": 80.0}) is shared       # one object, shared

    view, sheets = derived.finance(basis, plan, None)
    own_view = finance_view(direct["result"], params)
    own_sheets = finance_sheets(own_view, params)
    assert list(sheets) == list(own_sheets)
    for name in own_sheets:
        pd.testing.assert_frame_equal(sheets[name], own_sheets[name], obj=name)
    pd.testing.assert_frame_equal(view.by_year, own_view.by_year)


def test_edits_and_uploads_are_part_of_the_key(embedded_dataset, direct):
    basis = derived.shipped(embedded_dataset)
    cheaper = derived.Basis(embedded_dataset, state.parameters_for(embedded_dataset, {
        "unit_cost_residential": 3000.0}, None), state.edits_key({"unit_cost_residential": 3000.0}, None))
    plan = direct["plan"]
    shipped_view, _ = derived.finance(basis, plan, None)
    cheaper_view, _ = derived.finance(cheaper, plan, None)
    assert cheaper_view is not shipped_view
    assert not cheaper_view.by_year.equals(shipped_view.by_year)
    budget = pd.DataFrame({"line": ["net cost"], "financial_year": ["2019-20"], "budget": [1.0]})
    assert derived.frame_key(budget) != derived.frame_key(budget.assign(budget=[2.0])) != ""
    assert derived.frame_key(None) == ""
    renamed = plan.model_copy(update={"name": "Another name"})
    assert derived.plan_key(renamed) != derived.plan_key(plan)


def test_two_data_sets_never_share_an_entry(embedded_dataset):
    # same observations, other targets (what a targets upload on the Data page makes): other key, own table
    targets = embedded_dataset.targets.assign(target=embedded_dataset.targets["target"] * 2)
    other = dataclasses.replace(embedded_dataset, targets=targets)
    assert state.fingerprint(other) != state.fingerprint(embedded_dataset)
    first = derived.baseline_targets(derived.shipped(embedded_dataset))
    second = derived.baseline_targets(derived.shipped(other))
    assert not first["target"].equals(second["target"])
    assert second["target"].dropna().tolist() == pytest.approx(2 * first["target"].dropna())
    # other observations: another key again
    changed = embedded_dataset.observations.assign(y=embedded_dataset.observations["y"] + 1)
    assert state.fingerprint(dataclasses.replace(embedded_dataset, observations=changed)) \
        != state.fingerprint(embedded_dataset)
    # the key of one object is worked out once and is the key of an equal copy
    copy = dataclasses.replace(embedded_dataset)
    assert state.fingerprint(copy) == state.fingerprint(embedded_dataset)


def test_every_shared_cache_is_bounded():
    for cached in (*derived.CACHES, scenario_charts._charts):
        info = cached._info
        assert info.max_entries is not None and info.max_entries <= 32, info.func.__name__
        assert info.ttl == state.CACHE_TTL_SECONDS, info.func.__name__


def test_after_the_background_work_a_first_visit_does_no_planning_work(embedded_dataset, monkeypatch):
    done = precompute.warm(embedded_dataset)
    assert done == ["Overview", "Scenarios", "Workforce", "Finance"]
    calls = []

    def counted(name, real):
        def call(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)
        return call

    for name in ("apply_scenario", "evaluate_targets", "headline_table", "workforce_view", "finance_view"):
        monkeypatch.setattr(derived, name, counted(name, getattr(derived, name)))
    monkeypatch.setattr(derived, "finance_sheets", counted("finance_sheets", derived.finance_sheets))
    monkeypatch.setattr(derived, "small_multiples", counted("small_multiples", derived.small_multiples))
    monkeypatch.setattr(scenario_charts, "scenario_chart", counted("scenario_chart",
                                                                   scenario_charts.scenario_chart))
    for page in ("overview", "scenarios", "workforce", "finance"):
        app = AppTest.from_file(str(ROOT / "views" / f"{page}.py"), default_timeout=TIMEOUT).run()
        assert not app.exception, (page, [e.value for e in app.exception])
    assert calls == []


def test_precompute_is_off_in_app_tests_and_once_per_data_set(embedded_dataset, monkeypatch):
    assert not precompute.enabled()                     # tests/app/conftest.py
    assert precompute.start(embedded_dataset) is None
    monkeypatch.setenv(precompute.ENV, "1")
    ran = []
    monkeypatch.setattr(precompute, "warm", ran.append)
    monkeypatch.setattr(precompute, "_threads", {})
    first = precompute.start(embedded_dataset)
    first.join(timeout=10)
    assert precompute.start(embedded_dataset) is None   # already started for this data set
    assert ran == [embedded_dataset]


def test_background_pieces_wait_while_a_page_runs(monkeypatch):
    ran = []
    pieces = [("Overview", [lambda: ran.append(time.monotonic())])]
    monkeypatch.setattr(precompute, "steps", lambda dataset: pieces)
    with precompute.page_run():
        assert precompute.pages_running() == 1
        worker = threading.Thread(target=precompute.warm, args=(None,))
        worker.start()
        time.sleep(0.5)
        assert ran == []                     # a page is running: the piece waits
        released = time.monotonic()
    worker.join(timeout=10)
    assert precompute.pages_running() == 0
    assert len(ran) == 1 and ran[0] >= released
    assert precompute.warm(None, wait=False) == ["Overview"]


def test_server_cpu_seconds_reads_this_process():
    from browser_support import server_cpu_seconds

    before = server_cpu_seconds(os.getpid())
    sum(i * i for i in range(2_000_000))     # some CPU work
    assert server_cpu_seconds(os.getpid()) > before > 0
