"""Per-lever marginal placement mixes (forecasting.planning.lever_mix): the attribution rule and the costing,
hand-computed on toys; on the embedded data the parts add up to the plan's change and the finance view costs
what the scenario costed."""

import numpy as np
import pandas as pd
import pytest

from forecasting.planning import lever_mix
from forecasting.planning.costs import project_placement_costs, unit_costs
from forecasting.planning.finance import finance_view
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.prices import weeks_per_month
from forecasting.planning.scenarios import apply_scenario, build_baseline, load_scenario

MONTHS = pd.date_range("2019-04-01", periods=2, freq="MS")
TYPES = ("in_house_fostering", "ifa", "residential", "kinship")
# the baseline's average mix (every type has children, so no type of the change reaches the floor at 0)
AVERAGE = {"in_house_fostering": 0.4, "ifa": 0.3, "residential": 0.1, "kinship": 0.1, "supported_other": 0.1}


def _mix(key: str, **shares) -> dict[str, float]:
    return {lever_mix.mix_parameter(key, kind): float(shares.get(kind, 0.0)) for kind in TYPES}


@pytest.fixture(scope="module")
def params():
    rates = {f"placement_inflation_pct_{k}": 0.0 for k in ("in_house_fostering", "ifa", "residential",
                                                           "supported_other")}
    return with_overrides(
        load_parameters(include_levers=False),
        {
            "unit_cost_in_house_fostering": 500, "unit_cost_ifa": 1000, "unit_cost_residential": 3000,
            "unit_cost_kinship": 200, "unit_cost_supported_other": 600, **rates, "weeks_per_year": 52.0,
            # the general marginal mix: in-house 0.1, IFA 0.45, residential 0.25, kinship 0, other 0.2
            "marginal_share_in_house_fostering": 0.1, "marginal_share_ifa": 0.45,
            "marginal_share_residential": 0.25, "marginal_share_kinship": 0.0,
            # lever A (edge of care, entries): half residential, half IFA
            **_mix("edge_of_care_entries", residential=0.5, ifa=0.5),
            # lever B (edge of care, extra exits): half in-house, half kinship
            **_mix("edge_of_care_exits", in_house_fostering=0.5, kinship=0.5),
        },
    )


# ----------------------------------------------------------------------------------------- attribution
def test_one_lever_alone_gets_the_whole_change():
    parts = lever_mix.attribute([-3.0, -5.0], {"edge_of_care_entries": np.array([-2.0, -4.0])})
    assert parts["edge_of_care_entries"].tolist() == [-3.0, -5.0]
    assert all(not parts[k].any() for k in lever_mix.MIX_LEVERS if k != "edge_of_care_entries")


def test_same_sign_levers_are_scaled_to_the_plans_change():
    # alone -2 and -1 (sum -3); together -3.3: each scaled by 3.3 / 3 = 1.1 -> -2.2 and -1.1
    parts = lever_mix.attribute([-3.3], {"edge_of_care_entries": np.array([-2.0]),
                                         "edge_of_care_exits": np.array([-1.0])})
    assert parts["edge_of_care_entries"][0] == pytest.approx(-2.2)
    assert parts["edge_of_care_exits"][0] == pytest.approx(-1.1)


def test_opposite_levers_share_the_difference_by_size():
    # alone -4 (edge of care) and +2 (demand shock), together -1: difference +1 shared 4/6 and 2/6
    parts = lever_mix.attribute([-1.0], {"edge_of_care_entries": np.array([-4.0]),
                                         "demand_shock": np.array([2.0])})
    assert parts["edge_of_care_entries"][0] == pytest.approx(-4 + 4 / 6)
    assert parts["demand_shock"][0] == pytest.approx(2 + 2 / 6)
    assert sum(p[0] for p in parts.values()) == pytest.approx(-1.0)


def test_a_month_no_lever_explains_is_left_to_the_general_mix_and_neutral_levers_have_no_parts():
    parts = lever_mix.attribute([0.0, -1.0], {"early_help": np.array([0.0, 0.0])})
    assert not any(p.any() for p in parts.values())
    assert not any(p.any() for p in lever_mix.attribute([0.0, 0.0], {}).values())


