"""Recompute a scorecard's own printed summary columns from its monthly values.

The Jun-18 scorecard prints, for every indicator, a 12-month average, a 12-month maximum and two % change
columns. Recomputing them from `observations.csv` is our check that the transcription is right: a misread
digit almost always breaks at least one of them.

Rules (found by recomputing every row of the Jun-18 scorecard):
- the 12 months are the last 12 of the 13 shown (Jul-17..Jun-18 for Jun-18), the first month is only a
  comparator for the year-on-year change;
- the average is the plain mean of the monthly values, rounded as printed (whole numbers or one decimal);
- % change from previous month = last / previous - 1; from same month last year = last / first - 1;
  both rounded to whole percent.
"""
from __future__ import annotations

import math

import pandas as pd

SUMMARY_COLUMNS = ("avg_12m", "max_12m", "pct_change_month", "pct_change_year")
PERCENT_CHANGE_TOLERANCE = 0.5  # printed to whole percent


def _printed_decimals(value: float) -> int:
    """Decimal places a printed figure was rounded to (0, 1 or 2)."""
    for decimals in (0, 1, 2):
        if abs(round(value, decimals) - value) < 1e-9:
            return decimals
    return 2


def recompute_summary(values: pd.Series) -> dict[str, float]:
    """The four summary figures for one indicator from its 13 monthly values (oldest first)."""
    last_12 = values.iloc[-12:]
    first, previous, last = values.iloc[0], values.iloc[-2], values.iloc[-1]

    def change(base: float) -> float:
        if pd.isna(base) or pd.isna(last) or base == 0:
            return math.nan
        return 100.0 * (last / base - 1.0)

    complete = last_12.notna().all()
    return {
        "avg_12m": float(last_12.mean()) if complete else math.nan,
        "max_12m": float(last_12.max()) if complete else math.nan,
        "pct_change_month": change(previous),
        "pct_change_year": change(first),
    }


def summary_mismatches(observations: pd.DataFrame, printed: pd.DataFrame) -> pd.DataFrame:
    """Every printed summary figure that the monthly values do not reproduce.

    `observations`: indicator, month, value (13 months per indicator). `printed`: indicator plus any of
    SUMMARY_COLUMNS. A printed blank is not checked; a figure that cannot be recomputed because a month is
    blank is reported (with `recomputed` NaN) so that gaps are never silently skipped.
    """
    wide = observations.pivot(index="indicator", columns="month", values="value").sort_index(axis=1)
    rows = []
    for record in printed.to_dict("records"):
        code = record["indicator"]
        if code not in wide.index:
            rows.append({"indicator": code, "figure": "all", "printed": math.nan, "recomputed": math.nan,
                         "reason": "indicator has no monthly values"})
            continue
        recomputed = recompute_summary(wide.loc[code])
        for figure in SUMMARY_COLUMNS:
            printed_value = record.get(figure)
            if printed_value is None or pd.isna(printed_value):
                continue
            value = recomputed[figure]
            if figure.startswith("pct_"):
                tolerance = PERCENT_CHANGE_TOLERANCE
            else:
                tolerance = 0.5 * 10 ** -_printed_decimals(float(printed_value))
            if math.isnan(value) or abs(value - float(printed_value)) > tolerance + 1e-9:
                reason = "a month needed is blank" if math.isnan(value) else "differs beyond rounding"
                rows.append({"indicator": code, "figure": figure, "printed": float(printed_value),
                             "recomputed": value, "reason": reason})
    return pd.DataFrame(rows, columns=["indicator", "figure", "printed", "recomputed", "reason"])
