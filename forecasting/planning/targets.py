"""Targets and benchmarks: projected value at the target date, its interval, P(target met), RAG and gap.

Target bases (see `forecasting.data.contract`):
- `year_end_level`: the value in March of the period's end year (31 March; "2018-19" -> month 2019-03).
- `annual_total`: the sum of the Apr-Mar monthly values, observed months plus forecast months. Each forecast
  month is treated as normal with sigma = (hi95 - lo95) / (2 x 1.96); the sum's variance assumes the stated
  correlation `annual_total_month_correlation` between every pair of months (parameter, default 0.5). When the
  engine's monthly bounds are never negative, the total's lower bound is floored at the observed part (the
  normal approximation is rough for skewed, small counts; the explanation gives the months used).
  When the forecasting engine's distribution is available (a ForecastResult or a scenario result), the total is
  simulated instead: each month drawn from its own (skewed, never negative) distribution, months joined by a
  Gaussian copula with the same correlation; projected = median, interval = 2.5%/97.5% of the simulated totals,
  P(met) = share of simulated totals meeting the target (fixed seed, `annual_total_draws` draws).
- `monthly_rate`: the average of the period's monthly values, with the same rule as a total divided by 12.
A month already observed counts as certain. A year with months neither observed nor forecast is estimated pro
rata from the months there are and says so; its probability is left blank (grey).

P(met) respects polarity: lower_is_better -> P(value <= target); higher_is_better -> P(value >= target); for a
neutral indicator the direction is "reach the target from where the latest actual is" and the explanation says
so. When `forecasts` is a `ForecastResult` with `probability_below` (forecasting.engine.forecast), single-month
probabilities use its exact distribution; otherwise the normal approximation above. RAG: Green if P(met) >=
`rag_green_probability`, Amber if >= `rag_amber_probability`, else Red (named parameters).
"""
from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
from scipy.stats import norm

from forecasting.data.panel import split_ids
from forecasting.engine.models import from_model_scale
from forecasting.planning.parameters import Parameter, load_parameters, value

log = logging.getLogger(__name__)
__all__ = ["TARGET_COLUMNS", "compare_benchmarks", "evaluate_targets", "panel_targets", "period_months",
           "rag_status"]

Z95 = float(norm.ppf(0.975))
TARGET_COLUMNS = ["indicator", "period", "target", "basis", "target_date", "projected", "lo95", "hi95",
                  "probability_met", "rag", "gap", "polarity", "explanation"]


def period_months(period: str) -> pd.DatetimeIndex:
    """Months of a financial year '2018-19': Apr 2018 .. Mar 2019."""
    try:
        start = int(str(period).strip()[:4])
    except ValueError:
        raise ValueError(f"period {period!r} is not a financial year like 2018-19") from None
    return pd.date_range(f"{start}-04-01", periods=12, freq="MS")


def rag_status(probability: float, params: dict[str, Parameter]) -> str:
    if probability is None or not np.isfinite(probability):
        return "Grey"
    if probability >= value(params, "rag_green_probability"):
        return "Green"
    return "Amber" if probability >= value(params, "rag_amber_probability") else "Red"


def _forecast_frame(forecasts) -> tuple[pd.DataFrame, object]:
    """(indicator-month frame, object offering probability_below or None)."""
    if hasattr(forecasts, "forecasts") and isinstance(forecasts.forecasts, pd.DataFrame):
        exact = forecasts if hasattr(forecasts, "probability_below") else None
        return forecasts.forecasts, exact
    return forecasts, None


