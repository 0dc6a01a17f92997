"""The scenario's knock-on effects: workforce (caseload, timeliness) and placement costs.

Rules:
- Workforce: the baseline and scenario demand (contacts, referrals, assessments, cin_open, cp_plans, lac by
  month)
  go to `forecasting.planning.workforce_scenario.scenario_measures` with the staffing levers, the flow teams'
  throughput
  calibrated once on the data set's history (`workforce_history.calibrate_capacity`) and the timeliness curves
  fitted on it; the scenario's caseload and timeliness are the baseline projection plus (scenario projection -
  baseline projection), so a neutral scenario changes nothing.
- Costs: LAC (baseline and scenario) go to `forecasting.planning.costs.project_placement_costs` with the extra
  in-house carers; the measure `placement_cost` is spend per month in pounds. The plan's own costs
  (`delivery_cost`, `allowances_cost`) and `net_cost` come from `forecasting.planning.plan_costs`.
- `EffectModels` holds the fitted models and the neutral projections for one set of parameter values; it is
  built
  once with the baseline (`build_effect_models`) and only read afterwards, so a baseline shared between users
  is never changed by anyone's scenario. Other parameter values (an edited unit cost) get their own, built on
  the spot and not stored.
The changes to the scorecard's own indicators are applied by `forecasting.planning.projection.Projection`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.planning import (
    costs,
    lever_mix,
    memo,
    plan_costs,
    workforce,
    workforce_history,
    workforce_scenario,
)
from forecasting.planning.parameters import Parameter

log = logging.getLogger(__name__)
__all__ = [
    "TIMELINESS",
    "EffectModels",
    "build_effect_models",
    "demand_frame",
    "placement_costs",
    "staffing_fte_needed",
    "staffing_projection",
    "workforce_and_costs",
]

TIMELINESS = ("M8-QL", "EH4-QL", "CP8-QL")
DEMAND_COLUMNS = ("contacts", "referrals", "assessments", "cin_open", "cp_plans", "lac")
# work arriving at the CP teams (a timeliness load, forecasting.planning.timeliness_load), when forecast
ARRIVING_COLUMNS = ("s47_enquiries", "new_cp_plans")
# workforce measures that need each demand column (dropped, with a note, when the baseline lacks it)
DEPENDS_ON = {
    "contacts": ("caseload_mash", "M8-QL"),
    "assessments": ("caseload_assessment", "EH4-QL"),
    "cin_open": ("caseload_cin_cp", "CP8-QL"),
    "cp_plans": ("caseload_cin_cp", "CP8-QL"),
    "lac": ("caseload_lac",),
}


def demand_frame(baseline, deltas: dict[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Demand by month (DEMAND_COLUMNS) from the baseline flows, plus a scenario's `deltas` when given."""
    f = baseline.flows
    columns = {}
    for name in DEMAND_COLUMNS:
        base = f.get(name, np.zeros(len(baseline.months)))
        columns[name] = base + deltas[name] if deltas is not None and name in deltas else base
    for name in (n for n in ARRIVING_COLUMNS if n in f):
        columns[name] = f[name] + deltas[name] if deltas is not None and name in deltas else f[name]
    if "early_help_plans" in f:  # the family workers' caseload: baseline plans + a step-down's extra open
        columns["early_help_plans"] = f["early_help_plans"]
        extra = deltas.get("early_help_open") if deltas is not None else None
        columns["early_help_extra_open"] = np.zeros(len(baseline.months)) if extra is None else extra
    return pd.DataFrame(columns, index=baseline.months)


def fitted_curves(dataset, params, capacity, backtest=None) -> dict | None:
    """Timeliness curves fitted on `dataset`'s history (workforce_history.fit_timeliness) with the calibrated
    `capacity` (a work-arriving load must also beat the engine's `backtest` error); None (the workforce
    module's parameter curves apply) when they cannot be fitted."""
    if dataset is None or capacity is None:
        return None
    observed = {m: dataset.series(m) for m in workforce.TIMELINESS_TEAM if m in dataset.indicator_codes}
    try:
        demand = workforce_history.history_demand(dataset)
        engine_mae = workforce_history.engine_errors(backtest)
    except (ValueError, KeyError) as exc:  # too little history to fit: the parameter curves apply
        log.warning("timeliness curves not fitted (%s); using the parameters", exc)
        return None
    # the functions too: a stand-in (tests) is another computation
    key = (memo.Same(workforce_history.fit_timeliness), memo.Same(workforce.StaffingPlan),
           memo.content_key(demand, observed, capacity.per_fte, engine_mae))
    return memo.remember(_CURVES, key, functools.partial(_fit_curves, demand, observed, capacity.per_fte,
                                                         engine_mae), params)


_CURVES = memo.MemoStore("timeliness curves", size=16)  # the fit is most of a baseline's build (~0.3 s)


def _fit_curves(demand, observed, per_fte, engine_mae, params) -> dict | None:
    """fit_timeliness on the history (a pure function of its arguments; kept by `fitted_curves`)."""
    try:
        return workforce_history.fit_timeliness(
            demand, observed, workforce.StaffingPlan.from_parameters(params), params, per_fte,
            engine_mae=engine_mae,
        )
    except (ValueError, KeyError) as exc:  # too little history to fit: the parameter curves apply
        log.warning("timeliness curves not fitted (%s); using the parameters", exc)
        return None


