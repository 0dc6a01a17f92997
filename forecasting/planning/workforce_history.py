"""Workforce model on the history: demand by month from the scorecard, capacity calibration, timeliness fit
and its 9/4-month validation. The rules are in forecasting.planning.workforce's docstring; this module holds
the code that reads a data set, so the projection code stays small.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

from forecasting.planning.parameters import Parameter, load_parameters, value
from forecasting.planning.workforce import (
    HISTORY_INDICATORS,
    TEAM_WORK,
    TEAMS,
    TIMELINESS_TEAM,
    StaffingPlan,
    TimelinessCurve,
    default_curves,
    project_workforce,
    team_load,
    teams_with_demand,
)

log = logging.getLogger(__name__)


def history_demand(dataset) -> pd.DataFrame:
    """Observed demand in the DEMAND_COLUMNS shape (M1, M2, EH3, EH2, CP6B, LAC1); gaps filled by
    interpolation.

    Only the columns the data set has (an indicator with no value at all counts as absent): the teams working
    on the others are left out downstream. ValueError when no team's demand is there at all."""
    present = set(dataset.observations.dropna(subset=["y"])["unique_id"])
    columns = {column: dataset.series(code) for column, code in HISTORY_INDICATORS.items() if code in present}
    if not teams_with_demand(columns):
        raise ValueError(
            "the data set has none of "
            + ", ".join(HISTORY_INDICATORS.values())
            + ": no team's workload can be read from it"
        )
    return pd.DataFrame(columns).interpolate(limit_direction="both")


def forecast_demand(forecasts: pd.DataFrame) -> pd.DataFrame:
    """The engine's forecast means (indicator, month, mean) in the same shape as `history_demand`: one column
    per demand indicator forecast in every month, so a team is only projected on demand it really has."""
    wide = forecasts[forecasts["indicator"].isin(HISTORY_INDICATORS.values())].pivot_table(
        index="month", columns="indicator", values="mean"
    )
    columns = {
        column: wide[code]
        for column, code in HISTORY_INDICATORS.items()
        if code in wide.columns and wide[code].notna().all()
    }
    return pd.DataFrame(columns, index=pd.DatetimeIndex(wide.index, name="month"))


@dataclass(frozen=True)
class CapacityCalibration:
    """Throughput per FTE of the flow teams read off the history (rule in the module docstring).

    `table`: team, measure, window_months, busiest_months, demonstrated_throughput, staffed_fte, per_fte,
    parameter_default, mean_utilisation_history, rule."""

    per_fte: dict[str, float]
    table: pd.DataFrame

    def describe(self) -> list[str]:
        return [
            f"{r.team} capacity calibrated from the history: {r.per_fte:.1f} {r.measure} per FTE a month "
            f"({r.rule}; the parameter default {r.parameter_default:g} is not used)"
            for r in self.table.itertuples()
        ]


def calibrate_capacity(
    demand: pd.DataFrame, staffing: StaffingPlan, params: dict[str, Parameter]
) -> CapacityCalibration:
    """Flow teams' throughput per FTE = busiest `capacity_window_months` run of arrivals / staffed FTE."""
    window = max(int(value(params, "capacity_window_months")), 1)
    fte = staffing.fte_arrays(pd.DatetimeIndex(demand.index))
    rows, per_fte = [], {}
    for team in TEAMS:
        kind, columns, norm_name = TEAM_WORK[team]
        if kind != "flow" or not all(c in demand.columns for c in columns):
            continue
        arrivals = demand[list(columns)].sum(axis=1, min_count=len(columns)).dropna()
        staffed = float(np.mean(fte[team])) if len(fte[team]) else 0.0
        if len(arrivals) < window or staffed <= 0:
            continue
        rolling = arrivals.rolling(window).mean()
        end = rolling.idxmax()
        start = arrivals.index[int(np.flatnonzero(arrivals.index == end)[0]) - window + 1]
        demonstrated = float(rolling.max())
        per_fte[team] = demonstrated / staffed
        rows.append(
            {
                "team": team,
                "measure": "+".join(columns),
                "window_months": window,
                "busiest_months": f"{start:%b %Y}-{end:%b %Y}",
                "demonstrated_throughput": demonstrated,
                "staffed_fte": staffed,
                "per_fte": per_fte[team],
                "parameter_default": value(params, norm_name),
                "mean_utilisation_history": float(arrivals.mean() / demonstrated),
                "rule": f"busiest {window} months {start:%b %Y}-{end:%b %Y} cleared {demonstrated:,.0f} a "
                f"month with {staffed:.1f} staffed FTE",
            }
        )
    return CapacityCalibration(per_fte, pd.DataFrame(rows))


