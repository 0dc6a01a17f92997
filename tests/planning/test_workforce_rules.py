"""Workforce rules on hand-computed toys: how vacancies and agency cover split across teams, the queue rule,
FTE over time (recruits, unreplaced turnover), timeliness curves and FTE sizing."""
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.workforce import (
    Recruit,
    StaffingPlan,
    TimelinessCurve,
    default_curves,
    fte_needed,
    project_workforce,
    team_load,
)
from forecasting.planning.workforce_scenario import scenario_measures

MONTHS = pd.date_range("2018-07-01", periods=3, freq="MS")


def _params(**extra):
    # establishment 10 / 20 / 50 / 20 = 100 FTE; 10 vacancies, half covered by agency
    # (issue 14: the plan is per team now, vacancies_fte_<team> / agency_fte_<team>, so the toy sets the split
    # 1 / 2 / 5 / 2 and half of each directly instead of a total and a cover share)
    return with_overrides(load_parameters(include_levers=False), {
        "establishment_fte_mash": 10, "establishment_fte_assessment": 20, "establishment_fte_cin_cp": 50,
        "establishment_fte_lac": 20, "vacancies_fte_mash": 1, "vacancies_fte_assessment": 2,
        "vacancies_fte_cin_cp": 5, "vacancies_fte_lac": 2, "agency_fte_mash": 0.5, "agency_fte_assessment": 1,
        "agency_fte_cin_cp": 2.5, "agency_fte_lac": 1,
        "contacts_per_fte_mash": 100, "assessments_per_fte_month": 10, "caseload_norm_cin_cp": 20,
        "caseload_norm_lac": 10, **extra})


def _demand(contacts=(1000.0, 900.0, 900.0), assessments=(190.0,) * 3, cin_open=(500.0,) * 3,
            cp_plans=(450.0,) * 3, lac=(190.0,) * 3):
    return pd.DataFrame(
        {
            "contacts": contacts,
            "referrals": 200.0,
            "assessments": assessments,
            "cin_open": cin_open,
            "cp_plans": cp_plans,
            "lac": lac,
        },
        index=MONTHS,
    )


def test_vacancies_and_agency_cover_split_in_proportion_to_establishment():
    # issue 14: the plan reads per-team parameters (set in _params), so this checks the plan carries them
    plan = StaffingPlan.from_parameters(_params())
    # 10 vacancies x 10/100, 20/100, 50/100, 20/100 = 1, 2, 5, 2 ; agency covers half of each
    assert plan.vacancies == pytest.approx(
        {"mash": 1, "assessment": 2, "cin_cp": 5, "lac": 2, "early_help": 0}
    )
    assert plan.agency == pytest.approx(
        {"mash": 0.5, "assessment": 1, "cin_cp": 2.5, "lac": 1, "early_help": 0}
    )
    # FTE = establishment - vacancies + agency: 9.5, 19, 47.5, 19 every month
    fte = plan.fte(MONTHS)
    # issue 14: the plan also holds Early Help family workers (no caseload is projected for them)
    assert list(fte.columns) == ["mash", "assessment", "cin_cp", "lac", "early_help"]
    assert fte.iloc[0].to_dict() == pytest.approx({"mash": 9.5, "assessment": 19, "cin_cp": 47.5, "lac": 19,
                                                   # shipped Early Help plan: 20, none vacant
                                                   "early_help": 20})
    assert (fte.iloc[2] == fte.iloc[0]).all()


def test_scenario_vacancy_and_agency_changes_split_the_same_way():
    params = _params()
    levers = SimpleNamespace(vacancy_fte_change=10.0, agency_fte_change=5.0, turnover_pct_change=0.0,
                             recruits_fte=0.0)
    table = scenario_measures(_demand(), levers, params, capacity={"mash": 100.0, "assessment": 10.0})
    # staff: 9.5 - 10 x 0.1 + 5 x 0.1 = 9 (mash), 19 - 2 + 1 = 18, 47.5 - 5 + 2.5 = 45, 19 - 2 + 1 = 18
    # caseload per worker: cin_cp (500 + 450) / 45 ; lac 190 / 18
    assert table["caseload_cin_cp"].iloc[0] == pytest.approx(950 / 45)
    assert table["caseload_lac"].iloc[0] == pytest.approx(190 / 18)
    # mash: capacity 9 x 100 = 900: Jul workload 1000 (100 carried), Aug 900 + 100 = 1000, Sep 1000
    assert list(table["caseload_mash"]) == pytest.approx([1000 / 9] * 3)
    # assessment: capacity 18 x 10 = 180 for 190 a month -> 10 more carried each month: 190, 200, 210
    assert list(table["caseload_assessment"]) == pytest.approx([190 / 18, 200 / 18, 210 / 18])


