"""The medium-term horizon and the steady state a scenario is heading for.

Rules:
- `horizon_to_march(dataset, years)`: months from the month after the last observed month to the `years`-th
  31 March strictly after the last observed month (month 03). Embedded data ends Jun 2018, so 5 years runs
  to Mar 2023: 57 months (the engine's default 21 runs to Mar 2020). Data ending in March counts the next
  March as the first. The engine is asked for that horizon (`run_forecast(dataset, horizon=...)`); it owns
  how honest its intervals stay that far out.
- `steady_state(result, calibration)`: for each stock (looked-after children, CP plans, open CIN cases), the
  change the scenario is heading for once its effects are full and last: in a steady state the change in
  inflow equals the change in outflow, d_out = exit_rate x d_stock + extra exits, so
      d_stock_full = d_stock[T-1] + (d_in[T] - d_out[T]) / exit_rate
  read at the last month T (where ramps have finished), with the calibrated monthly exit rate. It assumes the
  last month's changes in inflow and extra exits carry on unchanged. The same sum draw by draw over the
  scenario's effect draws gives its 95% interval (the exit rate kept at its mean).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.errors import UserFacingError
from forecasting.planning.pipeline import STOCKS

__all__ = ["STOCK_WORDS", "SteadyState", "horizon_to_march", "steady_state"]

EXIT_RATE = {"lac": "lac_exit_rate", "cp_plans": "cp_exit_rate", "cin_open": "cin_exit_rate"}
STOCK_WORDS = {"lac": "looked-after children", "cp_plans": "children on CP plans",
               "cin_open": "open children-in-need cases"}


def horizon_to_march(dataset, years: int) -> int:
    """Forecast months needed to reach the `years`-th 31 March after the data set's last observed month."""
    if not 1 <= int(years) <= 10:
        raise UserFacingError(f"--years {years}: give a number of years between 1 and 10 (5 is the medium "
                              "term).")
    months = pd.to_datetime(dataset.observations["ds"])
    last = months.max()
    first_march = last.year + (1 if last.month >= 3 else 0)
    end = pd.Timestamp(year=first_march + int(years) - 1, month=3, day=1)
    return (end.year - last.year) * 12 + end.month - last.month


class SteadyState:
    """One stock's steady-state change: `full` (point), `low` / `high` (95%), `at_end` (the projection's
    change at the last month) and its month, with a plain-words sentence."""

    def __init__(self, stock: str, full: float, low: float, high: float, at_end: float, month, rate: float):
        self.stock, self.full, self.low, self.high = stock, full, low, high
        self.at_end, self.month, self.rate = at_end, pd.Timestamp(month), rate

    @property
    def share_reached(self) -> float:
        return self.at_end / self.full if self.full else np.nan

    def sentence(self) -> str:
        words = STOCK_WORDS[self.stock]
        direction = "fewer" if self.full < 0 else "more"
        ends = sorted((abs(self.low), abs(self.high)))
        band = f" (95% interval {ends[0]:,.0f} to {ends[1]:,.0f})" if self.low != self.high else ""
        if self.low < 0 < self.high:
            band = f" (95% interval {self.low:+,.0f} to {self.high:+,.0f})"
        reached = ""
        if np.isfinite(self.share_reached):
            reached = (f"; by {self.month:%b %Y} the projection shows {self.at_end:+,.0f}, "
                       f"{self.share_reached:.0%} of it")
        return (f"At full effect, about {abs(self.full):,.0f} {direction} {words}{band} in the long run "
                f"(the last month's changes in entries and exits carried on, {self.rate:.1%} of the stock "
                f"leaving a month){reached}.")


def steady_state(result, calibration) -> list[SteadyState]:
    """The steady-state change of every stock the scenario moves (rules in the module docstring)."""
    out = []
    table = result.table
    for stock, (inflow, outflow) in STOCKS.items():
        rate_name = EXIT_RATE[stock]
        if rate_name not in calibration.rates or calibration.rates[rate_name].n_months == 0:
            continue
        rate = float(np.clip(calibration[rate_name], 0.0, 1.0))
        rows = {m: table.loc[table["measure"] == m, "delta"].to_numpy() for m in (stock, inflow, outflow)}
        if any(len(v) < 2 for v in rows.values()) or rate <= 0 or not np.any(rows[stock]):
            continue
        full = rows[stock][-2] + (rows[inflow][-1] - rows[outflow][-1]) / rate
        draws = [result.delta_draws.get(m) for m in (stock, inflow, outflow)]
        if all(d is not None for d in draws):
            spread = draws[0][:, -2] + (draws[1][:, -1] - draws[2][:, -1]) / rate
            low, high = (float(v) for v in np.quantile(spread, [0.025, 0.975]))
        else:
            low = high = float(full)
        month = table.loc[table["measure"] == stock, "month"].iloc[-1]
        out.append(SteadyState(stock, float(full), low, high, float(rows[stock][-1]), month, rate))
    return out
