"""Levers on the children-in-care model's rates: more step-downs between placement types, entries redirected.

Each lever is a small pure function returning new `CareRates` (the estimated ones are never changed), so a
scenario is the baseline rates passed through levers, then `project_care`. The projected placement mix
(`placement_mix.projected_mix`) and so the costs follow.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from forecasting.data.ssda903_config import Codes903
from forecasting.data.ssda903_episodes import Episodes903
from forecasting.planning.care_model import (
    DEFAULT_SIMULATIONS,
    CareProjection,
    CareRates,
    project_care,
    state_panel,
)

LEVERS = ("step_down", "redirect_entries")


def step_down(
    rates: CareRates, types: tuple[str, ...], from_type: str, to_type: str, extra_monthly: float
) -> CareRates:
    """Each month an extra `extra_monthly` share of the children placed in `from_type` moves to `to_type`,
    taken from those who would have stayed put (never more than them), in every age band.

    Example: residential -> in_house_fostering at 0.01 moves 1% more of residential children each month.
    """
    if not 0 <= extra_monthly <= 1:
        raise ValueError(f"extra_monthly is a monthly share between 0 and 1, not {extra_monthly}")
    p, q = types.index(from_type), types.index(to_type)
    move = rates.move.copy()
    shifted = np.minimum(move[:, p, p], extra_monthly)
    move[:, p, p] -= shifted
    move[:, p, q] += shifted
    return dataclasses.replace(rates, move=move)


def redirect_entries(
    rates: CareRates, types: tuple[str, ...], from_type: str, to_type: str, share: float
) -> CareRates:
    """A `share` of the children who would enter care into `from_type` enter `to_type` instead (every band).

    Example: ifa -> in_house_fostering at 0.25: a quarter of IFA entries go to new in-house carers.
    """
    if not 0 <= share <= 1:
        raise ValueError(f"share is between 0 and 1, not {share}")
    p, q = types.index(from_type), types.index(to_type)
    entries = rates.entries.copy()
    moved = entries[:, p] * share
    entries[:, p] -= moved
    entries[:, q] += moved
    return dataclasses.replace(rates, entries=entries)


def apply_levers(
    rates: CareRates, types: tuple[str, ...], levers: list[tuple[str, str, str, float]]
) -> CareRates:
    """Apply (lever name, from type, to type, value) in order; names are those in LEVERS."""
    for name, from_type, to_type, value in levers:
        if name not in LEVERS:
            raise ValueError(f"unknown lever {name!r}; choose from {', '.join(LEVERS)}")
        for kind in (from_type, to_type):
            if kind not in types:
                raise ValueError(f"unknown placement type {kind!r}; choose from {', '.join(types)}")
        lever = step_down if name == "step_down" else redirect_entries
        rates = lever(rates, types, from_type, to_type, value)
    return rates


def scenario_projection(
    clean: Episodes903,
    authority: str,
    baseline: CareProjection,
    levers: list[tuple[str, str, str, float]],
    *,
    n_sims: int = DEFAULT_SIMULATIONS,
    codes: Codes903 | None = None,
) -> CareProjection:
    """The baseline's projection re-run from the same start and horizon with its rates changed by `levers`."""
    panel = state_panel(clean, authority, codes)
    start = [end.to_period("M").to_timestamp() for end in panel.months].index(baseline.start_month)
    horizon = baseline.table["month"].nunique()
    return project_care(panel, apply_levers(baseline.rates, panel.types, levers), start, horizon, n_sims)


__all__ = ["LEVERS", "apply_levers", "redirect_entries", "scenario_projection", "step_down"]
