"""Workforce v2 rules on hand-computed toys: recruitment lead time, per-team FTE gap under a scenario, Early
Help family workers' baseline caseload."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.early_help_load import early_help_open
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.staffing import StaffingPlan
from forecasting.planning.workforce_scenario import first_start, plan_with_levers, scenario_measures

MONTHS = pd.date_range("2018-07-01", periods=3, freq="MS")


def _params(**extra):
    return with_overrides(
        load_parameters(include_levers=False),
        {
            "establishment_fte_mash": 10, "establishment_fte_assessment": 20, "establishment_fte_cin_cp": 50,
            "establishment_fte_lac": 20, "vacancies_fte_mash": 0, "vacancies_fte_assessment": 0,
            "vacancies_fte_cin_cp": 0, "vacancies_fte_lac": 0, "agency_fte_mash": 0,
            "agency_fte_assessment": 0, "agency_fte_cin_cp": 0, "agency_fte_lac": 0,
            "asye_fte_cin_cp": 0, "asye_fte_lac": 0, "asye_fte_mash": 0, "asye_fte_assessment": 0,
            "caseload_norm_cin_cp": 20, "caseload_norm_lac": 10, "contacts_per_fte_mash": 100,
            "assessments_per_fte_month": 10, "recruitment_lead_time_months": 4, **extra,
        },
    )  # fmt: skip


def _demand():
    return pd.DataFrame(
        {"contacts": 1000.0, "referrals": 200.0, "assessments": 190.0, "cin_open": 600.0, "cp_plans": 400.0,
         "lac": 250.0},
        index=MONTHS,
    )  # fmt: skip


def _levers(**extra):
    base = dict(vacancy_fte_change=0.0, agency_fte_change=0.0, turnover_pct_change=0.0, recruits_fte=0.0)
    return SimpleNamespace(**{**base, **extra})


def test_recruits_with_no_start_month_start_after_the_lead_time():
    assert first_start(pd.Timestamp("2018-07-01"), 4) == pd.Timestamp("2018-11-01")
    assert first_start(pd.Timestamp("2018-07-01"), 2.5) == pd.Timestamp("2018-10-01")  # whole months, up
    assert first_start(pd.Timestamp("2018-07-01"), 0) == pd.Timestamp("2018-07-01")
    plan = StaffingPlan.from_parameters(_params())
    levers = _levers(recruits_fte=5.0, recruits_team="lac", recruits_start=None,
                     recruits_months_to_full_caseload=0.0)  # fmt: skip
    recruit = plan_with_levers(plan, levers, MONTHS[0], 4).recruits[-1]
    assert recruit.start_month == pd.Timestamp("2018-11-01") and recruit.fte == 5.0
    # a start month given is kept as it is
    levers.recruits_start = "2018-08"
    assert plan_with_levers(plan, levers, MONTHS[0], 4).recruits[-1].start_month == pd.Timestamp("2018-08-01")
    # in the scenario measures: approved in July, 4 months' lead time -> not in post in Jul-Sep
    levers.recruits_start = None
    table = scenario_measures(_demand(), levers, _params())
    assert list(table["caseload_lac"]) == pytest.approx([250 / 20] * 3)
    quick = scenario_measures(_demand(), levers, _params(recruitment_lead_time_months=1))
    assert list(quick["caseload_lac"]) == pytest.approx([250 / 20, 250 / 25, 250 / 25])


def test_fte_gap_by_team_and_in_total():
    table = scenario_measures(_demand(), _levers(), _params())
    # needed: mash 1,000 / 100 = 10, assessment 190 / 10 = 19, cin_cp 1,000 / 20 = 50, lac 250 / 10 = 25
    # carrying work: 10, 20, 50, 20 -> gaps 0, -1, 0, 5 ; total 4
    row = table.iloc[0]
    assert [row[f"fte_gap_{t}"] for t in ("mash", "assessment", "cin_cp", "lac")] == pytest.approx(
        [0, -1, 0, 5]
    )
    assert row["fte_gap_total"] == pytest.approx(4)
    # 5 more LAC workers (vacancy change -5 fills none; agency +5 works) close the LAC gap
    more = scenario_measures(_demand(), _levers(agency_fte_change=25.0), _params())
    # agency 25 split by establishment: lac 25 x 20/100 = 5 -> gap 0 ; cin_cp 12.5 -> gap -12.5
    assert more["fte_gap_lac"].iloc[0] == pytest.approx(0.0)
    assert more["fte_gap_cin_cp"].iloc[0] == pytest.approx(-12.5)


def test_early_help_open_families_hand_computed():
    params = with_overrides(
        load_parameters(include_levers=False),
        {"early_help_plan_months": 3, "early_help_family_worker_share_pct": 50},
    )
    # plans 30, 60, 90, 0 ; months before the first taken as 30: windows (30+30+30), (30+30+60), (30+60+90),
    # (60+90+0) = 90, 120, 180, 150 ; half held by family workers
    assert early_help_open(np.array([30.0, 60, 90, 0]), params) == pytest.approx([45, 60, 90, 75])
    assert early_help_open(np.array([]), params).size == 0


def test_early_help_caseload_and_gap_under_a_scenario():
    params = _params(
        early_help_plan_months=2,
        early_help_family_worker_share_pct=100,
        caseload_norm_early_help=12,
        establishment_fte_early_help=20,
        vacancies_fte_early_help=0,
        agency_fte_early_help=0,
    )
    demand = _demand().assign(early_help_plans=[100.0, 140, 140], early_help_extra_open=[0.0, 24, -5])
    table = scenario_measures(demand, _levers(), params)
    # open: 2 months of plans (the first month's before it) 200, 240, 280 ; + extra 0, 24, 0 (never below 0)
    # -> 200, 264, 280 families for 20 family workers
    assert list(table["caseload_early_help"]) == pytest.approx([10.0, 13.2, 14.0])
    # gap = open / 12 - 20
    assert list(table["fte_gap_early_help"]) == pytest.approx([200 / 12 - 20, 264 / 12 - 20, 280 / 12 - 20])
    social = table[[f"fte_gap_{t}" for t in ("mash", "assessment", "cin_cp", "lac")]].sum(axis=1)
    assert list(table["fte_gap_total"]) == pytest.approx(list(social + table["fte_gap_early_help"]))


def test_a_step_down_scenario_reports_the_family_workers_caseload(embedded_dataset):
    from pathlib import Path

    from forecasting.engine.forecast import run_forecast
    from forecasting.planning.pipeline import calibrate_pipeline
    from forecasting.planning.scenarios import apply_scenario, build_baseline, load_scenario

    baseline, _ = build_baseline(embedded_dataset, run_forecast(embedded_dataset), load_parameters())
    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "early-help-step-down.yaml")
    result = apply_scenario(baseline, scenario, calibrate_pipeline(embedded_dataset), baseline.params)
    caseload = result.measure("caseload_early_help")
    extra = np.clip(result.measure("early_help_extra_open")["delta"].to_numpy(), 0, None)
    # the shipped plan's 20 family workers, none vacant: the step-down adds extra / 20 families per worker
    assert caseload["delta"].to_numpy() == pytest.approx(extra / 20)
    gap = result.measure("fte_gap_early_help")["delta"].to_numpy()
    assert gap == pytest.approx(extra / 12)
    assert result.measure("fte_gap_total")["delta"].to_numpy()[-1] > 0


def test_the_front_door_queue_and_its_triage_are_scenario_measures():
    # MASH: 10 FTE x 90 contacts = 900 a month for 1,000 arriving; the backlog is capped at 0.1 month (90)
    params = _params(contacts_per_fte_mash=90, backlog_ceiling_months=0.1)
    table = scenario_measures(_demand(), _levers(), params)
    # Jul: 1,000, 900 done, 100 left: 90 carried, 10 triaged ; Aug: 1,090, 900 done, 190 left: 90 + 100
    assert list(table["backlog_mash"]) == pytest.approx([90, 90, 90])
    assert list(table["triaged_mash"]) == pytest.approx([10, 100, 100])
    # the assessment team keeps up (20 FTE x 10 = 200 for 190): nothing carried or triaged
    assert list(table["backlog_assessment"]) == [0, 0, 0] and list(table["triaged_assessment"]) == [0, 0, 0]
    assert "backlog_lac" not in table  # a case-holding team has no queue
