"""Reading the cells of one uploaded file: what kind of file it is, its text or sheets, and what each cell
holds.

Decided by the bytes, not the file name (a PDF renamed .xlsx is a PDF). Cells are classified, never trusted:
a month heading or date becomes a month start, a value becomes a number, a blank, a suppressed figure, an
Excel error or text. Finding the indicator table in a sheet is `forecasting.data.sheet_layout`.

Bounded work on hostile input: cell text longer than MAX_CELL_CHARS is cut (and marked so it can never read as
a number or a month), a file stops being read at MAX_CELLS cells, and numbers are recognised by an anchored
pattern whose parts cannot match the same digits two ways (no backtracking blow-up on a long run of digits).
A workbook is checked by `forecasting.data.xlsx_limits` while streaming, before openpyxl reads it.
"""
from __future__ import annotations

import csv
import io
import logging
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from forecasting.data.xlsx_limits import MAX_CELLS, check_workbook

log = logging.getLogger(__name__)

MAX_ROWS = 20_000           # rows read from one sheet; a scorecard has tens
MAX_COLUMNS = 500           # columns read from one row
MAX_CELL_CHARS = 2_000      # text kept from one cell (a commentary cell runs to a few hundred characters)
MAX_NUMBER_CHARS = 40       # a number written with more characters than this is not a scorecard figure
CUT_MARK = "\u2026"         # ends a cut cell's text, so it can never read as a number or a month
NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d{1,4})?")  # each digit matched one way only
MAX_UNZIPPED_RATIO = 100    # an XLSX whose contents expand beyond 100x its size is refused (zip bomb)
MISSING_TOKENS = {"", "-", "–", "—", "n/a", "na", "nan", "none", "null", "blank", "tbc"}
SUPPRESSED = re.compile(r"^(<\s*\d+|x|c|z|\*|\[[cxz]\]|\.\.|supp(ressed)?)$", re.IGNORECASE)
EXCEL_ERRORS = {"#div/0!", "#n/a", "#value!", "#ref!", "#name?", "#num!", "#null!", "#spill!", "#calc!"}
MONTH_NAMES = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
     ("nov", "november"), ("dec", "december")], start=1) for name in names}
