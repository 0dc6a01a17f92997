"""RAG status in colour AND in words (never colour alone: colour-blind readers, black-and-white prints).

- `rag_words(status)`: the plain-words label, e.g. "Green: likely to meet" (captions, metric help, exports).
- `rag_badge(status)`: a coloured badge for `st.markdown` (Streamlit's own badge syntax, no raw HTML), with a
  shape as well as a colour (check, warning triangle, cross, dash).
- `style_rag(frame)`: a pandas Styler colouring every RAG cell of a table for `st.dataframe`; the cell keeps
  its words.

Statuses are the ones `forecasting.planning.evaluate_targets` gives: Green, Amber, Red, and Grey when the
chance of meeting the target cannot be worked out. A blank status (no target) is shown as "no target".
"""

from __future__ import annotations

import pandas as pd

from forecasting.reports import RAG_MEANING

STATUSES = ("Green", "Amber", "Red", "Grey")

#: The words after the colour name: what the status means for a reader (one list for app and reports).
MEANING = RAG_MEANING
#: Streamlit badge colour for each status (Streamlit has no amber; its orange is the amber).
BADGE_COLOUR = {"Green": "green", "Amber": "orange", "Red": "red", "Grey": "gray"}
#: A shape for each status, so the badge reads without colour.
BADGE_ICON = {
    "Green": ":material/check_circle:",
    "Amber": ":material/warning:",
    "Red": ":material/cancel:",
    "Grey": ":material/remove:",
}
#: Cell background and text colours for tables (text contrast at least 4.5:1 on the background).
CELL_STYLE = {
    "Green": "background-color: #d4edda; color: #0b4d1e",
    "Amber": "background-color: #ffe8b3; color: #5c3b00",
    "Red": "background-color: #f8d0d0; color: #7a0f0f",
    "Grey": "background-color: #e6e6e6; color: #333333",
}
NO_TARGET = "no target"


def normalise(status: object) -> str | None:
    """'green', ' Green ', 'Green: likely to meet' -> 'Green'; blank or unknown -> None."""
    if status is None or (isinstance(status, float) and pd.isna(status)):
        return None
    text = str(status).strip()
    if not text:
        return None
    head = text.split(":", 1)[0].strip().capitalize()
    return head if head in STATUSES else None


def rag_words(status: object) -> str:
    """'Green' -> 'Green: likely to meet'; blank -> 'no target'; any other text is returned as it is."""
    found = normalise(status)
    if found is None:
        return NO_TARGET if status is None or str(status).strip() in ("", "nan", "None") else str(status)
    return f"{found}: {MEANING[found]}"


def rag_badge(status: object) -> str:
    """Markdown for a coloured badge with a shape and words, e.g. ':green-badge[:material/check_circle: Green:
    likely to meet]'; blank status -> 'no target' in a grey badge."""
    found = normalise(status)
    if found is None:
        return f":gray-badge[{rag_words(status)}]"
    return f":{BADGE_COLOUR[found]}-badge[{BADGE_ICON[found]} {rag_words(found)}]"


def rag_cell_style(value: object) -> str:
    """CSS for one table cell: coloured background when the cell holds a RAG status, otherwise nothing."""
    found = normalise(value)
    return CELL_STYLE[found] if found else ""


def rag_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold RAG statuses: named 'rag', 'rag_*', or 'RAG ...' in words."""
    return [
        c for c in frame.columns
        if str(c).lower() == "rag" or str(c).lower().startswith(("rag_", "rag ")) or str(c).startswith("RAG")
    ]


def with_rag_words(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """A copy with every RAG cell in words ('Green: likely to meet'), so a table never relies on colour."""
    out = frame.copy()
    for column in columns if columns is not None else rag_columns(frame):
        out[column] = out[column].map(rag_words)
    return out


def style_rag(frame: pd.DataFrame, columns: list[str] | None = None):
    """A pandas Styler for st.dataframe: RAG cells in words and coloured; other cells untouched.

    `columns` defaults to every RAG column found by `rag_columns`."""
    columns = columns if columns is not None else rag_columns(frame)
    worded = with_rag_words(frame, columns)
    styler = worded.style
    if columns:
        styler = styler.map(rag_cell_style, subset=columns)
    return styler
