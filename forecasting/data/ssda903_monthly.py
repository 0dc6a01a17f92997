"""From clean 903 episodes to the long monthly form (`unique_id, ds, y`) and its indicator catalogue.

Rules (per authority, months inside its data window, `ds` = month start):
- LAC1 children looked after at month end: episodes with DECOM <= month end and (DEC blank or DEC > month
  end), one per child (SF-R's `_count_population_at_date`).
- LAC2 entries: episodes that start a period of care (no episode of the child ends on their DECOM), counted in
  the month of DECOM. LAC4 exits: episodes that end a period, counted in the month of DEC.
- PL-<type> children at month end by placement type (data/ssda903.yaml: SF-R's (PLACE, PLACE_PROVIDER) rules).
- AGE-<band> children at month end by age band, in completed years at the month end (AGE-UNKNOWN: no DOB).
- EXIT-<route> exits in the month by route (REC grouped as in data/ssda903.yaml).
- LAC13 UASC looked after at month end (in the UASC table, DUC blank or after the month end), LAC14 UASC
  entries; only when a UASC table was given.
Every count is an aggregate: nothing child-level leaves this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.data.ssda903_config import (
    UNKNOWN_AGE,
    Codes903,
    age_bands,
    completed_years,
    load_codes,
    month_ends,
)
from forecasting.data.ssda903_episodes import Episodes903

SOURCE_NOTE = "SSDA903 episodes"


def _code(prefix: str, key: str) -> str:
    return f"{prefix}-{key.upper().replace('_', '-')}"


def placement_code(placement: str) -> str:
    """Indicator code of a placement type's stock, e.g. `PL-IN-HOUSE-FOSTERING`."""
    return _code("PL", placement)


def route_code(route: str) -> str:
    """Indicator code of an exit route's monthly count, e.g. `EXIT-ADOPTION`."""
    return _code("EXIT", route)


def catalogue(
    codes: Codes903 | None = None, *, uasc: bool = False, unknown_age: bool = False
) -> pd.DataFrame:
    """Indicator catalogue (as `indicators.csv`) of everything `monthly_observations` produces."""
    codes = codes or load_codes()
    rows = [
        ("LAC1", "Number of Looked after Children at end of period", "count", "lower_is_better", "stock"),
        (
            "LAC2",
            "Number of children starting a period of care (903 entries)",
            "count",
            "lower_is_better",
            "flow",
        ),
        ("LAC4", "Number of children ending a period of care (903 exits)", "count", "neutral", "flow"),
    ]
    rows += [
        (placement_code(p), f"Looked after children at month end: {label}", "count", "neutral", "stock")
        for p, label in codes.placement_labels.items()
    ]
    bands = list(codes.age_bands) + ([(UNKNOWN_AGE, "age unknown (no DOB)", 0, 0)] if unknown_age else [])
    rows += [
        (code, f"Looked after children at month end aged {label.lower()}", "count", "neutral", "stock")
        for code, label, _lo, _hi in bands
    ]
    rows += [
        (route_code(r), f"Children leaving care: {label}", "count", "neutral", "flow")
        for r, label in codes.exit_labels.items()
    ]
    if uasc:
        rows += [
            (
                "LAC13",
                "Number of current Unaccompanied Asylum Seeking Children (UASC) looked after at end of "
                "period",
                "count",
                "neutral",
                "stock",
            ),
            (
                "LAC14",
                "Number of new Unaccompanied Asylum Seeking Children (UASC)",
                "count",
                "neutral",
                "flow",
            ),
        ]
    frame = pd.DataFrame(rows, columns=["indicator", "name", "unit", "polarity", "kind"])
    frame["outcome"] = "Derived from the SSDA903 children looked after return"
    frame["numerator"] = ""
    frame["denominator"] = ""
    return frame.set_index("indicator")


