"""Demand pipeline: calibration, stock-and-flow rules on hand-computed toys and against a slow reference."""
import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.pipeline import (
    Calibration,
    PipelineChanges,
    Rate,
    calibrate_pipeline,
    prepare_baseline,
    reentries,
    run_pipeline,
    stock_flow,
)

MONTHS = pd.date_range("2018-07-01", periods=6, freq="MS")


def _toy_dataset() -> Dataset:
    hist = pd.date_range("2018-01-01", periods=6, freq="MS")
    series = {
        "M1": [1000, 1000, 1000, 1000, 1000, 1000], "M2": [200, 200, 200, 200, 200, 200],
        "EH3": [100] * 6, "CP1": [80] * 6, "CP2": [40] * 6, "CP4 (val)": [30] * 6, "CP2b": [0] * 6,
        "CP6B": [300, 300, 300, 300, 300, 300], "LAC1": [500, 500, 500, 500, 500, 500],
        "LAC2": [10, 10, 10, 10, 10, 10], "LAC4": [10, 10, 10, 10, 10, 10], "EH2": [1000] * 6,
    }
    obs = pd.DataFrame([{"unique_id": k, "ds": m, "y": float(v)} for k, vals in series.items()
                        for m, v in zip(hist, vals, strict=True)])
    catalogue = pd.DataFrame(
        {"unit": ["count"] * len(series)}, index=pd.Index(list(series), name="indicator")
    )
    return Dataset(observations=obs, indicators=catalogue)


def test_calibration_on_hand_computed_toy():
    cal = calibrate_pipeline(_toy_dataset())
    assert cal["contact_to_referral"] == pytest.approx(0.2)
    assert cal["referral_to_assessment"] == pytest.approx(0.5)
    assert cal["s47_to_icpc"] == pytest.approx(0.5)
    assert cal["icpc_to_plan"] == pytest.approx(0.75)
    # CP plans ended derived from stock change: 300 + 30 - 300 = 30 a month -> 30/300
    assert cal["cp_exit_rate"] == pytest.approx(0.1)
    assert "DERIVED" in cal.rates["cp_exit_rate"].rule
    assert cal["lac_exit_rate"] == pytest.approx(0.02)
    assert cal.rates["contact_to_referral"].sd == pytest.approx(0.0)
    assert cal.rates["contact_to_referral"].n_months == 6


def test_calibration_on_embedded_data_matches_printed_conversion(embedded_dataset):
    cal = calibrate_pipeline(embedded_dataset)
    printed_m3 = embedded_dataset.series("M3").dropna().mean() / 100.0
    assert cal["contact_to_referral"] == pytest.approx(printed_m3, abs=0.002)   # M3 is printed to 1 decimal
    for rate in cal.rates.values():
        assert 0 < rate.mean < 1, rate.describe()
        if rate.rule.startswith("PARAMETER"):       # a named parameter, not read off the data
            assert rate.n_months == 0 and rate.sd == 0, rate.describe()
            continue
        assert rate.n_months >= 10 and rate.sd > 0, rate.describe()
    assert cal["assessment_to_cin"] == pytest.approx(1 - 0.308)
    # exits by route from the data: 55 adoptions (LAC6) and 42 SGOs (LAC12) of 208 children leaving (LAC4)
    assert cal["exit_share_adoption"] == pytest.approx(55 / 208)
    assert cal["exit_share_sgo"] == pytest.approx(42 / 208)


def test_stock_flow_hand_computed():
    stock = np.array([10.0, 10.0, 10.0])
    flow = np.array([2.0, 2.0, 2.0])
    d_stock, _d_in, d_out = stock_flow(stock, flow, flow, np.array([-1.0, 0.0, 0.0]), 0.5, np.zeros(3))
    # month 1: one fewer in, no change out; month 2: half the missing child would have left; month 3: half
    # again
    np.testing.assert_allclose(d_out, [0.0, -0.5, -0.25])
    np.testing.assert_allclose(d_stock, [-1.0, -0.5, -0.25])


def _slow_stock(opening, stock, inflow, outflow, d_in, exit_rate, extra):
    """Obviously-correct reference: walk the scenario stock itself month by month."""
    scen_prev, base_prev, out = opening, opening, []
    for t in range(len(stock)):
        scen_in = max(inflow[t] + d_in[t], 0.0)
        scen_out = outflow[t] + exit_rate * (scen_prev - base_prev) + extra[t]
        scen_out = max(scen_out, min(outflow[t], 0.0))
        scen_out = min(scen_out, scen_prev + scen_in)
        scen_prev, base_prev = scen_prev + scen_in - scen_out, stock[t]
        out.append(scen_prev)
    return np.array(out)


