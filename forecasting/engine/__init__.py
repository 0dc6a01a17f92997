"""Engine: statsforecast candidate models, rolling-origin back-test, choice, calibrated intervals, holiday
effects, the verified result cache, and the same engine over many authorities (local or Dask). Imports only
`forecasting.data` and `forecasting.errors` below it."""

from forecasting.engine.cache import dataset_fingerprint
from forecasting.engine.forecast import ForecastResult, ForecastSettings, run_forecast

__all__ = ["ForecastResult", "ForecastSettings", "dataset_fingerprint", "run_forecast"]
