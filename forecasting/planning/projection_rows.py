"""Where each indicator-month sits in a projection's distribution table (`forecasting.planning.projection`).

A `Projection` holds one distribution row per forecast indicator-month; every reading (a mean, a quantile,
P(met), a scenario's move) first finds rows. `RowIndex` is that lookup, built once per table and read-only:
- `months`: the table's months, sorted; `grid[indicator]`: the row position of each of those months (-1 where
  the indicator has no forecast that month); `month_at`: a month's position in `months`;
- `where(indicator, months)`: row positions in the order asked, a KeyError naming the indicator and the
  months without a forecast (never a silent gap);
- `positions(indicators, months)`: the sorted rows of some indicators in some months (missing ones left out),
  for a part of the table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["RowIndex"]


@dataclass(frozen=True)
class RowIndex:
    """The lookup of a distribution table's rows by indicator and month (module docstring); read-only."""

    months: pd.DatetimeIndex
    grid: dict[str, np.ndarray]
    month_at: dict[pd.Timestamp, int]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> RowIndex:
        """The index of `frame` (indicator, month columns; positions are its row numbers)."""
        months = np.sort(frame["month"].unique())
        month_index = np.searchsorted(months, frame["month"].to_numpy())
        codes, names = pd.factorize(frame["indicator"])
        grid = np.full((len(names), len(months)), -1)
        grid[codes, month_index] = np.arange(len(frame))
        sorted_months = pd.DatetimeIndex(months)
        return cls(sorted_months, {str(name): grid[i] for i, name in enumerate(names)},
                   {month: i for i, month in enumerate(sorted_months)})

    @property
    def indicators(self) -> list[str]:
        return list(self.grid)

    def positions(self, indicators=None, months=None) -> np.ndarray:
        """Sorted row positions of `indicators` (all when None) in `months` (all when None); indicators and
        months without a forecast are left out."""
        asked = self.grid if indicators is None else indicators
        codes = [code for code in dict.fromkeys(asked) if code in self.grid]
        at: list[int] | slice = slice(None)
        if months is not None:
            wanted = pd.DatetimeIndex(pd.to_datetime(list(months)))
            at = [self.month_at[m] for m in wanted if m in self.month_at]
        grids = [self.grid[code][at] for code in codes]
        return np.sort(np.concatenate([g[g >= 0] for g in grids])) if grids else np.array([], dtype=int)

    def rows_and_months(self, indicator: str) -> tuple[np.ndarray, np.ndarray]:
        """An indicator's row positions and the positions of their months (empty when it has none)."""
        grid = self.grid.get(indicator)
        if grid is None:
            return np.array([], dtype=int), np.array([], dtype=int)
        at = np.flatnonzero(grid >= 0)
        return grid[at], at

    def forecast_months(self, indicator: str) -> pd.DatetimeIndex:
        """Months with a forecast row for `indicator`, sorted (empty when it has none)."""
        grid = self.grid.get(indicator)
        return self.months[grid >= 0] if grid is not None else pd.DatetimeIndex([])

    def where(self, indicator: str, months=None) -> np.ndarray:
        """Row positions of `indicator` in `months` order (all its months, sorted, when None)."""
        grid = self.grid.get(indicator)
        if months is None:
            if grid is None or not (grid >= 0).any():
                raise KeyError(f"No forecast for {indicator} in any month")
            return grid[grid >= 0]
        if grid is not None and isinstance(months, list | tuple) and months:   # a few months: look them up
            looked = [self.month_at.get(m, -1) if isinstance(m, pd.Timestamp) else -1 for m in months]
            if min(looked) >= 0 and (grid[looked] >= 0).all():
                return grid[looked]
        wanted = (
            months if isinstance(months, pd.DatetimeIndex) else pd.DatetimeIndex(pd.to_datetime(list(months)))
        )
        at = np.searchsorted(self.months, wanted)
        inside = (at < len(self.months)) & (self.months[np.minimum(at, len(self.months) - 1)] == wanted)
        found = (
            np.where(inside, grid[np.minimum(at, len(self.months) - 1)], -1)
            if grid is not None
            else np.full(len(wanted), -1)
        )
        if grid is None or not len(wanted) or (found < 0).any():
            missing = [m for m, r in zip(wanted, found, strict=True) if r < 0]
            where = ", ".join(f"{m:%Y-%m}" for m in missing) or "any month"
            raise KeyError(f"No forecast for {indicator} in {where}")
        return found
