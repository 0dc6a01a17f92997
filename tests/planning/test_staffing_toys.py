"""Hand-worked cases for the staffing plan's small rules: a recruit's ramp to a full caseload, the plan
table's defaults for a team with nothing recorded, and the per-user scenario folder's refusal of a blank
identity."""

import numpy as np
import pandas as pd
import pytest

from forecasting.errors import UserFacingError
from forecasting.planning.scenario_store import user_folder
from forecasting.planning.staffing import Recruit, StaffingPlan

MONTHS = pd.date_range("2018-07-01", periods=6, freq="MS")


def test_a_recruit_with_no_ramp_is_at_full_caseload_from_the_start_month():
    recruit = Recruit("cin_cp", 2.0, pd.Timestamp("2018-09-01"))
    np.testing.assert_allclose(recruit.effective_fte(MONTHS), [0, 0, 2, 2, 2, 2])
    assert recruit.month_index(MONTHS) == 2


def test_a_recruit_ramps_linearly_over_the_months_to_full_caseload():
    # k-th month at k / 4 of a full caseload: 1/4, 2/4, 3/4, then full
    recruit = Recruit("cin_cp", 2.0, pd.Timestamp("2018-08-01"), months_to_full_caseload=4)
    np.testing.assert_allclose(recruit.effective_fte(MONTHS), [0, 0.5, 1.0, 1.5, 2.0, 2.0])


def test_start_month_index_is_clipped_to_the_months():
    assert Recruit("lac", 1.0, pd.Timestamp("2018-01-01")).month_index(MONTHS) == 0
    assert Recruit("lac", 1.0, pd.Timestamp("2019-07-01")).month_index(MONTHS) == 6


def test_a_team_with_nothing_recorded_shows_zeros_not_made_up_values():
    plan = StaffingPlan({"cin_cp": 10.0}, {"cin_cp": 2.0}, {})
    row = plan.table().set_index("team").loc["cin_cp"]
    assert row["establishment_fte"] == 10.0 and row["filled_fte"] == 8.0 and row["vacancies_fte"] == 2.0
    assert row["agency_fte"] == 0.0
    assert row["turnover_pct"] == 0.0
    assert row["months_to_full_caseload"] == 0.0
    assert row["asye_fte"] == 0.0


@pytest.mark.parametrize("identity", ["", "   ", None])
def test_saved_scenarios_need_a_signed_in_user(identity, tmp_path):
    with pytest.raises(UserFacingError, match="signed-in user"):
        user_folder(identity, tmp_path)


def test_one_folder_per_user_whatever_the_case_of_the_address(tmp_path):
    first = user_folder("Ann@Council.gov.uk", tmp_path)
    assert user_folder(" ann@council.gov.uk ", tmp_path) == first
    assert user_folder("bob@council.gov.uk", tmp_path) != first
    assert first.parent == tmp_path / "scenarios" and len(first.name) == 32


def test_vacancies_may_equal_the_establishment_but_not_exceed_it():
    from forecasting.planning.parameters import load_parameters
    from forecasting.planning.staffing_plan import read_plan

    params = load_parameters()
    overrides, report = read_plan("plan.csv", b"team,establishment_fte,vacancies_fte\nmash,12,12\n", params)
    assert not report.errors and overrides["vacancies_fte_mash"] == 12
    overrides, report = read_plan("plan.csv", b"team,establishment_fte,vacancies_fte\nmash,12,12.5\n", params)
    assert overrides is None
    assert "12.5 vacancies do not fit an establishment of 12" in report.errors[0].message
