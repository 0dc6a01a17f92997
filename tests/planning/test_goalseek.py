"""Goal-seek answers meet the target when fed back; impossible targets say so; Shapley decomposition sums."""

from pathlib import Path

import pytest

from forecasting.errors import UserFacingError
from forecasting.planning.goalseek import decompose, goal_seek, parse_target, target_probability
from forecasting.planning.scenarios import Scenario, apply_scenario, build_baseline, load_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def engine(embedded_dataset):
    from forecasting.engine.forecast import run_forecast

    baseline, calibration = build_baseline(embedded_dataset, run_forecast(embedded_dataset))
    return baseline, calibration


def _p(engine, dataset, target, lever, value):
    baseline, calibration = engine
    scenario = Scenario(schema_version=1, name="check").with_levers(**{lever: value})
    result = apply_scenario(baseline, scenario, calibration)
    return target_probability(result, parse_target(target, dataset))[0]


# issue 13: P(met) now includes the uncertainty of the effect itself (extra exits 0-3 a month around a
# central 1) and a fifth of the children leaving through extra exits come back within a year, so 50% and more
# are out of reach with this lever alone; 0.2-0.4 still have answers inside its range.
@pytest.mark.parametrize("probability", [0.2, 0.3, 0.4])
def test_goal_seek_answer_meets_the_target_when_fed_back(engine, embedded_dataset, probability):
    baseline, calibration = engine
    answer = goal_seek(
        baseline, calibration, embedded_dataset, "LAC1:2019-20", "edge_of_care_extra_exits", probability
    )
    assert answer.met and answer.value is not None
    assert (
        _p(engine, embedded_dataset, "LAC1:2019-20", "edge_of_care_extra_exits", answer.value) >= probability
    )
    # and it is the smallest: one display step (0.1) less does not meet it
    assert (
        _p(engine, embedded_dataset, "LAC1:2019-20", "edge_of_care_extra_exits", round(answer.value - 0.1, 6))
        < probability
    )
    assert answer.message.startswith("Extra exits from care: ") and "smallest" in answer.message


def test_higher_probability_needs_at_least_as_much_lever(engine, embedded_dataset):
    baseline, calibration = engine
    values = [
        goal_seek(
            baseline, calibration, embedded_dataset, "LAC1:2019-20", "edge_of_care_extra_exits", p
        ).value
        for p in (0.2, 0.3, 0.4)
    ]
    assert None not in values and values == sorted(values)


def test_goal_seek_says_when_the_range_is_not_enough(engine, embedded_dataset):
    baseline, calibration = engine
    answer = goal_seek(
        baseline, calibration, embedded_dataset, "LAC1:2019-20", "edge_of_care_entry_reduction", 0.5
    )
    assert not answer.met and answer.value is None
    assert answer.message.startswith("Entries to care avoided alone cannot give a 50% chance of meeting the ")
    assert "its allowed range is 0 to 39 percent of entries to care" in answer.message
    assert answer.achieved_probability < 0.5


def test_a_chance_out_of_reach_is_answered_in_words(engine, embedded_dataset):
    """LAC1 2019-20 with extra exits: with re-entry after extra exits the lever alone tops out at about a 50%
    chance at the top of its range (50.5% with the engine of issue 12's M3-prior intervals; just under 50%
    before, when this was the form's default question), so asking for 60% gets an answer that says so, with
    the chance and the value that gives it, rather than nothing (issue 16)."""
    baseline, calibration = engine
    answer = goal_seek(baseline, calibration, embedded_dataset, "LAC1:2019-20", "edge_of_care_extra_exits",
                       0.6)
    assert not answer.met and answer.value is None and answer.best_value == 10.0
    assert 0.4 < answer.achieved_probability < 0.6
    best = f"{answer.achieved_probability:.1%}"
    assert answer.message.startswith("Extra exits from care alone cannot give a 60% chance of meeting the ")
    assert f"the most it reaches is a {best} chance, at 10 children per month (beyond its evidence)" in \
        answer.message
    assert f"Ask for a chance below {best}" in answer.message
    assert _p(engine, embedded_dataset, "LAC1:2019-20", "edge_of_care_extra_exits", 10.0) == \
        pytest.approx(answer.achieved_probability)


def test_goal_seek_with_other_levers_already_set(engine, embedded_dataset):
    baseline, calibration = engine
    plan = load_scenario(SCENARIO_DIR / "combined-plan.yaml")
    # 0.4, not 0.5: with re-entry after extra exits (issue 13) the lever alone no longer reaches 50%
    target, lever = "LAC1:2019-20", "edge_of_care_extra_exits"
    alone = goal_seek(baseline, calibration, embedded_dataset, target, lever, 0.4)
    with_plan = goal_seek(
        baseline,
        calibration,
        embedded_dataset,
        target,
        lever,
        0.4,
        scenario=plan.with_levers(edge_of_care_extra_exits=0.0),
    )
    assert with_plan.met and with_plan.value < alone.value


@pytest.mark.parametrize(
    "target, lever, probability, message",
    [
        ("LAC1", "edge_of_care_extra_exits", 0.5, "expected INDICATOR:PERIOD"),
        ("LAC1:2030-31", "edge_of_care_extra_exits", 0.5, "no such target.*LAC1:2019-20"),
        ("LAC1:2019-20", "edge_of_care_start", 0.5, "cannot be goal-sought; choose one of"),
        ("LAC1:2019-20", "edge_of_care_extra_exits", 1.5, "between 0 and 1"),
    ],
)
def test_goal_seek_bad_requests_are_user_errors(
    engine, embedded_dataset, target, lever, probability, message
):
    baseline, calibration = engine
    with pytest.raises(UserFacingError, match=message):
        goal_seek(baseline, calibration, embedded_dataset, target, lever, probability)


