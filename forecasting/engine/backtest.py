"""Rolling-origin back-test of every candidate for one indicator, error scores, interval calibration.

Rolling origin: with n months of history, `cv_horizon` h (default 3) and `n_windows` w (default 3), the model
is refitted on the first c months for each cutoff c = n-h-w+1 .. n-h and forecasts the next h months (13
months -> training on 8, 9 and 10 months, 9 scored forecasts 1-3 months ahead). Shorter histories get fewer
windows and a shorter h; fewer than 4 months cannot be back-tested at all (then Naive is used and the output
says so). A model that cannot be fitted on the first training window is excluded with the reason.
AutoETS, AutoTheta and AutoARIMA are fitted (form and parameters chosen) only on the first window and carried
forward to the later ones, their states run on through each window's own months (statsforecast's
`cross_validation(refit=False)`; `run_model`); the simple models are refitted in every window, and every
model's final forecast is a fresh fit on all months.

Scores (on the indicator's own units):
- MAE: mean absolute error of the back-test forecasts.
- MASE: MAE divided by the mean absolute month-to-month change over the whole observed history (the in-sample
  one-step naive error). Scale-free, so indicators can be compared; the model with the lowest MASE is chosen
  (ties go to the simpler model). Naive's MASE is usually above 1 because it forecasts up to h months ahead.
- MAPE: only where every scored actual is above zero.
- coverageL: share of scored actuals inside the calibrated L% interval (`forecasting.engine.intervals`);
  raw_coverageL: the same for the model's own interval (`forecasting.engine.calibration.coverage`).
Interior months that were unreadable are interpolated for fitting but never scored.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# interval checks on a model's own spread live in calibration.py; re-exported here for existing callers
from forecasting.engine.calibration import (
    add_model_scale_actuals,
    beyond_backtest_spread,
    calibration_factor,
    calibration_factors,
    coverage,
    movement_floor,
    standardised_errors,
    z_score,
)
from forecasting.engine.models import (
    CARRIED_FORWARD,
    COMBINATION_PARTS,
    MODEL_ORDER,
    ModelSpec,
    candidate_models,
    combination_weights,
    combine,
    forecast_carried,
    forecast_model,
    model_scale,
    to_model_scale,
)

# scoring a back-test and choosing by it live in scoring.py; re-exported here for existing callers
from forecasting.engine.scoring import choose, scale_for_mase, scores, selection_check

log = logging.getLogger(__name__)
__all__ = [
    "CHOICES", "MIN_TRAIN", "ONLY_IF_NEEDED", "History", "IndicatorRuns", "ModelRun",
    "add_model_scale_actuals", "beyond_backtest_spread", "calibration_factor", "calibration_factors",
    "choose", "coverage", "cv_by_cutoff", "finish_model", "fit_indicator", "movement_floor", "part_errors",
    "prepare_history", "rolling_origins", "run_model", "scale_for_mase", "scores", "selection_check",
    "standardised_errors", "z_score",
]

MIN_TRAIN = 3  # months in the first back-test training window at least


@dataclass
class History:
    """One indicator's observed months (first to last observed) on both scales."""

    indicator: str
    months: pd.DatetimeIndex
    y: np.ndarray       # original units, NaN where unreadable
    z: np.ndarray       # model scale, unreadable interior months interpolated
    scale: str

    @property
    def n(self) -> int:
        return len(self.months)


def prepare_history(indicator: str, ds: Sequence, y: Sequence, unit: str | None) -> History | None:
    """History on a complete monthly grid from the first to the last observed month; None if nothing
    observed."""
    months, values = pd.DatetimeIndex(pd.to_datetime(ds)), np.asarray(y, dtype=float)
    if months.hasnans or not months.is_monotonic_increasing or not months.is_unique:
        frame = pd.DataFrame({"ds": months, "y": values}).dropna(subset=["ds"])
        by_month = frame.groupby("ds", as_index=True)["y"].mean().sort_index()
    else:   # the usual case, one row per month in order: the same series without the group-by
        by_month = pd.Series(values, index=months)
    observed = by_month.dropna()
    if observed.empty:
        return None
    grid = pd.date_range(observed.index.min(), observed.index.max(), freq="MS")
    values = by_month.reindex(grid).to_numpy(dtype=float)
    scale = model_scale(unit)
    z = to_model_scale(values, scale)
    if not np.isfinite(values).all():
        z = pd.Series(z).where(np.isfinite(values)).interpolate().to_numpy()
    return History(indicator, grid, values, z, scale)


