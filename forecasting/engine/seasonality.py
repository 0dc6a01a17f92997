"""School-holiday dip (August and December) estimated from short histories, with shrinkage toward none.

Committee papers say contacts and referrals dip in the August and December school holidays and rebound in
term; no national figure sizes the dip (see ../shared/reference/domain-parameters.md, section 7). With 13
months each series shows each holiday month once, so one series alone cannot separate a dip from noise.

Method (all on the log1p scale, so the effect is a proportional dip):
1. Contrast: for every holiday month observed with both neighbouring months observed,
   d = z[holiday] - (z[month before] + z[month after]) / 2. Under "no dip" d has mean 0.
2. Pool the contrasts of one holiday month across the front-door series (FRONT_DOOR_SERIES that are present;
   else every count flow), weighting each series by 1 / its noise variance. A series' noise is measured by the
   same contrast at term-time months whose neighbours are term-time too (Oct, Feb-May in a Jun-Jun year):
   sd_i = sqrt(mean(d^2)); small, noisy counts (a handful a month) therefore count for little.
   Pooled effect = sum(w d) / sum(w), w = 1 / max(sd_i, MIN_NOISE_SD)^2; evidence: one-sample t statistic of
   the standardised contrasts d_i / sd_i (so a few noisy series cannot fake a dip).
3. Shrink toward no dip: effect = mean * max(0, 1 - (c / t)^2), c = Student's 97.5% point (n-1 df). With
   |t| <= c nothing is claimed; a clear dip is kept almost whole.
4. Per indicator the effect is *kept* only when (a) the effect estimated without that indicator moves its own
   holiday contrasts closer to zero error (`helps_series`, a leave-one-series-out check) and (b) the rolling
   back-test of the adjusted model is not worse (done in `forecasting.engine.forecast`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from forecasting.engine.backtest import (
    History,
    ModelRun,
    finish_model,
    rolling_origins,
    run_model,
    same_form,
    scores,
)
from forecasting.engine.models import COMBINATION_PARTS, SPECS, ModelSpec, spec_for

HOLIDAY_MONTHS = (8, 12)  # August (summer holiday) and December (Christmas holiday)
SHRINK_T = 2.0            # |t| below which no dip is claimed, ~5% two-sided (scaled to Student's t, n-1 df)
MIN_SERIES = 3            # fewer contrasts than this: no pooled estimate at all
MIN_TERM_CONTRASTS = 3    # term-time contrasts needed to measure a series' noise (else it is left out)
MIN_NOISE_SD = 0.02       # floor on a series' noise sd (log scale) so no single series dominates the pool
FRONT_DOOR_SERIES = ("M1", "M2", "M4", "M5", "EH1a", "EH1b", "EH1c", "EH3", "CP1", "CP2")


@dataclass
class HolidayEffect:
    """Pooled holiday dip per calendar month, on the log1p scale (-0.2 means about 18% below its
    neighbours)."""

    effect: dict[int, float] = field(default_factory=dict)      # shrunk effect used for adjustment
    raw: dict[int, float] = field(default_factory=dict)         # pooled mean contrast before shrinkage
    t: dict[int, float] = field(default_factory=dict)
    n: dict[int, int] = field(default_factory=dict)
    contrasts: dict[str, dict[int, list[float]]] = field(default_factory=dict)  # series -> month -> contrasts
    # series -> noise sd (NaN: unknown)
    noise: dict[str, float] = field(default_factory=dict)

    @property
    def detected(self) -> bool:
        return any(value != 0.0 for value in self.effect.values())

    def adjustment(self, months: Sequence[pd.Timestamp]) -> np.ndarray:
        """Additive model-scale adjustment for each month (0 outside the holiday months)."""
        return np.array([self.effect.get(pd.Timestamp(month).month, 0.0) for month in months], dtype=float)

    def describe(self) -> str:
        parts = []
        for month in sorted(self.raw):
            name = pd.Timestamp(2000, month, 1).strftime("%B")
            if self.effect.get(month, 0.0) != 0.0:
                parts.append(f"{name} {100 * np.expm1(self.effect[month]):+.0f}% vs neighbouring months "
                             f"(pooled over {self.n[month]} series, t={self.t[month]:.1f})")
            else:
                parts.append(f"no {name} dip claimed (t={self.t[month]:.1f} over {self.n[month]} series)")
        return "; ".join(parts) if parts else "no holiday dip estimated (too little history)"


def _neighbour_contrasts(z, months) -> list[tuple[pd.Timestamp, float]]:
    """(month, z[month] - (z[month before] + z[month after]) / 2) for every month with both neighbours
    observed, in the order given."""
    months = pd.DatetimeIndex(months)
    if not months.is_unique or months.hasnans:
        return _neighbour_contrasts_slow(np.asarray(z, dtype=float), months)
    positions, _, contrast = _contrast_arrays(z, months)
    return [(months[i], float(d)) for i, d in zip(positions, contrast, strict=True)]


def _contrast_arrays(z, months: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions, calendar months, contrasts) of `_neighbour_contrasts` as arrays (months unique)."""
    values = np.asarray(z, dtype=float)
    # the same arithmetic on arrays: each month's neighbours looked up by its number of months since 1970
    key = months.to_numpy().astype("datetime64[M]").astype(np.int64)   # months since January 1970
    order = np.argsort(key, kind="stable")
    sorted_key, sorted_value = key[order], values[order]

    def at(wanted: np.ndarray) -> np.ndarray:
        position = np.minimum(np.searchsorted(sorted_key, wanted), len(sorted_key) - 1)
        return np.where(sorted_key[position] == wanted, sorted_value[position], np.nan)

    before, after = at(key - 1), at(key + 1)
    keep = np.isfinite(values) & np.isfinite(before) & np.isfinite(after)
    positions = np.flatnonzero(keep)
    contrast = (values - (before + after) / 2)[positions]
    return positions, key[positions] % 12 + 1, contrast


