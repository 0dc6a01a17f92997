"""Money the user uploads: a budget by line and financial year, and actual spend by month and placement type;
forecast against budget (variance) by line, baseline and plan.

Files (CSV or XLSX, first sheet; a heading row, then one row per figure; column names are matched ignoring
case, spaces and underscores; £ signs and thousands commas allowed):
- budget: `line`, `financial_year` (2019-20, 2019/20 or 2019), `budget`.
- actual spend: `month` (2018-04, Apr-18, a date), `placement_type`, `spend`.
Lines / placement types: in-house fostering, IFA, residential, kinship, supported / other, in words or as
codes (`in_house_fostering`, `ifa`, `residential`, `kinship`, `supported_other`); budget lines also `all
placements`, `plan delivery` (delivery cost), `allowances`, `staffing` (front-line staffing,
forecasting.planning.workforce_cost) and `net cost` (placements + staffing + delivery + allowances). Every
problem is a UserFacingError naming the file, sheet, row and column and what was expected; nothing is
half-read.
Variance = forecast - budget (positive = overspend), for the baseline and the plan.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from forecasting.data.spreadsheet import (
    decode_text,
    parse_month,
    parse_value,
    read_csv_sheet,
    read_xlsx_sheets,
    sniff,
)
from forecasting.errors import UserFacingError

log = logging.getLogger(__name__)
__all__ = ["BUDGET_LINES", "budget_variance", "read_actual_spend", "read_budget"]

MAX_BYTES = 5_000_000
PLACEMENT_LINES = {
    "in_house_fostering": ("in house fostering", "in-house fostering", "in house", "fostering in house"),
    "ifa": (
        "ifa",
        "independent fostering agency",
        "independent fostering agency (ifa)",
        "independent fostering",
    ),
    "residential": ("residential", "residential children's homes", "children's homes", "residential care"),
    "kinship": (
        "kinship",
        "kinship / connected-person fostering",
        "kinship fostering",
        "connected persons",
        "connected-person fostering",
        "family and friends",
    ),
    "supported_other": (
        "supported_other",
        "supported / other",
        "supported accommodation and other",
        "supported accommodation",
        "other",
        "supported and other",
    ),
}
BUDGET_LINES = {
    **PLACEMENT_LINES,
    "all_placements": ("all placements", "placements", "total placements"),
    "delivery_cost": ("plan delivery", "delivery", "delivery cost"),
    "allowances_cost": ("allowances", "allowances after exits", "sgo and adoption allowances"),
    "staffing_cost": ("staffing", "staffing cost", "front-line staffing", "social work staffing", "staff"),
    "net_cost": ("net cost", "total", "total cost", "all costs"),
}
# budget line -> (baseline column, plan column) of the finance view's year table; None: 0 in the baseline
YEAR_LINES = {
    "delivery_cost": (None, "delivery_cost"),
    "allowances_cost": (None, "allowances_cost"),
    "staffing_cost": ("baseline_staffing_cost", "plan_staffing_cost"),
    "net_cost": ("baseline_net_cost", "plan_net_cost"),
}


def _key(text) -> str:
    return re.sub(r"[\s_]+", " ", str(text).strip().lower())


def _line(raw, lines: dict[str, tuple[str, ...]]) -> str | None:
    key = _key(raw)
    for code, words in lines.items():
        if key == _key(code) or key in {_key(w) for w in words}:
            return code
    return None


def _rows(source: str | Path | bytes, name: str | None = None) -> tuple[str, list[list]]:
    """(where, rows of cells) of a file path or uploaded bytes (`name` says which upload)."""
    if isinstance(source, bytes):
        content, path = source, Path(name or "uploaded file")
    else:
        path = Path(source)
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise UserFacingError(f"{path}: cannot read the file ({exc.strerror or exc}).") from None
    if len(content) > MAX_BYTES:
        raise UserFacingError(
            f"{path}: {len(content):,} bytes is too large for a budget table (at most {MAX_BYTES:,})."
        )
    kind, what = sniff(path.name, content)
    if kind == "xlsx":
        try:
            sheets = read_xlsx_sheets(content)
        except ValueError as exc:
            raise UserFacingError(f"{path}: cannot read the workbook ({exc}).") from None
        if not sheets:
            raise UserFacingError(f"{path}: the workbook has no sheets.")
        return f"{path}, sheet '{sheets[0].name}'", sheets[0].rows
    if kind != "csv":
        raise UserFacingError(f"{path}: this is {what}, not a CSV or XLSX table.")
    text, _ = decode_text(content)
    if text is None:
        raise UserFacingError(f"{path}: not a text (CSV) file.")
    try:
        return str(path), read_csv_sheet(text).rows
    except ValueError as exc:
        raise UserFacingError(f"{path}: cannot split into cells ({exc}).") from None


def _table(source, name, columns: tuple[str, ...]) -> tuple[str, list[tuple[int, dict]]]:
    """(where, [(row number, {column: raw})]) with every column present (located error otherwise)."""
    where, rows = _rows(source, name)
    rows = [r for r in rows if any(str(c).strip() for c in r if c is not None)]
    if not rows:
        raise UserFacingError(f"{where}: empty; expected a heading row with {', '.join(columns)}.")
    heading = [_key(c).replace(" ", "_") if c is not None else "" for c in rows[0]]
    missing = [c for c in columns if c not in heading]
    if missing:
        raise UserFacingError(
            f"{where}, row 1: no column {', '.join(missing)}; expected headings "
            f"{', '.join(columns)} (found {', '.join(h for h in heading if h) or 'none'})."
        )
    position = {c: heading.index(c) for c in columns}
    out = []
    width = max((i + 1 for i, h in enumerate(heading) if h), default=0)
    for number, row in enumerate(rows[1:], start=2):
        extra = [c for c in row[width:] if c is not None and str(c).strip()]
        if extra:
            raise UserFacingError(
                f"{where}, row {number}: {width + len(extra)} or more cells but {width} headings; an amount "
                "written with thousands commas must be in quotes in a CSV (\"£9,000,000\") or written "
                "without them (9000000)."
            )
        out.append((number, {c: row[i] if i < len(row) else None for c, i in position.items()}))
    if not out:
        raise UserFacingError(f"{where}: only a heading row; add one row per figure.")
    return where, out


def _amount(raw, where: str, row: int, column: str) -> float:
    text = str(raw).replace("£", "").strip() if isinstance(raw, str) else raw
    kind, number, _ = parse_value(text)
    if kind != "number" or number is None:
        raise UserFacingError(
            f"{where}, row {row}, column {column}: {raw!r} is not an amount in pounds; "
            "expected a number such as 1234567 or £1,234,567."
        )
    return number


def _year(raw, where: str, row: int) -> str:
    text = str(raw).strip()
    match = re.fullmatch(r"(?:fy\s*)?(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?(?:\.0)?", text, re.IGNORECASE)
    if match:
        start = int(match.group(1))
        end = match.group(2)
        if end is None or int(end[-2:]) == (start + 1) % 100:
            return f"{start}-{(start + 1) % 100:02d}"
    raise UserFacingError(
        f"{where}, row {row}, column financial_year: {raw!r} is not a financial year; expected e.g. 2019-20."
    )


def read_budget(source, name: str | None = None) -> pd.DataFrame:
    """A budget file (path, or uploaded bytes called `name`) as `line, financial_year, budget` (rules in the
    module docstring)."""
    where, rows = _table(source, name, ("line", "financial_year", "budget"))
    records = []
    for number, cells in rows:
        line = _line(cells["line"], BUDGET_LINES)
        if line is None:
            raise UserFacingError(
                f"{where}, row {number}, column line: {cells['line']!r} is not a budget line; "
                f"expected one of {', '.join(w[0] for w in BUDGET_LINES.values())}."
            )
        records.append(
            {
                "line": line,
                "financial_year": _year(cells["financial_year"], where, number),
                "budget": _amount(cells["budget"], where, number, "budget"),
            }
        )
    table = pd.DataFrame(records)
    twice = table[table.duplicated(["line", "financial_year"], keep=False)]
    if len(twice):
        first = twice.iloc[0]
        raise UserFacingError(
            f"{where}: {first['line']} {first['financial_year']} is given more than once; keep "
            "one row per line and year."
        )
    return table


def read_actual_spend(source, name: str | None = None) -> pd.DataFrame:
    """An actual spend file (path, or uploaded bytes called `name`) as `month, placement_type, spend`."""
    where, rows = _table(source, name, ("month", "placement_type", "spend"))
    records = []
    for number, cells in rows:
        month = parse_month(cells["month"])
        if month is None:
            raise UserFacingError(
                f"{where}, row {number}, column month: {cells['month']!r} is not a month; "
                "expected e.g. 2018-04."
            )
        kind = _line(cells["placement_type"], PLACEMENT_LINES)
        if kind is None:
            raise UserFacingError(
                f"{where}, row {number}, column placement_type: {cells['placement_type']!r} is "
                f"not a placement type; expected one of "
                f"{', '.join(w[1] for w in PLACEMENT_LINES.values())}."
            )
        records.append(
            {"month": month, "placement_type": kind, "spend": _amount(cells["spend"], where, number, "spend")}
        )
    return pd.DataFrame(records)


def budget_variance(budget: pd.DataFrame, spend_by_type: pd.DataFrame, by_year: pd.DataFrame) -> pd.DataFrame:
    """line, financial_year, budget, baseline and plan forecasts and variances (forecast - budget)."""
    forecast = spend_by_type.pivot_table(
        index=["placement_type", "financial_year"], columns="case", values="spend", aggfunc="sum"
    )
    rows = []
    for line, year, amount in budget[["line", "financial_year", "budget"]].itertuples(index=False):
        if line in PLACEMENT_LINES:
            base = forecast["baseline"].get((line, year))
            plan = forecast["plan"].get((line, year))
        elif line == "all_placements":
            years = (
                forecast.xs(year, level="financial_year")
                if year in forecast.index.get_level_values(1)
                else None
            )
            base = None if years is None else float(years["baseline"].sum())
            plan = None if years is None else float(years["plan"].sum())
        else:
            match = by_year[by_year["financial_year"] == year]
            base_column, plan_column = YEAR_LINES[line]
            base = (float(match[base_column].sum()) if base_column else 0.0) if len(match) else None
            plan = float(match[plan_column].sum()) if len(match) else None
        rows.append(
            {
                "line": line,
                "financial_year": year,
                "budget": amount,
                "baseline_forecast_spend": base,
                "plan_forecast_spend": plan,
                "baseline_variance": None if base is None else base - amount,
                "plan_variance": None if plan is None else plan - amount,
            }
        )
    return pd.DataFrame(rows)
