"""The staffing plan as a sheet the user owns: read it into the parameters every page and command uses, write
it back, and say which figures are assumptions.

- `plan_overrides(sheet, params, report)`: {parameter name: value} for the values a checked `StaffingSheet`
  (forecasting.data.staffing_sheet) holds; a value outside the parameter's plausible range is a located error
  in `report` (file, sheet, cell, the range and the parameter's source).
- `apply_staffing_file(path, params)`: the CLI's `--staffing FILE`: the parameters with the plan applied, or a
  UserFacingError listing every located problem.
- `plan_table(params)`: the plan in the sheet layout (download, edit, upload again).
- `plan_sources(params)`: every staffing and workforce-cost parameter with its value, source, year and whether
  it is an assumption (no public figure found) or the user's own figure.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecasting.data.staffing_sheet import StaffingSheet, read_staffing_sheet
from forecasting.data.validation import ValidationReport
from forecasting.errors import UserFacingError
from forecasting.planning.parameters import Parameter, with_overrides
from forecasting.planning.staffing import STAFFED_TEAMS, TEAM_NAMES, StaffingPlan

__all__ = [
    "COST_PARAMETERS",
    "SHEET_TO_PARAMETER",
    "apply_staffing_file",
    "plan_overrides",
    "plan_sources",
    "plan_table",
    "read_plan",
]

SHEET_TO_PARAMETER = {
    "establishment_fte": "establishment_fte",
    "vacancies_fte": "vacancies_fte",
    "agency_fte": "agency_fte",
    "turnover_pct": "turnover_pct",
    "months_to_full_caseload": "months_to_full_caseload",
    "asye_fte": "asye_fte",
}
COST_PARAMETERS = (
    "salary_social_worker",
    "salary_asye",
    "salary_family_worker",
    "employer_oncost_pct",
    "agency_premium_pct",
    "recruitment_cost_per_hire",
    "retention_payment_per_fte",
    "asye_caseload_pct",
    "caseload_norm_cin_cp",
    "caseload_norm_lac",
    "caseload_norm_early_help",
    "team_managers_per_front_line_fte",
    "salary_team_manager",
    "support_staff_per_front_line_fte",
    "salary_support_staff",
    "recruitment_lead_time_months",
    "early_help_family_worker_share_pct",
    "early_help_plan_months",
    "backlog_ceiling_months",
    "triage_threshold_months",
    "triage_screen_out_pct",
    "assessment_window_months",
    "cp_arrivals_window_months",
)


def plan_overrides(
    sheet: StaffingSheet, params: dict[str, Parameter], report: ValidationReport
) -> dict[str, float]:
    """Parameter overrides for the sheet's values; out-of-range values are located errors (and left out)."""
    overrides: dict[str, float] = {}
    for team, values in sheet.values.items():
        for column, number in values.items():
            name = f"{SHEET_TO_PARAMETER[column]}_{team}"
            spec = params.get(name)
            if spec is None:
                continue
            if not spec.in_range(number):
                report.error(
                    f"{column} for {TEAM_NAMES[team]} is {number:g}; the plausible range is "
                    f"{spec.low:g} to {spec.high:g} {spec.unit}.",
                    f"Check the figure; if it is right, widen the range of {name} in data/assumptions.yaml "
                    "with your evidence.",
                    code="out_of_range",
                    **sheet.where(team, column),
                )
                continue
            overrides[name] = number
    for team in sheet.values:
        est = overrides.get(f"establishment_fte_{team}", params[f"establishment_fte_{team}"].value)
        vac = overrides.get(f"vacancies_fte_{team}", params[f"vacancies_fte_{team}"].value)
        if vac > est + 1e-9:
            report.error(
                f"{TEAM_NAMES[team]}: {vac:g} vacancies do not fit an establishment of {est:g}.",
                "Vacancies must be between 0 and the establishment.",
                code="vacancies_above_establishment",
                **sheet.where(team, "vacancies_fte"),
            )
    return overrides


def read_plan(
    filename: str, content: bytes, params: dict[str, Parameter]
) -> tuple[dict[str, float] | None, ValidationReport]:
    """(parameter overrides, report) for an uploaded plan; overrides None when there are blocking errors."""
    sheet, report = read_staffing_sheet(filename, content)
    if sheet is None:
        return None, report
    overrides = plan_overrides(sheet, params, report)
    return (overrides if report.ok else None), report


def apply_staffing_file(path: str | Path, params: dict[str, Parameter]) -> dict[str, Parameter]:
    """`params` with the staffing plan in `path` applied (CSV/XLSX); UserFacingError with every problem."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise UserFacingError(f"--staffing {path}: cannot read the file ({exc.strerror or exc}).") from None
    overrides, report = read_plan(path.name, content, params)
    if overrides is None:
        raise UserFacingError(f"--staffing {path}:\n{report.as_text()}")
    return with_overrides(params, overrides)


def plan_table(params: dict[str, Parameter]) -> pd.DataFrame:
    """The plan in the sheet layout (team, team_name, establishment_fte, filled_fte, vacancies_fte,
    agency_fte, turnover_pct, months_to_full_caseload, asye_fte): what the Workforce page and CLI write and
    read back."""
    return StaffingPlan.from_parameters(params).table()


def plan_sources(params: dict[str, Parameter]) -> pd.DataFrame:
    """Each staffing-plan and workforce-cost parameter: value, default, unit, source, year, and in words
    whether it is the user's figure, a shipped assumption or a shipped sourced figure."""
    names = [f"{prefix}_{team}" for team in STAFFED_TEAMS for prefix in SHEET_TO_PARAMETER.values()]
    rows = []
    for name in [*names, *COST_PARAMETERS]:
        spec = params.get(name)
        if spec is None:
            continue
        if spec.value != spec.default:
            status = "your figure"
        elif spec.is_assumption:
            status = "assumption: replace with your own"
        else:
            status = "published figure (default)"
        rows.append(
            {
                "parameter": name,
                "label": spec.label,
                "value": spec.value,
                "default": spec.default,
                "unit": spec.unit,
                "status": status,
                "source": spec.source,
                "year": spec.year,
            }
        )
    return pd.DataFrame(rows)