def _calendar_contrasts(z, months) -> tuple[np.ndarray, np.ndarray]:
    """(calendar month, contrast) of every month with both neighbours observed, in the order given."""
    months = pd.DatetimeIndex(months)
    if not months.is_unique or months.hasnans:
        pairs = _neighbour_contrasts_slow(np.asarray(z, dtype=float), months)
        return (np.array([month.month for month, _ in pairs], dtype=np.int64),
                np.array([d for _, d in pairs], dtype=float))
    _, calendar, contrast = _contrast_arrays(z, months)
    return calendar, contrast


def _neighbour_contrasts_slow(z, months) -> list[tuple[pd.Timestamp, float]]:
    index = {
        pd.Timestamp(month): value for month, value in zip(months, np.asarray(z, dtype=float), strict=True)
    }
    result = []
    for month, value in index.items():
        before = index.get(month - pd.offsets.MonthBegin(1), np.nan)
        after = index.get(month + pd.offsets.MonthBegin(1), np.nan)
        if np.isfinite(value) and np.isfinite(before) and np.isfinite(after):
            result.append((month, float(value - (before + after) / 2)))
    return result


def holiday_contrasts(z: np.ndarray, months: pd.DatetimeIndex | Sequence[pd.Timestamp],
                      holiday_months: Sequence[int] = HOLIDAY_MONTHS) -> dict[int, list[float]]:
    """Contrasts d = z[holiday] - mean(z[neighbours]) for one series (NaN months are skipped)."""
    result: dict[int, list[float]] = {}
    for month, d in zip(*_calendar_contrasts(z, months), strict=True):
        if month in holiday_months:
            result.setdefault(int(month), []).append(float(d))
    return result


def noise_sd(
    z: np.ndarray,
    months: pd.DatetimeIndex | Sequence[pd.Timestamp],
    holiday_months: Sequence[int] = HOLIDAY_MONTHS,
) -> float:
    """Root-mean-square contrast at term-time months with term-time neighbours (NaN if too few)."""
    near = {m for h in holiday_months for m in ((h - 2) % 12 + 1, h, h % 12 + 1)}
    calendar, contrast = _calendar_contrasts(z, months)
    values = contrast[~np.isin(calendar, list(near))]
    return float(np.sqrt(np.mean(np.square(values)))) if len(values) >= MIN_TERM_CONTRASTS else np.nan


