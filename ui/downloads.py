"""Download buttons: every table and chart's data as CSV or XLSX (formula-injection safe), headers in words
with units (`forecasting.reports.words`), numbers formatted in the XLSX.

The files are built only when the button is clicked (a callable), so drawing a page never pays for writing
workbooks nobody downloads.
"""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from forecasting.reports import to_csv, to_xlsx

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def download_buttons(frame: pd.DataFrame, name: str, *, key: str | None = None, words: bool = True) -> None:
    """Two small buttons under a chart or table; `words` False keeps the column names (a file the app reads
    back, such as the staffing plan, whose names are not changed either way)."""
    slug, key = _slug(name), key or _slug(name)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("CSV", lambda: to_csv(frame, words=words), file_name=f"{slug}.csv", mime="text/csv",
                         key=f"{key}-csv", help=f"Download {name} as CSV")
    right.download_button("XLSX", lambda: to_xlsx({name[:31]: frame}, words=words), file_name=f"{slug}.xlsx",
                          key=f"{key}-xlsx", mime=XLSX_MIME, help=f"Download {name} as an Excel workbook")
