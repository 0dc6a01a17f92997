"""EH4-QL on the queue of work waiting (planning.timeliness_load.queue_load): assessments started =
referrals x assessments per referral, completions scaled by FTE carrying work, load = the queue at the start
of the month in months of capacity, at most the backlog ceiling. Hand-computed toys: a demand shock, a step
change in FTE, the ceiling, the lag, the history's queue carried into the forecast, the FTE a target needs."""

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.timeliness_load import (
    TimelinessCurve,
    calibrate_queue,
    measure_utilisation,
    queue_load,
)
from forecasting.planning.workforce import fte_needed

MONTHS = pd.date_range("2018-07-01", periods=4, freq="MS")


def _params(**extra):
    base = {"backlog_ceiling_months": 1.0, "assessment_start_lag_months": 0}
    return with_overrides(load_parameters(include_levers=False), {**base, **extra})


def _demand(referrals, completions=(60.0, 60, 60, 60)):
    return {"referrals": np.asarray(referrals, dtype=float), "assessments": np.asarray(completions, float)}


def test_a_demand_shock_builds_a_queue_the_next_month_reads():
    # 0.6 assessments per referral, 10 FTE made the 60 completions (6 per FTE): capacity 60 a month
    load, end = queue_load(_demand([100, 100, 200, 100]), np.full(4, 10.0), 0.6, 10.0, 6.0, _params())
    # started 60, 60, 120, 60: Sep leaves 120 - 60 = 60 waiting; Oct starts with 60 = 1 month of capacity
    assert end.tolist() == pytest.approx([0, 0, 60, 60])
    assert load.tolist() == pytest.approx([0, 0, 0, 1.0])


def test_a_step_change_in_fte_clears_the_queue():
    fte = np.array([10.0, 10, 10, 20])
    load, end = queue_load(_demand([100, 100, 200, 100]), fte, 0.6, 10.0, 6.0, _params())
    # Oct: 20 FTE complete 60 x 20 / 10 = 120 of the 60 waiting + 60 started; the 60 waiting are half a month
    # of the doubled capacity (120)
    assert end.tolist() == pytest.approx([0, 0, 60, 0])
    assert load.tolist() == pytest.approx([0, 0, 0, 0.5])


def test_the_queue_is_held_at_its_ceiling_and_the_lag_moves_starts():
    load, end = queue_load(_demand([100, 100, 300, 100]), np.full(4, 10.0), 0.6, 10.0, 6.0, _params())
    assert end.tolist() == pytest.approx([0, 0, 60, 60])  # 180 started in Sep: 120 left, 60 carried at most
    one_month = _params(assessment_start_lag_months=1)
    lagged, _ = queue_load(_demand([100, 100, 200, 100]), np.full(4, 10.0), 0.6, 10.0, 6.0, one_month)
    # a month later: started 60, 60, 60, 120 -> nothing waiting at the start of any month
    assert lagged.tolist() == pytest.approx([0, 0, 0, 0])


def test_calibration_and_the_historys_queue_carried_on():
    history = _demand([100, 100, 200, 100])
    conversion, reference, per_fte = calibrate_queue(history, np.full(4, 10.0), _params())
    assert (conversion, reference, per_fte) == pytest.approx((240 / 500, 10.0, 6.0))
    curve = TimelinessCurve("EH4-QL", 2.0, 1.0, True, load="assessment_queue", per_fte=6.0, conversion=0.6,
                            reference_fte=10.0, queue_start=30.0, queue_from=MONTHS[0])  # fmt: skip
    # 60 started a month, 90 completed a month by the 10 FTE (capacity for load: 10 x 6 = 60)
    demand, fte, params = _demand([100] * 4, [90.0] * 4), np.full(4, 10.0), _params()
    # a run that carries on from the history starts with its 30 waiting (half a month), cleared in July
    carried = measure_utilisation(curve, None, fte, demand, params, MONTHS)
    assert carried.tolist() == pytest.approx([0.5, 0, 0, 0])
    # any other run (the back-test from the start of the history) starts empty
    later = MONTHS + pd.DateOffset(months=1)
    assert measure_utilisation(curve, None, fte, demand, params, later).tolist() == [0, 0, 0, 0]
    assert measure_utilisation(curve, None, fte, demand, params).tolist() == [0, 0, 0, 0]


def test_fte_for_a_target_on_the_queue_keeps_pace_or_is_out_of_reach():
    curve = TimelinessCurve("EH4-QL", 2.0, 1.0, True, load="assessment_queue", per_fte=5.0, conversion=0.6,
                            reference_fte=10.0)  # fmt: skip
    demand = pd.DataFrame({"referrals": 100.0, "assessments": 50.0}, index=MONTHS[:2])
    params = _params()
    # the curve gives 100 / (1 + e^-2) = 88.1% with no queue: 80% is reachable; keeping pace with 60 started a
    # month when 10 FTE complete 50 takes 60 x 10 / 50 = 12 FTE
    table = fte_needed(demand, params, timeliness_target={"EH4-QL": 80.0}, curves={"EH4-QL": curve})
    assessment = table[table["team"] == "assessment"]
    assert assessment["fte_for_timeliness"].tolist() == pytest.approx([12.0, 12.0])
    far = fte_needed(demand, params, timeliness_target={"EH4-QL": 90.0}, curves={"EH4-QL": curve})
    assert np.isinf(far.loc[far["team"] == "assessment", "fte_for_timeliness"]).all()
