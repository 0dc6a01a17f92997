"""Applying a scenario on top of the statistical baseline, and the one `project` every page and command reads.

`apply_scenario(baseline, scenario, calibration, params)` turns levers into front-door changes, runs the
pipeline (deltas only), hands demand to the workforce and cost models, and moves the baseline's `Projection`
by the changes to the scorecard's own indicators (derived rates and percentages follow; see
forecasting.planning.projection). With every lever neutral every delta is 0.0 and the scenario equals the
baseline exactly. `build_baseline` builds everything a scenario reads once; nothing a scenario does changes
it. The scenario itself (the validated `Levers` / `Scenario` model, reading and saving its file) lives in
`forecasting.planning.scenario_file`, which needs neither the engine nor the effect models; its names are
imported here too, so `from forecasting.planning.scenarios import Scenario, load_scenario` keeps working.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecasting.engine.forecast import run_forecast
from forecasting.planning import care_pathway, effect_draws, lever_mix, plausibility, scenario_effects
from forecasting.planning.levers import LEVERS, ramp, window
from forecasting.planning.parameters import load_parameters, value
from forecasting.planning.pipeline import (
    FLOW_INDICATORS,
    BaselineFlows,
    Calibration,
    PipelineChanges,
    calibrate_pipeline,
    lagged,
    prepare_baseline,
    run_pipeline,
)
from forecasting.planning.projection import Projection
from forecasting.planning.scenario_file import (  # the model and its file, re-exported for existing callers
    EFFECT_LEVERS,
    SCHEMA_VERSION,
    Levers,
    Scenario,
    load_scenario,
    save_scenario,
    scenario_from_dict,
)

log = logging.getLogger(__name__)
__all__ = [
    "EFFECT_LEVERS",
    "SCHEMA_VERSION",
    "Levers",
    "Scenario",
    "ScenarioResult",
    "apply_scenario",
    "build_baseline",
    "indicator_deltas",
    "load_scenario",
    "project",
    "save_scenario",
    "scenario_from_dict",
]


@dataclass
class ScenarioResult:
    """`table`: measure, month, baseline, scenario, delta (the point scenario, every lever at its value),
    and delta_lo80, delta_hi80, delta_lo95, delta_hi95 (the change's intervals over the effects' evidence
    bands and the calibrated rates: `delta_draws`, forecasting.planning.effect_draws). `projection`: every
    indicator's distribution with the scenario's changes and their draws applied
    (`forecasting.planning.projection`); `forecasts` is its table. `notes`: caveats."""

    scenario: Scenario
    table: pd.DataFrame
    projection: Projection
    indicator_deltas: dict[str, np.ndarray]
    baseline: BaselineFlows
    notes: list[str] = field(default_factory=list)
    delta_draws: dict[str, np.ndarray] = field(default_factory=dict)  # measure -> (draws, months) changes
    flags: list[str] = field(default_factory=list)  # levers beyond their evidence, in words (plausibility)

    @property
    def forecasts(self) -> pd.DataFrame:
        return self.projection.forecasts

    def measure(self, name: str) -> pd.DataFrame:
        return self.table[self.table["measure"] == name].reset_index(drop=True)


def build_baseline(dataset, forecast_result=None, params=None) -> tuple[BaselineFlows, Calibration]:
    """Calibrate the pipeline and prepare the baseline from the engine's forecasts (run here if not given),
    with
    its projection and the effect models for `params` (default: the shipped values). Read-only afterwards."""
    if forecast_result is None:
        forecast_result = run_forecast(dataset)
    params = params if params is not None else load_parameters()
    calibration = calibrate_pipeline(dataset, params)
    baseline = prepare_baseline(forecast_result.forecasts, dataset, calibration, forecast_result.distribution)
    baseline.projection = Projection.from_forecast(dataset, forecast_result)
    baseline.dataset = dataset
    baseline.params = params
    baseline.backtest = getattr(forecast_result, "backtest", None)
    baseline.effects = scenario_effects.build_effect_models(baseline, dataset, params, _neutral())
    if baseline.effects.capacity is not None:
        calibration.notes.extend(baseline.effects.capacity.describe())
    else:
        calibration.notes.append(
            "Team throughput not calibrated from the history; the parameters "
            "contacts_per_fte_mash / assessments_per_fte_month are used."
        )
    return baseline, calibration


def project(dataset, forecast_result=None, scenario: Scenario | None = None, params=None) -> Projection:
    """The one projection every page, command and report reads: the engine's baseline for `dataset`, or
    `scenario` applied to it. `forecast_result` is the engine's (run here if not given)."""
    if forecast_result is None:
        forecast_result = run_forecast(dataset)
    if scenario is None:
        return Projection.from_forecast(dataset, forecast_result)
    baseline, calibration = build_baseline(dataset, forecast_result, params)
    return apply_scenario(baseline, scenario, calibration, params).projection


