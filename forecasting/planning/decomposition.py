"""What each lever group contributes to a scenario's change, and how far the change moves with the calibrated
rates: the decomposition (`decompose`) and the conversion sensitivity (`conversion_sensitivity`).

Both take a scenario as given and explain its change; goal-seek (`forecasting.planning.goalseek`) searches for
the lever values that meet a target. They share no code with that search: what they share is a measure's
change summed over the forecast months or read at the last one (`DECOMPOSE_MEASURES`), so they live here,
and `goalseek` re-exports them for callers that import them from there (the CLI's `scenario decompose`).

Decomposition rule: Shapley values over lever groups (early_help, edge_of_care, workforce, placement_mix,
demand_shock). A group's contribution is its marginal effect averaged over every order in which the active
groups could be switched on; contributions therefore sum exactly to the scenario's total change. The same sum
taken draw by draw over the scenario's effect draws (forecasting.planning.effect_draws; one shared draw set,
so draws line up across the runs) gives each contribution's 95% range. Stocks and
caseload are compared at the last forecast month; placement cost is the total over the forecast months.

Sensitivity rule (`conversion_sensitivity`): the scenario's change is recomputed with every calibrated rate at
the end of its 95% confidence interval for the mean (mean +- 1.96 x sd / sqrt(months)), conversions and exit
rates
pushed in the directions that make the change largest and then smallest; the two runs bound the change.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from forecasting.planning.levers import LEVERS
from forecasting.planning.pipeline import Calibration, Rate
from forecasting.planning.scenarios import EFFECT_LEVERS, Scenario, apply_scenario

__all__ = ["DECOMPOSE_MEASURES", "conversion_sensitivity", "decompose"]
EXIT_RATES = ("cp_exit_rate", "lac_exit_rate", "cin_exit_rate")
Z95 = 1.959963984540054  # the normal 97.5% point: a definition, not an assumption

DECOMPOSE_MEASURES: dict[str, str] = {
    "cp_plans": "end",
    "lac": "end",
    "caseload_cin_cp": "end",
    "placement_cost": "total",
}


def _groups_of(scenario: Scenario) -> list[str]:
    return scenario.active_groups()


def _only(scenario: Scenario, groups: tuple[str, ...]) -> Scenario:
    """The scenario with the effect levers of every group NOT in `groups` set to neutral."""
    neutral = {n: LEVERS[n].neutral for n in EFFECT_LEVERS if LEVERS[n].group not in groups}
    return scenario.with_levers(**neutral)


def _summary(result, measures: dict[str, str]) -> dict[str, float]:
    out = {}
    for measure, how in measures.items():
        rows = result.table[result.table["measure"] == measure]
        if rows.empty:
            continue
        out[measure] = float(rows["delta"].sum()) if how == "total" else float(rows["delta"].iloc[-1])
    return out


def _summary_draws(result, measures: dict[str, str]) -> dict[str, np.ndarray]:
    """As `_summary`, per effect draw (the point value where the measure has no draws)."""
    out = {}
    for measure, value in _summary(result, measures).items():
        draws = result.delta_draws.get(measure)
        if draws is None:
            out[measure] = np.array([value])
        else:
            out[measure] = draws.sum(axis=1) if measures[measure] == "total" else draws[:, -1]
    return out


def decompose(
    baseline, scenario: Scenario, calibration, params=None, measures: dict[str, str] | None = None
) -> pd.DataFrame:
    """Shapley contribution of each active lever group: measure, lever_group, contribution, total, basis."""
    measures = measures or DECOMPOSE_MEASURES
    groups = _groups_of(scenario)
    values: dict[frozenset, dict[str, float]] = {}
    spread: dict[frozenset, dict[str, np.ndarray]] = {}
    for size in range(len(groups) + 1):
        for subset in itertools.combinations(groups, size):
            key = frozenset(subset)
            result = (
                apply_scenario(baseline, _only(scenario, subset), calibration, params) if subset else None
            )
            values[key] = _summary(result, measures) if subset else {}
            spread[key] = _summary_draws(result, measures) if subset else {}
    n = len(groups)
    total = values[frozenset(groups)] if groups else {}
    rows = []
    for measure, how in measures.items():
        if groups and measure not in total:
            continue
        basis = (
            f"change in total over {baseline.months[0]:%b %Y}-{baseline.months[-1]:%b %Y}"
            if how == "total"
            else f"change at {baseline.months[-1]:%b %Y}"
        )
        for group in groups:
            others = [g for g in groups if g != group]
            contribution, draws = 0.0, np.zeros(1)
            for size in range(len(others) + 1):
                weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
                for subset in itertools.combinations(others, size):
                    with_g = values[frozenset(subset) | {group}].get(measure, 0.0)
                    without = values[frozenset(subset)].get(measure, 0.0)
                    contribution += weight * (with_g - without)
                    draws = draws + weight * (
                        spread[frozenset(subset) | {group}].get(measure, 0.0)
                        - spread[frozenset(subset)].get(measure, 0.0)
                    )
            low, high = np.quantile(draws, [0.025, 0.975])
            rows.append(
                {
                    "measure": measure,
                    "lever_group": group,
                    "contribution": contribution,
                    "contribution_lo95": float(low),
                    "contribution_hi95": float(high),
                    "total": total.get(measure, 0.0),
                    "basis": basis,
                }
            )
    table = pd.DataFrame(
        rows,
        columns=[
            "measure",
            "lever_group",
            "contribution",
            "contribution_lo95",
            "contribution_hi95",
            "total",
            "basis",
        ],
    )
    table.attrs["method"] = (
        "Shapley values over lever groups: each group's average marginal effect over "
        "every order of switching the groups on; contributions sum exactly to the total "
        "change. The 95% range of each contribution is the same sum draw by draw over "
        "the effects' evidence bands and the calibrated rates (one shared draw set)."
    )
    return table


def _shifted(calibration: Calibration, direction: float) -> Calibration:
    """Every rate at the end of its 95% interval for the mean: conversions by +direction, exit rates
    opposite."""
    rates = {}
    for name, rate in calibration.rates.items():
        half = Z95 * rate.sd / math.sqrt(rate.n_months) if rate.n_months else 0.0
        sign = -direction if name in EXIT_RATES else direction
        rates[name] = Rate(
            name, min(max(rate.mean + sign * half, 0.0), 1.0), rate.sd, rate.n_months, rate.rule
        )
    return Calibration(rates, calibration.notes)


def conversion_sensitivity(
    baseline, scenario: Scenario, calibration, params=None, measures: dict[str, str] | None = None
) -> pd.DataFrame:
    """measure, basis, change, change_low, change_high: the change with rates at their 95% bounds (see
    docstring)."""
    measures = measures or DECOMPOSE_MEASURES
    central = _summary(apply_scenario(baseline, scenario, calibration, params), measures)
    bounds = [
        _summary(apply_scenario(baseline, scenario, _shifted(calibration, d), params), measures)
        for d in (1.0, -1.0)
    ]
    rows = []
    for measure, how in measures.items():
        if measure not in central:
            continue
        values = [central[measure]] + [b.get(measure, central[measure]) for b in bounds]
        basis = (
            f"change in total over {baseline.months[0]:%b %Y}-{baseline.months[-1]:%b %Y}"
            if how == "total"
            else f"change at {baseline.months[-1]:%b %Y}"
        )
        rows.append(
            {
                "measure": measure,
                "basis": basis,
                "change": central[measure],
                "change_low": min(values),
                "change_high": max(values),
            }
        )
    return pd.DataFrame(rows, columns=["measure", "basis", "change", "change_low", "change_high"])
