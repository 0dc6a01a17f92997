"""Placement mix table by hand (forecasting.planning.placement_mix.placement_mix_table): observed month ends
first (their 80% range is the count itself), then the care model's projected mix, one clean table with the
documented columns; by default the care model is fitted on 12 reference months and projects 24 months with
500 simulations. The 903 readers and the care model are replaced by stand-ins with known numbers.

Shares by cost type: a month with one child in care has that child's type as its whole mix (share 1)."""

from types import SimpleNamespace

import pandas as pd
import pytest

from forecasting.data.ssda903_monthly import placement_code
from forecasting.planning import placement_mix
from forecasting.planning.placement_mix import MIX_COLUMNS, cost_shares, placement_mix_table, projected_mix

CODES = SimpleNamespace(placement_types=("ifa", "residential"))
JUN, JUL = pd.Timestamp("2018-06-01"), pd.Timestamp("2018-07-01")


@pytest.fixture
def asked(monkeypatch):
    seen = {}

    def observed_mix(clean, authority, codes):
        seen["observed"] = (clean, authority)
        return pd.DataFrame({"month": [JUN, JUN], "placement_type": ["ifa", "residential"],
                             "children": [3.0, 1.0], "share": [0.75, 0.25]})

    def fit_care_model(clean, authority, *, reference_months, horizon, n_sims, codes):
        seen["model"] = {"reference_months": reference_months, "horizon": horizon, "n_sims": n_sims}
        table = pd.DataFrame({"indicator": [placement_code("ifa"), placement_code("residential"), "LAC1"],
                              "month": [JUL] * 3,
                              "mean": [2.0, 2.0, 4.0], "lo80": [1.0, 1.0, 3.0], "hi80": [3.0, 3.0, 5.0]})
        return SimpleNamespace(table=table)

    monkeypatch.setattr(placement_mix, "placement_mix", observed_mix)
    monkeypatch.setattr(placement_mix, "fit_care_model", fit_care_model)
    return seen


def test_observed_month_ends_then_the_projection_in_one_clean_table(asked):
    table = placement_mix_table("episodes", "LA", codes=CODES)
    assert asked["observed"] == ("episodes", "LA")
    assert list(table.columns) == MIX_COLUMNS
    assert list(table.index) == [0, 1, 2, 3]
    assert list(table["basis"]) == ["observed", "observed", "projected", "projected"]
    observed = table.iloc[:2]
    assert list(observed["lo80"]) == [3.0, 1.0] and list(observed["hi80"]) == [3.0, 1.0]
    # July: 2 IFA and 2 residential projected, 50% each (LAC1 is not a placement type)
    projected = table.iloc[2:]
    assert list(projected["placement_type"]) == ["ifa", "residential"]
    assert list(projected["share"]) == [0.5, 0.5]


def test_the_care_model_defaults_are_12_reference_months_24_months_ahead_500_simulations(asked):
    placement_mix_table("episodes", "LA", codes=CODES)
    assert asked["model"] == {"reference_months": 12, "horizon": 24, "n_sims": 500}
    placement_mix_table("episodes", "LA", reference_months=6, horizon=3, n_sims=50, codes=CODES)
    assert asked["model"] == {"reference_months": 6, "horizon": 3, "n_sims": 50}


def test_projected_mix_has_the_documented_columns_only():
    table = pd.DataFrame({"indicator": [placement_code("ifa")], "month": [JUL], "mean": [1.0], "lo80": [0.0],
                          "hi80": [2.0]})
    mix = projected_mix(SimpleNamespace(table=table), CODES)
    assert list(mix.columns) == MIX_COLUMNS
    assert mix["share"].tolist() == [1.0]


def test_a_month_with_one_child_in_care_is_all_that_childs_cost_type():
    shares = cost_shares(pd.DataFrame({"ifa": [1.0], "residential": [0.0]}, index=[JUL]))
    assert shares.loc[JUL, "ifa"] == 1.0 and shares.loc[JUL, "residential"] == 0.0
    assert shares.loc[JUL].sum() == 1.0
