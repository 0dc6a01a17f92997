"""Effect uncertainty (issue 13): neutral levers exact, a zero-width band gives the point effect, widening a
band never narrows the interval, lever draws follow their evidence band."""

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting.planning import effect_draws
from forecasting.planning.effect_draws import INTERVAL_COLUMNS, lever_draws
from forecasting.planning.levers import EVIDENCE
from forecasting.planning.pathway_evidence import PATHWAY_EVIDENCE, RATE_FROM_PARAMETER
from forecasting.planning.pipeline import Calibration
from forecasting.planning.scenarios import Scenario, apply_scenario, build_baseline, load_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def engine(embedded_dataset):
    from forecasting.engine.forecast import run_forecast

    return build_baseline(embedded_dataset, run_forecast(embedded_dataset))


def _fixed_rates(calibration: Calibration) -> Calibration:
    """The calibration with no spread in any rate (its draws all equal the mean)."""
    return Calibration(
        {name: replace(rate, sd=0.0) for name, rate in calibration.rates.items()}, calibration.notes
    )


def _zero_width(monkeypatch, keep=()) -> None:
    """Every evidence band (effect levers and care pathway parameters) at its central value, but `keep`."""
    for bands in (EVIDENCE, PATHWAY_EVIDENCE):
        for name, evidence in list(bands.items()):
            if name not in keep:
                point = replace(evidence, low=evidence.central, high=evidence.central)
                monkeypatch.setitem(bands, name, point)


def _edge_of_care(**levers) -> Scenario:
    return Scenario(schema_version=1, name="edge of care").with_levers(
        edge_of_care_start="2018-09", edge_of_care_ramp_months=6.0, **levers
    )


def test_neutral_levers_reproduce_the_baseline_exactly(engine):
    baseline, calibration = engine
    out = apply_scenario(baseline, Scenario(schema_version=1, name="neutral"), calibration)
    assert out.delta_draws == {}
    for column in ("delta", *INTERVAL_COLUMNS):
        assert (out.table[column] == 0.0).all(), column
    assert not out.projection.has_effect_draws
    pd.testing.assert_frame_equal(out.forecasts, baseline.projection.forecasts)


def test_zero_width_bands_and_fixed_rates_reproduce_the_point_effect(engine, monkeypatch):
    baseline, calibration = engine
    _zero_width(monkeypatch)
    plan = load_scenario(SCENARIO_DIR / "combined-plan.yaml")
    out = apply_scenario(baseline, plan, _fixed_rates(calibration))
    assert out.delta_draws  # simulated, but every draw is the point
    for column in INTERVAL_COLUMNS:
        np.testing.assert_array_equal(out.table[column], out.table["delta"])
    point = baseline.projection.with_deltas(out.indicator_deltas, plan.name)
    assert not out.projection.has_effect_draws
    pd.testing.assert_frame_equal(out.forecasts, point.forecasts)


def test_the_point_delta_does_not_depend_on_the_bands(engine, monkeypatch):
    baseline, calibration = engine
    plan = load_scenario(SCENARIO_DIR / "combined-plan.yaml")
    wide = apply_scenario(baseline, plan, calibration).table
    _zero_width(monkeypatch)
    narrow = apply_scenario(baseline, plan, calibration).table
    np.testing.assert_array_equal(wide["delta"], narrow["delta"])


@pytest.mark.parametrize(
    "lever, value", [("edge_of_care_entry_reduction", 10.0), ("edge_of_care_extra_exits", 1.0)]
)
def test_widening_a_band_never_narrows_the_interval(engine, monkeypatch, lever, value):
    """One lever, rates fixed: each draw moves away from the chosen value as the band widens, so every
    interval end moves outwards (or stays), month by month, for every measure."""
    baseline, calibration = engine
    fixed = _fixed_rates(calibration)
    _zero_width(monkeypatch, keep=[lever])
    central = EVIDENCE[lever]
    bands = [
        (central.central, central.central),
        (0.8 * central.central, 1.2 * central.central),
        (central.low, central.high),
        (0.0, 2 * central.high),
    ]
    tables = []
    for low, high in bands:
        monkeypatch.setitem(EVIDENCE, lever, replace(central, low=low, high=high))
        tables.append(apply_scenario(baseline, _edge_of_care(**{lever: value}), fixed).table)
    for narrow, wide in zip(tables, tables[1:], strict=False):
        for low_end, high_end in (("delta_lo80", "delta_hi80"), ("delta_lo95", "delta_hi95")):
            assert (wide[low_end] <= narrow[low_end] + 1e-9).all()
            assert (wide[high_end] >= narrow[high_end] - 1e-9).all()
    lac = [t[(t["measure"] == "lac")].iloc[-1] for t in tables]
    widths = [row["delta_hi95"] - row["delta_lo95"] for row in lac]
    assert widths[0] == 0.0 and widths[-1] > widths[1] > 0  # and it does widen


