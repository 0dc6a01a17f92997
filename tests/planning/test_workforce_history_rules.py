"""Workforce history rules on hand-computed toys: the timeliness fit (slope clipped at the minimum), capacity
calibration from the busiest run of months, and the demand read off the scorecard."""
import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.workforce import StaffingPlan
from forecasting.planning.workforce_history import calibrate_capacity, fit_timeliness, history_demand

MONTHS = pd.date_range("2018-01-01", periods=3, freq="MS")
TEAMS = ("mash", "assessment", "cin_cp", "lac")


def _params(**extra):
    return with_overrides(
        load_parameters(include_levers=False),
        {"caseload_norm_cin_cp": 10, "timeliness_min_slope": 0.0, "capacity_window_months": 3, **extra},
    )


def _plan(**fte):
    establishment = {team: fte.get(team, 0.0) for team in TEAMS}
    return StaffingPlan(establishment, {t: 0.0 for t in TEAMS}, {t: 0.0 for t in TEAMS})


def _demand(cin_cp_cases=(50.0, 80.0, 100.0), months=MONTHS):
    # cin_cp: 10 FTE x norm 10 = capacity 100 -> utilisation 0.5, 0.8, 1.0
    return pd.DataFrame(
        {
            "contacts": 0.0,
            "referrals": 0.0,
            "assessments": 0.0,
            "cin_open": list(cin_cp_cases),
            "cp_plans": 0.0,
            "lac": 0.0,
        },
        index=months,
    )


L7, L6 = np.log(0.7 / 0.3), np.log(0.6 / 0.4)  # logit(0.7) = 0.847298, logit(0.6) = 0.405465, logit(0.5) = 0


def test_timeliness_fit_hand_computed_when_more_load_hurts():
    # u = 0.5, 0.8, 1.0 ; logit(on time) = 0.847298, 0.405465, 0 (70%, 60%, 50%)
    # least squares: Sxy = -0.212431, Sxx = 0.126667 -> coefficient -1.677084 -> slope 1.677084
    # intercept = mean(logit + slope x u) = 0.417588 + 1.677084 x 0.766667 = 1.703352
    observed = {"CP8-QL": pd.Series([70.0, 60.0, 50.0], index=MONTHS)}
    curves = fit_timeliness(_demand(), observed, _plan(cin_cp=10.0), _params())
    cp8 = curves["CP8-QL"]
    assert cp8.fitted and cp8.note.startswith("fitted on 3 months, load: caseload")
    assert cp8.load == "team"  # the toy has no S47 enquiries: the team's own load (its caseload)
    assert cp8.slope == pytest.approx(1.677084, abs=1e-5)
    assert cp8.intercept == pytest.approx(1.703352, abs=1e-5)
    # measures without history keep the parameter curves and say so
    assert not curves["M8-QL"].fitted and "too little history" in curves["M8-QL"].note


def test_timeliness_slope_is_clipped_when_the_fit_says_load_helps():
    # on time 50%, 60%, 70% as load rises: logit 0, 0.405465, 0.847298 -> Sxy = +0.211218, coefficient
    # 0.211218 / 0.126667 = 1.667510, i.e. slope -1.667510, below the minimum 0 -> held at 0;
    # the intercept is then mean(logit) + 0 x mean(u) = (0 + 0.405465 + 0.847298) / 3 = 0.417588
    observed = {"CP8-QL": pd.Series([50.0, 60.0, 70.0], index=MONTHS)}
    cp8 = fit_timeliness(_demand(), observed, _plan(cin_cp=10.0), _params())["CP8-QL"]
    assert cp8.slope == 0.0
    assert cp8.intercept == pytest.approx((0 + L6 + L7) / 3)
    assert "slope -1.67" in cp8.note and "held at 0" in cp8.note
    # a minimum of 0.5: slope 0.5, intercept 0.417588 + 0.5 x 0.766667 = 0.800921
    cp8 = fit_timeliness(_demand(), observed, _plan(cin_cp=10.0), _params(timeliness_min_slope=0.5))["CP8-QL"]
    assert cp8.slope == 0.5
    assert cp8.intercept == pytest.approx((L6 + L7) / 3 + 0.5 * 2.3 / 3)
    # a fitted slope above the minimum is kept: 1.677084 > 0.5
    observed = {"CP8-QL": pd.Series([70.0, 60.0, 50.0], index=MONTHS)}
    cp8 = fit_timeliness(_demand(), observed, _plan(cin_cp=10.0), _params(timeliness_min_slope=0.5))["CP8-QL"]
    assert cp8.slope == pytest.approx(1.677084, abs=1e-5)