def _neutral():
    return Levers(**{name: spec.neutral for name, spec in LEVERS.items()})


def _effects_for(
    baseline: BaselineFlows, params, workforce_model, cost_model
) -> scenario_effects.EffectModels:
    """The baseline's effect models when they fit `params` and no stand-in is given; else new ones (not
    stored)."""
    stored = baseline.effects
    if (
        stored is not None
        and workforce_model is None
        and cost_model is None
        and stored.params_key == scenario_effects.params_key(params)
    ):
        return stored
    capacity = stored.capacity if stored is not None else None
    return scenario_effects.build_effect_models(
        baseline,
        baseline.dataset,
        params,
        _neutral(),
        capacity=capacity,
        workforce_model=workforce_model,
        cost_model=cost_model,
    )


def front_door_changes(
    levers, baseline: BaselineFlows, calibration: Calibration, params=None
) -> PipelineChanges:
    """Levers -> changes at the front door and at the edge of care (rules in forecasting.planning.levers);
    the lags from a referral to a CP plan / entry to care are the parameters referral_to_cp_plan_lag_months
    and referral_to_care_lag_months, and the care pathway's routes, exits and re-entry are set by
    forecasting.planning.care_pathway (stepped-down contacts convert at diverted_contact_conversion_pct of
    the average)."""
    params = params if params is not None else baseline.params or load_parameters()
    months, f = baseline.months, baseline.flows
    first = months[0]

    def start(name: str) -> pd.Timestamp:
        return pd.Timestamp(getattr(levers, name)) if getattr(levers, name) else first

    conversion = calibration["contact_to_referral"]
    shock = (
        f["contacts"]
        * levers.demand_shock_pct
        / 100.0
        * window(months, start("demand_shock_start"), levers.demand_shock_months)
    )
    diverted = (
        (f["contacts"] + shock)
        * levers.early_help_diversion_pct
        / 100.0
        * ramp(months, start("early_help_start"), levers.early_help_ramp_months)
    )
    avoided = diverted * conversion * care_pathway.diverted_conversion(params)  # lower-need contacts
    returning = lagged(
        avoided * levers.early_help_leakage_pct / 100.0,
        round(levers.early_help_leakage_lag_months),
    )
    referrals = shock * conversion - avoided + returning
    risk = levers.early_help_downstream_pct / 100.0
    referrals_downstream = shock * conversion + (returning - avoided) * risk
    eoc = ramp(months, start("edge_of_care_start"), levers.edge_of_care_ramp_months)
    extra_exits = levers.edge_of_care_extra_exits * eoc
    return PipelineChanges(
        contacts=shock - diverted,
        referrals=referrals,
        referrals_downstream=referrals_downstream,
        lac_entry_factor=1.0 - levers.edge_of_care_entry_reduction / 100.0 * eoc,
        lac_extra_exits=extra_exits,
        early_help_in=diverted * levers.early_help_plan_pct / 100.0,
        early_help_episode_months=round(levers.early_help_episode_months),
        early_help_assessments=diverted * levers.early_help_assessment_pct / 100.0,
        cp_lag_months=round(value(params, "referral_to_cp_plan_lag_months")),
        care_lag_months=round(value(params, "referral_to_care_lag_months")),
        **care_pathway.pathway_fields(calibration, params),  # routes into care, exits by route, re-entry
    )


