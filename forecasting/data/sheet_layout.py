"""Finding the indicator table in a sheet, in long form (indicator, month, value) or the wide scorecard form.

The reader keeps every value's spreadsheet coordinates (row number as Excel shows it, column letter) so that
validation can say exactly where a problem is. It never raises on bad input: problems go to the report.

Wide form: a header row holding month headings (`Jun-17`, `Jun 2017`, `2017-06`, real Excel dates, date
strings); the indicator code comes from a column named indicator/code (or the first column); a name column is
kept for unknown indicators; any other column (% change, DoT, targets, commentary) is ignored with a warning,
except a column between two month columns that holds numbers (a mistyped or merged month heading): an error.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

import pandas as pd
from openpyxl.utils import get_column_letter

from forecasting.data.spreadsheet import MONTH_NAMES, Sheet, parse_month, parse_value
from forecasting.data.validation import LOCATED_COLUMNS, ValidationReport, month_label, months_text

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 30     # the header row must be within the first 30 rows

ID_HEADERS = ("indicator code", "code", "unique_id", "indicator_code", "ref", "reference", "id", "indicator")
NAME_HEADERS = ("name", "indicator name", "indicator_name", "description", "measure", "title")
MONTH_HEADERS = ("month", "ds", "date", "period", "month_start")
VALUE_HEADERS = ("value", "y", "actual", "count")


@dataclass
class ParsedTable:
    """What a reader found: located long frame, names of indicators, the form and where."""

    located: pd.DataFrame
    names: dict[str, str]
    form: str
    sheet: str | None
    header_gaps: bool = False


def header_text(value) -> str:
    """A heading cell as compared with the known headings: lower case, single spaces."""
    return re.sub(r"\s+", " ", str(value)).strip().lower() if value is not None else ""


_header_text = header_text


def find_header(sheet: Sheet) -> tuple[int, str] | None:
    """(row index, 'long' | 'wide') of the table's header row, or None."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        texts = {_header_text(v) for v in row}
        if texts & set(ID_HEADERS) and texts & set(MONTH_HEADERS) and texts & set(VALUE_HEADERS):
            return index, "long"
        if sum(parse_month(v) is not None for v in row) >= 2 or year_row_months(sheet.rows, index):
            return index, "wide"
    return None


def _year_of(value) -> tuple[int, bool] | None:
    """(year, is a financial year like 2017-18) of a year heading, or None."""
    text = str(value).strip() if value is not None else ""
    if match := re.fullmatch(r"(?:fy\s*)?(\d{4})\s*[-/]\s*(\d{2}|\d{4})", text, re.IGNORECASE):
        return int(match[1]), True
    if re.fullmatch(r"\d{4}(\.0)?", text) and 1990 <= int(float(text)) <= 2100:
        return int(float(text)), False
    return None


def year_row_months(rows: list[list], index: int) -> dict[int, pd.Timestamp]:
    """Months of a two-row header: month names (Jun, Jul, ...) in row `index` under years in the row above.

    A year heading (often a merged cell, so only in its first column) applies to the month columns from it to
    the next year heading. A financial year `2017-18` puts Apr-Dec in 2017 and Jan-Mar in 2018. Empty unless
    at least two month columns all get a year.
    """
    if index == 0:
        return {}
    names = {
        i: MONTH_NAMES[_header_text(v)] for i, v in enumerate(rows[index]) if _header_text(v) in MONTH_NAMES
    }
    if len(names) < 2:
        return {}
    years = {j: found for j, v in enumerate(rows[index - 1]) if (found := _year_of(v)) is not None}
    months = {}
    for i, month in names.items():
        left = [j for j in years if j <= i]
        if not left:
            return {}
        year, financial = years[max(left)]
        months[i] = pd.Timestamp(year + (1 if financial and month <= 3 else 0), month, 1)
    return months


