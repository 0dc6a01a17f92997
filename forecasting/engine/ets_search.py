"""AutoETS's choice of form, without its costliest forms where the series shows no season.

statsforecast's `AutoETS(model="ZZZ")` fits every admissible form - error additive (A) or multiplicative (M),
trend none / additive / damped, season none / additive / multiplicative - and keeps the lowest AICc: 15 fits
on 36-60 months (~35 ms on 36 months, ~57 ms on 60). The six forms with a multiplicative error *and* a season
cost about 60% of that, and are chosen almost only where the additive-error forms show a season too
(measured on the log1p scale the engine fits on: the full search chose one of them for 23 of 300 M3 series
cut to 36 months, and the additive-error search found no season on only 3 of those 23; 8 and 1 of 80
SYNTHETIC panel series). On the M3 benchmark (benchmarks/accuracy.py, 300 series, engine of 20b3651):
13 and 24 months identical; 36 months mean MASE 1.928 -> 1.930 and MSIS 16.39 -> 16.41 (4 series moved, 1
better, 3 worse); engine CPU per series 35/82/89 -> 31/53/48 ms (busy machine).
So `ETSSearch` searches in steps: AutoETS(model="AZZ") (additive error: every trend and season) and
AutoETS(model="MZN") (multiplicative error, no season), then "MZA" and "MZM" (multiplicative error with a
season) only when the additive search chose a season or the series passes statsforecast's own seasonality
test (the one AutoTheta uses: the lag-12 autocorrelation above its 90% one-sided bound, from two seasons of
history); it keeps the lowest AICc (the earlier search on a tie, as statsforecast's own loop does, which
tries A before M).

Where the full search's winner is among the forms searched (all but ~1% of series), the fitted model, its
forecasts and intervals are exactly the full search's: the searches are statsforecast's own `ets_f` sharing
one pair of parameter-bound arrays, as the candidates of one full search do (statsforecast 2.1.1's
`initparam` narrows the beta and gamma upper bounds in place, so a candidate's fit depends on the forms tried
before it; the additive search already narrows them as far as any later form would). `fit` returns a fitted
statsforecast AutoETS, so `predict`, `forward` and `model_` are statsforecast's own. If no search can fit
the series the full search runs (and raises as it would). tests/engine/test_ets_search.py checks the
equality; models/accuracy.md has the benchmark.
"""
from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

ADDITIVE_ERROR = "AZZ"                 # every trend and season
MULTIPLICATIVE_ERROR = "MZN"           # no season
MULTIPLICATIVE_SEASONAL = ("MZA", "MZM")   # only when the additive search chose a season


def seasonal_test(y: np.ndarray, m: int) -> bool:
    """statsforecast's seasonality test in AutoTheta (theta.auto_theta, 2.1.1): the lag-m autocorrelation
    beyond norm.ppf(0.95) standard errors (Bartlett's formula), from two seasons of history."""
    if m < 4 or len(y) < 2 * m:
        return False
    from scipy.stats import norm
    from statsmodels.tsa.stattools import acf  # type: ignore[import-untyped]

    r = acf(y, nlags=m, fft=False)[1:]
    stat = np.sqrt((1 + 2 * np.sum(r[:-1] ** 2)) / len(y))
    return bool(np.abs(r[-1]) / stat > norm.ppf(0.95))


class ETSSearch:
    """`AutoETS(season_length)` whose `fit` searches in steps (see module docstring). With a fixed `model`
    (not "ZZZ") or `damped`, it is statsforecast's AutoETS with those settings."""

    def __init__(self, season_length: int = 1, model: str = "ZZZ", damped: bool | None = None):
        self.season_length = season_length
        self.model = model
        self.damped = damped

    def _ets(self, model: str, damped: bool | None = None):
        from statsforecast.models import AutoETS

        return AutoETS(season_length=self.season_length, model=model, damped=damped)

    def fit(self, y: np.ndarray, X: Any = None):
        """The fitted statsforecast AutoETS of the lowest AICc of the searches."""
        if self.model != "ZZZ" or self.damped is not None:
            return self._ets(self.model, self.damped).fit(y)
        from statsforecast.ets import _PHI_LOWER, _PHI_UPPER, ets_f

        y = np.asarray(y, dtype=np.float64)
        # the defaults ets_f makes for one full search, shared by the searches (see module docstring)
        lower = np.array([0.0001, 0.0001, 0.0001, _PHI_LOWER])
        upper = np.array([0.9999, 0.9999, 0.9999, _PHI_UPPER])
        found = []

        def search(model: str) -> None:
            with contextlib.suppress(Exception):   # e.g. a multiplicative error on a series with a zero
                found.append(ets_f(y, m=self.season_length, model=model, lower=lower, upper=upper))

        search(ADDITIVE_ERROR)
        seasonal = bool(found) and str(found[0]["components"])[2] != "N"
        seasonal = seasonal or seasonal_test(y, self.season_length)
        search(MULTIPLICATIVE_ERROR)
        if seasonal:
            for model in MULTIPLICATIVE_SEASONAL:
                search(model)
        found = [fit for fit in found if np.isfinite(fit.get("aicc", np.nan))]
        if not found:
            return self._ets("ZZZ").fit(y)
        chosen = self._ets("ZZZ")
        chosen.model_ = min(found, key=lambda fit: fit["aicc"])   # min keeps the earlier search's on a tie
        chosen.model_["actual_residuals"] = y - chosen.model_["fitted"]   # as AutoETS.fit sets it
        return chosen

    def forecast(self, y: np.ndarray, h: int, X: Any = None, X_future: Any = None, level=None,
                 fitted: bool = False) -> dict:
        """`fit(y)` then its `predict` (statsforecast's AutoETS.forecast gives the same numbers)."""
        model = self.fit(y)
        result = model.predict(h=h, level=level)
        if fitted:
            result = dict(result, fitted=model.model_["fitted"])
        return result