@pytest.mark.parametrize("seed", range(5))
def test_stock_flow_matches_slow_reference_and_conserves(seed):
    rng = np.random.default_rng(seed)
    n = 21
    stock = rng.uniform(20, 60, n)
    inflow = rng.uniform(0, 10, n)
    opening = 40.0
    previous = np.concatenate([[opening], stock[:-1]])
    outflow = previous + inflow - stock
    d_in = rng.uniform(-12, 3, n)
    extra = rng.uniform(0, 15, n)
    d_stock, d_in2, d_out = stock_flow(stock, inflow, outflow, d_in, 0.1, extra)
    scen = stock + d_stock
    assert (scen >= -1e-9).all()
    np.testing.assert_allclose(
        scen, _slow_stock(opening, stock, inflow, outflow, d_in, 0.1, extra), atol=1e-9
    )
    scen_prev = np.concatenate([[opening], scen[:-1]])
    np.testing.assert_allclose(scen - scen_prev, (inflow + d_in2) - (outflow + d_out), atol=1e-9)


def _toy_baseline(dataset):
    cal = calibrate_pipeline(dataset)
    rows = []
    for code, value in {"M1": 1000, "M2": 200, "EH3": 100, "CP1": 80, "CP2": 40, "CP4 (val)": 30, "CP6B": 300,
                        "LAC1": 500, "LAC2": 10, "EH2": 1000}.items():
        for m in MONTHS:
            rows.append({"indicator": code, "month": m, "mean": float(value), "lo80": value * 0.9,
                         "hi80": value * 1.1, "lo95": value * 0.8, "hi95": value * 1.2})
    return prepare_baseline(pd.DataFrame(rows), dataset, cal), cal


def test_no_changes_give_exact_zero_deltas():
    baseline, cal = _toy_baseline(_toy_dataset())
    zero = np.zeros(len(MONTHS))
    deltas = run_pipeline(baseline, PipelineChanges(zero, zero, np.ones(len(MONTHS)), zero, zero), cal).deltas
    for name, delta in deltas.items():
        assert (delta == 0.0).all(), name


def test_fewer_referrals_propagate_at_calibrated_conversions():
    baseline, cal = _toy_baseline(_toy_dataset())
    zero = np.zeros(len(MONTHS))
    fewer = np.full(len(MONTHS), -20.0)
    d = run_pipeline(baseline, PipelineChanges(zero, fewer, np.ones(len(MONTHS)), zero, zero), cal).deltas
    np.testing.assert_allclose(d["assessments"], -10.0)               # x 0.5
    np.testing.assert_allclose(d["new_cp_plans"], -20 * 0.4 * 0.5 * 0.75)
    np.testing.assert_allclose(d["lac_starts"], -1.0)                 # x 0.05
    assert d["cp_plans"][0] == pytest.approx(-3.0)                    # first month: fewer in, same out
    assert (np.diff(d["cp_plans"]) < 0).all()                         # keeps falling towards its new level


def test_missing_contacts_is_a_user_error_in_words():
    from forecasting.errors import UserFacingError

    dataset = _toy_dataset()
    frame = pd.DataFrame(
        {
            "indicator": ["LAC1"],
            "month": [MONTHS[0]],
            "mean": [1.0],
            "lo80": [1.0],
            "hi80": [1.0],
            "lo95": [1.0],
            "hi95": [1.0],
        }
    )
    with pytest.raises(UserFacingError, match=r"need contacts \(M1\)"):
        prepare_baseline(frame, dataset, Calibration({"x": Rate("x", 0, 0, 0, "")}))
    full, cal = _toy_baseline(dataset)
    short = full.forecasts.drop(index=full.forecasts.index[full.forecasts["indicator"] == "LAC1"][-1])
    with pytest.raises(UserFacingError, match=r"looked-after children \(LAC1\) is missing some months"):
        prepare_baseline(short, dataset, cal)


CP_CODES = ("CP1", "CP2", "CP4 (val)", "CP2b", "CP6B")


def _without(dataset: Dataset, codes) -> Dataset:
    observations = dataset.observations[~dataset.observations["unique_id"].isin(codes)]
    return Dataset(
        observations=observations, indicators=dataset.indicators.drop(index=list(codes), errors="ignore")
    )