def rolling_origins(n: int, max_horizon: int, n_windows: int) -> tuple[list[int], int]:
    """(cutoffs, h): training lengths of each window and the steps scored; ([], 0) if too short."""
    for h in range(max(min(max_horizon, n), 0), 0, -1):
        windows = min(n_windows, n - h - MIN_TRAIN + 1)
        if windows >= 1:
            return [n - h - windows + 1 + k for k in range(windows)], h
    return [], 0


@dataclass
class ModelRun:
    """Back-test forecasts (one row per cutoff and step) and the final forecast of one model."""

    name: str
    cv: pd.DataFrame | None = None            # cutoff, ds, step, mu, sigma, y, n_train (months fitted)
    mean: np.ndarray | None = None            # final forecast, model scale
    sigma: np.ndarray | None = None
    excluded_reason: str = ""
    cv_mu: dict = field(default_factory=dict)       # cutoff -> back-test means (for the combination)
    cv_sigma: dict = field(default_factory=dict)
    scores: dict | None = None                      # memo of `scores()`
    weights: dict = field(default_factory=dict)     # the Combination's final weights by part (models.py)
    spread: np.ndarray | None = None                # memo of `intervals.cv_spread(cv)` (intervals.run_spread)
    # a CARRIED_FORWARD model's fitted statsforecast models: on the first back-test window and on all months
    # (the holiday variant reuses their form: seasonality.same_form); not kept after the forecast is made
    first_fit: object = None
    final_fit: object = None
    errors: tuple | None = None                     # memo of `_part_errors`


@dataclass
class IndicatorRuns:
    history: History
    runs: dict[str, ModelRun] = field(default_factory=dict)
    chosen: str = ""
    choice_note: str = ""


def _fill_sigma(sigma: np.ndarray, fallback_sigma: float) -> np.ndarray:
    steps = np.arange(1, len(sigma) + 1)
    return np.where(np.isfinite(sigma), sigma, fallback_sigma * np.sqrt(steps))


def _fit(spec: ModelSpec, z: np.ndarray, horizon: int, adjust_train: np.ndarray | None,
         adjust_future: np.ndarray | None, fallback_sigma: float) -> tuple[np.ndarray, np.ndarray]:
    train = z if adjust_train is None else z - adjust_train
    mean, sigma = forecast_model(spec, train, horizon)
    if len(z) < MIN_TRAIN:  # a spread from one or two points means nothing
        sigma = np.full(horizon, np.nan)
    if adjust_future is not None:
        mean = mean + adjust_future
    return mean, _fill_sigma(sigma, fallback_sigma)


def _fit_carried(spec: ModelSpec, z: np.ndarray, horizon: int, adjust_train: np.ndarray | None,
                 adjust_future: np.ndarray | None, fallback_sigma: float, fitted=None):
    """`_fit` for a model in CARRIED_FORWARD: (mean, sigma, fitted model); `fitted` given: its form and
    parameters applied to `z` (models.forecast_carried)."""
    train = z if adjust_train is None else z - adjust_train
    mean, sigma, fitted = forecast_carried(spec, train, horizon, fitted)
    if len(z) < MIN_TRAIN:
        sigma = np.full(horizon, np.nan)
    if adjust_future is not None:
        mean = mean + adjust_future
    return mean, _fill_sigma(sigma, fallback_sigma), fitted