def test_timeliness_fit_needs_three_months_of_varying_load():
    observed = {"CP8-QL": pd.Series([70.0, np.nan, 50.0], index=MONTHS)}
    cp8 = fit_timeliness(_demand(), observed, _plan(cin_cp=10.0), _params())["CP8-QL"]
    assert not cp8.fitted and "too little history" in cp8.note
    flat = fit_timeliness(
        _demand((100.0, 100.0, 100.0)),
        {"CP8-QL": pd.Series([70.0, 60.0, 50.0], index=MONTHS)},
        _plan(cin_cp=10.0),
        _params(),
    )["CP8-QL"]
    assert not flat.fitted
    # 100% on time is clipped to 99.5% before the logit: logit(0.995) = 5.293305
    months = pd.date_range("2018-01-01", periods=4, freq="MS")
    observed = {"CP8-QL": pd.Series([100.0, 100.0, 100.0, 100.0], index=months)}
    cp8 = fit_timeliness(_demand((50.0, 60.0, 70.0, 80.0), months), observed, _plan(cin_cp=10.0),
                         _params())["CP8-QL"]
    assert cp8.slope == pytest.approx(0.0, abs=1e-9)
    assert cp8.intercept == pytest.approx(np.log(0.995 / 0.005))


def test_capacity_is_the_busiest_run_of_months_over_staffed_fte():
    months = pd.date_range("2018-01-01", periods=5, freq="MS")
    demand = pd.DataFrame({"contacts": [100.0, 300.0, 200.0, 400.0, 100.0], "referrals": 0.0,
                           "assessments": [10.0, 10.0, 40.0, 10.0, 10.0], "cin_open": 0.0, "cp_plans": 0.0,
                           "lac": 0.0}, index=months)
    calibration = calibrate_capacity(demand, _plan(mash=10.0, assessment=4.0), _params())
    # 3-month means: Jan-Mar 200, Feb-Apr 300, Mar-May 233.3 -> busiest Feb-Apr 300 / 10 FTE = 30 per FTE
    # assessments: 20, 20, 20 (ties: the first, Jan-Mar) -> 20 / 4 = 5 per FTE
    assert calibration.per_fte == pytest.approx({"mash": 30.0, "assessment": 5.0})
    mash = calibration.table.set_index("team").loc["mash"]
    assert mash["busiest_months"] == "Feb 2018-Apr 2018"
    assert mash["demonstrated_throughput"] == pytest.approx(300.0)
    assert mash["staffed_fte"] == pytest.approx(10.0)
    assert mash["mean_utilisation_history"] == pytest.approx(220.0 / 300.0)
    assert calibration.table.set_index("team").loc["assessment", "busiest_months"] == "Jan 2018-Mar 2018"
    assert calibration.describe()[0].startswith(
        "mash capacity calibrated from the history: 30.0 contacts per FTE"
    )
    # a 2-month window: Mar-Apr 300 -> 30 per FTE ; no staff or too few months: not calibrated
    assert calibrate_capacity(demand, _plan(mash=10.0), _params(capacity_window_months=2)).per_fte[
        "mash"
    ] == pytest.approx(30.0)
    assert "mash" not in calibrate_capacity(demand, _plan(assessment=4.0), _params()).per_fte
    assert calibrate_capacity(demand.iloc[:2], _plan(mash=10.0), _params()).per_fte == {}


def test_history_demand_reads_the_scorecard_and_fills_gaps():
    codes = {"M1": "contacts", "M2": "referrals", "EH3": "assessments", "EH2": "cin_open", "CP6B": "cp_plans",
             "LAC1": "lac"}
    rows = [{"unique_id": code, "ds": m, "y": float(v)}
            for code in codes for m, v in zip(MONTHS, [10, 20, 30], strict=True)]
    rows = [r for r in rows if not (r["unique_id"] == "LAC1" and r["ds"] == MONTHS[1])]   # a gap in LAC1
    catalogue = pd.DataFrame({"unit": "count"}, index=pd.Index(list(codes), name="indicator"))
    demand = history_demand(Dataset(pd.DataFrame(rows), catalogue))
    assert list(demand.columns) == list(codes.values())
    assert list(demand["lac"]) == [10, 20, 30]                     # interpolated
    # an indicator the data set lacks leaves its column out; none at all is an error
    partial = history_demand(Dataset(pd.DataFrame([r for r in rows if r["unique_id"] != "LAC1"]), catalogue))
    assert list(partial.columns) == ["contacts", "referrals", "assessments", "cin_open", "cp_plans"]
    with pytest.raises(ValueError, match="has none of"):
        history_demand(Dataset(pd.DataFrame([{"unique_id": "X", "ds": MONTHS[0], "y": 1.0}]), catalogue))


