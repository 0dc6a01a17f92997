import numpy as np
import pandas as pd
import pytest

from forecasting.planning.costs import (
    PLACEMENT_TYPES,
    financial_year,
    placement_mix,
    project_placement_costs,
    savings,
    unit_costs,
)
from forecasting.planning.parameters import ParameterError, load_parameters, with_overrides
from forecasting.planning.prices import INFLATION_PARAMETER


@pytest.fixture(scope="module")
def params():
    # round numbers, no inflation: every unit cost 1000/wk (the IFA one 2000), base years as shipped
    return with_overrides(
        load_parameters(include_levers=False),
        {
            "unit_cost_residential": 3000,
            "unit_cost_ifa": 1000,
            "unit_cost_in_house_fostering": 500,
            "unit_cost_supported_other": 1000,
            **_rates(0),
            "weeks_per_year": 52.0,
            "children_per_in_house_carer": 1.0,
        },
    )


def _rates(pct):
    """The same inflation for every placement type (each type has its own parameter)."""
    return {name: pct for name in INFLATION_PARAMETER.values()}


def months(n, start="2018-04"):
    return pd.date_range(start, periods=n, freq="MS")


def test_hand_computed_spend_ten_children_in_one_type(params):
    lac = pd.Series(10.0, index=months(12))
    mix = {"ifa": 1.0, "in_house_fostering": 0.0, "residential": 0.0, "kinship": 0.0, "supported_other": 0.0}
    result = project_placement_costs(lac, params, mix=mix)
    ifa = result.by_month[result.by_month["placement_type"] == "ifa"]
    assert ifa["spend"].iloc[0] == pytest.approx(10 * 1000 * 52 / 12)
    year = result.by_financial_year
    assert list(year["financial_year"].unique()) == ["2018-19"]
    assert year.loc[year["placement_type"] == "ifa", "spend"].iloc[0] == pytest.approx(10 * 1000 * 52)
    assert bool(year["complete_year"].all())


def test_financial_year_boundaries():
    assert financial_year("2018-03-01") == "2017-18"
    assert financial_year("2018-04-01") == "2018-19"
    assert financial_year("2020-03-01") == "2019-20"


def test_inflation_compounds_from_base_year():
    params = with_overrides(load_parameters(include_levers=False), _rates(5))
    base = params["unit_cost_residential"]  # base year 2018-19
    table = unit_costs(pd.DatetimeIndex(["2018-04-01", "2019-03-01", "2019-04-01", "2020-04-01"]), params)
    assert list(table["residential"]) == pytest.approx(
        [base.value, base.value, base.value * 1.05, base.value * 1.05**2]
    )


def test_mix_from_scorecard_counts(embedded_dataset, params):
    mix = placement_mix(params, embedded_dataset)
    lac = embedded_dataset.series("LAC1").dropna().iloc[-1]
    assert mix["ifa"] == pytest.approx(embedded_dataset.series("LAC9 (val)").dropna().iloc[-1] / lac)
    assert mix["in_house_fostering"] == pytest.approx(
        embedded_dataset.series("LAC16").dropna().iloc[-1] / lac
    )
    assert sum(mix.values()) == pytest.approx(1.0)
    assert min(mix.values()) >= 0


def test_extra_carers_move_children_from_ifa_and_save_money(params):
    lac = pd.Series(100.0, index=months(24))
    mix = {"ifa": 0.3, "in_house_fostering": 0.4, "residential": 0.1, "kinship": 0.0, "supported_other": 0.2}
    base = project_placement_costs(lac, params, mix=mix)
    extra = pd.Series(np.r_[np.zeros(12), np.full(12, 5.0)], index=lac.index)
    scen = project_placement_costs(lac, params, mix=mix, extra_in_house_carers=extra)
    diff = savings(base, scen)
    # 5 children a month x (1000 - 500) per week x 52 weeks in the second year only
    assert diff.set_index("financial_year")["saving"].tolist() == pytest.approx([0.0, 5 * 500 * 52])
    totals = scen.by_month.groupby("month")["children"].sum()
    assert np.allclose(totals, 100.0)  # children are moved, never created


def test_extra_carers_never_take_more_than_ifa_children(params):
    lac = pd.Series(10.0, index=months(3))
    mix = {"ifa": 0.2, "in_house_fostering": 0.5, "residential": 0.1, "kinship": 0.0, "supported_other": 0.2}
    scen = project_placement_costs(lac, params, mix=mix, extra_in_house_carers=50)
    assert (scen.by_month.loc[scen.by_month["placement_type"] == "ifa", "children"] >= 0).all()
    assert scen.by_month.loc[scen.by_month["placement_type"] == "ifa", "children"].max() == 0


def test_bad_mix_overrides_raise(params):
    with pytest.raises(ParameterError, match="add to"):
        placement_mix(params, mix_overrides={"ifa": 0.9, "in_house_fostering": 0.5})
    with pytest.raises(ParameterError, match="not an editable share"):
        placement_mix(params, mix_overrides={"supported_other": 0.5})
    assert set(placement_mix(params)) == set(PLACEMENT_TYPES)


