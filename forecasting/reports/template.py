"""Blank upload templates (XLSX or CSV, wide or long form) carrying the known indicator codes.

A report, not a reader: it writes through the guarded table writer in `exports`, and reads only the data
catalogue below it."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import IO

import pandas as pd

from forecasting.data.contract import Dataset, resolve_catalogue
from forecasting.data.validation import resolve_today
from forecasting.reports.exports import neutralise_cell, to_csv

TEMPLATE_MONTHS = 13  # months in a blank template: a year and the same month the year before


def write_template(
    path_or_buffer: str | Path | IO[bytes],
    form: str = "wide",
    *,
    catalogue: Dataset | pd.DataFrame | None = None,
    months: list | None = None,
    today: date | str | None = None,
    file_format: str | None = None,
) -> None:
    """Write a blank upload template (XLSX, or CSV when the path ends .csv) with the known indicator codes.

    Wide: `indicator, name` then one column per month (real Excel dates shown as Jun-17). Long: `indicator,
    month, value` with one row per indicator and month. Months default to the 13 months before `today`'s.
    """
    if form not in ("wide", "long"):
        raise ValueError(f"form must be 'wide' or 'long', not {form!r}")
    indicators, _ = resolve_catalogue(catalogue)
    names = (
        indicators["name"] if "name" in indicators else pd.Series(indicators.index, index=indicators.index)
    )
    if months is None:
        last = resolve_today(today) - pd.DateOffset(months=1)
        months = list(pd.date_range(end=last, periods=TEMPLATE_MONTHS, freq="MS"))
    months = [pd.Timestamp(m).to_period("M").to_timestamp() for m in months]
    if form == "wide":
        frame = pd.DataFrame({"indicator": list(indicators.index), "name": list(names.fillna(""))})
        for month in months:
            frame[month] = None
    else:
        frame = pd.DataFrame([(code, month, None) for code in indicators.index for month in months],
                             columns=["indicator", "month", "value"])
    if file_format is None:
        file_format = "csv" if str(getattr(path_or_buffer, "name", path_or_buffer)).lower().endswith(".csv") \
            else "xlsx"
    if file_format == "csv":
        frame = frame.rename(columns={m: m.strftime("%b-%y") for m in months})
        if form == "long":
            frame["month"] = frame["month"].dt.strftime("%Y-%m")
        # the one guarded writer: indicator names from a catalogue are text, not formulas
        content = to_csv(frame)
        if isinstance(path_or_buffer, (str, Path)):
            Path(path_or_buffer).write_bytes(content)
        else:
            path_or_buffer.write(content)
        return
    _write_template_xlsx(path_or_buffer, frame, months, form)


def _write_template_xlsx(path_or_buffer, frame: pd.DataFrame, months: list, form: str) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    headers = list(frame.columns)
    sheet.append(headers)
    for row in frame.itertuples(index=False):  # text cells guarded as in reports.exports (dated headers kept)
        sheet.append(
            [
                None
                if pd.isna(v)
                else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else neutralise_cell(v))
                for v in row
            ]
        )
    for cell in sheet[1]:
        if isinstance(cell.value, pd.Timestamp) or hasattr(cell.value, "year"):
            cell.number_format = "mmm-yy"
    if form == "long":
        for cell in sheet["B"][1:]:
            cell.number_format = "yyyy-mm"
    notes = workbook.create_sheet("Instructions")
    for line in (
        "One value per indicator and month. Counts are whole numbers; percentages 0-100 (22.6 or 22.6%).",
        "Leave a cell blank (or '-') if the value is not known. Do not add months after this month.",
        "Keep the indicator codes as on the scorecard; new codes are accepted with a warning.",
    ):
        notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    if isinstance(path_or_buffer, (str, Path)):
        Path(path_or_buffer).write_bytes(buffer.getvalue())
    else:
        path_or_buffer.write(buffer.getvalue())

