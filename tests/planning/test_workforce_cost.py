"""Workforce cost on hand-computed toys: salary by grade with on-costs, agency premium, recruitment and
retention payments, by financial year, and the scenario measure staffing_cost."""

from types import SimpleNamespace

import pandas as pd
import pytest

from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.staffing import Recruit, StaffingPlan
from forecasting.planning.workforce_cost import (
    cost_by_financial_year,
    full_cost_per_fte_month,
    staffing_cost_frame,
)
from forecasting.planning.workforce_scenario import scenario_measures

MONTHS = pd.date_range("2019-02-01", periods=3, freq="MS")  # Feb, Mar (2018-19) and Apr (2019-20)


def _params(**extra):
    return with_overrides(
        load_parameters(include_levers=False),
        {
            "salary_social_worker": 36000,
            "salary_asye": 30000,
            "salary_family_worker": 24000,
            "employer_oncost_pct": 25,
            "agency_premium_pct": 40,
            "recruitment_cost_per_hire": 2000,
            "retention_payment_per_fte": 1200,
            "team_managers_per_front_line_fte": 0.1,
            "salary_team_manager": 48000,
            "support_staff_per_front_line_fte": 0.2,
            "salary_support_staff": 18000,
            **extra,
        },
    )


def test_full_cost_by_grade():
    params = _params()
    assert full_cost_per_fte_month(params, "cin_cp") == pytest.approx(36000 * 1.25 / 12)  # 3,750
    assert full_cost_per_fte_month(params, "cin_cp", newly_qualified=True) == pytest.approx(
        3125
    )  # 30,000 x 1.25 / 12
    assert full_cost_per_fte_month(params, "early_help") == pytest.approx(2500)  # 24,000 x 1.25 / 12


def test_team_cost_hand_computed():
    params = _params()
    # 10 posts, 2 vacant, 1 agency, 3 ASYE; turnover 12% a year replaced (0.08 leavers a month from 8 filled);
    # 1 recruit in March fills an uncovered vacancy
    plan = StaffingPlan(
        {"cin_cp": 10},
        {"cin_cp": 2},
        {"cin_cp": 1},
        turnover_pct={"cin_cp": 12},
        asye={"cin_cp": 3},
        recruits=(Recruit("cin_cp", 1, MONTHS[1], 0),),
    )
    costs = staffing_cost_frame(plan, MONTHS, params).set_index("month")
    feb, mar = costs.loc[MONTHS[0]], costs.loc[MONTHS[1]]
    # Feb: employed 3 ASYE x 3,125 + 5 others x (3,750 + 100 retention) = 9,375 + 19,250 = 28,625
    assert feb["employed_cost"] == pytest.approx(28625)
    # agency: 1 x 3,750 x 1.4 = 5,250
    assert feb["agency_cost"] == pytest.approx(5250)
    # recruitment: 0.08 replacement starters x 2,000 = 160
    assert feb["recruitment_cost"] == pytest.approx(160)
    # management: 10 posts x 0.1 managers x 48,000 x 1.25 / 12 (5,000) = 5,000; support: 10 x 0.2 x 18,000 x
    # 1.25 / 12 (1,875) = 3,750
    assert feb["management_cost"] == pytest.approx(5000)
    assert feb["support_cost"] == pytest.approx(3750)
    assert feb["staffing_cost"] == pytest.approx(28625 + 5250 + 160 + 5000 + 3750)
    # Mar: 9 filled (6 others) -> 9,375 + 6 x 3,850 = 32,475 ; starters 1 + 0.09 -> 2,180
    assert mar["employed_cost"] == pytest.approx(32475)
    assert mar["recruitment_cost"] == pytest.approx(2180)
    # the recruit fills a vacancy: still 10 posts, the same management and support
    assert mar["management_cost"] == pytest.approx(5000) and mar["support_cost"] == pytest.approx(3750)
    by_year = cost_by_financial_year(costs.reset_index()).set_index("financial_year")
    assert list(by_year.index) == ["2018-19", "2019-20"] and list(by_year["months"]) == [2, 1]
    assert by_year.loc["2018-19", "staffing_cost"] == pytest.approx(
        feb["staffing_cost"] + mar["staffing_cost"]
    )


def test_releasing_agency_saves_its_premium():
    params = _params()
    demand = pd.DataFrame(
        {
            "contacts": 1000.0,
            "referrals": 200.0,
            "assessments": 150.0,
            "cin_open": 900.0,
            "cp_plans": 300.0,
            "lac": 500.0,
        },
        index=MONTHS,
    )
    neutral = SimpleNamespace(
        recruits_fte=0.0, agency_fte_change=0.0, vacancy_fte_change=0.0, turnover_pct_change=0.0
    )
    release = SimpleNamespace(**{**vars(neutral), "agency_fte_change": -1.0})
    base = scenario_measures(demand, neutral, params)
    fewer = scenario_measures(demand, release, params)
    # 1 agency FTE fewer (spread over the social-work teams) = 3,750 x 1.4 = 5,250 a month less
    assert (base["staffing_cost"] - fewer["staffing_cost"]).tolist() == pytest.approx([5250] * 3)
    assert (base["agency_fte"] - fewer["agency_fte"]).tolist() == pytest.approx([1] * 3)
    assert (base["filled_fte"] == fewer["filled_fte"]).all()
    # the shipped plan: 11 vacancies over four teams, Early Help none
    assert base["vacancies_fte"].iloc[0] == pytest.approx(11)


def test_added_posts_bring_their_managers_and_support():
    params = _params()
    # 10 posts, none vacant, no agency: 2 recruits in March add 2 posts -> 12 posts from March
    plan = StaffingPlan({"lac": 10}, {"lac": 0}, {"lac": 0}, recruits=(Recruit("lac", 2, MONTHS[1], 0),))
    costs = staffing_cost_frame(plan, MONTHS, params).set_index("month")
    # 12 x 0.1 x 5,000 = 6,000 management; 12 x 0.2 x 1,875 = 4,500 support
    assert costs.loc[MONTHS[0], "management_cost"] == pytest.approx(5000)
    assert costs.loc[MONTHS[1], "management_cost"] == pytest.approx(6000)
    assert costs.loc[MONTHS[2], "support_cost"] == pytest.approx(4500)


def test_overhead_per_post_hand_computed():
    from forecasting.planning.workforce_cost import overhead_per_post_month

    # 0.1 x 5,000 + 0.2 x 1,875 = 875 a month per front-line post
    assert overhead_per_post_month(_params()) == pytest.approx(875)