def _month_values(dataset, frame: pd.DataFrame, indicator: str, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Per month: mean, sigma (0 if observed), source ('observed'/'forecast'/None)."""
    observed = dataset.series(indicator) if indicator in set(dataset.observations["unique_id"]) else pd.Series(dtype=float)
    rows = frame[frame["indicator"] == indicator].set_index("month")
    out = []
    for month in months:
        if month in observed.index and np.isfinite(observed.get(month, np.nan)):
            out.append((float(observed[month]), 0.0, "observed"))
        elif month in rows.index:
            row = rows.loc[month]
            sigma = max(float(row["hi95"]) - float(row["lo95"]), 0.0) / (2 * Z95)
            out.append((float(row["mean"]), sigma, "forecast"))
        else:
            out.append((np.nan, np.nan, None))
    return pd.DataFrame(out, index=months, columns=["mean", "sigma", "source"])


def _distribution_rows(forecasts, indicator: str, months: pd.DatetimeIndex):
    """(loc, sd, scale, multiplier, shift) arrays for `months` from the engine's distribution, or None.

    A `ForecastResult` carries `distribution`; a scenario result carries its baseline's distribution and the
    scenario's `indicator_deltas` (the whole distribution moves by the delta, as in
    forecasting.planning.scenarios.ScenarioResult.probability_below)."""
    dist = getattr(forecasts, "distribution", None)
    shift = np.zeros(len(months))
    if not isinstance(dist, pd.DataFrame):
        baseline = getattr(forecasts, "baseline", None)
        dist = getattr(baseline, "distribution", None)
        if not isinstance(dist, pd.DataFrame):
            return None
        deltas = getattr(forecasts, "indicator_deltas", {}) or {}
        if indicator in deltas:
            base_months = pd.DatetimeIndex(baseline.months)
            series = pd.Series(np.asarray(deltas[indicator], dtype=float), index=base_months)
            shift = series.reindex(months).fillna(0.0).to_numpy()
    rows = dist[dist["indicator"] == indicator].drop_duplicates("month").set_index("month")
    rows.index = pd.DatetimeIndex(rows.index)
    if len(months) == 0 or not set(months) <= set(rows.index) or rows.loc[months, "scale"].nunique() != 1:
        return None
    rows = rows.loc[months]
    return (rows["loc"].to_numpy(float), rows["sd"].to_numpy(float), str(rows["scale"].iloc[0]),
            rows["multiplier"].to_numpy(float), shift)


def _simulated_totals(parts, rho: float, n_draws: int, seed: int) -> np.ndarray:
    """Totals over months of draws from each month's own distribution, months joined by a Gaussian copula with
    equal correlation rho (one shared shock with weight sqrt(rho), plus each month's own)."""
    loc, sd, scale, multiplier, shift = parts
    rng = np.random.default_rng(seed)
    shared = rng.standard_normal((n_draws, 1))
    own = rng.standard_normal((n_draws, len(loc)))
    z = np.sqrt(rho) * shared + np.sqrt(1.0 - rho) * own
    values = multiplier * from_model_scale(loc + sd * z, scale) + shift
    return np.maximum(values, 0.0).sum(axis=1) if scale != "identity" else values.sum(axis=1)


def _sum_sigma(sigmas: np.ndarray, rho: float) -> float:
    """sd of a sum of normals with equal pairwise correlation rho."""
    total = float(np.sum(sigmas))
    squares = float(np.sum(sigmas ** 2))
    return float(np.sqrt(max(squares + rho * (total ** 2 - squares), 0.0)))


def _direction(polarity: str, target: float, latest: float | None) -> str:
    if polarity in ("lower_is_better", "higher_is_better"):
        return polarity
    if latest is not None and np.isfinite(latest) and latest > target:
        return "lower_is_better"
    return "higher_is_better"


def _probability(direction: str, mean: float, sigma: float, target: float) -> float:
    if not np.isfinite(mean):
        return np.nan
    if sigma <= 0:
        met = mean <= target if direction == "lower_is_better" else mean >= target
        return 1.0 if met else 0.0
    below = float(norm.cdf((target - mean) / sigma))
    return below if direction == "lower_is_better" else 1.0 - below


def _never_negative(frame: pd.DataFrame, indicator: str) -> bool:
    """True when the engine's own 95% lower bounds are all >= 0 (a count or percent)."""
    lows = frame.loc[frame["indicator"] == indicator, "lo95"]
    return bool(len(lows)) and bool((lows >= 0).all())


def _latest(dataset, indicator: str) -> float | None:
    if indicator not in set(dataset.observations["unique_id"]):
        return None
    series = dataset.series(indicator).dropna()
    return float(series.iloc[-1]) if not series.empty else None


def _words(number: float) -> str:
    return f"{number:,.1f}".rstrip("0").rstrip(".") if np.isfinite(number) else "unknown"


def evaluate_targets(dataset, forecasts, today: dt.date | None = None,
                     params: dict[str, Parameter] | None = None) -> pd.DataFrame:
    """One row per target in `dataset.targets` (columns TARGET_COLUMNS)."""
    today = today or dt.date.today()
    params = params or load_parameters(include_levers=False)
    rho = value(params, "annual_total_month_correlation")
    n_draws, seed = int(value(params, "annual_total_draws")), int(value(params, "annual_total_seed"))
    frame, exact = _forecast_frame(forecasts)
    frame = frame.assign(month=pd.to_datetime(frame["month"]))
    rows = []
    for target_row in dataset.targets.itertuples(index=False):
        indicator, period, basis = str(target_row.indicator), str(target_row.period), str(target_row.basis)
        target = float(target_row.target)
        polarity = str(dataset.indicators["polarity"].get(indicator, "neutral")) \
            if indicator in dataset.indicators.index else "neutral"
        direction = _direction(polarity, target, _latest(dataset, indicator))
        months = period_months(period)
        target_date = dt.date(months[-1].year, 3, 31)
        if basis == "year_end_level":
            values = _month_values(dataset, frame, indicator, months[-1:])
        else:
            values = _month_values(dataset, frame, indicator, months)
        known = values.dropna(subset=["mean"])
        scale = 1.0 / 12 if basis == "monthly_rate" else 1.0
        n_missing = len(values) - len(known)
        if known.empty:
            projected = sigma = np.nan
        elif basis == "year_end_level":
            projected, sigma = float(known["mean"].iloc[0]), float(known["sigma"].iloc[0])
        else:
            projected = float(known["mean"].sum()) * (12 / len(known)) * scale
            sigma = _sum_sigma(known["sigma"].to_numpy(), rho) * scale if n_missing == 0 else np.nan
        probability = _probability(direction, projected, sigma, target) if n_missing == 0 else np.nan
        if (exact is not None and basis == "year_end_level" and n_missing == 0
                and values["source"].iloc[0] == "forecast"):
            try:
                below = exact.probability_below(indicator, months[-1], target)
                probability = below if direction == "lower_is_better" else 1.0 - below
            except KeyError:
                pass
        lo = projected - Z95 * sigma if np.isfinite(sigma) else np.nan
        hi = projected + Z95 * sigma if np.isfinite(sigma) else np.nan
        simulated = None
        if basis != "year_end_level" and n_missing == 0 and (values["source"] == "forecast").any():
            future = values.index[values["source"] == "forecast"]
            parts = _distribution_rows(forecasts, indicator, future)
            if parts is not None:
                observed_part = float(values.loc[values["source"] == "observed", "mean"].sum())
                simulated = (observed_part + _simulated_totals(parts, rho, n_draws, seed)) * scale
                projected = float(np.median(simulated))
                lo, hi = (float(v) for v in np.quantile(simulated, [0.025, 0.975]))
                met = simulated <= target if direction == "lower_is_better" else simulated >= target
                probability = float(np.mean(met))
        if simulated is None and basis != "year_end_level" and np.isfinite(lo) and _never_negative(frame, indicator):
            # the months still to come cannot take the total below what is already observed
            lo = max(lo, float(known.loc[known["source"] == "observed", "mean"].sum()) * scale)
        if basis == "year_end_level" and values["source"].iloc[0] == "forecast":
            interval = frame[(frame["indicator"] == indicator) & (frame["month"] == months[-1])].iloc[0]
            lo, hi = float(interval["lo95"]), float(interval["hi95"])   # the engine's own (possibly skewed) interval
        gap = projected - target
        rag = rag_status(probability, params)
        rows.append({"indicator": indicator, "period": period, "target": target, "basis": basis,
                     "target_date": target_date, "projected": projected, "lo95": lo, "hi95": hi,
                     "probability_met": probability, "rag": rag, "gap": gap, "polarity": polarity,
                     "explanation": _explain(indicator, basis, target, projected, gap, probability, direction,
                                             polarity, values, n_missing, target_date, today, rho,
                                             simulated is not None)})
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def _explain(indicator, basis, target, projected, gap, probability, direction, polarity, values, n_missing,
             target_date, today, rho, simulated=False) -> str:
    what = {"year_end_level": f"at {target_date:%d %b %Y}",
            "annual_total": f"in total over Apr {target_date.year - 1} - Mar {target_date.year}",
            "monthly_rate": f"on average over Apr {target_date.year - 1} - Mar {target_date.year}"}[basis]
    if not np.isfinite(projected):
        return (f"{indicator}: no observed or forecast value {what}; extend the forecast horizon or add data "
                f"to judge the target of {_words(target)}.")
    n_obs = int((values["source"] == "observed").sum())
    n_fc = int((values["source"] == "forecast").sum())
    side = "above" if gap > 0 else "below" if gap < 0 else "exactly on"
    better = "lower" if direction == "lower_is_better" else "higher"
    text = (f"{indicator} is projected at {_words(projected)} {what} against a target of {_words(target)}: "
            f"{_words(abs(gap))} {side} target ({better} is better")
    text += ")." if polarity != "neutral" else "; the indicator has no polarity, so 'met' means reaching the target " \
                                                "from where the latest month is)."
    if n_missing:
        text += (f" {n_missing} month(s) of the year have neither data nor forecast, so the figure is pro rata "
                 f"from {len(values) - n_missing} months and no probability is given.")
    elif n_fc == 0:
        text += " Every month needed is observed, so this is an outturn, not a forecast."
        if target_date > today:
            text += " The target date is still ahead."
    else:
        text += f" Based on {n_obs} observed and {n_fc} forecast month(s)"
        text += f" (forecast months assumed correlated at {rho:g})." if n_fc > 1 else "."
        if simulated:
            text += " The total is the median of simulated years drawn from each month's forecast distribution."
        text += f" Probability the target is met: {probability:.0%}."
    return text


def compare_benchmarks(dataset, forecasts, month=None) -> pd.DataFrame:
    """Latest actual and projected value (at `month`, default the last forecast month in March, else the last
    forecast month) against each benchmark (statistical neighbours, England, region).

    `probability_better` = P(projected value is on the better side of the benchmark) by polarity; for a neutral
    indicator it is P(value above the benchmark) and `polarity` says neutral.
    """
    frame, _ = _forecast_frame(forecasts)
    frame = frame.assign(month=pd.to_datetime(frame["month"]))
    if month is None and not frame.empty:
        marches = frame.loc[frame["month"].dt.month == 3, "month"]
        month = marches.max() if not marches.empty else frame["month"].max()
    month = pd.Timestamp(month) if month is not None else None
    rows = []
    for bench in dataset.benchmarks.itertuples(index=False):
        indicator, comparator, level = str(bench.indicator), str(bench.comparator), float(bench.value)
        polarity = str(dataset.indicators["polarity"].get(indicator, "neutral")) \
            if indicator in dataset.indicators.index else "neutral"
        latest = _latest(dataset, indicator)
        match = frame[(frame["indicator"] == indicator) & (frame["month"] == month)] if month is not None else frame.iloc[0:0]
        if match.empty:
            projected = lo = hi = probability = np.nan
        else:
            row = match.iloc[0]
            projected, lo, hi = float(row["mean"]), float(row["lo95"]), float(row["hi95"])
            above = 1.0 - _probability("lower_is_better", projected, max(hi - lo, 0.0) / (2 * Z95), level)
            probability = 1.0 - above if polarity == "lower_is_better" else above
        rows.append({"indicator": indicator, "comparator": comparator, "benchmark": level,
                     "latest_actual": latest, "latest_gap": (latest - level) if latest is not None else np.nan,
                     "projected_month": month, "projected": projected, "lo95": lo, "hi95": hi,
                     "probability_better": probability, "polarity": polarity})
    return pd.DataFrame(rows)


def panel_targets(panel, forecasts: pd.DataFrame) -> pd.DataFrame:
    """Every authority's targets against its own forecasts (`forecasts` keyed by "<authority>|<indicator>")."""
    ids = split_ids(forecasts["unique_id"])
    tables = []
    for authority, dataset in sorted(panel.datasets.items()):
        if dataset.targets.empty:
            continue
        own = forecasts[ids["authority"] == authority].assign(indicator=ids["indicator"])
        tables.append(evaluate_targets(dataset, own).assign(authority=authority))
    if not tables:
        return pd.DataFrame(columns=["authority", "indicator", "period", "target", "projected", "probability_met", "rag"])
    table = pd.concat(tables, ignore_index=True)
    return table[["authority", *[c for c in table.columns if c != "authority"]]]
