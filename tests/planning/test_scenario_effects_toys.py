"""Scenario-effect rules on hand-worked toys, each named by the rule it checks: the demand the workforce
model reads (baseline flows plus a scenario's changes; work arriving only where forecast; Early Help's extra
open families), one baseline per timeliness measure for a staffing plan (the engine's forecast plus the plan's
change, kept in 0-100), what FTE-for-timeliness sizing is given, and the baseline LAC passed to the cost model
by month. The workforce and cost models are replaced by stand-ins that return known numbers (monkeypatch):
what is checked is this module's own arithmetic."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning import costs, scenario_effects, workforce
from forecasting.planning.projection import Projection
from forecasting.planning.scenario_effects import demand_frame, placement_costs, staffing_fte_needed
from forecasting.planning.scenarios import Levers

MONTHS = pd.date_range("2018-07-01", periods=3, freq="MS")
Z95 = 1.959963984540054


def _baseline(flows, projection=None, params="baseline plan"):
    return SimpleNamespace(months=MONTHS, flows=flows, projection=projection, params=params,
                           effects=SimpleNamespace(capacity=None, curves="fitted curves"))


def test_the_workforce_demand_is_the_baseline_flows_plus_the_scenarios_changes():
    flows = {"contacts": np.full(3, 1000.0), "referrals": np.full(3, 200.0), "lac": np.full(3, 500.0),
             "s47_enquiries": np.full(3, 40.0), "early_help_plans": np.full(3, 30.0)}
    deltas = {"contacts": np.array([-100.0, -50.0, 0.0]), "s47_enquiries": np.array([2.0, 4.0, 6.0]),
              "early_help_open": np.array([5.0, 10.0, 15.0])}
    frame = demand_frame(_baseline(flows), deltas)
    assert list(frame.index) == list(MONTHS)
    assert list(frame["contacts"]) == [900.0, 950.0, 1000.0]
    assert list(frame["referrals"]) == [200.0] * 3          # no change asked
    assert list(frame["assessments"]) == [0.0] * 3          # no baseline: zero (the caller leaves it out)
    assert list(frame["s47_enquiries"]) == [42.0, 44.0, 46.0]  # work arriving, forecast here
    assert "new_cp_plans" not in frame                      # work arriving not forecast: no column
    assert list(frame["early_help_plans"]) == [30.0] * 3
    assert list(frame["early_help_extra_open"]) == [5.0, 10.0, 15.0]
    # the baseline alone: the flows as they are, no extra open families
    alone = demand_frame(_baseline(flows))
    assert list(alone["contacts"]) == [1000.0] * 3 and list(alone["s47_enquiries"]) == [40.0] * 3
    assert list(alone["early_help_extra_open"]) == [0.0] * 3
    # changes that do not touch Early Help: no extra open families either
    untouched = demand_frame(_baseline(flows), {"contacts": np.zeros(3)})
    assert list(untouched["early_help_extra_open"]) == [0.0] * 3


def _timeliness_projection():
    """The engine's forecasts: M8-QL 80, 80, 98 and EH4-QL 50 a month (percent); no CP8-QL forecast."""
    catalogue = pd.DataFrame({"unit": ["percent", "percent"]}, index=pd.Index(["M8-QL", "EH4-QL"],
                                                                               name="indicator"))
    dataset = Dataset(pd.DataFrame({"unique_id": ["M8-QL", "EH4-QL"], "ds": pd.Timestamp("2018-06-01"),
                                    "y": [80.0, 50.0]}), catalogue)
    rows = [("M8-QL", m, v) for m, v in zip(MONTHS, (80.0, 80.0, 98.0), strict=True)]
    rows += [("EH4-QL", m, 50.0) for m in MONTHS]
    table = pd.DataFrame([{"indicator": c, "month": m, "mean": v, "lo95": v - Z95, "hi95": v + Z95}
                          for c, m, v in rows])
    return Projection.from_table(dataset, table)


