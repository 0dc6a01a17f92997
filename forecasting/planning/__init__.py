"""Planning: named assumptions, scenario levers, the stock-and-flow pipeline, scenarios, workforce, placement
costs, targets (P(met), RAG), goal-seek and decomposition. Reads the engine's forecasts; never draws."""
from forecasting.planning.goalseek import decompose, goal_seek
from forecasting.planning.parameters import load_parameters
from forecasting.planning.scenarios import (
           Scenario,
           apply_scenario,
           build_baseline,
           load_scenario,
           save_scenario,
)
from forecasting.planning.targets import evaluate_targets

__all__ = ["Projection", "Scenario", "apply_scenario", "build_baseline", "decompose", "evaluate_targets",
           "goal_seek", "load_parameters", "load_scenario", "project", "save_scenario"]
