"""Goal-seek at its edges, on toys known by hand (forecasting.planning.goalseek; the scenario engine replaced
by a formula, as in test_goalseek_toys.py):
- a target whose chance at the neutral value EQUALS the probability asked is met there ("at least");
- conversion sensitivity: each rate at the end of its 95% interval for the mean (mean +- 1.96 sd / sqrt(n)),
  the change's range over the three runs, in words 'change at <last month>' for an
  end-of-horizon measure and 'change in total over <first>-<last>' for a total;
- Shapley decomposition: a measure one group's scenario lacks counts as a change of 0 without that group."""

from types import SimpleNamespace

import pandas as pd
import pytest

from forecasting.planning import decomposition, goalseek
from forecasting.planning.goalseek import conversion_sensitivity, goal_seek
from forecasting.planning.pipeline_calibration import Calibration, Rate

TARGET = "LAC1:2019-20"
EXITS, ENTRY = "edge_of_care_extra_exits", "edge_of_care_entry_reduction"
MONTHS = pd.date_range("2018-07-01", periods=3, freq="MS")


@pytest.fixture
def toy(monkeypatch):
    """P(met) = extra exits / 10 + entry reduction / 100."""

    def apply_scenario(baseline, scenario, calibration, params):
        return SimpleNamespace(scenario=scenario, params=params, flags=[],
                               table=pd.DataFrame({"measure": ["lac"], "delta": [0.0]}))

    def target_probability(result, row, params):
        levers = result.scenario.levers
        return getattr(levers, EXITS) / 10 + getattr(levers, ENTRY) / 100, 0.0

    monkeypatch.setattr(goalseek, "apply_scenario", apply_scenario)
    monkeypatch.setattr(goalseek, "target_probability", target_probability)
    baseline = SimpleNamespace(params={}, months=pd.date_range("2018-07-01", periods=21, freq="MS"))
    target = {"indicator": "LAC1", "period": "2019-20", "target": 390.0, "basis": "year_end_level"}
    return baseline, SimpleNamespace(targets=pd.DataFrame([target]))


def test_a_chance_exactly_equal_to_the_one_asked_is_met_at_neutral(toy):
    baseline, dataset = toy
    # entry reduction 30 gives P = 30 / 100 = 0.3 with no extra exits: asked 0.3, met without the lever
    plan = goalseek.Scenario(schema_version=1, name="plan").with_levers(**{ENTRY: 30.0})
    answer = goal_seek(baseline, None, dataset, TARGET, EXITS, 0.3, scenario=plan)
    assert answer.met and answer.value == 0.0 and answer.achieved_probability == 0.3
    assert answer.message == (
        "Extra exits from care needs no change: a 30% chance of meeting the looked-after children (LAC1) "
        "target of 390 for 2019-20 is there already (a 30.0% chance with the lever at 0 children per month)."
    )


@pytest.fixture
def sensitivity(monkeypatch):
    """A scenario whose LAC change is -100 x rate a month and whose cost change is 1,000 x rate a month, where
    rate is the calibration's one conversion rate."""

    def apply_scenario(baseline, scenario, calibration, params):
        x = calibration.rates["rate"].mean
        table = pd.DataFrame({"measure": ["lac"] * 3 + ["placement_cost"] * 3,
                              "delta": [-100.0 * x] * 3 + [1000.0 * x] * 3})
        return SimpleNamespace(table=table)

    monkeypatch.setattr(decomposition, "apply_scenario", apply_scenario)
    return SimpleNamespace(months=MONTHS)


