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
from forecasting.planning.timeliness_load import (
    LOADS,
    TEAM_LOAD,
    arrivals,
    calibrate_arrivals,
    load_definition,
    queue_history,
    utilisation_from_arrivals,
)
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
    loads: dict[str, str] | None = None,
    engine_mae: dict[str, float] | None = None,
) -> dict[str, TimelinessCurve]:
    """Fit logit(on-time share) = intercept - slope x utilisation by least squares (scikit-learn), slope at
    least the minimum. Each measure's utilisation is read with the load `loads[measure]` (a key of
    timeliness_load.LOADS; default the adopted ones, `adopt_loads`: work arriving where it beats naive, and
    the engine's back-test error `engine_mae` {measure: MAE} when given)."""
    if loads is None:
        loads = adopt_loads(demand, observed, staffing, params, capacity, engine_mae=engine_mae).loads
    by_team = team_load(demand, staffing.fte(pd.DatetimeIndex(demand.index)), params, capacity)
    arrays = {c: demand[c].to_numpy(dtype=float) for c in demand.columns}
    min_slope = value(params, "timeliness_min_slope")
    defaults = default_curves(params)
    curves = {}
    for measure, team in TIMELINESS_TEAM.items():
        if team not in set(by_team["team"]):
            curves[measure] = replace(
                defaults[measure], note=f"no {team} workload in the data; parameters used"
            )
            continue
        rows = by_team[by_team["team"] == team].set_index("month")
        definition = load_definition(measure, loads.get(measure, TEAM_LOAD))
        load, per_fte = rows["utilisation"], float("nan")
        queue: dict = {}
        if definition.queue:
            try:
                load, queue = queue_history(arrays, rows["fte"], params)
                per_fte = queue.pop("per_fte")
            except KeyError as exc:  # the data set lacks referrals or completions: the team's own load
                log.info("%s: %s; the team's own load is used", measure, exc)
                definition = load_definition(measure, TEAM_LOAD)
        elif definition.key != TEAM_LOAD:
            try:
                windowed = arrivals(arrays, definition, params)
            except KeyError as exc:  # the data set lacks the arriving work: the team's own load
                log.info("%s: %s; the team's own load is used", measure, exc)
                definition = load_definition(measure, TEAM_LOAD)
            else:
                per_fte = calibrate_arrivals(windowed, rows["fte"].to_numpy(), params)
                load = pd.Series(
                    utilisation_from_arrivals(windowed, rows["fte"].to_numpy(), per_fte), index=rows.index
                )
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
        note = f"fitted on {int(ok.sum())} months, load: {definition.words}"
        if slope < min_slope:
            note += (
                f"; the fit said more load helps (slope {slope:.2f}), so the slope is held at {min_slope:g}"
            )
            slope = min_slope
        intercept = float(np.mean(logit + slope * u.ravel()))
        curves[measure] = TimelinessCurve(
            measure, intercept, slope, True, note, definition.key, per_fte, **queue
        )
    return curves


# ------------------------------------------------------------------------- which load earns its place
@dataclass(frozen=True)
class LoadScores:
    """`loads` {measure: adopted load key}; `table`: measure, load, words, arriving, windows, months_scored,
    mae_model, mae_naive, beats_naive, smallest_slope (of the curves fitted at the origins), load_effect,
    adopted (rolling-origin errors in percentage points)."""

    loads: dict[str, str]
    table: pd.DataFrame


def score_load(
    demand: pd.DataFrame,
    observed: dict[str, pd.Series],
    measure: str,
    key: str,
    staffing: StaffingPlan,
    params: dict[str, Parameter],
    horizon: int = 3,
    n_windows: int = 3,
) -> tuple[list[float], list[float], int, list[float]]:
    """(model errors, naive errors, windows, fitted slopes) on the engine's rolling origins: at each origin
    capacity and the curve with load `key` are fitted on the months before it only, then the queue runs on to
    the scored months with their actual demand; naive = the last observed month before the origin. ValueError
    when the history cannot score it."""
    from forecasting.engine.backtest import rolling_origins  # the engine's windows, the same months

    actual = observed[measure].reindex(demand.index).to_numpy(dtype=float)
    cutoffs, steps = rolling_origins(len(actual), horizon, n_windows)
    model_errors: list[float] = []
    naive_errors: list[float] = []
    slopes: list[float] = []
    for cutoff in cutoffs:
        train = demand.iloc[:cutoff]
        per_fte = calibrate_capacity(train, staffing, params).per_fte
        curves = fit_timeliness(
            train,
            {m: s.reindex(train.index) for m, s in observed.items()},
            staffing,
            params,
            per_fte,
            loads={measure: key},
        )
        if curves[measure].load != key:
            raise ValueError(f"the data set lacks the work {load_definition(measure, key).words} needs")
        slopes.append(curves[measure].slope if curves[measure].fitted else float("nan"))
        timeliness = project_workforce(
            demand.iloc[: cutoff + steps], staffing, params, curves, per_fte
        ).timeliness
        predicted = timeliness.loc[timeliness["measure"] == measure, "on_time_pct"].to_numpy()
        predicted = predicted[cutoff : cutoff + steps]
        truth = actual[cutoff : cutoff + steps]
        history = actual[:cutoff][~np.isnan(actual[:cutoff])]
        if len(predicted) != len(truth) or not len(history):
            raise ValueError(f"too little {measure} history to score")
        ok = ~np.isnan(truth)
        model_errors += list(np.abs(predicted[ok] - truth[ok]))
        naive_errors += list(np.abs(history[-1] - truth[ok]))
    return model_errors, naive_errors, len(cutoffs), slopes


