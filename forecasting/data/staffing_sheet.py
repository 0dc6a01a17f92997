"""Reading a staffing plan sheet (CSV or XLSX) with located validation: one row per team.

Layout (the sheet the Workforce page and `python -m forecasting workforce` write reads back unchanged):
    team | team_name | establishment_fte | filled_fte | vacancies_fte | agency_fte | turnover_pct |
    months_to_full_caseload | asye_fte
- The header row is the first row with a cell `team`; columns may be in any order and headings are matched
  loosely (`Establishment (FTE)`, `Vacancies`, `Agency`, `Turnover %`, `Months to full caseload`, `ASYE`...).
- `team` is a code (mash, assessment, cin_cp, lac, early_help) or the words for it (`MASH / front door`,
  `CIN/CP`, `Looked-after children`, `Early Help family workers`...). `team_name` is for people and ignored.
- `establishment_fte` is required; every other column is optional (a team or column left out keeps the plan's
  current value, with a warning). Give vacancies or filled posts (vacancies = establishment - filled); both
  must agree. Percentages may be typed 15, 15% or as an Excel percentage.
Every problem names the file, sheet, cell and what was expected (`ValidationReport`); nothing raises.
`read_staffing_sheet(filename, content) -> (StaffingSheet | None, ValidationReport)`; the values are checked
against the parameters' plausible ranges by `forecasting.planning.staffing_plan`, which turns them into the
plan.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from forecasting.data.spreadsheet import (
    CsvLayoutError,
    Sheet,
    decode_text,
    parse_value,
    read_csv_sheet,
    read_xlsx_sheets,
    sniff,
)
from forecasting.data.validation import ValidationReport

log = logging.getLogger(__name__)
__all__ = ["SHEET_COLUMNS", "STAFFING_TEAMS", "StaffingSheet", "column_letter", "read_staffing_sheet"]

STAFFING_TEAMS = ("mash", "assessment", "cin_cp", "lac", "early_help")
SHEET_COLUMNS = (
    "establishment_fte",
    "filled_fte",
    "vacancies_fte",
    "agency_fte",
    "turnover_pct",
    "months_to_full_caseload",
    "asye_fte",
)
MAX_BYTES = 5_000_000
_TEAM_WORDS = {  # normalised words -> team
    "mash": "mash",
    "mash front door": "mash",
    "front door": "mash",
    "multi agency safeguarding hub": "mash",
    "assessment": "assessment",
    "assessment team": "assessment",
    "assessments": "assessment",
    "cin cp": "cin_cp",
    "cin": "cin_cp",
    "child protection": "cin_cp",
    "children in need": "cin_cp",
    "cin child protection": "cin_cp",
    "safeguarding": "cin_cp",
    "lac": "lac",
    "looked after children": "lac",
    "children looked after": "lac",
    "cla": "lac",
    "looked after": "lac",
    "children in care": "lac",
    "early help": "early_help",
    "early help family workers": "early_help",
    "family workers": "early_help",
    "early help family worker": "early_help",
}
_HEADINGS = [  # (pattern on the normalised heading, column), first match wins
    (r"^team name$|^name$|^description$", "team_name"),
    (r"^team$|^team code$", "team"),
    (r"establish|^posts", "establishment_fte"),
    (r"^filled|in post", "filled_fte"),
    (r"vacan", "vacancies_fte"),
    (r"agency|locum", "agency_fte"),
    (r"turnover|leav", "turnover_pct"),
    (r"full caseload|ramp|months to", "months_to_full_caseload"),
    (r"asye|newly qualified|nqsw", "asye_fte"),
]
_LIMITS = {
    "turnover_pct": (0.0, 100.0, "a percentage a year, 0-100"),
    "months_to_full_caseload": (0.0, 36.0, "months, 0-36"),
}


@dataclass
class StaffingSheet:
    """Values per team {team: {column: value}} and where each came from {(team, column): (row, letter)}."""

    source: str
    sheet: str | None
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    cells: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)

    def where(self, team: str, column: str) -> dict:
        """Location keywords for a ValidationReport message about one value."""
        row, letter = self.cells.get((team, column), (None, None))
        return {"file": self.source, "sheet": self.sheet, "row": row, "column": letter}


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (as Excel shows columns)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _norm(text) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text or "").lower().replace("-", " ")).strip()


def team_of(value) -> str | None:
    """The team code for a cell (code or words), None when not recognised."""
    text = _norm(value)
    if text.replace(" ", "_") in STAFFING_TEAMS:
        return text.replace(" ", "_")
    text = re.sub(r"\b(team|teams|service|social workers?|fte)\b", "", text).strip()
    text = re.sub(r"\s+", " ", text)
    return _TEAM_WORDS.get(text)


def _heading(value) -> str | None:
    text = _norm(value)
    for pattern, column in _HEADINGS:
        if re.search(pattern, text):
            return column
    return None


def _sheets(name: str, content: bytes, report: ValidationReport) -> list[Sheet]:
    kind, what = sniff(name, content)
    if kind is None:
        report.error(
            f"This is {what}, not a staffing plan sheet.",
            "Upload the plan as .xlsx or .csv (download the current plan to get the layout).",
            file=name,
            code="not_a_sheet",
        )
        return []
    if kind == "xlsx":
        return read_xlsx_sheets(content)
    text, encoding = decode_text(content)
    if text is None:
        report.error(
            f"The file is not readable text ({encoding}).",
            "Save it from Excel as CSV UTF-8 or .xlsx.",
            file=name,
            code="not_text",
        )
        return []
    try:
        return [read_csv_sheet(text)]
    except CsvLayoutError as exc:
        report.error(
            f"The CSV cannot be split into cells ({exc}).",
            "Check for an unclosed quote.",
            file=name,
            row=exc.line,
            code="csv_layout",
        )
        return []


def _header_row(sheet: Sheet) -> int | None:
    for index, row in enumerate(sheet.rows[:50]):
        if any(_heading(cell) == "team" for cell in row):
            return index
    return None


def read_staffing_sheet(filename: str, content: bytes) -> tuple[StaffingSheet | None, ValidationReport]:
    """Read and check one staffing plan file (rules in the module docstring). Never raises."""
    name = Path(str(filename or "staffing plan")).name or "staffing plan"
    report = ValidationReport(source=name)
    if len(content) > MAX_BYTES:
        report.error(
            f"The file is {len(content):,} bytes; a staffing plan is a few rows.",
            f"Upload the plan sheet alone (under {MAX_BYTES:,} bytes).",
            file=name,
            code="too_big",
        )
        return None, report
    try:
        result = _read(name, content, report)
    except Exception as exc:  # noqa: BLE001  never a traceback for a user: an unforeseen failure is one more error
        log.warning("unexpected failure reading %s (%s: %s)", name, type(exc).__name__, exc)
        report.error(
            f"The file could not be read ({type(exc).__name__}: {exc}).",
            "Check that it opens in Excel; save it again as .xlsx or CSV and retry.",
            file=name,
            code="unexpected",
        )
        result = None
    return (result if report.ok else None), report


def _read(name: str, content: bytes, report: ValidationReport) -> StaffingSheet | None:
    sheets = _sheets(name, content, report)
    found = [(sheet, at) for sheet in sheets if (at := _header_row(sheet)) is not None]
    if not found:
        if sheets:
            report.error(
                "No header row with a 'team' column was found.",
                "Put the headings (team, establishment_fte, vacancies_fte, agency_fte, ...) in one row; "
                "download the current plan for the layout.",
                file=name,
                code="no_header",
            )
        return None
    sheet, header = found[0]
    where = {"file": name, "sheet": sheet.name}
    columns: dict[str, int] = {}
    for index, cell in enumerate(sheet.rows[header]):
        column = _heading(cell)
        if column is None:
            if str(cell or "").strip():
                report.warning(
                    f"Column heading '{cell}' is not part of a staffing plan; it was ignored.",
                    f"Known columns: team, {', '.join(SHEET_COLUMNS)}.",
                    row=header + 1,
                    column=column_letter(index),
                    code="unknown_column",
                    **where,
                )
            continue
        if column in columns:
            report.error(
                f"Two columns hold {column} ('{sheet.rows[header][columns[column]]}' and '{cell}').",
                "Keep one of them.",
                row=header + 1,
                column=column_letter(index),
                code="duplicate_column",
                **where,
            )
            continue
        columns[column] = index
    if "establishment_fte" not in columns:
        report.error(
            "There is no establishment column.",
            "Add a column 'establishment_fte' (posts, FTE) per team.",
            row=header + 1,
            code="missing_column",
            **where,
        )
        return None
    result = StaffingSheet(name, sheet.name)
    for offset, row in enumerate(sheet.rows[header + 1 :], start=header + 2):
        if not any(str(cell or "").strip() for cell in row):
            continue
        raw_team = row[columns["team"]] if columns["team"] < len(row) else None
        team = team_of(raw_team)
        team_cell = {"row": offset, "column": column_letter(columns["team"]), **where}
        if team is None:
            report.error(
                f"Team '{raw_team}' is not known.",
                "Use one of: mash, assessment, cin_cp, lac, early_help (or MASH / front door, Assessment, "
                "CIN/CP, Looked-after children, Early Help family workers).",
                code="unknown_team",
                **team_cell,
            )
            continue
        if team in result.values:
            report.error(
                f"Team '{raw_team}' appears twice.",
                "Keep one row per team.",
                code="duplicate_team",
                **team_cell,
            )
            continue
        result.values[team] = {}
        for column, index in columns.items():
            if column in ("team", "team_name"):
                continue
            raw = row[index] if index < len(row) else None
            cell = {"row": offset, "column": column_letter(index), **where}
            result.cells[(team, column)] = (offset, column_letter(index))
            if raw is None or str(raw).strip() == "":
                if column == "establishment_fte":
                    report.error(
                        f"No establishment for {team}.",
                        "Enter the team's posts in FTE (0 if none).",
                        code="missing_value",
                        **cell,
                    )
                continue
            kind, number, _percent = parse_value(raw)
            if kind != "number" or number is None:
                report.error(
                    f"{column} for {team} is '{raw}', not a number.",
                    "Enter a number such as 12.5.",
                    code="not_a_number",
                    **cell,
                )
                continue
            low, high, words = _LIMITS.get(column, (0.0, 1000.0, "FTE, 0-1,000"))
            if not low <= number <= high:
                report.error(
                    f"{column} for {team} is {number:g}; expected {words}.",
                    "Correct the value.",
                    code="out_of_range",
                    **cell,
                )
                continue
            result.values[team][column] = float(number)
        _check_team(team, result, report)
    for team in STAFFING_TEAMS:
        if team not in result.values:
            report.warning(
                f"No row for {team}: its current plan is kept.",
                "Add a row to change it.",
                code="missing_team",
                **where,
            )
    return result


def _check_team(team: str, sheet: StaffingSheet, report: ValidationReport) -> None:
    """Vacancies from filled posts, and the two agreeing; vacancies within the establishment."""
    values = sheet.values[team]
    establishment = values.get("establishment_fte")
    if establishment is None:
        return
    filled, vacancies = values.pop("filled_fte", None), values.get("vacancies_fte")
    if filled is not None and vacancies is None:
        values["vacancies_fte"] = vacancies = establishment - filled
    elif filled is not None and vacancies is not None and abs(establishment - filled - vacancies) > 0.05:
        report.error(
            f"For {team}, establishment {establishment:g} - filled {filled:g} is not vacancies "
            f"{vacancies:g}.",
            "Correct one of the three (vacancies = establishment - filled posts).",
            code="inconsistent",
            **sheet.where(team, "vacancies_fte"),
        )
        return
    if vacancies is not None and not 0 <= vacancies <= establishment + 1e-9:
        report.error(
            f"For {team}, {vacancies:g} vacancies do not fit an establishment of {establishment:g}.",
            "Vacancies must be between 0 and the establishment.",
            code="vacancies_above_establishment",
            **sheet.where(team, "vacancies_fte"),
        )
