"""Reading one uploaded CSV/XLSX, in long form (indicator, month, value) or the wide scorecard form.

The reader keeps every value's spreadsheet coordinates (row number as Excel shows it, column letter) so that
validation can say exactly where a problem is. It never raises on bad input: problems go to the report and the
result is None when nothing usable was found.

Wide form: a header row holding month headings (`Jun-17`, `Jun 2017`, `2017-06`, real Excel dates, date
strings); the indicator code comes from a column named indicator/code (or the first column); a name column is
kept for unknown indicators; any other column (% change, DoT, targets, commentary) is ignored with a warning.
"""
from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd
from openpyxl.utils import get_column_letter

from forecasting.validation import LOCATED_COLUMNS, ValidationReport, month_label

log = logging.getLogger(__name__)

MAX_ROWS = 20_000           # rows read from one sheet; a scorecard has tens
MAX_COLUMNS = 500           # columns read from one row
MAX_UNZIPPED_RATIO = 100    # an XLSX whose contents expand beyond 100x its size is refused (zip bomb)
HEADER_SEARCH_ROWS = 30     # the header row must be within the first 30 rows

ID_HEADERS = ("indicator code", "code", "unique_id", "indicator_code", "ref", "reference", "id", "indicator")
NAME_HEADERS = ("name", "indicator name", "indicator_name", "description", "measure", "title")
MONTH_HEADERS = ("month", "ds", "date", "period", "month_start")
VALUE_HEADERS = ("value", "y", "actual", "count")
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


@dataclass
class ParsedTable:
    """What a reader found: located long frame, names of indicators, the form and where."""

    located: pd.DataFrame
    names: dict[str, str]
    form: str
    sheet: str | None
    header_gaps: bool = False


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
    elif (match := re.fullmatch(r"([a-z]{3,9})[\s\-/'.,]*(\d{2}|\d{4})", text)) or (match := re.fullmatch(r"\d{1,2}[-\s]([a-z]{3,9})[-\s](\d{2}|\d{4})", text)):
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
    """Classify a cell: (kind, number, had % sign); kind is number/missing/suppressed/excel_error/text."""
    if value is None:
        return "missing", None, False
    if isinstance(value, (bool, datetime, date)):
        return "text", None, False
    if isinstance(value, (int, float)):
        if pd.isna(value):
            return "missing", None, False
        return "number", float(value), isinstance(value, PercentValue)
    text = str(value).strip().replace("\u00a0", " ").replace("\u2212", "-")
    lowered = text.lower()
    if lowered in MISSING_TOKENS:
        return "missing", None, False
    if lowered in EXCEL_ERRORS:
        return "excel_error", None, False
    if SUPPRESSED.fullmatch(lowered):
        return "suppressed", None, False
    percent = text.endswith("%")
    number = text.rstrip("%").strip()
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", number):
        number = number.replace(",", "")
    number = re.sub(r"(?<=\d) (?=\d{3}\b)", "", number)
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", number):
        return "text", None, False
    return "number", float(number), percent


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
        except zipfile.BadZipFile:
            return None, "a damaged zip/Excel file"
        if "xl/workbook.xml" not in names:
            if "mimetype" in names or "content.xml" in names:
                return None, "an OpenDocument file (.ods/.odt)"
            if "word/document.xml" in names:
                return None, "a Word document"
            return None, "a zip archive, not an Excel workbook"
        if unzipped > MAX_UNZIPPED_RATIO * max(len(content), 1):
            return None, "an Excel file whose contents expand to an implausible size"
        return "xlsx", "Excel workbook"
    return "csv", "text"


def decode_text(content: bytes) -> str | None:
    """Text of a CSV file (UTF-8, UTF-16 with BOM, or Windows-1252), or None for binary junk."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = content.decode("utf-16", errors="replace")
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text[:20000] if ord(ch) < 32 and ch not in "\t\r\n" or ch == "\ufffd")
    if "\x00" in text or controls > max(2, len(text[:20000]) // 100):
        return None
    return text


def read_csv_sheet(text: str) -> Sheet:
    lines = text.splitlines()[:5]
    sample = "\n".join(lines)
    delimiter = max([",", ";", "\t", "|"], key=sample.count)
    rows = []
    for record in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append([cell for cell in record[:MAX_COLUMNS]])
        if len(rows) > MAX_ROWS:
            break
    return Sheet(None, rows)


def read_xlsx_sheets(content: bytes) -> list[Sheet]:
    """Every worksheet's values; numbers shown as percentages become PercentValue (x100)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            if hasattr(worksheet, "reset_dimensions"):
                worksheet.reset_dimensions()
            sheet = Sheet(worksheet.title)
            for row in worksheet.iter_rows(max_col=MAX_COLUMNS):
                sheet.rows.append([_cell_value(cell) for cell in row])
                if len(sheet.rows) > MAX_ROWS:
                    break
            sheets.append(sheet)
    finally:
        workbook.close()
    return sheets


