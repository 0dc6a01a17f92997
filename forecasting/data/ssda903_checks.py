"""Row-by-row checks of the 903 tables: each problem located (file, sheet, row, column) with a fix.

Errors (the row cannot be used): blank CHILD, blank or unreadable DECOM/DOB, unreadable DEC, DEC before DECOM
(DfE rule 356). Warnings (the row is used): codes not in the DfE lists (PLACE, PLACE_PROVIDER, REC, RNE), an
ended episode without REC, a REC on an open episode. Rows with errors are left out of what is returned.
Each episode also gets `return_end`: the 31 March on or after the latest DECOM of its table (and LA, YEAR).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from forecasting.data.ssda903_config import Codes903, year_end_on_or_after
from forecasting.data.validation import ValidationReport

if TYPE_CHECKING:
    from forecasting.data.ssda903 import Table903

EPISODE_COLUMNS = ("CHILD", "DECOM", "RNE", "LS", "PLACE", "PLACE_PROVIDER", "DEC", "REC")
HEADER_COLUMNS = ("CHILD", "DOB")
UASC_COLUMNS = ("CHILD", "DUC")


def parse_dates(text: pd.Series) -> pd.Series:
    """903 dates: dd/mm/yyyy (the raw return), yyyy-mm-dd (processed extracts, Excel cells); NaT otherwise."""
    day_first = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    iso = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    return day_first.fillna(iso)


def _missing_columns(
    frame: pd.DataFrame, required: tuple[str, ...], report: ValidationReport, table: Table903, what: str
) -> bool:
    missing = [c for c in required if c not in frame.columns]
    if missing:
        report.error(
            f"The {what} table has no column {', '.join(missing)}",
            f"A 903 {what} table needs columns {', '.join(required)} (DfE specification).",
            code="missing_column",
            file=table.file,
            sheet=table.sheet,
            row=frame.attrs.get("first_row", 2) - 1,
        )
    return bool(missing)


def _report_rows(
    report: ValidationReport,
    severity: str,
    mask: pd.Series,
    frame: pd.DataFrame,
    column: str,
    message: str,
    hint: str,
    code: str,
    table: Table903,
) -> None:
    """One located problem per offending row (the report lists at most 25 of a kind, then counts), at the
    cell as Excel shows it (the column's letter; the message names the column)."""
    letter = frame.attrs.get("letters", {}).get(column, column)
    for row, value in zip(frame.loc[mask, "row"], frame.loc[mask, column], strict=True):
        report.add(
            severity,
            message.format(value=value),
            hint,
            code=code,
            file=table.file,
            sheet=table.sheet,
            row=int(row),
            column=letter,
        )


def _check_dates(
    frame: pd.DataFrame, column: str, report: ValidationReport, table: Table903, *, required: bool
) -> pd.Series:
    dates = parse_dates(frame[column])
    blank = frame[column] == ""
    bad = dates.isna() & ~blank
    _report_rows(
        report,
        "error",
        bad,
        frame,
        column,
        f"{column} '{{value}}' is not a date",
        "Write dates as dd/mm/yyyy (e.g. 09/04/2017).",
        "bad_date",
        table,
    )
    if required:
        _report_rows(
            report,
            "error",
            blank,
            frame,
            column,
            f"{column} is blank",
            f"Every row needs {column}.",
            "blank_date",
            table,
        )
    return dates


def _check_codes(
    frame: pd.DataFrame,
    column: str,
    codes: Codes903,
    report: ValidationReport,
    table: Table903,
    consequence: str,
    allow_blank: bool = True,
) -> None:
    valid = codes.valid[column]
    unknown = ~frame[column].isin(valid) & ~((frame[column] == "") & allow_blank)
    _report_rows(
        report,
        "warning",
        unknown,
        frame,
        column,
        f"{column} '{{value}}' is not a DfE code; {consequence}",
        f"Use one of {', '.join(sorted(valid))}.",
        f"unknown_{column.lower()}",
        table,
    )


def check_episodes(frame, report, table, codes) -> pd.DataFrame | None:
    if _missing_columns(frame, EPISODE_COLUMNS, report, table, "episodes"):
        return None
    _report_rows(
        report,
        "error",
        frame["CHILD"] == "",
        frame,
        "CHILD",
        "CHILD is blank",
        "Every episode needs the child's identifier.",
        "blank_child",
        table,
    )
    decom = _check_dates(frame, "DECOM", report, table, required=True)
    dec = _check_dates(frame, "DEC", report, table, required=False)
    backwards = dec < decom
    _report_rows(
        report,
        "error",
        backwards,
        frame,
        "DEC",
        "The episode ends ({value}) before it starts",
        "Correct DECOM or DEC (DfE rule 356: DEC must not be before DECOM).",
        "ends_before_start",
        table,
    )
    _check_codes(frame, "PLACE", codes, report, table, "counted as an 'other' placement")
    _check_codes(frame, "PLACE_PROVIDER", codes, report, table, "foster placements with it count as 'other'")
    _check_codes(frame, "REC", codes, report, table, "its exit route is 'other'")
    _check_codes(frame, "RNE", codes, report, table, "read as a new episode", allow_blank=False)
    closed_no_reason = dec.notna() & (frame["REC"] == "")
    _report_rows(
        report,
        "warning",
        closed_no_reason,
        frame,
        "REC",
        "The episode ended but REC is blank",
        "Give the reason the episode ceased (X1 if another episode follows the same day).",
        "blank_rec",
        table,
    )
    open_with_reason = dec.isna() & (frame["DEC"] == "") & (frame["REC"] != "")
    _report_rows(
        report,
        "warning",
        open_with_reason,
        frame,
        "REC",
        "REC '{value}' is given but DEC is blank",
        "Give the date the episode ceased, or blank REC if it is still open.",
        "rec_without_dec",
        table,
    )
    usable = (frame["CHILD"] != "") & decom.notna() & (dec.notna() | (frame["DEC"] == "")) & ~backwards
    out = frame.loc[usable].copy()
    out["DECOM"], out["DEC"] = decom[usable], dec[usable]
    groups = ["la", "YEAR"] if "YEAR" in out.columns else ["la"]
    out["return_end"] = (
        out.groupby(groups)["DECOM"].transform("max").map(year_end_on_or_after) if len(out) else []
    )
    return out


def check_header(frame, report, table, codes) -> pd.DataFrame | None:
    if _missing_columns(frame, HEADER_COLUMNS, report, table, "header"):
        return None
    dob = _check_dates(frame, "DOB", report, table, required=True)
    usable = (frame["CHILD"] != "") & dob.notna()
    out = frame.loc[usable, ["la", "CHILD", "file", "sheet", "row"]].copy()
    out["DOB"] = dob[usable]
    return out


def check_uasc(frame, report, table, codes) -> pd.DataFrame | None:
    if _missing_columns(frame, UASC_COLUMNS, report, table, "UASC"):
        return None
    duc = _check_dates(frame, "DUC", report, table, required=False)
    usable = (frame["CHILD"] != "") & (duc.notna() | (frame["DUC"] == ""))
    out = frame.loc[usable, ["la", "CHILD", "file", "sheet", "row"]].copy()
    out["DUC"] = duc[usable]
    return out


__all__ = ["EPISODE_COLUMNS", "check_episodes", "check_header", "check_uasc", "parse_dates"]