def default_workforce_model(curves, capacity) -> Callable:
    """(demand, levers, params) -> caseload_<team> and timeliness by month, from
    forecasting.planning.workforce,
    with the given timeliness `curves` (None: the parameter curves) and calibrated `capacity`."""
    per_fte = capacity.per_fte if capacity is not None else None

    def measures(demand: pd.DataFrame, levers, params) -> pd.DataFrame:
        return workforce_scenario.scenario_measures(demand, levers, params, curves, per_fte)

    return measures


def placement_costs(
    lac, months: pd.DatetimeIndex, levers, params, dataset=None, **options
) -> costs.PlacementCosts:
    """Children and spend by placement type for `lac` (by month) with the levers' extra in-house carers; the
    one call behind `placement_cost` (and the Finance views' spend by type). `options` go to
    costs.project_placement_costs (basis, actual_spend)."""
    lac = pd.Series(np.asarray(lac, dtype=float), index=months)
    if options.get("baseline_lac") is not None:
        options["baseline_lac"] = pd.Series(np.asarray(options["baseline_lac"], dtype=float), index=months)
    carers = plan_costs.extra_carers(pd.DatetimeIndex(months), levers)
    return costs.project_placement_costs(
        lac, params, dataset=dataset, extra_in_house_carers=pd.Series(carers, index=months), **options
    )


def placement_cost_model(
    lac: np.ndarray, months: pd.DatetimeIndex, levers, params, dataset=None, baseline_lac=None, mix=None,
    lac_alone=None,
) -> pd.DataFrame:
    """Placement spend by month (`placement_cost`) and children in IFA / in-house fostering, with the levers'
    extra in-house carers, from forecasting.planning.costs; the change from `baseline_lac` at the marginal
    mix, each lever's part (`lac_change_<lever>`, lever_mix.attribute of the levers alone `lac_alone`) at
    its own."""
    change = np.asarray(lac, dtype=float) - (0.0 if baseline_lac is None else np.asarray(baseline_lac))
    parts = lever_mix.attribute(change, lac_alone or {})
    result = placement_costs(lac, months, levers, params, dataset, baseline_lac=baseline_lac, mix=mix,
                             lever_parts=parts)
    by_type = result.children_by_type.reindex(months)
    return pd.DataFrame(
        {
            "placement_cost": result.total_by_month.reindex(months).to_numpy(dtype=float),
            "ifa_children": by_type["ifa"].to_numpy(dtype=float),
            "in_house_fostering_children": by_type["in_house_fostering"].to_numpy(dtype=float),
            **{lever_mix.part_measure(key): part for key, part in parts.items()},
        },
        index=months,
    )


@dataclass(frozen=True)
class EffectModels:
    """Fitted effect models and their neutral (baseline) projections for one set of parameter values."""

    params_key: tuple
    capacity: object | None  # workforce_history.CapacityCalibration, None when not calibrated
    curves: dict | None  # fitted timeliness curves, None when the parameter curves apply
    workforce_model: Callable
    cost_model: Callable
    base_workforce: pd.DataFrame
    base_costs: pd.DataFrame | None


def params_key(params: dict[str, Parameter] | dict[str, float]) -> tuple:
    """Hashable fingerprint of the parameter values in force (Parameters or plain numbers)."""
    return tuple(
        sorted((name, float(p.value if isinstance(p, Parameter) else p)) for name, p in params.items())
    )


def calibrated_capacity(dataset, params):
    """The flow teams' throughput read off the history, or None with the reason logged."""
    if dataset is None:
        return None
    try:
        return workforce_history.calibrate_capacity(
            workforce_history.history_demand(dataset), workforce.StaffingPlan.from_parameters(params), params
        )
    except (ValueError, KeyError) as exc:  # the history lacks what calibration needs
        log.info("team throughput not calibrated: %s", exc)
        return None


def build_effect_models(
    baseline, dataset, params, neutral, *, capacity=None, workforce_model=None, cost_model=None
) -> EffectModels:
    """Fit (or take) the workforce and cost models and run them once on the baseline with the `neutral`
    levers."""
    if capacity is None:
        capacity = calibrated_capacity(dataset, params)
    curves = fitted_curves(dataset, params, capacity, getattr(baseline, "backtest", None))
    workforce_model = workforce_model or default_workforce_model(curves, capacity)
    if cost_model is None:  # the placement mix moves with the baseline projection of LAC9 / LAC16 / LAC1
        mix = costs.mix_by_month(params, dataset, baseline.months, getattr(baseline, "projection", None))
        cost_model = functools.partial(placement_cost_model, baseline_lac=baseline.flows.get("lac"), mix=mix)
    base_workforce = workforce_model(demand_frame(baseline), neutral, params)
    base_costs = (
        cost_model(baseline.flows["lac"], baseline.months, neutral, params, dataset)
        if "lac" in baseline.flows
        else None
    )
    return EffectModels(
        params_key(params), capacity, curves, workforce_model, cost_model, base_workforce, base_costs
    )