SIGNATURES = [  # (leading bytes, what it is) for files that are not spreadsheets we read
    (b"\x89PNG", "a PNG image"), (b"%PDF", "a PDF document"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"\xd0\xcf\x11\xe0", "an old-style Excel 97-2003 (.xls) or other Office file"),
    (b"\x1f\x8b", "a gzip archive"), (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
]


class PercentValue(float):
    """A number Excel shows with a % format, already multiplied by 100 (0.226 shown 22.6% -> 22.6)."""


@dataclass
class Sheet:
    """Cell values of one sheet (or a CSV file), row by row, as read."""

    name: str | None
    rows: list[list] = field(default_factory=list)
    truncated: bool = False  # more than max_rows rows: the rest were not read
    long_cells: list[tuple[int, int]] = field(default_factory=list)  # (row, column) of cells cut short


class TooManyCells(ValueError):
    """The file holds more than MAX_CELLS cells; `row` (1-based) is where reading stopped."""

    def __init__(self, row: int):
        super().__init__(f"more than {MAX_CELLS:,} cells (reading stopped at row {row})")
        self.row = row


def _bounded(value, sheet: Sheet, row: int, column: int):
    """`value`, or for text longer than MAX_CELL_CHARS its start and CUT_MARK (position noted on `sheet`)."""
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        sheet.long_cells.append((row, column))
        return value[:MAX_CELL_CHARS] + CUT_MARK
    return value


def parse_month(value) -> pd.Timestamp | None:
    """Month start for a month heading or date cell, or None when it is not a month."""
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return pd.Timestamp(value.year, value.month, 1)
    if not isinstance(value, str):
        return None
    text = value.strip().lower().replace("\u2019", "'")
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2})?(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?", text)
    if match:
        year, month = int(match[1]), int(match[2])
    elif (match := re.fullmatch(r"([a-z]{3,9})[\s\-/'.,]*(\d{2}|\d{4})", text)) or (
        match := re.fullmatch(r"\d{1,2}[-\s]([a-z]{3,9})[-\s](\d{2}|\d{4})", text)
    ):
        if match[1] not in MONTH_NAMES:
            return None
        year, month = int(match[2]), MONTH_NAMES[match[1]]
    elif match := re.fullmatch(r"(?:\d{1,2}/)?(\d{1,2})/(\d{4}|\d{2})(?: \d{1,2}:\d{2}(?::\d{2})?)?", text):
        year, month = int(match[2]), int(match[1])  # UK order: dd/mm/yyyy or mm/yyyy
    else:
        return None
    year = year + 2000 if year < 100 else year
    if not (1 <= month <= 12 and 1990 <= year <= 2100):
        return None
    return pd.Timestamp(year, month, 1)


def parse_value(value) -> tuple[str, float | None, bool]:
    """Classify a cell: (kind, number, had % sign).

    kind is number/missing/suppressed/excel_error/text, or non_finite for a number too large to hold (1e309
    reads as infinity), which is refused like text. Linear in the text's length, which is cut at
    MAX_CELL_CHARS first.
    """
    if value is None:
        return "missing", None, False
    if isinstance(value, (bool, datetime, date)):
        return "text", None, False
    if isinstance(value, (int, float)):
        if pd.isna(value):
            return "missing", None, False
        if not math.isfinite(value):
            return "non_finite", None, False
        return "number", float(value), isinstance(value, PercentValue)
    text = str(value)[: MAX_CELL_CHARS + 1].strip().replace("\u00a0", " ").replace("\u2212", "-")
    lowered = text.lower()
    if lowered in MISSING_TOKENS:
        return "missing", None, False
    if lowered in EXCEL_ERRORS:
        return "excel_error", None, False
    if SUPPRESSED.fullmatch(lowered):
        return "suppressed", None, False
    percent = text.endswith("%")
    number = text.rstrip("%").strip()
    if len(number) > MAX_NUMBER_CHARS:
        return "text", None, False
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", number):
        number = number.replace(",", "")
    number = re.sub(r"(?<=\d) (?=\d{3}\b)", "", number)
    if not NUMBER.fullmatch(number):
        return "text", None, False
    parsed = float(number)
    if not math.isfinite(parsed):
        return "non_finite", None, False
    return "number", parsed, percent


def sniff(filename: str, content: bytes) -> tuple[str | None, str]:
    """('xlsx' | 'csv' | None, reason): decided by the bytes, not the file name."""
    if not content.strip():
        return None, "empty"
    for signature, what in SIGNATURES:
        if content.startswith(signature):
            return None, what
    if content.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                unzipped = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError):
            return None, "a damaged zip/Excel file"
        if "xl/workbook.xml" not in names:
            if "mimetype" in names or "content.xml" in names:
                return None, "an OpenDocument file (.ods/.odt)"
            if "word/document.xml" in names:
                return None, "a Word document"
            return None, "a zip archive holding other files"
        if unzipped > MAX_UNZIPPED_RATIO * max(len(content), 1):
            return None, "an Excel file whose contents expand to an implausible size"
        return "xlsx", "Excel workbook"
    return "csv", "text"


