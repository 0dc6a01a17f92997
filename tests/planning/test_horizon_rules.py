"""The medium-term horizon and the steady state, on hand-computed toys."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.errors import UserFacingError
from forecasting.planning.horizon import horizon_to_march, steady_state
from forecasting.planning.pipeline import Calibration, Rate, stock_flow


def _dataset(last: str):
    months = pd.date_range(end=last, periods=3, freq="MS")
    return SimpleNamespace(observations=pd.DataFrame({"unique_id": "M1", "ds": months, "y": 1.0}))


@pytest.mark.parametrize(
    "last, years, months",
    [
        ("2018-06-01", 5, 57),  # Jul 2018 .. Mar 2023: the embedded data's five-year horizon
        ("2018-06-01", 2, 21),  # Mar 2020: the engine's default
        ("2019-02-01", 5, 49),  # Mar 2019 is the first March after Feb 2019 -> Mar 2023
        ("2019-03-01", 5, 60),  # data ending in March: the next March is the first -> Mar 2024
        ("2019-03-01", 1, 12),
    ],
)
def test_horizon_reaches_the_nth_march_after_the_last_month(last, years, months):
    assert horizon_to_march(_dataset(last), years) == months


def test_horizon_years_out_of_range_is_a_clear_error():
    with pytest.raises(UserFacingError, match="between 1 and 10"):
        horizon_to_march(_dataset("2018-06-01"), 0)


def _result(d_stock, d_in, d_out, draws=None):
    months = pd.date_range("2018-07-01", periods=len(d_stock), freq="MS")
    table = pd.concat(
        [
            pd.DataFrame({"measure": name, "month": months, "delta": values})
            for name, values in (("lac", d_stock), ("lac_starts", d_in), ("lac_ceased", d_out))
        ]
    )
    return SimpleNamespace(table=table, delta_draws=draws or {})


def _calibration(rate: float) -> Calibration:
    return Calibration({"lac_exit_rate": Rate("lac_exit_rate", rate, 0.01, 24, "toy")})


def test_steady_state_by_hand():
    # d_stock[T-1] = -50, d_in[T] = -10, d_out[T] = -4, exit rate 0.1: -50 + (-10 + 4) / 0.1 = -110
    result = _result([-30.0, -50.0, -55.0], [-10.0, -10.0, -10.0], [-3.0, -3.5, -4.0])
    (state,) = steady_state(result, _calibration(0.1))
    assert state.full == pytest.approx(-110.0)
    assert state.at_end == -55.0 and state.share_reached == pytest.approx(55 / 110)
    text = state.sentence()
    assert "about 110 fewer looked-after children" in text and "Mar 2019" not in text and "Sep 2018" in text


def test_steady_state_is_where_the_stock_flow_rule_converges():
    """Constant changes: 10 fewer entries and 2 extra exits a month, 5% leave a month -> (-10 - 2) / 0.05 =
    -240, read off any month, and the stock-and-flow rule itself gets there in the long run."""
    n, rate = 600, 0.05
    stock, flow = np.full(n, 1000.0), np.full(n, 60.0)
    d_stock, d_in, d_out = stock_flow(stock, flow, flow, np.full(n, -10.0), rate, np.full(n, 2.0))
    assert d_stock[-1] == pytest.approx(-240.0, rel=1e-6)
    for cut in (12, 60):
        (state,) = steady_state(_result(d_stock[:cut], d_in[:cut], d_out[:cut]), _calibration(rate))
        assert state.full == pytest.approx(-240.0)


def test_steady_state_interval_from_the_draws():
    draws = {
        "lac": np.array([[-30.0, -40.0, -45.0], [-30.0, -60.0, -65.0]]),
        "lac_starts": np.array([[-8.0] * 3, [-12.0] * 3]),
        "lac_ceased": np.array([[-4.0] * 3, [-4.0] * 3]),
    }
    result = _result([-30.0, -50.0, -55.0], [-10.0] * 3, [-4.0] * 3, draws)
    (state,) = steady_state(result, _calibration(0.1))
    # draw 1: -40 + (-8 + 4) / 0.1 = -80; draw 2: -60 + (-12 + 4) / 0.1 = -140
    assert (state.low, state.high) == pytest.approx(tuple(np.quantile([-80.0, -140.0], [0.025, 0.975])))
    assert "95% interval 82 to 138" in state.sentence()


def test_ten_years_is_the_longest_horizon():
    assert horizon_to_march(_dataset("2018-06-01"), 10) == 117  # Jul 2018 .. Mar 2028
    with pytest.raises(UserFacingError, match="between 1 and 10"):
        horizon_to_march(_dataset("2018-06-01"), 11)
