"""The scenario's knock-on effects: workforce (caseload, timeliness), placement costs, and the shifted forecasts.

Rules:
- Workforce: the baseline and scenario demand (contacts, referrals, assessments, cin_open, cp_plans, lac by month)
  go to `forecasting.planning.workforce.project_workforce` with the baseline and scenario staffing plans, the flow teams'
  throughput calibrated on the data set's history (`workforce.calibrate_capacity`); the scenario's
  caseload and timeliness are the baseline projection plus (scenario projection - baseline projection), so a
  neutral scenario changes nothing. The baseline projection is computed once and cached on the baseline.
- Costs: LAC (baseline and scenario) go to `forecasting.planning.costs.project_placement_costs` with the extra in-house
  carers; the measure `placement_cost` is spend per month in pounds.
- Forecast shift: every quantile of an affected indicator moves by the scenario's delta for that month (the
  baseline's uncertainty is kept, centred on the scenario); counts are floored at 0 and percents kept in 0-100.
  Rates per 10,000 move by delta x 10,000 / population_0_17; a derived percent (e.g. M3 = 100 x M2 / M1) is
  scaled by the ratio of its numerator's and denominator's scenario-to-baseline ratios. Rows without a delta are
  returned unchanged, bit for bit.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
import pandas as pd

from forecasting.planning import costs, workforce, workforce_history
from forecasting.planning.levers import LEVERS, ramp
from forecasting.planning.parameters import load_parameters

log = logging.getLogger(__name__)
__all__ = ["TIMELINESS", "shift_forecasts", "workforce_and_costs"]

TIMELINESS = ("M8-QL", "EH4-QL", "CP8-QL")
QUANTILES = ("mean", "lo80", "hi80", "lo95", "hi95")
DEMAND_COLUMNS = ("contacts", "referrals", "assessments", "cin_open", "cp_plans", "lac")
# workforce measures that need each demand column (dropped, with a note, when the baseline lacks it)
DEPENDS_ON = {"contacts": ("caseload_mash", "M8-QL"), "assessments": ("caseload_assessment", "EH4-QL"),
              "cin_open": ("caseload_cin_cp", "CP8-QL"), "cp_plans": ("caseload_cin_cp", "CP8-QL"),
              "lac": ("caseload_lac",)}


def _demand(baseline, deltas: dict[str, np.ndarray] | None) -> pd.DataFrame:
    f = baseline.flows
    columns = {}
    for name in DEMAND_COLUMNS:
        base = f.get(name, np.zeros(len(baseline.months)))
        columns[name] = base + deltas[name] if deltas is not None and name in deltas else base
    return pd.DataFrame(columns, index=baseline.months)


def default_workforce_model(dataset=None, params=None) -> Callable | None:
    """(demand, levers, params) -> caseload_<team> and timeliness by month, from forecasting.planning.workforce.

    Timeliness curves are fitted once on `dataset`'s history (workforce.fit_timeliness) when it is given;
    otherwise the workforce module's parameter curves are used.
    """
    curves, capacity = None, None
    if dataset is not None:
        try:
            plan = workforce.StaffingPlan.from_parameters(params)
            history = workforce_history.history_demand(dataset)
            capacity = workforce_history.calibrate_capacity(history, plan, params)
            observed = {m: dataset.series(m) for m in workforce.TIMELINESS_TEAM if m in dataset.indicator_codes}
            curves = workforce_history.fit_timeliness(history, observed, plan, params, capacity.per_fte)
        except Exception as exc:  # noqa: BLE001  a fit problem must not stop the scenario: fall back to parameter curves
            log.warning("capacity/timeliness not calibrated (%s); using the parameters", exc)
    per_fte = capacity.per_fte if capacity is not None else None

    def measures(demand: pd.DataFrame, levers, params) -> pd.DataFrame:
        return workforce.scenario_measures(demand, levers, params, curves, per_fte)

    measures.capacity = capacity     # the calibrated throughput, for display
    measures.curves = curves
    return measures


def default_cost_model() -> Callable | None:
    """A function (lac, months, levers, params) -> frame with `placement_cost` by month, from forecasting.planning.costs."""
    def placement_cost(lac: np.ndarray, months: pd.DatetimeIndex, levers, params, dataset=None) -> pd.DataFrame:
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

    return placement_cost


def workforce_and_costs(baseline, deltas, levers, params, notes: list[str], *, workforce_model=None,
                        cost_model=None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{measure: (baseline values, delta)} for caseload by team, timeliness and placement cost."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if params is None:
        if "params" not in baseline.extras:
            baseline.extras["params"] = load_parameters()
        params = baseline.extras["params"]
    dataset = baseline.extras.get("dataset")
    version = _params_key(params)   # cached baseline projections are per parameter values (e.g. edited unit costs)
    if workforce_model is None:
        if ("default_workforce_model", version) not in baseline.extras:
            baseline.extras[("default_workforce_model", version)] = default_workforce_model(dataset, params)
        workforce_model = baseline.extras[("default_workforce_model", version)]
    neutral = _neutral_levers(levers)
    if workforce_model is None:
        notes.append("Workforce model not available: caseload and timeliness are not projected.")
    else:
        key = ("workforce", id(workforce_model), version)
        if key not in baseline.extras:
            baseline.extras[key] = workforce_model(_demand(baseline, None), neutral, params)
        base = baseline.extras[key]
        scen = workforce_model(_demand(baseline, deltas), levers, params)
        missing = [c for c in DEMAND_COLUMNS if c not in baseline.flows]
        dropped = sorted({m for c in missing for m in DEPENDS_ON.get(c, ())})
        if dropped:
            notes.append(f"No baseline for {', '.join(missing)}: {', '.join(dropped)} left out (they would count "
                         "those cases as zero).")
        for column in base.columns:
            if column in dropped:
                continue
            b = base[column].to_numpy(dtype=float)
            out[column] = (b, scen[column].to_numpy(dtype=float) - b)
    if cost_model is None:
        baseline.extras.setdefault("default_cost_model", default_cost_model())
        cost_model = baseline.extras["default_cost_model"]
    if cost_model is None:
        notes.append("Placement cost model not available: placement cost is not projected.")
    elif "lac" in baseline.flows:
        key = ("costs", id(cost_model), version)
        if key not in baseline.extras:
            baseline.extras[key] = cost_model(baseline.flows["lac"], baseline.months, neutral, params, dataset)
        base = baseline.extras[key]
        scen = cost_model(baseline.flows["lac"] + deltas.get("lac", 0.0), baseline.months, levers, params, dataset)
        for column in base.columns:
            b = base[column].to_numpy(dtype=float)
            out[column] = (b, scen[column].to_numpy(dtype=float) - b)
    return out


def _params_key(params) -> tuple:
    """Hashable fingerprint of the parameter values in force."""
    try:
        return tuple(sorted((name, float(getattr(p, "value", p))) for name, p in params.items()))
    except (AttributeError, TypeError, ValueError):
        return (id(params),)


def _neutral_levers(levers):
    return type(levers)(**{name: LEVERS[name].neutral for name in type(levers).model_fields})


def _row_index(baseline) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The baseline forecasts with a positional index per indicator in month order (cached)."""
    if "forecast_rows" not in baseline.extras:
        frame = baseline.forecasts.reset_index(drop=True)
        month_pos = {m: i for i, m in enumerate(baseline.months)}
        rows: dict[str, np.ndarray] = {}
        for code, group in frame.groupby("indicator", sort=False):
            positions = np.full(len(baseline.months), -1)
            for idx, month in zip(group.index, group["month"]):
                positions[month_pos[pd.Timestamp(month)]] = idx
            rows[str(code)] = positions
        baseline.extras["forecast_rows"] = (frame, rows, frame[list(QUANTILES)].to_numpy(dtype=float))
    return baseline.extras["forecast_rows"]