def decode_text(content: bytes) -> tuple[str | None, str]:
    """(text of a CSV file, encoding used), text None for binary junk.

    Tries UTF-8, UTF-16 (with a byte-order mark, or without one when every other byte is zero, as Excel's
    "Unicode text" writes it), then Windows-1252 (Excel's "CSV" on Windows in the UK).
    """
    head = content[:4000]
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = content.decode("utf-16", errors="replace"), "UTF-16"
    elif (
        len(head) >= 4
        and head[1::2].count(0) > 0.9 * len(head[1::2])
        and head[0::2].count(0) < 0.1 * len(head)
    ):
        text, encoding = content.decode("utf-16-le", errors="replace"), "UTF-16"
    else:
        try:
            text, encoding = content.decode("utf-8-sig"), "UTF-8"
        except UnicodeDecodeError:
            text, encoding = content.decode("cp1252", errors="replace"), "Windows-1252"
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n" or ch == "\ufffd")
    if "\x00" in text or controls > max(2, len(text[:20000]) // 100):
        return None, encoding
    return text, encoding


class CsvLayoutError(ValueError):
    """The CSV text cannot be split into cells (e.g. an unclosed quote); `line` is where it went wrong."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line


def read_csv_sheet(text: str, max_rows: int = MAX_ROWS) -> Sheet:
    """Rows of cells of a CSV text; the delimiter (, ; tab |) is guessed from the first lines.

    At most `max_rows` rows (then `truncated`); TooManyCells past MAX_CELLS; long cells cut (`long_cells`).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = "\n".join(text.split("\n", 5)[:5])
    delimiter = max([",", ";", "\t", "|"], key=sample.count)
    sheet = Sheet(None)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    cells = 0
    try:
        for record in reader:
            if len(sheet.rows) == max_rows:
                sheet.truncated = True
                break
            row = len(sheet.rows) + 1
            cells += min(len(record), MAX_COLUMNS)
            if cells > MAX_CELLS:
                raise TooManyCells(row)
            cells_read = record[:MAX_COLUMNS]
            if cells_read and max(map(len, cells_read)) > MAX_CELL_CHARS:  # CSV cells are text
                cells_read = [_bounded(cell, sheet, row, column) for column, cell in enumerate(cells_read, 1)]
            sheet.rows.append(cells_read)
    except csv.Error as exc:
        raise CsvLayoutError(reader.line_num, str(exc)) from None
    return sheet


def read_xlsx_sheets(content: bytes, max_rows: int = MAX_ROWS) -> list[Sheet]:
    """Every worksheet's values; numbers shown as percentages become PercentValue (x100).

    The workbook is checked first while streaming (`xlsx_limits.check_workbook`, raises WorkbookRefused);
    at most `max_rows` rows a sheet are read; long text cells are cut (`long_cells`).
    """
    from openpyxl import load_workbook

    check_workbook(content, max_rows)
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            if hasattr(worksheet, "reset_dimensions"):
                worksheet.reset_dimensions()
            sheet = Sheet(worksheet.title)
            for row in worksheet.iter_rows():  # no max_col: read-only sheets would pad every row to it
                if len(sheet.rows) == max_rows:
                    sheet.truncated = True
                    break
                number = len(sheet.rows) + 1
                values = [_bounded(_cell_value(cell), sheet, number, column)
                          for column, cell in enumerate(row[:MAX_COLUMNS], start=1)]
                while values and values[-1] is None:
                    values.pop()
                sheet.rows.append(values)
            sheets.append(sheet)
    finally:
        workbook.close()
    return sheets


def formulas_without_results(content: bytes, sheets: list[Sheet]) -> dict[str, list[str]]:
    """Cells (per sheet name) holding a formula whose result was never saved, so they read as blank.

    Happens with files written by scripts or non-Excel tools: Excel stores each formula's last result, others
    often do not. Only cells that read blank in `sheets` are listed.
    """
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    blank_formulas: dict[str, list[str]] = {}
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    try:
        for worksheet, sheet in zip(workbook.worksheets, sheets, strict=True):  # one Sheet per worksheet
            if hasattr(worksheet, "reset_dimensions"):
                worksheet.reset_dimensions()
            for r, row in enumerate(worksheet.iter_rows(max_row=len(sheet.rows), values_only=True)):
                for c, value in enumerate(row[:MAX_COLUMNS]):
                    formula = isinstance(value, str) and value.startswith("=") or type(value).__name__ == \
                        "ArrayFormula"
                    if formula and (c >= len(sheet.rows[r]) or sheet.rows[r][c] is None):
                        blank_formulas.setdefault(str(sheet.name), []).append(
                            f"{get_column_letter(c + 1)}{r + 1}"
                        )
    finally:
        workbook.close()
    return blank_formulas


def _cell_value(cell):
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    scaling = re.sub(r'"[^"]*"|\\.', "", number_format)   # a quoted or escaped % is shown, not a x100 scale
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in scaling:
        return PercentValue(round(value * 100, 10))
    return value
