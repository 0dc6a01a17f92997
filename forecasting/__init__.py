"""Forecasting and demand planning for English children's social care scorecards.

Public API is re-exported here and kept small; see docs/ARCHITECTURE.md for the module map.
"""
from forecasting.data import EMBEDDED_DATASET, Dataset, load_dataset, load_upload
from forecasting.engine.forecast import ForecastResult, ForecastSettings, run_forecast
from forecasting.planning.goalseek import decompose, goal_seek
from forecasting.planning.parameters import load_parameters
from forecasting.planning.projection import Projection
from forecasting.planning.scenarios import Scenario, apply_scenario, load_scenario, project, save_scenario
from forecasting.planning.targets import evaluate_targets

__all__ = ["EMBEDDED_DATASET", "Dataset", "ForecastResult", "ForecastSettings", "Projection", "Scenario",
           "apply_scenario", "decompose", "evaluate_targets", "goal_seek", "load_dataset", "load_parameters",
           "load_scenario", "load_upload", "project", "run_forecast", "save_scenario"]
