"""Long-form rows (indicator, month, value) into the located frame, fast enough for a national panel.

A panel file is ~365,000 rows (152 authorities x 40 indicators x 60 months), so each row costs a few
microseconds, not the tens that classifying every cell from scratch costs:
- a month cell is parsed once per distinct value (a panel has ~60 distinct months);
- a value written as a plain decimal (`123`, `-4.5`) is read by one anchored, bounded pattern; anything
  else goes through `spreadsheet.parse_value` (thousands separators, %, suppression marks, Excel errors);
- a row is blank-checked cell by cell only when its indicator cell is itself blank-like.
The result, its messages and their order are those of reading every cell with `parse_value`/`parse_month`
(tests/data/test_long_form.py compares the two on mixed rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
from openpyxl.utils import get_column_letter

from forecasting.data.spreadsheet import parse_month, parse_value
from forecasting.data.validation import LOCATED_COLUMNS, ValidationReport

PLAIN_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d{1,15})?")  # what parse_value reads as itself, no % or commas
MEMO_LIMIT = 10_000  # distinct month cells remembered; a hostile file with more is parsed cell by cell

__all__ = ["parse_long"]


def _value(raw) -> tuple[str, float | None, bool]:
    """`parse_value(raw)`, with the common cases first."""
    kind = type(raw)
    if kind is float or kind is int:  # exact types: bool and PercentValue (a float) keep their meaning
        return parse_value(raw)
    if kind is str and PLAIN_NUMBER.fullmatch(raw):
        return "number", float(raw), False
    return parse_value(raw)


def parse_long(rows: list[list], header: int, columns: dict[str, int | None], report: ValidationReport,
               where: dict, numbered: Iterable[tuple[int, list]]) -> tuple[pd.DataFrame, dict[str, str],
                                                                            list[tuple[int, str, str]]]:
    """(located frame, names, missing (row, kind, code)) of the long-form rows `numbered` ((Excel row, row)
    pairs) under `header`; `columns` gives the id, month, value and name column indexes. Problems go to
    `report`, in row order."""
    from forecasting.data.sheet_layout import REFUSED_KINDS, value_problem

    id_col, month_col, value_col, name_col = (columns[k] for k in ("id", "month", "value", "name"))
    assert id_col is not None and month_col is not None and value_col is not None
    id_letter, month_letter, value_letter = (get_column_letter(i + 1) for i in (id_col, month_col, value_col))
    codes, months, values, excel_rows, raws, percents = [], [], [], [], [], []
    names: dict[str, str] = {}
    missing_rows: list[tuple[int, str, str]] = []
    month_memo: dict[tuple[type, object], pd.Timestamp | None] = {}
    blank_like: dict[tuple[type, object], bool] = {}
    same_code: dict[str, str] = {}
    for offset, row in numbered:
        width = len(row)
        first = row[id_col] if id_col < width else None
        key = (type(first), first)
        try:
            blank_id = blank_like[key]
        except (KeyError, TypeError):
            blank_id = parse_value(first)[0] == "missing"
            if len(blank_like) < MEMO_LIMIT:
                blank_like[key] = blank_id
        if blank_id and all(parse_value(v)[0] == "missing" for v in row):
            continue
        code = str(first or "").strip()
        code = same_code.setdefault(code, code)  # one string object per code: less memory, faster grouping
        if not code:
            report.error("This row has no indicator code",
                         "Fill in the indicator code (e.g. M1) or delete the row.", code="missing_code",
                         row=offset, column=id_letter, **where)
            continue
        raw_month = row[month_col] if month_col < width else None
        key = (type(raw_month), raw_month)
        try:
            month = month_memo[key]
        except (KeyError, TypeError):
            month = parse_month(raw_month)
            if len(month_memo) < MEMO_LIMIT:
                month_memo[key] = month
        if month is None:
            shown = "blank" if raw_month in (None, "") else f"'{raw_month}'"
            report.error(f"Month {shown} for {code} is not a month",
                         "Write months as 2017-06 or Jun-17 (or an Excel date).", code="bad_month",
                         row=offset, column=month_letter, **where)
            continue
        raw = row[value_col] if value_col < width else None
        kind, number, percent = _value(raw)
        if kind in REFUSED_KINDS:
            value_problem(kind, raw, code, report, offset, value_letter, where)
            continue
        if kind != "number":
            missing_rows.append((offset, kind, code))
        if name_col is not None and name_col < width and row[name_col]:
            names.setdefault(code, str(row[name_col]).strip())
        codes.append(code)
        months.append(month)
        values.append(number)
        excel_rows.append(offset)
        raws.append(raw)
        percents.append(percent)
    frame = pd.DataFrame({
        "unique_id": pd.Series(codes, dtype=object).astype(str),
        "ds": pd.DatetimeIndex(months) if months else pd.DatetimeIndex([], dtype="datetime64[ns]"),
        "y": pd.Series(values, dtype=float),
        "row": excel_rows,
        "column": value_letter,
        "raw": pd.Series(raws, dtype=object),
        "percent_sign": pd.Series(percents, dtype=bool),
        "id_column": id_letter,
    }, columns=list(LOCATED_COLUMNS))
    return frame, names, missing_rows

