"""Tables as people read them: headers in words with units, every figure formatted, RAG in colour and words.

`table_styler(frame, units=..., catalogue=...)` is pure pandas (tested without Streamlit); `show_table` draws
it. Rules, by column name (`forecasting.reports.words` gives the headers and the figure text):
- RAG columns: words ("Red: likely to miss") on a coloured cell (`ui.rag`);
- chances (probability, p_met, coverage; 0-1): whole percentages, "<1%" / ">99%" near the ends;
- money (cost, spend, saving, budget, npv, salary, price, £): £1,234,567;
- percentages already 0-100 (_pct, percent, on_time, mape): 48.0%;
- FTE and caseloads: one decimal; MASE: two decimals;
- an indicator's own values (projected, target, mean, ranges, latest, gap, ...): in the row's unit when the
  frame has an `indicator` column and `units` says it (counts whole, percentages with %, rates one decimal),
  else whole from 100 up and one decimal below;
- other numbers: whole with thousands separators when whole, else one decimal; months as Mar-20;
- coded values in words (`lower_is_better` -> "lower is better"; `forecasting.reports.VALUE_WORDS`);
- blanks are blank, never "None" or "nan".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import pandas as pd

from forecasting.planning import indicator_words
from forecasting.reports import (
    VALUE_WORDS,
    count_text,
    finite_or_words,
    header_words,
    money_text,
    percent_text,
    probability_text,
)
from ui.rag import rag_cell_style, rag_columns, rag_words

_VALUE_COLUMNS = re.compile(
    r"^(projected|target|mean|lo80|hi80|lo95|hi95|latest|gap|value|y|median|low|high)(_\d{4}_\d{2})?$"
)
_RULES: tuple[tuple[re.Pattern[str], Callable[[object], str]], ...] = (
    (re.compile(r"probab|p_met|chance|coverage"), probability_text),
    (re.compile(r"cost|spend|saving|budget|npv|salary|price|£|_gbp"), money_text),
    (re.compile(r"_pct|percent|on_time|mape"), percent_text),
    (re.compile(r"fte|caseload|per_worker"), lambda v: "" if _blank(v) else f"{float(v):,.1f}"),
    (re.compile(r"^mase$"), lambda v: "" if _blank(v) else f"{float(v):,.2f}"),
)


def _blank(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _blank_or(text: Callable[[object], str]) -> Callable[[object], str]:
    """Blank cells stay blank in a table (the words 'not available' are for single figures)."""
    return lambda value: "" if _blank(value) else text(value)


def plain_number(value: object) -> str:
    """Whole with separators from 100 up (1,433), one decimal below (56.4); blank for a missing value."""
    if _blank(value):
        return ""
    number = float(value)  # type: ignore[arg-type]
    return f"{number:,.0f}" if abs(number) >= 100 or number == round(number) else f"{number:,.1f}"


def unit_number(unit: str) -> Callable[[object], str]:
    """Formatter for an indicator's value in its unit (counts whole: children are whole children)."""
    if unit == "percent":
        return _blank_or(percent_text)
    if unit == "rate_per_10k":
        return lambda v: "" if _blank(v) else f"{float(v):,.1f}"
    return _blank_or(count_text)


def column_formatter(name: str, series: pd.Series) -> Callable[[object], str] | None:
    """The text of each cell of a column (rules in the module docstring); None leaves text columns alone."""
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.dropna()
        months = bool(len(values)) and bool((values.dt.day == 1).all())
        return lambda v: "" if _blank(v) else (f"{v:%b-%y}" if months else f"{v:%d %b %Y}")
    if pd.api.types.is_bool_dtype(series):
        return lambda v: "yes" if v is True or v == 1 else "no" if v is False or v == 0 else ""
    lowered = str(name).lower()
    if not pd.api.types.is_numeric_dtype(series):
        return lambda v: "" if _blank(v) or v is None else VALUE_WORDS.get(str(v), str(v))
    for pattern, text in _RULES:
        if pattern.search(lowered):
            return finite_or_words(name, _blank_or(text))  # infinite: "no staff in post", as the exports
    return finite_or_words(name, plain_number)


def table_styler(
    frame: pd.DataFrame,
    units: Mapping[str, str] | None = None,
    catalogue: pd.DataFrame | None = None,
    words: bool = True,
    value_columns: list[str] | None = None,
):
    """A pandas Styler: headers in words, figures formatted, RAG coloured with words (module docstring).

    `units` maps indicator code -> unit ('count', 'percent', 'rate_per_10k') for per-row formats;
    `catalogue` (a data set's `indicators`) gives the units when `units` is not given and adds the
    indicator's words beside its code; `value_columns` names the columns holding the indicator's own values
    when the name rule does not (e.g. one column per month)."""
    data = frame.reset_index(drop=True).copy()  # values stay as they are: only what is shown changes
    if units is None and catalogue is not None and "unit" in catalogue:
        units = catalogue["unit"].to_dict()
    rag = rag_columns(data)
    code_column = next((c for c in ("indicator", "unique_id") if c in data.columns), None)
    codes = data[code_column].astype(str) if code_column else None
    formats: dict[str, Callable[[object], str] | None] = {
        name: column_formatter(name, data[name]) for name in data.columns
    }
    for column in rag:
        formats[column] = rag_words
    if code_column and catalogue is not None:
        formats[code_column] = lambda code: indicator_words(str(code), catalogue)
    row_units: dict[str, list[int]] = {}
    if codes is not None and units:
        for position, code in enumerate(codes):
            row_units.setdefault(str(units.get(code, "count")), []).append(position)
    headers = {name: header_words(name, spell_out=True) if words else str(name) for name in data.columns}
    if code_column and catalogue is not None and words:
        headers[code_column] = "Indicator"
    if len(set(headers.values())) < len(headers):
        headers = {name: str(name) for name in data.columns}
    data = data.rename(columns=headers)
    styler = data.style
    for name, formatter in formats.items():
        if formatter is not None:
            styler = styler.format(formatter, subset=[headers[name]])
    value_columns = [headers[n] for n in formats
                     if (str(n) in (value_columns or ()) or _VALUE_COLUMNS.match(str(n)))
                     and pd.api.types.is_numeric_dtype(data[headers[n]])]
    for unit, rows in row_units.items():
        if value_columns:
            styler = styler.format(unit_number(unit), subset=pd.IndexSlice[rows, value_columns])
    if rag:
        styler = styler.map(rag_cell_style, subset=[headers[c] for c in rag])
    return styler


def show_table(frame: pd.DataFrame, units: Mapping[str, str] | None = None,
               catalogue: pd.DataFrame | None = None, value_columns: list[str] | None = None,
               **kwargs) -> None:
    """st.dataframe of `table_styler(frame, ...)`, full width, no index (kwargs passed on)."""
    import streamlit as st

    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    st.dataframe(table_styler(frame, units=units, catalogue=catalogue, value_columns=value_columns),
                 **kwargs)
