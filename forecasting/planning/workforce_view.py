"""The one function behind the Workforce page and `python -m forecasting workforce`: the planner's answer, the
plan's staffing and cost month by month, caseload and timeliness with the plan, and which load each
timeliness curve reads (work arriving adopted only where it beats naive), all from one call, so the page and
the command cannot disagree.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pandas as pd

from forecasting.planning import memo
from forecasting.planning.parameters import Parameter
from forecasting.planning.scenario_effects import staffing_projection
from forecasting.planning.staffing import StaffingPlan, flows_frame
from forecasting.planning.staffing_plan import plan_sources, plan_table
from forecasting.planning.timeliness_load import TEAM_LOAD, load_definition
from forecasting.planning.timeliness_validation import (
    describe_validation,
    rolling_validation,
    validation_summary,
)
from forecasting.planning.workforce import WorkforceProjection
from forecasting.planning.workforce_cost import cost_by_financial_year, staffing_cost_frame
from forecasting.planning.workforce_queue import queue_lines, queue_table, waiting_line
from forecasting.planning.workforce_sizing import WorkforceSizing, size_workforce

__all__ = ["WorkforceView", "timeliness_loads", "workforce_view"]


@dataclass
class WorkforceView:
    """Everything the Workforce page and the workforce command show. `validation`: the rolling-origin table
    (timeliness_validation.rolling_validation) when a forecast result was given, else empty."""

    sizing: WorkforceSizing
    flows: pd.DataFrame
    costs: pd.DataFrame
    cost_by_year: pd.DataFrame
    projection: WorkforceProjection
    loads: pd.DataFrame
    plan: pd.DataFrame
    sources: pd.DataFrame
    validation: pd.DataFrame = field(default_factory=pd.DataFrame)
    queue: pd.DataFrame = field(default_factory=pd.DataFrame)
    queue_words: list[str] = field(default_factory=list)

    def lines(self, norms: dict[str, float], targets: dict[str, float]) -> list[str]:
        """The answer in plain words (what the command prints)."""
        asked = [
            f"caseload norms {', '.join(f'{k} {v:g}' for k, v in norms.items())}"
            if norms
            else "caseload norms from the assumptions",
            f"timeliness targets {', '.join(f'{k} {v:g}%' for k, v in targets.items())}"
            if targets
            else "no timeliness target",
        ]
        out = [f"Workforce: {'; '.join(asked)}."] + [f"  {line}" for line in self.sizing.answer()]
        by_year = self.cost_by_year
        spend = by_year.groupby("financial_year")["staffing_cost"].sum()
        months = by_year.groupby("financial_year")["months"].max().to_dict()
        out.append(
            "  Staffing cost of the plan (front-line staff, their managers and support staff): "
            + "; ".join(
                f"{year} £{total:,.0f}" + (" (part year)" if months[year] < 12 else "")
                for year, total in spend.items()
            )
            + "."
        )
        out += [f"  queue: {line}" for line in self.queue_words]
        out += [f"  timeliness: {line}" for line in self.loads["words"]]
        if len(self.validation):
            out += [f"  timeliness baseline: {line}" for line in validation_summary(self.validation)]
            out += [f"  timeliness check: {line}" for line in describe_validation(self.validation)]
        out += [f"  note: {note}" for note in self.sizing.notes]
        return out

    def tables(self, lines: list[str]) -> dict[str, pd.DataFrame]:
        """{sheet: table} for the XLSX the command writes (months as YYYY-MM)."""

        def monthly(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.assign(month=pd.to_datetime(frame["month"]).dt.strftime("%Y-%m"))

        tables = {
            "answer": self.sizing.summary,
            "recruitment schedule": self.sizing.schedule,
            "timeliness targets": self.sizing.timeliness,
            "fte needed by month": monthly(self.sizing.by_month),
            "staffing flows": monthly(self.flows),
            "cost by month": monthly(self.costs),
            "cost by financial year": self.cost_by_year,
            "queue and triage by month": monthly(self.queue) if len(self.queue) else self.queue,
            "timeliness load": self.loads,
            "staffing plan": self.plan,
            "assumptions": self.sources,
            "notes": pd.DataFrame({"note": lines}),
        }
        if len(self.validation):
            tables["timeliness validation"] = self.validation
        return tables


def timeliness_loads(baseline) -> pd.DataFrame:
    """One row per timeliness measure the baseline forecasts: measure, load, arriving, fitted, note, words
    (which load its curve reads and why, in plain words)."""
    curves = baseline.effects.curves or {}
    rows = []
    for measure, curve in curves.items():
        if measure not in baseline.projection.indicators:
            continue
        definition = load_definition(measure, curve.load)
        if curve.load != TEAM_LOAD:
            why = (
                "adopted: it beats 'same as last month' and the engine's forecast on the back-test, with a "
                "load effect"
            )
        elif definition.arriving:
            why = "the team's own load, already work arriving"
        else:
            why = (
                "no work-arriving load earns its place (beats 'same as last month' and the engine's forecast "
                "on the rolling back-test, with a load effect): the team's own"
            )
        rows.append(
            {
                "measure": measure,
                "load": curve.load,
                "arriving": definition.arriving,
                "fitted": curve.fitted,
                "note": curve.note,
                "words": f"{measure} moves with {definition.words} ({why}; "
                f"{curve.note.replace(f', load: {definition.words}', '')}). The engine's "
                "forecast stays the baseline; the curve gives only the change staffing makes.",
            }
        )
    return pd.DataFrame(rows, columns=["measure", "load", "arriving", "fitted", "note", "words"])


def workforce_view(
    baseline,
    params: dict[str, Parameter],
    norms: dict[str, float] | None = None,
    targets: dict[str, float] | None = None,
    scenario=None,
    forecast_result=None,
) -> WorkforceView:
    """The Workforce page's and command's figures for the plan in `params` on `baseline`
    (scenarios.build_baseline); `scenario` (a ScenarioResult) sizes for its demand; `forecast_result` adds the
    timeliness validation table."""
    sizing = size_workforce(baseline, params, norms or None, targets or None, scenario)
    validation = pd.DataFrame()
    if forecast_result is not None and baseline.dataset is not None:
        validation = rolling_validation(baseline.dataset, forecast_result, params)
    # the steps are part of the key: a stand-in (tests) is another computation
    steps = (StaffingPlan, staffing_cost_frame, staffing_projection, queue_table, flows_frame,
             cost_by_financial_year, timeliness_loads, plan_table, plan_sources, queue_lines, waiting_line)
    plan_part = memo.remember(_PLAN_PARTS, tuple(map(memo.Same, steps)),
                              functools.partial(_plan_part, baseline), params, owner=baseline)
    return WorkforceView(sizing=sizing, validation=validation, **plan_part)


# a norm or target slider changes only the sizing: the rest is kept per (baseline, parameters read)
_PLAN_PARTS = memo.MemoStore("workforce plan tables", size=16)


def _plan_part(baseline, params: dict[str, Parameter]) -> dict:
    """The view's tables that depend on the plan in `params` and the baseline only, not on norms, targets or
    a scenario (pure: kept by `workforce_view`; read-only)."""
    plan = StaffingPlan.from_parameters(params)
    costs = staffing_cost_frame(plan, baseline.months, params)
    projection = staffing_projection(baseline, params)
    queue = queue_table(projection.by_team, params)
    return {
        "flows": flows_frame(plan, baseline.months),
        "costs": costs,
        "cost_by_year": cost_by_financial_year(costs),
        "projection": projection,
        "loads": timeliness_loads(baseline),
        "plan": plan_table(params),
        "sources": plan_sources(params),
        "queue": queue,
        "queue_words": queue_lines(queue, params) + waiting_line(projection, baseline.effects.curves),
    }
