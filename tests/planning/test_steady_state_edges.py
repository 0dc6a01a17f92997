"""Steady state at its edges (forecasting.planning.horizon), by hand:
- the interval is signed only when it crosses zero (-5 to +15); otherwise it is two sizes (1 to 20);
- the long-run change uses the LAST month's change in entries and exits, draw by draw;
- no steady state for a stock the scenario does not move, with no exits, or with one month only."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.horizon import SteadyState, steady_state
from forecasting.planning.pipeline import Calibration, Rate


def _result(d_stock, d_in, d_out, draws=None):
    months = pd.date_range("2018-07-01", periods=len(d_stock), freq="MS")
    table = pd.concat([pd.DataFrame({"measure": name, "month": months, "delta": values})
                       for name, values in (("lac", d_stock), ("lac_starts", d_in), ("lac_ceased", d_out))])
    return SimpleNamespace(table=table, delta_draws=draws or {})


def _calibration(rate: float) -> Calibration:
    return Calibration({"lac_exit_rate": Rate("lac_exit_rate", rate, 0.01, 24, "toy")})


def test_the_interval_is_signed_only_when_it_crosses_zero():
    month = pd.Timestamp("2020-03-01")
    crossing = SteadyState("lac", 5.0, -5.0, 15.0, 2.0, month, 0.1).sentence()
    assert "about 5 more looked-after children (95% interval -5 to +15) in the long run" in crossing
    above = SteadyState("lac", 10.0, 0.6, 20.0, 2.0, month, 0.1).sentence()
    assert "about 10 more looked-after children (95% interval 1 to 20) in the long run" in above


def test_the_long_run_reads_the_last_months_flows_in_each_draw():
    # entries change by -8, -8, -6 (draw 1) and -12, -12, -10 (draw 2) a month, exits by -4, -4, -3 and
    # -4, -4, -5; 10% leave a month: draw 1 -40 + (-6 + 3) / 0.1 = -70, draw 2 -60 + (-10 + 5) / 0.1 = -110
    draws = {
        "lac": np.array([[-30.0, -40.0, -45.0], [-30.0, -60.0, -65.0]]),
        "lac_starts": np.array([[-8.0, -8.0, -6.0], [-12.0, -12.0, -10.0]]),
        "lac_ceased": np.array([[-4.0, -4.0, -3.0], [-4.0, -4.0, -5.0]]),
    }
    result = _result([-30.0, -50.0, -55.0], [-10.0, -10.0, -8.0], [-4.0] * 3, draws)
    (state,) = steady_state(result, _calibration(0.1))
    assert state.full == pytest.approx(-50 + (-8 + 4) / 0.1)  # -90
    # the 2.5% and 97.5% points of the two draws -110 and -70: -110 + 0.025 x 40 and -70 - 0.025 x 40
    assert (state.low, state.high) == pytest.approx((-109.0, -71.0))


@pytest.mark.parametrize(
    "d_stock, rate",
    [([0.0, 0.0, 0.0], 0.1),      # the scenario does not move the stock
     ([-30.0, -50.0, -55.0], 0.0),  # nobody leaves: no steady state to converge to
     ([-30.0], 0.1)],              # one month: no 'month before the last'
)
def test_no_steady_state_without_a_change_an_exit_rate_or_two_months(d_stock, rate):
    n = len(d_stock)
    assert steady_state(_result(d_stock, [-10.0] * n, [-4.0] * n), _calibration(rate)) == []
