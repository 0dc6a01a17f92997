"""The staffing plan by team and its month-by-month flows: establishment, filled posts, vacancies, agency
cover, leavers, starters, and the FTE that carries work.

Teams (`STAFFED_TEAMS`): mash (front door), assessment, cin_cp, lac (social workers) and early_help (family
workers for the Early Help step-down). The plan is the user's: `StaffingPlan.from_parameters(params)` reads
the per-team parameters (`establishment_fte_<team>`, `vacancies_fte_<team>`, `agency_fte_<team>`,
`turnover_pct_<team>`, `months_to_full_caseload_<team>`, `asye_fte_<team>`, `asye_caseload_pct`), which the
Workforce page and `--staffing FILE` set from a sheet, so every page, scenario and command uses one plan.

Rules (`staffing_flows`, per team, month by month from the first forecast month):
- filled = establishment - vacancies at the start. Agency workers cover posts on top of filled ones.
- Recruits start at the start of a month and leavers go at its end (FTE carrying work in a month counts the
  month's starters, not its leavers). Turnover: leavers = filled x turnover / 12 a month. In the plan
  leavers are replaced (a replacement starter each month, so vacancies stay as they are; replacements are
  assumed experienced and productive at once). Extra turnover (`unreplaced_turnover_pct`, the scenario
  lever) leaves vacancies: filled falls, vacancies rise.
- Recruits starting in a month are placed in this order: (1) fill vacancies no agency worker covers;
  (2) take over posts held by agency workers, who hand their cases over as the recruit ramps up (the agency
  FTE falls by the recruit's caseload share each month, so cover never drops and both are paid during the
  handover); an agency worker held above establishment becomes an establishment post; (3) anything left adds
  posts to the establishment. A recruit dated before the first month is already in post (extra posts).
- Ramp-up: a recruit carries k/m of a full caseload in their k-th month (m = months to a full caseload;
  0 = full at once). Newly qualified (ASYE) staff carry `asye_caseload_pct` of a caseload.
- FTE carrying work = filled + agency - recruits' ramp-up shortfall - ASYE protection, never below 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from forecasting.planning.parameters import Parameter, value

__all__ = [
    "FLOW_COLUMNS",
    "PLAN_FIELDS",
    "STAFFED_TEAMS",
    "TEAM_NAMES",
    "Recruit",
    "StaffingPlan",
    "flows_frame",
    "staffing_flows",
]

STAFFED_TEAMS: tuple[str, ...] = ("mash", "assessment", "cin_cp", "lac", "early_help")
TEAM_NAMES = {
    "mash": "MASH / front door",
    "assessment": "Assessment",
    "cin_cp": "CIN / child protection",
    "lac": "Looked-after children",
    "early_help": "Early Help family workers",
}
# plan field -> parameter prefix (value per team)
PLAN_FIELDS = {
    "establishment": "establishment_fte",
    "vacancies": "vacancies_fte",
    "agency": "agency_fte",
    "turnover_pct": "turnover_pct",
    "months_to_full_caseload": "months_to_full_caseload",
    "asye": "asye_fte",
}
FLOW_COLUMNS = (
    "establishment",
    "filled",
    "vacancies",
    "agency",
    "leavers",
    "replacement_starters",
    "unreplaced_leavers",
    "recruits",
    "agency_released",
    "posts_added",
    "fte_working",
)


@dataclass(frozen=True)
class Recruit:
    """`fte` staff joining `team` in `start_month`, reaching a full caseload linearly over
    `months_to_full_caseload` months (k/months in their k-th month; 0 = full at once)."""

    team: str
    fte: float
    start_month: pd.Timestamp
    months_to_full_caseload: float = 0.0

    def month_index(self, months: pd.DatetimeIndex) -> int:
        """Index of the start month in `months` (0 if before the first, len(months) if after the last)."""
        start = pd.Timestamp(self.start_month)
        k = (start.year - months[0].year) * 12 + (start.month - months[0].month)
        return int(min(max(k, 0), len(months)))

    def effective_fte(self, months: pd.DatetimeIndex) -> np.ndarray:
        start = pd.Timestamp(self.start_month)
        k = np.asarray((months.year - start.year) * 12 + (months.month - start.month) + 1, dtype=float)
        share = (
            (k >= 1).astype(float)
            if self.months_to_full_caseload <= 0
            else np.clip(k / self.months_to_full_caseload, 0.0, 1.0)
        )
        return self.fte * share


@dataclass(frozen=True)
class StaffingPlan:
    """The staffing plan by team (dicts keyed by team; a team left out has none) plus scenario changes."""

    establishment: dict[str, float]
    vacancies: dict[str, float]
    agency: dict[str, float]
    unreplaced_turnover_pct: float = 0.0  # a year, every team; leavers not replaced (scenario lever)
    recruits: tuple[Recruit, ...] = ()
    turnover_pct: dict[str, float] = field(default_factory=dict)
    months_to_full_caseload: dict[str, float] = field(default_factory=dict)
    asye: dict[str, float] = field(default_factory=dict)
    asye_caseload_pct: float = 100.0

    @classmethod
    def from_parameters(cls, params: dict[str, Parameter]) -> StaffingPlan:
        """The plan held in the per-team parameters (see module docstring)."""
        def per_team(field_name: str) -> dict[str, float]:
            prefix = PLAN_FIELDS[field_name]
            return {team: value(params, f"{prefix}_{team}") for team in STAFFED_TEAMS}

        return cls(per_team("establishment"), per_team("vacancies"), per_team("agency"),
                   turnover_pct=per_team("turnover_pct"),
                   months_to_full_caseload=per_team("months_to_full_caseload"), asye=per_team("asye"),
                   asye_caseload_pct=value(params, "asye_caseload_pct"))

    def table(self) -> pd.DataFrame:
        """One row per team: the plan as a user sees it (filled = establishment - vacancies)."""
        rows = []
        for team in STAFFED_TEAMS:
            est, vac = self.establishment.get(team, 0.0), self.vacancies.get(team, 0.0)
            rows.append(
                {
                    "team": team,
                    "team_name": TEAM_NAMES[team],
                    "establishment_fte": est,
                    "filled_fte": est - vac,
                    "vacancies_fte": vac,
                    "agency_fte": self.agency.get(team, 0.0),
                    "turnover_pct": self.turnover_pct.get(team, 0.0),
                    "months_to_full_caseload": self.months_to_full_caseload.get(team, 0.0),
                    "asye_fte": self.asye.get(team, 0.0),
                }
            )
        return pd.DataFrame(rows)

    def fte(self, months: pd.DatetimeIndex) -> pd.DataFrame:
        """FTE carrying work by month (index) and team (columns), never below 0."""
        months = pd.DatetimeIndex(months)
        return pd.DataFrame(self.fte_arrays(months), index=months)

    def fte_arrays(self, months: pd.DatetimeIndex) -> dict[str, np.ndarray]:
        """{team: FTE carrying work per month} (`staffing_flows`); the four social-work teams always (0 if the
        plan has none), Early Help when the plan has it."""
        flows = staffing_flows(self, months)
        out = {team: np.zeros(len(months)) for team in STAFFED_TEAMS[:4]}
        out.update({team: columns["fte_working"] for team, columns in flows.items()})
        return out

    def teams(self) -> list[str]:
        known = (
            set(self.establishment) | set(self.vacancies) | set(self.agency) | {r.team for r in self.recruits}
        )
        return [team for team in STAFFED_TEAMS if team in known] + sorted(known - set(STAFFED_TEAMS))

    def with_extra(self, team: str, fte: float) -> StaffingPlan:
        """The same plan with `fte` more staff carrying work in `team` from the first month (sizing)."""
        return replace(self, recruits=self.recruits + (Recruit(team, fte, pd.Timestamp("1900-01-01")),))


def _place_recruits(hires: float, vacancies: float, agency: float) -> tuple[float, float, float]:
    """(into uncovered vacancies, replacing agency workers, new posts): the module's recruitment order."""
    uncovered = max(vacancies - agency, 0.0)
    into_vacancies = min(hires, uncovered)
    replacing_agency = min(hires - into_vacancies, agency)
    return into_vacancies, replacing_agency, hires - into_vacancies - replacing_agency