def same_form(spec: ModelSpec, fitted) -> ModelSpec:
    """`spec` held to the form `fitted` chose, its parameters estimated afresh: for AutoETS the error, trend
    and season types and the damping; any other model, or no fit, as it is. Choosing AutoETS's form is about
    15 candidate fits (~45 ms on 60 months); one fit of a known form takes ~1 ms. Used where the form is
    already known: the holiday variant (seasonality.try_holiday: does the dip help the chosen model, in the
    form it chose on the same months). Not for the final fit: keeping the first back-test window's form
    there and re-estimating only the parameters on all months was less accurate on the M3 benchmark (36-month
    histories, first window 31 months: mean MASE 1.968 -> 1.995, MSIS 16.53 -> 16.71), so the final
    forecast always chooses its form afresh."""
    is_ets = type(fitted).__name__ == "AutoETS" and isinstance(getattr(fitted, "model_", None), dict)
    components = fitted.model_.get("components") if is_ets else None
    if spec.name != "AutoETS" or spec.build is None or not components:
        return spec
    form, damped, build = str(components)[:3], str(components)[3:4] == "D", spec.build

    def make():
        model = build()
        if type(model).__name__ in ("AutoETS", "ETSSearch"):   # not a wrapper around one (e.g. a scale)
            model.model, model.damped = form, damped
        return model

    return ModelSpec(spec.name, spec.min_obs, make, spec.description)



def run_model(
    history: History,
    spec: ModelSpec,
    cutoffs: list[int],
    h: int,
    horizon: int,
    fallback_sigma: float,
    parts: Mapping[str, ModelRun] | None = None,
    adjustment: Callable[[pd.Timestamp, pd.DatetimeIndex], np.ndarray] | None = None,
    name: str | None = None,
    refit: bool = False,
    final: bool = True,
) -> ModelRun:
    """Back-test and final forecast of one model. `adjustment(cutoff_month, months)` gives a model-scale
    seasonal adjustment known at that cutoff (subtracted before fitting, added to forecasts).

    `refit=False` (default): a model in `models.CARRIED_FORWARD` is fitted once, on the first back-test
    window, and later windows apply that fit to their own (longer) months (statsforecast's
    `cross_validation(refit=False)`), so every window still uses only months up to its cutoff. The final
    forecast is always a fresh fit on the whole history. `refit=True` fits afresh in every window (the rule
    before; ~2x the run time of AutoETS/AutoTheta). Measured on the M3 benchmark (benchmarks/accuracy.py,
    issue 12): see models/accuracy.md. `final=False`: the back-test only (`finish_model` adds the final
    forecast later, e.g. once a variant has been kept)."""
    run = ModelRun(name or spec.name)
    carry = not refit and spec.name in CARRIED_FORWARD and spec.build is not None
    fitted = None
    combined = dict(parts or {})  # the combination's parts: runs that produced a forecast (see fit_indicator)
    rows = []
    try:
        for cutoff in cutoffs:
            train_months, test_months = history.months[:cutoff], history.months[cutoff:cutoff + h]
            if spec.build is None:  # weights from the parts' errors already observed at this cutoff
                weights = combination_weights(part_errors(combined, history, before=history.months[cutoff]))
                mean, sigma = combine({k: (v.cv_mu[cutoff], v.cv_sigma[cutoff]) for k, v in combined.items()},
                                      weights)
            else:
                adj = (adjustment(history.months[cutoff], train_months),
                       adjustment(history.months[cutoff], test_months)) if adjustment else (None, None)
                if carry:
                    mean, sigma, fitted = _fit_carried(spec, history.z[:cutoff], h, adj[0], adj[1],
                                                       fallback_sigma, fitted)
                else:
                    mean, sigma = _fit(spec, history.z[:cutoff], h, adj[0], adj[1], fallback_sigma)
            rows.append((cutoff, test_months, mean, sigma))
        run.first_fit = fitted
        if final:
            _final_forecast(run, history, spec, horizon, fallback_sigma, combined, adjustment)
    except Exception as exc:  # noqa: BLE001  (statsforecast fails in many ways on tiny or flat series)
        log.info("%s failed on %s: %s", run.name, history.indicator, exc)
        run.excluded_reason = f"failed to fit ({type(exc).__name__}: {str(exc)[:80]})"
        return run
    run.cv = _cv_frame(history, rows, h) if rows else None
    for cutoff, _, mean, sigma in rows:   # what `cv_by_cutoff` reads back from the frame, kept as made
        run.cv_mu[cutoff] = np.asarray(mean, dtype=float)
        run.cv_sigma[cutoff] = np.asarray(sigma, dtype=float)
    return run