def test_children_kept_out_of_care_are_costed_at_the_marginal_mix(params):
    marginal = with_overrides(
        params,
        {
            "marginal_share_in_house_fostering": 0.1,
            "marginal_share_ifa": 0.45,
            "marginal_share_residential": 0.25,
        },
    )  # supported/other 0.2
    mix = {"in_house_fostering": 0.4, "ifa": 0.3, "residential": 0.1, "kinship": 0.0, "supported_other": 0.2}
    base = pd.Series(100.0, index=months(2))
    # 10 fewer children: in-house 40 - 1 = 39, IFA 30 - 4.5 = 25.5, residential 10 - 2.5 = 7.5,
    # other 20 - 2 = 18
    result = project_placement_costs(base - 10, marginal, mix=mix, baseline_lac=base)
    assert result.children_by_type.iloc[0].to_dict() == pytest.approx(
        {"in_house_fostering": 39.0, "ifa": 25.5, "residential": 7.5, "kinship": 0.0, "supported_other": 18.0}
    )
    # saving a week: 1 x 500 + 4.5 x 1000 + 2.5 x 3000 + 2 x 1000 = 14,500 (10 average children: 10,000)
    average = project_placement_costs(base, marginal, mix=mix).total_by_month.iloc[0]
    assert average - result.total_by_month.iloc[0] == pytest.approx(14500 * 52 / 12)
    # 50 fewer: residential 10 - 12.5 < 0 is floored at 0 and its 2.5 taken from the others in proportion
    # (35, 7.5, 10 -> minus 2.5 x 35/52.5, 2.5 x 7.5/52.5, 2.5 x 10/52.5)
    floored = project_placement_costs(base - 50, marginal, mix=mix, baseline_lac=base).children_by_type.iloc[
        0
    ]
    assert floored.to_dict() == pytest.approx(
        {
            "in_house_fostering": 35 - 2.5 * 35 / 52.5,
            "ifa": 7.5 - 2.5 * 7.5 / 52.5,
            "residential": 0.0,
            "kinship": 0.0, "supported_other": 10 - 2.5 * 10 / 52.5,
        }
    )
    assert floored.sum() == pytest.approx(50.0)
    # no change from the baseline: exactly the average mix
    same = project_placement_costs(base, marginal, mix=mix, baseline_lac=base)
    assert same.total_by_month.tolist() == pytest.approx(average * np.ones(2))
    with pytest.raises(ParameterError, match="marginal placement mix"):
        project_placement_costs(
            base, with_overrides(marginal, {"marginal_share_ifa": 0.9}), mix=mix, baseline_lac=base
        )


def test_mix_moves_by_month_observed_then_projected_then_latest(params):
    from types import SimpleNamespace

    from forecasting.data import Dataset
    from forecasting.planning.costs import mix_by_month

    shares = with_overrides(params, {"children_per_in_house_carer": 1.5, "share_residential": 0.1})
    obs = pd.DataFrame({"unique_id": ["LAC1", "LAC9 (val)", "LAC16"], "ds": pd.Timestamp("2018-06-01"),
                        "y": [100.0, 30.0, 20.0]})
    codes = pd.Index(["LAC1", "LAC9 (val)", "LAC16"], name="indicator")
    catalogue = pd.DataFrame({"unit": "count"}, index=codes)
    projected = {"LAC1": [120.0, 100.0], "LAC9 (val)": [24.0, 90.0], "LAC16": [40.0, 40.0]}
    projection = SimpleNamespace(
        indicators=list(projected), months=pd.DatetimeIndex(["2018-07-01", "2018-08-01"]),
        means=lambda code, months: np.array(projected[code])[[0 if m.month == 7 else 1 for m in months]])
    table = mix_by_month(shares, Dataset(obs, catalogue), months(4, "2018-06"), projection)
    # Jun (observed): IFA 30/100, in-house 20 x 1.5 / 100 = 0.3, residential 0.1, other 0.3
    assert table.iloc[0].to_dict() == pytest.approx(
        {"in_house_fostering": 0.3, "ifa": 0.3, "residential": 0.1, "kinship": 0.0, "supported_other": 0.3})
    # Jul (projected): IFA 24/120 = 0.2, in-house 40 x 1.5 / 120 = 0.5, other 0.2
    assert table.iloc[1].to_dict() == pytest.approx(
        {"in_house_fostering": 0.5, "ifa": 0.2, "residential": 0.1, "kinship": 0.0, "supported_other": 0.2})
    # Aug (projected 0.9 + 0.6 > 0.9 of room): both scaled by 0.9 / 1.5 = 0.6 -> 0.54 and 0.36, other 0
    assert table.iloc[2].to_dict() == pytest.approx(
        {"in_house_fostering": 0.36, "ifa": 0.54, "residential": 0.1, "kinship": 0.0, "supported_other": 0.0})
    # Sep (beyond the projection): the latest observed counts, as in Jun
    assert table.iloc[3].to_dict() == pytest.approx(table.iloc[0].to_dict())
    # a mix by month drives the costs month by month: 10 children in Jul at 0.5 in-house, 0.2 IFA, ...
    spend = project_placement_costs(pd.Series(10.0, index=months(4, "2018-06")), shares, mix=table)
    assert spend.children_by_type.iloc[1].to_dict() == pytest.approx(
        {"in_house_fostering": 5.0, "ifa": 2.0, "residential": 1.0, "kinship": 0.0, "supported_other": 2.0})
