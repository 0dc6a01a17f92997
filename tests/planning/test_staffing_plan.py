"""The staffing plan sheet into the parameters every page and command uses: range checks located in the file,
the plan's round trip, and which figures are assumptions."""

import pytest

from forecasting.errors import UserFacingError
from forecasting.planning.parameters import load_parameters
from forecasting.planning.staffing import StaffingPlan
from forecasting.planning.staffing_plan import apply_staffing_file, plan_sources, plan_table, read_plan
from forecasting.reports.exports import to_xlsx


def test_uploaded_plan_becomes_the_parameters(tmp_path):
    params = load_parameters()
    path = tmp_path / "plan.csv"
    path.write_text("team,establishment_fte,vacancies_fte,agency_fte\ncin_cp,90,10,4\n")
    mine = apply_staffing_file(path, params)
    plan = StaffingPlan.from_parameters(mine)
    assert (plan.establishment["cin_cp"], plan.vacancies["cin_cp"], plan.agency["cin_cp"]) == (90, 10, 4)
    assert plan.establishment["lac"] == params["establishment_fte_lac"].value  # teams left out keep theirs
    sources = plan_sources(mine).set_index("parameter")
    assert sources.loc["establishment_fte_cin_cp", "status"] == "your figure"
    assert sources.loc["establishment_fte_lac", "status"].startswith("assumption")
    assert sources.loc["salary_social_worker", "status"] == "published figure (default)"


def test_out_of_range_values_are_located_and_nothing_is_applied(tmp_path):
    params = load_parameters()
    overrides, report = read_plan("plan.csv", b"team,establishment_fte,vacancies_fte\nmash,500,1\n", params)
    assert overrides is None
    problem = report.errors[0]
    assert (problem.row, problem.column, problem.code) == (2, "B", "out_of_range")
    assert "1 to 60 FTE" in problem.message
    path = tmp_path / "plan.csv"
    path.write_text("team,establishment_fte,vacancies_fte\nmash,500,1\n")
    with pytest.raises(UserFacingError, match="cell B2"):
        apply_staffing_file(path, params)
    with pytest.raises(UserFacingError, match="cannot read"):
        apply_staffing_file(tmp_path / "missing.xlsx", params)


def test_plan_round_trip_through_xlsx():
    params = load_parameters()
    table = plan_table(params)
    overrides, report = read_plan("plan.xlsx", to_xlsx({"plan": table}, words=False), params)
    assert report.ok and overrides is not None
    assert all(params[name].value == pytest.approx(number) for name, number in overrides.items())
    assert len(overrides) == 5 * 6