def _final_forecast(run: ModelRun, history: History, spec: ModelSpec, horizon: int, fallback_sigma: float,
                    parts: Mapping[str, ModelRun], adjustment) -> None:
    if spec.build is None:
        final = {k: (v.mean, v.sigma) for k, v in parts.items() if v.mean is not None and v.sigma is not None}
        run.weights = combination_weights(part_errors({k: parts[k] for k in final}, history))
        run.mean, run.sigma = combine(final, run.weights)
    else:
        last = history.months[-1] + pd.offsets.MonthBegin(1)
        future = pd.date_range(last, periods=horizon, freq="MS")
        adj = (adjustment(last, history.months), adjustment(last, future)) if adjustment else (None, None)
        if spec.name in CARRIED_FORWARD:   # fit then predict: the same numbers as forecast, the model kept
            run.mean, run.sigma, run.final_fit = _fit_carried(spec, history.z, horizon, adj[0], adj[1],
                                                              fallback_sigma)
        else:
            run.mean, run.sigma = _fit(spec, history.z, horizon, adj[0], adj[1], fallback_sigma)


def finish_model(run: ModelRun, history: History, spec: ModelSpec, horizon: int, fallback_sigma: float,
                 parts: Mapping[str, ModelRun] | None = None, adjustment=None) -> bool:
    """The final forecast of a run back-tested with `run_model(..., final=False)` (same arguments); False,
    with the reason on the run, when it cannot be fitted."""
    try:
        _final_forecast(run, history, spec, horizon, fallback_sigma, dict(parts or {}), adjustment)
    except Exception as exc:  # noqa: BLE001  (as in run_model)
        log.info("%s failed on %s: %s", run.name, history.indicator, exc)
        run.mean = run.sigma = None
        run.excluded_reason = f"failed to fit ({type(exc).__name__}: {str(exc)[:80]})"
        return False
    return True


def _cv_frame(history: History, rows: list, h: int) -> pd.DataFrame:
    """One back-test frame from the windows' (cutoff, test months, mu, sigma), built once, not per window
    (every window scores h months: `rolling_origins` keeps cutoff + h within the history). Every column is a
    new array, so the frame takes them as they are (copy=False: ~5x faster to build)."""
    cutoffs = np.array([cutoff for cutoff, *_ in rows])
    return pd.DataFrame(copy=False, data={
        "cutoff": history.months[np.repeat(cutoffs - 1, h)],
        "ds": pd.DatetimeIndex(np.concatenate([months.to_numpy() for _, months, _, _ in rows])),
        "step": np.tile(np.arange(1, h + 1), len(rows)),
        "mu": np.concatenate([np.asarray(mean, dtype=float) for _, _, mean, _ in rows]),
        "sigma": np.concatenate([np.asarray(sd, dtype=float) for _, _, _, sd in rows]),
        "y": np.concatenate([history.y[cutoff:cutoff + h] for cutoff in cutoffs]),
        "n_train": np.repeat(cutoffs, h),
    })


def part_errors(parts: Mapping[str, ModelRun], history: History, before: pd.Timestamp | None = None
                ) -> dict[str, np.ndarray]:
    """Each part's back-test errors on the model scale (actual - forecast), only for months before `before`
    when given (what was known at a back-test cutoff); parts without a back-test are left out."""
    errors = {}
    for name, part in parts.items():
        if part.cv is None:
            continue
        months, every = _part_errors(part, history.scale)
        errors[name] = every if before is None else every[months < np.datetime64(before)]
    return errors


