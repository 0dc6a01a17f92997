"""A data set that lacks one indicator code (forecasting.planning.placement_shares): the placement mix reads
what the data set has and takes the share parameter for what it lacks, month by month. By hand, a scorecard
with children in care (LAC1) and in-house carers (LAC16) but no IFA count (no `LAC9 (val)` at all), with
2 children per in-house carer, IFA share 40% and residential 10% (parameters):
- in-house fostering = carers x 2 / children in care: Jun 10 x 2 / 100 = 0.2, Jul 30 x 2 / 200 = 0.3, Aug (not
  in the data) the latest, 0.3;
- IFA = the share parameter, 0.4, every month (nothing observed, forecast or latest to read);
- residential 0.1, kinship 0 (no 903 return), supported / other the rest: 0.3, 0.2, 0.2."""

import pandas as pd
import pytest

from forecasting.data.contract import Dataset
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.placement_shares import mix_by_month, placement_mix

MONTHS = pd.DatetimeIndex(["2018-06-01", "2018-07-01", "2018-08-01"])


@pytest.fixture(scope="module")
def params():
    return with_overrides(
        load_parameters(),
        {"children_per_in_house_carer": 2.0, "share_ifa": 0.4, "share_residential": 0.1},
    )


@pytest.fixture(scope="module")
def dataset():
    rows = [("LAC1", "2018-06-01", 100.0), ("LAC1", "2018-07-01", 200.0),
            ("LAC16", "2018-06-01", 10.0), ("LAC16", "2018-07-01", 30.0)]
    observations = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    observations["ds"] = pd.to_datetime(observations["ds"])
    out = Dataset(observations, pd.DataFrame())
    assert "LAC9 (val)" not in out.indicator_codes and out.series("LAC9 (val)").empty
    return out


def test_the_mix_by_month_takes_the_parameter_for_the_code_the_data_set_lacks(params, dataset):
    mix = mix_by_month(params, dataset, MONTHS)
    assert list(mix.index) == list(MONTHS)
    assert list(mix["ifa"]) == pytest.approx([0.4, 0.4, 0.4])
    assert list(mix["in_house_fostering"]) == pytest.approx([0.2, 0.3, 0.3])
    assert list(mix["residential"]) == pytest.approx([0.1, 0.1, 0.1])
    assert list(mix["kinship"]) == [0.0, 0.0, 0.0]
    assert list(mix["supported_other"]) == pytest.approx([0.3, 0.2, 0.2])


def test_the_latest_mix_also_takes_the_parameter_for_it(params, dataset):
    mix = placement_mix(params, dataset)
    assert mix == pytest.approx({"in_house_fostering": 0.3, "ifa": 0.4, "residential": 0.1, "kinship": 0.0,
                                 "supported_other": 0.2})
