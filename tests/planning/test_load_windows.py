"""Windows over months, at their edges, by hand:
- Early Help open families (early_help_load.early_help_open): with plans open for 1 month, the families open
  in a month are that month's plans x the family workers' share (40% of 10, 20, 30 = 4, 8, 12);
- throughput per FTE (timeliness_load.calibrate_arrivals): the busiest run of `capacity_window_months`
  whole months; a busy last month alone is not a run (2-month runs of 1, 1, 1, 5: busiest (1 + 5) / 2 = 3,
  over 10 FTE = 0.3); no FTE carrying work gives no figure (NaN), not a division by zero."""

import numpy as np
import pytest

from forecasting.planning.early_help_load import early_help_open
from forecasting.planning.parameters import load_parameters, with_overrides
from forecasting.planning.timeliness_load import calibrate_arrivals


@pytest.fixture(scope="module")
def params():
    return load_parameters()


def test_plans_open_for_one_month_are_that_months_plans(params):
    one_month = with_overrides(params, {"early_help_plan_months": 1,
                                        "early_help_family_worker_share_pct": 40})
    assert list(early_help_open([10.0, 20.0, 30.0], one_month)) == pytest.approx([4.0, 8.0, 12.0])
    # open for 2 months: the first month's plans stand in for the month before (10 + 10, 10 + 20, 20 + 30)
    two_months = with_overrides(one_month, {"early_help_plan_months": 2})
    assert list(early_help_open([10.0, 20.0, 30.0], two_months)) == pytest.approx([8.0, 12.0, 20.0])


def test_the_busiest_run_is_of_whole_months_and_no_staff_gives_no_figure(params):
    two = with_overrides(params, {"capacity_window_months": 2})
    assert calibrate_arrivals(np.array([1.0, 1.0, 1.0, 5.0]), np.full(4, 10.0), two) == pytest.approx(0.3)
    assert np.isnan(calibrate_arrivals(np.array([1.0, 1.0, 1.0, 5.0]), np.zeros(4), two))