def _derived_rules(baseline) -> list[tuple[str, str, str, str]]:
    """(indicator, unit, numerator, denominator) for rates and percents built from count indicators."""
    if "derived_rules" in baseline.extras:
        return baseline.extras["derived_rules"]
    catalogue = baseline.extras.get("catalogue")
    rules = []
    if catalogue is not None and {"numerator", "unit"} <= set(catalogue.columns):
        for code, unit, numerator, denominator in zip(catalogue.index, catalogue["unit"], catalogue["numerator"],
                                                      catalogue.get("denominator", catalogue["numerator"])):
            if isinstance(numerator, str) and unit in ("rate_per_10k", "percent"):
                rules.append((str(code), unit, numerator, str(denominator)))
    baseline.extras["derived_rules"] = rules
    return rules


def shift_forecasts(baseline, indicator_deltas: dict[str, np.ndarray]) -> pd.DataFrame:
    """The engine's forecasts with the scenario's deltas applied (rules in the module docstring)."""
    frame, rows, values = _row_index(baseline)
    values = values.copy()
    touched = np.zeros(len(frame), dtype=bool)

    def pos_of(code):
        positions = rows.get(code)
        return None if positions is None else positions

    for code, delta in indicator_deltas.items():
        positions = pos_of(code)
        if positions is None or not np.any(delta):
            continue
        ok = positions >= 0
        values[positions[ok]] += delta[ok, None]
        touched[positions[ok]] = True
    population = baseline.extras.get("population")
    for code, unit, numerator, denominator in _derived_rules(baseline):
        positions = pos_of(code)
        if positions is None or code in indicator_deltas:
            continue
        ok = positions >= 0
        if unit == "rate_per_10k" and numerator in indicator_deltas and population:
            delta = indicator_deltas[numerator]
            if np.any(delta):
                values[positions[ok]] += (delta[ok] * 10_000.0 / population)[:, None]
                touched[positions[ok]] = True
        elif unit == "percent" and (numerator in indicator_deltas or denominator in indicator_deltas):
            num_pos, den_pos = pos_of(numerator), pos_of(denominator)
            if num_pos is None or den_pos is None or (num_pos < 0).any() or (den_pos < 0).any():
                continue
            factor = np.ones(len(positions))
            for part, p in ((numerator, num_pos), (denominator, den_pos)):
                base = frame["mean"].to_numpy(dtype=float)[p]
                scen = values[p, 0]
                ratio = np.divide(scen, base, out=np.ones_like(base), where=base > 0)
                factor = factor * ratio if part == numerator else np.divide(factor, ratio, out=factor.copy(),
                                                                            where=ratio > 0)
            if np.any(factor != 1.0):
                values[positions[ok]] *= factor[ok, None]
                touched[positions[ok]] = True
    if touched.any():
        if "upper_bounds" not in baseline.extras:
            percents = TIMELINESS + tuple(c for c, u, _, _ in _derived_rules(baseline) if u == "percent")
            baseline.extras["upper_bounds"] = np.where(frame["indicator"].isin(percents), 100.0, np.inf)
        upper = baseline.extras["upper_bounds"]
        clipped = np.clip(values, 0.0, upper[:, None])
        values = np.where(touched[:, None], clipped, values)
    out = frame.copy()
    out[list(QUANTILES)] = values
    return out