@pytest.fixture
def plans(monkeypatch):
    """The workforce model's on-time % by plan: the user's plan and the baseline's plan."""
    on_time = {"my plan": {"M8-QL": 70.0, "EH4-QL": 60.0, "CP8-QL": 50.0},
               "baseline plan": {"M8-QL": 65.0, "EH4-QL": 64.0, "CP8-QL": 40.0}}
    seen = []

    def project_workforce(demand, plan, params, curves=None, capacity=None):
        seen.append((plan, curves, capacity))
        rows = [{"month": m, "measure": k, "team": "t", "utilisation": 0.9, "on_time_pct": v}
                for k, v in on_time[plan].items() for m in MONTHS]
        return SimpleNamespace(by_team=f"{plan} by team", timeliness=pd.DataFrame(rows), curves="curves")

    monkeypatch.setattr(workforce, "project_workforce", project_workforce)
    monkeypatch.setattr(workforce, "StaffingPlan", SimpleNamespace(from_parameters=lambda params: params))
    return seen


def test_a_staffing_plan_moves_each_timeliness_measure_from_the_engines_forecast(plans):
    baseline = _baseline({"contacts": np.full(3, 1000.0)}, _timeliness_projection())
    result = scenario_effects.staffing_projection(baseline, "my plan")
    # M8-QL: engine 80, 80, 98 + (70 - 65) = 85, 85, 103 -> kept at 100; EH4-QL: 50 + (60 - 64) = 46;
    # CP8-QL has no forecast, so it is left out
    table = result.timeliness
    assert list(table.columns) == ["month", "measure", "team", "utilisation", "on_time_pct"]
    assert list(table.index) == list(range(6))
    assert list(table["measure"]) == ["M8-QL"] * 3 + ["EH4-QL"] * 3
    assert list(table["on_time_pct"]) == pytest.approx([85.0, 85.0, 100.0, 46.0, 46.0, 46.0])
    assert result.by_team == "my plan by team"
    assert [(plan, curves) for plan, curves, _ in plans] == [("my plan", "fitted curves"),
                                                             ("baseline plan", "fitted curves")]


def test_fte_for_a_timeliness_target_is_sized_from_the_engines_forecast(plans, monkeypatch):
    asked = {}
    monkeypatch.setattr(workforce, "fte_needed", lambda demand, params, **kw: asked.update(kw, demand=demand))
    baseline = _baseline({"contacts": np.full(3, 1000.0)}, _timeliness_projection())
    # one target for every measure with a forecast: the offsets are engine - the baseline plan's curve
    staffing_fte_needed(baseline, "my plan", timeliness_target=85)
    assert asked["timeliness_target"] == {"M8-QL": 85.0, "EH4-QL": 85.0}
    assert list(asked["offsets"]["M8-QL"]) == [15.0, 15.0, 33.0]      # 80, 80, 98 - 65
    assert list(asked["offsets"]["EH4-QL"]) == [-14.0, -14.0, -14.0]  # 50 - 64
    assert asked["curves"] == "curves"
    # a target for one measure only
    staffing_fte_needed(baseline, "my plan", timeliness_target={"EH4-QL": 90})
    assert asked["timeliness_target"] == {"EH4-QL": 90.0} and list(asked["offsets"]) == ["EH4-QL"]
    # no target: no timeliness sizing; a scenario's changes size its own demand
    staffing_fte_needed(baseline, "my plan", deltas={"contacts": np.array([10.0, 20.0, 30.0])})
    assert asked["timeliness_target"] is None and asked["offsets"] == {}
    assert list(asked["demand"]["contacts"]) == [1010.0, 1020.0, 1030.0]


def test_the_cost_model_gets_the_baseline_children_in_care_by_month(monkeypatch):
    got = {}
    monkeypatch.setattr(costs, "project_placement_costs", lambda lac, params, **kw: got.update(kw, lac=lac))
    placement_costs([500.0, 490.0, 480.0], MONTHS, Levers(), {}, baseline_lac=[500.0, 500.0, 500.0])
    assert isinstance(got["baseline_lac"], pd.Series)
    assert list(got["baseline_lac"].index) == list(MONTHS) and list(got["baseline_lac"]) == [500.0] * 3
    assert list(got["lac"]) == [500.0, 490.0, 480.0] and list(got["extra_in_house_carers"]) == [0.0] * 3
    # without a baseline LAC nothing is passed for it
    got.clear()
    placement_costs([500.0, 490.0, 480.0], MONTHS, Levers(), {})
    assert "baseline_lac" not in got


