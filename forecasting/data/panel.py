"""Many councils at once: a panel of data sets, one per authority, with `unique_id` =
"<authority>|<indicator>" (a `|` or `\\` inside an authority's name is escaped with `\\`, so `split_ids`
always gives back the name as written; `series_id` builds the ids).

Input forms (each validated like one council's file, so every message names file, sheet, row and column):
- SSDA903 returns (a folder, or one workbook with episodes and header sheets): an LA column makes one data
  set per authority (`forecasting.data.ssda903_load`);
- a folder with one CSV/XLSX per authority (the file name, without extension, is the authority);
- one long file (CSV/XLSX) with columns authority, indicator, month, value. It is read once, within the
  limits of a national panel (PANEL_MAX_ROWS rows, PANEL_MAX_BYTES bytes); each authority's rows are then
  validated as their own table, keeping their own row numbers and column letters. An authority whose rows
  have blocking errors is left out with its report; every other authority is kept.
`drop_short_series` names the series too short to back-test, so the others can still be forecast.
`synthetic_panel` makes a clearly labelled SYNTHETIC panel for benchmarks and tests.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.data.contract import Dataset, resolve_catalogue
from forecasting.data.file_reading import read_sheets, warn_long_cells
from forecasting.data.panel_input import AUTHORITY_HEADERS, authority_column, holds_903
from forecasting.data.sheet_layout import (
    HEADER_SEARCH_ROWS,
    ID_HEADERS,
    MONTH_HEADERS,
    VALUE_HEADERS,
    ParsedTable,
    header_text,
    parse_long_rows,
)
from forecasting.data.spreadsheet import Sheet, parse_value
from forecasting.data.upload import build_dataset, check_path
from forecasting.data.validation import MAX_LISTED_PER_KIND, Problem, ValidationReport

log = logging.getLogger(__name__)

SEPARATOR = "|"
SUFFIXES = (".csv", ".xlsx", ".xlsm")
FILE_KEY = "(file)"  # Panel.reports key for a problem with the whole file
# A national panel: 152 authorities x 40 indicators x 60 months = 364,800 rows in long form; 10% headroom.
PANEL_MAX_ROWS = 400_000
PANEL_MAX_BYTES = 64_000_000  # that panel is ~15 MB as CSV, less as XLSX
_ID = re.compile(r"^((?:[^\\|]|\\.)*)\|(.*)$", re.DOTALL)  # escaped authority, then the indicator


def series_id(authority: str, indicator: str) -> str:
    """'<authority>|<indicator>', with `\\` and `|` in the authority escaped by a backslash."""
    return authority.replace("\\", "\\\\").replace(SEPARATOR, "\\" + SEPARATOR) + SEPARATOR + indicator


@dataclass
class Panel:
    """Data sets by authority, the reports of any that could not be used, and notes on the whole file."""

    datasets: dict[str, Dataset]
    reports: dict[str, ValidationReport] = field(default_factory=dict)
    notes: ValidationReport = field(default_factory=ValidationReport)
    checked: dict[str, ValidationReport] = field(default_factory=dict)  # the used authorities' reports

    @property
    def authorities(self) -> list[str]:
        return sorted(self.datasets)

    def long_frame(self) -> pd.DataFrame:
        """unique_id (`series_id(authority, indicator)`), ds, y for every authority."""
        frames = [d.observations.assign(unique_id=series_id(authority, "") + d.observations["unique_id"])
                  for authority, d in sorted(self.datasets.items())]
        return (
            pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["unique_id", "ds", "y"])
        )

    @property
    def ok(self) -> bool:
        """Every authority usable and nothing wrong with the file as a whole."""
        return bool(self.datasets) and not self.reports and self.notes.ok

    def as_text(self, max_per_kind: int | None = MAX_LISTED_PER_KIND) -> str:
        """What a check of the whole input found: problems with the file, each refused authority's report,
        the kept authorities' warnings (the same sentence for several authorities said once, with how many),
        and a last line of counts."""
        lines = [self.notes.as_text(max_per_kind)] if self.notes.problems else []
        for authority, report in sorted(self.reports.items()):
            label = "the file" if authority == FILE_KEY else authority
            lines.append(f"{label}: not used\n{report.as_text(max_per_kind)}")
        said: dict[tuple[str, str], list[tuple[str, Problem]]] = {}
        for authority, report in sorted(self.checked.items()):
            for problem in report.warnings:
                said.setdefault((problem.code, problem.message), []).append((authority, problem))
        if said:
            lines.append(f"Warnings about the {len(self.datasets)} authorities used:")
            shown: dict[str, int] = {}
            for (code, _message), where in said.items():
                shown[code] = shown.get(code, 0) + 1
                if max_per_kind is not None and shown[code] > max_per_kind:
                    continue
                authority, problem = where[0]
                others = f" (and {len(where) - 1} other authorities)" if len(where) > 1 else ""
                lines.append(f"  {authority}{others}: " + problem.as_text().replace("\n", "\n  "))
            for code, count in shown.items():
                if max_per_kind is not None and count > max_per_kind:
                    lines.append(f"  ... and {count - max_per_kind} more like '{code}' (--all lists them)")
        total = len(self.datasets) + len([a for a in self.reports if a != FILE_KEY])
        refused = sorted(a for a in self.reports if a != FILE_KEY)
        lines.append(f"{len(self.datasets)} of {total} authorities can be used"
                     + (f"; not used: {', '.join(refused[:12])}{' ...' if len(refused) > 12 else ''}"
                        if refused else "") + ".")
        return "\n".join(lines)

    def units(self) -> dict[str, str]:
        return {series_id(authority, str(code)): unit for authority, d in self.datasets.items()
                for code, unit in d.indicators.get("unit", pd.Series(dtype=str)).items()}

    def compare(self, indicator: str) -> pd.DataFrame:
        """One indicator across authorities: authority, ds, y."""
        frame = self.long_frame()
        ids = split_ids(frame["unique_id"])
        return frame.assign(**ids)[ids["indicator"] == indicator][["authority", "ds", "y"]].reset_index(
            drop=True
        )


def split_ids(unique_ids: pd.Series) -> pd.DataFrame:
    """unique_id -> authority, indicator columns (the inverse of `series_id`)."""
    text = unique_ids.astype(str)
    parts = text.str.extract(_ID)
    authority = parts[0].str.replace(r"\\(.)", r"\1", regex=True, flags=re.DOTALL).fillna(text)
    return pd.DataFrame({"authority": authority, "indicator": parts[1]}, index=unique_ids.index)


def drop_short_series(frame: pd.DataFrame, min_months: int) -> tuple[pd.DataFrame, list[str]]:
    """(the series with at least `min_months` non-blank months, one sentence per series left out)."""
    counts = frame.dropna(subset=["y"]).groupby("unique_id").size().reindex(frame["unique_id"].unique(),
                                                                             fill_value=0)
    short = counts[counts < min_months]
    ids = split_ids(pd.Series(short.index, dtype=str))
    sentences = [f"{authority}, {indicator}: {n} month(s) with a value; at least {min_months} are needed to "
                 "back-test and forecast, so it was not forecast"
                 for authority, indicator, n in zip(ids["authority"], ids["indicator"], short, strict=True)]
    return frame[~frame["unique_id"].isin(short.index)].reset_index(drop=True), sentences


def load_panel(path: str | Path, *, today=None, reference_side_tables: bool = False) -> Panel:
    """A folder of per-authority files, or one long file with an `authority` column. Never raises.

    Each authority's targets, benchmarks and population are its own; the reference data set's are given to
    every authority only when `reference_side_tables` (the user chose them)."""
    path = Path(path)
    if holds_903(path):
        return _panel_from_903(path, today)
    if path.is_dir():
        datasets: dict[str, Dataset] = {}
        reports: dict[str, ValidationReport] = {}
        checked: dict[str, ValidationReport] = {}
        for file in sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES):
            dataset, report = check_path(file, today=today, max_bytes=PANEL_MAX_BYTES,
                                         reference_side_tables=reference_side_tables)
            if dataset is not None:
                datasets[file.stem], checked[file.stem] = dataset, report
            else:
                reports[file.stem] = report
        return Panel(datasets, reports, checked=checked)
    try:
        size = path.stat().st_size
        if size > PANEL_MAX_BYTES:
            return _file_problem(path.name, f"The file is {size / 1e6:,.0f} MB; a multi-authority file is "
                                 f"read up to {PANEL_MAX_BYTES / 1e6:,.0f} MB (a national panel is ~15 MB)",
                                 "Split it into one file per authority in a folder.")
        content = path.read_bytes()
    except OSError as exc:
        return _file_problem(path.name, f"The file could not be opened ({exc.strerror or exc})",
                             "Check it exists and is readable.")
    return panel_from_long_file(path.name, content, today=today, reference_side_tables=reference_side_tables)


def _panel_from_903(path: Path, today) -> Panel:
    """SSDA903 returns of one or several authorities (an LA column): one data set per authority. An
    authority with a blocking error in its own rows is left out with its report; a problem with the files
    as a whole leaves out everything."""
    from forecasting.data.ssda903_load import load_903_path

    return panel_from_903(load_903_path(path, today=today))


def panel_from_903(loaded) -> Panel:
    """The `Panel` of a `ssda903_load.Load903`: its data sets, the reports of the authorities it left out,
    the files' own problems as notes."""
    if not loaded.notes.ok or not (loaded.datasets or loaded.refused):
        return Panel({}, {FILE_KEY: loaded.report})
    return Panel(dict(loaded.datasets), dict(loaded.refused), loaded.notes, dict(loaded.checked))