def adopt_loads(
    demand: pd.DataFrame,
    observed: dict[str, pd.Series],
    staffing: StaffingPlan,
    params: dict[str, Parameter],
    capacity: dict[str, float] | None = None,
    horizon: int = 3,
    n_windows: int = 3,
    engine_mae: dict[str, float] | None = None,
) -> LoadScores:
    """Score every load definition of every observed measure (`score_load`) and adopt, per measure, the
    work-arriving definition with the smallest error among those that beat naive, beat the engine's own
    back-test error (`engine_mae` {measure: MAE}, `engine_errors`; when given and known) and whose load has an
    effect (`load_effect`: the fitted slope above `timeliness_min_slope` at every origin; a curve held flat
    is a historical average, and beating naive with it says nothing about the load); else the team's own
    load (forecasting.planning.timeliness_load docstring). `capacity` is not used (each origin calibrates
    its own); it is accepted so the call matches `fit_timeliness`."""
    del capacity
    engine_mae = engine_mae or {}
    rows, loads = [], {}
    for measure, definitions in LOADS.items():
        if measure not in observed or observed[measure].notna().sum() == 0:
            continue
        best = (np.inf, TEAM_LOAD)
        for definition in definitions:
            try:
                model, naive, windows, slopes = score_load(
                    demand, observed, measure, definition.key, staffing, params, horizon, n_windows
                )
            except (ValueError, KeyError, IndexError) as exc:  # this history cannot score the definition
                log.info("%s %s not scored: %s", measure, definition.words, exc)
                continue
            if not model:
                continue
            mae_model, mae_naive = float(np.mean(model)), float(np.mean(naive))
            effect = bool(np.all(np.asarray(slopes) > value(params, "timeliness_min_slope")))
            arriving = definition.arriving and definition.key != TEAM_LOAD
            engine = float(engine_mae.get(measure, np.nan))
            beats_engine = not np.isfinite(engine) or mae_model < engine
            if arriving and mae_model < mae_naive and beats_engine and effect:
                best = min(best, (mae_model, definition.key))
            rows.append(
                {
                    "measure": measure,
                    "load": definition.key,
                    "words": definition.words,
                    "arriving": definition.arriving,
                    "windows": windows,
                    "months_scored": len(model),
                    "mae_model": mae_model,
                    "mae_naive": mae_naive,
                    "beats_naive": mae_model < mae_naive,
                    "smallest_slope": float(np.min(slopes)) if slopes else float("nan"),
                    "load_effect": effect,
                }
            )
        loads[measure] = best[1]
    table = pd.DataFrame(rows, columns=[*LOAD_SCORE_COLUMNS[:-1]])
    table["adopted"] = [loads.get(m) == k for m, k in zip(table["measure"], table["load"], strict=True)]
    return LoadScores(loads, table)


def engine_errors(backtest: pd.DataFrame | None) -> dict[str, float]:
    """{indicator: the chosen model's MAE} from the engine's back-test (ForecastResult.backtest); {} if
    none."""
    if backtest is None or not len(backtest):
        return {}
    chosen = backtest[backtest["chosen"].astype(bool)]
    return {str(k): float(v) for k, v in zip(chosen["indicator"], chosen["mae"], strict=True)}


LOAD_SCORE_COLUMNS = (
    "measure",
    "load",
    "words",
    "arriving",
    "windows",
    "months_scored",
    "mae_model",
    "mae_naive",
    "beats_naive",
    "smallest_slope",
    "load_effect",
    "adopted",
)


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
