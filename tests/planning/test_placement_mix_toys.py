"""Placement mix rules by hand: projected shares of the means (a month with no children has shares of 0),
cost shares by cost type, and which data sets carry a 903 mix."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.placement_mix import COST_TYPE, cost_shares, has_903_mix, projected_mix, type_codes

MONTHS = pd.to_datetime(["2018-07-01", "2018-08-01"])


def _projection(values: dict[str, list[float]]):
    rows = []
    for code, means in values.items():
        for month, mean in zip(MONTHS, means, strict=True):
            rows.append({"indicator": code, "month": month, "mean": mean, "lo80": mean - 1, "hi80": mean + 1})
    rows.append({"indicator": "LAC1", "month": MONTHS[0], "mean": 99.0, "lo80": 98.0, "hi80": 100.0})
    return SimpleNamespace(table=pd.DataFrame(rows))


def test_projected_shares_are_shares_of_the_means_and_zero_in_an_empty_month():
    codes = type_codes()
    mix = projected_mix(_projection({codes["ifa"]: [30.0, 0.0], codes["residential"]: [10.0, 0.0]}))
    assert list(mix.index) == [0, 1, 2, 3]  # one clean table
    assert set(mix["basis"]) == {"projected"}
    july = mix[mix["month"] == MONTHS[0]].set_index("placement_type")
    assert july.loc["ifa", "share"] == pytest.approx(0.75) and july.loc["residential", "share"] == 0.25
    assert july.loc["ifa", "lo80"] == 29.0 and july.loc["ifa", "children"] == 30.0
    august = mix[mix["month"] == MONTHS[1]]
    assert august["share"].tolist() == [0.0, 0.0]  # nobody in care: no share, not a division by zero
    assert "LAC1" not in set(mix["placement_type"].astype(str))


def test_cost_shares_group_the_903_types_into_cost_types():
    children = pd.DataFrame(
        {"in_house_fostering": [2.0, 0.0], "ifa": [3.0, 0.0], "supported": [1.0, 0.0], "other": [4.0, 0.0]},
        index=MONTHS,
    )
    shares = cost_shares(children)
    assert shares.loc[MONTHS[0]].to_dict() == {
        "in_house_fostering": 0.2,
        "ifa": 0.3,
        "residential": 0.0,
        "kinship": 0.0,
        "supported_other": 0.5,
    }
    assert shares.loc[MONTHS[1]].isna().all()  # a month with no children has no mix
    with pytest.raises(ValueError, match="no cost type"):
        cost_shares(pd.DataFrame({"boarding_school": [1.0]}))
    assert set(COST_TYPE.values()) == set(shares.columns)


def test_only_a_data_set_counting_every_903_type_has_a_903_mix():
    every = SimpleNamespace(indicator_codes=tuple(type_codes().values()) + ("LAC1",))
    assert has_903_mix(every)
    assert not has_903_mix(SimpleNamespace(indicator_codes=tuple(type_codes().values())[:-1]))
    assert not has_903_mix(None)
    assert np.all([code.startswith("PL-") for code in type_codes().values()])