def parse_sheet(sheet: Sheet, report: ValidationReport, where: dict,
                known_codes: frozenset[str] = frozenset()) -> ParsedTable | None:
    """The sheet's indicator table as a located long frame; None when no header row is found.

    In wide form a row of a known indicator with every month blank is kept (all missing); other blank rows
    (section headings, notes) are skipped with a warning.
    """
    found = find_header(sheet)
    if found is None:
        return None
    index, form = found
    rows = sheet.rows
    if form == "wide" and (two_row := year_row_months(rows, index)):  # month names under a row of years
        rows = [*rows[:index], [two_row.get(i, v) for i, v in enumerate(rows[index])], *rows[index + 1:]]
    parser = _parse_long if form == "long" else _parse_wide
    located, names, header_gaps = parser(rows, index, report, where, known_codes)
    return ParsedTable(located, names, form, sheet.name, header_gaps)


def parse_long_rows(rows: list[list], header: int, report: ValidationReport, where: dict,
                    numbered: Iterable[tuple[int, list]]) -> tuple[pd.DataFrame, dict[str, str]]:
    """(located frame, names) of the long-form rows `numbered` ((Excel row, row) pairs) under `header`."""
    located, names, _gaps = _parse_long(rows, header, report, where, numbered=numbered)
    return located, names


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


REFUSED_KINDS = ("text", "non_finite")  # cells that are an error where a value belongs


def value_problem(kind: str, raw, code: str, report: ValidationReport, row: int, column: str, where: dict):
    if kind == "non_finite":
        report.error(f"'{str(raw)[:40]}' for {code} is too large to be a number (it reads as infinity)",
                     "Enter the value as an ordinary number such as 1433 or 22.6; check for a typing slip "
                     "or an exponent (1e309) copied from another program.", code="non_finite",
                     row=row, column=column, **where)
    elif kind == "text":
        shown = raw.isoformat()[:10] if isinstance(raw, (datetime, date)) else str(raw)[:40]
        report.error(f"'{shown}' for {code} is not a number", "Enter a number such as 1433, 1,433 or 22.6%; "
                     "leave the cell blank (or '-') if the value is not known.", code="non_numeric",
                     row=row, column=column, **where)


def _parse_long(rows: list[list], header: int, report, where, _known=frozenset(), *,
                numbered: Iterable[tuple[int, list]] | None = None) -> tuple[pd.DataFrame, dict, bool]:
    """Long-form rows under `header`; `numbered` gives (Excel row, row) pairs to read instead (a panel reads
    one authority's rows of a shared sheet this way, keeping their row numbers and column letters). The rows
    are read by `forecasting.data.long_form.parse_long`."""
    from forecasting.data.long_form import parse_long

    headers = [_header_text(v) for v in rows[header]]
    columns = {"id": _column_of(headers, ID_HEADERS), "month": _column_of(headers, MONTH_HEADERS),
               "value": _column_of(headers, VALUE_HEADERS), "name": _column_of(headers, NAME_HEADERS)}
    if numbered is None:
        numbered = enumerate(rows[header + 1:], start=header + 2)
    located, names, missing_rows = parse_long(rows, header, columns, report, where, numbered)
    if missing_rows:
        codes = list(dict.fromkeys(c for _, _, c in missing_rows))
        _warn_missing(
            [r for r, _, _ in missing_rows],
            {k for _, k, _ in missing_rows},
            report,
            column=get_column_letter(cast(int, columns["value"]) + 1),
            where=where,
            code=", ".join(codes[:8]) + (" ..." if len(codes) > 8 else ""),
        )
    return located, names, False


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