def panel_from_long_file(name: str, content: bytes, *, today=None,
                         reference_side_tables: bool = False) -> Panel:
    """Validate each authority's rows of a long file with an `authority` column. Never raises."""
    try:
        return _panel_from_long_file(name, content, today, reference_side_tables)
    except Exception as exc:  # noqa: BLE001  never a traceback for a user: an unforeseen failure is a message
        log.warning("unexpected failure reading %s (%s: %s)", name, type(exc).__name__, exc)
        log.debug("details of the failure reading %s", name, exc_info=True)
        return _file_problem(name, f"The file could not be read ({type(exc).__name__}: {exc})",
                             "Check that it opens in Excel with columns authority, indicator, month, value.",
                             code="unexpected")


def _panel_from_long_file(name: str, content: bytes, today, borrow: bool = False) -> Panel:
    notes = ValidationReport(source=name)
    if len(content) > PANEL_MAX_BYTES:
        return _file_problem(name, f"The file is {len(content) / 1e6:,.0f} MB; a multi-authority file is "
                             f"read up to {PANEL_MAX_BYTES / 1e6:,.0f} MB",
                             "Split it into one file per authority.")
    found = read_sheets(name, content, notes, max_rows=PANEL_MAX_ROWS)
    if found is None:
        return Panel({}, {FILE_KEY: notes})
    _kind, sheets = found
    located = [(sheet, place) for sheet in sheets if (place := authority_column(sheet)) is not None]
    if not located:
        where = {"file": name, "sheet": sheets[0].name if len(sheets) == 1 else None}
        notes.error("No 'authority' column: a multi-authority file needs columns authority, indicator, "
                    "month, value (one row per authority, indicator and month) in its first "
                    f"{HEADER_SEARCH_ROWS} rows", "Add the column, or upload one file per authority.",
                    code="no_authority_column", **where)
        return Panel({}, {FILE_KEY: notes})
    sheet, (header, column) = located[0]
    where = {"file": name, "sheet": sheet.name}
    if sheet.truncated:
        notes.error(f"The file has more than {PANEL_MAX_ROWS:,} rows; a national panel (152 authorities x 40 "
                    f"indicators x 60 months) has 364,800: rows after {PANEL_MAX_ROWS:,} would be lost",
                    "Split the file by region or by year, or use a folder of one file per authority.",
                    code="truncated", row=PANEL_MAX_ROWS + 1, **where)
        return Panel({}, {FILE_KEY: notes})
    warn_long_cells(sheet, notes, name)
    _warn_repeated_headings(sheet.rows[header], notes, where, header + 1)
    groups = _rows_by_authority(sheet, header, column, notes, where)
    if not groups:
        notes.error("No row under the header names an authority: there is nothing to read",
                    "Fill in one row per authority, indicator and month.", code="no_data",
                    row=header + 2, **where)
        return Panel({}, {FILE_KEY: notes}, notes)
    indicators, source = resolve_catalogue(None)
    datasets, reports, checked = {}, {}, {}
    for authority, numbered in groups.items():
        report = ValidationReport(source=f"{name} ({authority})")
        frame, names = parse_long_rows(sheet.rows, header, report, where, numbered)
        dataset = None
        if not frame.empty:
            dataset = build_dataset(name, ParsedTable(frame, names, "long", sheet.name), report,
                                    indicators=indicators, source=source, today=today, borrow=borrow)
        elif report.ok:
            report.error(f"No usable rows for {authority}", "Fill in indicator, month and value on its rows.",
                         code="no_data", **where)
        if dataset is not None and report.ok:
            dataset.source = f"{name} ({authority})"
            dataset.warnings = [p.as_text() for p in report.warnings]
            datasets[authority], checked[authority] = dataset, report
        else:
            reports[authority] = report
    return Panel(datasets, reports, notes, checked)


