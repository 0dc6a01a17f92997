from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.workforce import (
    TEAMS,
    TIMELINESS_TEAM,
    Recruit,
    StaffingPlan,
    TimelinessCurve,
    fte_needed,
    project_workforce,
    team_load,
)
from forecasting.planning.workforce_history import calibrate_capacity, validate_timeliness
from forecasting.planning.workforce_scenario import scenario_measures

MONTHS = pd.date_range("2018-07-01", periods=12, freq="MS")


@pytest.fixture(scope="module")
def params():
    return load_parameters(include_levers=False)


def demand(scale=1.0) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    base = {
        "contacts": 1400,
        "referrals": 260,
        "assessments": 180,
        "cin_open": 1050,
        "cp_plans": 330,
        "lac": 520,
    }
    return pd.DataFrame(
        {k: v * scale * (1 + 0.1 * rng.standard_normal(len(MONTHS))) for k, v in base.items()}, index=MONTHS
    )


def flat_plan(fte: float) -> StaffingPlan:
    return StaffingPlan({t: fte for t in TEAMS}, {t: 0.0 for t in TEAMS}, {t: 0.0 for t in TEAMS})


def test_queue_hand_computed(params):
    # the queue alone (front-door triage off: tests/planning/test_front_door_triage.py)
    toy = with_overrides(params, {"contacts_per_fte_mash": 100, "triage_screen_out_pct": 0})
    frame = pd.DataFrame(
        {
            "contacts": [150.0, 50.0, 100.0],
            "referrals": 0.0,
            "assessments": 0.0,
            "cin_open": [10.0, 20.0, 30.0],
            "cp_plans": [10.0, 0.0, 0.0],
            "lac": 0.0,
        },
        index=MONTHS[:3],
    )
    fte = pd.DataFrame({t: 1.0 for t in TEAMS}, index=MONTHS[:3])
    load = team_load(frame, fte, toy)
    mash = load[load["team"] == "mash"]
    assert mash["workload"].tolist() == [150, 100, 100]  # 50 carried into month 2, cleared there
    assert mash["backlog"].tolist() == [50, 0, 0]
    assert mash["utilisation"].tolist() == pytest.approx([1.5, 1.0, 1.0])
    cin_cp = load[load["team"] == "cin_cp"]
    assert cin_cp["caseload_per_worker"].tolist() == [20, 20, 30]


def test_staffing_plan_vacancies_agency_recruit_ramp(params):
    plan = StaffingPlan.from_parameters(params)
    # the shipped plan spreads the Chair's 11 vacancies over the four social-work teams
    assert sum(plan.vacancies.values()) == pytest.approx(11.0)
    plan = StaffingPlan(
        {"cin_cp": 10},
        {"cin_cp": 2},
        {"cin_cp": 1},
        recruits=(Recruit("cin_cp", 4, MONTHS[2], months_to_full_caseload=4),),
    )
    fte = plan.fte(MONTHS[:7])["cin_cp"].tolist()
    # issue 14: 1 recruit fills the uncovered vacancy, 1 takes over from the agency worker (who hands over as
    # the recruit ramps up: no net change), 2 add posts; the 1 + 2 ramp up over 4 months (3/4 short, 2/4, ...)
    assert fte == pytest.approx([9, 9, 9 + 0.75, 9 + 1.5, 9 + 2.25, 12, 12])
    decaying = StaffingPlan({"lac": 12}, {}, {}, unreplaced_turnover_pct=12).fte(MONTHS[:2])["lac"]
    assert decaying.tolist() == pytest.approx([12, 12 * 0.99])


def test_more_fte_never_worsens_caseload_or_timeliness(params):
    scenario = demand()
    previous = None
    for fte in (5, 10, 20, 40, 80):
        projection = project_workforce(scenario, flat_plan(fte), params)
        wide = projection.wide()
        if previous is not None:
            for team in TEAMS:
                assert (wide[f"caseload_{team}"] <= previous[f"caseload_{team}"] + 1e-9).all()
            for measure in TIMELINESS_TEAM:
                assert (wide[measure] >= previous[measure] - 1e-9).all()
        previous = wide
    # and strictly better for a team that is overloaded
    low = project_workforce(scenario, flat_plan(5), params).wide()
    high = project_workforce(scenario, flat_plan(80), params).wide()
    assert (high["M8-QL"] > low["M8-QL"]).all()


def test_validation_on_embedded_history_reports_finite_errors(embedded_dataset, params):
    table = validate_timeliness(embedded_dataset, params)
    assert set(table["measure"]) == set(TIMELINESS_TEAM)
    assert (table["n_train"] == 9).all() and (table["n_test"] == 4).all()
    for column in ("mae_model", "mae_naive", "mae_train_mean"):
        assert np.isfinite(table[column]).all()
    assert (table["slope"] >= 0).all()