def workforce_and_costs(
    baseline, deltas, levers, params, notes: list[str], *, models: EffectModels, dataset=None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{measure: (baseline values, delta)} for caseload by team, timeliness and placement cost."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    scen = models.workforce_model(demand_frame(baseline, deltas), levers, params)
    missing = [c for c in DEMAND_COLUMNS if c not in baseline.flows]
    dropped = sorted({m for c in missing for m in DEPENDS_ON.get(c, ())})
    if dropped:
        notes.append(
            f"No baseline for {', '.join(missing)}: {', '.join(dropped)} left out (they would count "
            "those cases as zero)."
        )
    for column in models.base_workforce.columns:
        if column in dropped:
            continue
        b = models.base_workforce[column].to_numpy(dtype=float)
        out[column] = (b, scen[column].to_numpy(dtype=float) - b)
    if models.base_costs is not None:
        scen = models.cost_model(
            baseline.flows["lac"] + deltas.get("lac", 0.0), baseline.months, levers, params, dataset,
            **lever_mix.cost_model_options(models.cost_model, deltas),
        )
        for column in models.base_costs.columns:
            b = models.base_costs[column].to_numpy(dtype=float)
            out[column] = (b, scen[column].to_numpy(dtype=float) - b)
    out.update(plan_costs.plan_cost_measures(baseline.months, levers, deltas, params, out, notes))
    return out


# ---------------------------------------------------------------------------------------- staffing plans
def staffing_projection(baseline, params) -> workforce.WorkforceProjection:
    """Caseload, utilisation and timeliness on the baseline demand for the staffing plan in `params`
    (establishment, vacancies, agency cover). Each timeliness measure is the engine's forecast plus the change
    this plan makes against the baseline's plan, kept in 0-100: one baseline per measure on every page; a plan
    equal to the baseline's reproduces the engine's forecast exactly. Measures the data set cannot forecast
    are
    left out."""
    models = baseline.effects
    per_fte = models.capacity.per_fte if models.capacity is not None else None
    demand = demand_frame(baseline)
    mine = workforce.project_workforce(
        demand, workforce.StaffingPlan.from_parameters(params), params, curves=models.curves, capacity=per_fte
    )
    base = workforce.project_workforce(
        demand,
        workforce.StaffingPlan.from_parameters(baseline.params),
        baseline.params,
        curves=models.curves,
        capacity=per_fte,
    )
    frames = []
    for measure in TIMELINESS:
        if measure not in baseline.projection.indicators:
            continue
        rows = mine.timeliness[mine.timeliness["measure"] == measure].reset_index(drop=True)
        change = (
            rows["on_time_pct"].to_numpy()
            - base.timeliness.loc[base.timeliness["measure"] == measure, "on_time_pct"].to_numpy()
        )
        engine = baseline.projection.means(measure, rows["month"])
        frames.append(rows.assign(on_time_pct=np.clip(engine + change, 0.0, 100.0)))
    columns = ["month", "measure", "team", "utilisation", "on_time_pct"]
    timeliness = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return workforce.WorkforceProjection(mine.by_team, timeliness, mine.curves)


def staffing_fte_needed(
    baseline,
    params,
    caseload_norms: dict[str, float] | None = None,
    timeliness_target: float | dict[str, float] | None = None,
    deltas: dict[str, np.ndarray] | None = None,
) -> pd.DataFrame:
    """FTE needed by month and team (workforce.fte_needed) for case-holding `caseload_norms` ({team:
    children per
    worker}, default the norm parameters) and a timeliness target (percent: one for every measure, or
    {measure: percent}), measured on the same baseline as `staffing_projection`: the curve must lift the
    engine's forecast to the target. `deltas` (a scenario's demand changes by column): size for the scenario's
    demand, the curve's baseline still the baseline plan on the baseline demand (as `apply_scenario`)."""
    models = baseline.effects
    per_fte = models.capacity.per_fte if models.capacity is not None else None
    demand = demand_frame(baseline)
    base = workforce.project_workforce(
        demand,
        workforce.StaffingPlan.from_parameters(baseline.params),
        baseline.params,
        curves=models.curves,
        capacity=per_fte,
    )
    offsets, targets = {}, None
    if timeliness_target is not None:
        targets = {}
        for measure in TIMELINESS:
            wanted = (
                timeliness_target.get(measure) if isinstance(timeliness_target, dict) else timeliness_target
            )
            if measure not in baseline.projection.indicators or wanted is None:
                continue
            curve_now = base.timeliness.loc[base.timeliness["measure"] == measure, "on_time_pct"].to_numpy()
            offsets[measure] = baseline.projection.means(measure, baseline.months) - curve_now
            targets[measure] = float(wanted)
    sized = demand_frame(baseline, deltas) if deltas else demand
    return workforce.fte_needed(
        sized,
        params,
        caseload_norm=caseload_norms,
        timeliness_target=targets,
        curves=base.curves,
        capacity=per_fte,
        offsets=offsets,
    )
