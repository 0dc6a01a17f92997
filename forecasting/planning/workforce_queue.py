"""The front door's and the assessment team's queues in words and by month: the backlog each carries, its
ceiling, the front-door triage rule and the work triaged out (rules in forecasting.planning.workforce's
docstring). `queue_table` and `queue_lines` are called by planning.workforce_view, the one function behind the
Workforce page and `python -m forecasting workforce`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.planning.parameters import Parameter, value
from forecasting.planning.staffing import TEAM_NAMES
from forecasting.planning.workforce import TEAM_WORK, TRIAGE_TEAMS

__all__ = ["QUEUE_COLUMNS", "QUEUE_RULES", "queue_lines", "queue_table", "waiting_line"]

# the queue rules a user may change (Workforce page, `workforce --set NAME=VALUE`): named assumptions
QUEUE_RULES = ("backlog_ceiling_months", "triage_threshold_months", "triage_screen_out_pct")

QUEUE_COLUMNS = [
    "month",
    "team",
    "team_name",
    "arriving",
    "capacity",
    "backlog",
    "backlog_months",
    "ceiling",
    "triage_threshold",
    "screened_out",
    "over_ceiling",
    "triaged",
]
_UNITS = {"mash": "contacts", "assessment": "assessments"}


def queue_table(by_team: pd.DataFrame, params: dict[str, Parameter]) -> pd.DataFrame:
    """One row per flow team and month (QUEUE_COLUMNS) from a workforce projection's `by_team`: arriving work
    (workload less the backlog carried in, plus what was screened out), capacity, backlog carried on (and in
    months of capacity), the ceiling and triage threshold as work, and the work triaged out."""
    flow = [team for team, (kind, _c, _n) in TEAM_WORK.items() if kind == "flow"]
    frames = []
    ceiling = value(params, "backlog_ceiling_months") if "backlog_ceiling_months" in params else np.inf
    for team in flow:
        rows = by_team[by_team["team"] == team].reset_index(drop=True)
        if rows.empty:
            continue
        carried_in = np.concatenate([[0.0], rows["backlog"].to_numpy(dtype=float)[:-1]])
        screened = rows.get("screened_out", pd.Series(0.0, index=rows.index)).to_numpy(dtype=float)
        capacity = rows["capacity"].to_numpy(dtype=float)
        threshold = (
            value(params, "triage_threshold_months") * capacity
            if team in TRIAGE_TEAMS and "triage_threshold_months" in params
            else np.full(len(rows), np.nan)
        )
        triaged = rows["triaged"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            months = np.where(capacity > 0, rows["backlog"].to_numpy(dtype=float) / capacity, np.nan)
        frames.append(
            pd.DataFrame(
                {
                    "month": rows["month"],
                    "team": team,
                    "team_name": TEAM_NAMES.get(team, team),
                    "arriving": rows["workload"].to_numpy(dtype=float) - carried_in + screened,
                    "capacity": capacity,
                    "backlog": rows["backlog"].to_numpy(dtype=float),
                    "backlog_months": months,
                    "ceiling": ceiling * capacity,
                    "triage_threshold": threshold,
                    "screened_out": screened,
                    "over_ceiling": np.clip(triaged - screened, 0.0, None),
                    "triaged": triaged,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=QUEUE_COLUMNS)


def _span(rows: pd.DataFrame, column: str) -> str:
    on = rows[rows[column] > 0.5]
    first, last = pd.Timestamp(on["month"].iloc[0]), pd.Timestamp(on["month"].iloc[-1])
    return f"{first:%b %Y}" if first == last else f"{first:%b %Y} to {last:%b %Y}"


def queue_lines(table: pd.DataFrame, params: dict[str, Parameter]) -> list[str]:
    """The queue rules and what they do with this plan, in words: one line per flow team in `table`
    (`queue_table`)."""
    out = []
    ceiling = value(params, "backlog_ceiling_months") if "backlog_ceiling_months" in params else np.inf
    for team in dict.fromkeys(table["team"]):
        rows = table[table["team"] == team]
        unit = _UNITS.get(str(team), "items")
        name = TEAM_NAMES.get(str(team), str(team))
        months = "month" if ceiling == 1 else "months"
        rule = f"{name} queue: at most {ceiling:g} {months} of its capacity is carried into the next month "
        rule += "(backlog_ceiling_months, an assumption); "
        if team in TRIAGE_TEAMS and "triage_threshold_months" in params:
            threshold = value(params, "triage_threshold_months")
            share = value(params, "triage_screen_out_pct")
            rule += (
                f"when the backlog carried in is above {threshold:g} months of "
                f"capacity (triage_threshold_months), {share:g}% of that "
                f"month's {unit} are screened out on the day (triage_screen_out_pct; no further action, or "
                "advice and Early Help), at most enough to bring the queue back to the threshold; both are "
                "assumptions. "
            )
        else:
            rule += f"no triage at this stage: {unit} past the ceiling are re-prioritised "
            rule += "(closed or passed on) rather than queued. "
        peak = rows.loc[rows["backlog"].idxmax()]
        if peak["backlog"] <= 0.5:
            rule += "With this plan the team keeps up every month: nothing is carried over or triaged out."
        else:
            rule += (
                f"With this plan the backlog peaks at {peak['backlog']:,.0f} {unit} "
                f"({peak['backlog_months']:.2f} months of capacity, {pd.Timestamp(peak['month']):%b %Y})"
            )
            screened, closed = rows["screened_out"].sum(), rows["over_ceiling"].sum()
            parts = []
            if screened > 0.5:
                span = _span(rows, "screened_out")
                parts.append(f"{screened:,.0f} {unit} triaged out at the door ({span})")
            if closed > 0.5:
                parts.append(f"{closed:,.0f} closed past the ceiling ({_span(rows, 'over_ceiling')})")
            rule += "; " + (" and ".join(parts) if parts else f"no {unit} triaged out") + "."
        out.append(rule)
    return out


def waiting_line(projection, curves: dict | None) -> list[str]:
    """The assessments waiting that EH4-QL reads (timeliness_load.queue_load), when its curve reads them: at
    the start of the first month ahead (the history's last queue), at the peak and at the end, in words.
    `projection`: a workforce projection (by_team, timeliness); [] when EH4-QL reads another load."""
    curve = (curves or {}).get("EH4-QL")
    if curve is None or curve.load != "assessment_queue":
        return []
    rows = projection.timeliness[projection.timeliness["measure"] == "EH4-QL"].reset_index(drop=True)
    team = projection.by_team[projection.by_team["team"] == "assessment"].reset_index(drop=True)
    if rows.empty or team.empty:
        return []
    usual = team["fte"].to_numpy(dtype=float) * curve.per_fte
    waiting = rows["utilisation"].to_numpy(dtype=float) * usual
    months = pd.DatetimeIndex(rows["month"])
    peak = int(np.nanargmax(waiting))
    first, top, last = (f"{months[k]:%b %Y}" for k in (0, peak, -1))
    return [
        f"Single assessments waiting (what EH4-QL reads): {waiting[0]:,.0f} at the start of {first} "
        f"({rows['utilisation'].iloc[0]:.2f} months of the team's usual capacity), {waiting[peak]:,.0f} at "
        f"most ({top}) and {waiting[-1]:,.0f} by {last} with this plan; {curve.conversion:.2f} assessments "
        f"start per referral and the team completes {curve.per_fte:.1f} a month per FTE carrying work (both "
        "read off the history)."
    ]
