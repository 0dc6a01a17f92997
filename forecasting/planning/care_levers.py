"""Levers on the children-in-care model's rates: more step-downs between placement types, entries redirected.

Each lever is a small pure function returning new `CareRates` (the estimated ones are never changed), so a
scenario is the baseline rates passed through levers, then `project_care`. The projected placement mix
(`placement_mix.projected_mix`) and so the costs follow.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from forecasting.planning.care_model import CareRates


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


__all__ = ["redirect_entries", "step_down"]