# --------------------------------------------------------------------------------------------- costing
def _saving(params, parts=None, lac_plan=90.0) -> float:
    """Weekly spend avoided in one month (plan 90 children, baseline 100)."""
    base = pd.Series(100.0, index=MONTHS)
    plan = project_placement_costs(pd.Series(lac_plan, index=MONTHS), params, baseline_lac=base,
                                   lever_parts=parts, mix=AVERAGE)
    before = project_placement_costs(base, params, baseline_lac=base, mix=AVERAGE)
    return float((before.total_by_month - plan.total_by_month).iloc[0]) * 12 / 52


def test_two_levers_each_at_their_own_mix(params):
    parts = {"edge_of_care_entries": np.full(2, -6.0), "edge_of_care_exits": np.full(2, -4.0)}
    # A: 3 IFA + 3 residential = 3 x 1,000 + 3 x 3,000; B: 2 in-house + 2 kinship = 2 x 500 + 2 x 200
    assert _saving(params, parts) == pytest.approx(3000 + 9000 + 1000 + 400)  # 13,400 a week
    # the general mix would say 10 x (50 + 450 + 750 + 120) = 13,700 a week
    assert _saving(params) == pytest.approx(13700)


def test_parts_short_of_the_change_leave_the_rest_at_the_general_mix(params):
    parts = {"edge_of_care_entries": np.full(2, -6.0)}
    assert _saving(params, parts) == pytest.approx(12000 + 4 * 1370)


def test_one_lever_at_the_general_mix_reproduces_the_single_mix_result(params):
    same = with_overrides(params, _mix("early_help", in_house_fostering=0.1, ifa=0.45, residential=0.25))
    assert _saving(same, {"early_help": np.full(2, -10.0)}) == pytest.approx(_saving(same))


def test_kinship_at_the_margin_is_costed_as_in_house_where_the_data_counts_no_kinship(params):
    parts = {"edge_of_care_exits": np.full(2, -4.0)}  # 2 in-house + 2 kinship
    no_kinship = {**AVERAGE, "kinship": 0.0, "supported_other": 0.2}
    base = pd.Series(100.0, index=MONTHS)
    plan = project_placement_costs(pd.Series(96.0, index=MONTHS), params, baseline_lac=base,
                                   lever_parts=parts, mix=no_kinship)
    assert plan.children_by_type["kinship"].tolist() == [0.0, 0.0]
    assert plan.children_by_type["in_house_fostering"].tolist() == pytest.approx([36.0, 36.0])  # 40 - 4
    assert plan.children_by_type["residential"].tolist() == pytest.approx([10.0, 10.0])  # untouched


def test_spend_avoided_by_lever_and_the_rest_as_other_effects(params):
    parts = {"edge_of_care_entries": np.full(2, -6.0), "edge_of_care_exits": np.full(2, -4.0),
             "early_help": np.zeros(2)}
    table = lever_mix.avoided_by_lever(parts, MONTHS, params, AVERAGE, pd.Series({"2019-20": 200000.0}))
    rows = table.set_index("lever")
    # A: 2 months x (3 x 1,000 + 3 x 3,000) x 52 / 12 = 104,000; B: 2 x (2 x 500 + 2 x 200) x 52 / 12
    entries, exits = rows.loc["Edge of care: entries avoided"], rows.loc["Edge of care: extra planned exits"]
    assert (entries["children_fewer"], entries["avoided_spend"]) == pytest.approx((6.0, 104000.0))
    assert exits["avoided_spend"] == pytest.approx(2 * 1400 * 52 / 12)
    other = rows.loc[lever_mix.OTHER_EFFECTS_WORDS, "avoided_spend"]
    assert other == pytest.approx(200000 - 104000 - 2 * 1400 * 52 / 12)
    assert list(table["lever"]).index("Edge of care: entries avoided") < list(table["lever"]).index(
        lever_mix.OTHER_EFFECTS_WORDS)  # levers first, the rest last
    assert "Early Help step-down (entries avoided)" not in set(table["lever"])  # no part, no row
    assert lever_mix.avoided_by_lever({"early_help": np.zeros(2)}, MONTHS, params, AVERAGE, {}) is None


