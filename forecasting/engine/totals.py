"""Sums over months of the forecast's monthly distributions (e.g. an annual total against a target).

Each month's value is multiplier * back_transform(loc + sd * Z) (see `forecasting.engine.forecast`); only each
month's distribution is known, not how months move together, so every function takes `dependence`.
"""
from __future__ import annotations

import numpy as np
from scipy.stats import norm

from forecasting.engine.models import from_model_scale

__all__ = ["total_probability_below", "total_quantile"]


def _total_at(q: float, loc, sd, scale, multiplier) -> float:
    return float(np.sum(multiplier * from_model_scale(loc + sd * norm.ppf(q), scale)))


def _draw_totals(loc, sd, scale, multiplier, n_draws: int, seed: int) -> np.ndarray:
    shocks = np.random.default_rng(seed).standard_normal((n_draws, len(loc)))
    return (multiplier * from_model_scale(loc + sd * shocks, scale)).sum(axis=1)


def total_quantile(loc, sd, scale: str, multiplier, q: float, dependence: str = "comonotone",
                   n_draws: int = 4000, seed: int = 0) -> float:
    """q-quantile of the sum over months of values distributed as multiplier * back(loc + sd * Z).

    Only each month's distribution is known, not how months move together, so `dependence` states it:
    "comonotone" (one shock drives every month: the widest spread, the cautious choice for a year's total) or
    "independent" (the narrowest; Monte Carlo with a fixed seed). Real forecast errors lie in between.
    """
    loc, sd = np.asarray(loc, dtype=float), np.asarray(sd, dtype=float)
    if dependence == "comonotone":
        return _total_at(q, loc, sd, scale, multiplier)
    if dependence == "independent":
        return float(np.quantile(_draw_totals(loc, sd, scale, multiplier, n_draws, seed), q))
    raise ValueError(f"dependence must be 'comonotone' or 'independent', got {dependence!r}")


def total_probability_below(loc, sd, scale: str, multiplier, value: float, dependence: str = "comonotone",
                            n_draws: int = 4000, seed: int = 0) -> float:
    """P(sum over months <= value) under the same assumptions as `total_quantile`."""
    loc, sd = np.asarray(loc, dtype=float), np.asarray(sd, dtype=float)
    if dependence == "independent":
        return float(np.mean(_draw_totals(loc, sd, scale, multiplier, n_draws, seed) <= value))
    if dependence != "comonotone":
        raise ValueError(f"dependence must be 'comonotone' or 'independent', got {dependence!r}")
    low, high = 1e-9, 1 - 1e-9
    if _total_at(low, loc, sd, scale, multiplier) > value:
        return 0.0
    if _total_at(high, loc, sd, scale, multiplier) <= value:
        return 1.0
    for _ in range(60):  # the total is non-decreasing in q: bisection
        middle = (low + high) / 2
        low, high = (
            (middle, high) if _total_at(middle, loc, sd, scale, multiplier) <= value else (low, middle)
        )
    return float(low)