def test_capacity_window_edges():
    months = pd.date_range("2018-01-01", periods=3, freq="MS")
    demand = pd.DataFrame({"contacts": [100.0, 400.0, 100.0], "referrals": 0.0, "assessments": 0.0,
                           "cin_open": 50.0, "cp_plans": 0.0, "lac": 0.0}, index=months)
    # exactly `window` months is enough: (100 + 400 + 100) / 3 = 200 / 10 FTE = 20 per FTE
    calibration = calibrate_capacity(demand, _plan(mash=10.0, cin_cp=5.0), _params())
    assert calibration.per_fte["mash"] == pytest.approx(20.0)
    # stock teams are never calibrated from throughput, staffed or not
    assert "cin_cp" not in calibration.per_fte
    # a 1-month window: the busiest month, 400 / 10
    assert calibrate_capacity(demand, _plan(mash=10.0), _params(capacity_window_months=1)).per_fte[
        "mash"
    ] == pytest.approx(40.0)
    # a flow team whose demand column is missing is skipped, not an error
    assert "assessment" not in calibrate_capacity(demand.drop(columns="assessments"), _plan(assessment=3.0),
                                                  _params()).per_fte


def _history_dataset(cp8):
    codes = {"M1": 1000.0, "M2": 200.0, "EH3": 100.0, "EH2": 500.0, "LAC1": 300.0}
    months = pd.date_range("2018-01-01", periods=len(cp8), freq="MS")
    cp6b = [400.0, 600.0, 800.0, 500.0, 700.0][:len(cp8)]
    rows = [{"unique_id": code, "ds": m, "y": v} for code, v in codes.items() for m in months]
    rows += [{"unique_id": "CP6B", "ds": m, "y": v} for m, v in zip(months, cp6b, strict=True)]
    rows += [{"unique_id": "CP8-QL", "ds": m, "y": v} for m, v in zip(months, cp8, strict=True)]
    catalogue = pd.DataFrame({"unit": "count"}, index=pd.Index([*codes, "CP6B", "CP8-QL"], name="indicator"))
    return Dataset(pd.DataFrame(rows), catalogue)


def test_validation_scores_hand_computed():
    from forecasting.planning.workforce import project_workforce
    from forecasting.planning.workforce_history import validate_timeliness

    params = load_parameters(include_levers=False)
    dataset = _history_dataset([90.0, 80.0, 70.0, 60.0, 85.0])
    table = validate_timeliness(dataset, params, train_months=3).set_index("measure")
    row = table.loc["CP8-QL"]
    assert (row["n_train"], row["n_test"]) == (3, 2)
    # naive: the last training month (70) carried forward: |70 - 60|, |70 - 85| -> 12.5
    assert row["mae_naive"] == pytest.approx(12.5)
    # training mean 80 carried forward: |80 - 60|, |80 - 85| -> 12.5 ... and with 95 in April: (15 + 5) / 2
    assert row["mae_train_mean"] == pytest.approx(12.5)
    table = validate_timeliness(_history_dataset([90.0, 80.0, 70.0, 95.0, 85.0]), params, train_months=3)
    row = table.set_index("measure").loc["CP8-QL"]
    assert row["mae_naive"] == pytest.approx((25 + 15) / 2) and row["mae_train_mean"] == pytest.approx(10.0)
    # the model: the curve fitted on the first 3 months, applied to the last 2 months' load
    demand = history_demand(_history_dataset([90.0, 80.0, 70.0, 95.0, 85.0]))
    plan = StaffingPlan.from_parameters(params)
    capacity = calibrate_capacity(demand.iloc[:3], plan, params).per_fte
    observed = {"CP8-QL": pd.Series([90.0, 80.0, 70.0], index=demand.index[:3])}
    curves = fit_timeliness(demand.iloc[:3], observed, plan, params, capacity)
    assert curves["CP8-QL"].fitted and row["slope"] == curves["CP8-QL"].slope
    predicted = project_workforce(demand, plan, params, curves, capacity).timeliness
    predicted = predicted[predicted["measure"] == "CP8-QL"]["on_time_pct"].to_numpy()[3:]
    assert row["mae_model"] == pytest.approx(np.mean(np.abs(predicted - [95.0, 85.0])))
    # the parameters passed are the ones used (a different minimum slope changes nothing here, a different
    # caseload norm changes the load and so the fit)
    other = with_overrides(params, {"caseload_norm_cin_cp": 25})
    assert validate_timeliness(_history_dataset([90.0, 80.0, 70.0, 95.0, 85.0]), other, train_months=3) \
        .set_index("measure").loc["CP8-QL", "slope"] != pytest.approx(row["slope"])
    with pytest.raises(ValueError, match="nothing left to test"):
        validate_timeliness(dataset, params, train_months=5)
