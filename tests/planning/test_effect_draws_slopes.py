"""Effect draws, first order (forecasting.planning.effect_draws, module docstring): each draw's workforce
change is the point change plus the model's response to one more case a month times the draw's own demand
change.

Toy: one demand column (contacts), a workforce model that is linear in it (MASH caseload = contacts / 20 a
month), two months, three draws. The point scenario removes 10 contacts a month (caseload change -0.5); the
draws' contact changes are -10, -9.6/-10.4 and -10.2/-9.8 (a spread of 0.8 across draws, under one case).
By hand, the response is 1/20 = 0.05 caseload per contact, so a draw's caseload change is
-0.5 + 0.05 x (draw - (-10)):
    draw 1: -0.5, -0.5;   draw 2: -0.5 + 0.05 x 0.4 = -0.48, -0.5 - 0.05 x 0.4 = -0.52;
    draw 3: -0.5 - 0.05 x 0.2 = -0.51, -0.5 + 0.05 x 0.2 = -0.49.
"""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning import effect_draws

MONTHS = pd.DatetimeIndex(["2018-07-01", "2018-08-01"])
DRAWN_CONTACTS = np.array([[-10.0, -10.0], [-9.6, -10.4], [-10.2, -9.8]])
EXPECTED = np.array([[-0.5, -0.5], [-0.48, -0.52], [-0.51, -0.49]])


def _toy():
    baseline = SimpleNamespace(flows={"contacts": np.array([1000.0, 1000.0])}, months=MONTHS, dataset=None)

    def workforce_model(demand, levers, params):
        return pd.DataFrame({"caseload_mash": demand["contacts"] / 20.0})

    models = SimpleNamespace(base_workforce=pd.DataFrame({"caseload_mash": [50.0, 50.0]}, index=MONTHS),
                             workforce_model=workforce_model)
    point_deltas = {"contacts": np.array([-10.0, -10.0])}
    point_extra = {"caseload_mash": (np.array([50.0, 50.0]), np.array([-0.5, -0.5]))}
    return baseline, models, point_deltas, point_extra


def test_each_draw_gets_the_point_change_plus_the_response_per_case_times_its_own_demand_change():
    baseline, models, point_deltas, point_extra = _toy()
    out = effect_draws._model_draws(baseline, None, {}, point_deltas, point_extra,
                                    {"contacts": DRAWN_CONTACTS}, models)
    assert np.allclose(out["caseload_mash"], EXPECTED, atol=1e-12)


def test_the_response_is_per_case_whatever_step_the_model_runs_use(monkeypatch):
    """The slope is the change per extra case: with the models run at two more cases a month instead of one,
    a linear model gives the same draws (change 2/20 = 0.1, divided by the step 2 = 0.05 per contact)."""
    monkeypatch.setattr(effect_draws, "RESPONSE_STEP", 2.0)
    baseline, models, point_deltas, point_extra = _toy()
    out = effect_draws._model_draws(baseline, None, {}, point_deltas, point_extra,
                                    {"contacts": DRAWN_CONTACTS}, models)
    assert np.allclose(out["caseload_mash"], EXPECTED, atol=1e-12)


def test_draws_that_differ_from_each_other_but_not_from_month_to_month_still_vary():
    """Varying means across draws (not across months): draws of -10, -9.6 and -10.2 in both months give
    caseload changes -0.5, -0.48 and -0.51 in both months."""
    baseline, models, point_deltas, point_extra = _toy()
    flat = np.array([[-10.0, -10.0], [-9.6, -9.6], [-10.2, -10.2]])
    out = effect_draws._model_draws(baseline, None, {}, point_deltas, point_extra, {"contacts": flat}, models)
    assert np.allclose(out["caseload_mash"], [[-0.5, -0.5], [-0.48, -0.48], [-0.51, -0.51]], atol=1e-12)


def test_a_demand_that_is_the_same_in_every_draw_leaves_every_draw_at_the_point_change():
    baseline, models, point_deltas, point_extra = _toy()
    same = np.tile([-10.0, -10.0], (3, 1))
    out = effect_draws._model_draws(baseline, None, {}, point_deltas, point_extra, {"contacts": same}, models)
    assert np.array_equal(out["caseload_mash"], np.tile([-0.5, -0.5], (3, 1)))


@pytest.mark.parametrize("columns", [["contacts"], ["contacts", "lac"]])
def test_rounds_put_demands_that_drive_different_measures_in_one_run(columns):
    # contacts drive MASH caseload and M8-QL, looked-after children the LAC caseload: one run holds both
    assert effect_draws._rounds(columns) == [columns]


def test_rounds_split_demands_that_drive_the_same_measure():
    # CIN and CP plans both drive the CIN/CP caseload and CP8-QL: a run each
    rounds = effect_draws._rounds(["cin_open", "cp_plans", "contacts"])
    assert rounds == [["cin_open", "contacts"], ["cp_plans"]]
