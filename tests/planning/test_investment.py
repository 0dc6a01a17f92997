"""Investment rules on hand-computed toys: payback, discounting (Green Book 3.5%), cost per child."""

import pandas as pd
import pytest

from forecasting.planning.investment import cost_per_child, cumulative, net_present_value, payback_month
from forecasting.planning.parameters import load_parameters, with_overrides

MONTHS = pd.date_range("2018-10-01", periods=6, freq="MS")


def test_payback_is_the_month_the_cumulative_position_stays_above_zero():
    saving = [-100, -50, 80, -40, 60, 100]  # cumulative -100 -150 -70 -110 -50 50
    assert cumulative(saving).tolist() == [-100, -150, -70, -110, -50, 50]
    assert payback_month(MONTHS, saving) == pd.Timestamp("2019-03-01")
    assert (
        payback_month(MONTHS, [-100, 150, -60, 0, 0, 0]) is None
    )  # back below zero at the end: not paid back
    assert payback_month(MONTHS, [0, 10, 0, 5, 0, 0]) == MONTHS[0]  # never below zero
    assert payback_month(MONTHS, [-10, 10, 0, 0, 0, 0]) == MONTHS[1]  # exactly 0 counts as paid back


def test_npv_deflates_to_the_price_base_and_discounts_at_the_green_book_rate():
    params = load_parameters(include_levers=False)
    assert params["discount_rate_pct"].value == 3.5 and params["general_inflation_pct"].value == 2.0
    months = pd.date_range("2018-04-01", periods=36, freq="MS")  # 2018-19, 2019-20, 2020-21
    saving = [1000.0 / 12] * 12 + [2000.0 / 12] * 12 + [3000.0 / 12] * 12
    npv, table = net_present_value(months, saving, "2018-19", params)
    # year t: cash / (1.02 x 1.035)^t ; 1.02 x 1.035 = 1.0557 ; 1.0557^2 = 1.11450249
    assert table["net_saving"].tolist() == pytest.approx([1000, 2000, 3000])
    assert table["real_net_saving"].tolist() == pytest.approx([1000, 2000 / 1.02, 3000 / 1.0404])
    assert table["present_value"].tolist() == pytest.approx([1000, 2000 / 1.0557, 3000 / 1.11450249])
    assert npv == pytest.approx(1000 + 1894.4776 + 2691.7834, abs=1e-3)
    # no inflation, no discounting: the NPV is the cash total
    flat = with_overrides(params, {"discount_rate_pct": 0, "general_inflation_pct": 0})
    assert net_present_value(months, saving, "2018-19", flat)[0] == pytest.approx(6000)
    # a part year is counted as it is: Jan-Mar 2019 only, t = 0
    assert net_present_value(months[9:12], [10, 10, 10], "2018-19", params)[0] == pytest.approx(30)


def test_cost_per_child_kept_out_of_care():
    # plan cost 120,000; care falls by 0, 2, 4, 6 children over four months: 6 fewer at the end, 1 care-year
    per_child, per_year, fewer, years = cost_per_child(120000.0, [0, 2, 4, 6])
    assert (per_child, per_year, fewer, years) == pytest.approx((20000.0, 120000.0, 6.0, 1.0))
    assert cost_per_child(50.0, [0, 0])[:2] == (None, None)


def test_intervals_over_simulated_draws_hand_computed():
    from forecasting.planning.investment import intervals

    params = with_overrides(
        load_parameters(include_levers=False), {"discount_rate_pct": 0, "general_inflation_pct": 0}
    )
    months = pd.date_range("2019-02-01", periods=3, freq="MS")  # Feb, Mar (2018-19), Apr (2019-20)
    # five draws of the monthly net saving: totals -30, 0, 30, 60, 90; the first never pays back
    draws = [[-10, -10, -10], [-10, 0, 10], [0, 0, 30], [20, 20, 20], [30, 30, 30]]
    table = intervals(months, draws, "2018-19", params).set_index("figure")
    assert table.loc["net_saving_total", "median"] == 30
    assert table.loc["net_saving_total", "lo95"] == pytest.approx(-30 + 0.1 * 30)  # 2.5th percentile: -27
    assert table.loc["net_saving_2018-19", "median"] == 0  # -20, -10, 0, 40, 60
    assert table.loc["npv", "median"] == 30  # no discounting here
    assert table.attrs["share_paid_back"] == pytest.approx(0.8)
