"""Reading one file's bytes into sheets of cells, within limits; every refusal a located problem.

Decided by the bytes (`spreadsheet.sniff`): CSV text in any of the usual encodings, or an XLSX workbook
checked while streaming (`xlsx_limits`) before openpyxl reads it. Limits: `max_rows` rows a sheet
(MAX_ROWS for one council's scorecard; the panel reader passes a national panel's size), MAX_CELLS cells,
MAX_CELL_CHARS characters a cell (longer text is cut and named in a warning). Used by the single-council
reader (`upload`) and the many-authority reader (`panel`).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from forecasting.data.spreadsheet import (
    MAX_CELL_CHARS,
    MAX_ROWS,
    CsvLayoutError,
    Sheet,
    TooManyCells,
    decode_text,
    formulas_without_results,
    read_csv_sheet,
    read_xlsx_sheets,
    sniff,
)
from forecasting.data.validation import ValidationReport
from forecasting.data.xlsx_limits import MAX_CELLS, WorkbookRefused

log = logging.getLogger(__name__)
__all__ = ["read_sheets", "warn_long_cells"]


def read_sheets(
    name: str, content: bytes, report: ValidationReport, *, sheet: str | None = None, max_rows: int = MAX_ROWS
) -> tuple[str, list[Sheet]] | None:
    """('csv' | 'xlsx', the file's sheets) read within the limits, or None (the reason is in `report`)."""
    kind, reason = sniff(name, content)
    suffix = Path(name).suffix.lower()
    hint = "Save the scorecard as an Excel workbook (.xlsx) or CSV (File > Save As) and upload that."
    if kind is None:
        if reason == "empty":
            report.error(
                "The file is empty", "Upload the file again; it has no content.", code="empty", file=name
            )
        else:
            report.error(
                f"This is {reason}, not a CSV or Excel (.xlsx) file", hint, code="not_spreadsheet", file=name
            )
        return None
    if kind == "csv":
        text, encoding = decode_text(content)
        if text is None:
            report.error(
                "This is binary data (or text in an unknown encoding), not a CSV or Excel (.xlsx) file",
                hint + " For CSV choose 'CSV UTF-8'.",
                code="not_spreadsheet",
                file=name,
            )
            return None
        if encoding == "Windows-1252":
            report.warning(
                "The file is not UTF-8; it was read as Windows-1252 (Excel's usual CSV encoding)",
                "Check that names with accents or £ look right; save as 'CSV UTF-8' to be sure.",
                code="encoding",
                file=name,
            )
        if suffix in (".xlsx", ".xlsm", ".xls"):
            report.warning(
                f"The file is named {suffix} but holds plain text; it was read as CSV",
                "Nothing to do if the values below look right.",
                code="renamed",
                file=name,
            )
        if sheet:
            report.warning(
                f"A CSV file has no sheets; the sheet choice '{sheet}' was ignored",
                code="sheet_ignored",
                file=name,
            )
        try:
            sheets = [read_csv_sheet(text, max_rows)]
        except TooManyCells as exc:
            _too_many_cells(report, name, None, exc.row)
            return None
        except CsvLayoutError as exc:
            report.error(
                f"The CSV text cannot be split into cells near line {exc.line} ({exc})",
                'Look for an unclosed quote mark (") on or before that line, or save the file again '
                "from Excel as CSV.",
                code="csv_layout",
                file=name,
                row=exc.line,
            )
            return None
        if _unclosed_quote(sheets[0], report, name):
            return None
    else:
        try:
            sheets = read_xlsx_sheets(content, max_rows)
        except WorkbookRefused as exc:
            report.error(
                f"This Excel file was not read: {exc}",
                "Open it in Excel and save it again (File > Save As, .xlsx) with only the data "
                "sheet, or save that sheet as CSV.",
                code="workbook_refused",
                file=name,
                sheet=exc.sheet,
                row=exc.row,
            )
            return None
        except Exception as exc:  # noqa: BLE001  (damaged workbooks fail in many ways inside openpyxl)
            log.info("openpyxl could not read %s: %s", name, exc)
            report.error(
                f"This Excel file could not be opened ({type(exc).__name__})",
                hint,
                code="not_spreadsheet",
                file=name,
            )
            return None
        if not sheets:
            report.error(
                "This Excel file has no worksheets (only chart sheets, or its sheets are missing)",
                hint,
                code="not_spreadsheet",
                file=name,
            )
            return None
        _warn_formulas_without_results(content, sheets, report, name)
    return str(kind), sheets


def _too_many_cells(report: ValidationReport, name: str, sheet: str | None, row: int) -> None:
    report.error(
        f"The file holds more than {MAX_CELLS:,} cells; reading stopped at row {row:,}",
        "Upload only the data table (indicator, month, value, and authority for many councils); "
        "delete other columns and blank formatted rows.",
        code="too_many_cells",
        file=name,
        sheet=sheet,
        row=row,
    )


def warn_long_cells(sheet: Sheet, report: ValidationReport, name: str) -> None:
    """One warning naming the cells whose text was cut at MAX_CELL_CHARS characters."""
    from openpyxl.utils import get_column_letter

    if not sheet.long_cells:
        return
    places = [f"{get_column_letter(column)}{row}" for row, column in sheet.long_cells]
    row, column = sheet.long_cells[0]
    report.warning(
        f"{len(places)} cell(s) hold more than {MAX_CELL_CHARS:,} characters; only the start of "
        f"each was read: {', '.join(places[:8])}{' ...' if len(places) > 8 else ''}",
        "Shorten the text (a value cell holds one number; notes belong in another sheet).",
        code="long_cell",
        file=name,
        sheet=sheet.name,
        row=row,
        column=get_column_letter(column),
    )


def _warn_formulas_without_results(content: bytes, sheets, report: ValidationReport, name: str) -> None:
    try:
        found = formulas_without_results(content, sheets)
    except Exception:  # noqa: BLE001  a second look only; the workbook was already read once
        log.info("could not look for formulas in %s", name, exc_info=True)
        return
    for sheet_name, cells in found.items():
        report.warning(
            f"{len(cells)} cell(s) hold formulas whose results were never saved, so they read as "
            f"blank: {', '.join(cells[:8])}{' ...' if len(cells) > 8 else ''}",
            "Open the file in Excel and save it (Excel stores each formula's result), or paste the "
            "values instead of formulas.",
            code="formula_without_result",
            file=name,
            sheet=sheet_name,
            row=int(re.sub(r"[A-Z]+", "", cells[0])),
            column=re.sub(r"\d+", "", cells[0]),
        )


def _unclosed_quote(sheet, report: ValidationReport, name: str) -> bool:
    """Report a CSV cell that swallowed following lines (a quote mark opened but never closed).

    An unclosed quote runs to the end of the file, so only the last row is looked at: a multi-line cell there
    that holds delimiters. Multi-line comments elsewhere are legitimate.
    """
    from openpyxl.utils import get_column_letter

    for row_number, row in list(enumerate(sheet.rows, start=1))[-1:]:
        for column, cell in enumerate(row, start=1):
            if isinstance(cell, str) and "\n" in cell and any(d in cell for d in ",;\t|"):
                report.error(
                    'A quote mark (") opens in this cell but is not closed, so the lines after it were '
                    "read as part of one cell",
                    "Delete the stray quote mark, or close it, and save again.",
                    code="csv_layout",
                    file=name,
                    row=row_number,
                    column=get_column_letter(column),
                )
                return True
    return False