def test_shares_over_100_percent_are_refused_in_words(params):
    bad = with_overrides(params, _mix("demand_shock", ifa=0.8, residential=0.5))
    with pytest.raises(Exception, match="Demand shock.*more than 100%"):
        lever_mix.lever_mix(bad, "demand_shock")


def test_a_stand_in_cost_model_is_called_without_the_lone_changes():
    def stand_in(lac, months, levers, params, dataset):
        return None

    def reads_them(lac, months, levers, params, dataset, lac_alone=None):
        return None

    deltas = {"lac": np.zeros(2), lever_mix.LONE_PREFIX + "early_help": np.ones(2)}
    assert lever_mix.cost_model_options(stand_in, deltas) == {}
    assert list(lever_mix.cost_model_options(reads_them, deltas)["lac_alone"]) == ["early_help"]
    assert lever_mix.cost_model_options(reads_them, {"lac": np.zeros(2)}) == {}


# ------------------------------------------------------------------------------------- embedded data
@pytest.fixture(scope="module")
def engine(embedded_dataset):
    params = load_parameters()
    baseline, calibration = build_baseline(embedded_dataset, params=params)
    return baseline, calibration, params


def _part_table(result):
    return result.table[result.table["measure"].str.startswith("lac_change_")].pivot(
        index="month", columns="measure", values="delta")


def test_combined_plan_parts_add_up_and_the_finance_view_costs_what_the_scenario_costed(engine):
    baseline, calibration, params = engine
    result = apply_scenario(baseline, load_scenario("scenarios/combined-plan.yaml"), calibration, params)
    parts = _part_table(result)
    lac = result.measure("lac").set_index("month")["delta"]
    assert np.allclose(parts.sum(axis=1).to_numpy(), lac.to_numpy())
    active = {c for c in parts.columns if parts[c].abs().max() > 0}
    assert active == {f"lac_change_{k}" for k in ("early_help", "edge_of_care_entries", "edge_of_care_exits")}
    view = finance_view(result, params)  # raises if its spend by type does not add up to placement_cost
    assert view.investment["avoided_placement_spend"] > 0
    # by lever: the levers' avoided spend and the other effects add up to each year's avoided spend
    by_year = view.by_lever.groupby("financial_year")["avoided_spend"].sum()
    avoided = view.by_year.set_index("financial_year")["avoided_placement_spend"]
    assert np.allclose(by_year.to_numpy(), avoided.reindex(by_year.index).to_numpy())


def test_a_lever_alone_is_its_own_part_and_neutral_levers_cost_nothing(engine):
    baseline, calibration, params = engine
    plan = load_scenario("scenarios/edge-of-care.yaml").with_levers(edge_of_care_extra_exits=0.0)
    result = apply_scenario(baseline, plan, calibration, params)
    parts = _part_table(result)
    lac = result.measure("lac")["delta"].to_numpy()
    assert np.allclose(parts["lac_change_edge_of_care_entries"].to_numpy(), lac)
    assert not parts.drop(columns="lac_change_edge_of_care_entries").to_numpy().any()
    neutral = apply_scenario(baseline, load_scenario("scenarios/baseline.yaml"), calibration, params)
    assert not _part_table(neutral).to_numpy().any()
    assert not neutral.measure("placement_cost")["delta"].to_numpy().any()


def test_changing_one_levers_mix_moves_only_that_levers_cost(engine):
    baseline, calibration, params = engine
    plan = load_scenario("scenarios/early-help-step-down.yaml")
    cost = {}
    for residential in (0.05, 0.25):
        mine = with_overrides(params, {lever_mix.mix_parameter("early_help", "residential"): residential})
        cost[residential] = apply_scenario(baseline, plan, calibration, mine).measure("placement_cost")
    fewer = -_part_table(apply_scenario(baseline, plan, calibration, params))["lac_change_early_help"]
    # 0.2 more of each avoided child is residential instead of supported / other, at that month's prices
    prices = unit_costs(pd.DatetimeIndex(fewer.index), params)
    gap = (prices["residential"] - prices["supported_other"]).to_numpy() * weeks_per_month(params)
    saved = (cost[0.05]["delta"] - cost[0.25]["delta"]).to_numpy()
    assert fewer.max() > 0 and np.allclose(saved, 0.2 * fewer.to_numpy() * gap)
