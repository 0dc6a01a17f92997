"""A model fitted on the indicator's original values inside the engine's model scale (issue 12).

Every candidate normally fits on the model scale (log1p for counts and rates, `forecasting.engine.models`),
where a trend is a constant *percentage* change, extrapolated as compound growth. On short histories that
growth is measured on a few months and compounds over the forecast months; on the public M3 benchmark
(`benchmarks/accuracy.py`, 300 series, h = 15) a Combination whose AutoTheta was fitted on the original
values (a straight-line trend) had a mean MASE of 2.245 on 13-month histories against 2.302 with AutoTheta on
log1p, while on 24- and 36-month histories the log1p AutoTheta was better (see `models.ORIGINAL_SCALE_BELOW`).

`OriginalScale` wraps a statsforecast model so the rest of the engine does not change: it receives and
returns model-scale values. It back-transforms the model-scale history (max(expm1(z), 0)), fits the model on
it, and maps the forecast back: mean m -> log1p(max(m, 0)); spread sigma_y -> the log-normal's with the same
coefficient of variation, sqrt(log(1 + cv^2)) with cv = sigma_y / (1 + max(m, 0)), returned as a symmetric
95% interval (the engine reads sigma from it, `models._mean_sigma`). Why log-normal moment matching, not the
first-order (delta) rule cv: the two agree for small cv (both ~ cv), but where the original-scale spread is
large against a forecast near zero the delta rule gave log-scale spreads of 3-4 (a 95% upper bound ~1,000x
the forecast); the log-normal's grows only as sqrt(2 log cv).
"""
from __future__ import annotations

from typing import Any

import numpy as np

Z95 = 1.959963984540054  # norm.ppf(0.975)


class OriginalScale:
    """A statsforecast model fitted on `from_model_scale(z, scale)` and answering on the model scale (only
    `log1p` is supported: the only scale the engine uses it on)."""

    def __init__(self, model: Any, scale: str):
        if scale != "log1p":
            raise ValueError(f"OriginalScale supports the log1p scale only, not {scale!r}")
        self.model, self.scale = model, scale

    @staticmethod
    def _original(z) -> np.ndarray:
        return np.maximum(np.expm1(np.asarray(z, dtype=float)), 0.0)

    @staticmethod
    def to_model(result: dict) -> dict:
        """A statsforecast result on the original values -> model scale: mean log1p(max(mean, 0)), sigma
        sqrt(log(1 + cv^2)), cv = sigma_y / (1 + max(mean, 0)), as a symmetric 95% interval; no interval in,
        none out."""
        mean_y = np.asarray(result["mean"], dtype=float)
        level = np.maximum(mean_y, 0.0)
        out = {"mean": np.log1p(level)}
        if "lo-95" in result and "hi-95" in result:
            sigma_y = (np.asarray(result["hi-95"], dtype=float) - np.asarray(result["lo-95"], dtype=float)) \
                / (2 * Z95)
            half = Z95 * np.sqrt(np.log1p((sigma_y / (1.0 + level)) ** 2))
            out["lo-95"], out["hi-95"] = out["mean"] - half, out["mean"] + half
        return out

    # the statsforecast calls the engine makes (models.forecast_model / forecast_carried)
    def forecast(self, y, h: int, level=None, **kwargs) -> dict:
        return self.to_model(self.model.forecast(y=self._original(y), h=h, level=level, **kwargs))

    def fit(self, y) -> OriginalScale:
        self.model = self.model.fit(y=self._original(y))
        return self

    def predict(self, h: int, level=None) -> dict:
        return self.to_model(self.model.predict(h=h, level=level))

    def forward(self, y, h: int, level=None, **kwargs) -> dict:
        return self.to_model(self.model.forward(y=self._original(y), h=h, level=level, **kwargs))
