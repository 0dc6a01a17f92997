"""School-holiday dip (August and December) estimated from short histories, with shrinkage toward none.

Committee papers say contacts and referrals dip in the August and December school holidays and rebound in
term; no national figure sizes the dip (see ../shared/reference/domain-parameters.md, section 7). With 13
months each series shows each holiday month once, so one series alone cannot separate a dip from noise.

Method (all on the log1p scale, so the effect is a proportional dip):
1. Contrast: for every holiday month observed with both neighbouring months observed,
   d = z[holiday] - (z[month before] + z[month after]) / 2. Under "no dip" d has mean 0.
2. Pool the contrasts of one holiday month across the front-door series (FRONT_DOOR_SERIES that are present;
   else every count flow): mean, standard error (sd / sqrt(n)), t = mean / se.
3. Shrink toward no dip: effect = mean * max(0, 1 - (SHRINK_T / t)^2). With |t| <= SHRINK_T nothing is
   claimed; a clear dip is kept almost whole.
4. Per indicator the effect is *kept* only when (a) the effect estimated without that indicator moves its own
   holiday contrasts closer to zero error (`helps_series`, a leave-one-series-out check) and (b) the rolling
   back-test of the adjusted model is not worse (done in `forecasting.forecast`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

HOLIDAY_MONTHS = (8, 12)  # August (summer holiday) and December (Christmas holiday)
SHRINK_T = 2.0            # t-statistic below which no dip is claimed (about a 5% two-sided false-claim rate)
MIN_SERIES = 3            # fewer contrasts than this: no pooled estimate at all
FRONT_DOOR_SERIES = ("M1", "M2", "M4", "M5", "EH1a", "EH1b", "EH1c", "EH3", "CP1", "CP2")


@dataclass
class HolidayEffect:
    """Pooled holiday dip per calendar month, on the log1p scale (-0.2 means about 18% below its neighbours)."""

    effect: dict[int, float] = field(default_factory=dict)      # shrunk effect used for adjustment
    raw: dict[int, float] = field(default_factory=dict)         # pooled mean contrast before shrinkage
    t: dict[int, float] = field(default_factory=dict)
    n: dict[int, int] = field(default_factory=dict)
    contrasts: dict[str, dict[int, list[float]]] = field(default_factory=dict)  # series -> month -> contrasts

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


def holiday_contrasts(z: np.ndarray, months: Sequence[pd.Timestamp],
                      holiday_months: Sequence[int] = HOLIDAY_MONTHS) -> dict[int, list[float]]:
    """Contrasts d = z[holiday] - mean(z[neighbours]) for one series (NaN months are skipped)."""
    index = {pd.Timestamp(month): value for month, value in zip(months, np.asarray(z, dtype=float))}
    result: dict[int, list[float]] = {}
    for month, value in index.items():
        if month.month not in holiday_months or not np.isfinite(value):
            continue
        before = index.get(month - pd.offsets.MonthBegin(1), np.nan)
        after = index.get(month + pd.offsets.MonthBegin(1), np.nan)
        if np.isfinite(before) and np.isfinite(after):
            result.setdefault(month.month, []).append(float(value - (before + after) / 2))
    return result


def _pool(values: list[float]) -> tuple[float, float, float]:
    """(raw mean, t, shrunk effect) of pooled contrasts."""
    values_arr = np.asarray(values, dtype=float)
    if values_arr.size < MIN_SERIES:
        return float(values_arr.mean()) if values_arr.size else 0.0, 0.0, 0.0
    mean = float(values_arr.mean())
    se = float(values_arr.std(ddof=1) / np.sqrt(values_arr.size))
    t = mean / se if se > 0 else (np.inf if mean != 0 else 0.0)
    shrink = max(0.0, 1.0 - (SHRINK_T / t) ** 2) if t != 0 else 0.0
    return mean, float(t), mean * shrink


def estimate_holiday_effect(series: Mapping[str, tuple[Sequence[pd.Timestamp], np.ndarray]],
                            holiday_months: Sequence[int] = HOLIDAY_MONTHS,
                            exclude: str | None = None) -> HolidayEffect:
    """Pool the holiday contrasts of `series` ({id: (months, log1p values)}), leaving out `exclude` if given."""
    result = HolidayEffect()
    for series_id, (months, z) in series.items():
        result.contrasts[series_id] = holiday_contrasts(z, months, holiday_months)
    for month in holiday_months:
        values = [v for sid, by_month in result.contrasts.items() if sid != exclude for v in by_month.get(month, [])]
        if not values:
            continue
        raw, t, shrunk = _pool(values)
        result.raw[month], result.t[month], result.effect[month] = raw, t, shrunk
        result.n[month] = len(values)
    return result


def helps_series(series: Mapping[str, tuple[Sequence[pd.Timestamp], np.ndarray]], series_id: str,
                 holiday_months: Sequence[int] = HOLIDAY_MONTHS) -> tuple[bool, str]:
    """Leave-one-series-out check: does the effect pooled from the *other* series fit this one's holiday months?

    Returns (helps, reason). Helps when the mean absolute contrast error falls, |d - effect| < |d|.
    """
    others = estimate_holiday_effect(series, holiday_months, exclude=series_id)
    own = holiday_contrasts(series[series_id][1], series[series_id][0], holiday_months)
    pairs = [(d, others.effect.get(month, 0.0)) for month, values in own.items() for d in values]
    if not pairs:
        return False, "no holiday month with both neighbours observed in this series"
    if not others.detected:
        return False, "the other front-door series show no clear holiday dip"
    without = float(np.mean([abs(d) for d, _ in pairs]))
    with_effect = float(np.mean([abs(d - e) for d, e in pairs]))
    if with_effect < without:
        return True, f"holiday months fit better with the pooled dip (error {with_effect:.3f} vs {without:.3f})"
    return False, f"this series' holiday months do not follow the pooled dip (error {with_effect:.3f} vs {without:.3f})"


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