def _pool(pairs: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(raw weighted mean, t, shrunk effect) of (contrast, noise sd) pairs.

    t is a one-sample t statistic of the standardised contrasts d / sd (roughly equal spread across series);
    the effect is shrunk to 0 unless |t| exceeds Student's 97.5% point with n - 1 degrees of freedom.
    """
    if len(pairs) < MIN_SERIES:
        return 0.0, 0.0, 0.0
    d = np.array([pair[0] for pair in pairs])
    sd = np.maximum(np.array([pair[1] for pair in pairs]), MIN_NOISE_SD)
    weights = 1.0 / sd ** 2
    mean = float(np.sum(weights * d) / np.sum(weights))
    standardised = d / sd
    spread = standardised.std(ddof=1)
    if spread == 0:
        return mean, 0.0, 0.0
    t = float(standardised.mean() / (spread / np.sqrt(len(d))))
    critical = SHRINK_T * float(student_t.ppf(0.975, len(d) - 1)) / float(student_t.ppf(0.975, np.inf))
    shrink = max(0.0, 1.0 - (critical / t) ** 2) if t != 0 else 0.0
    return mean, t, mean * shrink


def estimate_holiday_effect(
    series: Mapping[str, tuple[pd.DatetimeIndex | Sequence[pd.Timestamp], np.ndarray]],
    holiday_months: Sequence[int] = HOLIDAY_MONTHS,
    exclude: str | None = None,
    known: HolidayEffect | None = None,
) -> HolidayEffect:
    """Pool the holiday contrasts of `series` ({id: (months, log1p values)}), leaving out `exclude` if
    given. `known`: an estimate from the same series and holiday months whose per-series contrasts and noise
    are reused (the same numbers, not computed again)."""
    result = HolidayEffect()
    for series_id, (months, z) in series.items():
        if known is not None and series_id in known.contrasts and series_id in known.noise:
            result.contrasts[series_id] = known.contrasts[series_id]
            result.noise[series_id] = known.noise[series_id]
            continue
        result.contrasts[series_id] = holiday_contrasts(z, months, holiday_months)
        result.noise[series_id] = noise_sd(z, months, holiday_months)
    for month in holiday_months:
        pairs = [(d, result.noise[sid]) for sid, by_month in result.contrasts.items()
                 if sid != exclude and np.isfinite(result.noise[sid]) for d in by_month.get(month, [])]
        if not pairs:
            continue
        raw, t, shrunk = _pool(pairs)
        result.raw[month], result.t[month], result.effect[month] = raw, t, shrunk
        result.n[month] = len(pairs)
    return result


def helps_series(series: Mapping[str, tuple[Sequence[pd.Timestamp], np.ndarray]], series_id: str,
                 holiday_months: Sequence[int] = HOLIDAY_MONTHS, known: HolidayEffect | None = None
                 ) -> tuple[bool, str]:
    """Leave-one-series-out check: does the effect pooled from the *other* series fit this one's holiday
    months?

    Returns (helps, reason). Helps when the mean absolute contrast error falls, |d - effect| < |d|.
    """
    others = estimate_holiday_effect(series, holiday_months, exclude=series_id, known=known)
    own = others.contrasts[series_id]   # this series' own contrasts (kept in the estimate, not pooled)
    pairs = [(d, others.effect.get(month, 0.0)) for month, values in own.items() for d in values]
    if not pairs:
        return False, "no holiday month with both neighbours observed in this series"
    if not others.detected:
        return False, "the other front-door series show no clear holiday dip"
    without = float(np.mean([abs(d) for d, _ in pairs]))
    with_effect = float(np.mean([abs(d - e) for d, e in pairs]))
    if with_effect < without:
        return (
            True,
            f"holiday months fit better with the pooled dip (error {with_effect:.3f} vs {without:.3f})",
        )
    return (
        False,
        f"this series' holiday months do not follow the pooled dip "
        f"(error {with_effect:.3f} vs {without:.3f})",
    )


def holiday_group(indicators: pd.DataFrame, available: Sequence[str]) -> list[str]:
    """Front-door series to pool: FRONT_DOOR_SERIES present in the data, else every count flow."""
    present = [code for code in FRONT_DOOR_SERIES if code in set(available)]
    if len(present) >= MIN_SERIES:
        return present
    if indicators is None or indicators.empty or "unit" not in indicators:
        return []
    kind = indicators["kind"] if "kind" in indicators else pd.Series("flow", index=indicators.index)
    flows = indicators.index[(indicators["unit"] == "count") & (kind == "flow")]
    return [code for code in available if code in set(flows)]


# ------------------------------------------------------------------------------------ use in the forecasts
def holiday_adjuster(group_histories: Mapping[str, History]):
    """(effect on all data, adjustment(first_test_month, months)) for the back-test and forecasts.

    The adjustment at a back-test cutoff uses only data before that cutoff's first forecast month.
    """
    memo: dict[pd.Timestamp, HolidayEffect] = {}

    def effect_before(month: pd.Timestamp) -> HolidayEffect:
        if month not in memo:
            memo[month] = estimate_holiday_effect(
                {
                    code: (h.months[h.months < month], h.z[h.months < month])
                    for code, h in group_histories.items()
                }
            )
        return memo[month]

    def adjustment(first_test_month, months):
        return effect_before(pd.Timestamp(first_test_month)).adjustment(months)

    full = estimate_holiday_effect({code: (h.months, h.z) for code, h in group_histories.items()})
    return full, adjustment


def _adjusted_run(history, part: ModelRun, spec: ModelSpec, cutoffs, h, steps, fallback_sigma, adjustment,
                  refit: bool) -> ModelRun:
    """The back-test of one combination part with the holiday adjustment, in the form the part chose on the
    same first window (`same_form`); the free choice again if that form cannot be fitted."""
    kwargs = {"adjustment": adjustment, "name": f"{spec.name}+holiday", "refit": refit, "final": False}
    held = same_form(spec, part.first_fit)
    run = run_model(history, held, cutoffs, h, steps, fallback_sigma, **kwargs)
    if held is not spec and (run.excluded_reason or run.cv is None):
        run = run_model(history, spec, cutoffs, h, steps, fallback_sigma, **kwargs)
    return run


def _finish_adjusted(run: ModelRun, base: ModelRun, history, spec: ModelSpec, steps, fallback_sigma,
                     adjustment) -> bool:
    """The final forecast of a kept adjusted part, in the form the part chose on all months."""
    held = same_form(spec, base.final_fit)
    if finish_model(run, history, held, steps, fallback_sigma, adjustment=adjustment):
        return True
    if held is spec:
        return False
    run.excluded_reason = ""
    return finish_model(run, history, spec, steps, fallback_sigma, adjustment=adjustment)


def try_holiday(fit, adjustment, group_series, *, steps: int, cv_horizon: int, n_windows: int,
                fallback_sigma: float, refit: bool = False, known: HolidayEffect | None = None) -> str:
    """Back-test the chosen model with the holiday adjustment and keep it when it helps; returns a note.

    Kept only when `helps_series` (leave-one-series-out) says so *and* the rolling back-test MASE is not
    worse. A `<model>+holiday` row always appears in the back-test table, with the reason when not kept; its
    forecast (in `ForecastResult.all_forecasts`) only when kept: the final fits are made after the decision,
    which reads only the back-test. """
    history = fit.history
    base = fit.chosen
    if base not in fit.runs or fit.runs[base].mean is None:
        return ""
    name = f"{base}+holiday"
    helps, reason = helps_series(group_series, history.indicator, known=known)
    if not helps:
        fit.runs[name] = ModelRun(name, excluded_reason=f"holiday dip not kept: {reason}")
        return ""
    cutoffs, h = rolling_origins(history.n, cv_horizon, n_windows)
    # each model as it ran unadjusted on this history (models.spec_for: short counts fit Theta on originals)
    specs = {model: spec_for(model, history.n, history.scale) for model in SPECS}
    # back-tests first; the final forecasts only for a dip that is kept (the decision reads the back-test)
    parts: dict[str, ModelRun] = {}
    if specs[base].build is None:
        # the combination with the dip: each of its parts refitted with the adjustment, then averaged
        for part in COMBINATION_PARTS:
            if part in fit.runs and fit.runs[part].mean is not None:
                adjusted = _adjusted_run(history, fit.runs[part], specs[part], cutoffs, h, steps,
                                         fallback_sigma, adjustment, refit)
                if not adjusted.excluded_reason and adjusted.cv is not None:
                    parts[part] = adjusted
        if len(parts) < 2:
            return ""
        run = run_model(history, specs[base], cutoffs, h, steps, fallback_sigma, parts=parts, name=name,
                        final=False)
    else:
        run = _adjusted_run(history, fit.runs[base], specs[base], cutoffs, h, steps, fallback_sigma,
                            adjustment, refit)
    fit.runs[name] = run
    if run.excluded_reason:
        return ""
    with_dip, without = scores(run, history)["mase"], scores(fit.runs[fit.chosen], history)["mase"]
    if np.isfinite(with_dip) and with_dip <= without:
        for part, adjusted in parts.items():
            _finish_adjusted(adjusted, fit.runs[part], history, specs[part], steps, fallback_sigma,
                             adjustment)
        finished = {part: adjusted for part, adjusted in parts.items() if adjusted.mean is not None}
        if specs[base].build is None:
            done = finish_model(run, history, specs[base], steps, fallback_sigma, parts=finished)
        else:
            done = _finish_adjusted(run, fit.runs[base], history, specs[base], steps, fallback_sigma,
                                    adjustment)
        if len(finished) < len(parts) or not done:
            run.mean = run.sigma = None
            run.excluded_reason = "holiday dip not kept: the adjusted model could not be fitted on all months"
            return ""
        fit.chosen = name
        return (
            f"the school-holiday dip is included ({reason}; back-test MASE {with_dip:.2f} vs {without:.2f})"
        )
    # not kept: back-tested only, so it has no forecast of its own
    run.excluded_reason = f"holiday dip not kept: back-test MASE {with_dip:.2f} vs {without:.2f} without it"
    return ""
