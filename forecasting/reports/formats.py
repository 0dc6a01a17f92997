"""How a table looks in Excel: number formats by what a column holds, widths, a frozen header, RAG colours.

Rules (by column name, then by type):
- money (`cost`, `spend`, `saving`, `budget`, `npv`, `salary`, `price`, `£`): `£#,##0`;
- probabilities (`probability`, `p_met`, `chance`), values 0-1: `0%`;
- percentages already in 0-100 (`_pct`, `percent`, `on_time`, `coverage` stays a share: see below): `0.0"%"`;
  back-test `coverage80/95` are shares 0-1: `0%`;
- FTE and caseloads (`fte`, `caseload`, `per_worker`): `#,##0.0`;
- other whole numbers: `#,##0`; other decimals: `#,##0.0##`;
- dates: `mmm-yy` when every value is the first of a month (a month), else `dd mmm yyyy`;
- an infinite number (work per worker with nobody in post): its words, "no staff in post"
  (`forecasting.reports.infinite`; Excel cannot hold infinity);
- a `rag` column: each cell filled Green / Amber / Red / Grey and the word kept (colour-blind readers);
- headers in words with units (`forecasting.reports.words.header_words`, e.g. `probability_met` -> "Chance
  of meeting the target (%)", unknown snake_case names read aloud); the number format is chosen from the
  original name, so rules stay exact.
Text that a spreadsheet would evaluate as a formula is stored as text with the quote-prefix style (shown as
typed, never evaluated, no visible apostrophe).
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import re

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from forecasting.reports.infinite import infinite_cells
from forecasting.reports.words import header_words

log = logging.getLogger(__name__)
__all__ = ["FORMULA_TRIGGERS", "RAG_FILLS", "column_format", "write_sheet"]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
RAG_FILLS = {"Green": "C6EFCE", "Amber": "FFEB9C", "Red": "FFC7CE", "Grey": "D9D9D9"}
MAX_WIDTH, MIN_WIDTH = 60, 6
_RULES = (
    (re.compile(r"coverage"), "0%"),
    (re.compile(r"probab|p_met|chance"), "0%"),
    (re.compile(r"cost|spend|saving|budget|npv|salary|price|£|_gbp"), '"£"#,##0'),
    (re.compile(r"_pct|percent|on_time"), '0.0"%"'),
    (re.compile(r"fte|caseload|per_worker"), "#,##0.0"),
)


def column_format(name: str, series: pd.Series) -> str | None:
    """The Excel number format for a column (rules in the module docstring); None leaves it General."""
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.dropna()
        months = bool(len(values)) and bool((values.dt.day == 1).all() and (values.dt.hour == 0).all())
        return "mmm-yy" if months else "dd mmm yyyy"
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return None
    lowered = str(name).lower()
    for pattern, number_format in _RULES:
        if pattern.search(lowered):
            return number_format
    values = series.dropna()
    whole = bool(len(values)) and bool((values == values.round()).all())
    return "#,##0" if whole else "#,##0.0##"


def _cell_value(value):
    """A value openpyxl can store: NaN/None -> empty, numpy scalars -> Python, Timestamps -> datetime."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _text_width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.1f}")
    if isinstance(value, (dt.date, dt.datetime)):
        return 10
    return len(str(value))


def _put(sheet, row: int, column: int, value):
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"          # stored as text: never a formula
        cell.quotePrefix = True       # and Excel shows it as typed, without a visible apostrophe
    return cell


def write_sheet(sheet, frame: pd.DataFrame, words: bool = True,
                infinite: dict[object, dict[int, str]] | None = None) -> None:
    """Write `frame` (flat columns) into an openpyxl worksheet, Excel-ready (module docstring); `words` False
    keeps the column names as they are (a sheet a reader must parse back). An infinite number is written as
    its words (`forecasting.reports.infinite`; `infinite` gives them when `frame`'s codes are already in
    words: {column: {row position: words}})."""
    infinite = infinite_cells(frame) if infinite is None else infinite
    bold = Font(bold=True)
    for number, name in enumerate(frame.columns, start=1):
        cell = _put(sheet, 1, number, header_words(name, spell_out=True) if words else str(name))
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, name in enumerate(frame.columns, start=1):
        series = frame[name]
        number_format = column_format(name, series)
        is_rag = str(name).lower().startswith("rag")
        width = min(len(header_words(name, spell_out=True) if words else str(name)), 24)  # long ones wrap
        texts = infinite.get(name, {})
        for row, value in enumerate(series.tolist(), start=2):
            value = texts.get(row - 2, value) if texts else value
            value = _cell_value(value)
            cell = _put(sheet, row, number, value)
            if number_format and value is not None and not isinstance(value, str):
                cell.number_format = number_format
            if is_rag and value in RAG_FILLS:
                cell.fill = PatternFill("solid", start_color=RAG_FILLS[value], end_color=RAG_FILLS[value])
            width = max(width, _text_width(value))
        sheet.column_dimensions[get_column_letter(number)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    sheet.freeze_panes = "A2"