def test_intervals_are_ordered_and_hold_the_point_for_the_shipped_plan(engine):
    baseline, calibration = engine
    table = apply_scenario(baseline, load_scenario(SCENARIO_DIR / "combined-plan.yaml"), calibration).table
    assert (table["delta_lo95"] <= table["delta_lo80"] + 1e-9).all()
    assert (table["delta_lo80"] <= table["delta_hi80"] + 1e-9).all()
    assert (table["delta_hi80"] <= table["delta_hi95"] + 1e-9).all()
    for measure in ("lac", "cp_plans", "placement_cost", "caseload_cin_cp"):
        rows = table[table["measure"] == measure]
        assert (
            (rows["delta_lo95"] <= rows["delta"] + 1e-9) & (rows["delta"] <= rows["delta_hi95"] + 1e-9)
        ).all()
        assert (rows["delta_hi95"] - rows["delta_lo95"]).iloc[-1] > 0, measure


def test_scenario_probability_uses_the_effect_draws(engine, embedded_dataset, monkeypatch):
    """P(target met) reads the effect draws: at the point scenario's own median the point says 50%; the
    uncertain effect (its band 5-19% is skewed above the central 10%) says otherwise. With zero-width bands
    and
    fixed rates it is the point's exact probability again."""
    from forecasting.planning.goalseek import parse_target, target_probability

    baseline, calibration = engine
    scenario = _edge_of_care(edge_of_care_entry_reduction=10.0, edge_of_care_extra_exits=1.0)
    uncertain_result = apply_scenario(baseline, scenario, calibration)
    median = float(uncertain_result.projection.means("LAC1")[-1])  # the point scenario's median, Mar-20
    target = parse_target("LAC1:2019-20", embedded_dataset).copy()
    target["target"] = median
    uncertain = target_probability(uncertain_result, target)[0]
    _zero_width(monkeypatch)
    point = target_probability(apply_scenario(baseline, scenario, _fixed_rates(calibration)), target)[0]
    assert point == pytest.approx(0.5)
    assert abs(uncertain - 0.5) > 0.01


def test_lever_draws_follow_the_evidence_band():
    evidence = EVIDENCE["edge_of_care_entry_reduction"]
    at_central = lever_draws(evidence.lever, evidence.central, 4000, 1)
    assert at_central.min() >= evidence.low - 1e-9 and at_central.max() <= evidence.high + 1e-9
    assert np.median(at_central) == pytest.approx(evidence.central, rel=0.03)  # mode and median: central
    assert at_central.min() < evidence.low + 1 and at_central.max() > evidence.high - 2  # spans the band
    doubled = lever_draws(evidence.lever, 2 * evidence.central, 4000, 1)
    np.testing.assert_allclose(doubled, np.minimum(2 * at_central, 100.0))  # the band scales with the value
    assert (lever_draws(evidence.lever, 0.0, 50, 1) == 0.0).all()  # neutral stays neutral
    repeat = lever_draws(evidence.lever, evidence.central, 4000, 1)
    np.testing.assert_array_equal(at_central, repeat)  # seeded: repeats exactly
    assert not np.array_equal(at_central, lever_draws(evidence.lever, evidence.central, 4000, 2))


def test_drawn_rates_keep_a_rate_without_spread_at_its_mean(engine):
    _, calibration = engine
    rates = effect_draws.DrawnRates(calibration, 500, 3)
    spread = [name for name, rate in calibration.rates.items() if rate.sd > 0 and rate.n_months]
    assert spread
    for name in spread:
        rate = calibration.rates[name]
        draws = rates[name][:, 0]
        assert draws.mean() == pytest.approx(
            rate.mean, abs=4 * rate.sd / np.sqrt(rate.n_months) / np.sqrt(500) + 1e-12 + 0.01 * rate.mean
        )
        assert (
            draws.std() == pytest.approx(rate.sd / np.sqrt(rate.n_months), rel=0.15)
            or rate.mean < 3 * draws.std()
        )
    assert _fixed_rates(calibration)["lac_exit_rate"] == calibration["lac_exit_rate"]
    assert (
        effect_draws.DrawnRates(_fixed_rates(calibration), 10, 3)["lac_exit_rate"]
        == calibration["lac_exit_rate"]
    )


