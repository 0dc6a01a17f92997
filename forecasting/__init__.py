"""Forecasting and demand planning for English children's social care scorecards.

Public API is re-exported here and kept small; see docs/ARCHITECTURE.md for the module map.
"""
from forecasting.data import Dataset, load_dataset, EMBEDDED_DATASET

__all__ = ["Dataset", "load_dataset", "EMBEDDED_DATASET"]
