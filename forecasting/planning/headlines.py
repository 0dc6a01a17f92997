"""The headline measures leaders look at first, in one table with plain words.

For each headline indicator: the latest value and its change on the same month last year, the projection
at 31 March 2019 and 31 March 2020 (month 2019-03 / 2020-03) with the 95% range, and the target for that
year with the probability of meeting it and its RAG, where a target exists. All from one Projection.
"""

from __future__ import annotations

import pandas as pd

from forecasting.planning.projection import Projection

HEADLINES = (
    ("M1", "Contacts to the front door"),
    ("M2", "Referrals"),
    ("CP6B", "Children on CP plans"),
    ("LAC1", "Looked-after children"),
    ("EH4-QL", "Single assessments within 45 days (%)"),
)
YEAR_ENDS = (("2018-19", pd.Timestamp("2019-03-01")), ("2019-20", pd.Timestamp("2020-03-01")))


def _direction(change: float | None, polarity: str) -> str:
    """'+6% on a year before', with '(better)'/'(worse)' when the indicator has a polarity and moved >= 2%."""
    if change is None or pd.isna(change):
        return "-"
    text = f"{change:+.0f}% on a year before"
    if abs(change) < 2 or polarity not in ("higher_is_better", "lower_is_better"):
        return text
    good = (change > 0) == (polarity == "higher_is_better")
    return f"{text} ({'better' if good else 'worse'})"


def headline_table(projection: Projection, targets: pd.DataFrame, headlines=HEADLINES) -> pd.DataFrame:
    """One row per headline indicator present in the data (see module docstring), read from `projection` and
    the
    `targets` table evaluated on that same projection (`forecasting.planning.targets.evaluate_targets`)."""
    rows = []
    codes, months = [code for code, _ in headlines], [month for _, month in YEAR_ENDS]
    dataset, forecasts = projection.dataset, projection.table(codes, months)
    catalogue = dataset.indicators
    for code, label in headlines:
        series = projection.observed(code).dropna()
        if series.empty:
            continue
        polarity = (
            catalogue.at[code, "polarity"]
            if "polarity" in catalogue and code in catalogue.index
            else "neutral"
        )
        year_ago = series.get(series.index[-1] - pd.DateOffset(years=1))
        change = (
            100 * (series.iloc[-1] / year_ago - 1)
            if year_ago not in (None, 0) and pd.notna(year_ago)
            else None
        )
        row = {
            "indicator": code,
            "measure": label,
            "latest_month": series.index[-1].strftime("%b-%y"),
            "latest": series.iloc[-1],
            "vs_year_before": _direction(change, polarity),
        }
        own = forecasts[forecasts["indicator"] == code].set_index("month")
        for period, month in YEAR_ENDS:
            suffix = period.replace("-", "_")
            if month in own.index:
                point = own.loc[month]
                row[f"projected_{suffix}"] = point["mean"]
                row[f"range95_{suffix}"] = f"{point['lo95']:,.0f} to {point['hi95']:,.0f}"
            target = targets[(targets["indicator"] == code) & (targets["period"] == period)]
            if not target.empty:
                found = target.iloc[0]
                row[f"target_{suffix}"] = found["target"]
                row[f"p_met_{suffix}"] = found["probability_met"]
                row[f"rag_{suffix}"] = found["rag"]
        rows.append(row)
    return pd.DataFrame(rows)
