"""Scenario rules on hand-worked toys, each named by the rule it checks: a month lever given as a date, the
words for a lever that is not a number, saving returns the path it wrote, the scorecard indicators a scenario
moves (placement mix from the first forecast month, outflows only where the baseline has them), the baseline's
effect models reused only when they fit, and `project` without a scenario is the engine's baseline."""

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.errors import UserFacingError
from forecasting.planning import scenario_effects, scenarios
from forecasting.planning.projection import Projection
from forecasting.planning.scenarios import (
    Levers,
    Scenario,
    indicator_deltas,
    load_scenario,
    save_scenario,
    scenario_from_dict,
)

MONTHS = pd.date_range("2018-07-01", periods=6, freq="MS")  # Jul .. Dec 2018


def test_a_month_lever_given_as_a_date_is_kept_as_its_year_and_month():
    assert Levers(edge_of_care_start=dt.date(2018, 10, 15)).edge_of_care_start == "2018-10"
    assert Levers(recruits_start=dt.datetime(2019, 1, 31, 9, 30)).recruits_start == "2019-01"
    assert Levers(early_help_start=" 2018-09 ").early_help_start == "2018-09"


def test_a_lever_that_is_not_a_number_is_named_with_its_unit_and_range():
    data = {"schema_version": 1, "name": "x", "levers": {"recruits_fte": "eight"}}
    with pytest.raises(UserFacingError) as caught:
        scenario_from_dict(data, "plan.yaml")
    assert str(caught.value) == (
        "plan.yaml: key 'levers.recruits_fte' must be a number (FTE social workers, 0 to 40), got 'eight'"
    )


def test_a_scenario_without_levers_is_all_neutral():
    scenario = scenario_from_dict({"schema_version": 1, "name": "nothing yet"})
    assert scenario.active_groups() == []
    assert scenario.levers == Levers()


def test_saving_returns_the_path_it_wrote_and_only_moved_levers_are_written(tmp_path):
    scenario = Scenario(schema_version=1, name="Edge of care").with_levers(edge_of_care_extra_exits=2.0)
    path = save_scenario(scenario, tmp_path / "plans" / "edge.yaml")
    assert path == tmp_path / "plans" / "edge.yaml"
    assert path.read_text(encoding="utf-8") == (
        "schema_version: 1\nname: Edge of care\ndescription: ''\nlevers:\n  edge_of_care_extra_exits: 2.0\n"
    )
    assert load_scenario(path) == scenario
    # a second file in the same (now existing) folder
    assert save_scenario(scenario, tmp_path / "plans" / "again.yaml").exists()


def _flows_baseline(flows):
    return SimpleNamespace(months=MONTHS, flows=flows)


def _pipeline_deltas(**extra):
    zeros = np.zeros(6)
    return {"early_help_plans": zeros, "early_help_assessments": zeros, **extra}


def test_extra_in_house_carers_ramp_from_the_first_forecast_month_when_no_start_is_given():
    # 6 extra carers over a 2-month ramp from July: 6 x (0.5, 1, 1, 1, 1, 1) = 3, 6, 6, 6, 6, 6 (LAC16);
    # the children moved out of agency placements are LAC9 (val) as the cost model gives them
    levers = Levers(extra_in_house_carers=6.0, in_house_carers_ramp_months=2.0)
    moved = np.array([-1.0, -2.0, -3.0, -3.0, -3.0, -3.0])
    out = indicator_deltas(_pipeline_deltas(), {"ifa_children": (None, moved)}, levers, _flows_baseline({}))
    assert list(out["LAC16"]) == [3.0, 6.0, 6.0, 6.0, 6.0, 6.0]
    assert list(out["LAC9 (val)"]) == list(moved)
    # from a start month: September, ramp 2 -> 0, 0, 3, 6, 6, 6
    later = Levers(extra_in_house_carers=6.0, in_house_carers_ramp_months=2.0,
                   in_house_carers_start="2018-09")
    out = indicator_deltas(_pipeline_deltas(), {"ifa_children": (None, moved)}, later, _flows_baseline({}))
    assert list(out["LAC16"]) == [0.0, 0.0, 3.0, 6.0, 6.0, 6.0]


