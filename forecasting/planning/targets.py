"""Targets and benchmarks: projected value at the target date, its interval, P(target met), RAG and gap.

Everything is read from one `forecasting.planning.projection.Projection` (baseline or scenario), the same
object on every page and in the CLI, so a target has one answer.

Target bases (see `forecasting.data.contract`):
- `year_end_level`: the value in March of the period's end year (31 March; "2018-19" -> month 2019-03).
  Observed -> an outturn (P = 1 or 0). Forecast -> the projection's median, its 2.5%/97.5% points and
  P(met) from its exact distribution.
- `annual_total`: the sum of the Apr-Mar monthly values, observed months plus forecast months. The forecast
  months are simulated jointly (`Projection.draws`: each month from its own distribution, never outside its
  bounds, months joined by a Gaussian copula with correlation `annual_total_month_correlation`, default 0.5,
  `annual_total_draws` draws, fixed seed `annual_total_seed`); projected = median of the simulated totals,
  interval = their 2.5%/97.5% points, P(met) = the share meeting the target.
- `monthly_rate`: the average of the period's monthly values, the same rule divided by 12.
A month already observed counts as certain. A year with months neither observed nor forecast is estimated pro
rata from the months there are and says so; its probability is left blank (grey).

P(met) respects polarity: lower_is_better -> P(value <= target); higher_is_better -> P(value >= target); for a
neutral indicator the direction is "reach the target from where the latest actual is" and the explanation says
so. RAG: Green if P(met) >= `rag_green_probability`, Amber if >= `rag_amber_probability`, else Red, Grey when
no probability can be given (named parameters).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

import numpy as np
import pandas as pd
from scipy.stats import norm

from forecasting.data.panel import split_ids
from forecasting.planning.chances import probability_text
from forecasting.planning.parameters import Parameter, load_parameters, value
from forecasting.planning.projection import Projection

log = logging.getLogger(__name__)
__all__ = [
    "TARGET_COLUMNS",
    "compare_benchmarks",
    "evaluate_targets",
    "panel_targets",
    "period_months",
    "rag_status",
]

Z95 = float(norm.ppf(0.975))
TARGET_COLUMNS = [
    "indicator",
    "period",
    "target",
    "basis",
    "target_date",
    "projected",
    "lo95",
    "hi95",
    "probability_met",
    "rag",
    "gap",
    "polarity",
    "explanation",
]


def period_months(period: str) -> pd.DatetimeIndex:
    """Months of a financial year '2018-19': Apr 2018 .. Mar 2019."""
    try:
        start = int(str(period).strip()[:4])
    except ValueError:
        raise ValueError(f"period {period!r} is not a financial year like 2018-19") from None
    return _year_months(start)


@functools.lru_cache(maxsize=64)
def _year_months(start: int) -> pd.DatetimeIndex:
    """Apr `start` .. Mar `start + 1` (kept: a slider change evaluates every target again)."""
    return pd.date_range(f"{start}-04-01", periods=12, freq="MS")


def rag_status(probability: float, params: dict[str, Parameter]) -> str:
    if probability is None or not np.isfinite(probability):
        return "Grey"
    if probability >= value(params, "rag_green_probability"):
        return "Green"
    return "Amber" if probability >= value(params, "rag_amber_probability") else "Red"


def _direction(polarity: str, target: float, latest: float | None) -> str:
    if polarity in ("lower_is_better", "higher_is_better"):
        return polarity
    if latest is not None and np.isfinite(latest) and latest > target:
        return "lower_is_better"
    return "higher_is_better"


def _latest(observed: pd.Series) -> float | None:
    """The last readable observed value (None when there is none)."""
    readable = observed.dropna()
    return float(readable.iloc[-1]) if not readable.empty else None


def _sources(observed: pd.Series, forecast_months: pd.DatetimeIndex, months: pd.DatetimeIndex) -> pd.Series:
    """Per month: 'observed' (a readable value), 'forecast' (a forecast row) or None (neither)."""
    readable = set(observed.dropna().index)
    forecast = set(forecast_months)
    return pd.Series(
        [("observed" if m in readable else "forecast" if m in forecast else None) for m in months],
        index=months,
        dtype=object,
    )


def _words(number: float) -> str:
    return f"{number:,.1f}".rstrip("0").rstrip(".") if np.isfinite(number) else "unknown"


def _polarity(dataset, indicator: str) -> str:
    catalogue = dataset.indicators
    if "polarity" not in catalogue or indicator not in catalogue.index:
        return "neutral"
    return str(catalogue.at[indicator, "polarity"])


def _evaluate_one(
    projection: Projection,
    indicator: str,
    period: str,
    basis: str,
    target: float,
    settings: tuple[float, int, int],
) -> dict:
    """projected, lo95, hi95, probability_met, direction, sources and how it was computed, for one target."""
    rho, n_draws, seed = settings
    observed = projection.observed(indicator)
    direction = _direction(_polarity(projection.dataset, indicator), target, _latest(observed))
    months = period_months(period)
    if basis == "year_end_level":
        months = months[-1:]
    sources = _sources(observed, projection.forecast_months(indicator), months)
    known = sources.dropna()
    out = {
        "direction": direction,
        "sources": sources,
        "simulated": False,
        "projected": np.nan,
        "lo95": np.nan,
        "hi95": np.nan,
        "probability_met": np.nan,
    }
    if known.empty:
        return out
    observed_months = known.index[known == "observed"]
    future = known.index[known == "forecast"]
    scale = 1.0 / 12 if basis == "monthly_rate" else 1.0
    if len(known) < len(sources):  # months with neither data nor forecast: pro rata, no P
        values = [float(observed[m]) for m in observed_months]
        values += list(projection.means(indicator, future)) if len(future) else []
        out["projected"] = (
            float(np.sum(values)) * (12 / len(known)) * scale
            if basis != "year_end_level"
            else float(values[0])
        )
        return out
    observed_part = float(sum(observed[m] for m in observed_months))
    if len(future) == 0:  # an outturn
        total = observed_part * scale
        met = total <= target if direction == "lower_is_better" else total >= target
        return out | {"projected": total, "lo95": total, "hi95": total, "probability_met": float(met)}
    if basis == "year_end_level":
        month = future[0]
        below = projection.probability_below(indicator, month, target)
        return out | {
            "projected": projection.quantile(indicator, month, 0.5),
            "lo95": projection.quantile(indicator, month, 0.025),
            "hi95": projection.quantile(indicator, month, 0.975),
            "probability_met": below if direction == "lower_is_better" else 1.0 - below,
        }
    totals = (observed_part + projection.draws(indicator, future, n_draws, rho, seed).sum(axis=1)) * scale
    met = totals <= target if direction == "lower_is_better" else totals >= target
    lo, hi = np.quantile(totals, [0.025, 0.975])
    return out | {
        "projected": float(np.median(totals)),
        "lo95": float(lo),
        "hi95": float(hi),
        "probability_met": float(np.mean(met)),
        "simulated": True,
    }


def evaluate_targets(
    projection: Projection,
    today: dt.date | None = None,
    params: dict[str, Parameter] | None = None,
    targets: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per target (default: the projection's data set's `targets`), columns TARGET_COLUMNS."""
    if not isinstance(projection, Projection):
        raise TypeError(
            "evaluate_targets reads a forecasting.planning.projection.Projection (baseline or "
            f"scenario), not a {type(projection).__name__}; build one with Projection.from_forecast"
        )
    today = today or dt.date.today()
    params = params or load_parameters(include_levers=False)
    settings = (
        value(params, "annual_total_month_correlation"),
        int(value(params, "annual_total_draws")),
        int(value(params, "annual_total_seed")),
    )
    dataset = projection.dataset
    targets = dataset.targets if targets is None else targets
    rows = []
    for target_row in targets.to_dict("records"):
        indicator, period = str(target_row["indicator"]), str(target_row["period"])
        basis, target = str(target_row["basis"]), float(target_row["target"])
        found = _evaluate_one(projection, indicator, period, basis, target, settings)
        target_date = dt.date(period_months(period)[-1].year, 3, 31)
        projected, probability = found["projected"], found["probability_met"]
        gap = projected - target
        polarity = _polarity(dataset, indicator)
        rows.append(
            {
                "indicator": indicator,
                "period": period,
                "target": target,
                "basis": basis,
                "target_date": target_date,
                "projected": projected,
                "lo95": found["lo95"],
                "hi95": found["hi95"],
                "probability_met": probability,
                "rag": rag_status(probability, params),
                "gap": gap,
                "polarity": polarity,
                "explanation": _explain(
                    indicator,
                    basis,
                    target,
                    projected,
                    gap,
                    probability,
                    found["direction"],
                    polarity,
                    found["sources"],
                    target_date,
                    today,
                    settings[0],
                    found["simulated"],
                ),
            }
        )
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def _explain(
    indicator,
    basis,
    target,
    projected,
    gap,
    probability,
    direction,
    polarity,
    sources: pd.Series,
    target_date,
    today,
    rho,
    simulated=False,
) -> str:
    what = {
        "year_end_level": f"at {target_date:%d %b %Y}",
        "annual_total": f"in total over Apr {target_date.year - 1} - Mar {target_date.year}",
        "monthly_rate": f"on average over Apr {target_date.year - 1} - Mar {target_date.year}",
    }[basis]
    if not np.isfinite(projected):
        return (
            f"{indicator}: no observed or forecast value {what}; extend the forecast horizon or add data "
            f"to judge the target of {_words(target)}."
        )
    n_obs = int((sources == "observed").sum())
    n_fc = int((sources == "forecast").sum())
    n_missing = len(sources) - n_obs - n_fc
    side = "above" if gap > 0 else "below" if gap < 0 else "exactly on"
    better = "lower" if direction == "lower_is_better" else "higher"
    text = (
        f"{indicator} is projected at {_words(projected)} {what} against a target of {_words(target)}: "
        f"{_words(abs(gap))} {side} target ({better} is better"
    )
    text += (
        ")."
        if polarity != "neutral"
        else "; the indicator has no polarity, so 'met' means reaching the target "
        "from where the latest month is)."
    )
    if n_missing:
        text += (
            f" {n_missing} month(s) of the year have neither data nor forecast, so the figure is pro rata "
            f"from {n_obs + n_fc} months and no probability is given."
        )
    elif n_fc == 0:
        text += " Every month needed is observed, so this is an outturn, not a forecast."
        if target_date > today:
            text += " The target date is still ahead."
    else:
        text += f" Based on {n_obs} observed and {n_fc} forecast month(s)"
        text += f" (forecast months assumed correlated at {rho:g})." if n_fc > 1 else "."
        if simulated:
            text += (
                " The total is the median of simulated years drawn from each month's forecast distribution."
            )
        text += f" Probability the target is met: {probability_text(probability)}."
    return text


