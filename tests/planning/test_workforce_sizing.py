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
    # cost of closing the gap for a year: employed (salary x on-costs + one recruitment each) vs agency, both
    # with the managers (0.14 x 49,283) and support staff (0.25 x 20,000) each added post needs, with on-costs
    full_month = 35444 * 1.30 / 12
    overhead = (0.14 * 49283 + 0.25 * 20000) * 1.30 / 12
    posts = max(peak - 80, 0)
    assert cin_cp["posts_to_add"] == pytest.approx(posts)
    assert cin_cp["cost_employed_year"] == pytest.approx(
        cin_cp["recruits_needed"] * (full_month * 12 + 3000) + posts * overhead * 12
    )
    assert cin_cp["cost_agency_year"] == pytest.approx(
        cin_cp["recruits_needed"] * full_month * 1.41 * 12 + posts * overhead * 12
    )
    # starting month: the first month need exceeds filled posts, less 5 months (a full caseload in month 6)
    by_month = sizing.by_month.query("team == 'cin_cp'")
    first = by_month.loc[by_month["gap_to_filled"] > 0, "month"].min()
    expected = first - pd.DateOffset(months=5)
    assert cin_cp["start_by"].startswith(f"{expected:%b %Y}")
    # approved 4 months (recruitment_lead_time_months) before the start
    assert cin_cp["approve_by"].startswith(f"{expected - pd.DateOffset(months=4):%b %Y}")
    # all teams: the peak of the monthly total, recruits summed over teams with a gap
    total = summary.loc["all"]
    monthly = sizing.by_month.groupby("month")["fte_needed"].sum()
    assert total["fte_needed"] == pytest.approx(monthly.max())
    teams = summary.drop(index=["all", "all_social_work"])
    assert total["recruits_needed"] == pytest.approx(teams["recruits_needed"].sum())
    # social work teams: the same without Early Help
    social = sizing.by_month[sizing.by_month["team"] != "early_help"].groupby("month")["fte_needed"].sum()
    assert summary.loc["all_social_work", "fte_needed"] == pytest.approx(social.max())
    assert summary.loc["all_social_work", "recruits_needed"] == pytest.approx(
        teams.drop(index="early_help")["recruits_needed"].sum()
    )


def test_unreachable_target_is_said_in_words_and_left_out_of_the_total(baseline):
    sizing = size_workforce(baseline, baseline.params, None, {"EH4-QL": 99.0})
    summary = sizing.summary.set_index("team")
    assert not np.isfinite(summary.loc["assessment", "fte_needed"])
    assert "not Assessment" in summary.loc["all", "team_name"]
    assert any("cannot be reached by staffing alone" in line for line in sizing.answer())
    assert np.isfinite(summary.loc["all", "fte_needed"])
    # the team's line still gives the FTE its workload alone needs (the peak of fte_for_norm), the timeliness
    # line the scorecard's forecast and the most staffing can give
    assessment = sizing.by_month[sizing.by_month["team"] == "assessment"]
    line = next(line for line in sizing.answer() if line.startswith("Assessment:"))
    assert f"its workload alone needs {assessment['fte_for_norm'].max():,.1f} FTE at the peak" in line
    target = sizing.timeliness.set_index("measure").loc["EH4-QL"]
    assert target["reachable_from"] == "" and target["best_pct"] < 99.0
    assert any(line.startswith("% of single assessments within 45 working days (EH4-QL)") and "out of reach"
               in line for line in sizing.answer())  # fmt: skip


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
    # open families = plans opened (EH1b) in the last 6 months (the months before the forecast taken as its
    # first), all held by family workers, plus the step-down's extra families, at 12 per worker
    plans = baseline.flows["early_help_plans"]
    padded = [plans[0]] * 5 + list(plans)
    open_families = np.array([sum(padded[i : i + 6]) for i in range(len(plans))])
    assert early["fte_needed"].to_numpy() == pytest.approx((open_families + np.clip(extra, 0, None)) / 12)
    base = size_workforce(baseline, baseline.params, {"cin_cp": 18}).by_month.query("team == 'cin_cp'")
    cin_cp = sizing.by_month.query("team == 'cin_cp'")
    demand = sum(result.measure(name)["scenario"].to_numpy() for name in ("cin_open", "cp_plans"))
    assert cin_cp["fte_needed"].to_numpy() == pytest.approx(demand / 18)
    assert (cin_cp["fte_needed"].to_numpy() <= base["fte_needed"].to_numpy() + 1e-9).all()
    assert any("Universal Help Plans opened" in note for note in sizing.notes)


def test_recruitment_schedule_adds_up_to_the_recruits(baseline):
    sizing = size_workforce(baseline, baseline.params, {"cin_cp": 18, "lac": 18})
    summary = sizing.summary.set_index("team")
    by_team = sizing.schedule.groupby("team")["fte_to_recruit"].sum()
    for team, recruits in summary["recruits_needed"].drop(index=["all", "all_social_work"]).items():
        assert by_team.get(team, 0.0) == pytest.approx(recruits)
    # each start is the full-caseload month less 5 months (6 months to a full caseload)
    for row in sizing.schedule.itertuples():
        full = pd.to_datetime(row.full_caseload_by, format="%b %Y")
        assert row.start_by.startswith(f"{full - pd.DateOffset(months=5):%b %Y}")
