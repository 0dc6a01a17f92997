"""How a scenario's count changes move a projection's distribution: the shift and multiplier of every row.

A projection row's value is clip(multiplier x back(loc + sd x Z) + shift, lower, upper)
(forecasting.planning.projection). A scenario gives count changes ("deltas", by indicator, over the
projection's months; leading axes such as effect draws are kept) and this module turns them into each row's
(shift, multiplier), with the engine's own derivation rules (`engine.models.derivations`), not a copy:
- A count with a delta is shifted by it.
- A rate per 10,000 derived from a count (with no delta of its own) is shifted by the count's delta x its
  multiplier (10,000 / children aged 0-17).
- A percentage P = 100 x N / D derived from two counts (with no delta of its own) is worked out from the
  scenario's own counts, with N and D the baseline medians, N' = max(N + dN, 0), D' = max(D + dD, 0):
      children taken out of the numerator (dN < 0) scale the baseline percentage by N' / N;
      children added to it (dN > 0) add 100 x dN / D' percentage points (its spread is the baseline's);
      a changed denominator scales it by D / D'.
  i.e. multiplier x= min(N' / N, 1) x D / D' and shift += 100 x max(N' - N, 0) / D'. At the baseline median
  (P = 100 N / D) both give exactly 100 N' / D'. The multiplier is therefore at most D / D' whatever N is:
  scaling the baseline percentage by N' / N (the rule before) made a numerator whose baseline is near zero
  (LAC12, SGO exits, falling to 0.01 a month) multiply the percentage and its whole spread by up to 94 and
  ignored added children where the baseline is exactly zero. A numerator that falls to nothing gives a
  percentage that is certainly 0; a denominator that falls to nothing leaves the percentage as it was (0 / 0
  is no figure).
- Derived indicators with a delta of their own take that delta alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

__all__ = ["percent_move", "scenario_moves"]


def percent_move(numerator: np.ndarray, denominator: np.ndarray, d_numerator, d_denominator
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(multiplier, shift in percentage points) of P = 100 N / D for changes dN, dD of its parts at baseline
    medians N, D (module docstring); arrays broadcast (months on the last axis)."""
    n, d = np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)
    n_new = np.maximum(n + np.asarray(d_numerator, dtype=float), 0.0)
    d_new = np.maximum(d + np.asarray(d_denominator, dtype=float), 0.0)
    shape = np.broadcast_shapes(n_new.shape, d_new.shape)
    n_new, d_new = np.broadcast_to(n_new, shape), np.broadcast_to(d_new, shape)
    n, d = np.broadcast_to(n, shape), np.broadcast_to(d, shape)
    kept = np.divide(n_new, n, out=np.ones(shape), where=n > 0)             # share of N left (<= 1 below)
    scale = np.divide(d, d_new, out=np.ones(shape), where=d_new > 0)        # denominator's change
    added = np.divide(100.0 * np.maximum(n_new - n, 0.0), d_new, out=np.zeros(shape), where=d_new > 0)
    has_base = d_new > 0
    multiplier = np.where(has_base, np.minimum(kept, 1.0) * scale, 1.0)
    return multiplier, np.where(has_base, added, 0.0)


def scenario_moves(
    shift: np.ndarray,
    multiplier: np.ndarray,
    where: Callable[[str], tuple[np.ndarray, np.ndarray]],
    rules: Mapping[str, tuple],
    medians: Callable[[str], np.ndarray],
    deltas: Mapping[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """(shift, multiplier) per distribution row for count changes `deltas` (rules in the module docstring).

    `shift` / `multiplier`: the rows' own (as they are before the scenario); `where(code)`: an indicator's
    row positions and their months (positions in the months the deltas run over), empty when it has none;
    `rules`: the engine's derivations; `medians(code)`: a count's baseline median by month. Leading axes of
    the deltas (draws) are leading axes of the answer."""
    lead = np.broadcast_shapes(*[np.shape(d)[:-1] for d in deltas.values()]) if deltas else ()
    shift = np.array(np.broadcast_to(np.asarray(shift, dtype=float), lead + (np.shape(shift)[-1],)))
    multiplier = np.array(np.broadcast_to(np.asarray(multiplier, dtype=float), lead + (np.shape(shift)[-1],)))
    for code, delta in deltas.items():
        rows, at = where(code)
        shift[..., rows] += delta[..., at]
    for code, rule in rules.items():
        rows, at = where(code)
        if code in deltas or not len(rows):
            continue
        if rule[0] == "rate" and rule[1] in deltas:
            shift[..., rows] += deltas[rule[1]][..., at] * rule[2]
        elif rule[0] == "percent" and (rule[1] in deltas or rule[2] in deltas):
            (num, d_num), (den, d_den) = (_part(code, deltas, medians) for code in rule[1:3])
            factor, added = percent_move(num, den, d_num, d_den)
            shift[..., rows] = shift[..., rows] * factor[..., at] + added[..., at]
            multiplier[..., rows] *= factor[..., at]
    return shift, multiplier


def _part(code: str, deltas: Mapping[str, np.ndarray], medians: Callable[[str], np.ndarray]):
    """(baseline median by month, its change: 0 without a delta)."""
    base = medians(code)
    return base, deltas.get(code, np.zeros(len(base)))