def test_calibration_without_cp_indicators_keeps_the_rest_and_names_what_is_missing():
    cal = calibrate_pipeline(_without(_toy_dataset(), CP_CODES))
    assert cal["contact_to_referral"] == pytest.approx(200 / 1000)
    assert cal["referral_to_assessment"] == pytest.approx(100 / 200)
    assert cal["referral_to_lac_start"] == pytest.approx(10 / 200)
    assert cal["lac_exit_rate"] == pytest.approx(10 / 500)           # LAC4 / opening LAC1
    for name in ("referral_to_s47", "s47_to_icpc", "icpc_to_plan", "cp_exit_rate"):
        assert cal.rates[name].n_months == 0 and cal[name] == 0.0, name
    words = next(note for note in cal.notes if note.startswith("This data set has no"))
    assert (
        "Section 47 enquiries started (CP1)" in words and "children on child protection plans (CP6B)" in words
    )
    assert "referrals (M2)" not in words


def test_baseline_without_cp_indicators_moves_care_and_leaves_cp_out():
    dataset = _without(_toy_dataset(), CP_CODES)
    full, _ = _toy_baseline(_toy_dataset())
    cal = calibrate_pipeline(dataset)
    baseline = prepare_baseline(full.forecasts[~full.forecasts["indicator"].isin(CP_CODES)], dataset, cal)
    assert {"s47_enquiries", "icpc", "new_cp_plans", "cp_plans"}.isdisjoint(baseline.flows)
    assert {"contacts", "referrals", "assessments", "lac", "lac_starts", "cin_open"} <= set(baseline.flows)
    assert any("children on child protection plans (CP6B)" in note for note in baseline.notes)
    zero = np.zeros(len(MONTHS))
    fewer = np.full(len(MONTHS), -20.0)                                  # 20 fewer referrals a month
    d = run_pipeline(baseline, PipelineChanges(zero, fewer, np.ones(len(MONTHS)), zero, zero), cal).deltas
    np.testing.assert_allclose(d["assessments"], -10.0)                 # 20 x 0.5
    np.testing.assert_allclose(d["lac_starts"], -1.0)                   # 20 x 10/200
    # LAC: month 1 one fewer in, same out -> -1; month 2: -1 - 1 + 0.02 x 1 fewer leaving = -1.98
    assert d["lac"][:2] == pytest.approx([-1.0, -1.98])
    np.testing.assert_array_equal(d["s47_enquiries"], 0.0)              # no rate to propagate at
    assert "cp_plans" not in d


def test_baseline_with_contacts_and_looked_after_children_only():
    dataset = _without(_toy_dataset(), [c for c in _toy_dataset().indicator_codes if c not in ("M1", "LAC1")])
    full, _ = _toy_baseline(_toy_dataset())
    cal = calibrate_pipeline(dataset)
    baseline = prepare_baseline(
        full.forecasts[full.forecasts["indicator"].isin(["M1", "LAC1"])], dataset, cal
    )
    assert set(baseline.flows) == {"contacts", "lac"}
    assert any(note.startswith("Looked-after children (LAC1): no inflow") for note in baseline.notes)
    zero = np.zeros(len(MONTHS))
    exits = np.full(len(MONTHS), 2.0)
    d = run_pipeline(baseline, PipelineChanges(zero, zero, np.ones(len(MONTHS)), exits, zero), cal).deltas
    # no inflow to conserve against: left unchanged, as noted
    np.testing.assert_array_equal(d["lac"], 0.0)


def test_downstream_weighting_applies_to_s47_cp_and_care_but_not_assessments():
    baseline, cal = _toy_baseline(_toy_dataset())
    zero = np.zeros(len(MONTHS))
    fewer = np.full(len(MONTHS), -20.0)
    changes = PipelineChanges(zero, fewer, np.ones(len(MONTHS)), zero, zero, referrals_downstream=fewer * 0.5)
    d = run_pipeline(baseline, changes, cal).deltas
    np.testing.assert_allclose(d["assessments"], -10.0)               # every referral is assessed
    np.testing.assert_allclose(d["s47_enquiries"], -10 * 0.4)         # half the risk: -10 weighted referrals
    np.testing.assert_allclose(d["lac_starts"], -0.5)


