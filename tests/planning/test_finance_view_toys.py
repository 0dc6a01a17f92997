"""The finance view on a toy scenario with no data set (forecasting.planning.finance.finance_view), by hand:
three forecast months, Mar-May 2019; children in care 100, 100, 100 in the baseline and 100, 99, 98 in the
plan; no staffing, delivery or allowance measures.
- prices are in the financial year of the first forecast month when there is no data set: Mar 2019 is in
  2018-19;
- the horizon runs from Mar 2019 to May 2019; 2 fewer children at the end; care years avoided
  (0 + 1 + 2) / 12 = 0.25; the plan costs nothing of its own (no delivery, allowances or staffing measure:
  each counts as 0 a month);
- placement spend by type must add up to the scenario's own placement_cost: 50p out in a month is refused
  in words (the check allows only rounding: 1e-9 of the figure + 1e-6 pounds)."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.finance import finance_view
from forecasting.planning.parameters import load_parameters
from forecasting.planning.scenarios import Scenario

MONTHS = pd.date_range("2019-03-01", periods=3, freq="MS")


def _result(extra_rows: pd.DataFrame | None = None):
    table = pd.DataFrame({"measure": "lac", "month": MONTHS, "baseline": [100.0] * 3,
                          "scenario": [100.0, 99.0, 98.0], "delta": [0.0, -1.0, -2.0]})
    if extra_rows is not None:
        table = pd.concat([table, extra_rows], ignore_index=True)
    return SimpleNamespace(baseline=SimpleNamespace(dataset=None, months=MONTHS), table=table,
                           scenario=Scenario(schema_version=1, name="toy"), delta_draws={}, notes=[])


@pytest.fixture(scope="module")
def params():
    return load_parameters()


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_without_a_data_set_prices_are_in_the_first_forecast_months_year(params):
    view = finance_view(_result(), params)
    assert view.price_base == "2018-19"
    assert view.investment["price_base"] == "2018-19"
    assert list(view.by_month["financial_year"]) == ["2018-19", "2019-20", "2019-20"]


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_the_horizon_its_children_and_a_plan_with_no_costs_of_its_own(params):
    view = finance_view(_result(), params)
    summary = view.investment
    assert summary["first_month"] == pd.Timestamp("2019-03-01")
    assert summary["last_month"] == pd.Timestamp("2019-05-01")
    assert summary["children_fewer_at_end"] == 2.0
    assert summary["care_years_avoided"] == pytest.approx(0.25)
    assert summary["plan_cost_total"] == 0.0
    for column in ("delivery_cost", "allowances_cost", "plan_staffing_cost", "baseline_staffing_cost"):
        assert list(view.by_month[column]) == [0.0, 0.0, 0.0]
    # the first month has the same children in both cases, so nothing is avoided in it
    assert view.by_month["avoided_placement_spend"].iloc[0] == 0.0
    assert np.all(view.by_month["avoided_placement_spend"].iloc[1:] > 0)


@pytest.mark.filterwarnings("ignore::FutureWarning")
def test_placement_spend_that_does_not_add_up_to_the_scenarios_cost_is_refused(params):
    spend = finance_view(_result(), params).by_month["plan_placement_cost"].to_numpy()
    rows = pd.DataFrame({"measure": "placement_cost", "month": MONTHS, "baseline": spend,
                         "scenario": spend, "delta": 0.0})
    finance_view(_result(rows), params)  # the scenario's own cost: accepted
    rows["scenario"] = spend + np.array([0.0, 0.5, 0.0])
    with pytest.raises(ValueError, match="does not add up to the scenario's placement_cost"):
        finance_view(_result(rows), params)