def test_a_scenarios_caseload_timeliness_and_costs_are_changes_on_the_baseline_models(monkeypatch):
    # the workforce stand-in: caseload_mash = contacts / 100 and caseload_lac = lac / 20; the cost stand-in:
    # placement_cost = 1,000 x children in care. Contacts -100 a month and 10 fewer children in care give
    # caseload_mash -1, caseload_lac -0.5 and placement cost -10,000 a month. The baseline has no assessments,
    # cin_open or cp_plans flow, so caseload_cin_cp is left out with a note.
    monkeypatch.setattr(scenario_effects.plan_costs, "plan_cost_measures", lambda *args: {})

    def workforce_model(demand, levers, params):
        return pd.DataFrame({"caseload_mash": demand["contacts"] / 100, "caseload_cin_cp": demand["cp_plans"],
                             "caseload_lac": demand["lac"] / 20})

    def cost_model(lac, months, levers, params, dataset):
        return pd.DataFrame({"placement_cost": 1000.0 * np.asarray(lac)}, index=months)

    flows = {"contacts": np.full(3, 1000.0), "referrals": np.full(3, 200.0), "lac": np.full(3, 500.0)}
    baseline = _baseline(flows)
    models = SimpleNamespace(workforce_model=workforce_model, cost_model=cost_model,
                             base_workforce=workforce_model(demand_frame(baseline), None, None),
                             base_costs=cost_model(flows["lac"], MONTHS, None, None, None))
    notes = []
    deltas = {"contacts": np.full(3, -100.0), "lac": np.array([-10.0, -10.0, -10.0])}
    out = scenario_effects.workforce_and_costs(baseline, deltas, Levers(), {}, notes, models=models)
    assert sorted(out) == ["caseload_lac", "caseload_mash", "placement_cost"]
    base, delta = out["caseload_mash"]
    assert list(base) == [10.0] * 3 and list(delta) == pytest.approx([-1.0] * 3)
    assert list(out["caseload_lac"][1]) == pytest.approx([-0.5] * 3)
    base, delta = out["placement_cost"]
    assert list(base) == [500_000.0] * 3 and list(delta) == pytest.approx([-10_000.0] * 3)
    assert notes == ["No baseline for assessments, cin_open, cp_plans: CP8-QL, EH4-QL, caseload_assessment, "
                     "caseload_cin_cp left out (they would count those cases as zero)."]
    # a scenario that does not change the children in care leaves the placement cost as it was
    same = scenario_effects.workforce_and_costs(baseline, {"contacts": np.full(3, -100.0)}, Levers(), {}, [],
                                                models=models)
    assert list(same["placement_cost"][1]) == [0.0] * 3
    # without a cost baseline (no children in care forecast) there is no cost measure
    models.base_costs = None
    assert "placement_cost" not in scenario_effects.workforce_and_costs(baseline, deltas, Levers(), {}, [],
                                                                        models=models)


def test_timeliness_curves_are_fitted_on_the_measures_the_data_set_has(monkeypatch):
    asked = {}

    def fit_timeliness(history, observed, plan, params, per_fte, engine_mae=None):
        asked.update(observed=sorted(observed), per_fte=per_fte, engine_mae=engine_mae)
        return "fitted curves"

    monkeypatch.setattr(scenario_effects.workforce_history, "fit_timeliness", fit_timeliness)
    monkeypatch.setattr(scenario_effects.workforce_history, "history_demand", lambda dataset: "history")
    monkeypatch.setattr(workforce, "StaffingPlan", SimpleNamespace(from_parameters=lambda params: "plan"))
    dataset = SimpleNamespace(indicator_codes=["M1", "M8-QL", "CP8-QL"], series=lambda code: code)
    capacity = SimpleNamespace(per_fte={"mash": 30.0})
    assert scenario_effects.fitted_curves(dataset, {}, capacity) == "fitted curves"
    assert asked == {"observed": ["CP8-QL", "M8-QL"], "per_fte": {"mash": 30.0}, "engine_mae": {}}
    # a work-arriving load must also beat the engine's own back-test error (its chosen model's)
    backtest = pd.DataFrame({"indicator": ["M8-QL", "M8-QL"], "model": ["Naive", "Combination"],
                             "mae": [7.2, 7.3], "chosen": [False, True]})  # fmt: skip
    scenario_effects.fitted_curves(dataset, {}, capacity, backtest)
    assert asked["engine_mae"] == {"M8-QL": 7.3}
    # no calibrated capacity, or no data set: the parameter curves (None), nothing fitted
    asked.clear()
    assert scenario_effects.fitted_curves(dataset, {}, None) is None
    assert scenario_effects.fitted_curves(None, {}, capacity) is None
    assert asked == {}

    def too_little(*args, **kwargs):
        raise ValueError("too little history")

    monkeypatch.setattr(scenario_effects.workforce_history, "fit_timeliness", too_little)
    assert scenario_effects.fitted_curves(dataset, {}, capacity) is None


