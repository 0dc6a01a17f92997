"""The Workforce page's and command's one function (forecasting.planning.workforce_view), on stand-ins with
known answers, so what is checked is its own wiring and words, by hand:
- the timeliness validation table is made only when a forecast result is given AND the baseline has a data
  set (else an empty table);
- the command's lines: what was asked, the sizing answer, the plan's staffing cost by financial year (part
  years said), the queue, each timeliness load's words, the notes;
- the XLSX tables write months as YYYY-MM;
- the timeliness loads: one row per measure with a curve AND a forecast, in words."""

import importlib
from types import SimpleNamespace

import pandas as pd
import pytest

# the module (forecasting.planning re-exports its function under the same name)
wv = importlib.import_module("forecasting.planning.workforce_view")

MONTHS = pd.DatetimeIndex(["2018-07-01", "2018-08-01"])


@pytest.fixture
def stand_ins(monkeypatch):
    calls = []
    sizing = SimpleNamespace(
        answer=lambda: ["MASH / front door: 21 FTE needed."], notes=["a note"],
        summary=pd.DataFrame({"team": ["mash"]}), schedule=pd.DataFrame(), timeliness=pd.DataFrame(),
        by_month=pd.DataFrame({"month": MONTHS, "team": "mash", "fte_needed": [18.0, 21.0]}))
    costs = pd.DataFrame({"month": MONTHS, "team": "mash", "staffing_cost": [1000.0, 1000.0]})
    patches = {
        "size_workforce": lambda baseline, params, norms, targets, scenario: calls.append(
            ("sized", norms, targets)) or sizing,
        "StaffingPlan": SimpleNamespace(from_parameters=lambda params: "plan"),
        "staffing_cost_frame": lambda plan, months, params: costs,
        "cost_by_financial_year": lambda frame: pd.DataFrame(
            {"financial_year": ["2018-19"], "staffing_cost": [2000.0], "months": [2]}),
        "rolling_validation": lambda dataset, result, params: calls.append((dataset, result))
        or pd.DataFrame({"measure": ["M8-QL"]}),
        "staffing_projection": lambda baseline, params: SimpleNamespace(by_team="by team"),
        "queue_table": lambda by_team, params: pd.DataFrame(),
        "queue_lines": lambda queue, params: ["MASH queue: none waiting."],
        "waiting_line": lambda projection, curves: [],
        "flows_frame": lambda plan, months: pd.DataFrame({"month": MONTHS, "filled": [16.0, 16.0]}),
        "timeliness_loads": lambda baseline: pd.DataFrame({"words": ["M8-QL moves with contacts."]}),
        "plan_table": lambda params: pd.DataFrame(),
        "plan_sources": lambda params: pd.DataFrame(),
    }
    for name, stand_in in patches.items():
        monkeypatch.setattr(wv, name, stand_in)
    return calls


def _baseline(dataset):
    return SimpleNamespace(months=MONTHS, dataset=dataset, effects=SimpleNamespace(curves=None))


def test_the_validation_needs_both_a_forecast_result_and_a_data_set(stand_ins):
    view = wv.workforce_view(_baseline("data"), {}, forecast_result="result")
    assert ("data", "result") in stand_ins and list(view.validation["measure"]) == ["M8-QL"]
    stand_ins.clear()
    assert wv.workforce_view(_baseline("data"), {}).validation.empty
    assert wv.workforce_view(_baseline(None), {}, forecast_result="result").validation.empty
    assert ("data", "result") not in stand_ins and (None, "result") not in stand_ins


def test_norms_and_targets_given_reach_the_sizing_and_empty_ones_mean_the_defaults(stand_ins):
    wv.workforce_view(_baseline(None), {}, norms={"mash": 18.0}, targets={"EH4-QL": 85.0})
    wv.workforce_view(_baseline(None), {}, norms={}, targets={})
    assert stand_ins == [("sized", {"mash": 18.0}, {"EH4-QL": 85.0}), ("sized", None, None)]


def test_the_commands_lines_in_order(stand_ins):
    view = wv.workforce_view(_baseline(None), {})
    assert view.lines({"mash": 18.0}, {}) == [
        "Workforce: caseload norms mash 18; no timeliness target.",
        "  MASH / front door: 21 FTE needed.",
        "  Staffing cost of the plan (front-line staff, their managers and support staff): 2018-19 £2,000 "
        "(part year).",
        "  queue: MASH queue: none waiting.",
        "  timeliness: M8-QL moves with contacts.",
        "  note: a note",
    ]


def test_the_workbooks_months_are_year_and_month(stand_ins):
    tables = wv.workforce_view(_baseline(None), {}).tables(["a line"])
    assert list(tables["fte needed by month"]["month"]) == ["2018-07", "2018-08"]
    assert list(tables["staffing flows"]["month"]) == ["2018-07", "2018-08"]
    assert list(tables["notes"]["note"]) == ["a line"]
    assert "timeliness validation" not in tables


def test_a_full_financial_year_is_not_called_a_part_year(stand_ins, monkeypatch):
    monkeypatch.setattr(wv, "cost_by_financial_year", lambda frame: pd.DataFrame(
        {"financial_year": ["2018-19", "2019-20"], "staffing_cost": [12000.0, 3000.0], "months": [12, 3]}))
    lines = wv.workforce_view(_baseline(None), {}).lines({}, {})
    assert ("  Staffing cost of the plan (front-line staff, their managers and support staff): "
            "2018-19 £12,000; 2019-20 £3,000 (part year).") in lines


def test_timeliness_loads_list_each_forecast_measure_with_the_load_its_curve_reads():
    # M8-QL's curve reads the MASH team's own load (contacts arriving through the queue); EH4-QL has a curve
    # but no forecast, so it is left out; no curves at all gives an empty table
    curve = SimpleNamespace(load="team", fitted=True,
                            note="fitted on 24 months, load: contacts arriving (M1) through the MASH queue")
    baseline = SimpleNamespace(effects=SimpleNamespace(curves={"M8-QL": curve, "EH4-QL": curve}),
                               projection=SimpleNamespace(indicators=["M8-QL", "M1"]))
    table = wv.timeliness_loads(baseline)
    assert list(table["measure"]) == ["M8-QL"]
    assert table.loc[0, "words"] == (
        "M8-QL moves with contacts arriving (M1) through the MASH queue (the team's own load, already work "
        "arriving; fitted on 24 months). The engine's forecast stays the baseline; the curve gives only the "
        "change staffing makes.")
    none = SimpleNamespace(effects=SimpleNamespace(curves=None), projection=baseline.projection)
    assert wv.timeliness_loads(none).empty
