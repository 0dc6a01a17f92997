"""Planning: named assumptions, scenario levers, the stock-and-flow pipeline, scenarios, workforce, placement
costs, targets (P(met), RAG), goal-seek and decomposition. Reads the engine's forecasts; never draws."""

from forecasting.planning.budgets import read_actual_spend, read_budget
from forecasting.planning.care_backtest import backtest_care
from forecasting.planning.care_levers import scenario_projection
from forecasting.planning.care_model import DEFAULT_SIMULATIONS as CARE_SIMULATIONS
from forecasting.planning.care_model import fit_care_model
from forecasting.planning.costs import PLACEMENT_TYPES, full_year_lac, project_placement_costs
from forecasting.planning.coverage import Coverage, coverage, indicator_words
from forecasting.planning.finance import (
    MEDIUM_TERM_YEARS,
    baseline_spend,
    care_model_mix,
    care_scenario_costs,
    finance_horizon,
    finance_view,
)
from forecasting.planning.goalseek import PairResult, decompose, goal_seek, goal_seek_pair
from forecasting.planning.headlines import HEADLINES, headline_table
from forecasting.planning.horizon import horizon_to_march, steady_state
from forecasting.planning.lever_mix import GENERAL_MIX_WORDS, MIX_LEVERS, mix_parameter
from forecasting.planning.levers import (
    GROUP_LABELS,
    LEVER_LABELS,
    LEVERS,
    MONTH_UNIT,
    TEAMS,
    evidence_table,
    lever_words,
)
from forecasting.planning.parameters import load_parameters, parameter_table, with_overrides
from forecasting.planning.pathway_evidence import pathway_evidence_table
from forecasting.planning.plan_costs import PLAN_COST_PARAMETERS
from forecasting.planning.prices import INFLATION_PARAMETER, current_financial_year, enter_costs, statement
from forecasting.planning.projection import Projection
from forecasting.planning.scenario_effects import staffing_projection
from forecasting.planning.scenario_store import (
    data_root,
    list_saved,
    read_saved,
    save_user_scenario,
    scenario_file_name,
    scenario_from_yaml,
    scenario_yaml,
    user_folder,
)
from forecasting.planning.scenarios import (
    Scenario,
    apply_scenario,
    build_baseline,
    load_scenario,
    project,
    save_scenario,
    scenario_from_dict,
)
from forecasting.planning.staffing import StaffingPlan, flows_frame
from forecasting.planning.staffing_plan import plan_sources, plan_table, read_plan
from forecasting.planning.targets import evaluate_targets
from forecasting.planning.timeliness_validation import (
    describe_validation,
    rolling_validation,
    validation_summary,
)
from forecasting.planning.workforce_cost import cost_by_financial_year, staffing_cost_frame
from forecasting.planning.workforce_history import forecast_demand
from forecasting.planning.workforce_queue import QUEUE_RULES
from forecasting.planning.workforce_sizing import size_workforce
from forecasting.planning.workforce_view import workforce_view

__all__ = ["Coverage", "GROUP_LABELS", "HEADLINES", "LEVER_LABELS", "lever_words",
           "INFLATION_PARAMETER", "LEVERS", "MEDIUM_TERM_YEARS", "MONTH_UNIT",
           "PLACEMENT_TYPES", "GENERAL_MIX_WORDS", "MIX_LEVERS", "mix_parameter",
           "PLAN_COST_PARAMETERS", "PairResult", "Projection", "Scenario", "StaffingPlan", "TEAMS",
           "apply_scenario", "backtest_care", "baseline_spend", "build_baseline", "care_model_mix",
           "care_scenario_costs",
           "cost_by_financial_year",
           "coverage",
           "current_financial_year", "decompose", "describe_validation", "enter_costs", "evaluate_targets",
           "CARE_SIMULATIONS", "evidence_table", "pathway_evidence_table",
           "finance_horizon", "finance_view", "fit_care_model",
           "flows_frame",
           "forecast_demand", "indicator_words",
           "full_year_lac", "goal_seek", "goal_seek_pair", "headline_table", "horizon_to_march",
           "load_parameters", "load_scenario", "parameter_table", "plan_sources", "plan_table", "project",
           "project_placement_costs", "read_actual_spend", "read_budget", "read_plan", "rolling_validation",
           "save_scenario", "save_user_scenario", "scenario_file_name", "scenario_from_dict",
           "scenario_from_yaml", "scenario_yaml", "user_folder", "data_root", "list_saved", "read_saved",
           "scenario_projection", "size_workforce",
           "staffing_cost_frame", "staffing_projection", "statement", "steady_state", "with_overrides",
           "validation_summary", "workforce_view", "QUEUE_RULES"]