def test_outflows_move_their_indicators_only_where_the_baseline_has_them():
    # CP plans ended (CP7) is in the baseline's flows, children ceasing care (LAC4) is not: only CP7 moves;
    # the flows' own indicators follow their measure (contacts -> M1) only where the baseline has the flow
    ended, ceased, contacts = np.full(6, 2.0), np.full(6, 3.0), np.full(6, -10.0)
    deltas = _pipeline_deltas(cp_plans_ended=ended, lac_ceased=ceased, contacts=contacts, referrals=contacts)
    baseline = _flows_baseline({"cp_plans_ended": np.ones(6), "contacts": np.ones(6)})
    out = indicator_deltas(deltas, {}, Levers(), baseline)
    assert sorted(out) == ["CP7", "EH1b", "EH1c", "M1"]
    assert list(out["CP7"]) == [2.0] * 6 and list(out["M1"]) == [-10.0] * 6


def _stored(key):
    return SimpleNamespace(params_key=key, capacity="capacity read off the history")


@pytest.fixture
def built(monkeypatch):
    calls = []

    def build_effect_models(baseline, dataset, params, neutral, **kwargs):
        calls.append(kwargs)
        return "new models"

    monkeypatch.setattr(scenario_effects, "build_effect_models", build_effect_models)
    monkeypatch.setattr(scenario_effects, "params_key", lambda params: params["key"])
    return calls


def test_the_baselines_effect_models_are_reused_only_for_the_same_parameters_and_no_stand_in(built):
    stored = _stored("A")
    baseline = SimpleNamespace(effects=stored, dataset=None)
    assert scenarios._effects_for(baseline, {"key": "A"}, None, None) is stored
    assert built == []
    # other parameter values: new models, keeping the calibrated capacity
    assert scenarios._effects_for(baseline, {"key": "B"}, None, None) == "new models"
    assert built[-1] == {"capacity": "capacity read off the history", "workforce_model": None,
                         "cost_model": None}
    # a stand-in workforce or cost model: new models with it
    assert scenarios._effects_for(baseline, {"key": "A"}, "my workforce", None) == "new models"
    assert built[-1]["workforce_model"] == "my workforce" and built[-1]["cost_model"] is None
    assert scenarios._effects_for(baseline, {"key": "A"}, None, "my costs") == "new models"
    assert built[-1]["cost_model"] == "my costs" and built[-1]["workforce_model"] is None
    # no stored models: new ones, no capacity to carry
    assert scenarios._effects_for(SimpleNamespace(effects=None, dataset=None), {"key": "A"}, None, None) == \
        "new models"
    assert built[-1]["capacity"] is None


class _EngineLike:
    def __init__(self):
        self.distribution = pd.DataFrame({"indicator": "X", "month": MONTHS, "model": "toy",
                                          "scale": "identity", "loc": 100.0, "sd": 10.0, "multiplier": 1.0})
        self.settings = SimpleNamespace(levels=(80, 95))


def test_project_without_a_scenario_is_the_engines_baseline():
    catalogue = pd.DataFrame({"unit": ["count"]}, index=pd.Index(["X"], name="indicator"))
    observed = pd.DataFrame({"unique_id": "X", "ds": pd.Timestamp("2018-06-01"), "y": [1.0]})
    dataset = Dataset(observed, catalogue)
    projection = scenarios.project(dataset, _EngineLike())
    assert isinstance(projection, Projection) and projection.label == "baseline"
    # N(100, 10) each month: median 100, 95% range 100 -+ 1.96 x 10
    row = projection.forecasts.iloc[0]
    assert row["mean"] == 100.0
    assert (row["lo95"], row["hi95"]) == (pytest.approx(80.400360), pytest.approx(119.599640))