def test_scenario_recruits_and_unreplaced_turnover():
    params = _params()
    levers = SimpleNamespace(vacancy_fte_change=0.0, agency_fte_change=0.0, turnover_pct_change=12.0,
                             recruits_fte=10.0, recruits_team="lac", recruits_start="2018-08",
                             recruits_months_to_full_caseload=2.0)
    table = scenario_measures(_demand(), levers, params)
    # issue 14 (recruitment order, turnover leaves vacancies): unreplaced turnover (12% a year = 1% a month,
    # at the end of each month) hits the 18 filled posts, not the agency worker; the 10 August recruits fill
    # the uncovered vacancies (2.18 - 1 = 1.18), then take over the agency-held post (the agency worker hands
    # over as the recruit ramps up: 0.5 in August, gone in September), then add 7.82 posts; ramp 2 months =
    # half a caseload in August.
    # lac FTE: Jul 18 + 1 = 19 ; Aug 17.82 + 10 - 5 (ramp) + 0.5 (agency) = 23.32 ; Sep (17.82 + 10) x 0.99
    fte = np.array([19.0, 23.32, 27.82 * 0.99])
    assert list(table["caseload_lac"]) == pytest.approx(list(190 / fte))
    # cin_cp: no recruits, only turnover on the 45 filled posts; 2.5 agency stay
    assert list(table["caseload_cin_cp"]) == pytest.approx(list(950 / (45 * 0.99 ** np.arange(3) + 2.5)))
    # equals the long projection
    plan = StaffingPlan.from_parameters(params)
    assert plan.unreplaced_turnover_pct == 0.0 and plan.recruits == ()


def test_recruit_reaches_a_full_caseload_linearly():
    recruit = Recruit("lac", 4.0, pd.Timestamp("2018-08-01"), 4.0)
    months = pd.date_range("2018-07-01", periods=6, freq="MS")
    assert list(recruit.effective_fte(months)) == pytest.approx([0, 1, 2, 3, 4, 4])
    assert list(Recruit("lac", 4.0, pd.Timestamp("2018-08-01")).effective_fte(months)) == [0, 4, 4, 4, 4, 4]
    plan = StaffingPlan({"lac": 10.0}, {"lac": 0.0}, {"lac": 0.0}).with_extra("lac", 2.5)
    assert list(plan.fte(months)["lac"]) == [12.5] * 6
    assert list(plan.fte(months)["mash"]) == [0.0] * 6
    # never below zero
    plan = StaffingPlan({"lac": 1.0}, {"lac": 3.0}, {"lac": 0.0})
    assert list(plan.fte(months[:2])["lac"]) == [0.0, 0.0]


def test_queue_rule_for_flow_teams_and_load_for_stock_teams():
    params = _params()
    fte = StaffingPlan.from_parameters(params).fte(MONTHS)
    by_team = team_load(_demand(), fte, params, capacity={"mash": 100.0})
    mash = by_team[by_team["team"] == "mash"]
    # capacity 9.5 x 100 = 950: Jul 1000 -> 950 done, 50 carried ; Aug 900 + 50 = 950 -> 0 carried ; Sep 900
    assert list(mash["workload"]) == pytest.approx([1000, 950, 900])
    assert list(mash["backlog"]) == pytest.approx([50, 0, 0])
    assert list(mash["utilisation"]) == pytest.approx([1000 / 950, 1.0, 900 / 950])
    assert list(mash["caseload_per_worker"]) == pytest.approx([1000 / 9.5, 100, 900 / 9.5])
    # assessment from the parameter (10 per FTE): capacity 190, 190 a month -> utilisation 1
    assessment = by_team[by_team["team"] == "assessment"]
    assert list(assessment["utilisation"]) == pytest.approx([1, 1, 1])
    # stock teams: workload = open cases, capacity = FTE x norm: cin_cp 950 / (47.5 x 20) = 1 ; lac 190 / 190
    cin_cp = by_team[by_team["team"] == "cin_cp"]
    assert list(cin_cp["workload"]) == [950, 950, 950] and list(cin_cp["backlog"]) == [0, 0, 0]
    assert list(cin_cp["capacity"]) == pytest.approx([950] * 3)
    assert list(by_team[by_team["team"] == "lac"]["utilisation"]) == pytest.approx([1, 1, 1])


def test_no_staff_means_infinite_load_and_negative_demand_counts_as_zero():
    params = _params()
    fte = pd.DataFrame({"mash": 0.0, "assessment": 19.0, "cin_cp": 47.5, "lac": 19.0}, index=MONTHS)
    by_team = team_load(_demand(lac=(-5.0, 190.0, 190.0)), fte, params)
    mash = by_team[by_team["team"] == "mash"]
    assert np.isinf(mash["utilisation"]).all() and np.isinf(mash["caseload_per_worker"]).all()
    assert by_team[by_team["team"] == "lac"]["workload"].iloc[0] == 0.0
    # a team whose demand the data lacks is left out, never counted as zero work
    partial = team_load(_demand().drop(columns="lac"), fte, params)
    assert set(partial["team"]) == {"mash", "assessment", "cin_cp"}
    with pytest.raises(ValueError, match="none of the columns"):
        team_load(_demand()[[]], fte, params)


