"""Small planning rules at their exact boundaries, each worked by hand:
- cost per child: one child fewer at the end is a fall (cost per child = the plan's cost / 1);
- typed costs: none typed leaves the parameters as they are (a copy, so the caller's dict is never changed);
- a recruit made without a ramp-up is productive from the month they start;
- Early Help family workers have no ASYE year: an ASYE figure for that team is costed as experienced staff;
- a staffing plan whose vacancies EQUAL its establishment (every post empty) is accepted, one more is not;
- a budget file of exactly the size limit is read, one byte more is refused in words."""

import pandas as pd
import pytest

from forecasting.errors import UserFacingError
from forecasting.planning import budgets
from forecasting.planning.investment import cost_per_child
from forecasting.planning.parameters import load_parameters
from forecasting.planning.prices import enter_costs
from forecasting.planning.staffing import Recruit
from forecasting.planning.staffing_plan import read_plan
from forecasting.planning.workforce_cost import full_cost_per_fte_month, team_costs


@pytest.fixture(scope="module")
def params():
    return load_parameters()


def test_one_child_fewer_at_the_end_is_a_fall():
    # £1,000 plan; 0 then 1 fewer in care: 1 child fewer at the end, (0 + 1) / 12 care-years avoided
    per_child, per_year, fewer, care_years = cost_per_child(1000.0, [0.0, 1.0])
    assert (fewer, care_years) == (1.0, 1 / 12)
    assert per_child == 1000.0
    assert per_year == pytest.approx(12000.0)
    # no fall: no cost per child
    assert cost_per_child(1000.0, [0.0, 0.0])[:2] == (None, None)


@pytest.mark.parametrize("typed", [None, {}])
def test_no_typed_costs_leave_the_parameters_as_they_are(params, typed):
    out = enter_costs(params, typed, "2018-19")
    assert out == params and out is not params


def test_a_recruit_without_a_ramp_up_carries_a_full_caseload_from_the_start():
    months = pd.date_range("2018-07-01", periods=3, freq="MS")
    recruit = Recruit("mash", 2.0, pd.Timestamp("2018-08-01"))
    assert list(recruit.effective_fte(months)) == [0.0, 2.0, 2.0]
    # with a 4-month ramp: 1/4 of 2 FTE in the first month, 2/4 in the second
    ramping = Recruit("mash", 2.0, pd.Timestamp("2018-08-01"), months_to_full_caseload=4.0)
    assert list(ramping.effective_fte(months)) == [0.0, 0.5, 1.0]


def test_early_help_family_workers_are_all_costed_as_experienced(params):
    # 3 filled family worker posts, "2 ASYE" given: all 3 at the family worker's full cost, no retention
    flows = {name: [value] for name, value in (("filled", 3.0), ("agency", 0.0), ("recruits", 0.0),
                                                 ("replacement_starters", 0.0), ("establishment", 0.0))}
    cost = team_costs("early_help", flows, 2.0, params)
    assert cost["employed_cost"][0] == pytest.approx(3 * full_cost_per_fte_month(params, "early_help"))
    # a social work team does have ASYEs: 2 at the ASYE cost, 1 experienced with the retention payment
    social = team_costs("mash", flows, 2.0, params)
    expected = (2 * full_cost_per_fte_month(params, "mash", newly_qualified=True)
                + full_cost_per_fte_month(params, "mash") + params["retention_payment_per_fte"].value / 12)
    assert social["employed_cost"][0] == pytest.approx(expected)


def test_vacancies_may_equal_the_establishment_but_not_exceed_it(params):
    overrides, report = read_plan("plan.csv", b"team,establishment_fte,vacancies_fte\nmash,10,10\n", params)
    assert report.errors == [] and overrides == {"establishment_fte_mash": 10.0, "vacancies_fte_mash": 10.0}
    overrides, report = read_plan("plan.csv", b"team,establishment_fte,vacancies_fte\nmash,10,10.5\n", params)
    assert overrides is None
    assert [e.code for e in report.errors] == ["vacancies_above_establishment"]


def test_a_budget_file_of_exactly_the_size_limit_is_read(monkeypatch):
    text = b"line,financial_year,budget\nresidential,2018-19,1000\n"
    monkeypatch.setattr(budgets, "MAX_BYTES", len(text))
    table = budgets.read_budget(text, "budget.csv")
    assert table.to_dict("records") == [
        {"line": "residential", "financial_year": "2018-19", "budget": 1000.0}
    ]
    monkeypatch.setattr(budgets, "MAX_BYTES", len(text) - 1)
    with pytest.raises(UserFacingError, match=f"{len(text):,} bytes is too large for a budget table"):
        budgets.read_budget(text, "budget.csv")
