"""Goal-seek's search rules on a toy whose P(met) is known by hand: P = extra exits / 10 (+ entry reduction
/ 100 in the two-lever mode, - demand shock % / 100 for a lever that helps downwards). The scenario engine
is replaced by that formula (monkeypatch), so what is checked is goal-seek's own arithmetic: the bisection and
the values it tries, the answer on the 0.1 display grid (the grid point inside the last interval, else the
next one out), the words, the parameters used and the two-lever grid with its cheapest combination."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.errors import UserFacingError
from forecasting.planning import decomposition, goalseek
from forecasting.planning.goalseek import goal_seek, goal_seek_pair

TARGET = "LAC1:2019-20"
EXITS, ENTRY = "edge_of_care_extra_exits", "edge_of_care_entry_reduction"  # ranges [0, 10] and [0, 39]


class _Result:
    def __init__(self, scenario, params):
        self.scenario, self.params, self.flags = scenario, params, []
        self.table = pd.DataFrame({"measure": ["lac"], "delta": [0.0]})  # no net_cost: the stated weighting


@pytest.fixture
def toy(monkeypatch):
    """(baseline, dataset, params seen by the engine): P(met) = exits / 10 + entry / 100 - shock / 100."""
    seen = []

    def apply_scenario(baseline, scenario, calibration, params):
        seen.append(params)
        return _Result(scenario, params)

    def target_probability(result, row, params):
        levers = result.scenario.levers
        return getattr(levers, EXITS) / 10 + getattr(levers, ENTRY) / 100 - levers.demand_shock_pct / 100, 0.0

    monkeypatch.setattr(goalseek, "apply_scenario", apply_scenario)
    monkeypatch.setattr(goalseek, "target_probability", target_probability)
    months = pd.date_range("2018-07-01", periods=21, freq="MS")
    baseline = SimpleNamespace(params={"from": "baseline"}, months=months)
    target = {"indicator": "LAC1", "period": "2019-20", "target": 390.0, "basis": "year_end_level"}
    dataset = SimpleNamespace(targets=pd.DataFrame([target]))
    return baseline, dataset, seen


def test_the_search_halves_the_range_to_within_a_hundredth_then_takes_the_grid_point_inside(toy):
    baseline, dataset, _ = toy
    # P >= 0.3456 needs exits >= 3.456: neutral 0 (P 0) and the top 10 (P 1) first, then halving [0, 10] until
    # the interval is at most 0.01 wide: 5, 2.5, 3.75, 3.125, 3.4375, 3.59375, 3.515625, 3.4765625 (meets),
    # 3.45703125 (meets), 3.447265625 -> [3.447265625, 3.45703125]; no 0.1 grid point lies inside it, so the
    # next one out, 3.5 (P 0.35), is the answer
    answer = goal_seek(baseline, None, dataset, TARGET, EXITS, 0.3456)
    tried = [x for x, _ in answer.evaluations]
    assert tried == pytest.approx([0.0, 10.0, 5.0, 2.5, 3.75, 3.125, 3.4375, 3.59375, 3.515625, 3.4765625,
                                   3.45703125, 3.447265625, 3.5])
    assert answer.met and answer.value == 3.5
    assert answer.achieved_probability == pytest.approx(0.35)
    assert (answer.low, answer.high) == (0.0, 10.0)
    assert answer.message.startswith(
        "Extra exits from care: 3.5 children per month is the smallest value that gives a 35% chance of "
        "meeting the looked-after children (LAC1) target of 390 for 2019-20: a 35.0% chance (at 3.45 it "
        "falls short)")
    assert "Allowed range 0 to 10 children per month." in answer.message
    assert "Other levers: all neutral (baseline)." in answer.message
    assert "Beyond the evidence: Extra exits from care = 3.5" in answer.message  # evidence band 0-3
    assert EXITS not in answer.message and "_" not in answer.message          # no lever code anywhere


def test_the_grid_point_inside_the_last_interval_is_the_answer_when_it_meets(toy):
    baseline, dataset, _ = toy
    # P >= 0.2345 needs exits >= 2.345: the halving ends at [2.34375, 2.353515625]; 2.3 is below it, so there
    # is no grid point inside and 2.4 (P 0.24) is next out. For 0.2401 it ends at [2.392578125, 2.40234375]:
    # the grid point inside, 2.4, gives 0.24 < 0.2401, so the answer is the next one out, 2.5
    assert goal_seek(baseline, None, dataset, TARGET, EXITS, 0.2345).value == 2.4
    assert goal_seek(baseline, None, dataset, TARGET, EXITS, 0.2401).value == 2.5
    # 0.4 exactly at a grid point: exits 4.0 gives P = 0.4, the smallest grid value that meets it
    answer = goal_seek(baseline, None, dataset, TARGET, EXITS, 0.4)
    assert answer.value == 4.0 and answer.achieved_probability == pytest.approx(0.4)


def test_a_target_met_without_the_lever_is_answered_at_neutral(toy):
    baseline, dataset, _ = toy
    plan = goalseek.Scenario(schema_version=1, name="plan").with_levers(**{ENTRY: 39.0})  # P 0.39 already
    answer = goal_seek(baseline, None, dataset, TARGET, EXITS, 0.3, scenario=plan)
    assert answer.met and answer.value == 0.0 and answer.achieved_probability == pytest.approx(0.39)
    assert answer.message == (
        "Extra exits from care needs no change: a 30% chance of meeting the looked-after children (LAC1) "
        "target of 390 for 2019-20 is there already (a 39.0% chance with the lever at 0 children per month)."
    )


def test_the_words_name_the_other_levers_that_are_set_and_the_timing_of_the_levers_group(toy):
    baseline, dataset, _ = toy
    plan = goalseek.Scenario(schema_version=1, name="plan").with_levers(**{ENTRY: 10.0, "recruits_fte": 0.0})
    answer = goal_seek(baseline, None, dataset, TARGET, EXITS, 0.3456, scenario=plan)
    # entry reduction 10 adds 0.1: exits >= 2.456 -> 2.5
    assert answer.value == 2.5
    assert "Other levers: Entries to care avoided: 10 percent of entries to care." in answer.message
    assert ("Timing: Edge-of-care service starts: 2018-07 (first forecast month); Months for the "
            "edge-of-care effect to reach full strength: ") in answer.message


def test_goal_seek_uses_the_baselines_parameters_unless_others_are_given(toy):
    baseline, dataset, seen = toy
    goal_seek(baseline, None, dataset, TARGET, EXITS, 0.3)
    assert seen and all(p == {"from": "baseline"} for p in seen)
    seen.clear()
    goal_seek(baseline, None, dataset, TARGET, EXITS, 0.3, params={"from": "caller"})
    assert seen and all(p == {"from": "caller"} for p in seen)


@pytest.mark.parametrize("probability", [0.0, 1.0])
def test_a_probability_of_0_or_1_is_refused_in_words(toy, probability):
    baseline, dataset, _ = toy
    with pytest.raises(UserFacingError, match="between 0 and 1"):
        goal_seek(baseline, None, dataset, TARGET, EXITS, probability)


def test_two_levers_try_five_values_of_the_first_and_keep_the_cheapest_by_share_of_range(toy):
    baseline, dataset, _ = toy
    # entry reduction on 5 values from 0 to 39 (0, 9.75 -> 9.8, 19.5, 29.25 -> 29.2, 39); at each, the exits
    # needed for P >= 0.3456 (exits >= 3.456 - entry / 10) on the 0.1 grid: 3.5, 2.5, 1.6, 0.6, 0 (met at
    # neutral). Cost = entry / 39 + exits / 10: 0.35, 0.5013, 0.66, 0.8087, 1.0 -> the cheapest is 0 and 3.5
    pair = goal_seek_pair(baseline, None, dataset, TARGET, ENTRY, EXITS, 0.3456)
    options = pair.options
    assert list(options[ENTRY]) == [0.0, 9.8, 19.5, 29.2, 39.0]
    assert list(options[EXITS]) == [3.5, 2.5, 1.6, 0.6, 0.0]
    assert list(options["cost"]) == pytest.approx([0.35, 9.8 / 39 + 0.25, 0.66, 29.2 / 39 + 0.06, 1.0])
    assert pair.best[ENTRY] == 0.0 and pair.best[EXITS] == 3.5
    assert "stated weighting" in pair.cost_basis
    assert pair.message.startswith(
        "Cheapest combination giving a 35% chance of meeting the looked-after children (LAC1) target of 390 "
        "for 2019-20: Entries to care avoided 0 percent of entries to care and Extra exits from care 3.5 "
        "children per month (a 35.0% chance; stated weighting"
    )
    assert "5 of 5 values of Entries to care avoided tried have an answer." in pair.message
    table = pair.table()   # what the page shows: levers in words with units, chances with %
    assert list(table.columns[:3]) == ["Entries to care avoided (percent of entries to care)",
                                       "Extra exits from care (children per month)",
                                       "Chance of meeting the target (%)"]
    # P = exits / 10 + entry / 100: 0.35, 0.25 + 0.098, 0.16 + 0.195, 0.06 + 0.292, 0.39
    assert list(table.iloc[:, 2]) == ["35.0%", "34.8%", "35.5%", "35.2%", "39.0%"]
    # the default probability is a half: two steps, 0 and 39; exits 5.0 (P 0.5) and 1.1 (0.11 + 0.39 = 0.5)
    halves = goal_seek_pair(baseline, None, dataset, TARGET, ENTRY, EXITS, steps=2)
    assert halves.probability == 0.5 and list(halves.options[ENTRY]) == [0.0, 39.0]
    assert list(halves.options[EXITS]) == [5.0, 1.1]


def test_a_lever_that_helps_downwards_is_searched_downwards_to_the_grid_point_below(toy):
    baseline, dataset, _ = toy
    # demand shock % in [-30, 50]: P = -shock / 100, so P >= 0.2345 needs shock <= -23.45. The bottom end
    # (-30, P 0.3) is the better one; the halving from 0 towards -30 ends just beyond -23.45, and the answer
    # is the 0.1 grid point below it, -23.5 (P 0.235)
    answer = goal_seek(baseline, None, dataset, TARGET, "demand_shock_pct", 0.2345)
    assert answer.met and answer.value == -23.5
    assert answer.achieved_probability == pytest.approx(0.235)
    assert [x for x, _ in answer.evaluations][:4] == [0.0, 50.0, -30.0, -15.0]


def test_shapley_contributions_split_an_interaction_and_carry_the_effect_draws(monkeypatch):
    # two lever groups: extra exits e (edge of care) and recruits r (workforce); LAC at the last month moves
    # by -10 e - 2 r + e r, placement cost by 100 e a month. With e = 2, r = 5: edge of care alone -20,
    # workforce alone -10, both -20. Shapley: edge of care 1/2 (-20 - 0) + 1/2 (-20 - -10) = -15, workforce
    # 1/2 (-10 - 0) + 1/2 (-20 - -20) = -5; they sum to the total -20. Cost over 3 months: 600 and 0.
    # LAC's two effect draws scale each change by 0.5 and 1.5: edge of care's contribution per draw is
    # 1/2 (-10, -30) + 1/2 ((-10, -30) - (-5, -15)) = -7.5, -22.5, so its 95% range is -22.125 to -7.875
    def apply_scenario(baseline, scenario, calibration, params):
        e, r = scenario.levers.edge_of_care_extra_exits, scenario.levers.recruits_fte
        lac = -10 * e - 2 * r + e * r
        table = pd.DataFrame({"measure": ["lac"] * 3 + ["placement_cost"] * 3,
                              "delta": [0.0, 0.0, lac] + [100.0 * e] * 3})
        draws = {"lac": np.array([[0.0, 0.0, 0.5 * lac], [0.0, 0.0, 1.5 * lac]])}
        return SimpleNamespace(table=table, delta_draws=draws)

    monkeypatch.setattr(decomposition, "apply_scenario", apply_scenario)
    baseline = SimpleNamespace(months=pd.date_range("2018-07-01", periods=3, freq="MS"))
    plan = goalseek.Scenario(schema_version=1, name="plan").with_levers(edge_of_care_extra_exits=2.0,
                                                                       recruits_fte=5.0)
    table = goalseek.decompose(baseline, plan, None, measures={"lac": "end", "placement_cost": "total"})
    lac = table[table["measure"] == "lac"].set_index("lever_group")
    assert list(lac.index) == ["edge_of_care", "workforce"]
    assert list(lac["contribution"]) == pytest.approx([-15.0, -5.0])
    assert list(lac["total"]) == [-20.0, -20.0]
    assert lac.at["edge_of_care", "contribution_lo95"] == pytest.approx(-22.125)
    assert lac.at["edge_of_care", "contribution_hi95"] == pytest.approx(-7.875)
    assert lac.at["edge_of_care", "basis"] == "change at Sep 2018"
    cost = table[table["measure"] == "placement_cost"].set_index("lever_group")
    assert list(cost["contribution"]) == pytest.approx([600.0, 0.0])
    # no draws for the cost: its range is the point itself
    assert cost.at["edge_of_care", "contribution_lo95"] == pytest.approx(600.0)
    assert cost.at["edge_of_care", "basis"] == "change in total over Jul 2018-Sep 2018"


def test_out_of_reach_says_how_far_the_lever_gets_and_at_which_value(toy):
    baseline, dataset, _ = toy
    # a demand shock of +50% takes 0.5 off: the most extra exits reach is 10 / 10 - 0.5 = 0.5 at the top of
    # the range (10 a month); asked 0.6, it is out of reach. 10 a month is beyond the evidence band 0-3.
    plan = goalseek.Scenario(schema_version=1, name="plan").with_levers(demand_shock_pct=50.0)
    answer = goal_seek(baseline, None, dataset, TARGET, EXITS, 0.6, scenario=plan)
    assert not answer.met and answer.value is None
    assert answer.best_value == 10.0 and answer.achieved_probability == pytest.approx(0.5)
    assert answer.message == (
        "Extra exits from care alone cannot give a 60% chance of meeting the looked-after children (LAC1) "
        "target of 390 for 2019-20: its allowed range is 0 to 10 children per month, and the most it reaches "
        "is a 50.0% chance, at 10 children per month (beyond its evidence). Ask for a chance below 50.0%, "
        "add a second lever, or set other levers first."
    )


def test_a_found_answer_and_a_met_one_say_which_value_gave_the_chance(toy):
    baseline, dataset, _ = toy
    assert goal_seek(baseline, None, dataset, TARGET, EXITS, 0.3456).best_value == 3.5
    plan = goalseek.Scenario(schema_version=1, name="plan").with_levers(**{ENTRY: 39.0})
    assert goal_seek(baseline, None, dataset, TARGET, EXITS, 0.3, scenario=plan).best_value == 0.0
