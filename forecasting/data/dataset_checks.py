"""Checks of a data set directory's side files: indicators.csv, targets.csv, benchmarks.csv, context.csv.

Each file has a pandera schema whose checks carry the expectation in plain words; every failing cell becomes
a located error (file, row as a spreadsheet shows it, column letter) in the `ValidationReport`. The files are
read as text so that a non-number is reported, not silently turned into a blank.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from openpyxl.utils import get_column_letter

from forecasting.data.contract import COMPARATORS, KINDS, POLARITIES, TARGET_BASES, UNITS
from forecasting.data.validation import ValidationReport

log = logging.getLogger(__name__)


def _number(nonnegative: bool = False) -> pa.Check:
    def check(values: pd.Series) -> pd.Series:
        numbers = pd.to_numeric(values, errors="coerce")
        finite = numbers.notna() & numbers.abs().lt(float("inf"))  # 1e309 reads as infinity: not a number
        return finite & (numbers >= 0 if nonnegative else True)

    return pa.Check(check, error="a number of 0 or more" if nonnegative else "a number")


def _one_of(values: tuple[str, ...]) -> pa.Check:
    return pa.Check.isin(values, error="one of " + ", ".join(values))


CODE = pa.Column(str, pa.Check.str_length(min_value=1, error="an indicator code"))
SCHEMAS = {
    "indicators.csv": pa.DataFrameSchema(
        {
            "indicator": pa.Column(
                str, pa.Check.str_length(min_value=1, error="an indicator code"), unique=True
            ),
            "unit": pa.Column(str, _one_of(UNITS)),
            "polarity": pa.Column(str, _one_of(POLARITIES), required=False, nullable=True),
            "kind": pa.Column(str, _one_of(KINDS), required=False, nullable=True),
        }
    ),
    "targets.csv": pa.DataFrameSchema(
        {
            "indicator": CODE,
            "period": pa.Column(
                str, pa.Check.str_matches(r"^\d{4}-\d{2}$", error="a financial year such as 2018-19")
            ),
            "target": pa.Column(str, _number()),
            "basis": pa.Column(str, _one_of(TARGET_BASES)),
        }
    ),
    "benchmarks.csv": pa.DataFrameSchema(
        {
            "indicator": CODE,
            "comparator": pa.Column(str, _one_of(COMPARATORS)),
            "value": pa.Column(str, _number(nonnegative=True)),
        }
    ),
    "context.csv": pa.DataFrameSchema(
        {
            "key": pa.Column(
                str, pa.Check.str_length(min_value=1, error="a name such as population_0_17"), unique=True
            ),
            "value": pa.Column(str, _number(nonnegative=True)),
        }
    ),
}


def check_side_file(frame: pd.DataFrame, report: ValidationReport, *, file: str) -> None:
    """Check one side file (read with dtype=str) against its schema; each failure becomes a located error."""
    columns = list(frame.columns)
    try:
        SCHEMAS[file].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        for _, case in exc.failure_cases.iterrows():
            _report_case(case, columns, report, file)


def _report_case(case: pd.Series, columns: list[str], report: ValidationReport, file: str) -> None:
    column = case["column"] if case["column"] in columns else None
    letter = get_column_letter(columns.index(column) + 1) if column else None
    row = int(case["index"]) + 2 if pd.notna(case["index"]) else None  # row 1 is the header
    check, value = str(case["check"]), case["failure_case"]
    if check == "column_in_dataframe":
        report.error(f"{file} has no '{value}' column (found: {', '.join(columns) or 'nothing'})",
                     "Add the column; see the data contract in forecasting/data.py.", code="side_file_column",
                     file=file, row=1)
    elif check == "field_uniqueness" or "unique" in check:
        report.error(f"'{value}' appears more than once in column '{column}'", "Keep one row for each.",
                     code="side_file_duplicate", file=file, row=row, column=letter)
    elif check == "not_nullable":
        report.error(
            f"Column '{column}' is blank here",
            "Fill it in or delete the row.",
            code="side_file_blank",
            file=file,
            row=row,
            column=letter,
        )
    else:
        shown = "blank" if pd.isna(value) else f"'{value}'"
        report.error(f"{shown} in column '{column}' should be {check}",
                     "Correct the cell; the allowed values are in the data contract (forecasting/data.py).",
                     code="side_file_value", file=file, row=row, column=letter)


def read_side_file(directory: Path, file: str, report: ValidationReport, *, check: bool = True
                   ) -> pd.DataFrame | None:
    """A side file as text, checked unless `check` is False; None when absent or unreadable (reported)."""
    path = directory / file
    if not path.exists():
        return None
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        report.error(
            f"{file} could not be read as CSV ({type(exc).__name__})",
            "Save it from Excel as 'CSV UTF-8' with a header row.",
            code="side_file_unreadable",
            file=file,
        )
        return None
    if check:
        check_side_file(frame, report, file=file)
    return frame


def validate_catalogue(frame: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    """Check indicators.csv (read as text); returns the rows that can be used, indexed by indicator code."""
    check_side_file(frame, report, file="indicators.csv")
    if "indicator" not in frame:
        return pd.DataFrame(columns=["unit"]).rename_axis("indicator")
    usable = frame.dropna(subset=["indicator"]).drop_duplicates("indicator")
    return usable.astype({"indicator": str}).set_index("indicator")
