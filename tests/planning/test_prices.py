"""Price base rules on hand-computed toys: a typed cost is in the year the user says (default the data's
current financial year), inflation by type from there, 52.18 weeks a year."""

import pandas as pd
import pytest

from forecasting.data import Dataset
from forecasting.planning.costs import unit_costs
from forecasting.planning.parameters import ParameterError, load_parameters
from forecasting.planning.prices import (
    current_financial_year,
    enter_costs,
    price_base_table,
    price_year,
    statement,
    weeks_per_month,
)

MONTHS = pd.DatetimeIndex(
    ["2018-07-01", "2019-03-01", "2019-04-01", "2020-04-01"]
)  # 2018-19 x2, 2019-20, 2020-21


@pytest.fixture(scope="module")
def params():
    return load_parameters(include_levers=False)


def test_weeks_per_year_is_52_18(params):
    assert params["weeks_per_year"].value == 52.18  # 365.25 / 7 = 52.178..., rounded
    assert weeks_per_month(params) == pytest.approx(52.18 / 12)
    assert pytest.approx(0.0035, abs=1e-4) == 52.18 * 1000 / (52 * 1000) - 1  # 52 weeks understates by 0.35%


def test_typed_ifa_cost_is_in_the_data_years_prices(params):
    # the case: IFA £900 typed for the Jun-18 scorecard is £900 in 2018-19, not deflated from 2020-21
    typed = enter_costs(params, {"unit_cost_ifa": 900}, "2018-19")
    assert price_year(typed["unit_cost_ifa"]) == 2018 and "2018-19 prices" in typed["unit_cost_ifa"].source
    ifa = unit_costs(MONTHS, typed)["ifa"].tolist()
    # IFA inflation 1.5% a year: 900, 900, 900 x 1.015 = 913.5, 900 x 1.015^2 = 927.2025
    assert params["placement_inflation_pct_ifa"].value == 1.5
    assert ifa == pytest.approx([900.0, 900.0, 913.5, 927.2025])
    # the same £900 said to be in 2020-21 prices is deflated: 900 / 1.030225 = 873.5956 in 2018-19
    later = unit_costs(MONTHS, enter_costs(params, {"unit_cost_ifa": 900}, "2020-21"))["ifa"]
    assert later.iloc[0] == pytest.approx(873.5956, abs=1e-4)
    # the shipped default 820 is in 2020-21 prices: 820 / 1.015^2 = 795.9426 in 2018-19
    assert unit_costs(MONTHS, params)["ifa"].iloc[0] == pytest.approx(795.9426, abs=1e-4)
    with pytest.raises(ParameterError, match="financial year"):
        enter_costs(params, {"unit_cost_ifa": 900}, "last year")
    with pytest.raises(ParameterError, match="outside its plausible range"):
        enter_costs(params, {"unit_cost_ifa": 90000}, "2018-19")


def test_inflation_is_by_type(params):
    costs = unit_costs(MONTHS, params)
    # residential 3,970 in 2018-19 prices at 6% a year: 3970, 3970, 4208.2, 4460.692
    assert costs["residential"].tolist() == pytest.approx([3970, 3970, 4208.2, 4460.692])
    # in-house 646 in 2016-17 prices at 1.5%: 646 x 1.015^2 = 665.52535 in 2018-19
    assert costs["in_house_fostering"].iloc[0] == pytest.approx(665.52535)


def test_default_price_base_is_the_datas_current_financial_year(embedded_dataset, params):
    assert current_financial_year(embedded_dataset) == "2018-19"  # last month Jun 2018
    obs = pd.DataFrame({"unique_id": "LAC1", "ds": pd.to_datetime(["2019-02-01", "2019-04-01"]), "y": 1.0})
    toy = Dataset(obs, pd.DataFrame({"unit": "count"}, index=pd.Index(["LAC1"], name="indicator")))
    assert current_financial_year(toy) == "2019-20"


def test_one_place_states_the_price_base(params):
    table = price_base_table(params, "2018-19").set_index("parameter")
    assert table.loc["unit_cost_ifa", "price_year"] == "2020-21"
    assert table.loc["unit_cost_ifa", "value_in_2018-19_prices"] == pytest.approx(820 / 1.015**2)
    assert "edge_of_care_service_cost_per_year" in table.index and table["source"].str.len().min() > 0
    words = statement(params, "2018-19")
    assert "2018-19 prices" in words and "52.18" in words and "3.5%" in words
    assert "general inflation, 2% a year" in words
    assert "_pct" not in words  # parameter codes are not shown to users
