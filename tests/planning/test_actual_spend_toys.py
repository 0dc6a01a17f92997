"""Actual spend uploads, hand-computed: a month's uploaded spend replaces the costed figure of its type, the
year says which months are actual spend (any type uploaded), and rows for months that cannot take it are named
in a note instead of vanishing."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.costs import project_placement_costs
from forecasting.planning.finance import finance_view
from forecasting.planning.levers import LEVERS
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.scenarios import Levers

MONTHS = pd.date_range("2019-04-01", periods=3, freq="MS")  # Apr .. Jun 2019
MIX = {"in_house_fostering": 0.5, "ifa": 0.5, "residential": 0.0, "kinship": 0.0, "supported_other": 0.0}


@pytest.fixture(scope="module")
def params():
    rates = {f"placement_inflation_pct_{k}": 0.0
             for k in ("in_house_fostering", "ifa", "residential", "supported_other")}
    return with_overrides(load_parameters(include_levers=False), {
        "unit_cost_in_house_fostering": 600, "unit_cost_ifa": 1200, **rates, "weeks_per_year": 52.0})


def test_uploaded_spend_replaces_one_type_and_the_year_says_actual_spend(params):
    spent = pd.DataFrame({"month": [MONTHS[1], pd.Timestamp("2020-01-01")], "placement_type": ["ifa", "ifa"],
                          "spend": [50000.0, 1.0]})
    costs = project_placement_costs(pd.Series(10.0, index=MONTHS), params, mix=MIX, actual_spend=spent)
    # 5 in-house x 600 + 5 IFA x 1,200 = 9,000 a week; x 52 / 12 = 39,000 a month
    assert costs.total_by_month.tolist() == pytest.approx([39000.0, 13000.0 + 50000.0, 39000.0])
    year = costs.by_financial_year
    assert set(year["months_basis"]) == {"Apr 2019 forecast, May 2019 actual spend, Jun 2019 forecast"}
    assert year["spend"].sum() == pytest.approx(39000 * 2 + 63000)
    assert costs.notes == ["Uploaded actual spend for Jan 2020 was not used: those months are outside "
                           "Apr 2019-Jun 2019, the months that can take uploaded spend."]


def _toy_result():
    """A plan on data observed to May 2019 (so April and May are the elapsed months of 2019-20)."""
    forecast = pd.date_range("2019-06-01", periods=10, freq="MS")  # Jun 2019 .. Mar 2020
    observed = pd.DataFrame({"unique_id": "LAC1", "ds": MONTHS[:2], "y": [10.0, 10.0]})
    dataset = Dataset(observed, pd.DataFrame({"unit": "count"}, index=pd.Index(["LAC1"], name="indicator")))
    rows = [("lac", np.full(10, 10.0), np.full(10, 10.0)), ("delivery_cost", np.zeros(10), np.zeros(10)),
            ("allowances_cost", np.zeros(10), np.zeros(10))]
    table = pd.concat([pd.DataFrame({"measure": name, "month": forecast, "baseline": base, "scenario": scen,
                                     "delta": scen - base}) for name, base, scen in rows], ignore_index=True)
    neutral = Levers(**{name: spec.neutral for name, spec in LEVERS.items()})
    return SimpleNamespace(baseline=SimpleNamespace(dataset=dataset, months=forecast), table=table, notes=[],
                           scenario=SimpleNamespace(name="toy", levers=neutral))


def test_with_a_plan_only_the_elapsed_months_take_uploaded_spend(params):
    mixed = with_overrides(params, {"share_ifa": 0.5, "share_in_house_fostering": 0.5,
                                    "share_residential": 0.0})
    spent = pd.DataFrame({"month": [MONTHS[0], MONTHS[2]], "placement_type": ["ifa", "ifa"],
                          "spend": [70000.0, 1.0]})
    view = finance_view(_toy_result(), mixed, actual_spend=spent)
    year = view.by_year.set_index("financial_year").loc["2019-20"]
    assert year["months_basis"] == ("Apr 2019 actual spend, May 2019 actual, Jun 2019-Mar 2020 forecast")
    # April: 13,000 in-house (costed) + 70,000 IFA (uploaded); the other 11 months 39,000 each
    assert year["baseline_placement_cost"] == pytest.approx(83000 + 11 * 39000)
    assert year["net_saving"] == pytest.approx(0.0)  # the same for baseline and plan
    assert any("Jun 2019 was not used" in note for note in view.notes)
