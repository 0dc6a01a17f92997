"""Goal-seek: the smallest move of one lever that meets a target with a chosen probability (`goal_seek`), and
the cheapest combination of two levers that does (`goal_seek_pair`), with their results and the target
they read (`parse_target`, `target_probability`). Both search lever values for a target; explaining a given
scenario's change (the Shapley decomposition by lever group and the sensitivity to the calibrated rates) is
in `forecasting.planning.decomposition`, whose `decompose`, `conversion_sensitivity` and
`DECOMPOSE_MEASURES` are imported here too so existing imports keep working. Sentences are built in
`forecasting.planning.goalseek_words`.

Goal-seek rules:
- The target is a row of the data set's `targets.csv` named as `INDICATOR:PERIOD` (e.g. `LAC1:2019-20`). The
  probability of meeting it comes from `forecasting.planning.targets.evaluate_targets` on the scenario
  (exact for a
  year-end level via the shifted engine distribution; its stated approximation for annual totals).
- Only effect levers (those that change demand, staffing or placements) can be sought; timing levers cannot.
- The lever moves away from its neutral value towards whichever end of its range raises P(met). If P(met) is
  already reached at neutral the answer is the neutral value; if it is not reached at that end of the range
  the
  answer is "cannot be met within the lever's range [low, high]". Otherwise bisection (P(met) is monotone in
  an
  effect lever: each one moves the stocks one way) finds the smallest move; the answer is the first point on
  a 0.1
  grid that meets it, re-checked, so feeding it back always meets the target.
- P(met) is the scenario projection's, so it counts the effects' evidence bands as well as the forecast's
  own uncertainty (forecasting.planning.effect_draws; the shared draw set keeps it monotone in the lever). An
  answer beyond the lever's evidence band comes with its plausibility sentence
  (forecasting.planning.plausibility).

Two-lever rule (`goal_seek_pair`): the first lever takes PAIR_STEPS evenly spaced values from neutral to the
end of its range that raises P(met); at each the second lever is goal-sought as above; every combination that
meets the target is costed and the cheapest is the answer. Cost: the change in finance's net cost over the
horizon (placements, staff, delivery and allowances) when the scenario has it; otherwise a stated weighting
(each lever's move from neutral as a share of its range, summed, equal weights).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecasting.errors import UserFacingError
from forecasting.planning import goalseek_words as words
from forecasting.planning import plausibility
from forecasting.planning.decomposition import (  # re-exported: callers import them from goalseek
    DECOMPOSE_MEASURES,
    conversion_sensitivity,
    decompose,
)
from forecasting.planning.levers import LEVERS
from forecasting.planning.parameters import load_parameters
from forecasting.planning.scenarios import EFFECT_LEVERS, Scenario, apply_scenario
from forecasting.planning.targets import evaluate_targets

log = logging.getLogger(__name__)
__all__ = [
    "DECOMPOSE_MEASURES",
    "GoalSeekResult",
    "PairResult",
    "conversion_sensitivity",
    "decompose",
    "goal_seek",
    "goal_seek_pair",
    "parse_target",
    "target_probability",
]
MAX_BISECTIONS = 40
PAIR_STEPS = 5  # values of the first lever tried in the two-lever mode
DISPLAY_DECIMALS = 1


@dataclass
class GoalSeekResult:
    target: str
    lever: str
    probability: float
    met: bool
    value: float | None  # lever value meeting the target (None when it cannot be met)
    achieved_probability: float  # P(met) at `value`, or at the best end of the range when not met
    low: float
    high: float
    message: str
    evaluations: list[tuple[float, float]] = field(default_factory=list)  # (lever value, P(met)) tried
    flag: str | None = None  # the answer beyond the lever's evidence band, in words (plausibility)
    best_value: float | None = None  # the lever value giving `achieved_probability` (met or not)


def parse_target(text: str, dataset) -> pd.Series:
    """`INDICATOR:PERIOD` -> the matching row of dataset.targets (a UserFacingError listing them
    otherwise)."""
    indicator, sep, period = str(text).rpartition(":")
    targets = dataset.targets
    available = ", ".join(f"{r.indicator}:{r.period}" for r in targets.itertuples()) or "none"
    if not sep or not indicator or not period:
        raise UserFacingError(
            f"--target {text!r}: expected INDICATOR:PERIOD such as LAC1:2019-20; "
            f"targets in this data set: {available}"
        )
    rows = targets[
        (targets["indicator"].astype(str) == indicator.strip())
        & (targets["period"].astype(str) == period.strip())
    ]
    if rows.empty:
        raise UserFacingError(
            f"--target {text!r}: no such target in the data set; choose one of: {available}"
        )
    return rows.iloc[0]


def target_probability(result, target_row, params=None) -> tuple[float, float]:
    """(P(target met), projected value) for one target row under a scenario result (its projection)."""
    table = evaluate_targets(result.projection, params=params, targets=pd.DataFrame([target_row]))
    row = table.iloc[0]
    return float(row["probability_met"]), float(row["projected"])


def _params(baseline):
    return baseline.params if baseline.params is not None else load_parameters()


def _check_lever(lever: str) -> None:
    if lever not in EFFECT_LEVERS:
        raise UserFacingError(
            f"--lever {lever!r} cannot be goal-sought; choose one of: {', '.join(EFFECT_LEVERS)}"
        )


def _lever_range(lever: str) -> tuple[float, float, float]:
    """(neutral, low, high) of an effect lever; effect levers are numbers (timing levers are months)."""
    neutral, low, high = LEVERS[lever].neutral, LEVERS[lever].low, LEVERS[lever].high
    numbers = (int, float)
    if not (isinstance(neutral, numbers) and isinstance(low, numbers) and isinstance(high, numbers)):
        raise TypeError(f"{lever} has no numeric range; only effect levers can be goal-sought")
    return float(neutral), float(low), float(high)


def goal_seek(
    baseline,
    calibration,
    dataset,
    target: str,
    lever: str,
    probability: float = 0.5,
    scenario: Scenario | None = None,
    params=None,
) -> GoalSeekResult:
    """Smallest move of `lever` from neutral meeting `target` with P >= `probability` (rules in module
    docstring).

    `scenario` holds the other levers (default: all neutral, i.e. the baseline).
    """
    _check_lever(lever)
    params = params if params is not None else _params(baseline)
    if not 0.0 < probability < 1.0:
        raise UserFacingError(f"--probability {probability}: expected a number between 0 and 1, e.g. 0.5")
    target_row = parse_target(target, dataset)
    scenario = scenario or Scenario(schema_version=1, name="goal-seek")
    evaluations: list[tuple[float, float]] = []

    def p_at(x: float) -> float:
        p, _ = target_probability(
            apply_scenario(baseline, scenario.with_levers(**{lever: float(x)}), calibration, params),
            target_row,
            params,
        )
        evaluations.append((float(x), p))
        return p

    neutral, low, high = _lever_range(lever)
    p0 = p_at(neutral)
    if math.isnan(p0):
        raise UserFacingError(
            f"{target}: the probability of meeting this target cannot be computed from the "
            "forecast (months missing); goal-seek needs a forecast for every month of the target."
        )
    ends = [e for e in (high, low) if e != neutral]
    p_ends = {e: p_at(e) for e in ends}
    best = max(ends, key=lambda e: p_ends[e])
    common: dict[str, Any] = {
        "target": target,
        "lever": lever,
        "probability": probability,
        "low": low,
        "high": high,
        "evaluations": evaluations,
    }
    if p0 >= probability:
        return GoalSeekResult(
            met=True,
            value=neutral,
            achieved_probability=p0,
            best_value=neutral,
            message=words.met_at_neutral(lever, target_row, probability, dataset, p0, neutral),
            **common,
        )
    if all(abs(p - p0) < 1e-12 for p in p_ends.values()):
        return GoalSeekResult(
            met=False,
            value=None,
            achieved_probability=p0,
            message=words.no_effect(lever, target_row, dataset, p0, low, high),
            **common,
        )
    if p_ends[best] < probability:
        return GoalSeekResult(
            met=False,
            value=None,
            achieved_probability=p_ends[best],
            best_value=best,
            message=words.unreachable(lever, target_row, probability, dataset, best, p_ends[best], low, high,
                                      plausibility.flag(lever, best, dataset)),
            **common,
        )
    lo, hi = neutral, best  # lo fails, hi meets
    tolerance = 10 ** -(DISPLAY_DECIMALS + 1)
    for _ in range(MAX_BISECTIONS):
        if abs(hi - lo) <= tolerance:
            break
        mid = (lo + hi) / 2
        if p_at(mid) >= probability:
            hi = mid
        else:
            lo = mid
    # the answer on the display grid (0.1): the grid point inside (lo, hi] if it meets, else the next one out
    step, sign = 10**-DISPLAY_DECIMALS, (1.0 if best > neutral else -1.0)
    inner = round(sign * math.floor(round(sign * hi / step, 6)) * step, DISPLAY_DECIMALS)
    found: tuple[float, float] | None = None  # (lever value, its P(met))
    if sign * (inner - lo) > 0:
        p_inner = p_at(inner)
        if p_inner >= probability:
            found = (inner, p_inner)
    if found is None:
        outer = min(
            max(round(sign * math.ceil(round(sign * hi / step, 6)) * step, DISPLAY_DECIMALS), low), high
        )
        p_outer = p_at(outer)
        found = (outer, p_outer) if p_outer >= probability else (hi, p_at(hi))
    value, achieved = found
    warning = plausibility.flag(lever, value, dataset)
    return GoalSeekResult(
        met=True,
        value=value,
        achieved_probability=achieved,
        best_value=value,
        flag=warning,
        message=words.found(lever, target_row, probability, dataset, value, achieved, lo, low, high,
                            _context(baseline, scenario, lever), warning),
        **common,
    )


@dataclass
class PairResult:
    """Two-lever goal-seek: every combination tried (`options`: one row per value of the first lever, with
    the smallest second-lever value meeting the target, its P(met), cost and plausibility flags) and the
    cheapest."""

    target: str
    levers: tuple[str, str]
    probability: float
    options: pd.DataFrame
    best: dict | None
    cost_basis: str
    message: str

    def table(self) -> pd.DataFrame:
        """The combinations tried, in words with units (what a page shows; `options` keeps the codes)."""
        return words.pair_table(self.options, self.levers, self.cost_basis)


def goal_seek_pair(
    baseline,
    calibration,
    dataset,
    target: str,
    first: str,
    second: str,
    probability: float = 0.5,
    scenario: Scenario | None = None,
    params=None,
    steps: int = PAIR_STEPS,
) -> PairResult:
    """The cheapest combination of two levers meeting `target` with P >= `probability` (rules in the module
    docstring): `first` on an even grid of `steps` values from neutral to the end of its range that raises
    P(met), `second` goal-sought at each, each combination costed."""
    _check_lever(first)
    _check_lever(second)
    if first == second:
        raise UserFacingError("--second-lever must differ from --lever.")
    params = params if params is not None else _params(baseline)
    scenario = scenario or Scenario(schema_version=1, name="goal-seek")
    row = parse_target(target, dataset)
    first_neutral, first_low, first_high = _lever_range(first)
    ends = [e for e in (first_high, first_low) if e != first_neutral]
    p_end = {
        e: target_probability(
            apply_scenario(baseline, scenario.with_levers(**{first: e}), calibration, params), row, params
        )[0]
        for e in ends
    }
    end = max(ends, key=lambda e: p_end[e])
    grid = np.round(np.linspace(first_neutral, end, max(int(steps), 2)), DISPLAY_DECIMALS)
    rows, costed = [], None
    for value in grid:
        plan = scenario.with_levers(**{first: float(value)})
        answer = goal_seek(
            baseline, calibration, dataset, target, second, probability, scenario=plan, params=params
        )
        if not answer.met or answer.value is None:
            rows.append(
                {
                    first: value,
                    second: None,
                    "probability_met": answer.achieved_probability,
                    "cost": np.nan,
                    "flags": "",
                }
            )
            continue
        combination = plan.with_levers(**{second: float(answer.value)})
        result = costed = apply_scenario(baseline, combination, calibration, params)
        rows.append(
            {
                first: value,
                second: answer.value,
                "probability_met": answer.achieved_probability,
                "cost": _plan_cost(result, (first, second)),
                "flags": " ".join(result.flags),
            }
        )
    options = pd.DataFrame(rows)
    basis = _cost_basis(costed)
    met = options.dropna(subset=["cost"])
    best = met.loc[met["cost"].idxmin()].to_dict() if len(met) else None
    message = words.pair_message(first, second, end, row, probability, dataset, best, basis, len(met),
                                 len(options))
    return PairResult(target, (first, second), probability, options, best, basis, message)


def _plan_cost(result, levers: tuple[str, str]) -> float:
    """Net cost change over the horizon (finance's net_cost) when the scenario has it; else the stated
    weighting: each lever's move from neutral as a share of its range, summed."""
    net = result.table[result.table["measure"] == "net_cost"]
    if len(net):
        return float(net["delta"].sum())
    values = result.scenario.levers.model_dump()
    spans = {n: _lever_range(n) for n in levers}
    return float(sum(abs(values[n] - neutral) / (high - low) for n, (neutral, low, high) in spans.items()))


def _cost_basis(result) -> str:
    if result is not None and (result.table["measure"] == "net_cost").any():
        return "net cost change over the horizon in pounds (placements, staff, delivery and allowances)"
    return (
        "stated weighting, no cost model: each lever's move from neutral as a share of its range, summed "
        "(equal weights)"
    )


def _context(baseline, scenario: Scenario, lever: str) -> str:
    """The timing levers of the sought lever's group and the other active levers, in words."""
    return words.context(baseline.months, scenario.levers.model_dump(), lever, EFFECT_LEVERS)