def compare_benchmarks(projection: Projection, month=None) -> pd.DataFrame:
    """Latest actual and projected value (at `month`, default the last forecast March, else the last forecast
    month) against each benchmark (statistical neighbours, England, region).

    `probability_better` = P(projected value is on the better side of the benchmark) by polarity, from the
    projection's distribution; for a neutral indicator it is P(value above the benchmark) and `polarity`
    says so.
    """
    dataset = projection.dataset
    months = projection.months
    if month is None and len(months):
        marches = months[months.month == 3]
        month = marches.max() if len(marches) else months.max()
    month = pd.Timestamp(month) if month is not None else None
    rows = []
    for bench in dataset.benchmarks.itertuples(index=False):
        indicator, comparator, level = str(bench.indicator), str(bench.comparator), float(bench.value)
        polarity = _polarity(dataset, indicator)
        latest = _latest(projection.observed(indicator))
        try:
            projected = projection.quantile(indicator, month, 0.5)
            lo, hi = (
                projection.quantile(indicator, month, 0.025),
                projection.quantile(indicator, month, 0.975),
            )
            below = projection.probability_below(indicator, month, level)
            probability = below if polarity == "lower_is_better" else 1.0 - below
        except (KeyError, TypeError):  # no forecast of this indicator (or no forecast month at all)
            projected = lo = hi = probability = np.nan
        rows.append(
            {
                "indicator": indicator,
                "comparator": comparator,
                "benchmark": level,
                "latest_actual": latest,
                "latest_gap": (latest - level) if latest is not None else np.nan,
                "projected_month": month,
                "projected": projected,
                "lo95": lo,
                "hi95": hi,
                "probability_better": probability,
                "polarity": polarity,
            }
        )
    return pd.DataFrame(rows)


def panel_targets(panel, forecasts: pd.DataFrame) -> pd.DataFrame:
    """Every authority's targets against its own forecasts (`forecasts` keyed by
    "<authority>|<indicator>")."""
    ids = split_ids(forecasts["unique_id"])
    tables = []
    for authority, dataset in sorted(panel.datasets.items()):
        if dataset.targets.empty:
            continue
        own = forecasts[ids["authority"] == authority].assign(indicator=ids["indicator"])
        projection = Projection.from_table(dataset, own)
        tables.append(evaluate_targets(projection).assign(authority=authority))
    if not tables:
        return pd.DataFrame(
            columns=["authority", "indicator", "period", "target", "projected", "probability_met", "rag"]
        )
    table = pd.concat(tables, ignore_index=True)
    return table[["authority", *[c for c in table.columns if c != "authority"]]]