def apply_scenario(
    baseline: BaselineFlows,
    scenario: Scenario,
    calibration: Calibration,
    params=None,
    *,
    workforce_model=None,
    cost_model=None,
) -> ScenarioResult:
    """The scenario as effects on top of `baseline` (see module docstring). Fast: numpy over the forecast
    months.

    `workforce_model` / `cost_model` default to the baseline's fitted models
    (forecasting.planning.scenario_effects);
    pass stand-ins to test. Never changes `baseline`.
    """
    params = params if params is not None else baseline.params or load_parameters()
    levers = scenario.levers
    changes = front_door_changes(levers, baseline, calibration, params)
    deltas = run_pipeline(baseline, changes, calibration).deltas
    # each lever alone, for its own marginal placement mix in the costs (forecasting.planning.lever_mix)
    deltas.update(lever_mix.lone_changes(levers, baseline, calibration, params, front_door_changes))
    months, f = baseline.months, baseline.flows
    rows = {name: (f[name], deltas[name]) for name in deltas if name in f}  # measures with a baseline only
    rows["early_help_extra_open"] = (np.zeros(len(months)), deltas["early_help_open"])
    notes = list(baseline.notes)
    models = _effects_for(baseline, params, workforce_model, cost_model)
    extra = scenario_effects.workforce_and_costs(
        baseline, deltas, levers, params, notes, models=models, dataset=baseline.dataset
    )
    projection, raw_extra = baseline.projection, dict(extra)
    for measure, (_, delta) in extra.items():
        if measure in scenario_effects.TIMELINESS and measure in projection.indicators:
            # timeliness: the engine's forecast is the baseline; the workforce model gives the change,
            # kept in 0-100
            engine = projection.means(measure)
            delta = np.clip(engine + delta, 0.0, 100.0) - engine if np.any(delta) else delta
            extra[measure] = (engine, delta)
    rows.update(extra)
    point_changed = indicator_deltas(deltas, extra, levers, baseline)
    draws, changed_draws = _effect_draws(baseline, scenario, calibration, params, deltas, raw_extra, models)
    base = np.concatenate([b for b, _ in rows.values()])
    delta = np.concatenate([d for _, d in rows.values()])
    table = pd.DataFrame(
        {
            "measure": np.repeat(list(rows), len(months)),
            "month": np.tile(months.values, len(rows)),
            "baseline": base,
            "scenario": base + delta,
            "delta": delta,
        }
    )
    bands = [effect_draws.delta_intervals(d, draws.get(m)) for m, (_, d) in rows.items()]
    for column in effect_draws.INTERVAL_COLUMNS:
        table[column] = np.concatenate([band[column] for band in bands])
    seed = int(value(params, "scenario_effect_seed"))
    moved = projection.with_deltas(point_changed, scenario.name, draws=changed_draws, seed=seed)
    flags = plausibility.lever_flags(levers, baseline.dataset)
    return ScenarioResult(scenario, table, moved, point_changed, baseline, notes, draws, flags)


def _effect_draws(baseline, scenario, calibration, params, deltas, extra, models):
    """({table measure: (draws, months) deltas}, {indicator: (draws, months) deltas}) over the effects'
    evidence and the calibrated rates (forecasting.planning.effect_draws); empty with no active lever."""
    if not scenario.active_groups():
        return {}, {}
    pipeline, modelled = effect_draws.simulate(
        baseline,
        scenario.levers,
        calibration,
        params,
        deltas,
        extra,
        front_door=front_door_changes,
        models=models,
    )
    for measure in scenario_effects.TIMELINESS:
        if measure in modelled and measure in baseline.projection.indicators:
            engine = baseline.projection.means(measure)
            modelled[measure] = np.clip(engine + modelled[measure], 0.0, 100.0) - engine
    draws = {name: pipeline[name] for name in deltas if name in baseline.flows}
    draws["early_help_extra_open"] = pipeline["early_help_open"]
    draws.update(modelled)
    modelled_pairs = {m: (None, d) for m, d in modelled.items()}
    changed = indicator_deltas(pipeline, modelled_pairs, scenario.levers, baseline)
    return draws, changed


def indicator_deltas(deltas, extra, levers, baseline: BaselineFlows) -> dict[str, np.ndarray]:
    """The scenario's changes on the scorecard's own indicators (counts and timeliness), by month."""
    months, f = baseline.months, baseline.flows
    out = {code: deltas[m] for m, code in FLOW_INDICATORS.items() if m in deltas and m in f}
    out["EH1b"] = deltas["early_help_plans"]  # extra Universal Help Plans opened
    out["EH1c"] = deltas["early_help_assessments"]  # extra Universal Help Assessments completed
    for outflow, code in (("cp_plans_ended", "CP7"), ("lac_ceased", "LAC4")):
        if outflow in deltas and outflow in f:
            out[code] = deltas[outflow]
    for measure, (_, delta) in extra.items():
        if measure in scenario_effects.TIMELINESS:
            out[measure] = delta
    if "ifa_children" in extra:  # placement mix on the scorecard's own counts
        out["LAC9 (val)"] = extra["ifa_children"][1]
        start = pd.Timestamp(levers.in_house_carers_start) if levers.in_house_carers_start else months[0]
        out["LAC16"] = levers.extra_in_house_carers * ramp(months, start, levers.in_house_carers_ramp_months)
    return out