def test_sensitivity_moves_a_conversion_rate_by_its_95_percent_interval_for_the_mean(sensitivity):
    # mean 0.5, sd 0.1 over 4 months: half-width 1.959964 x 0.1 / 2 = 0.0979982 -> rates 0.5980 and 0.4020
    calibration = Calibration({"rate": Rate("s47_rate", 0.5, 0.1, 4, "toy")})
    half = 1.959963984540054 * 0.1 / 2
    table = conversion_sensitivity(sensitivity, None, calibration,
                                   measures={"lac": "end", "placement_cost": "total"}).set_index("measure")
    # LAC at the last month: -100 x 0.5 = -50, range -100 x 0.598 = -59.80 to -100 x 0.402 = -40.20
    assert table.at["lac", "basis"] == "change at Sep 2018"
    assert table.at["lac", "change"] == pytest.approx(-50.0)
    assert table.at["lac", "change_low"] == pytest.approx(-100 * (0.5 + half))
    assert table.at["lac", "change_high"] == pytest.approx(-100 * (0.5 - half))
    assert table.at["lac", "change_low"] == pytest.approx(-59.80, abs=0.005)
    # cost over the three months: 3 x 1,000 x 0.5 = 1,500, range 1,206 to 1,794
    assert table.at["placement_cost", "basis"] == "change in total over Jul 2018-Sep 2018"
    assert table.at["placement_cost", "change"] == pytest.approx(1500.0)
    assert table.at["placement_cost", "change_low"] == pytest.approx(3000 * (0.5 - half))
    assert table.at["placement_cost", "change_high"] == pytest.approx(1794.0, abs=0.05)


def test_sensitivity_keeps_a_rate_in_0_to_1_and_leaves_one_without_months_at_its_mean(sensitivity):
    # mean 0.95, sd 0.2 over 1 month: 0.95 + 0.392 is cut at 1 (LAC -100), 0.95 - 0.392 = 0.558 (LAC -55.8)
    calibration = Calibration({"rate": Rate("s47_rate", 0.95, 0.2, 1, "toy")})
    table = conversion_sensitivity(sensitivity, None, calibration, measures={"lac": "end"})
    table = table.set_index("measure")
    assert table.at["lac", "change_low"] == pytest.approx(-100.0)
    assert table.at["lac", "change_high"] == pytest.approx(-100 * (0.95 - 1.959963984540054 * 0.2))
    # no months: no interval, the three runs agree
    calibration = Calibration({"rate": Rate("s47_rate", 0.5, 0.2, 0, "toy")})
    table = conversion_sensitivity(sensitivity, None, calibration, measures={"lac": "end"})
    assert table.loc[0, ["change", "change_low", "change_high"]].tolist() == pytest.approx([-50.0] * 3)


def test_a_measure_the_scenario_does_not_have_is_left_out(sensitivity):
    calibration = Calibration({"rate": Rate("s47_rate", 0.5, 0.1, 4, "toy")})
    table = conversion_sensitivity(sensitivity, None, calibration, measures={"lac": "end", "fte": "end"})
    assert list(table["measure"]) == ["lac"]


def test_a_measure_only_one_group_brings_counts_as_no_change_without_it(monkeypatch):
    # recruits r bring a staffing cost of 1,000 r a month that the edge-of-care scenario alone does not have
    # (no such row). With e = 2 exits and r = 5 recruits the total over 3 months is 15,000: Shapley gives edge
    # of care 1/2 (0 - 0) + 1/2 (15,000 - 15,000) = 0 and the workforce 1/2 (15,000 - 0) + 1/2 (15,000 - 0)
    # = 15,000 (a missing row is a change of 0, in both orders)
    def apply_scenario(baseline, scenario, calibration, params):
        r = scenario.levers.recruits_fte
        rows = {"measure": ["lac"] * 3, "delta": [-1.0, -2.0, -3.0]}
        if r:
            rows = {"measure": rows["measure"] + ["staffing_cost"] * 3,
                    "delta": rows["delta"] + [1000.0 * r] * 3}
        return SimpleNamespace(table=pd.DataFrame(rows), delta_draws={})

    monkeypatch.setattr(decomposition, "apply_scenario", apply_scenario)
    plan = goalseek.Scenario(schema_version=1, name="plan").with_levers(edge_of_care_extra_exits=2.0,
                                                                       recruits_fte=5.0)
    table = goalseek.decompose(SimpleNamespace(months=MONTHS), plan, None,
                               measures={"staffing_cost": "total"})
    cost = table.set_index("lever_group")
    assert cost["contribution"].to_dict() == {"edge_of_care": 0.0, "workforce": 15000.0}
    assert cost["total"].tolist() == [15000.0, 15000.0]
    assert cost.at["workforce", "contribution_lo95"] == cost.at["workforce", "contribution_hi95"] == 15000.0
