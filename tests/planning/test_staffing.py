"""Staffing flows on hand-computed toys: the recruitment order (vacancies, then agency, then new posts),
turnover leaving vacancies, ramp-up, ASYE protection, and the plan read from the parameters."""

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.staffing import STAFFED_TEAMS, Recruit, StaffingPlan, flows_frame, staffing_flows

MONTHS = pd.date_range("2018-07-01", periods=4, freq="MS")


def _team(plan, column, team="cin_cp"):
    return list(staffing_flows(plan, MONTHS)[team][column])


def test_recruits_fill_uncovered_vacancies_first():
    # 10 posts, 4 vacant, 1 covered by agency: 3 uncovered. 2 recruits in July, full at once.
    plan = StaffingPlan(
        {"cin_cp": 10}, {"cin_cp": 4}, {"cin_cp": 1}, recruits=(Recruit("cin_cp", 2, MONTHS[0], 0),)
    )
    assert _team(plan, "filled") == [8, 8, 8, 8]  # 6 + 2
    assert _team(plan, "vacancies") == [2, 2, 2, 2]  # 4 - 2
    assert _team(plan, "agency") == [1, 1, 1, 1]  # agency untouched
    assert _team(plan, "establishment") == [10] * 4
    assert _team(plan, "fte_working") == [9, 9, 9, 9]  # 8 filled + 1 agency


def test_then_release_agency_then_add_posts():
    # 10 posts, 4 vacant, 1 agency: 7 recruits = 3 into uncovered vacancies, 1 takes over the agency-held
    # post,
    # 3 add posts (establishment 13)
    plan = StaffingPlan(
        {"cin_cp": 10}, {"cin_cp": 4}, {"cin_cp": 1}, recruits=(Recruit("cin_cp", 7, MONTHS[1], 0),)
    )
    flows = staffing_flows(plan, MONTHS)["cin_cp"]
    assert list(flows["establishment"]) == [10, 13, 13, 13]
    assert list(flows["filled"]) == [6, 13, 13, 13]
    assert list(flows["vacancies"]) == [4, 0, 0, 0]
    assert list(flows["agency"]) == [1, 0, 0, 0]
    assert list(flows["agency_released"]) == [0, 1, 0, 0]
    assert list(flows["posts_added"]) == [0, 3, 0, 0]
    assert list(flows["recruits"]) == [0, 7, 0, 0]
    assert list(flows["fte_working"]) == [7, 13, 13, 13]  # 6 + 1 agency, then 13 employed


def test_agency_hands_over_as_the_recruit_ramps_up():
    # no uncovered vacancy: 2 vacant, 2 agency. 2 recruits in July reaching a full caseload over 2 months:
    # July they carry 1 FTE of work and the agency workers hand over 1; August the rest
    plan = StaffingPlan(
        {"cin_cp": 10}, {"cin_cp": 2}, {"cin_cp": 2}, recruits=(Recruit("cin_cp", 2, MONTHS[0], 2),)
    )
    assert _team(plan, "agency") == [1, 0, 0, 0]
    assert _team(plan, "agency_released") == [1, 1, 0, 0]
    assert _team(plan, "filled") == [10, 10, 10, 10]
    # cover never drops: 10 filled - 1 ramp shortfall + 1 agency in July = 10
    assert _team(plan, "fte_working") == [10, 10, 10, 10]


def test_agency_above_establishment_becomes_a_post():
    plan = StaffingPlan({"lac": 5}, {"lac": 0}, {"lac": 2}, recruits=(Recruit("lac", 1, MONTHS[0], 0),))
    assert _team(plan, "establishment", "lac") == [6] * 4 and _team(plan, "agency", "lac") == [1] * 4
    assert _team(plan, "vacancies", "lac") == [0] * 4


def test_turnover_leaves_vacancies_only_when_unreplaced():
    # 12 filled, 15% a year replaced (leavers 0.15 a month, each replaced) and 12% a year not replaced
    plan = StaffingPlan(
        {"lac": 12}, {"lac": 0}, {"lac": 0}, unreplaced_turnover_pct=12, turnover_pct={"lac": 15}
    )
    flows = staffing_flows(plan, MONTHS)["lac"]
    filled = 12 * 0.99 ** np.arange(1, 5)  # leavers go at the end of the month
    assert list(flows["filled"]) == pytest.approx(filled)
    assert list(flows["vacancies"]) == pytest.approx(12 - filled)
    assert list(flows["unreplaced_leavers"]) == pytest.approx(12 * 0.99 ** np.arange(4) * 0.01)
    assert list(flows["replacement_starters"]) == pytest.approx(12 * 0.99 ** np.arange(4) * 0.15 / 12)
    assert list(flows["fte_working"]) == pytest.approx(
        12 * 0.99 ** np.arange(4)
    )  # this month's leavers still in


def test_asye_protected_caseload_and_never_below_zero():
    plan = StaffingPlan(
        {"cin_cp": 10}, {"cin_cp": 0}, {"cin_cp": 0}, asye={"cin_cp": 4}, asye_caseload_pct=90
    )
    assert _team(plan, "fte_working") == pytest.approx([9.6] * 4)  # 10 - 4 x 10%
    empty = StaffingPlan({"cin_cp": 1}, {"cin_cp": 3}, {"cin_cp": 0})
    assert _team(empty, "fte_working") == [0, 0, 0, 0]


def test_shipped_plan_and_frame():
    params = load_parameters(include_levers=False)
    plan = StaffingPlan.from_parameters(params)
    assert set(plan.establishment) == set(STAFFED_TEAMS)
    assert plan.establishment["cin_cp"] == 80 and plan.vacancies["cin_cp"] == pytest.approx(5.79)
    table = plan.table().set_index("team")
    assert table.loc["cin_cp", "filled_fte"] == pytest.approx(80 - 5.79)
    frame = flows_frame(plan, MONTHS)
    assert len(frame) == 4 * len(STAFFED_TEAMS)
    # the baseline plan holds still: leavers replaced, nobody recruited
    assert (frame.groupby("team")["filled"].nunique() == 1).all()
    changed = StaffingPlan.from_parameters(
        with_overrides(params, {"asye_fte_lac": 5, "asye_caseload_pct": 50})
    )
    assert changed.fte(MONTHS)["lac"].iloc[0] == pytest.approx(34 - 2.46 + 1.23 - 2.5)
