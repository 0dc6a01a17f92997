"""Exact quantiles of a scenario's mixture distribution (issue 13: table intervals not read off 200 draws).

A changed indicator-month under effect uncertainty is the mixture over D effect draws of the projection's
rule (forecasting.planning.projection): draw i's value is
    value_i(Z) = clip(multiplier_i x back(loc + sd x Z) + shift_i, lower, upper),
and the mixture's probability F(v) = P(value <= v) is the mean over draws of each draw's exact probability,
the same number `Projection.probability_below` gives. `mixture_cdf` computes F for many rows at once and
`mixture_quantiles` solves F(v) = q for each row and level:
- Bracket: every draw's own q-quantile value_i(z_q) is a valid bound: at the smallest of them every draw's
  probability is at most q, at the largest at least q, so the answer lies between them (equal bounds: every
  draw agrees and the answer is that value).
- Solve: Newton's method on F (its derivative is the mixture's density, worked out in the same pass) from the
  rough answer for the first WARM_DRAWS draws (or, with few draws, the quantile of one value per draw), each
  step kept inside the bracket [lo, hi] that
  every evaluation narrows, halving it when a Newton step would leave it; until F(v) is within `tol` of q or
  the bracket is narrower than `step_tol` x (1 + |v|); every row and level at once, each evaluation on the
  rows still open only. A step in F (a bound, a small count's point mass at 0) cannot fool it: the bracket
  still holds the answer, where F jumps over q. Most rows take two or three evaluations.
No sampling, so the table's intervals agree with P(met) and targets to the solver's tolerance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.special import ndtr, ndtri

from forecasting.engine.models import from_model_scale, to_model_scale

__all__ = ["SolvedLevels", "mixture_cdf", "mixture_quantiles", "mixture_values"]

WARM_DRAWS = 40  # the first draws, solved roughly first to start the full solve close to its answer


def _columns(rows: Mapping[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    return tuple(np.asarray(rows[name], dtype=float) for name in ("loc", "sd", "lower", "upper"))


def mixture_values(rows: Mapping[str, np.ndarray], z: np.ndarray, shift: np.ndarray,
                   multiplier: np.ndarray) -> np.ndarray:
    """value_i(z) for each draw (axis -2) and row (last axis): (..., D, R) for z of shape (..., 1, R)."""
    loc, sd, lower, upper = _columns(rows)
    scales = np.asarray(rows["scale"])
    model = loc + sd * z
    back = np.empty(np.broadcast_shapes(np.shape(model), (1, len(loc))), dtype=float)
    model = np.broadcast_to(model, back.shape)
    for scale in dict.fromkeys(scales.tolist()):
        cols = scales == scale
        back[..., cols] = from_model_scale(model[..., cols], scale)
    return np.clip(multiplier * back + shift, lower, upper)


def mixture_cdf(rows: Mapping[str, np.ndarray], values: np.ndarray, shift: np.ndarray,
                multiplier: np.ndarray, *, density: bool = False):
    """F(values) per row: the mean over draws (shift, multiplier of shape (D, R)) of P(value_i <= values);
    `values` (..., R). Each draw's probability follows distribution_rule.row_probability exactly (bounds,
    multiplier <= 0, values outside a log or logit scale's domain). With `density`, also F's derivative
    (the mixture's density, 0 where a draw's probability is flat), as (F, f)."""
    loc, sd, lower, upper = _columns(rows)
    scales = np.asarray(rows["scale"])
    values = np.asarray(values, dtype=float)
    shape = values.shape[:-1] + shift.shape
    p = np.empty(shape)
    pdf = np.empty(shape if density else (0,))
    for scale in dict.fromkeys(scales.tolist()):
        cols = np.flatnonzero(scales == scale)
        every = len(cols) == len(scales)
        v, s, m, centre, spread = (a if every else a[..., cols] for a in (values, shift, multiplier, loc, sd))
        v = v[..., None, :]
        positive = m > 0
        if positive.all():
            inner = (v - s) / m if np.any(m != 1.0) else v - s
            flat = np.zeros(inner.shape, dtype=bool)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                inner = np.where(positive, (v - s) / np.where(positive, m, 1.0), 0.0)
            flat = np.broadcast_to(~positive, inner.shape).copy()           # "above": probability 1
        below = inner < 0 if scale in ("log1p", "logit") else None
        if scale == "logit":
            flat |= inner >= 100
        z = to_model_scale(inner, scale)
        has_sd = spread > 0
        standard = (z - centre) / np.where(has_sd, spread, 1.0)
        block = ndtr(standard) if has_sd.all() else np.where(has_sd, ndtr(standard), (z >= centre) * 1.0)
        if below is not None:
            block[below] = 0.0
        block[flat] = 1.0
        p[..., cols] = block
        if density:
            if scale == "log1p":
                slope = 1.0 / (1.0 + np.maximum(inner, 0.0))
            elif scale == "logit":
                edge = np.clip(inner, 1e-9, 100.0 - 1e-9)
                slope = 100.0 / (edge * (100.0 - edge))
            else:
                slope = 1.0
            dens = np.exp(-0.5 * standard**2) * (slope / (np.sqrt(2.0 * np.pi) * np.where(has_sd, spread, 1.0)
                                                          * np.where(positive, m, 1.0)))
            dens[flat | ~has_sd] = 0.0
            if below is not None:
                dens[below] = 0.0
            pdf[..., cols] = dens
    out = p.mean(axis=-2)
    out = np.where(values >= upper, 1.0, np.where(values < lower, 0.0, out))
    if not density:
        return out
    return out, pdf.mean(axis=-2)


def mixture_quantiles(rows: Mapping[str, np.ndarray], shift: np.ndarray, multiplier: np.ndarray,
                      qs: Sequence[float], *, tol: float = 1e-6, step_tol: float = 1e-6,
                      max_iter: int = 60) -> np.ndarray:
    """(len(qs), R): the q-quantile of each row's mixture for each q in `qs` (module docstring): F within
    `tol` of q, or the answer pinned to `step_tol` x (1 + |v|) where F jumps over q (a bound, a point
    mass)."""
    shift, multiplier = np.asarray(shift, dtype=float), np.asarray(multiplier, dtype=float)
    q = np.asarray(qs, dtype=float)[:, None]                                   # (Q, 1)
    own = mixture_values(rows, ndtri(q)[:, None, :], shift, multiplier)      # (Q, D, R)
    lo, hi = own.min(axis=-2), own.max(axis=-2)
    if shift.shape[0] >= 4 * WARM_DRAWS:             # solve a subset of the draws first: a close start
        warm = mixture_quantiles(rows, shift[:WARM_DRAWS], multiplier[:WARM_DRAWS], qs, tol=1e-3,
                                 step_tol=1e-4)
        guess = np.clip(warm, lo, hi)
    else:
        guess = _start(rows, shift, multiplier, q[:, 0], lo, hi)
    answer = lo.copy()
    open_ = hi > lo                                  # equal bounds: every draw agrees, the answer is lo
    level = np.broadcast_to(q, lo.shape)
    columns = {name: np.asarray(values) for name, values in rows.items()}
    for _ in range(max_iter):
        which, cols = np.nonzero(open_)              # only the (level, row) pairs still open are evaluated
        if not len(cols):
            break
        part = {name: values[cols] for name, values in columns.items()}
        g, lo_c, hi_c = guess[which, cols], lo[which, cols], hi[which, cols]
        f, pdf = mixture_cdf(part, g[None, :], shift[:, cols], multiplier[:, cols], density=True)
        residual = f[0] - level[which, cols]
        done = (np.abs(residual) <= tol) | ((hi_c - lo_c) <= step_tol * (1.0 + np.abs(g)))
        answer[which, cols] = np.where(done, g, answer[which, cols])
        lo_c = np.where(residual < 0, np.maximum(lo_c, g), lo_c)
        hi_c = np.where(residual > 0, np.minimum(hi_c, g), hi_c)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = g - residual / pdf[0]
        inside = np.isfinite(newton) & (newton > lo_c) & (newton < hi_c)
        guess[which, cols] = np.where(inside, newton, (lo_c + hi_c) / 2.0)  # Newton, else halve the bracket
        lo[which, cols], hi[which, cols], open_[which, cols] = lo_c, hi_c, ~done
    return np.where(open_, (lo + hi) / 2.0, answer)


class SolvedLevels:
    """The q-quantiles `qs` of many mixture rows (`rows`, `shift` and `multiplier` of shape (D, R)), each row
    solved the first time it is asked for (all rows missing from one request together) and kept: a
    scenario's table and its quantiles share one solve per row."""

    def __init__(self, rows: Mapping[str, np.ndarray], shift: np.ndarray, multiplier: np.ndarray,
                 qs: Sequence[float]):
        self.rows, self.shift, self.multiplier, self.qs = rows, shift, multiplier, list(qs)
        self.store = np.full((len(self.qs), shift.shape[1]), np.nan)

    def get(self, columns: np.ndarray) -> np.ndarray:
        """(len(qs), len(columns)): the levels of rows `columns`."""
        missing = np.unique(columns[np.isnan(self.store[0, columns])])
        if len(missing):
            part = {name: np.asarray(values)[missing] for name, values in self.rows.items()}
            self.store[:, missing] = mixture_quantiles(part, self.shift[:, missing],
                                                       self.multiplier[:, missing], self.qs)
        return self.store[:, columns]


def _start(rows, shift, multiplier, qs, lo, hi) -> np.ndarray:
    """A first guess for each level: the empirical quantile of one value per draw, draw i at the normal point
    (i + 1/2) / D in a fixed shuffled order (the old sampled table), kept inside the bracket."""
    n = shift.shape[0]
    points = ndtri((np.arange(n) + 0.5) / n)[np.random.default_rng(0).permutation(n)]
    sample = mixture_values(rows, points[:, None], shift, multiplier)        # (D, R)
    return np.clip(np.quantile(sample, qs, axis=0), lo, hi)
