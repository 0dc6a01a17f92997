"""The care pathway parameters' evidence bands and their draws (planning.pathway_evidence,
planning.effect_draws): each band centred on the shipped default and inside the parameter's plausible
range, draws by the levers' rule, lags in whole months, a lag per draw, rates taken from a parameter drawn
with it."""

import numpy as np
import pytest

from forecasting.planning.care_pathway import lagged, route_entries
from forecasting.planning.effect_draws import DrawnParameters, DrawnRates, band_draws, parameter_draws
from forecasting.planning.parameters import load_parameters, value
from forecasting.planning.pathway_evidence import LAGS, PATHWAY_EVIDENCE, pathway_evidence_table
from forecasting.planning.pipeline import Calibration, Rate


def test_every_band_is_centred_on_the_shipped_default_and_inside_its_plausible_range():
    params = load_parameters()
    for name, evidence in PATHWAY_EVIDENCE.items():
        parameter = params[name]
        assert evidence.central == parameter.default, name
        assert parameter.low <= evidence.low < evidence.central < evidence.high <= parameter.high, name
        assert evidence.source and evidence.grade
    table = pathway_evidence_table()
    assert list(table["parameter"]) == list(PATHWAY_EVIDENCE)


def test_draws_follow_the_band_and_scale_with_the_value_in_force():
    # re-entry within a year: central 20, band 14-23. A shape s = -1 gives 20 x (1 - 6/20) = 14, s = +1
    # gives 20 x (1 + 3/20) = 23; set to 10 instead, the band scales: 7 to 11.5
    evidence = PATHWAY_EVIDENCE["reentry_within_year_pct"]
    draws = parameter_draws("reentry_within_year_pct", 20.0, 4000, 3, "percent")
    assert draws.min() >= 14.0 - 1e-9 and draws.max() <= 23.0 + 1e-9
    assert draws.min() < 14.5 and draws.max() > 22.5
    half = parameter_draws("reentry_within_year_pct", 10.0, 4000, 3, "percent")
    np.testing.assert_allclose(half, draws / 2)
    np.testing.assert_array_equal(draws, band_draws("reentry_within_year_pct", evidence, 20.0, 4000, 3, True))


def test_a_lag_is_drawn_in_whole_months():
    draws = parameter_draws("cp_plan_to_care_lag_months", 9.0, 500, 1)
    assert "cp_plan_to_care_lag_months" in LAGS
    assert (draws == np.round(draws)).all() and draws.min() >= 4 and draws.max() <= 15
    assert len(np.unique(draws)) > 5


def test_lagged_shifts_each_draw_by_its_own_months():
    # values 1, 2, 3, 4; draw lags 0, 1, 3: [1 2 3 4], [0 1 2 3], [0 0 0 1]
    out = lagged(np.array([1.0, 2.0, 3.0, 4.0]), np.array([[0], [1], [3]]))
    np.testing.assert_array_equal(out, [[1, 2, 3, 4], [0, 1, 2, 3], [0, 0, 0, 1]])
    # the same as one run per lag, with values per draw
    values = np.arange(12.0).reshape(3, 4)
    per_draw = lagged(values, np.array([[2], [0], [2]]))
    alone = np.stack([lagged(values[i], lag) for i, lag in enumerate((2, 0, 2))])
    np.testing.assert_array_equal(per_draw, alone)


def test_route_entries_with_a_drawn_share_and_lag_is_each_draw_alone():
    # referrals change D = -10 from month 0; conversion 0.1; direct after 2 months, half via CP after 3 or 5
    downstream = np.full(8, -10.0)
    shares, lags = np.array([[0.5], [0.2]]), np.array([[3], [5]])
    out = route_entries(downstream, 0.1, shares, 2, lags)
    for i in range(2):
        alone = route_entries(downstream, 0.1, float(shares[i, 0]), 2, int(lags[i, 0]))
        np.testing.assert_allclose(out[i], alone)
    # month 4, draw 0: 0.1 x (0.5 x -10 + 0.5 x -10) = -1; month 3, draw 1: 0.1 x 0.8 x -10 = -0.8
    assert out[0, 4] == pytest.approx(-1.0) and out[1, 3] == pytest.approx(-0.8)


def test_drawn_parameters_read_like_the_parameters():
    params = load_parameters()
    drawn = DrawnParameters(params, 50, 2)
    assert value(drawn, "caseload_norm_lac") == value(params, "caseload_norm_lac")  # not a pathway parameter
    shares = value(drawn, "care_entries_via_cp_pct")
    assert shares.shape == (50, 1) and shares.min() >= 20 and shares.max() <= 80
    assert value(drawn, "care_entries_via_cp_pct") is shares                           # drawn once
    assert len(drawn) == len(params) and set(drawn) == set(params)


def test_a_rate_taken_from_a_parameter_follows_its_draws_and_a_measured_one_keeps_its_own():
    # assessment_to_cin = 1 - nfa / 100, from the parameter (no months of data); exit_share_sgo measured
    params = load_parameters()
    calibration = Calibration({"assessment_to_cin": Rate("assessment_to_cin", 0.692, 0.0, 0, "parameter"),
                               "exit_share_sgo": Rate("exit_share_sgo", 0.2, 0.05, 24, "data")}, [])
    rates = DrawnRates(calibration, 300, 4, params)
    nfa = value(DrawnParameters(params, 300, 4), "assessment_nfa_pct")
    np.testing.assert_allclose(rates["assessment_to_cin"], 1 - nfa / 100)
    assert rates["exit_share_sgo"].shape == (300, 1)
    assert abs(float(np.mean(rates["exit_share_sgo"])) - 0.2) < 0.01                  # its own spread
    assert DrawnRates(calibration, 300, 4)["assessment_to_cin"] == 0.692                # without params
