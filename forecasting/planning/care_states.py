"""Month-end states of every child of one authority for the children-in-care model (`care_model`).

A child's state at a month end is (age band, placement type), from `ssda903_monthly.month_end_states`; the
oldest reporting band (16 and over) is split into one band per year of age up to LEAVING_CARE_AGE
(`AGE-16PLUS:16`, `AGE-16PLUS:17`), the last of which ages out of care. For a child leaving care between two
month ends, the exit route of the period-ending episode, and whether it left because it turned 18 (on or
after the day AGE_OUT_WINDOW_DAYS before its 18th birthday: `aged_out`, which the model counts as ageing
out of care, not as an exit). Child-level: in memory only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.data.ssda903_config import UNKNOWN_AGE, Codes903, completed_years, load_codes, month_ends
from forecasting.data.ssda903_episodes import Episodes903
from forecasting.data.ssda903_monthly import month_end_states

# Being looked after ends at 18: a child is a person under 18 (Children Act 1989 s105(1)). Mastodon C's
# witan.cic makes children in care past 17 leave on their 18th birthday (its dsdr 0010; see
# shared/reference/ssda903-notes.md). Not an assumption to tune: the law.
LEAVING_CARE_AGE = 18
# A child leaving care in the month before its 18th birthday (or after) is taken to leave because it turns 18:
# the model steps a month at a time, and some returns end the episode a few days early (D2I's sample ends 147
# of its 203 exits at age 17 within 31 days of the birthday, median 6 days; none on the day). Measured on
# that sample, December 2026.
AGE_OUT_WINDOW_DAYS = 31
AGE_OUT_ROUTE = "leaving_care_16_plus"  # the route of children the projection lets go at 18
SUB_BAND = ":"  # "AGE-16PLUS:17": one year of age inside a reporting band


@dataclass(frozen=True)
class StatePanel:
    """Month-end states of every child of one authority (child-level: in memory only).

    months: month ends, months[0] the one before the data window (its stock is complete: those children were
    looked after on 1 April). state: array [child, month] of state index (-1 = not in care).
    route: array [child, month] of exit-route index for a child leaving between months t-1 and t (-1 else).
    aged_out: array [child, month], True for a child who left between t-1 and t because it turned 18 (module
    docstring; None: nobody did). next_band: the band each band ages into, -1 = out of care (None: the next
    one, the last band into nothing). age_out_route: the route of children ageing out of care (-1: none).
    """

    months: pd.DatetimeIndex
    bands: tuple[str, ...]
    types: tuple[str, ...]
    routes: tuple[str, ...]
    state: np.ndarray
    route: np.ndarray
    aged_out: np.ndarray | None = None
    next_band: tuple[int, ...] | None = None
    age_out_route: int = -1

    def ages_into(self) -> np.ndarray:
        """next_band as an array (-1 = out of care)."""
        if self.next_band is not None:
            return np.array(self.next_band, dtype=int)
        return np.append(np.arange(1, len(self.bands)), -1)

    @property
    def n_states(self) -> int:
        return len(self.bands) * len(self.types)

    def stock(self, t: int) -> np.ndarray:
        """Children in each (band, type) at month end t, shape [band, type]."""
        here = self.state[:, t]
        counts = np.bincount(here[here >= 0], minlength=self.n_states)
        return counts.reshape(len(self.bands), len(self.types)).astype(float)


def state_panel(clean: Episodes903, authority: str, codes: Codes903 | None = None) -> StatePanel:
    """Month-end states and exit routes of every child of `authority`, over its data window (the oldest
    reporting band split into single years up to LEAVING_CARE_AGE, module docstring)."""
    codes = codes or load_codes()
    first, last = clean.windows[authority]
    ends = month_ends(first - pd.Timedelta(days=1), last)
    episodes = clean.episodes[clean.episodes["la"] == authority]
    states = month_end_states(episodes, ends, codes)
    oldest, years = _oldest_years(codes)
    dob = episodes.drop_duplicates("CHILD").set_index("CHILD")["DOB"]
    in_oldest = states["age_band"] == oldest
    age = completed_years(states.loc[in_oldest, "CHILD"].map(dob), states.loc[in_oldest, "month_end"])
    year = age.clip(lower=years[0], upper=years[-1]).astype(int)
    states.loc[in_oldest, "age_band"] = oldest + SUB_BAND + year.astype(str)
    named = [b for b in codes.age_band_codes if b != oldest] + [oldest + SUB_BAND + str(y) for y in years]
    unknown = [UNKNOWN_AGE] if (states["age_band"] == UNKNOWN_AGE).any() else []
    bands = tuple(named + unknown)
    next_band = tuple([*range(1, len(named)), -1, *[-1] * len(unknown)])
    types, routes = tuple(codes.placement_types), tuple(codes.routes)
    children = pd.Index(sorted(episodes["CHILD"].unique()))
    state = np.full((len(children), len(ends)), -1, dtype=int)
    rows = children.get_indexer(pd.Index(states["CHILD"]))
    cols = ends.get_indexer(pd.Index(states["month_end"]))
    band_ix = np.asarray(pd.Index(bands).get_indexer(pd.Index(states["age_band"])), dtype=int)
    type_ix = np.asarray(pd.Index(types).get_indexer(pd.Index(states["placement_type"])), dtype=int)
    state[rows, cols] = band_ix * len(types) + type_ix
    route = np.full_like(state, -1)
    aged_out = np.zeros(state.shape, dtype=bool)
    leaving = np.argwhere((state[:, :-1] >= 0) & (state[:, 1:] < 0))
    if len(leaving):
        ends_of = episodes[episodes["period_end"]].assign(child_ix=lambda e: children.get_indexer(e["CHILD"]))
        window = pd.Timedelta(days=AGE_OUT_WINDOW_DAYS)
        ends_of = ends_of.assign(age_at_end=completed_years(ends_of["DOB"], ends_of["DEC"] + window))
        for child_ix, t_before in leaving:
            lo, hi = ends[t_before], ends[t_before + 1]
            mine = ends_of[(ends_of["child_ix"] == child_ix) & (ends_of["DEC"] > lo) & (ends_of["DEC"] <= hi)]
            first_end = mine.sort_values("DEC").iloc[0] if len(mine) else None
            name = first_end["route"] if first_end is not None else "other"
            route[child_ix, t_before + 1] = routes.index(name)
            aged_out[child_ix, t_before + 1] = (first_end is not None
                                                and first_end["age_at_end"] >= LEAVING_CARE_AGE)
    age_out_route = routes.index(AGE_OUT_ROUTE) if AGE_OUT_ROUTE in routes else -1
    return StatePanel(ends, bands, types, routes, state, route, aged_out, next_band, age_out_route)


def _oldest_years(codes: Codes903) -> tuple[str, list[int]]:
    """The oldest reporting band and the years of age it is split into (its lower bound to 17)."""
    oldest, _label, lower, upper = codes.age_bands[-1]
    return oldest, list(range(int(lower), max(int(lower) + 1, int(min(upper, LEAVING_CARE_AGE)))))


def reporting_band(band: str) -> str:
    """The reporting band of a model band ('AGE-16PLUS:17' -> 'AGE-16PLUS')."""
    return band.split(SUB_BAND)[0]


__all__ = ["AGE_OUT_ROUTE", "AGE_OUT_WINDOW_DAYS", "LEAVING_CARE_AGE", "SUB_BAND", "StatePanel",
           "reporting_band", "state_panel"]