def test_fte_needed_for_norm_and_timeliness(params):
    frame = demand()
    sized = fte_needed(frame, params, caseload_norm=15).set_index(["team", "month"])
    cin = sized.loc["cin_cp"]
    assert np.allclose(cin["fte_for_norm"], (frame["cin_open"] + frame["cp_plans"]).to_numpy() / 15)
    curve = TimelinessCurve("M8-QL", intercept=3.0, slope=2.0, fitted=False)
    curves = {m: curve for m in TIMELINESS_TEAM}
    sized = fte_needed(frame, params, timeliness_target={"M8-QL": 80}, curves=curves)
    mash = sized[sized["team"] == "mash"]
    # feeding the sized FTE back gives exactly the target timeliness
    plan = StaffingPlan({t: 0.0 for t in TEAMS}, {}, {}).with_extra(
        "mash", float(mash["fte_for_timeliness"].iloc[0])
    )
    check = project_workforce(frame.iloc[:1], plan, params, curves).wide()
    assert check["M8-QL"].iloc[0] == pytest.approx(80.0)


def test_scenario_measures_neutral_and_recruits(params):
    class Levers:
        recruits_fte, recruits_team, recruits_start, recruits_months_to_full_caseload = (
            0.0,
            "cin_cp",
            None,
            6.0,
        )
        agency_fte_change = vacancy_fte_change = turnover_pct_change = 0.0

    base = scenario_measures(demand(), Levers(), params)
    Levers.recruits_fte, Levers.recruits_start = 8.0, "2018-10"
    more = scenario_measures(demand(), Levers(), params)
    assert list(base.index) == list(MONTHS)
    assert (more.loc[:"2018-09", "caseload_cin_cp"] == base.loc[:"2018-09", "caseload_cin_cp"]).all()
    assert (more.loc["2018-10":, "caseload_cin_cp"] < base.loc["2018-10":, "caseload_cin_cp"]).all()
    assert (more["CP8-QL"] >= base["CP8-QL"]).all()


def test_scenario_fast_path_equals_the_projection(params):
    class Levers:
        recruits_fte, recruits_team, recruits_start, recruits_months_to_full_caseload = (
            5.0,
            "mash",
            "2018-09",
            3.0,
        )
        agency_fte_change, vacancy_fte_change, turnover_pct_change = 2.0, 3.0, 5.0

    fast = scenario_measures(demand(), Levers(), params)
    plan = StaffingPlan.from_parameters(params)
    # issue 14: lever changes are spread over the four social-work teams (not the Early Help family workers),
    # and the fast path also returns the staffing measures (filled, vacancies, agency FTE and staffing_cost)
    social_work = {t: plan.establishment[t] for t in TEAMS}
    weights = {t: f / sum(social_work.values()) for t, f in social_work.items()}
    vacancies = {**plan.vacancies, **{t: plan.vacancies[t] + 3.0 * w for t, w in weights.items()}}
    agency = {**plan.agency, **{t: plan.agency[t] + 2.0 * w for t, w in weights.items()}}
    plan = replace(
        plan,
        vacancies=vacancies,
        agency=agency,
        unreplaced_turnover_pct=5.0,
        recruits=(Recruit("mash", 5.0, pd.Timestamp("2018-09-01"), 3.0),),
    )
    slow = project_workforce(demand(), plan, params).wide()
    pd.testing.assert_frame_equal(fast[slow.columns], slow, check_names=False, check_freq=False)


def test_fte_needed_rejects_unknown_team(params):
    with pytest.raises(ValueError, match="unknown team"):
        fte_needed(demand(), params, caseload_norm={"social_care": 12})


# ------------------------------------------------------------------------------ capacity calibrated on
# history
def _history_plan(params, mash_fte):
    from forecasting.planning.parameters import with_overrides

    params = with_overrides(params, {"establishment_fte_mash": mash_fte})
    return params, StaffingPlan.from_parameters(params)


def test_capacity_calibration_hand_computed(params):
    history = pd.DataFrame(
        {"contacts": [100.0, 300.0, 200.0, 250.0, 50.0], "assessments": [10.0] * 5},
        index=pd.date_range("2017-06-01", periods=5, freq="MS"),
    )
    plan = StaffingPlan({t: 5.0 for t in TEAMS}, {}, {})
    cal = calibrate_capacity(history, plan, params)  # window 3: busiest run Jul-Sep = 250 a month
    assert cal.per_fte["mash"] == pytest.approx(250.0 / 5.0)
    assert cal.per_fte["assessment"] == pytest.approx(2.0)
    row = cal.table.set_index("team").loc["mash"]
    assert row["busiest_months"] == "Jul 2017-Sep 2017" and row["parameter_default"] == 100
    assert any("50.0 contacts per FTE" in line for line in cal.describe())


