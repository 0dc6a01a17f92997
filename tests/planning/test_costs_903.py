"""Costs from an SSDA903 return (issue 17 into issue 15): the placement mix is the return's own counts by
type, grouped into the cost types (kinship with its own unit cost); hand-computed on five children."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.data.ssda903_load import load_903
from forecasting.data.ssda903_monthly import placement_mix as mix_903_counts
from forecasting.planning.costs import PLACEMENT_TYPES, mix_by_month, placement_mix, project_placement_costs
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.placement_mix import cost_shares, has_903_mix
from forecasting.planning.prices import INFLATION_PARAMETER

# one child each in kinship (U1), in-house (U4 PR1), IFA (U4 PR4), residential (K2) and placed with parents
# (P1, costed as supported / other); the last leaves in October 2017
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "1,01/04/2017,S,C2,N1,U1,PR1,,\n"
    "2,01/04/2017,S,C2,N1,U4,PR1,,\n"
    "3,01/04/2017,S,C2,N1,U4,PR4,,\n"
    "4,01/04/2017,S,C2,N1,K2,PR4,,\n"
    "5,01/04/2017,S,C2,N1,P1,PR0,15/10/2017,E11\n"
)
HEADER = "CHILD,SEX,DOB\n1,1,01/01/2010\n2,1,01/01/2010\n3,1,01/01/2004\n4,2,01/01/2005\n5,2,01/01/2012\n"
MONTHS = pd.date_range("2017-04-01", "2018-06-01", freq="MS")  # 12 observed months, then 3 after the data


@pytest.fixture(scope="module")
def loaded():
    result = load_903([("episodes.csv", EPISODES.encode()), ("header.csv", HEADER.encode())])
    assert result.ok
    return result


@pytest.fixture(scope="module")
def params():
    return with_overrides(load_parameters(include_levers=False), {
        "unit_cost_in_house_fostering": 500, "unit_cost_ifa": 1000, "unit_cost_residential": 3000,
        "unit_cost_kinship": 200, "unit_cost_supported_other": 600, "weeks_per_year": 52.0,
        **{name: 0.0 for name in INFLATION_PARAMETER.values()},
    })


def test_the_mix_is_the_returns_own_counts_by_cost_type(loaded, params):
    dataset = loaded.datasets["authority"]
    assert has_903_mix(dataset)
    mix = mix_by_month(params, dataset, MONTHS)
    assert mix.loc["2017-09-01"].to_dict() == pytest.approx(dict.fromkeys(PLACEMENT_TYPES, 0.2))
    four = {**dict.fromkeys(PLACEMENT_TYPES, 0.25), "supported_other": 0.0}
    assert mix.loc["2017-10-01"].to_dict() == pytest.approx(four)
    assert mix.loc["2018-06-01"].to_dict() == pytest.approx(four)  # after the data: the latest month's mix
    assert placement_mix(params, dataset) == pytest.approx(four)  # not share_residential (0.12)
    # the same shares as planning.placement_mix's month-end counts (data.ssda903_monthly.placement_mix)
    counts = mix_903_counts(loaded.clean, "authority").pivot(index="month", columns="placement_type",
                                                             values="children")
    pd.testing.assert_frame_equal(cost_shares(counts)[list(PLACEMENT_TYPES)], mix.loc[counts.index],
                                  check_names=False, check_freq=False)


def test_spend_hand_computed_with_kinship_at_its_own_cost(loaded, params):
    dataset = loaded.datasets["authority"]
    months = pd.DatetimeIndex(["2017-09-01", "2017-10-01"])
    lac = pd.Series([5.0, 4.0], index=months)
    result = project_placement_costs(lac, params, mix=mix_by_month(params, dataset, months), dataset=dataset)
    # September: one child of each type, 500 + 1000 + 3000 + 200 + 600 a week; October: no supported / other
    assert result.total_by_month.tolist() == pytest.approx([5300 * 52 / 12, 4700 * 52 / 12])
    spend = result.by_month.set_index(["month", "placement_type"])["spend"]
    assert spend[(pd.Timestamp("2017-10-01"), "kinship")] == pytest.approx(200 * 52 / 12)
    assert spend[(pd.Timestamp("2017-10-01"), "supported_other")] == 0.0


def test_a_projection_of_the_counts_moves_the_mix(loaded, params):
    """After the data, each type's count comes from the baseline projection (here a stand-in projection:
    residential doubles from Apr 2018), so the mix drifts: residential 2 of 5 = 0.4."""
    dataset = loaded.datasets["authority"]

    class Doubling:
        indicators = ("PL-RESIDENTIAL",)
        months = pd.DatetimeIndex(MONTHS[12:])

        def means(self, code, months):
            return [2.0] * len(months)

    mix = mix_by_month(params, dataset, MONTHS, Doubling())
    assert mix.loc["2018-03-01", "residential"] == pytest.approx(0.25)  # observed
    assert mix.loc["2018-04-01"].to_dict() == pytest.approx(
        {"in_house_fostering": 0.2, "ifa": 0.2, "residential": 0.4, "kinship": 0.2, "supported_other": 0.0})


def test_scorecard_data_has_no_kinship_and_keeps_its_mix(embedded_dataset, params):
    assert not has_903_mix(embedded_dataset)
    mix = placement_mix(params, embedded_dataset)
    assert mix["kinship"] == 0.0 and mix["residential"] == pytest.approx(params["share_residential"].value)
    assert sum(mix.values()) == pytest.approx(1.0)


def test_the_care_models_projection_comes_before_the_engines(loaded, params):
    """With the return's episodes at hand, the months after the data take the care model's projected counts
    (placement_mix.placement_mix_table rows marked `projected`); the engine's projection fills only months
    the care model does not reach."""
    dataset = loaded.datasets["authority"]
    care = pd.DataFrame({"month": pd.Timestamp("2018-04-01"), "basis": "projected",
                         "placement_type": ["in_house_fostering", "ifa", "residential", "kinship"],
                         "children": [3.0, 1.0, 0.0, 0.0]})

    class Doubling:  # the engine's stand-in: residential 2 from Apr 2018
        indicators = ("PL-RESIDENTIAL",)
        months = pd.DatetimeIndex(MONTHS[12:])

        def means(self, code, months):
            return [2.0] * len(months)

    mix = mix_by_month(params, dataset, MONTHS, Doubling(), care_mix=care)
    assert mix.loc["2018-04-01"].to_dict() == pytest.approx(
        {"in_house_fostering": 0.75, "ifa": 0.25, "residential": 0.0, "kinship": 0.0, "supported_other": 0.0})
    assert mix.loc["2018-05-01", "residential"] == pytest.approx(0.4)  # beyond the care model: the engine's
    assert mix.attrs["care_model"] and mix.loc["2018-03-01", "residential"] == pytest.approx(0.25)


def test_a_placement_transition_scenario_flows_to_costs(loaded, params):
    """care_scenario_costs on two stand-in care projections: Apr-May 2018 one residential and one IFA child
    in the baseline; the scenario steps the residential child down to in-house fostering. Saving a month =
    (3,000 - 500) x 52 / 12; both months in 2018-19."""
    from types import SimpleNamespace

    from forecasting.planning.finance import care_scenario_costs

    def projection(residential, in_house):
        months = pd.date_range("2018-04-01", periods=2, freq="MS")
        rows = [("PL-RESIDENTIAL", residential), ("PL-IN-HOUSE-FOSTERING", in_house), ("PL-IFA", 1.0),
                ("PL-KINSHIP", 0.0), ("PL-SUPPORTED", 0.0), ("PL-PLACED-WITH-PARENTS", 0.0),
                ("PL-OTHER", 0.0)]
        table = pd.DataFrame([{"indicator": code, "month": m, "mean": n, "lo80": n, "hi80": n}
                              for code, n in rows for m in months])
        return SimpleNamespace(table=table)

    years = care_scenario_costs(projection(1.0, 0.0), projection(0.0, 1.0), params)
    years = years.set_index("financial_year")
    assert years.loc["2018-19", "baseline_spend"] == pytest.approx(2 * (3000 + 1000) * 52 / 12)
    assert years.loc["2018-19", "saving"] == pytest.approx(2 * (3000 - 500) * 52 / 12)
    assert years.loc["2018-19", "months_basis"] == "Apr 2018-May 2018 forecast"


def test_more_step_downs_from_residential_save_money_on_a_real_care_model(loaded, params):
    from forecasting.planning.care_levers import scenario_projection
    from forecasting.planning.care_model import fit_care_model
    from forecasting.planning.finance import care_scenario_costs

    base = fit_care_model(loaded.clean, "authority", horizon=12, n_sims=50)
    moved = scenario_projection(loaded.clean, "authority", base,
                                [("step_down", "residential", "in_house_fostering", 0.2)], n_sims=50)
    years = care_scenario_costs(base, moved, params)
    assert (years["saving"] > 0).all() and years["saving"].sum() < years["baseline_spend"].sum()
