"""Download buttons: every table and chart's data as CSV or XLSX (formula-injection safe)."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from forecasting.reports import to_csv, to_xlsx


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def download_buttons(frame: pd.DataFrame, name: str, *, key: str | None = None) -> None:
    """Two small buttons under a chart or table."""
    slug, key = _slug(name), key or _slug(name)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("CSV", to_csv(frame), file_name=f"{slug}.csv", mime="text/csv", key=f"{key}-csv",
                         help=f"Download {name} as CSV")
    right.download_button("XLSX", to_xlsx({name[:31]: frame}), file_name=f"{slug}.xlsx", key=f"{key}-xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          help=f"Download {name} as an Excel workbook")
