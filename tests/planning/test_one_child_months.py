"""Months with exactly one child are data, not gaps (worked by hand):
- exit route shares (pipeline_calibration): adoptions / all children ceasing care (LAC4), summed over the
  months with any exit. LAC4 = 1, 4, 0 and adoptions (LAC6) = 1, 1, 1: the months with exits are the first
  two, so the share is (1 + 1) / (1 + 4) = 0.4 over 2 months, its sd that of the monthly ratios 1 and 0.25:
  0.75 / sqrt(2) = 0.5303;
- placement shares by month (placement_shares.mix_by_month): a month with one child in care, not fostered by
  an agency, has an IFA share of 0 (not the latest month's share); with 10 children and 5 with an IFA, 0.5;
  a 903 placement type not counted in the last month (unreadable) counts as no children; a share set by hand
  on 903 data leaves the rest to supported / other month by month, and is refused where nothing is left."""

import numpy as np
import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.parameters import ParameterError, load_parameters
from forecasting.planning.pipeline_calibration import calibrate_pipeline
from forecasting.planning.placement_mix import type_codes
from forecasting.planning.placement_shares import mix_by_month, placement_mix


def _dataset(series: dict[str, list[float]], months: pd.DatetimeIndex) -> Dataset:
    obs = pd.DataFrame([{"unique_id": code, "ds": month, "y": float(v)}
                        for code, values in series.items() for month, v in zip(months, values, strict=True)])
    catalogue = pd.DataFrame({"unit": ["count"] * len(series)},
                             index=pd.Index(list(series), name="indicator"))
    return Dataset(observations=obs, indicators=catalogue)


def test_a_month_with_one_child_ceasing_care_counts_in_the_route_share():
    months = pd.date_range("2018-01-01", periods=3, freq="MS")
    series = {"M1": [1000, 800, 500], "M2": [200, 200, 100], "LAC1": [200, 200, 200], "LAC2": [1, 4, 0],
              "LAC4": [1, 4, 0], "LAC6 (val)": [1, 1, 1], "LAC12 (val)": [0, 2, 0]}
    rate = calibrate_pipeline(_dataset(series, months)).rates["exit_share_adoption"]
    assert rate.mean == pytest.approx(0.4)
    assert rate.n_months == 2
    assert rate.sd == pytest.approx(0.75 / np.sqrt(2))
    sgo = calibrate_pipeline(_dataset(series, months)).rates["exit_share_sgo"]
    assert sgo.mean == pytest.approx(2 / 5) and sgo.n_months == 2  # 0 of 1, 2 of 4


def test_a_month_with_one_child_in_care_has_its_own_placement_shares():
    months = pd.date_range("2018-06-01", periods=2, freq="MS")
    dataset = _dataset({"LAC1": [1, 10], "LAC9 (val)": [0, 5], "LAC16": [0, 0]}, months)
    shares = mix_by_month(load_parameters(), dataset, months)
    assert shares.loc[months[0], "ifa"] == 0.0 and shares.loc[months[0], "in_house_fostering"] == 0.0
    assert shares.loc[months[1], "ifa"] == pytest.approx(0.5)
    assert np.allclose(shares.sum(axis=1), 1.0)


def test_a_903_type_not_counted_in_the_last_month_counts_as_none():
    # the last month's counts: 3 with an IFA, 1 in residential care, kinship unreadable (NaN), the rest 0:
    # shares 3 / 4 and 1 / 4, kinship 0
    counts = {kind: 0.0 for kind in type_codes()} | {"ifa": 3.0, "residential": 1.0, "kinship": np.nan}
    month = pd.DatetimeIndex(["2018-06-01"])
    dataset = _dataset({type_codes()[kind]: [n] for kind, n in counts.items()}, month)
    shares = placement_mix(load_parameters(), dataset)
    assert shares["ifa"] == pytest.approx(0.75) and shares["residential"] == pytest.approx(0.25)
    assert shares["kinship"] == 0.0


def test_with_a_903_mix_a_share_set_by_hand_leaves_the_rest_to_supported_other_in_every_month():
    # IFA 9 of 10 children in June, 1 of 10 in July (the rest supported / other); residential set to 5%:
    # supported / other = 1 - 0.9 - 0.05 = 0.05 in June and 1 - 0.1 - 0.05 = 0.85 in July
    months = pd.DatetimeIndex(["2018-06-01", "2018-07-01"])
    counts = {kind: [0.0, 0.0] for kind in type_codes()} | {"ifa": [9.0, 1.0], "supported": [1.0, 9.0]}
    dataset = _dataset({type_codes()[kind]: n for kind, n in counts.items()}, months)
    shares = mix_by_month(load_parameters(), dataset, months, mix_overrides={"residential": 0.05})
    assert list(shares["supported_other"]) == pytest.approx([0.05, 0.85])
    assert list(shares["residential"]) == [0.05, 0.05]
    # residential at 50% fits July (0.1 + 0.5) but not June (0.9 + 0.5): refused in words
    with pytest.raises(ParameterError, match="leave less than nothing for supported / other"):
        mix_by_month(load_parameters(), dataset, months, mix_overrides={"residential": 0.5})