def month_end_states(
    episodes: pd.DataFrame, ends: pd.DatetimeIndex, codes: Codes903 | None = None
) -> pd.DataFrame:
    """Each child in care at each month end: la, CHILD, month_end, placement_type, age_band, uasc, DECOM.

    A child is in care at d when an episode has DECOM <= d and (DEC blank or DEC > d); if two episodes of a
    child qualify (cleaning prevents it), the later-starting one is used.
    """
    codes = codes or load_codes()
    columns = ["la", "CHILD", "month_end", "placement_type", "age_band", "uasc", "DECOM"]
    if episodes.empty or len(ends) == 0:
        return pd.DataFrame(columns=columns)
    start = episodes["DECOM"].to_numpy("datetime64[ns]")[:, None]
    end = episodes["DEC"].to_numpy("datetime64[ns]")[:, None]
    at = ends.to_numpy("datetime64[ns]")[None, :]
    active = (start <= at) & (np.isnat(end) | (end > at))
    rows, cols = np.nonzero(active)
    states = episodes.iloc[rows][["la", "CHILD", "placement_type", "DOB", "DUC", "DECOM"]].reset_index(
        drop=True
    )
    states["month_end"] = ends[cols]
    states = states.sort_values(["la", "CHILD", "month_end", "DECOM"]).drop_duplicates(
        ["la", "CHILD", "month_end"], keep="last"
    )
    states["age_band"] = age_bands(completed_years(states["DOB"], states["month_end"]), codes)
    states["uasc"] = states["DUC"].notna() & (states["DUC"] > states["month_end"])
    return states[columns].reset_index(drop=True)


def monthly_observations(
    clean: Episodes903, authority: str, codes: Codes903 | None = None, *, uasc: bool = False
) -> pd.DataFrame:
    """The long monthly frame (`unique_id, ds, y`) of one authority, every indicator of `catalogue`."""
    codes = codes or load_codes()
    first, last = clean.windows[authority]
    ends = month_ends(first, last)
    episodes = clean.episodes[clean.episodes["la"] == authority]
    states = month_end_states(episodes, ends, codes)
    months = ends.to_period("M").to_timestamp()
    series: dict[str, pd.Series] = {}

    def stock(mask: pd.Series) -> pd.Series:
        return states[mask].groupby("month_end").size().reindex(ends, fill_value=0).set_axis(months)

    def flow(dates: pd.Series) -> pd.Series:
        counts = dates.dt.to_period("M").dt.to_timestamp().value_counts()
        return counts.reindex(months, fill_value=0)

    everyone = pd.Series(True, index=states.index)
    series["LAC1"] = stock(everyone)
    series["LAC2"] = flow(episodes.loc[episodes["period_start"], "DECOM"])
    series["LAC4"] = flow(episodes.loc[episodes["period_end"], "DEC"])
    for placement in codes.placement_types:
        series[placement_code(placement)] = stock(states["placement_type"] == placement)
    for band in codes.age_band_codes + [UNKNOWN_AGE]:
        counts = stock(states["age_band"] == band)
        if band != UNKNOWN_AGE or counts.any():
            series[band] = counts
    for route in codes.routes:
        series[route_code(route)] = flow(episodes.loc[episodes["route"] == route, "DEC"])
    if uasc:
        series["LAC13"] = stock(states["uasc"])
        entering = episodes["period_start"] & episodes["DUC"].notna() & (episodes["DUC"] > episodes["DECOM"])
        series["LAC14"] = flow(episodes.loc[entering, "DECOM"])
    frames = [
        pd.DataFrame({"unique_id": code, "ds": values.index, "y": values.to_numpy(dtype=float)})
        for code, values in series.items()
    ]
    return pd.concat(frames, ignore_index=True)


def placement_mix(clean: Episodes903, authority: str, codes: Codes903 | None = None) -> pd.DataFrame:
    """Children by placement type at each month end, with each type's share of all children in care.

    Columns: month (month start), placement_type, children, share (0-1 of LAC1 that month; 0 when nobody is
    in care). The finance calculations multiply `children` by each type's weekly unit cost.
    """
    codes = codes or load_codes()
    first, last = clean.windows[authority]
    ends = month_ends(first, last)
    states = month_end_states(clean.episodes[clean.episodes["la"] == authority], ends, codes)
    counts = (
        states.groupby(["month_end", "placement_type"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=ends, columns=codes.placement_types, fill_value=0)
    )
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0), axis=0).fillna(0.0)
    counts.index = shares.index = ends.to_period("M").to_timestamp()
    counts.index.name = shares.index.name = "month"
    counts.columns.name = shares.columns.name = "placement_type"
    children = counts.stack().astype(float)
    share = shares.stack()
    return pd.DataFrame({"children": children, "share": share}).reset_index()


__all__ = [
    "catalogue",
    "month_end_states",
    "monthly_observations",
    "placement_code",
    "placement_mix",
    "route_code",
]