def _warn_repeated_headings(headings: list, notes: ValidationReport, where: dict, row: int) -> None:
    """A heading the reader uses (authority, indicator, month, value ...) given twice: the first is read."""
    from openpyxl.utils import get_column_letter

    texts = [header_text(v) for v in headings]
    used = set(AUTHORITY_HEADERS) | set(ID_HEADERS) | set(MONTH_HEADERS) | set(VALUE_HEADERS)
    for text in dict.fromkeys(t for t in texts if t in used and texts.count(t) > 1):
        columns = [get_column_letter(i + 1) for i, t in enumerate(texts) if t == text]
        notes.warning(f"Columns {', '.join(columns)} are all headed '{text}'; only column {columns[0]} "
                      "was read",
                      "Rename or delete the repeated column.", code="repeated_heading", row=row,
                      column=columns[1], **where)


def _rows_by_authority(sheet: Sheet, header: int, column: int, notes: ValidationReport,
                       where: dict) -> dict[str, list[tuple[int, list]]]:
    """(Excel row, row) pairs of each authority in file order; rows with values but no authority noted."""
    groups: dict[str, list[tuple[int, list]]] = {}
    orphans = []
    for excel_row, row in enumerate(sheet.rows[header + 1:], start=header + 2):
        value = row[column] if column < len(row) else None
        authority = str(value).strip() if value is not None else ""
        if authority:
            groups.setdefault(authority, []).append((excel_row, row))
        elif any(parse_value(v)[0] != "missing" for v in row):
            orphans.append(excel_row)
    if orphans:
        from openpyxl.utils import get_column_letter

        shown = ", ".join(str(r) for r in orphans[:12]) + (" ..." if len(orphans) > 12 else "")
        notes.warning(f"{len(orphans)} row(s) with values but no authority were not read: rows {shown}",
                      "Fill in the authority on each row.", code="missing_authority", row=orphans[0],
                      column=get_column_letter(column + 1), **where)
    return groups


