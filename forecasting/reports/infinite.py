"""Infinite figures in words, the same in the app's tables, the CSV for people and the XLSX.

The planning models give an infinite value where a ratio has nothing below it, and each has a meaning:
- work per worker with nobody in post (a team's caseload per worker `caseload_per_worker` /
  `caseload_<team>`, its `utilisation`, a queue's `backlog_months`): **"no staff in post"**
  (forecasting.planning.workforce: a team of nobody with no work has a caseload of 0, with work infinite);
- a queue rule that is switched off (`ceiling`: no backlog ceiling; `triage_threshold`: no triage):
  **"no ceiling"**, **"no triage"**;
- anything else: "no limit" (or "no lower limit" for minus infinity).
The words are chosen by the column's name or, in a long table (a `measure` column beside generic value
columns such as baseline / scenario), by the row's measure. Excel cannot hold an infinite number (it shows a
blank or an error) and "inf" means nothing to a reader, so both writers put the words in its place; the
data-contract CSV (`to_csv(words=False)`, read back by programs) keeps `inf`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["NO_STAFF_IN_POST", "finite_or_words", "infinite_cells", "infinite_text", "per_worker_text",
           "with_infinite_words"]

NO_STAFF_IN_POST = "no staff in post"
NO_LIMIT, NO_LOWER_LIMIT = "no limit", "no lower limit"
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"caseload|per_worker|utilisation|backlog_months"), NO_STAFF_IN_POST),
    (re.compile(r"triage_threshold"), "no triage"),
    (re.compile(r"ceiling"), "no ceiling"),
)


def _rule(name: object) -> str | None:
    lowered = str(name).lower()
    return next((words for pattern, words in _RULES if pattern.search(lowered)), None)


def infinite_text(value: float, name: object = "", measure: object = None) -> str:
    """The words for an infinite `value` in column `name` (or, when the name says nothing, on a row of
    `measure`)."""
    if value < 0:
        return NO_LOWER_LIMIT
    return _rule(name) or (_rule(measure) if measure is not None else None) or NO_LIMIT


def per_worker_text(value: object) -> str:
    """A caseload or FTE figure as a table shows it: one decimal, "no staff in post" when infinite (work and
    nobody to carry it), blank when missing."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if math.isnan(number):
        return ""
    if math.isinf(number):
        return infinite_text(number, "caseload")
    return f"{number:,.1f}"


def finite_or_words(name: object, text: Callable[[object], str]) -> Callable[[object], str]:
    """A table cell formatter for column `name`: `text(value)`, or the words when the value is infinite (the
    app's tables, as the exports)."""
    def show(value: object) -> str:
        if isinstance(value, (float, np.floating)) and math.isinf(value):
            return infinite_text(float(value), name)
        return text(value)

    return show


def infinite_cells(frame: pd.DataFrame) -> dict[object, dict[int, str]]:
    """{column: {row position: words}} for every infinite number in `frame`'s numeric columns (module
    docstring); empty when there is none."""
    measures = frame["measure"].tolist() if "measure" in frame.columns else None
    out: dict[object, dict[int, str]] = {}
    for column in frame.columns:
        series = frame[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        values = series.to_numpy(dtype=float, na_value=np.nan)
        rows = np.flatnonzero(np.isinf(values))
        if len(rows):
            out[column] = {int(row): infinite_text(values[row], column,
                                                   measures[row] if measures is not None else None)
                           for row in rows}
    return out


def with_infinite_words(frame: pd.DataFrame,
                        number_format: str | Callable[[float], str] | None = None) -> pd.DataFrame:
    """`frame` with every infinite number replaced by its words (those columns become text, their other
    numbers written with `number_format`, e.g. "%.12g" or a function, when given); the same frame when there
    is none."""
    cells = infinite_cells(frame)
    if not cells:
        return frame
    frame = frame.copy()
    for column, rows in cells.items():
        values = frame[column].astype(object).to_numpy(copy=True)
        if number_format is not None:
            write = number_format if callable(number_format) else number_format.__mod__
            values = np.array([value if pd.isna(value) else write(value) for value in values], dtype=object)
        for row, words in rows.items():
            values[row] = words
        frame[column] = values
    return frame