@pytest.mark.parametrize("name", ["combined-plan", "early-help-step-down"])
def test_joint_model_runs_give_the_same_draws_as_one_run_per_demand_measure(engine, monkeypatch, name):
    """Demand measures that drive different workforce measures are moved together in one model run; the
    draws equal those from one run per demand measure (the declared dependencies hold for these models:
    each team's FTE gap, backlog and triage follow its own work, timeliness may read referrals, the total
    FTE gap is the teams' sum), and the joint runs are kept (no fallback to one run per measure)."""
    baseline, calibration = engine
    plan = load_scenario(SCENARIO_DIR / f"{name}.yaml")
    calls = []
    original_slopes = effect_draws._slopes
    monkeypatch.setattr(effect_draws, "_slopes", lambda *a: calls.append(a[-1]) or original_slopes(*a))
    joint = apply_scenario(baseline, plan, calibration).delta_draws
    assert len(calls) == 1 and any(len(members) > 1 for members in calls[0])   # joint runs, kept
    assert "fte_gap_total" in joint
    monkeypatch.setattr(effect_draws, "_rounds", lambda varying: [[column] for column in varying])
    separate = apply_scenario(baseline, plan, calibration).delta_draws
    assert joint.keys() == separate.keys()
    for measure in joint:
        np.testing.assert_allclose(joint[measure], separate[measure], rtol=1e-9, atol=1e-6, err_msg=measure)


def _bands(evidence, percent: bool):
    """Nested bands around the central value: none, half the evidence band, the evidence, twice it."""
    c, low, high, top = evidence.central, evidence.low, evidence.high, 100.0 if percent else np.inf
    return [(c, c), (c - (c - low) / 2, c + (high - c) / 2), (low, high),
            (max(low - (c - low), 0.0), min(high + (high - c), top))]


# the measures each parameter moves monotonically month by month in the combined plan (a lag moves flows
# back and forth with the months' seasonal pattern, so only stocks widen every month for it)
MOVES = {"cp_plan_to_care_lag_months": ("lac", "caseload_lac", "placement_cost")}
WHAT_IT_MOVES = {"assessment_nfa_pct": "cin_open", "diverted_contact_conversion_pct": "referrals"}


def _without_data_for(calibration: Calibration, parameter: str, params) -> Calibration:
    """The calibration as if the data had not measured the rate taken from `parameter` (e.g. no LAC12: the
    SGO share of exits is then the national parameter's)."""
    rates = dict(calibration.rates)
    for rate_name, (source, rule) in RATE_FROM_PARAMETER.items():
        if source == parameter and rates[rate_name].n_months:
            share = float(rule(np.array(params[parameter].value)))
            rates[rate_name] = replace(rates[rate_name], mean=share, sd=0.0, n_months=0)
    return Calibration(rates, calibration.notes)


def test_a_share_the_data_measures_is_not_drawn_from_the_national_parameter(engine, monkeypatch):
    # the embedded data has LAC6 and LAC12: the SGO and adoption shares of exits are its own, so widening
    # the national parameters' bands changes nothing
    baseline, calibration = engine
    fixed = _fixed_rates(calibration)
    assert fixed.rates["exit_share_sgo"].n_months > 0 and fixed.rates["exit_share_adoption"].n_months > 0
    _zero_width(monkeypatch, keep=["exit_route_sgo_pct", "exit_route_adoption_pct"])
    table = apply_scenario(baseline, load_scenario(SCENARIO_DIR / "combined-plan.yaml"), fixed).table
    for column in INTERVAL_COLUMNS:
        np.testing.assert_array_equal(table[column], table["delta"])


@pytest.mark.parametrize("name", list(PATHWAY_EVIDENCE))
def test_widening_a_pathway_parameters_band_never_narrows_the_interval(engine, monkeypatch, name):
    """One care pathway parameter drawn, every other band at its central value and the rates fixed: each
    draw moves away from the value in force as the band widens, so the intervals of what it moves widen."""
    baseline, calibration = engine
    fixed = _without_data_for(_fixed_rates(calibration), name, baseline.params)
    _zero_width(monkeypatch, keep=[name])
    evidence = PATHWAY_EVIDENCE[name]
    plan = load_scenario(SCENARIO_DIR / "combined-plan.yaml")
    tables = []
    for low, high in _bands(evidence, baseline.params[name].unit.startswith("percent")):
        monkeypatch.setitem(PATHWAY_EVIDENCE, name, replace(evidence, low=low, high=high))
        tables.append(apply_scenario(baseline, plan, fixed).table)
    measures = MOVES.get(name, tuple(tables[0]["measure"].unique()))
    for narrow, wide in zip(tables, tables[1:], strict=False):
        rows = narrow["measure"].isin(measures).to_numpy()
        for low_end, high_end in (("delta_lo80", "delta_hi80"), ("delta_lo95", "delta_hi95")):
            scale = 1e-9 * (1.0 + narrow[high_end].abs())
            assert (wide[low_end][rows] <= narrow[low_end][rows] + scale[rows]).all(), (name, low_end)
            assert (wide[high_end][rows] >= narrow[high_end][rows] - scale[rows]).all(), (name, high_end)
    moved = WHAT_IT_MOVES.get(name, "lac")
    ends = [t[t["measure"] == moved].iloc[-1] for t in tables]
    widths = [row["delta_hi95"] - row["delta_lo95"] for row in ends]
    assert widths[0] == 0.0 and widths[-1] > 0, (name, widths)   # no band: the point; a band: it widens
