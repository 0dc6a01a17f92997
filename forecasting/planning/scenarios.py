"""Scenario files (YAML, validated with pydantic) and applying a scenario on top of the statistical baseline.

A scenario file:
    schema_version: 1
    name: Early Help step-down
    description: ...
    levers:                      # any lever left out stays neutral; see forecasting.planning.levers.LEVERS
      early_help_diversion_pct: 15
      early_help_start: 2018-09

Rules: `yaml.safe_load` only (tags such as !!python/object are refused); unknown keys, wrong types and values
outside a lever's range are errors naming the file, the key and what was expected. Saving is atomic (temp file
in the same folder, fsync, then a hard link that fails if the name exists, so of two racing saves exactly one
wins) and never overwrites an existing file unless `overwrite=True` (then os.replace).

`apply_scenario(baseline, scenario, calibration, params)` turns levers into front-door changes, runs the
pipeline
(deltas only), hands demand to the workforce and cost models, and moves the baseline's `Projection` by the
changes to the scorecard's own indicators (derived rates and percentages follow; see
forecasting.planning.projection). With every lever neutral every delta is 0.0 and the scenario equals the
baseline
exactly. `build_baseline` builds everything a scenario reads once; nothing a scenario does changes it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from forecasting.engine.forecast import run_forecast
from forecasting.errors import UserFacingError
from forecasting.planning import care_pathway, effect_draws, lever_mix, plausibility, scenario_effects
from forecasting.planning.levers import LEVERS, MONTH_UNIT, TEAMS, ramp, window
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
from forecasting.planning.scenario_yaml import load_yaml_text, read_scenario_text

log = logging.getLogger(__name__)
__all__ = [
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

SCHEMA_VERSION = 1


def _lever_field(spec) -> tuple[Any, Any]:
    if spec.unit == MONTH_UNIT:
        return (str | None, Field(default=spec.neutral, description=spec.description))
    if spec.unit == "team":
        return (Literal[TEAMS], Field(default=spec.neutral, description=spec.description))
    return (
        float,
        Field(default=spec.neutral, ge=spec.low, le=spec.high, strict=True, description=spec.description),
    )


class _LeverBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator(
        *[n for n, s in LEVERS.items() if s.unit == MONTH_UNIT], mode="before", check_fields=False
    )
    @classmethod
    def _month(cls, value):
        if value is None:
            return None
        if isinstance(value, (dt.date, dt.datetime)):
            return f"{value:%Y-%m}"
        text = str(value).strip()
        try:
            return f"{pd.Timestamp(dt.datetime.strptime(text, '%Y-%m')):%Y-%m}"
        except ValueError:
            raise ValueError(f"expected a month as YYYY-MM (e.g. 2018-10), got {value!r}") from None


_lever_fields: dict[str, Any] = {n: _lever_field(s) for n, s in LEVERS.items()}
if TYPE_CHECKING:  # the checker sees the base; the lever fields exist only at run time (built from LEVERS)
    Levers = _LeverBase
else:
    Levers = create_model("Levers", __base__=_LeverBase, **_lever_fields)


# the levers that create an effect; the others (start months, ramps, lags, team) only shape its timing
EFFECT_LEVERS = (
    "early_help_diversion_pct",
    "edge_of_care_entry_reduction",
    "edge_of_care_extra_exits",
    "recruits_fte",
    "agency_fte_change",
    "vacancy_fte_change",
    "turnover_pct_change",
    "extra_in_house_carers",
    "demand_shock_pct",
)


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    levers: Levers = Field(default_factory=Levers)

    def with_levers(self, **changes) -> Scenario:
        """A copy with some levers changed (validated)."""
        return Scenario.model_validate(
            {
                "schema_version": self.schema_version,
                "name": self.name,
                "description": self.description,
                "levers": self.levers.model_dump() | changes,
            }
        )

    def active_groups(self) -> list[str]:
        """Lever groups with at least one effect lever away from neutral (timing levers alone don't count)."""
        values = self.levers.model_dump()
        return sorted({LEVERS[n].group for n in EFFECT_LEVERS if values[n] != LEVERS[n].neutral})


# ----------------------------------------------------------------------------------------------- file I/O
def _describe_error(err: Any) -> str:
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    kind, ctx = err["type"], err.get("ctx", {})
    got = err.get("input")
    if kind == "extra_forbidden":
        allowed = sorted(LEVERS) if err["loc"][:1] == ("levers",) else sorted(Scenario.model_fields)
        return f"key '{key}' is not known; expected one of: {', '.join(allowed)}"
    if kind == "missing":
        return f"key '{key}' is missing"
    if kind in ("greater_than_equal", "less_than_equal"):
        spec = LEVERS.get(str(err["loc"][-1]))
        band = f"between {spec.low:g} and {spec.high:g} ({spec.unit})" if spec else str(ctx)
        return f"key '{key}' must be {band}, got {got!r}"
    spec = LEVERS.get(str(err["loc"][-1]))
    if kind in ("float_type", "float_parsing") and spec is not None:
        return f"key '{key}' must be a number ({spec.unit}, {spec.low:g} to {spec.high:g}), got {got!r}"
    return f"key '{key}': {err['msg']} (got {got!r})"


def scenario_from_dict(data: Any, source: str = "scenario") -> Scenario:
    """Validate a parsed mapping; errors name `source`, the key and what was expected."""
    if data is None:
        raise UserFacingError(
            f"{source}: the file is empty; expected a mapping with schema_version: "
            f"{SCHEMA_VERSION}, name and levers."
        )
    if not isinstance(data, dict):
        raise UserFacingError(
            f"{source}: expected a mapping (key: value lines) at the top level, got {type(data).__name__}."
        )
    if "schema_version" in data and data["schema_version"] != SCHEMA_VERSION:
        raise UserFacingError(
            f"{source}: schema_version {data['schema_version']!r} is not supported; expected "
            f"{SCHEMA_VERSION}."
        )
    if "levers" in data and data["levers"] is None:  # `levers:` with nothing under it = all neutral
        data = {**data, "levers": {}}
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe_error(e) for e in exc.errors())
        raise UserFacingError(f"{source}: {problems}") from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario YAML file (safe_load without aliases, bounded; see scenario_yaml)."""
    path = Path(path)
    data = load_yaml_text(read_scenario_text(path), str(path))
    return scenario_from_dict(data, str(path))


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable where the OS allows it (POSIX); harmless elsewhere."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _already_exists(scenario_name: str, path: Path) -> UserFacingError:
    """The refusal a user reads: the scenario's name, the file's name and the fix; never the server folder."""
    return UserFacingError(
        f"A saved scenario called '{scenario_name}' already exists ({path.name}); choose another name, or "
        "replace the saved one on purpose."
    )


def _publish_new(tmp: str, path: Path, text: str, scenario_name: str = "") -> None:
    """Give the finished temp file the name `path` only if nothing has that name yet, atomically.

    `os.link` fails with FileExistsError when `path` exists, including when a racing save created it a moment
    ago, so of two saves of one new name exactly one wins and readers only ever see complete files. Where a
    file system has no hard links, an O_CREAT|O_EXCL create (still exclusive) is written and fsynced instead.
    """
    refused = _already_exists(scenario_name or path.stem, path)
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise refused from None
    except (AttributeError, NotImplementedError, OSError) as exc:  # no hard links here (e.g. FAT, some SMB)
        import errno

        if isinstance(exc, OSError) and exc.errno not in (
            errno.EPERM,
            errno.ENOTSUP,
            errno.EOPNOTSUPP,
            errno.EMLINK,
        ):
            raise
        log.info("hard links unavailable in %s (%s); creating %s exclusively", path.parent, exc, path.name)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # as mkstemp
    except FileExistsError:
        raise refused from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)  # ours: created exclusively above
        raise


def save_scenario(scenario: Scenario, path: str | Path, overwrite: bool = False) -> Path:
    """Write atomically (temp file in the same folder + fsync, then published in one step); never overwrite
    an existing file unless overwrite=True, even when two saves of one new name race (see `_publish_new`)."""
    path = Path(path)
    if path.exists() and not overwrite:  # early, cheap refusal; _publish_new is the guarantee under a race
        raise _already_exists(scenario.name, path)
    data = {
        "schema_version": scenario.schema_version,
        "name": scenario.name,
        "description": scenario.description,
        "levers": {k: v for k, v in scenario.levers.model_dump().items() if v != LEVERS[k].neutral},
    }
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _publish_new(tmp, path, text, scenario.name)
        _fsync_directory(path.parent)
    finally:
        Path(tmp).unlink(missing_ok=True)  # after a link the temp name is a second name for the file; drop it
    return path


# ----------------------------------------------------------------------------------------------- applying
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
