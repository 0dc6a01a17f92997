"""Replace an uploaded data set's targets, benchmarks or population with the council's own.

A scorecard upload holds monthly values only; until the council supplies its own, targets, benchmarks and the
0-17 population are borrowed from the reference data set (the loader says so). This reads one CSV in the data
contract's shape and swaps it in:
- `indicator,period,target,basis`          -> targets
- `indicator,comparator,value`             -> benchmarks
- `key,value[,unit,source]`                -> context (e.g. population_0_17)
The kind is recognised from the header; the rows are checked with the same schemas as a data set folder, and
every problem is located by file, row and column. Targets and benchmarks for indicators the data set does not
hold are kept but reported as warnings.
"""
from __future__ import annotations

import csv
import dataclasses
import io

import pandas as pd

from forecasting.data.contract import Dataset
from forecasting.data.dataset_checks import check_side_file
from forecasting.data.validation import ValidationReport

KINDS = {"targets.csv": ("indicator", "period", "target", "basis"),
         "benchmarks.csv": ("indicator", "comparator", "value"),
         "context.csv": ("key", "value")}


def _kind(columns: list[str]) -> str | None:
    present = {c.strip().lower() for c in columns}
    return next((kind for kind, needed in KINDS.items() if set(needed) <= present), None)


def _first_long_row(content: bytes) -> int | None:
    """Spreadsheet row number of the first row with more cells than the header, or None."""
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig", errors="replace"), newline=""))
    width = None
    for number, row in enumerate(rows, start=1):
        if width is None:
            width = len(row)
        elif len(row) > width:
            return number
    return None


def replace_side_table(
    dataset: Dataset, name: str, content: bytes
) -> tuple[Dataset | None, ValidationReport]:
    """(the data set with that table replaced, report); None when the file cannot be used. Never raises."""
    report = ValidationReport(source=name)
    try:
        frame = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, na_values=[""],
                            encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        long_row = _first_long_row(content) if isinstance(exc, pd.errors.ParserError) else None
        if long_row is not None:
            report.error(f"Row {long_row} has more cells than the header row has headings",
                         "Delete the extra cells (or add their headings), then save the file again.",
                         code="side_file_layout", file=name, row=long_row)
            return None, report
        report.error(
            f"The file could not be read as CSV ({type(exc).__name__})",
            "Save it from Excel as 'CSV UTF-8' with a header row.",
            code="side_file_unreadable",
            file=name,
        )
        return None, report
    long_row = _first_long_row(content) if not isinstance(frame.index, pd.RangeIndex) else None
    if not isinstance(frame.index, pd.RangeIndex):  # pandas took the extra leading cells as an index
        report.error(
            f"Row {long_row} has more cells than the header row has headings",
            "Delete the extra cells (or add their headings), then save the file again.",
            code="side_file_layout",
            file=name,
            row=long_row,
        )
        return None, report
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    kind = _kind(list(frame.columns))
    if kind is None:
        report.error(
            f"Header {', '.join(frame.columns) or '(none)'} is not a targets, benchmarks or context table",
            "Use indicator,period,target,basis (targets), indicator,comparator,value (benchmarks) or "
            "key,value (context, e.g. population_0_17).",
            code="side_file_column",
            file=name,
            row=1,
        )
        return None, report
    checks = ValidationReport(source=name)
    check_side_file(frame, checks, file=kind)
    for problem in checks.problems:  # same messages, located in the user's file
        report.problems.append(dataclasses.replace(problem, file=name))
    if not report.ok:
        return None, report
    if kind == "context.csv":
        context = dict(dataset.context) | {
            k.strip(): float(v) for k, v in zip(frame["key"], frame["value"], strict=True)
        }
        return dataclasses.replace(dataset, context=context), report
    table = frame[list(KINDS[kind])].copy()
    number = KINDS[kind][2]  # target or value
    table[number] = pd.to_numeric(table[number])
    unknown = sorted(set(table["indicator"]) - set(dataset.indicator_codes))
    if unknown:
        report.warning(
            f"No monthly values for {', '.join(unknown)} in the active data set; kept, but they cannot "
            "be projected",
            "Check the indicator codes match the scorecard's.",
            code="unknown_indicator",
            file=name,
        )
    if kind == "targets.csv":
        return dataclasses.replace(dataset, targets=table.reset_index(drop=True)), report
    return dataclasses.replace(dataset, benchmarks=table.reset_index(drop=True)), report
