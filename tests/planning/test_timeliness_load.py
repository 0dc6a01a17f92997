"""Timeliness from work arriving, on hand-computed toys: windowed arrivals, calibration, utilisation, a step
change in FTE the curve reads, FTE needed for a target, and the adoption rule (work arriving only where it
beats naive)."""

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.staffing import Recruit, StaffingPlan
from forecasting.planning.timeliness_load import (
    TimelinessCurve,
    arrivals,
    calibrate_arrivals,
    load_definition,
    utilisation_from_arrivals,
)
from forecasting.planning.workforce import fte_needed, project_workforce
from forecasting.planning.workforce_history import adopt_loads, fit_timeliness

MONTHS = pd.date_range("2018-01-01", periods=4, freq="MS")


def _params(**extra):
    return with_overrides(
        load_parameters(include_levers=False),
        {"assessment_window_months": 2, "cp_arrivals_window_months": 1, "capacity_window_months": 3, **extra},
    )


def test_windowed_arrivals_hand_computed():
    params = _params()
    referrals = load_definition("EH4-QL", "referrals")
    # window 2: the first month has only itself -> 10, (10+20)/2, (20+30)/2, (30+40)/2
    assert arrivals({"referrals": np.array([10.0, 20, 30, 40])}, referrals, params) == pytest.approx(
        [10, 15, 25, 35]
    )
    # CP work arriving = S47 enquiries + new CP plans, window 1
    cp = load_definition("CP8-QL", "cp_arrivals")
    demand = {"s47_enquiries": np.array([80.0, 90]), "new_cp_plans": np.array([20.0, 30])}
    assert arrivals(demand, cp, params) == pytest.approx([100, 120])
    with pytest.raises(KeyError, match="new_cp_plans"):
        arrivals({"s47_enquiries": np.array([1.0])}, cp, params)


def test_calibration_and_utilisation_hand_computed():
    params = _params()
    # busiest 3-month run: (200 + 300 + 100) / 3 = 200 a month with 10 FTE -> 20 per FTE
    assert calibrate_arrivals(np.array([100.0, 200, 300, 100]), np.full(4, 10.0), params) == pytest.approx(20)
    assert np.isnan(calibrate_arrivals(np.array([1.0, 2]), np.full(2, 10.0), params))  # shorter than the run
    # 150 / (5 x 20) = 1.5 ; no FTE -> infinite
    assert utilisation_from_arrivals(np.array([150.0, 150]), np.array([5.0, 0]), 20.0) == pytest.approx(
        [1.5, np.inf]
    )


def _cp_demand(n=4):
    return pd.DataFrame(
        {"cin_open": 900.0, "cp_plans": 100.0, "s47_enquiries": 80.0, "new_cp_plans": 20.0},
        index=pd.date_range("2018-01-01", periods=n, freq="MS"),
    )


def test_a_step_change_in_fte_moves_timeliness_through_work_arriving():
    params = _params()
    # 10 CIN/CP FTE, none vacant; 10 more start in month 2 at a full caseload at once (new posts)
    plan = StaffingPlan(
        {"cin_cp": 10.0}, {"cin_cp": 0.0}, {"cin_cp": 0.0}, recruits=(Recruit("cin_cp", 10, MONTHS[1], 0),)
    )
    curve = TimelinessCurve("CP8-QL", 2.0, 2.0, True, load="cp_arrivals", per_fte=10.0)
    out = project_workforce(_cp_demand(), plan, params, curves={"CP8-QL": curve}).timeliness
    cp8 = out[out["measure"] == "CP8-QL"]
    # 100 arriving / (10 FTE x 10) = u 1 -> 100 / (1 + e^0) = 50%
    # 20 FTE -> u 0.5 -> 100 / (1 + e^-1) = 73.1%
    assert cp8["utilisation"].to_numpy() == pytest.approx([1.0, 0.5, 0.5, 0.5])
    assert cp8["on_time_pct"].to_numpy() == pytest.approx([50.0, 73.105858, 73.105858, 73.105858])


