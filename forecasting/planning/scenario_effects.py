"""The scenario's knock-on effects: workforce (caseload, timeliness) and placement costs.

Rules:
- Workforce: the baseline and scenario demand (contacts, referrals, assessments, cin_open, cp_plans, lac by month)
  go to `forecasting.planning.workforce.scenario_measures` with the staffing levers, the flow teams' throughput
  calibrated once on the data set's history (`workforce_history.calibrate_capacity`) and the timeliness curves
  fitted on it; the scenario's caseload and timeliness are the baseline projection plus (scenario projection -
  baseline projection), so a neutral scenario changes nothing.
- Costs: LAC (baseline and scenario) go to `forecasting.planning.costs.project_placement_costs` with the extra
  in-house carers; the measure `placement_cost` is spend per month in pounds.
- `EffectModels` holds the fitted models and the neutral projections for one set of parameter values; it is built
  once with the baseline (`build_effect_models`) and only read afterwards, so a baseline shared between users
  is never changed by anyone's scenario. Other parameter values (an edited unit cost) get their own, built on
  the spot and not stored.
The changes to the scorecard's own indicators are applied by `forecasting.planning.projection.Projection`.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.planning import costs, workforce, workforce_history
from forecasting.planning.levers import ramp
from forecasting.planning.parameters import Parameter

log = logging.getLogger(__name__)
__all__ = ["TIMELINESS", "EffectModels", "build_effect_models", "demand_frame", "workforce_and_costs"]

TIMELINESS = ("M8-QL", "EH4-QL", "CP8-QL")
DEMAND_COLUMNS = ("contacts", "referrals", "assessments", "cin_open", "cp_plans", "lac")
# workforce measures that need each demand column (dropped, with a note, when the baseline lacks it)
DEPENDS_ON = {"contacts": ("caseload_mash", "M8-QL"), "assessments": ("caseload_assessment", "EH4-QL"),
              "cin_open": ("caseload_cin_cp", "CP8-QL"), "cp_plans": ("caseload_cin_cp", "CP8-QL"),
              "lac": ("caseload_lac",)}


def demand_frame(baseline, deltas: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Demand by month (DEMAND_COLUMNS) from the baseline flows, plus a scenario's `deltas` when given."""
    f = baseline.flows
    columns = {}
    for name in DEMAND_COLUMNS:
        base = f.get(name, np.zeros(len(baseline.months)))
        columns[name] = base + deltas[name] if deltas is not None and name in deltas else base
    return pd.DataFrame(columns, index=baseline.months)


def default_workforce_model(dataset, params, capacity) -> Callable:
    """(demand, levers, params) -> caseload_<team> and timeliness by month, from forecasting.planning.workforce.

    Timeliness curves are fitted on `dataset`'s history (workforce_history.fit_timeliness) with the calibrated
    `capacity` when both are there; otherwise the workforce module's parameter curves are used.
    """
    curves = None
    per_fte = capacity.per_fte if capacity is not None else None
    if dataset is not None and capacity is not None:
        plan = workforce.StaffingPlan.from_parameters(params)
        observed = {m: dataset.series(m) for m in workforce.TIMELINESS_TEAM if m in dataset.indicator_codes}
        try:
            curves = workforce_history.fit_timeliness(workforce_history.history_demand(dataset), observed, plan,
                                                      params, per_fte)
        except (ValueError, KeyError) as exc:   # too little history to fit: the parameter curves apply
            log.warning("timeliness curves not fitted (%s); using the parameters", exc)

    def measures(demand: pd.DataFrame, levers, params) -> pd.DataFrame:
        return workforce.scenario_measures(demand, levers, params, curves, per_fte)

    return measures