def fit_timeliness(
    demand: pd.DataFrame,
    observed: dict[str, pd.Series],
    staffing: StaffingPlan,
    params: dict[str, Parameter],
    capacity: dict[str, float] | None = None,
) -> dict[str, TimelinessCurve]:
    """Fit logit(on-time share) = intercept - slope x utilisation by least squares (scikit-learn), slope at
    least the minimum."""
    by_team = team_load(demand, staffing.fte(pd.DatetimeIndex(demand.index)), params, capacity)
    min_slope = value(params, "timeliness_min_slope")
    defaults = default_curves(params)
    curves = {}
    for measure, team in TIMELINESS_TEAM.items():
        if team not in set(by_team["team"]):
            curves[measure] = replace(
                defaults[measure], note=f"no {team} workload in the data; parameters used"
            )
            continue
        load = by_team[by_team["team"] == team].set_index("month")["utilisation"]
        pct = observed.get(measure, pd.Series(dtype=float)).reindex(load.index)
        ok = pct.notna() & np.isfinite(load)
        if ok.sum() < 3 or load[ok].std() <= 0:
            curves[measure] = replace(defaults[measure], note="too little history to fit; parameters used")
            continue
        share = np.clip(pct[ok].to_numpy() / 100.0, 0.005, 0.995)
        logit = np.log(share / (1 - share))
        u = load[ok].to_numpy().reshape(-1, 1)
        model = LinearRegression().fit(u, logit)
        slope = float(-model.coef_[0])
        note = f"fitted on {int(ok.sum())} months"
        if slope < min_slope:
            note += (
                f"; the fit said more load helps (slope {slope:.2f}), so the slope is held at {min_slope:g}"
            )
            slope = min_slope
        intercept = float(np.mean(logit + slope * u.ravel()))
        curves[measure] = TimelinessCurve(measure, intercept, slope, True, note)
    return curves


def validate_timeliness(
    dataset, params: dict[str, Parameter] | None = None, train_months: int | None = None
) -> pd.DataFrame:
    """Fit on the first `train_months` months (parameter `timeliness_train_months`, 9), score the rest.

    One row per measure observed in both parts: n_train, n_test, slope, mae_model, mae_naive (last training
    month carried forward), mae_train_mean (training mean carried forward), note. The test uses the months'
    actual demand, so it checks the load-to-timeliness relation, not a demand forecast.
    """
    params = params or load_parameters(include_levers=False)
    n_train = int(train_months or value(params, "timeliness_train_months"))
    demand = history_demand(dataset)
    staffing = StaffingPlan.from_parameters(params)
    observed = {m: dataset.series(m) for m in TIMELINESS_TEAM if m in set(dataset.observations["unique_id"])}
    train, test = demand.iloc[:n_train], demand.iloc[n_train:]
    if test.empty:
        raise ValueError(f"only {len(demand)} months of history: nothing left to test after {n_train} months")
    capacity = calibrate_capacity(train, staffing, params).per_fte  # calibrated on the training months only
    curves = fit_timeliness(
        train, {m: s.reindex(train.index) for m, s in observed.items()}, staffing, params, capacity
    )
    # the test months continue the training months' queue (backlog carries over)
    projection = project_workforce(demand, staffing, params, curves, capacity).timeliness
    rows = []
    for measure in projection["measure"].unique():
        actual = observed.get(measure, pd.Series(dtype=float))
        predicted = projection[projection["measure"] == measure].set_index("month")["on_time_pct"]
        test_actual = actual.reindex(test.index)
        train_actual = actual.reindex(train.index).dropna()
        ok = test_actual.notna()
        if train_actual.empty or not ok.any():  # not observed in the data set: nothing to score against
            continue
        rows.append(
            {
                "measure": measure,
                "n_train": int(train_actual.size),
                "n_test": int(ok.sum()),
                "slope": curves[measure].slope,
                "mae_model": float((predicted.reindex(test.index)[ok] - test_actual[ok]).abs().mean()),
                "mae_naive": float((train_actual.iloc[-1] - test_actual[ok]).abs().mean()),
                "mae_train_mean": float((train_actual.mean() - test_actual[ok]).abs().mean()),
                "note": curves[measure].note,
            }
        )
    return pd.DataFrame(rows)