@pytest.mark.parametrize("mash_fte", [8, 14, 25])
def test_calibrated_baseline_front_door_is_steady_whatever_fte_is_assumed(embedded_dataset, params, mash_fte):
    """Flat demand at the recent level for 21 months: MASH caseload per worker and M8-QL stay in a plausible
    band."""
    from forecasting.planning.workforce_history import fit_timeliness, history_demand

    params, plan = _history_plan(params, mash_fte)
    history = history_demand(embedded_dataset)
    cal = calibrate_capacity(history, plan, params)
    observed = {m: embedded_dataset.series(m) for m in TIMELINESS_TEAM}
    curves = fit_timeliness(history, observed, plan, params, cal.per_fte)
    months = pd.date_range("2018-07-01", periods=21, freq="MS")
    recent = history.iloc[-6:].mean()  # Jan-Jun 2018, about 1,460 contacts a month
    flat = pd.DataFrame({c: float(recent[c]) for c in history.columns}, index=months)
    wide = project_workforce(flat, plan, params, curves, cal.per_fte)
    mash = wide.by_team[wide.by_team["team"] == "mash"]
    assert (mash["backlog"] == 0).all()  # no queue builds at the recent demand
    per_worker = mash["caseload_per_worker"].to_numpy()
    assert per_worker.max() == pytest.approx(per_worker.min())  # steady, not drifting
    assert per_worker[0] == pytest.approx(recent["contacts"] / plan.fte(months)["mash"].iloc[0])
    m8 = wide.wide()["M8-QL"].to_numpy()
    history_m8 = embedded_dataset.series("M8-QL").dropna()
    assert history_m8.min() <= m8.min() and m8.max() <= history_m8.max()  # within what was observed
    assert m8.max() - m8.min() < 1e-9
    # the model's history utilisation reproduces the observed timeliness on average
    replay = project_workforce(history, plan, params, curves, cal.per_fte).wide()["M8-QL"]
    assert abs(replay.mean() - history_m8.mean()) < 2.0


def test_uncalibrated_parameter_capacity_diverges_at_the_same_demand(embedded_dataset, params):
    """The failure the calibration fixes: 14 FTE x the parameter 100 contacts builds an endless backlog."""
    from forecasting.planning.parameters import with_overrides
    from forecasting.planning.workforce_history import history_demand

    triage, plan = _history_plan(params, 14)
    params = with_overrides(triage, {"triage_screen_out_pct": 0})  # the ceiling alone first
    months = pd.date_range("2018-07-01", periods=21, freq="MS")
    recent = history_demand(embedded_dataset).iloc[-6:].mean()
    flat = pd.DataFrame({c: float(recent[c]) for c in recent.index}, index=months)
    mash = project_workforce(flat, plan, params).by_team.query("team == 'mash'")
    backlog = mash["backlog"].to_numpy()
    # issue 14: the queue has a ceiling (backlog_ceiling_months of capacity); it grows every month until it
    # reaches it, then the excess is triaged instead of queued without limit
    ceiling = params["backlog_ceiling_months"].value * mash["capacity"].to_numpy()
    growing = backlog < ceiling - 1e-9
    assert growing[0] and (np.diff(backlog[growing]) > 0).all()
    assert backlog[~growing] == pytest.approx(ceiling[~growing])
    assert (mash["triaged"].to_numpy()[~growing] > 0).all()
    # with front-door triage on, the backlog is held where triage brings it (never at the ceiling) and the
    # contacts screened out are the triaged work
    held = project_workforce(flat, plan, triage).by_team.query("team == 'mash'")
    assert (held["backlog"].to_numpy() < ceiling - 1e-9).all()
    assert held["screened_out"].sum() > 0 and held["over_ceiling"].sum() == 0
    assert held["triaged"].to_numpy() == pytest.approx(held["screened_out"].to_numpy())


def test_small_front_door_change_moves_m8_a_little(embedded_dataset, params):
    from forecasting.planning.workforce_history import fit_timeliness, history_demand

    plan = StaffingPlan.from_parameters(params)
    history = history_demand(embedded_dataset)
    cal = calibrate_capacity(history, plan, params)
    curves = fit_timeliness(
        history, {m: embedded_dataset.series(m) for m in TIMELINESS_TEAM}, plan, params, cal.per_fte
    )
    months = pd.date_range("2018-07-01", periods=21, freq="MS")
    flat = pd.DataFrame({c: float(history[c].iloc[-6:].mean()) for c in history.columns}, index=months)
    fewer = flat.assign(contacts=flat["contacts"] * 0.98)  # 2% fewer contacts
    base = project_workforce(flat, plan, params, curves, cal.per_fte).wide()["M8-QL"]
    less = project_workforce(fewer, plan, params, curves, cal.per_fte).wide()["M8-QL"]
    change = (less - base).to_numpy()
    assert (change >= 0).all() and change.max() < 1.5  # a small improvement, not a swing