def _parse_wide(
    rows: list[list], header: int, report, where, known_codes=frozenset()
) -> tuple[pd.DataFrame, dict, bool]:
    header_row = rows[header]
    headers = [_header_text(v) for v in header_row]
    parsed = {i: parse_month(v) for i, v in enumerate(header_row)}
    months = {i: m for i, m in parsed.items() if m is not None}
    named_id = [i for h in ID_HEADERS for i, t in enumerate(headers) if t == h and i not in months]
    id_col = named_id[0] if named_id else 0
    name_col = _column_of([h if i not in (id_col, *months) else "" for i, h in enumerate(headers)],
                          (*NAME_HEADERS, "indicator"))  # codes under 'Ref', descriptions under 'Indicator'
    if (
        headers[id_col] == "indicator"
        and name_col is None
        and id_col != 0
        and _looks_like_names(rows, header, id_col)
    ):
        id_col, name_col = 0, id_col  # 'Indicator' holds descriptions; the codes are in column A
    letter = get_column_letter
    header_excel_row = header + 1

    by_month: dict[pd.Timestamp, list[int]] = {}
    for i, month in months.items():
        by_month.setdefault(month, []).append(i)
    for month, columns in by_month.items():
        if len(columns) > 1:
            report.error(
                f"Month {month_label(month)} heads more than one column ("
                + ", ".join(letter(c + 1) for c in columns)
                + ")",
                "Each month must appear once: delete or correct the repeated heading.",
                code="duplicate_month",
                row=header_excel_row,
                column=letter(columns[-1] + 1),
                **where,
            )
    month_columns = set(months)
    months = {columns[0]: month for month, columns in by_month.items()}  # repeats reported, first one used
    span = pd.date_range(min(by_month), max(by_month), freq="MS")
    absent = span.difference(pd.DatetimeIndex(list(by_month)))
    if len(absent):
        report.warning(f"No column for {months_text(absent)} between "
                       f"{month_label(span[0])} and {month_label(span[-1])}; treated as missing",
                       "Add the missing month columns if you have the values.", code="gap",
                       row=header_excel_row, **where)
    unplaced = _unplaced_month_columns(rows, header, months, (id_col, name_col), report, where)
    ignored = [i for i, h in enumerate(headers)
               if i not in month_columns and i not in (id_col, name_col) and h and i not in unplaced]
    if ignored:
        report.warning("Columns ignored (not months): " + ", ".join(
            f"{letter(i + 1)} '{str(header_row[i]).strip()[:30]}'" for i in ignored),
            "Nothing to do if these are the scorecard's summary columns.", code="ignored_columns",
            row=header_excel_row, column=", ".join(letter(i + 1) for i in ignored), **where)

    records: list[dict] = []
    names: dict[str, str] = {}
    empty_rows: list[int] = []
    first_row: dict[str, int] = {}
    for excel_row, row in enumerate(rows[header + 1:], start=header + 2):
        cells = {i: parse_value(_cell(row, i)) for i in months}
        code = str(_cell(row, id_col) if _cell(row, id_col) is not None else "").strip()
        if all(kind == "missing" for kind, _, _ in cells.values()) and code not in known_codes:
            if code:
                empty_rows.append(excel_row)
            continue
        if not code:
            report.error("This row has values but no indicator code", f"Fill in the indicator code in column "
                         f"{letter(id_col + 1)} (e.g. M1) or delete the row.", code="missing_code",
                         row=excel_row, column=letter(id_col + 1), **where)
            continue
        if code in first_row:
            report.error(
                f"Indicator {code} is on more than one row (rows {first_row[code]} and {excel_row}); "
                f"row {excel_row} was not read",
                "Keep one row per indicator: delete the repeat, or "
                "correct its code if it is a different indicator.",
                code="duplicate_indicator",
                row=excel_row,
                column=letter(id_col + 1),
                **where,
            )
            continue
        first_row[code] = excel_row
        if name_col is not None and _cell(row, name_col):
            names.setdefault(code, str(_cell(row, name_col)).strip())
        missing_columns, kinds = [], set()
        for i, (kind, number, percent) in cells.items():
            raw = _cell(row, i)
            if kind in REFUSED_KINDS:
                value_problem(kind, raw, code, report, excel_row, letter(i + 1), where)
                continue
            if kind != "number":
                missing_columns.append(letter(i + 1))
                kinds.add(kind)
            records.append({"unique_id": code, "ds": months[i], "y": number, "row": excel_row,
                            "column": letter(i + 1), "raw": raw, "percent_sign": percent,
                            "id_column": letter(id_col + 1)})
        if missing_columns:
            shown = ", ".join(missing_columns[:6]) + (", ..." if len(missing_columns) > 6 else "")
            _warn_missing(missing_columns, kinds, report, where, row=excel_row, column=shown, code=code)
    if empty_rows:
        report.warning(
            "Rows with no value in any month column were skipped: "
            + ", ".join(str(r) for r in empty_rows[:20])
            + (" ..." if len(empty_rows) > 20 else ""),
            "Nothing to do if these are section headings or notes.",
            code="skipped_rows",
            row=empty_rows[0],
            **where,
        )
    return _frame(records), names, bool(len(absent))