def _file_problem(name: str, message: str, hint: str, code: str = "panel_file") -> Panel:
    report = ValidationReport(source=name)
    report.error(message, hint, code=code, file=name)
    return Panel({}, {FILE_KEY: report})


def synthetic_panel(n_authorities: int = 152, n_indicators: int = 40, n_months: int = 60,
                    seed: int = 2018) -> pd.DataFrame:
    """SYNTHETIC monthly counts (not real data): level x trend x school-holiday dip (Aug, Dec) x noise.

    unique_id = "SYN<authority>|IND<indicator>", ds from Apr 2014. Levels are log-uniform 5-2,000 a month,
    trends -3% to +3% a year, holiday dips 0-20%, noise 5-20% (lognormal).
    """
    rng = np.random.default_rng(seed)
    months = pd.date_range("2014-04-01", periods=n_months, freq="MS")
    n = n_authorities * n_indicators
    level = np.exp(rng.uniform(np.log(5), np.log(2000), n))[:, None]
    trend = (1 + rng.uniform(-0.03, 0.03, n)[:, None]) ** (np.arange(n_months)[None, :] / 12)
    holiday = 1 - rng.uniform(0, 0.2, n)[:, None] * np.isin(months.month, (8, 12))[None, :]
    noise = np.exp(rng.normal(0, rng.uniform(0.05, 0.2, n)[:, None], (n, n_months)))
    values = np.round(level * trend * holiday * noise)
    ids = [series_id(f"SYN{a:03d}", f"IND{i:02d}") for a in range(n_authorities) for i in range(n_indicators)]
    return pd.DataFrame(
        {"unique_id": np.repeat(ids, n_months), "ds": np.tile(months, n), "y": values.ravel()}
    )
