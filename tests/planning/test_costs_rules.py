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
        {"in_house_fostering": 0.4, "ifa": 0.3, "residential": 0.1, "kinship": 0.0, "supported_other": 0.2}
    )
    # scorecard (latest month, Jun 2018): LAC1 100, IFA 30 -> 0.3 ; 20 carers x 1.5 children / 100 = 0.3
    mix = placement_mix(_params(share_ifa=0.5), _dataset(ifa=30.0, carers=20.0))
    assert mix == pytest.approx(
        {"in_house_fostering": 0.3, "ifa": 0.3, "residential": 0.1, "kinship": 0.0, "supported_other": 0.3}
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
    # shares of exactly 0 and 1 are allowed
    only_ifa = {"ifa": 1.0, "in_house_fostering": 0.0, "residential": 0.0}
    assert placement_mix(_params(), mix_overrides=only_ifa)["ifa"] == 1.0


def test_spend_and_extra_in_house_carers_hand_computed():
    months = pd.DatetimeIndex(["2019-03-01", "2019-04-01"])
    lac = pd.Series([100.0, 100.0], index=months)
    # 4 extra carers x 1.5 = 6 children move from IFA (30) to in-house (40)
    result = project_placement_costs(lac, _params(), extra_in_house_carers=4.0)
    assert result.children_by_type.iloc[0].to_dict() == pytest.approx(
        {"in_house_fostering": 46.0, "ifa": 24.0, "residential": 10.0, "kinship": 0.0,
         "supported_other": 20.0})
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
    mix = {"in_house_fostering": 0.0, "ifa": 0.0, "residential": 1.0, "kinship": 0.0, "supported_other": 0.0}
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


# ------------------------------------------------------------------------------------- finance v2 rules
def test_full_year_starts_in_april_with_the_observed_months():
    from forecasting.planning.costs import full_year_lac

    # observed LAC1 Mar-Jun 2018 (Mar is the previous financial year), forecast from Jul 2018
    months = pd.date_range("2018-03-01", periods=4, freq="MS")
    dataset = Dataset(pd.DataFrame({"unique_id": "LAC1", "ds": months, "y": [90.0, 100.0, 101.0, 102.0]}),
                      pd.DataFrame({"unit": ["count"]}, index=pd.Index(["LAC1"], name="indicator")))
    forecast = pd.Series([103.0, 104.0], index=pd.date_range("2018-07-01", periods=2, freq="MS"))
    lac, basis = full_year_lac(dataset, forecast)
    assert list(lac.index) == list(pd.date_range("2018-04-01", periods=5, freq="MS"))
    assert list(lac) == [100, 101, 102, 103, 104]
    assert list(basis) == ["actual"] * 3 + ["forecast"] * 2
    # a forecast starting in April has no elapsed months; one starting in March goes back to the April before
    lac, basis = full_year_lac(dataset, pd.Series([1.0], index=[pd.Timestamp("2018-04-01")]))
    assert list(lac) == [1.0] and list(basis) == ["forecast"]
    lac, _ = full_year_lac(dataset, pd.Series([1.0], index=[pd.Timestamp("2019-03-01")]))
    assert lac.index[0] == pd.Timestamp("2018-04-01") and len(lac) == 4      # Apr-Jun observed + Mar


def test_marginal_mix_costs_the_change_at_its_own_shares():
    from forecasting.planning.costs import marginal_mix

    params = _params(
        placement_inflation_pct=0.0,
        marginal_share_in_house_fostering=0.1,
        marginal_share_ifa=0.5,
        marginal_share_residential=0.4,
    )
    assert marginal_mix(params) == pytest.approx({"in_house_fostering": 0.1, "ifa": 0.5, "residential": 0.4,
                                                  "kinship": 0.0, "supported_other": 0.0})
    months = pd.DatetimeIndex(["2019-04-01"])
    # baseline 100 at the average mix (in-house 0.4, IFA 0.3, residential 0.1, other 0.2) = 40, 30, 10, 20;
    # 10 fewer children at the marginal mix: -1, -5, -4, 0 -> 39, 25, 6, 20
    result = project_placement_costs(pd.Series([90.0], index=months), params,
                                     baseline_lac=pd.Series([100.0], index=months))
    assert result.children_by_type.iloc[0].to_dict() == pytest.approx(
        {"in_house_fostering": 39, "ifa": 25, "residential": 6, "kinship": 0.0, "supported_other": 20})
    # 30 fewer: residential 10 - 12 = -2 -> floored at 0, the 2 taken from the others in proportion to what
    # they have (37, 15, 20 of 72): 37 - 2 x 37/72, 15 - 2 x 15/72, 20 - 2 x 20/72
    result = project_placement_costs(pd.Series([70.0], index=months), params,
                                     baseline_lac=pd.Series([100.0], index=months))
    row = result.children_by_type.iloc[0]
    assert row["residential"] == 0.0
    assert row.to_dict() == pytest.approx({"in_house_fostering": 37 - 2 * 37 / 72, "ifa": 15 - 2 * 15 / 72,
                                           "residential": 0.0, "kinship": 0.0,
                                           "supported_other": 20 - 2 * 20 / 72})
    assert row.sum() == pytest.approx(70.0)
    with pytest.raises(ParameterError, match="add to 1.10"):
        marginal_mix(_params(marginal_share_ifa=0.6, marginal_share_residential=0.4,
                             marginal_share_in_house_fostering=0.1))


def test_uploaded_spend_replaces_the_costed_figure_and_years_say_which_months_are_actual():
    from forecasting.planning.costs import months_in_words

    params = _params(placement_inflation_pct=0.0)
    months = pd.date_range("2019-02-01", periods=3, freq="MS")          # Feb, Mar 2019 | Apr 2019
    mix = {"in_house_fostering": 0.0, "ifa": 0.0, "residential": 1.0, "kinship": 0.0, "supported_other": 0.0}
    basis = pd.Series(["actual", "forecast", "forecast"], index=months)
    spent = pd.DataFrame({"month": [months[0]], "placement_type": ["residential"], "spend": [12345.0]})
    result = project_placement_costs(pd.Series([10.0] * 3, index=months), params, mix=mix, basis=basis,
                                     actual_spend=spent)
    residential = result.by_month[result.by_month["placement_type"] == "residential"]
    assert list(residential["spend"]) == pytest.approx([12345.0, 130000.0, 130000.0])   # 10 x 3000 x 52/12
    assert list(residential["basis"]) == ["actual spend", "forecast", "forecast"]
    assert result.total_by_month.iloc[0] == pytest.approx(12345.0)
    year = result.by_financial_year.set_index(["financial_year", "placement_type"]).loc[
        ("2018-19", "residential")
    ]
    assert (year["months"], year["actual_months"], year["forecast_months"]) == (2, 1, 1)
    assert year["spend"] == pytest.approx(12345.0 + 130000.0)
    # the month's basis, in words: actual spend, as spend was uploaded for one of its types
    assert year["months_basis"] == "Feb 2019 actual spend, Mar 2019 forecast"
    assert months_in_words(pd.Series(pd.date_range("2018-04-01", periods=5, freq="MS")),
                           pd.Series(["actual"] * 3 + ["forecast"] * 2)) == \
        "Apr 2018-Jun 2018 actual, Jul 2018-Aug 2018 forecast"


def test_mix_by_month_follows_the_scorecard_and_keeps_shares_summing_to_one():
    from forecasting.planning.costs import mix_by_month

    months = pd.date_range("2018-05-01", periods=2, freq="MS")
    rows = [("LAC1", months[0], 100.0), ("LAC1", months[1], 200.0), ("LAC9 (val)", months[0], 30.0),
            ("LAC9 (val)", months[1], 40.0), ("LAC16", months[0], 20.0)]
    dataset = Dataset(pd.DataFrame(rows, columns=["unique_id", "ds", "y"]),
                      pd.DataFrame({"unit": "count"}, index=pd.Index(["LAC1", "LAC9 (val)", "LAC16"],
                                                                     name="indicator")))
    mix = mix_by_month(_params(), dataset, months)
    # May: IFA 30/100, in-house 20 x 1.5 / 100 ; June: IFA 40/200, in-house carers latest (20) x 1.5 / 200
    assert list(mix["ifa"]) == pytest.approx([0.3, 0.2])
    assert list(mix["in_house_fostering"]) == pytest.approx([0.3, 0.15])
    assert list(mix["residential"]) == pytest.approx([0.1, 0.1])
    assert list(mix["supported_other"]) == pytest.approx([0.3, 0.55])
    # fostering shares above the room left by residential are scaled down together: in May IFA 60/100 and
    # in-house 40 x 1.5 / 100 = 0.6 + 0.6 for 0.9 of room -> x 0.75 = 0.45 each (June, the latest, is fine)
    crowded = Dataset(pd.DataFrame([("LAC1", months[0], 100.0), ("LAC9 (val)", months[0], 60.0),
                                    ("LAC16", months[0], 40.0), ("LAC1", months[1], 200.0),
                                    ("LAC9 (val)", months[1], 40.0)], columns=["unique_id", "ds", "y"]),
                      dataset.indicators)
    row = mix_by_month(_params(), crowded, months).iloc[0]
    assert row["ifa"] == pytest.approx(0.45) and row["in_house_fostering"] == pytest.approx(0.45)
    assert row["supported_other"] == pytest.approx(0.0)