def _part_errors(part: ModelRun, scale: str) -> tuple[np.ndarray, np.ndarray]:
    """(months, model-scale errors) of every back-test row of `part`, computed once per run (the same
    element-wise arithmetic `part_errors` reads a subset of; it was recomputed for every window)."""
    cv = part.cv
    assert cv is not None
    key = (len(cv), scale)
    if part.errors is None or part.errors[0] != key:
        y = cv["y"].to_numpy(dtype=float)
        every = np.where(np.isfinite(y), to_model_scale(y, scale) - cv["mu"].to_numpy(dtype=float), np.nan)
        part.errors = (key, cv["ds"].to_numpy(), every)
    return part.errors[1], part.errors[2]


def cv_by_cutoff(run: ModelRun, cutoffs: list[int], h: int) -> None:
    """Expose back-test means/sigmas per cutoff index for the combination."""
    cv = run.cv
    assert cv is not None, "only runs that were back-tested are combined"
    for index, cutoff in enumerate(cutoffs):
        block = cv.iloc[index * h:(index + 1) * h]
        run.cv_mu[cutoff], run.cv_sigma[cutoff] = block["mu"].to_numpy(), block["sigma"].to_numpy()


CHOICES = ("combination", "backtest")
# Not part of the Combination and slow (AutoARIMA: ~0.9 s of a 60-month series' ~1.2 s, 4 fits): under
# choice="combination" run only when the Combination cannot be used (else it cannot change the forecast).
ONLY_IF_NEEDED = ("AutoARIMA",)


def fit_indicator(history: History, *, horizon: int, names: Sequence[str] = MODEL_ORDER, cv_horizon: int = 3,
                  n_windows: int = 3, arima_min_obs: int = 24, fallback_sigma: float = 0.25,
                  choice: str = "combination", refit: bool = False) -> IndicatorRuns:
    """Back-test every candidate on one indicator and forecast `horizon` months after its last observed
    month.

    `choice="combination"` (default) uses the Combination whenever it ran and was back-tested, else the
    lowest back-test MASE; `choice="backtest"` always the lowest back-test MASE. Why: choosing one model by a
    3-window back-test picked the best-in-hindsight model for only ~20% of public series (issue 12) and
    always using the combination beat it at every history length (benchmarks/accuracy.py). `refit`: see
    `run_model` (False: AutoETS/AutoTheta/AutoARIMA fitted once in the back-test and carried forward).
    """
    if choice not in CHOICES:
        raise ValueError(f"choice must be one of {CHOICES}, got {choice!r}")
    result = IndicatorRuns(history)
    cutoffs, h = rolling_origins(history.n, cv_horizon, n_windows)
    specs, excluded = candidate_models(history.n, names, arima_min_obs=arima_min_obs, scale=history.scale)
    for name, reason in excluded.items():
        result.runs[name] = ModelRun(name, excluded_reason=reason)
    deferred = []
    for spec in specs:
        if cutoffs and cutoffs[0] < spec.min_obs:
            result.runs[spec.name] = ModelRun(spec.name, excluded_reason=(
                f"needs {spec.min_obs} months to fit; the first back-test window has only {cutoffs[0]}"))
            continue
        if choice == "combination" and spec.name in ONLY_IF_NEEDED:
            result.runs[spec.name] = ModelRun(spec.name)  # keeps its place in the table; filled in below
            deferred.append(spec)
            continue
        parts = None
        if spec.build is None:
            parts = {k: v for k, v in result.runs.items() if v.mean is not None and k in COMBINATION_PARTS}
            if len(parts) < 2:
                result.runs[spec.name] = ModelRun(spec.name, excluded_reason="fewer than two parts ran")
                continue
        result.runs[spec.name] = run_model(history, spec, cutoffs, h, horizon, fallback_sigma, parts=parts,
                                           refit=refit)
    combination = result.runs.get("Combination")
    usable = combination is not None and combination.mean is not None and combination.cv is not None
    for spec in deferred:
        if usable:
            result.runs[spec.name].excluded_reason = (
                f"not run: the forecast is the average of {' and '.join(COMBINATION_PARTS)}, which does not "
                "use it")
        else:
            result.runs[spec.name] = run_model(history, spec, cutoffs, h, horizon, fallback_sigma,
                                               refit=refit)
    choose(result, cutoffs)
    if choice == "combination" and usable and not result.choice_note:
        result.chosen = "Combination"
    return result
