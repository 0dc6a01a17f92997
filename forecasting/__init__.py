"""Forecasting and demand planning for English children's social care scorecards.

Public API is re-exported here and kept small; see docs/ARCHITECTURE.md for the module map.
"""
from forecasting.data import EMBEDDED_DATASET, Dataset, load_dataset, load_upload
from forecasting.forecast import ForecastResult, ForecastSettings, run_forecast

__all__ = ["EMBEDDED_DATASET", "Dataset", "ForecastResult", "ForecastSettings", "load_dataset", "load_upload",
           "run_forecast"]
