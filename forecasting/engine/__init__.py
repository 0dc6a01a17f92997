"""Engine: statsforecast candidate models, rolling-origin back-test, choice, calibrated intervals, holiday
effects, the verified result cache, the back-test by months ahead (`horizon`), and the same engine over many
authorities (local or Dask). Imports only `forecasting.data` and `forecasting.errors` below it."""

from forecasting.engine.cache import dataset_fingerprint
from forecasting.engine.forecast import ForecastResult, ForecastSettings, run_forecast
from forecasting.engine.horizon import HORIZON_BANDS, describe_horizon_accuracy, horizon_accuracy

__all__ = [
    "HORIZON_BANDS",
    "ForecastResult",
    "ForecastSettings",
    "dataset_fingerprint",
    "describe_horizon_accuracy",
    "horizon_accuracy",
    "run_forecast",
]
