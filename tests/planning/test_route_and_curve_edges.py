"""Exit routes, timeliness curves and lead times at their edges, by hand:
- exit routes (care_pathway.ExitRoutes): a route without a share has none of the exits (not all of them);
  "other" is what the named routes leave; a return within 1 month comes back in the first month. Home 60% of
  exits with 30% back within 1 month, SGO (no share) 10% back over 2 months, other (40%) 5% back within 1
  month: the kernel is 0.6 x 0.3 + 0.4 x 0.05 = 0.20 in month 1 and 0 in month 2;
- a timeliness target of 100% asks for the utilisation at 1 - 1e-6 of the way (finite), not an infinite one:
  (intercept - logit(1 - 1e-6)) / slope = (2 - 13.8155) / 1;
- with no recruitment lead time in the parameters, recruits start at once (0 months)."""

import numpy as np
import pytest

from forecasting.planning.care_pathway import ExitRoutes
from forecasting.planning.timeliness_load import TimelinessCurve
from forecasting.planning.workforce_scenario import _lead_time


def test_a_route_without_a_share_has_no_exits_and_other_is_the_rest():
    routes = ExitRoutes({"home": 0.6}, {"home": (30.0, 1), "sgo": (10.0, 2), "other": (5.0, 1)})
    assert routes.share("sgo") == 0.0 and routes.share("other") == pytest.approx(0.4)
    assert list(routes.kernel()) == pytest.approx([0.20, 0.0])
    split = routes.split(np.array([100.0]))
    assert split["home"][0] == pytest.approx(60.0) and split["sgo"][0] == 0.0
    assert split["other"][0] == pytest.approx(40.0)


def test_a_100_percent_target_asks_for_a_finite_utilisation():
    curve = TimelinessCurve("M8-QL", intercept=2.0, slope=1.0, fitted=True)
    expected = 2.0 - np.log((1 - 1e-6) / 1e-6)
    assert curve.utilisation_for(100.0) == pytest.approx(expected)
    assert expected == pytest.approx(-11.8155, abs=1e-4)


def test_no_lead_time_parameter_means_recruits_start_at_once():
    assert _lead_time({}) == 0.0