def test_edge_of_care_factor_and_extra_exits_hand_computed():
    baseline, cal = _toy_baseline(_toy_dataset())
    zero = np.zeros(len(MONTHS))
    factor = np.full(len(MONTHS), 0.8)                                 # 20% fewer entries: 10 -> 8 a month
    exits = np.full(len(MONTHS), 1.0)
    d = run_pipeline(baseline, PipelineChanges(zero, zero, factor, exits, zero), cal).deltas
    np.testing.assert_allclose(d["lac_starts"], -2.0)
    # month 1: -2 in, +1 out -> -3; month 2: -2 in, +1 + 0.02 x (-3) out -> -3 - 2 - 0.94 = -5.94
    assert d["lac"][0] == pytest.approx(-3.0)
    assert d["lac"][1] == pytest.approx(-5.94)


def test_missing_flow_forecasts_are_filled_from_referrals_and_noted():
    dataset = _toy_dataset()
    baseline, cal = _toy_baseline(dataset)
    frame = baseline.forecasts[~baseline.forecasts["indicator"].isin(["EH3", "CP1", "CP2"])]
    partial = prepare_baseline(frame, dataset, cal)
    np.testing.assert_allclose(partial.flows["assessments"], 200 * 0.5)
    np.testing.assert_allclose(partial.flows["icpc"], 200 * 0.4 * 0.5)
    assert any("No forecast for single assessments completed (EH3)" in note for note in partial.notes)


def test_lags_shift_cp_and_care_changes_hand_computed():
    from forecasting.planning.pipeline import lagged

    np.testing.assert_array_equal(lagged(np.array([1.0, 2.0, 3.0]), 2), [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(lagged(np.array([1.0, 2.0]), 5), [0.0, 0.0])
    baseline, cal = _toy_baseline(_toy_dataset())
    zero = np.zeros(len(MONTHS))
    fewer = np.full(len(MONTHS), -20.0)
    d = run_pipeline(baseline, PipelineChanges(zero, fewer, np.ones(len(MONTHS)), zero, zero, cp_lag_months=1,
                                               care_lag_months=2), cal).deltas
    np.testing.assert_allclose(d["assessments"], -10.0)                              # not lagged
    np.testing.assert_allclose(d["new_cp_plans"], [0.0] + [-20 * 0.4 * 0.5 * 0.75] * 5)
    np.testing.assert_allclose(d["lac_starts"], [0.0, 0.0, -1.0, -1.0, -1.0, -1.0])
    assert d["cp_plans"][0] == 0.0 and d["cp_plans"][1] == pytest.approx(-3.0)
    neutral = run_pipeline(
        baseline,
        PipelineChanges(zero, zero, np.ones(len(MONTHS)), zero, zero, cp_lag_months=3, care_lag_months=3),
        cal,
    ).deltas
    assert all((delta == 0.0).all() for delta in neutral.values())


def test_reentries_hand_computed():
    # 3 extra exits a month from month 2; 20% come back, evenly over the 3 months after they leave:
    # 0.6 of each month's exits return, 0.2 a month -> month 3: 0.2, month 4: 0.4, then 0.6 a month
    exits = np.array([0, 3, 3, 3, 3, 3, 3.0])
    np.testing.assert_allclose(reentries(exits, 20, 3), [0, 0, 0.2, 0.4, 0.6, 0.6, 0.6])
    # draws on the leading axis, each as the one-draw rule; no exits, no re-entries (exactly)
    stacked = reentries(np.array([[0, 3, 3, 3.0], [0, 6, 6, 6.0]]), 20, 2)
    np.testing.assert_allclose(stacked, [[0, 0, 0.3, 0.6], [0, 0, 0.6, 1.2]])
    assert (reentries(np.zeros(5), 20, 12) == 0.0).all()


def test_reentries_are_extra_entries_to_care_and_conserved():
    baseline, cal = _toy_baseline(_toy_dataset())
    zero = np.zeros(len(MONTHS))
    exits = np.full(len(MONTHS), 1.0)
    back = reentries(exits, 50, 2)                                       # 0, 0.25, 0.5, 0.5, 0.5, 0.5
    d = run_pipeline(baseline, PipelineChanges(zero, zero, np.ones(len(MONTHS)), exits, zero,
                                               lac_reentries=back), cal).deltas
    np.testing.assert_allclose(d["lac_starts"], back)
    np.testing.assert_allclose(d["lac"], np.cumsum(d["lac_starts"] - d["lac_ceased"]))
    # month 1: 1 extra exit, none back -> -1; month 2: 0.25 back, 1 + 0.02 x (-1) out -> -1 + 0.25 - 0.98
    assert d["lac"][0] == pytest.approx(-1.0)
    assert d["lac"][1] == pytest.approx(-1.0 + 0.25 - 0.98)