def _unplaced_month_columns(rows, header, months: dict, skip: tuple, report, where) -> set[int]:
    """Columns between two month columns whose heading is not a month but which hold numbers: errors.

    Their values cannot be placed in time (a mistyped or blank/merged month heading), so they are reported
    rather than silently dropped. Returns their indexes.
    """
    unplaced = set()
    first, last = min(months), max(months)
    for i in range(first + 1, last):
        if i in months or i in skip:
            continue
        if not any(parse_value(_cell(row, i))[0] == "number" for row in rows[header + 1:]):
            continue
        unplaced.add(i)
        before = months[max(c for c in months if c < i)]
        after = months[min(c for c in months if c > i)]
        heading = _cell(rows[header], i)
        shown = "is blank" if heading in (None, "") else f"'{str(heading).strip()[:30]}' is not a month"
        guess = before + pd.DateOffset(months=1)
        example = guess if guess < after else pd.Timestamp("2017-06-01")
        report.error(
            f"The heading of column {get_column_letter(i + 1)} {shown}, but the column sits between the "
            f"{month_label(before)} and {month_label(after)} columns and holds numbers: its values were "
            "not read",
            f"Write the month in the heading, e.g. {month_label(example)} or "
            f"{example:%Y-%m} (or an Excel date); unmerge header cells so each month column has its own "
            "heading.",
            code="bad_month_heading",
            row=header + 1,
            column=get_column_letter(i + 1),
            **where,
        )
    return unplaced


def explain_missing_header(sheet: Sheet) -> tuple[int, str] | None:
    """(Excel row, what is wrong) for a row that looks like a header but is incomplete, else None."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        texts = [_header_text(v) for v in row]
        id_heading = next((t for t in texts if t in ID_HEADERS), None)
        if id_heading is None:
            continue
        has_month = any(t in MONTH_HEADERS for t in texts)
        has_value = any(t in VALUE_HEADERS for t in texts)
        if has_month and not has_value:
            return index + 1, (
                "has indicator and month columns but no value column (long form needs the three "
                "columns indicator, month, value)"
            )
        if has_value and not has_month:
            return index + 1, ("has indicator and value columns but no month column (long form needs "
                               "indicator, month, value)")
        bare = [str(v).strip() for v, t in zip(row, texts, strict=True) if t in MONTH_NAMES]
        if len(bare) >= 2:
            return index + 1, (
                f"has month names without a year ({', '.join(bare[:3])} ...): write each heading "
                "with its year, e.g. Jun-17 or 2017-06, or use Excel dates"
            )
        cells = [f"'{str(v).strip()[:20]}'" for v in row if v not in (None, "")]
        found = ", ".join(cells[:8]) + (", ..." if len(cells) > 8 else "")
        return index + 1, (
            f"looks like the header row (it has '{id_heading}') but has no month headings such "
            f"as Jun-17 or 2017-06 (found {found})"
        )
    return None


def _looks_like_names(rows: list[list], header: int, column: int) -> bool:
    values = [str(r[column]) for r in rows[header + 1:header + 40] if column < len(r) and r[column]]
    return bool(values) and sum(len(v) for v in values) / len(values) > 30
