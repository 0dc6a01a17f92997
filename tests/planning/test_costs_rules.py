"""Placement cost rules on hand-computed toys: financial years, inflation from each cost's base year, the mix,
extra in-house carers, spend and savings."""
from dataclasses import replace

import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.costs import (
    financial_year,
    placement_mix,
    project_placement_costs,
    savings,
    unit_costs,
)
from forecasting.planning.parameters import ParameterError, load_parameters, with_overrides
from forecasting.planning.prices import weeks_per_month


# Finance v2 (issue 15): inflation is by placement type (placement_inflation_pct_<type>, one rate each here,
# set together by `placement_inflation_pct`) and a year has weeks_per_year = 52 weeks here (52.18 shipped), so
# the hand-computed figures below keep their 5% and 52/12.
def _params(placement_inflation_pct=5.0, **extra):
    # costs a week: in-house 500 (2016-17), IFA 1000 (2020-21), residential 3000 (2018-19), other 600
    # (2023-24)
    rates = {f"placement_inflation_pct_{kind}": placement_inflation_pct
             for kind in ("in_house_fostering", "ifa", "residential", "supported_other")}
    params = with_overrides(load_parameters(include_levers=False), {
        "unit_cost_in_house_fostering": 500, "unit_cost_ifa": 1000, "unit_cost_residential": 3000,
        "unit_cost_supported_other": 600, **rates, "weeks_per_year": 52.0,
        "children_per_in_house_carer": 1.5,
        "share_ifa": 0.3, "share_in_house_fostering": 0.4, "share_residential": 0.1, **extra})
    return params


def test_financial_year_runs_april_to_march():
    assert financial_year("2019-03-01") == "2018-19"
    assert financial_year("2019-04-01") == "2019-20"
    assert financial_year(pd.Timestamp("2018-12-01")) == "2018-19"
    assert financial_year("1999-04-01") == "1999-00"


def test_unit_costs_inflate_from_each_base_year():
    months = pd.DatetimeIndex(["2019-03-01", "2019-04-01"])            # financial years 2018-19 and 2019-20
    costs = unit_costs(months, _params())
    # residential base 2018-19: 3000 in Mar 2019, 3000 x 1.05 = 3150 in Apr 2019
    assert list(costs["residential"]) == pytest.approx([3000, 3150])
    # in-house base 2016-17: 500 x 1.05^2 = 551.25, then 578.8125
    assert list(costs["in_house_fostering"]) == pytest.approx([551.25, 578.8125])
    # IFA base 2020-21: deflated 1000 / 1.05^2 = 907.0295, 1000 / 1.05 = 952.3810
    assert list(costs["ifa"]) == pytest.approx([1000 / 1.05 ** 2, 1000 / 1.05])
    params = _params()
    params["unit_cost_ifa"] = replace(params["unit_cost_ifa"], year="recent")
    with pytest.raises(ParameterError, match="4-digit year"):
        unit_costs(months, params)


def _dataset(lac=100.0, ifa=30.0, carers=20.0):
    month = pd.Timestamp("2018-06-01")
    rows = [("LAC1", lac), ("LAC9 (val)", ifa), ("LAC16", carers)]
    obs = pd.DataFrame([{"unique_id": code, "ds": month, "y": v} for code, v in rows if v is not None]
                       + [{"unique_id": "LAC1", "ds": pd.Timestamp("2018-05-01"), "y": 999.0}])
    catalogue = pd.DataFrame(
        {"unit": "count"}, index=pd.Index(["LAC1", "LAC9 (val)", "LAC16"], name="indicator")
    )
    return Dataset(obs, catalogue)


def test_mix_from_parameters_and_from_the_scorecard():
    # parameters: IFA 0.3, in-house 0.4, residential 0.1 -> supported/other 0.2
    assert placement_mix(_params()) == pytest.approx(
        {"in_house_fostering": 0.4, "ifa": 0.3, "residential": 0.1, "supported_other": 0.2}
    )
    # scorecard (latest month, Jun 2018): LAC1 100, IFA 30 -> 0.3 ; 20 carers x 1.5 children / 100 = 0.3
    mix = placement_mix(_params(share_ifa=0.5), _dataset(ifa=30.0, carers=20.0))
    assert mix == pytest.approx(
        {"in_house_fostering": 0.3, "ifa": 0.3, "residential": 0.1, "supported_other": 0.3}
    )
    # overrides win, the remainder is re-derived
    mix = placement_mix(_params(), mix_overrides={"residential": 0.25})
    assert mix["residential"] == 0.25 and mix["supported_other"] == pytest.approx(0.05)
    with pytest.raises(ParameterError, match="not an editable share"):
        placement_mix(_params(), mix_overrides={"supported_other": 0.1})
    with pytest.raises(ParameterError, match="between 0 and 1"):
        placement_mix(_params(), mix_overrides={"ifa": 1.5})
    with pytest.raises(ParameterError, match="add to 1.10"):
        placement_mix(_params(), mix_overrides={"ifa": 0.6})
    assert placement_mix(_params(), mix_overrides={"ifa": 0.5})["supported_other"] == pytest.approx(0.0)