def test_timeliness_curves_hand_computed():
    curve = TimelinessCurve("M8-QL", intercept=2.0, slope=2.0, fitted=True)
    # on-time = 100 / (1 + exp(-(2 - 2u))): u = 1 -> 50% ; u = 0.5 -> 100 / (1 + e^-1) = 73.1059
    assert curve.on_time([1.0, 0.5]) == pytest.approx([50.0, 73.105858])
    # the highest load still giving 80%: (2 - logit(0.8)) / 2 = (2 - 1.386294) / 2 = 0.306853
    assert curve.utilisation_for(80.0) == pytest.approx(0.306853, abs=1e-6)
    assert curve.utilisation_for(50.0) == pytest.approx(1.0)
    flat = TimelinessCurve("M8-QL", intercept=1.0, slope=0.0, fitted=True)       # 73.1% whatever the load
    assert flat.utilisation_for(70.0) == np.inf and flat.utilisation_for(80.0) == 0.0
    # parameter curves pass through the on-time % at full load (u = 1) with the default slope
    params = with_overrides(_params(), {"timeliness_default_slope": 3.0, "on_time_at_full_load_m8_pct": 80.0})
    m8 = default_curves(params)["M8-QL"]
    assert m8.slope == 3.0 and m8.on_time(1.0) == pytest.approx(80.0)
    assert m8.intercept == pytest.approx(np.log(4.0) + 3.0)


def test_projection_uses_the_curve_on_each_teams_load():
    params = _params()
    curves = {m: TimelinessCurve(m, 2.0, 2.0, True) for m in ("M8-QL", "EH4-QL", "CP8-QL")}
    projection = project_workforce(_demand(), StaffingPlan.from_parameters(params), params, curves,
                                   capacity={"mash": 100.0})
    m8 = projection.timeliness[projection.timeliness["measure"] == "M8-QL"]
    assert list(m8["on_time_pct"]) == pytest.approx(
        list(100 / (1 + np.exp(-(2 - 2 * np.array([1000 / 950, 1.0, 900 / 950])))))
    )
    wide = projection.wide()
    assert list(wide.columns) == ["caseload_mash", "caseload_assessment", "caseload_cin_cp", "caseload_lac",
                                  "M8-QL", "EH4-QL", "CP8-QL"]
    assert wide["CP8-QL"].iloc[0] == pytest.approx(50.0)                       # cin_cp utilisation 1


def test_fte_needed_for_a_norm_and_a_timeliness_target():
    params = _params()
    curves = {m: TimelinessCurve(m, 2.0, 2.0, True) for m in ("M8-QL", "EH4-QL", "CP8-QL")}
    table = fte_needed(
        _demand(), params, caseload_norm=19.0, timeliness_target={"CP8-QL": 80.0}, curves=curves
    )
    cin_cp = table[table["team"] == "cin_cp"].iloc[0]
    # norm 19: 950 / 19 = 50 FTE ; 80% on time needs u <= 0.306853, u measured as the curve was (cases / FTE x
    # caseload_norm_cin_cp 20, not the norm asked for) -> 950 / (20 x 0.306853) = 154.80 FTE
    assert cin_cp["fte_for_norm"] == pytest.approx(50.0)
    assert cin_cp["fte_for_timeliness"] == pytest.approx(950 / (20 * 0.3068528), rel=1e-6)
    assert cin_cp["fte_needed"] == pytest.approx(cin_cp["fte_for_timeliness"])
    lac = table[table["team"] == "lac"].iloc[0]
    assert lac["fte_for_norm"] == pytest.approx(10.0) and np.isnan(lac["fte_for_timeliness"])
    assert lac["fte_needed"] == pytest.approx(10.0)
    mash = table[table["team"] == "mash"].iloc[0]                              # throughput 100 per FTE
    assert mash["fte_for_norm"] == pytest.approx(10.0)
    # a number for the norm applies to case-holding teams only; a target for every measure
    table = fte_needed(_demand(), params, caseload_norm=25.0, timeliness_target=50.0, curves=curves)
    assert table[table["team"] == "lac"]["fte_for_norm"].iloc[0] == pytest.approx(190 / 25)
    assert table[table["team"] == "mash"]["fte_for_norm"].iloc[0] == pytest.approx(10.0)
    assert table[table["team"] == "mash"]["fte_for_timeliness"].iloc[0] == pytest.approx(10.0)   # u_max = 1
    with pytest.raises(ValueError, match="unknown team or measure"):
        fte_needed(_demand(), params, caseload_norm={"social": 3})
