"""The distribution rule of one projection row: its value at a normal point Z and its exact probability.

A row (forecasting.planning.projection) holds `scale` (`log1p` counts and rates, `logit` percentages,
`identity`), `loc`, `sd`, `multiplier`, `shift`, `lower`, `upper`:
    value(Z) = clip(multiplier x back(loc + sd x Z) + shift, lower, upper)
with `back` the engine's `from_model_scale`. Monotone in Z, so P(value <= v) = P(Z <= z(v)) exactly
(`row_probability`), with the bounds' point masses (a count's chance of being exactly 0, a percentage's of
being 100) and a multiplier of 0 or less (the value is then certainly the shift). `bounds` gives a row's
(lower, upper) from its scale or unit. forecasting.planning.mixture computes the same probability for many
rows and draws at once; tests/planning/test_mixture.py checks the two agree.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from forecasting.engine.models import from_model_scale, to_model_scale

__all__ = ["bounds", "catalogue_units", "row_probability", "row_values"]


def bounds(scale: str, unit: str | None) -> tuple[float, float]:
    """(lower, upper) an indicator can take: percentages 0-100, counts and rates >= 0."""
    if scale == "logit" or unit == "percent":
        return 0.0, 100.0
    if scale == "log1p" or unit in ("count", "rate_per_10k"):
        return 0.0, np.inf
    return -np.inf, np.inf


def row_probability(row: dict[str, np.ndarray], value: float, shift: np.ndarray,
                    multiplier: np.ndarray) -> np.ndarray:
    """P(value(Z) <= `value`) for one distribution row `row` (arrays of length 1), per (shift, multiplier)."""
    shift, multiplier = np.asarray(shift, dtype=float), np.asarray(multiplier, dtype=float)
    scale, loc, sd = row["scale"][0], float(row["loc"][0]), float(row["sd"][0])
    if value >= float(row["upper"][0]):
        return np.ones(shift.shape)
    if value < float(row["lower"][0]):
        return np.zeros(shift.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = np.where(multiplier > 0, (value - shift) / np.where(multiplier > 0, multiplier, 1.0), np.inf)
    out = np.full(shift.shape, np.nan)
    below = (inner < 0) if scale in ("log1p", "logit") else np.zeros(shift.shape, dtype=bool)
    above = (inner >= 100) if scale == "logit" else np.zeros(shift.shape, dtype=bool)
    above |= ~np.isfinite(inner) & (inner > 0)
    out[below], out[above] = 0.0, 1.0
    rest = ~below & ~above
    if rest.any():
        z = to_model_scale(inner[rest], scale)
        out[rest] = (z >= loc).astype(float) if sd <= 0 else norm.cdf((z - loc) / sd)
    return out


def row_values(
    rows, z: np.ndarray, shift: np.ndarray | None = None, multiplier: np.ndarray | None = None
) -> np.ndarray:
    """clip(multiplier x back(loc + sd x z) + shift, lower, upper), row by row (broadcast over leading axes);
    `rows` a frame or a mapping of column arrays; `shift` / `multiplier` override the rows' own (per draw)."""
    loc, sd = np.asarray(rows["loc"], dtype=float), np.asarray(rows["sd"], dtype=float)
    multiplier = np.asarray(rows["multiplier"] if multiplier is None else multiplier, dtype=float)
    shift = np.asarray(rows["shift"] if shift is None else shift, dtype=float)
    lower, upper = np.asarray(rows["lower"], dtype=float), np.asarray(rows["upper"], dtype=float)
    out = np.empty(np.broadcast_shapes(z.shape, loc.shape, shift.shape), dtype=float)
    multiplier, shift = np.broadcast_to(multiplier, out.shape), np.broadcast_to(shift, out.shape)
    z = np.broadcast_to(z, out.shape)
    scales = np.asarray(rows["scale"])
    for scale in dict.fromkeys(scales.tolist()):
        cols = scales == scale
        back = from_model_scale(loc[cols] + sd[cols] * z[..., cols], scale)
        out[..., cols] = np.clip(multiplier[..., cols] * back + shift[..., cols], lower[cols], upper[cols])
    return out


def catalogue_units(dataset) -> dict[str, str]:
    catalogue = getattr(dataset, "indicators", None)
    if catalogue is None or "unit" not in getattr(catalogue, "columns", ()):
        return {}
    return {str(code): str(unit) for code, unit in catalogue["unit"].items()}
