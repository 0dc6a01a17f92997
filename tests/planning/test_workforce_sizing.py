"""The planner's answer on the embedded data: FTE needed per team from the norm and the timeliness target, the
gap to filled posts, recruits and when to start them, and the cost of closing the gap (checked against the
rules with the parameters' own figures)."""

import numpy as np
import pandas as pd
import pytest

from forecasting.engine.forecast import run_forecast
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.scenario_effects import demand_frame
from forecasting.planning.scenarios import build_baseline
from forecasting.planning.workforce_sizing import size_workforce


@pytest.fixture(scope="module")
def baseline(embedded_dataset):
    flows, _ = build_baseline(embedded_dataset, run_forecast(embedded_dataset), load_parameters())
    return flows


def test_norm_sizing_gap_recruits_and_cost(baseline):
    params = baseline.params
    sizing = size_workforce(baseline, params, {"cin_cp": 18, "lac": 18})
    summary = sizing.summary.set_index("team")
    demand = demand_frame(baseline)
    cin_cp = summary.loc["cin_cp"]
    # FTE needed = peak of (open CIN + CP plans) / 18
    peak = ((demand["cin_open"] + demand["cp_plans"]) / 18).max()
    assert cin_cp["fte_needed"] == pytest.approx(peak)
    filled = 80 - params["vacancies_fte_cin_cp"].value
    assert cin_cp["filled_fte"] == pytest.approx(filled)
    assert cin_cp["recruits_needed"] == pytest.approx(max(peak - filled, 0))
    # cost of closing the gap for a year: employed (salary x on-costs + one recruitment each) vs agency
    full_month = 35444 * 1.30 / 12
    assert cin_cp["cost_employed_year"] == pytest.approx(cin_cp["recruits_needed"] * (full_month * 12 + 3000))
    assert cin_cp["cost_agency_year"] == pytest.approx(cin_cp["recruits_needed"] * full_month * 1.41 * 12)
    # starting month: the first month need exceeds filled posts, less 5 months (a full caseload in month 6)
    by_month = sizing.by_month.query("team == 'cin_cp'")
    first = by_month.loc[by_month["gap_to_filled"] > 0, "month"].min()
    expected = first - pd.DateOffset(months=5)
    assert cin_cp["start_by"].startswith(f"{expected:%b %Y}")
    # all teams: the peak of the monthly total, recruits summed over teams with a gap
    total = summary.loc["all"]
    monthly = sizing.by_month.groupby("month")["fte_needed"].sum()
    assert total["fte_needed"] == pytest.approx(monthly.max())
    assert total["recruits_needed"] == pytest.approx(summary.drop(index="all")["recruits_needed"].sum())


def test_unreachable_target_is_said_in_words_and_left_out_of_the_total(baseline):
    sizing = size_workforce(baseline, baseline.params, None, {"EH4-QL": 99.0})
    summary = sizing.summary.set_index("team")
    assert not np.isfinite(summary.loc["assessment", "fte_needed"])
    assert "not Assessment" in summary.loc["all", "team_name"]
    assert any("cannot be reached by staffing alone" in line for line in sizing.answer())
    assert np.isfinite(summary.loc["all", "fte_needed"])


def test_a_larger_plan_closes_the_gap(baseline):
    params = with_overrides(baseline.params, {"establishment_fte_cin_cp": 120, "vacancies_fte_cin_cp": 0})
    summary = size_workforce(baseline, params, {"cin_cp": 18}).summary.set_index("team")
    assert summary.loc["cin_cp", "recruits_needed"] == 0 and summary.loc["cin_cp", "start_by"] == ""


def test_sized_for_a_step_down_scenario(baseline):
    from pathlib import Path

    from forecasting.planning.pipeline import calibrate_pipeline
    from forecasting.planning.scenarios import apply_scenario, load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "early-help-step-down.yaml")
    result = apply_scenario(baseline, scenario, calibrate_pipeline(baseline.dataset), baseline.params)
    sizing = size_workforce(baseline, baseline.params, {"cin_cp": 18}, scenario=result)
    early = sizing.by_month.query("team == 'early_help'")
    extra = result.measure("early_help_extra_open")["delta"].to_numpy()
    # the plan's 20 family workers (none vacant, no ASYE) plus the extra families at 12 per worker
    assert early["fte_needed"].to_numpy() == pytest.approx(20 + np.clip(extra, 0, None) / 12)
    base = size_workforce(baseline, baseline.params, {"cin_cp": 18}).by_month.query("team == 'cin_cp'")
    cin_cp = sizing.by_month.query("team == 'cin_cp'")
    demand = sum(result.measure(name)["scenario"].to_numpy() for name in ("cin_open", "cp_plans"))
    assert cin_cp["fte_needed"].to_numpy() == pytest.approx(demand / 18)
    assert (cin_cp["fte_needed"].to_numpy() <= base["fte_needed"].to_numpy() + 1e-9).all()
    assert any("Early Help step-down" in note for note in sizing.notes)


def test_recruitment_schedule_adds_up_to_the_recruits(baseline):
    sizing = size_workforce(baseline, baseline.params, {"cin_cp": 18, "lac": 18})
    summary = sizing.summary.set_index("team")
    by_team = sizing.schedule.groupby("team")["fte_to_recruit"].sum()
    for team, recruits in summary["recruits_needed"].drop(index="all").items():
        assert by_team.get(team, 0.0) == pytest.approx(recruits)
    # each start is the full-caseload month less 5 months (6 months to a full caseload)
    for row in sizing.schedule.itertuples():
        full = pd.to_datetime(row.full_caseload_by, format="%b %Y")
        assert row.start_by.startswith(f"{full - pd.DateOffset(months=5):%b %Y}")
