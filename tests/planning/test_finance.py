"""Finance view: full financial years with part-year actuals and net saving, hand-computed on a toy, and on
the embedded data set agreeing with the scenario table."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.costs import full_year_lac, project_placement_costs
from forecasting.planning.finance import finance_view
from forecasting.planning.levers import LEVERS
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.scenarios import Levers, apply_scenario, build_baseline, load_scenario

FORECAST = pd.date_range("2018-07-01", periods=9, freq="MS")  # Jul 2018 .. Mar 2019
ACTUAL = pd.date_range("2018-04-01", periods=3, freq="MS")  # Apr .. Jun 2018, observed
# weekly cost of the average child: 0.4 x 500 + 0.3 x 1000 + 0.1 x 3000 + 0.2 x 600 = 920; x 52 / 12 a month
CHILD_MONTH = 920 * 52 / 12
# a child kept out of care, at the marginal mix 0.1 / 0.45 / 0.25 / 0.2: 50 + 450 + 750 + 120 = 1,370 a week
MARGINAL_CHILD_MONTH = 1370 * 52 / 12


@pytest.fixture(scope="module")
def params():
    rates = {
        f"placement_inflation_pct_{k}": 0.0
        for k in ("in_house_fostering", "ifa", "residential", "supported_other")
    }
    return with_overrides(
        load_parameters(include_levers=False),
        {
            "unit_cost_in_house_fostering": 500,
            "unit_cost_ifa": 1000,
            "unit_cost_residential": 3000,
            "unit_cost_supported_other": 600,
            **rates,
            "weeks_per_year": 52.0,
            "share_ifa": 0.3,
            "share_in_house_fostering": 0.4,
            "share_residential": 0.1,
            "general_inflation_pct": 0.0,
            "marginal_share_in_house_fostering": 0.1,
            "marginal_share_ifa": 0.45,
            "marginal_share_residential": 0.25,
        },
    )


def _toy_dataset():
    obs = pd.DataFrame({"unique_id": "LAC1", "ds": list(ACTUAL), "y": [100.0, 102.0, 104.0]})
    obs = pd.concat(
        [obs, pd.DataFrame({"unique_id": "LAC1", "ds": [pd.Timestamp("2018-03-01")], "y": [500.0]})]
    )
    return Dataset(obs, pd.DataFrame({"unit": "count"}, index=pd.Index(["LAC1"], name="indicator")))


def _toy_result(dataset):
    plan_lac = np.r_[np.full(3, 100.0), np.full(6, 90.0)]  # 10 fewer children from Oct 2018
    rows = [
        ("lac", np.full(9, 100.0), plan_lac),
        ("delivery_cost", np.zeros(9), np.full(9, 5000.0)),
        ("allowances_cost", np.zeros(9), np.zeros(9)),
    ]
    table = pd.concat(
        [
            pd.DataFrame(
                {"measure": name, "month": FORECAST, "baseline": base, "scenario": scen, "delta": scen - base}
            )
            for name, base, scen in rows
        ],
        ignore_index=True,
    )
    neutral = Levers(**{name: spec.neutral for name, spec in LEVERS.items()})
    return SimpleNamespace(
        baseline=SimpleNamespace(dataset=dataset, months=FORECAST),
        table=table,
        notes=[],
        scenario=SimpleNamespace(name="toy plan", levers=neutral),
    )


def test_part_year_actuals_come_from_observed_children(params):
    lac, basis = full_year_lac(_toy_dataset(), pd.Series(100.0, index=FORECAST))
    assert list(lac.index) == list(ACTUAL) + list(FORECAST)  # Mar 2018 (last year) left out
    assert lac.iloc[:3].tolist() == [100.0, 102.0, 104.0]
    assert basis.tolist() == ["actual"] * 3 + ["forecast"] * 9
    costs = project_placement_costs(lac, params, basis=basis)
    year = costs.by_financial_year
    assert set(year["months"]) == {12} and set(year["actual_months"]) == {3} and year["complete_year"].all()
    assert year["months_basis"].iloc[0] == "Apr 2018-Jun 2018 actual, Jul 2018-Mar 2019 forecast"
    # (100 + 102 + 104 + 9 x 100) child-months x 920 a week x 52 / 12
    assert year["spend"].sum() == pytest.approx(1206 * CHILD_MONTH)
    # uploaded spend for residential in April replaces the costed 100 x 0.1 x 3000 x 52/12 = 130,000
    spent = pd.DataFrame({"month": [ACTUAL[0]], "placement_type": ["residential"], "spend": [150000.0]})
    with_actual = project_placement_costs(lac, params, basis=basis, actual_spend=spent)
    assert with_actual.total_by_month.iloc[0] - costs.total_by_month.iloc[0] == pytest.approx(150000 - 130000)
    assert "actual spend" in set(with_actual.by_month["basis"])


def test_net_saving_by_full_financial_year_hand_computed(params):
    view = finance_view(_toy_result(_toy_dataset()), params)
    year = view.by_year.set_index("financial_year").loc["2018-19"]
    assert year["months"] == 12
    assert year["months_basis"] == "Apr 2018-Jun 2018 actual, Jul 2018-Mar 2019 forecast"
    assert year["baseline_placement_cost"] == pytest.approx(1206 * CHILD_MONTH)  # 4,807,920
    # avoided: 6 months x 10 children = 60 child-months at the marginal mix = 356,200; delivery 9 x 5,000
    assert year["avoided_placement_spend"] == pytest.approx(60 * MARGINAL_CHILD_MONTH)
    assert year["plan_placement_cost"] == pytest.approx(1206 * CHILD_MONTH - 60 * MARGINAL_CHILD_MONTH)
    assert year["delivery_cost"] == pytest.approx(45000.0)
    assert year["net_saving"] == pytest.approx(60 * MARGINAL_CHILD_MONTH - 45000.0)  # 311,200
    assert year["present_value"] == pytest.approx(year["net_saving"])  # price-base year: t = 0
    # actual months: baseline = plan, no plan costs
    actual = view.by_month[view.by_month["basis"] == "actual"]
    assert len(actual) == 3 and (actual["net_saving"] == 0).all()
    # Jul-Sep: -5,000 a month (cumulative -15,000); Oct: 10 x 5,936.67 - 5,000 = +54,366.67: paid back
    assert view.investment["payback_month"] == pd.Timestamp("2018-10-01")
    assert view.investment["lowest_cumulative"] == pytest.approx(-15000.0)
    assert view.investment["children_fewer_at_end"] == pytest.approx(10.0)
    assert view.investment["cost_per_child_kept_out"] == pytest.approx(45000.0 / 10)


@pytest.fixture(scope="module")
def combined(embedded_dataset):
    params = load_parameters()
    baseline, calibration = build_baseline(embedded_dataset, params=params)
    result = apply_scenario(baseline, load_scenario("scenarios/combined-plan.yaml"), calibration, params)
    return result, params


def test_embedded_combined_plan_agrees_with_the_scenario_table(combined):
    result, params = combined
    view = finance_view(result, params)
    table = result.table.pivot(index="month", columns="measure", values="scenario")
    base = result.table.pivot(index="month", columns="measure", values="baseline")
    forecast = view.by_month.set_index("month").loc[table.index]
    assert np.allclose(forecast["plan_placement_cost"], table["placement_cost"])
    assert np.allclose(forecast["baseline_placement_cost"], base["placement_cost"])
    assert np.allclose(forecast["plan_net_cost"], table["net_cost"])
    assert np.allclose(forecast["baseline_net_cost"], base["net_cost"])
    assert np.allclose(view.components.sum(axis=1), table["delivery_cost"] + table["allowances_cost"])
    # every year is a full year: Apr-Jun 2018 from the observed LAC1, the rest forecast
    assert view.by_year["months"].tolist() == [12, 12]
    assert view.by_year["months_basis"].iloc[0] == "Apr 2018-Jun 2018 actual, Jul 2018-Mar 2019 forecast"
    assert (view.by_month.loc[view.by_month["basis"] == "actual", "net_saving"] == 0).all()
    # the identity: net saving = avoided placement spend - delivery - allowances - extra staffing
    year = view.by_year
    assert np.allclose(
        year["net_saving"],
        year["avoided_placement_spend"]
        - year["delivery_cost"]
        - year["allowances_cost"]
        - year["extra_staffing_cost"],
    )
    assert view.investment["npv"] == pytest.approx(year["present_value"].sum())


def test_neutral_scenario_has_no_net_saving(embedded_dataset, combined):
    result, params = combined
    neutral = load_scenario("scenarios/baseline.yaml")
    baseline = result.baseline
    calibration = build_baseline(embedded_dataset, params=params)[1]
    view = finance_view(apply_scenario(baseline, neutral, calibration, params), params)
    assert (view.by_month["net_saving"] == 0).all() and view.investment["npv"] == 0
    assert view.investment["cost_per_child_kept_out"] is None


def test_intervals_from_the_scenarios_effect_draws(params):
    from forecasting.reports.finance_workbook import investment_table

    result = _toy_result(_toy_dataset())
    assert finance_view(result, params).intervals is None                 # point effects: no interval
    # two draws of the change in net cost over the 9 forecast months: -1,000 and -3,000 a month
    result.delta_draws = {"net_cost": np.array([np.full(9, -1000.0), np.full(9, -3000.0)])}
    view = finance_view(result, params)
    spread = view.intervals.set_index("figure")
    assert spread.loc["net_saving_total", "median"] == pytest.approx(18000.0)     # (9,000 + 27,000) / 2
    assert spread.attrs["share_paid_back"] == 1.0
    words = investment_table(view, params).set_index("Item")["Figure"]
    # 80% range: 9,000 + 0.1 x 18,000 to 9,000 + 0.9 x 18,000
    assert words["Net saving over the horizon, 80% range"] == "£10,800 to £25,200"


def test_staffing_fills_the_elapsed_months_and_a_staffing_budget_line_compares(params):
    """Forecast months read the scenario's staffing_cost (here 1,000 baseline and 1,500 plan a month); the
    three elapsed months cost the staffing plan in the parameters (workforce_cost, the same for both), so the
    year's net cost covers twelve months and a staffing budget line has a full-year forecast."""
    from forecasting.planning.budgets import budget_variance
    from forecasting.planning.staffing import StaffingPlan
    from forecasting.planning.workforce_cost import staffing_cost_frame

    result = _toy_result(_toy_dataset())
    staffing = pd.DataFrame({"measure": "staffing_cost", "month": FORECAST, "baseline": 1000.0,
                             "scenario": 1500.0, "delta": 500.0})
    result.table = pd.concat([result.table, staffing], ignore_index=True)
    view = finance_view(result, params)
    plan_month = staffing_cost_frame(StaffingPlan.from_parameters(params), ACTUAL, params).groupby(
        "month")["staffing_cost"].sum()
    month = view.by_month.set_index("month")
    assert month.loc[ACTUAL, "baseline_staffing_cost"].tolist() == pytest.approx(plan_month.tolist())
    assert month.loc[ACTUAL, "plan_staffing_cost"].tolist() == pytest.approx(plan_month.tolist())
    year = view.by_year.set_index("financial_year").loc["2018-19"]
    staff = plan_month.sum()
    assert year["baseline_staffing_cost"] == pytest.approx(staff + 9 * 1000)
    assert year["plan_staffing_cost"] == pytest.approx(staff + 9 * 1500)
    assert year["extra_staffing_cost"] == pytest.approx(9 * 500)  # elapsed months: no difference
    parts = ("plan_placement_cost", "plan_staffing_cost", "delivery_cost", "allowances_cost")
    assert year["plan_net_cost"] == pytest.approx(sum(year[p] for p in parts))
    assert year["net_saving"] == pytest.approx(60 * MARGINAL_CHILD_MONTH - 45000.0 - 9 * 500)
    budget = pd.DataFrame({"line": ["staffing_cost", "net_cost"], "financial_year": ["2018-19"] * 2,
                           "budget": [20000.0, 5_000_000.0]})
    variance = budget_variance(budget, view.spend_by_type, view.by_year).set_index("line")
    assert variance.loc["staffing_cost", "plan_variance"] == pytest.approx(staff + 9 * 1500 - 20000)
    assert variance.loc["staffing_cost", "baseline_variance"] == pytest.approx(staff + 9 * 1000 - 20000)
    assert variance.loc["net_cost", "plan_variance"] == pytest.approx(year["plan_net_cost"] - 5_000_000)
    assert any("no payroll actuals" in note for note in view.notes)