# ------------------------------------------------------------------------------ partial data: only the teams
# it has
def _toy_dataset(series: dict[str, list[float]]):
    from forecasting.data import Dataset

    months = pd.date_range("2018-01-01", periods=4, freq="MS")
    obs = pd.DataFrame(
        [
            {"unique_id": code, "ds": m, "y": float(v)}
            for code, values in series.items()
            for m, v in zip(months, values, strict=True)
        ]
    )
    return Dataset(
        observations=obs,
        indicators=pd.DataFrame(
            {"unit": ["count"] * len(series)}, index=pd.Index(list(series), name="indicator")
        ),
    )


def test_history_without_assessments_or_cin_keeps_the_teams_it_has(params):
    """No EH2/EH3 (used to raise, so the Workforce page crashed): MASH and LAC teams only, hand-computed."""
    from forecasting.planning.workforce_history import fit_timeliness, history_demand

    dataset = _toy_dataset({"M1": [100, 300, 200, 250], "CP6B": [30, 30, 30, 30], "LAC1": [40, 44, 48, 52]})
    history = history_demand(dataset)
    assert list(history.columns) == ["contacts", "cp_plans", "lac"]
    plan = StaffingPlan({t: 5.0 for t in TEAMS}, {}, {})
    cal = calibrate_capacity(history, plan, params)  # busiest 3 months Feb-Apr: 250 a month
    assert cal.per_fte == pytest.approx({"mash": 250.0 / 5.0})  # no assessment team without EH3
    projection = project_workforce(history, plan, params, capacity=cal.per_fte)
    assert sorted(projection.by_team["team"].unique()) == ["lac", "mash"]  # cin_cp needs EH2 as well as CP6B
    lac = projection.by_team.query("team == 'lac'")["caseload_per_worker"].tolist()
    assert lac == pytest.approx([8.0, 8.8, 9.6, 10.4])  # LAC1 / 5 FTE
    assert list(projection.timeliness["measure"].unique()) == ["M8-QL"]
    curves = fit_timeliness(history, {}, plan, params, cal.per_fte)
    assert not curves["EH4-QL"].fitted and "no assessment workload" in curves["EH4-QL"].note
    needed = fte_needed(history, params, caseload_norm=20.0, capacity=cal.per_fte)
    assert set(needed["team"]) == {"mash", "lac"}
    assert needed.query("team == 'lac'")["fte_needed"].tolist() == pytest.approx([2.0, 2.2, 2.4, 2.6])


def test_history_with_no_team_demand_is_a_clear_error():
    from forecasting.planning.workforce_history import history_demand

    with pytest.raises(ValueError, match="no team's workload"):
        history_demand(_toy_dataset({"M3": [20, 21, 22, 23]}))


def test_forecast_demand_takes_only_complete_indicators():
    from forecasting.planning.workforce_history import forecast_demand

    months = pd.date_range("2018-07-01", periods=3, freq="MS")
    forecasts = pd.DataFrame(
        {
            "indicator": ["M1"] * 3 + ["LAC1"] * 3 + ["EH3"] * 2 + ["M3"] * 3,
            "month": list(months) * 2 + list(months[:2]) + list(months),
            "mean": [10.0, 11, 12, 50, 51, 52, 7, 8, 30, 31, 32],
        }
    )
    demand = forecast_demand(forecasts)
    assert list(demand.columns) == ["contacts", "lac"]  # EH3 lacks a month; M3 is not demand
    assert demand["lac"].tolist() == [50.0, 51.0, 52.0]


def test_queue_ceiling_hand_computed(params):
    """Capacity 100 a month (1 FTE x 100), ceiling half a month of capacity (50): the excess is triaged."""
    from forecasting.planning.parameters import with_overrides

    capped = with_overrides(params, {"backlog_ceiling_months": 0.5, "triage_screen_out_pct": 0})  # no triage
    months = pd.date_range("2018-07-01", periods=3, freq="MS")
    frame = pd.DataFrame({"contacts": [180.0, 180.0, 50.0]}, index=months)
    fte = pd.DataFrame({"mash": 1.0}, index=months)
    mash = team_load(frame, fte, capped, capacity={"mash": 100.0})
    # Jul: 180 arrive, 100 done, 80 left -> 50 carried, 30 triaged
    # Aug: 180 + 50 = 230, 100 done, 130 left -> 50 carried, 80 triaged
    # Sep: 50 + 50 = 100, 100 done, nothing left
    assert mash["workload"].tolist() == [180, 230, 100]
    assert mash["backlog"].tolist() == [50, 50, 0]
    assert mash["triaged"].tolist() == [30, 80, 0]
    assert mash["utilisation"].tolist() == pytest.approx([1.8, 2.3, 1.0])