def test_effect_models_take_what_they_are_given_and_run_once_on_the_baseline(monkeypatch):
    calls = []
    monkeypatch.setattr(scenario_effects, "calibrated_capacity", lambda dataset, params: calls.append("cal")
                        or SimpleNamespace(per_fte="calibrated"))
    monkeypatch.setattr(scenario_effects, "fitted_curves",
                        lambda dataset, params, capacity, backtest=None: ("curves", capacity))
    flows = {"contacts": np.full(3, 1000.0), "lac": np.full(3, 500.0)}

    def workforce_model(demand, levers, params):
        return pd.DataFrame({"caseload_mash": demand["contacts"] / 100})

    def cost_model(lac, months, levers, params, dataset):
        return pd.DataFrame({"placement_cost": 1000.0 * np.asarray(lac)}, index=months)

    given = SimpleNamespace(per_fte="given")
    models = scenario_effects.build_effect_models(_baseline(flows), None, {"x": 1.0}, Levers(),
                                                  capacity=given, workforce_model=workforce_model,
                                                  cost_model=cost_model)
    assert calls == []  # a capacity given is not calibrated again
    assert models.capacity is given and models.curves == ("curves", given)
    assert models.params_key == (("x", 1.0),)
    assert models.workforce_model is workforce_model and models.cost_model is cost_model
    assert list(models.base_workforce["caseload_mash"]) == [10.0] * 3
    assert list(models.base_costs["placement_cost"]) == [500_000.0] * 3
    # no capacity given: calibrated once; no children in care forecast: no cost baseline
    models = scenario_effects.build_effect_models(_baseline({"contacts": np.full(3, 1000.0)}), None, {},
                                                  Levers(), workforce_model=workforce_model,
                                                  cost_model=cost_model)
    assert calls == ["cal"] and models.capacity.per_fte == "calibrated" and models.base_costs is None


def test_the_default_workforce_model_uses_the_curves_and_the_calibrated_throughput(monkeypatch):
    asked = []
    def scenario_measures(demand, levers, params, curves, per_fte):
        asked.append((curves, per_fte))
        return "rows"

    monkeypatch.setattr(scenario_effects.workforce_scenario, "scenario_measures", scenario_measures)
    measures = scenario_effects.default_workforce_model("curves", SimpleNamespace(per_fte={"mash": 30.0}))
    assert measures("demand", "levers", "params") == "rows"
    without = scenario_effects.default_workforce_model(None, None)
    assert without("demand", "levers", "params") == "rows"
    assert asked == [("curves", {"mash": 30.0}), (None, None)]


def test_throughput_is_calibrated_only_from_a_data_set_with_the_history_it_needs(monkeypatch):
    monkeypatch.setattr(scenario_effects.workforce_history, "history_demand", lambda dataset: dataset)
    monkeypatch.setattr(workforce, "StaffingPlan", SimpleNamespace(from_parameters=lambda params: "plan"))
    monkeypatch.setattr(scenario_effects.workforce_history, "calibrate_capacity",
                        lambda history, plan, params: f"capacity from {history} with the {plan}")
    found = scenario_effects.calibrated_capacity("the history", {})
    assert found == "capacity from the history with the plan"
    assert scenario_effects.calibrated_capacity(None, {}) is None

    def lacking(*args):
        raise KeyError("M1")

    monkeypatch.setattr(scenario_effects.workforce_history, "calibrate_capacity", lacking)
    assert scenario_effects.calibrated_capacity("the history", {}) is None