def test_spend_and_extra_in_house_carers_hand_computed():
    months = pd.DatetimeIndex(["2019-03-01", "2019-04-01"])
    lac = pd.Series([100.0, 100.0], index=months)
    # 4 extra carers x 1.5 = 6 children move from IFA (30) to in-house (40)
    result = project_placement_costs(lac, _params(), extra_in_house_carers=4.0)
    assert result.children_by_type.iloc[0].to_dict() == pytest.approx(
        {"in_house_fostering": 46.0, "ifa": 24.0, "residential": 10.0, "supported_other": 20.0})
    # Mar 2019 weekly cost: in-house 551.25, IFA 907.0295, residential 3000, other 600 / 1.05^5
    weekly = 46 * 551.25 + 24 * 1000 / 1.05 ** 2 + 10 * 3000 + 20 * 600 / 1.05 ** 5
    assert result.total_by_month.iloc[0] == pytest.approx(weekly * 52 / 12)
    assert weeks_per_month(_params()) == pytest.approx(52 / 12)   # Finance v2: a parameter, 52 here
    spend = result.by_month[result.by_month["month"] == months[0]].set_index("placement_type")
    assert spend.loc["residential", "spend"] == pytest.approx(10 * 3000 * 52 / 12)
    assert spend.loc["ifa", "weekly_unit_cost"] == pytest.approx(1000 / 1.05 ** 2)
    # never more children moved than are in IFA: 40 carers x 1.5 = 60 > 30 -> 30 move
    result = project_placement_costs(lac, _params(), extra_in_house_carers=40.0)
    assert result.children_by_type["ifa"].tolist() == [0.0, 0.0]
    # a month-indexed series of carers (missing months = 0); negative counts as 0
    result = project_placement_costs(
        lac, _params(), extra_in_house_carers=pd.Series([-2.0], index=months[:1])
    )
    assert result.children_by_type["ifa"].tolist() == [30.0, 30.0]
    result = project_placement_costs(lac, _params(), extra_in_house_carers=pd.Series([2.0], index=months[1:]))
    assert result.children_by_type["ifa"].tolist() == [30.0, 27.0]
    with pytest.raises(ParameterError, match="non-negative"):
        project_placement_costs(pd.Series([-1.0], index=months[:1]), _params())


def test_financial_year_totals_and_savings():
    months = pd.date_range("2019-02-01", periods=3, freq="MS")     # Feb, Mar (2018-19), Apr (2019-20)
    params = _params(placement_inflation_pct=0.0)
    mix = {"in_house_fostering": 0.0, "ifa": 0.0, "residential": 1.0, "supported_other": 0.0}
    base = project_placement_costs(pd.Series([10.0, 10.0, 10.0], index=months), params, mix=mix)
    scen = project_placement_costs(pd.Series([10.0, 8.0, 5.0], index=months), params, mix=mix)
    year = base.by_financial_year.set_index(["financial_year", "placement_type"])
    # 2018-19: 2 months x 10 children x 3000 x 52/12 = 260,000 ; part year
    assert year.loc[("2018-19", "residential"), "spend"] == pytest.approx(260000.0)
    assert year.loc[("2018-19", "residential"), "months"] == 2
    assert year.loc[("2018-19", "residential"), "child_months"] == pytest.approx(20.0)
    assert not year.loc[("2018-19", "residential"), "complete_year"]
    table = savings(base, scen).set_index("financial_year")
    # saving 2018-19: (20 - 18) x 3000 x 52/12 = 26,000 ; 2019-20: 5 x 3000 x 52/12 = 65,000
    assert table.loc["2018-19", "saving"] == pytest.approx(26000.0)
    assert table.loc["2019-20", "saving"] == pytest.approx(65000.0)
    by_month = savings(base, scen, by="month")
    assert list(by_month["saving"]) == pytest.approx([0.0, 26000.0, 65000.0])
    with pytest.raises(ValueError, match="financial_year"):
        savings(base, scen, by="week")
    full = project_placement_costs(pd.Series(1.0, index=pd.date_range("2019-04-01", periods=12, freq="MS")),
                                   params, mix=mix)
    assert full.by_financial_year["complete_year"].all()