def staffing_flows(plan: StaffingPlan, months: pd.DatetimeIndex) -> dict[str, dict[str, np.ndarray]]:
    """{team: {column of FLOW_COLUMNS: values by month}}: the rules of the module docstring. Stocks
    (establishment, filled, vacancies, agency) are at the end of each month; flows are within it."""
    months = pd.DatetimeIndex(months)
    n = len(months)
    extra_rate = plan.unreplaced_turnover_pct / 100.0 / 12.0
    out = {}
    for team in plan.teams():
        est = float(plan.establishment.get(team, 0.0))
        vac = float(plan.vacancies.get(team, 0.0))
        agency = float(plan.agency.get(team, 0.0))
        filled = est - vac
        rate = plan.turnover_pct.get(team, 0.0) / 100.0 / 12.0
        ramp, release = np.zeros(n), np.zeros(n)  # shortfall of recruits ramping up; agency handed over
        by_month: dict[int, list[Recruit]] = {}
        for r in (r for r in plan.recruits if r.team == team):
            if pd.Timestamp(r.start_month) < months[0]:  # in post before the window: extra posts, productive
                est, filled = est + r.fte, filled + r.fte
            elif r.month_index(months) < n:
                by_month.setdefault(r.month_index(months), []).append(r)
        asye_gap = plan.asye.get(team, 0.0) * (1.0 - plan.asye_caseload_pct / 100.0)
        agency_free = agency  # agency workers not yet due to hand over to a recruit
        columns = {c: np.zeros(n) for c in FLOW_COLUMNS}
        for i in range(n):  # recruits start at the start of the month, leavers go at its end
            started = added = handed = 0.0
            for r in by_month.get(i, []):
                share = r.effective_fte(months)[i:] / r.fte if r.fte else np.zeros(n - i)
                into_vac, for_agency, new_posts = _place_recruits(r.fte, vac, agency_free)
                from_vac = min(for_agency, vac - into_vac)  # agency-held posts that were vacancies
                vac -= into_vac + from_vac
                est += new_posts + for_agency - from_vac
                filled += r.fte
                agency_free -= for_agency
                ramp[i:] += r.fte * (1.0 - share)
                release[i:] += for_agency * np.diff(
                    share, prepend=0.0
                )  # handed over as the recruit takes cases
                started += r.fte
                added += new_posts + for_agency - from_vac
            agency -= release[i]
            handed = release[i]
            working = max(filled + agency - ramp[i] - asye_gap, 0.0)
            leavers, unreplaced = filled * rate, filled * extra_rate
            filled, vac = filled - unreplaced, vac + unreplaced
            row = {
                "establishment": est,
                "filled": filled,
                "vacancies": vac,
                "agency": agency,
                "leavers": leavers + unreplaced,
                "replacement_starters": leavers,
                "unreplaced_leavers": unreplaced,
                "recruits": started,
                "agency_released": handed,
                "posts_added": added,
                "fte_working": working,
            }
            for column, number in row.items():
                columns[column][i] = number
        out[team] = columns
    return out


def flows_frame(plan: StaffingPlan, months: pd.DatetimeIndex) -> pd.DataFrame:
    """`staffing_flows` as a long frame: month, team, then FLOW_COLUMNS."""
    months = pd.DatetimeIndex(months)
    frames = [
        pd.DataFrame({"month": months, "team": team, **columns})
        for team, columns in staffing_flows(plan, months).items()
    ]
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["month", "team", *FLOW_COLUMNS])
    )