def _cell_value(cell):
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in number_format:
        return PercentValue(round(value * 100, 10))
    return value


def _header_text(value) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().lower() if value is not None else ""


def find_header(sheet: Sheet) -> tuple[int, str] | None:
    """(row index, 'long' | 'wide') of the table's header row, or None."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        texts = {_header_text(v) for v in row}
        if texts & set(ID_HEADERS) and texts & set(MONTH_HEADERS) and texts & set(VALUE_HEADERS):
            return index, "long"
        if sum(parse_month(v) is not None for v in row) >= 2:
            return index, "wide"
    return None


def parse_sheet(sheet: Sheet, report: ValidationReport, where: dict) -> ParsedTable | None:
    found = find_header(sheet)
    if found is None:
        return None
    index, form = found
    parser = _parse_long if form == "long" else _parse_wide
    located, names, header_gaps = parser(sheet.rows, index, report, where)
    return ParsedTable(located, names, form, sheet.name, header_gaps)


def _column_of(headers: list[str], choices: tuple[str, ...]) -> int | None:
    for choice in choices:
        if choice in headers:
            return headers.index(choice)
    return None


def _cell(row: list, index: int | None):
    return row[index] if index is not None and index < len(row) else None


def _frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=list(LOCATED_COLUMNS))
    return frame.astype({"unique_id": str, "y": float, "percent_sign": bool}).assign(
        ds=pd.to_datetime(frame["ds"]))


def _value_problem(kind: str, raw, code: str, report: ValidationReport, row: int, column: str, where: dict):
    if kind == "text":
        shown = raw.isoformat()[:10] if isinstance(raw, (datetime, date)) else str(raw)[:40]
        report.error(f"'{shown}' for {code} is not a number", "Enter a number such as 1433, 1,433 or 22.6%; "
                     "leave the cell blank (or '-') if the value is not known.", code="non_numeric",
                     row=row, column=column, **where)


def _parse_long(rows: list[list], header: int, report, where) -> tuple[pd.DataFrame, dict, bool]:
    headers = [_header_text(v) for v in rows[header]]
    id_col = _column_of(headers, ID_HEADERS)
    month_col = _column_of(headers, MONTH_HEADERS)
    value_col = _column_of(headers, VALUE_HEADERS)
    name_col = _column_of(headers, NAME_HEADERS)
    letters = {i: get_column_letter(i + 1) for i in (id_col, month_col, value_col)}
    records, names, missing_rows = [], {}, []
    for offset, row in enumerate(rows[header + 1:], start=header + 2):
        if all(parse_value(v)[0] == "missing" for v in row):
            continue
        code = str(_cell(row, id_col) or "").strip()
        if not code:
            report.error("This row has no indicator code", "Fill in the indicator code (e.g. M1) or delete the row.",
                         code="missing_code", row=offset, column=letters[id_col], **where)
            continue
        raw_month = _cell(row, month_col)
        month = parse_month(raw_month)
        if month is None:
            shown = "blank" if raw_month in (None, "") else f"'{raw_month}'"
            report.error(f"Month {shown} for {code} is not a month", "Write months as 2017-06 or Jun-17 "
                         "(or an Excel date).", code="bad_month", row=offset, column=letters[month_col], **where)
            continue
        raw = _cell(row, value_col)
        kind, number, percent = parse_value(raw)
        if kind == "text":
            _value_problem(kind, raw, code, report, offset, letters[value_col], where)
            continue
        if kind != "number":
            missing_rows.append((offset, kind))
        if name_col is not None and _cell(row, name_col):
            names.setdefault(code, str(_cell(row, name_col)).strip())
        records.append({"unique_id": code, "ds": month, "y": number, "row": offset,
                        "column": letters[value_col], "raw": raw, "percent_sign": percent,
                        "id_column": letters[id_col]})
    if missing_rows:
        _warn_missing([r for r, _ in missing_rows], {k for _, k in missing_rows}, report,
                      column=letters[value_col], where=where)
    return _frame(records), names, False


def _warn_missing(rows_or_columns: list, kinds: set, report, where, row=None, column=None, code=None):
    what = ", ".join(str(x) for x in rows_or_columns[:12]) + (" ..." if len(rows_or_columns) > 12 else "")
    kinds_text = {"missing": "blank/'-'/'n/a'", "suppressed": "suppressed (e.g. '<5')",
                  "excel_error": "Excel errors (e.g. #DIV/0!)"}
    described = " or ".join(kinds_text[k] for k in sorted(kinds))
    subject = f"{code}: " if code else ""
    place = "in columns" if row is not None else "on rows"
    report.warning(f"{subject}{len(rows_or_columns)} value(s) {described} {place} {what}; treated as missing",
                   "Fill in the values if they are known; missing months are left out of model fitting.",
                   code="missing_value", row=row, column=column, **where)


def _parse_wide(rows: list[list], header: int, report, where) -> tuple[pd.DataFrame, dict, bool]:
    header_row = rows[header]
    headers = [_header_text(v) for v in header_row]
    months = {i: parse_month(v) for i, v in enumerate(header_row)}
    months = {i: m for i, m in months.items() if m is not None}
    named_id = [i for h in ID_HEADERS for i, t in enumerate(headers) if t == h and i not in months]
    id_col = named_id[0] if named_id else 0
    name_col = _column_of([h if i not in (id_col, *months) else "" for i, h in enumerate(headers)], NAME_HEADERS)
    if headers[id_col] == "indicator" and name_col is None and id_col != 0 and _looks_like_names(rows, header, id_col):
        id_col, name_col = 0, id_col  # 'Indicator' holds descriptions; the codes are in column A
    letter = get_column_letter
    header_excel_row = header + 1

    by_month: dict[pd.Timestamp, list[int]] = {}
    for i, month in months.items():
        by_month.setdefault(month, []).append(i)
    for month, columns in by_month.items():
        if len(columns) > 1:
            report.error(f"Month {month_label(month)} heads more than one column ("
                         + ", ".join(letter(c + 1) for c in columns) + ")",
                         "Each month must appear once: delete or correct the repeated heading.",
                         code="duplicate_month", row=header_excel_row, column=letter(columns[-1] + 1), **where)
    month_columns = set(months)
    months = {columns[0]: month for month, columns in by_month.items()}  # repeats reported, first one used
    span = pd.date_range(min(by_month), max(by_month), freq="MS")
    absent = span.difference(pd.DatetimeIndex(list(by_month)))
    if len(absent):
        report.warning("No column for " + ", ".join(month_label(m) for m in absent) + " between "
                       f"{month_label(span[0])} and {month_label(span[-1])}; treated as missing",
                       "Add the missing month columns if you have the values.", code="gap",
                       row=header_excel_row, **where)
    ignored = [i for i, h in enumerate(headers) if i not in month_columns and i not in (id_col, name_col) and h]
    if ignored:
        report.warning("Columns ignored (not months): " + ", ".join(
            f"{letter(i + 1)} '{str(header_row[i]).strip()[:30]}'" for i in ignored),
            "Nothing to do if these are the scorecard's summary columns.", code="ignored_columns",
            row=header_excel_row, column=", ".join(letter(i + 1) for i in ignored), **where)

    records, names, empty_rows = [], {}, []
    for excel_row, row in enumerate(rows[header + 1:], start=header + 2):
        cells = {i: parse_value(_cell(row, i)) for i in months}
        code = str(_cell(row, id_col) if _cell(row, id_col) is not None else "").strip()
        if all(kind == "missing" for kind, _, _ in cells.values()):
            if code:
                empty_rows.append(excel_row)
            continue
        if not code:
            report.error("This row has values but no indicator code", f"Fill in the indicator code in column "
                         f"{letter(id_col + 1)} (e.g. M1) or delete the row.", code="missing_code",
                         row=excel_row, column=letter(id_col + 1), **where)
            continue
        if name_col is not None and _cell(row, name_col):
            names.setdefault(code, str(_cell(row, name_col)).strip())
        missing_columns, kinds = [], set()
        for i, (kind, number, percent) in cells.items():
            raw = _cell(row, i)
            if kind == "text":
                _value_problem(kind, raw, code, report, excel_row, letter(i + 1), where)
                continue
            if kind != "number":
                missing_columns.append(letter(i + 1))
                kinds.add(kind)
            records.append({"unique_id": code, "ds": months[i], "y": number, "row": excel_row,
                            "column": letter(i + 1), "raw": raw, "percent_sign": percent,
                            "id_column": letter(id_col + 1)})
        if missing_columns:
            _warn_missing(missing_columns, kinds, report, where, row=excel_row,
                          column=", ".join(missing_columns), code=code)
    if empty_rows:
        report.warning("Rows with no value in any month column were skipped: "
                       + ", ".join(str(r) for r in empty_rows[:20]) + (" ..." if len(empty_rows) > 20 else ""),
                       "Nothing to do if these are section headings or notes.", code="skipped_rows",
                       row=empty_rows[0], **where)
    return _frame(records), names, bool(len(absent))


def _looks_like_names(rows: list[list], header: int, column: int) -> bool:
    values = [str(r[column]) for r in rows[header + 1:header + 40] if column < len(r) and r[column]]
    return bool(values) and sum(len(v) for v in values) / len(values) > 30