def test_fte_needed_for_a_target_on_work_arriving():
    params = _params()
    curve = TimelinessCurve("CP8-QL", 2.0, 2.0, True, load="cp_arrivals", per_fte=10.0)
    table = fte_needed(
        _cp_demand(), params, timeliness_target={"CP8-QL": 73.105858}, curves={"CP8-QL": curve}
    )
    cin_cp = table[table["team"] == "cin_cp"]
    # 73.1% needs u <= 0.5 -> 100 arriving / (10 per FTE x 0.5) = 20 FTE
    assert cin_cp["fte_for_timeliness"].to_numpy() == pytest.approx(20.0, rel=1e-5)


def _history(cp8_from_arrivals: bool) -> tuple[pd.DataFrame, dict[str, pd.Series], StaffingPlan]:
    """15 months, 10 CIN/CP FTE, a flat caseload; arrivals move. CP8-QL either exactly 100 x logistic(4 - 4u)
    on the arrivals' utilisation (busiest 3-month run 150 a month -> 15 per FTE), or flat at 90%."""
    months = pd.date_range("2017-01-01", periods=15, freq="MS")
    s47 = np.array([100, 110, 120, 130, 130, 130, 90, 100, 120, 125, 110, 100, 95, 105, 115], dtype=float)
    demand = pd.DataFrame(
        {"cin_open": 180.0, "cp_plans": 20.0, "s47_enquiries": s47, "new_cp_plans": 20.0}, index=months
    )
    u = (s47 + 20) / 150
    cp8 = 100 / (1 + np.exp(-(4 - 4 * u))) if cp8_from_arrivals else np.full(15, 90.0)
    plan = StaffingPlan({"cin_cp": 10.0}, {"cin_cp": 0.0}, {"cin_cp": 0.0})
    return demand, {"CP8-QL": pd.Series(cp8, index=months)}, plan


def test_work_arriving_is_adopted_where_it_beats_naive_and_recovers_the_curve():
    params = _params()
    demand, observed, plan = _history(cp8_from_arrivals=True)
    scores = adopt_loads(demand, observed, plan, params)
    assert scores.loads["CP8-QL"] == "cp_arrivals"
    row = scores.table.set_index("load").loc["cp_arrivals"]
    assert row["mae_model"] == pytest.approx(0.0, abs=1e-6) and row["mae_naive"] > 1 and row["adopted"]
    # the caseload is flat, so the team's own load cannot fit: parameter curve, not adopted
    assert not scores.table.set_index("load").loc["team", "adopted"]
    curve = fit_timeliness(demand, observed, plan, params)["CP8-QL"]  # default: the adopted load
    assert curve.load == "cp_arrivals" and curve.per_fte == pytest.approx(15.0)
    assert curve.slope == pytest.approx(4.0) and curve.intercept == pytest.approx(4.0)


def test_work_arriving_is_not_adopted_where_naive_is_as_good():
    params = _params()
    demand, observed, plan = _history(cp8_from_arrivals=False)  # flat 90%: naive is exact
    scores = adopt_loads(demand, observed, plan, params)
    assert scores.loads["CP8-QL"] == "team"
    assert not scores.table.set_index("load").loc["cp_arrivals", "beats_naive"]
    assert fit_timeliness(demand, observed, plan, params)["CP8-QL"].load == "team"


def test_work_arriving_is_not_adopted_where_the_engine_does_better():
    """Adoption also needs the engine's back-test error beaten: the same exact curve (error 0) is kept out
    when the engine's error is given as 0 too, and adopted when the engine's is 1 point."""
    params = _params()
    demand, observed, plan = _history(cp8_from_arrivals=True)
    assert adopt_loads(demand, observed, plan, params, engine_mae={"CP8-QL": 0.0}).loads["CP8-QL"] == "team"
    adopted = adopt_loads(demand, observed, plan, params, engine_mae={"CP8-QL": 1.0}).loads
    assert adopted["CP8-QL"] == "cp_arrivals"
    curve = fit_timeliness(demand, observed, plan, params, engine_mae={"CP8-QL": 0.0})["CP8-QL"]
    assert curve.load == "team"
