"""Orchestration: back-test every indicator, choose a model, forecast with calibrated intervals, coherence.

`run_forecast(dataset, horizon=21, settings=None) -> ForecastResult` (see docs/ARCHITECTURE.md).

How a forecast is made, per indicator:
1. Fit on the domain scale (`forecasting.engine.models`: log1p for counts/rates, logit for percents) and
   back-test every candidate by rolling origin (`forecasting.engine.backtest`). The forecast is the
   Combination (AutoETS and AutoTheta averaged with weights halfway between equal and their back-test
   accuracy, `models.combination_weights`) whenever it runs, else the lowest back-test MASE
   (`ForecastSettings(choice="backtest")` always picks by back-test); see `backtest.fit_indicator` for why.
2. Front-door count series may take the pooled school-holiday dip (`forecasting.engine.seasonality`) when the
   leave-one-series-out check and the back-test both say it helps; the model is then named e.g.
   `AutoETS+holiday`.
3. Intervals are normal on the model scale: loc +- z * sd, with sd(h) = the model's one-step spread x an
   empirical growth with the months ahead (from public M3 series outside the accuracy benchmark's sample,
   `forecasting.engine.intervals`, rebuilt by tools/horizon_prior.py; capped where a count's history spans
   more than threefold), optionally x a factor pooled over the data set's back-test
   (`pooled_calibration`). The back-test table reports the coverage of these intervals on the back-test
   windows (leave-one-series-out factor when pooled), so it is out-of-sample.
4. Coherence: a percent whose numerator and denominator are both forecast is derived, mean = 100 * numerator /
   denominator (e.g. M3 = 100 * M2 / M1), with its own calibrated spread on the logit scale around that mean;
   a rate per 10,000 is the forecast of its count times 10,000 / population_0_17, every quantile included, so
   rates and counts always agree. These rows carry the model name `Derived(...)` and their own back-test row.

`mean` is the back-transformed centre of the model-scale distribution (its median); with
`ForecastResult.distribution` (indicator, month, scale, loc, sd, multiplier) any quantile or P(value <= x) is
exact: value = multiplier * back_transform(loc + sd * Z), Z standard normal. Use `quantile()` and
`probability_below()`; for a sum over months (an annual total) `total_quantile()` and
`probability_total_below()`, which must state how months move together (`dependence`, see models.py).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from forecasting.engine import backtest as bt
from forecasting.engine import intervals
from forecasting.engine.backtest import History, z_score
from forecasting.engine.cache import cached, dataset_fingerprint
from forecasting.engine.coherence import add_derived, derived_cv, derived_scores
from forecasting.engine.explain import explain_choice
from forecasting.engine.models import (
    ARIMA_MIN_OBS,
    MODEL_ORDER,
    SPECS,
    derivations,
    from_model_scale,
    population,
    to_model_scale,
)
from forecasting.engine.seasonality import holiday_adjuster, holiday_group, try_holiday
from forecasting.engine.totals import total_probability_below, total_quantile

log = logging.getLogger(__name__)
__all__ = ["ForecastResult", "ForecastSettings", "run_forecast"]


@dataclass(frozen=True)
class ForecastSettings:
    """Everything that changes a forecast; its hash keys the cache."""

    horizon: int = 21                 # months after the last observed month (Jun-18 + 21 = Mar-20)
    levels: tuple[int, ...] = (80, 95)
    n_windows: int = 3                # rolling-origin back-test windows
    cv_horizon: int = 3               # months ahead scored in each window
    models: tuple[str, ...] = MODEL_ORDER
    seasonality: bool = True          # try the pooled school-holiday dip on front-door series
    arima_min_obs: int = ARIMA_MIN_OBS
    # model-scale spread per sqrt(month) when a series is too short to measure one (<= 2 months): 0.25 on the
    # log scale is about +-28% a month at 1 sd
    fallback_sigma: float = 0.25
    n_jobs: int = 1
    choice: str = "combination"       # or "backtest": see backtest.fit_indicator
    pooled_calibration: bool = False  # scale the horizon prior by the data set's back-test (intervals.py)
    refit_backtest: bool = False      # True: refit ETS/Theta/ARIMA in every back-test window (run_model)

    def __post_init__(self):
        if not 1 <= int(self.horizon) <= 120:
            raise ValueError(f"horizon must be 1..120 months, got {self.horizon}")
        if not self.levels or any(not 50 <= level < 100 for level in self.levels):
            raise ValueError(f"levels must be percentages between 50 and 99, got {self.levels}")
        if self.n_windows < 1 or self.cv_horizon < 1:
            raise ValueError("n_windows and cv_horizon must be at least 1")
        unknown = [name for name in self.models if name not in SPECS]
        if unknown:
            raise ValueError(f"unknown model(s) {unknown}; choose from {', '.join(MODEL_ORDER)}")
        if self.choice not in bt.CHOICES:
            raise ValueError(f"choice must be one of {', '.join(bt.CHOICES)}, got {self.choice!r}")
        object.__setattr__(self, "levels", tuple(sorted(int(level) for level in self.levels)))
        object.__setattr__(self, "models", tuple(self.models))

    def cache_key(self) -> str:
        text = json.dumps(dataclasses.asdict(self) | {"n_jobs": None}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class ForecastResult:
    forecasts: pd.DataFrame
    all_forecasts: pd.DataFrame
    backtest: pd.DataFrame
    explanations: dict[str, str]
    distribution: pd.DataFrame       # indicator, month, model, scale, loc, sd, multiplier (chosen model)
    holiday: str = ""
    settings: ForecastSettings = field(default_factory=ForecastSettings)
    selection_check: pd.DataFrame = field(default_factory=pd.DataFrame)  # see backtest.selection_check

    def _row(self, indicator: str, month) -> pd.Series:
        rows = self.distribution[(self.distribution["indicator"] == indicator)
                                 & (self.distribution["month"] == pd.Timestamp(month))]
        if rows.empty:
            raise KeyError(f"No forecast for {indicator} in {pd.Timestamp(month):%Y-%m}; forecast months are "
                           f"{self.distribution['month'].min():%Y-%m}..{self.distribution['month'].max():%Y-%m}")
        return rows.iloc[0]

    def quantile(self, indicator: str, month, q: float) -> float:
        """The q-quantile (0 < q < 1) of the forecast distribution of `indicator` in `month`."""
        row = self._row(indicator, month)
        value = from_model_scale(np.array([row["loc"] + row["sd"] * norm.ppf(q)]), row["scale"])[0]
        return float(row["multiplier"] * value)

    def _rows(self, indicator: str, months) -> pd.DataFrame:
        wanted = pd.DatetimeIndex(pd.to_datetime(list(months)))
        rows = self.distribution[self.distribution["indicator"] == indicator].set_index("month")
        missing = wanted.difference(pd.DatetimeIndex(rows.index))
        if len(missing):
            raise KeyError(f"No forecast for {indicator} in {', '.join(f'{m:%Y-%m}' for m in missing)}")
        return rows.loc[wanted]

    def total_quantile(self, indicator: str, months, q: float, dependence: str = "comonotone") -> float:
        """q-quantile of the sum over forecast `months` (e.g. an annual total); see totals.total_quantile."""
        rows = self._rows(indicator, months)
        return total_quantile(
            rows["loc"], rows["sd"], rows["scale"].iloc[0], rows["multiplier"].to_numpy(), q, dependence
        )

    def probability_total_below(self, indicator: str, months, value: float, dependence: str = "comonotone"):
        """P(sum over forecast `months` <= value); see totals.total_probability_below."""
        rows = self._rows(indicator, months)
        return total_probability_below(rows["loc"], rows["sd"], rows["scale"].iloc[0],
                                       rows["multiplier"].to_numpy(), value, dependence)

    def probability_below(self, indicator: str, month, value: float) -> float:
        """P(outcome <= value) under the forecast distribution (for P(target met))."""
        row = self._row(indicator, month)
        if row["scale"] == "logit" and value >= 100:
            return 1.0
        if row["scale"] in ("log1p", "logit") and value < 0:
            return 0.0
        z = to_model_scale(np.array([value / row["multiplier"]]), row["scale"])[0]
        if row["sd"] <= 0:
            return float(z >= row["loc"])
        return float(norm.cdf((z - row["loc"]) / row["sd"]))


def run_forecast(dataset, horizon: int | None = None, settings: ForecastSettings | None = None, *,
                 progress: Callable[[int, int, str], None] | None = None, use_cache: bool = True,
                 cache_dir=None) -> ForecastResult:
    """Back-test, choose and forecast every indicator of `dataset` (default horizon 21 months).

    `horizon` overrides `settings.horizon` when both are given. Results are cached in models/cache/ keyed by
    the data, the settings and the code version (see `forecasting.engine.cache`).
    """
    settings = settings or ForecastSettings()
    if horizon is not None and horizon != settings.horizon:
        settings = dataclasses.replace(settings, horizon=int(horizon))
    if not use_cache:
        return _compute(dataset, settings, progress)
    return cached(("run_forecast", dataset_fingerprint(dataset), settings.cache_key()),
                  lambda: _compute(dataset, settings, progress), cache_dir=cache_dir)


# ------------------------------------------------------------------------------------------------- compute
def _compute(dataset, settings: ForecastSettings, progress) -> ForecastResult:
    observations, catalogue = dataset.observations, dataset.indicators
    last_month = pd.Timestamp(dataset.last_month)
    future = pd.date_range(last_month + pd.offsets.MonthBegin(1), periods=settings.horizon, freq="MS")
    unit_of = catalogue["unit"].to_dict() if "unit" in catalogue else {}
    histories = {code: bt.prepare_history(code, rows["ds"], rows["y"], unit_of.get(code))
                 for code, rows in observations.groupby("unique_id", sort=False)}
    scorecard_order = [code for code in catalogue.index if code in histories]
    histories = {
        code: histories[code] for code in scorecard_order + [c for c in histories if c not in catalogue.index]
    }
    pop = population(dataset)
    derived = derivations(catalogue, histories, pop)

    observed = {code: history for code, history in histories.items() if history is not None}
    group = [
        c for c in holiday_group(catalogue, list(histories)) if c in observed and observed[c].scale == "log1p"
    ]
    full_effect, adjustment = holiday_adjuster({c: observed[c] for c in group})
    group_series = {c: (observed[c].months, observed[c].z) for c in group}

    def steps_for(history: History) -> int:
        gap = (last_month.year - history.months[-1].year) * 12 + last_month.month - history.months[-1].month
        return settings.horizon + max(gap, 0)

    codes = list(observed)
    kwargs: dict[str, Any] = {
        "names": settings.models,
        "cv_horizon": settings.cv_horizon,
        "n_windows": settings.n_windows,
        "arima_min_obs": settings.arima_min_obs,
        "fallback_sigma": settings.fallback_sigma,
        "choice": settings.choice,
        "refit": settings.refit_backtest,
    }
    if settings.n_jobs != 1 and len(codes) > 1:
        from joblib import Parallel, delayed

        fitted = Parallel(n_jobs=settings.n_jobs)(
            delayed(bt.fit_indicator)(observed[c], horizon=steps_for(observed[c]), **kwargs) for c in codes)
        fits = dict(zip(codes, fitted, strict=True))
        if progress:
            progress(len(codes), len(codes), "all")
    else:
        fits = {}
        for index, code in enumerate(codes, start=1):
            if progress:
                progress(index, len(codes), code)
            fits[code] = bt.fit_indicator(observed[code], horizon=steps_for(observed[code]), **kwargs)

    notes = {}
    for code in group:
        if settings.seasonality and full_effect.detected:
            notes[code] = try_holiday(fits[code], adjustment, group_series, steps=steps_for(observed[code]),
                                      cv_horizon=settings.cv_horizon, n_windows=settings.n_windows,
                                      fallback_sigma=settings.fallback_sigma, refit=settings.refit_backtest,
                                      known=full_effect)

    # calibration (see intervals.py): one factor per model pooled over the data set's series, relative to
    # the one-step spread grown by the empirical prior; holiday variants share their base model's
    errors: dict[str, dict[str, np.ndarray]] = {}
    for code, fit in fits.items():
        for name, run in fit.runs.items():
            bt.add_model_scale_actuals(run, fit.history.scale)
            errors.setdefault(name.split("+")[0], {})[code] = intervals.prior_standardised_errors(run)
    factors = {
        model: intervals.pooled_factors(by_series, settings.levels) if settings.pooled_calibration
        else (1.0, dict.fromkeys(by_series, 1.0)) for model, by_series in errors.items()
    }

    holiday_text = full_effect.describe() if settings.seasonality else "not tried (seasonality switched off)"
    return _tables(settings, histories, fits, factors, derived, future, notes, holiday_text)


_z = z_score
_derived_cv, _derived_scores = derived_cv, derived_scores   # their names before coherence.py (tests use them)


def _interval_columns(code, months, model, scale, loc, sd, multiplier, levels) -> dict[str, np.ndarray]:
    columns = {
        "indicator": np.full(len(months), code, dtype=object),
        "month": np.asarray(months),
        "model": np.full(len(months), model, dtype=object),
        "mean": multiplier * from_model_scale(loc, scale),
    }
    for level in levels:
        columns[f"lo{level}"] = multiplier * from_model_scale(loc - _z(level) * sd, scale)
        columns[f"hi{level}"] = multiplier * from_model_scale(loc + _z(level) * sd, scale)
    return columns


def _interval_frame(parts: list[dict[str, np.ndarray]], levels) -> pd.DataFrame:
    names = ["indicator", "month", "model", "mean"] + [
        f"{side}{lv}" for lv in levels for side in ("lo", "hi")
    ]
    if not parts:
        return pd.DataFrame(columns=names)
    frame = pd.DataFrame({name: np.concatenate([part[name] for part in parts]) for name in names})
    # already datetime64 when every part's is; to_datetime would still scan it (~5% of a 13-month run)
    if not pd.api.types.is_datetime64_dtype(frame["month"]):
        frame["month"] = pd.to_datetime(frame["month"])
    return frame


def _tables(settings, histories, fits, factors, derived, future, notes, holiday_text) -> ForecastResult:
    levels, horizon = settings.levels, settings.horizon
    all_frames, backtest_rows, chosen = [], [], {}
    for code, history in histories.items():
        if history is None:
            backtest_rows.append({"indicator": code, "model": "none", "chosen": False, "n_windows": 0,
                                  "excluded_reason": "no readable values in the data: nothing to forecast"})
            continue
        fit = fits[code]
        for name, run in fit.runs.items():
            pooled, loo = factors.get(name.split("+")[0], (1.0, {}))
            if run.mean is not None:
                log_history = history.z if history.scale == "log1p" else None   # the span cap
                sd = (intervals.forecast_spread(run.sigma, history.n, log_history) * pooled)[-horizon:]
                loc = run.mean[-horizon:]
                all_frames.append(_interval_columns(code, future, name, history.scale, loc, sd, 1.0, levels))
                if name == fit.chosen:
                    chosen[code] = (name, history.scale, loc, sd, 1.0)
            row = {"indicator": code, "model": name, **bt.scores(run, history)}
            for level in levels:
                row[f"coverage{level}"] = intervals.coverage(run, history.scale, loo.get(code, 1.0), level)
            for level in levels:
                row[f"raw_coverage{level}"] = bt.coverage(run, history.scale, 1.0, level)
            backtest_rows.append(row | {"chosen": name == fit.chosen, "excluded_reason": run.excluded_reason})
    derived_notes = add_derived(derived, chosen, backtest_rows, fits, histories, factors, levels)
    chosen = {code: chosen[code] for code in histories if code in chosen}  # scorecard order
    distribution = pd.DataFrame([
        {"indicator": code, "month": month, "model": name, "scale": scale, "loc": loc[i], "sd": sd[i],
         "multiplier": multiplier}
        for code, (name, scale, loc, sd, multiplier) in chosen.items() for i, month in enumerate(future)],
        columns=["indicator", "month", "model", "scale", "loc", "sd", "multiplier"])
    forecasts = _interval_frame([_interval_columns(code, future, name, scale, loc, sd, multiplier, levels)
                                 for code, (name, scale, loc, sd, multiplier) in chosen.items()], levels)
    columns = ["indicator", "model", "mae", "mase", "mape"] + [f"coverage{lv}" for lv in levels] + \
        ["n_windows", "chosen", "excluded_reason"] + [f"raw_coverage{lv}" for lv in levels]
    order = {code: index for index, code in enumerate(histories)}
    # stable: models keep their order
    backtest_rows.sort(key=lambda row: order.get(row["indicator"], len(order)))
    backtest_table = pd.DataFrame(backtest_rows).reindex(columns=columns)
    backtest_table["chosen"] = backtest_table["chosen"].fillna(False).astype(bool)
    backtest_table["n_windows"] = backtest_table["n_windows"].fillna(0).astype(int)
    backtest_table["excluded_reason"] = backtest_table["excluded_reason"].fillna("")
    all_forecasts = _interval_frame(all_frames, levels)
    explanations = {code: explain_choice(code, backtest_table, fits.get(code), notes.get(code, ""),
                                   derived_notes.get(code, ""), levels) for code in histories}
    checks = [check for fit in fits.values() if (check := bt.selection_check(fit)) is not None]
    selection = pd.DataFrame(
        checks, columns=["indicator", "selected", "mase_last_window", "naive_mase_last_window"]
    )
    return ForecastResult(forecasts, all_forecasts, backtest_table, explanations, distribution, holiday_text,
                          settings, selection)