def test_decomposition_sums_to_the_total_and_attributes_sensibly(engine):
    baseline, calibration = engine
    plan = load_scenario(SCENARIO_DIR / "combined-plan.yaml")
    table = decompose(baseline, plan, calibration)
    full = apply_scenario(baseline, plan, calibration)
    for _, group in table.groupby("measure"):
        assert group["contribution"].sum() == pytest.approx(group["total"].iloc[0], rel=1e-9, abs=1e-9)
    lac_total = full.measure("lac")["delta"].iloc[-1]
    assert table[table.measure == "lac"]["total"].iloc[0] == pytest.approx(lac_total)
    by = table.set_index(["measure", "lever_group"])["contribution"]
    assert by["lac", "workforce"] == 0.0  # recruits do not change who is in care
    assert by["lac", "edge_of_care"] < by["lac", "early_help"] < 0
    assert by["caseload_cin_cp", "workforce"] < 0  # recruits lower the CIN/CP caseload
    assert "Shapley" in table.attrs["method"]


def test_decomposing_a_single_lever_scenario_gives_it_everything(engine):
    baseline, calibration = engine
    table = decompose(baseline, load_scenario(SCENARIO_DIR / "edge-of-care.yaml"), calibration)
    assert set(table["lever_group"]) == {"edge_of_care"}
    assert (table["contribution"] == table["total"]).all()


def test_conversion_sensitivity_brackets_the_change(engine):
    from forecasting.planning.goalseek import conversion_sensitivity

    baseline, calibration = engine
    table = conversion_sensitivity(baseline, load_scenario(SCENARIO_DIR / "combined-plan.yaml"), calibration)
    assert set(table["measure"]) >= {"cp_plans", "lac", "placement_cost"}
    assert (table["change_low"] <= table["change"]).all() and (table["change"] <= table["change_high"]).all()
    lac = table.set_index("measure").loc["lac"]
    assert lac["change_low"] < lac["change"] < lac["change_high"]  # the rates' uncertainty does move it
    neutral = conversion_sensitivity(baseline, load_scenario(SCENARIO_DIR / "baseline.yaml"), calibration)
    assert (neutral[["change", "change_low", "change_high"]] == 0.0).all().all()


def test_goal_seek_with_a_lever_that_does_not_act_on_the_target(engine, embedded_dataset):
    baseline, calibration = engine
    answer = goal_seek(baseline, calibration, embedded_dataset, "LAC1:2019-20", "recruits_fte", 0.5)
    assert not answer.met and "does not change the chance" in answer.message


def test_goal_seek_on_early_help_assessments_with_the_step_down(engine, embedded_dataset):
    """EH1c (Universal Help Assessments, annual total) now moves with the step-down: a real, checkable
    answer."""
    baseline, calibration = engine
    answer = goal_seek(
        baseline, calibration, embedded_dataset, "EH1c:2018-19", "early_help_diversion_pct", 0.5
    )
    p_neutral, p_high = answer.evaluations[0][1], answer.evaluations[1][1]
    assert p_neutral < 0.5 < p_high  # the two ends differ (they used to be equal)
    assert answer.met and 0 < answer.value < 40
    assert _p(engine, embedded_dataset, "EH1c:2018-19", "early_help_diversion_pct", answer.value) >= 0.5
    assert (
        _p(engine, embedded_dataset, "EH1c:2018-19", "early_help_diversion_pct", round(answer.value - 0.1, 6))
        < 0.5
    )


def test_two_lever_mode_finds_the_cheapest_combination_that_meets_the_target(engine, embedded_dataset):
    from forecasting.planning.goalseek import goal_seek_pair

    baseline, calibration = engine
    pair = goal_seek_pair(
        baseline,
        calibration,
        embedded_dataset,
        "LAC1:2019-20",
        "edge_of_care_entry_reduction",
        "edge_of_care_extra_exits",
        0.3,
        steps=3,
    )
    options = pair.options
    assert list(options["edge_of_care_entry_reduction"]) == [0.0, 19.5, 39.0]  # neutral to the top end
    assert pair.best is not None
    met = options.dropna(subset=["cost"])
    assert pair.best["cost"] == met["cost"].min()
    # each answer is the one-lever goal-seek with the first lever held, and feeding the best back meets it
    for row in met.itertuples(index=False):
        plan = Scenario(schema_version=1, name="plan").with_levers(edge_of_care_entry_reduction=row[0])
        single = goal_seek(
            baseline,
            calibration,
            embedded_dataset,
            "LAC1:2019-20",
            "edge_of_care_extra_exits",
            0.3,
            scenario=plan,
        )
        assert single.value == row[1]
    best = Scenario(schema_version=1, name="best").with_levers(
        edge_of_care_entry_reduction=pair.best["edge_of_care_entry_reduction"],
        edge_of_care_extra_exits=pair.best["edge_of_care_extra_exits"],
    )
    assert (
        target_probability(
            apply_scenario(baseline, best, calibration), parse_target("LAC1:2019-20", embedded_dataset)
        )[0]
        >= 0.3
    )
    assert "Cheapest combination" in pair.message and "net cost" in pair.cost_basis
    with pytest.raises(UserFacingError, match="must differ"):
        goal_seek_pair(
            baseline,
            calibration,
            embedded_dataset,
            "LAC1:2019-20",
            "edge_of_care_extra_exits",
            "edge_of_care_extra_exits",
        )