def placement_cost_model(lac: np.ndarray, months: pd.DatetimeIndex, levers, params, dataset=None) -> pd.DataFrame:
    """Placement spend by month (`placement_cost`) and children in IFA / in-house fostering, with the levers'
    extra in-house carers, from forecasting.planning.costs."""
    start = pd.Timestamp(levers.in_house_carers_start) if levers.in_house_carers_start else months[0]
    carers = levers.extra_in_house_carers * ramp(months, start, levers.in_house_carers_ramp_months)
    result = costs.project_placement_costs(pd.Series(lac, index=months), params, dataset=dataset,
                                           extra_in_house_carers=pd.Series(carers, index=months))
    by_type = result.by_month.pivot_table(index="month", columns="placement_type", values="children",
                                          aggfunc="sum").reindex(months)
    return pd.DataFrame({"placement_cost": result.total_by_month.reindex(months).to_numpy(dtype=float),
                         "ifa_children": by_type["ifa"].to_numpy(dtype=float),
                         "in_house_fostering_children": by_type["in_house_fostering"].to_numpy(dtype=float)},
                        index=months)


@dataclass(frozen=True)
class EffectModels:
    """Fitted effect models and their neutral (baseline) projections for one set of parameter values."""

    params_key: tuple
    capacity: object | None                 # workforce_history.CapacityCalibration, None when not calibrated
    workforce_model: Callable | None
    cost_model: Callable | None
    base_workforce: pd.DataFrame | None
    base_costs: pd.DataFrame | None


def params_key(params: dict[str, Parameter]) -> tuple:
    """Hashable fingerprint of the parameter values in force."""
    return tuple(sorted((name, float(getattr(p, "value", p))) for name, p in params.items()))


def calibrated_capacity(dataset, params):
    """The flow teams' throughput read off the history, or None with the reason logged."""
    if dataset is None:
        return None
    try:
        return workforce_history.calibrate_capacity(workforce_history.history_demand(dataset),
                                                    workforce.StaffingPlan.from_parameters(params), params)
    except (ValueError, KeyError) as exc:     # the history lacks what calibration needs
        log.info("team throughput not calibrated: %s", exc)
        return None


def build_effect_models(baseline, dataset, params, neutral, *, capacity=None, workforce_model=None,
                        cost_model=None) -> EffectModels:
    """Fit (or take) the workforce and cost models and run them once on the baseline with the `neutral` levers."""
    if capacity is None:
        capacity = calibrated_capacity(dataset, params)
    workforce_model = workforce_model or default_workforce_model(dataset, params, capacity)
    cost_model = cost_model or placement_cost_model
    base_workforce = workforce_model(demand_frame(baseline), neutral, params)
    base_costs = (cost_model(baseline.flows["lac"], baseline.months, neutral, params, dataset)
                  if "lac" in baseline.flows else None)
    return EffectModels(params_key(params), capacity, workforce_model, cost_model, base_workforce, base_costs)


def workforce_and_costs(baseline, deltas, levers, params, notes: list[str], *, models: EffectModels,
                        dataset=None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{measure: (baseline values, delta)} for caseload by team, timeliness and placement cost."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    scen = models.workforce_model(demand_frame(baseline, deltas), levers, params)
    missing = [c for c in DEMAND_COLUMNS if c not in baseline.flows]
    dropped = sorted({m for c in missing for m in DEPENDS_ON.get(c, ())})
    if dropped:
        notes.append(f"No baseline for {', '.join(missing)}: {', '.join(dropped)} left out (they would count "
                     "those cases as zero).")
    for column in models.base_workforce.columns:
        if column in dropped:
            continue
        b = models.base_workforce[column].to_numpy(dtype=float)
        out[column] = (b, scen[column].to_numpy(dtype=float) - b)
    if models.base_costs is not None:
        scen = models.cost_model(baseline.flows["lac"] + deltas.get("lac", 0.0), baseline.months, levers, params,
                                 dataset)
        for column in models.base_costs.columns:
            b = models.base_costs[column].to_numpy(dtype=float)
            out[column] = (b, scen[column].to_numpy(dtype=float) - b)
    return out
