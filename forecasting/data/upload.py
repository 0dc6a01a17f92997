"""Reading and validating one uploaded CSV/XLSX file, or checking a data set directory. Never raises.

`load_upload(name, bytes)` is what the app's upload widget calls; `check_path(path)` is what the CLI and
`load_dataset(file)` call. Both return `(Dataset | None, ValidationReport)`: the Dataset is None when the
report has blocking errors; every problem is in the report with its file, sheet, row/column and a fix hint.
"""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from forecasting.data.contract import (
    DEFAULT_MAX_UPLOAD_BYTES,
    Dataset,
    _read_context,
    _read_optional_csv,
    resolve_catalogue,
)
from forecasting.data.dataset_checks import read_side_file, validate_catalogue
from forecasting.data.file_reading import read_sheets, warn_long_cells
from forecasting.data.panel_input import authorities_named, authority_column, holds_903, panel_kind
from forecasting.data.sheet_layout import ParsedTable, explain_missing_header, find_header, parse_sheet
from forecasting.data.spreadsheet import MAX_ROWS
from forecasting.data.validation import ValidationReport, resolve_today, validate_observations

log = logging.getLogger(__name__)
__all__ = ["check_path", "load_upload"]


def load_upload(
    filename: str,
    content: bytes,
    *,
    catalogue: Dataset | pd.DataFrame | None = None,
    today: date | str | None = None,
    max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    sheet: str | None = None,
    units: dict[str, str] | None = None,
    reference_side_tables: bool = False,
) -> tuple[Dataset | None, ValidationReport]:
    """Read and validate one uploaded CSV/XLSX (long or wide form). Never raises.

    `catalogue` gives the known indicators (the embedded data set's by default); `units` sets the unit of
    unknown indicators the user was asked about. The Dataset is None when there are blocking errors.
    A file's targets, benchmarks and population are the council's own: the reference data set's are used only
    when the user chooses them (`reference_side_tables=True`, e.g. for the reference council's own data).
    """
    name = Path(str(filename or "upload")).name or "upload"
    report = ValidationReport(source=name)
    try:
        dataset = _load_upload(name, content, report, catalogue=catalogue, today=today, max_bytes=max_bytes,
                               sheet=sheet, units=units, borrow=reference_side_tables)
    except Exception as exc:  # noqa: BLE001  never a traceback for a user: an unforeseen failure is one more error
        log.warning("unexpected failure reading %s (%s: %s)", name, type(exc).__name__, exc)
        log.debug("details of the failure reading %s", name, exc_info=True)
        report.error(f"The file could not be read ({type(exc).__name__}: {exc})",
                     "Check that it opens in Excel; if it does, save it again as .xlsx or CSV and retry.",
                     code="unexpected", file=name)
        dataset = None
    if dataset is not None and not report.ok:
        dataset = None
    if dataset is not None:
        dataset.warnings = [p.as_text() for p in report.warnings]
    return dataset, report


def check_path(
    path: str | Path,
    *,
    today: date | str | None = None,
    sheet: str | None = None,
    catalogue: Dataset | pd.DataFrame | None = None,
    max_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    reference_side_tables: bool = False,
) -> tuple[Dataset | None, ValidationReport]:
    """Validate a data set directory or one CSV/XLSX file (`reference_side_tables`: see `load_upload`).
    Never raises."""
    path = Path(path)
    report = ValidationReport(source=str(path))
    try:
        if holds_903(path, max_bytes):  # SSDA903 return files (issue 17): a folder or one workbook
            from forecasting.data.ssda903_load import check_903_path

            return check_903_path(path, today=today)
        if path.is_dir():
            return _check_directory(path, report, today=today)
        if not path.exists():
            report.error(f"No such file or folder: {path}", "Check the path (and the current folder).",
                         code="not_found", file=path.name)
            return None, report
        size = path.stat().st_size
        if size > max_bytes:
            if panel_kind(path) == "long":
                _several_authorities(report, path.name, None)
            else:
                _too_large(report, path.name, size, max_bytes)
            return None, report
        dataset, file_report = load_upload(path.name, path.read_bytes(), catalogue=catalogue, today=today,
                                           reference_side_tables=reference_side_tables,
                                           max_bytes=max_bytes, sheet=sheet)
    except OSError as exc:
        report.error(
            f"The file could not be opened ({exc.strerror or exc})",
            "Check it exists and is readable.",
            code="unreadable",
            file=path.name,
        )
        return None, report
    except Exception as exc:  # noqa: BLE001  never a traceback for a user (e.g. a damaged indicators.csv)
        log.warning("unexpected failure checking %s (%s: %s)", path, type(exc).__name__, exc)
        log.debug("details of the failure checking %s", path, exc_info=True)
        report.error(f"The data could not be read ({type(exc).__name__}: {exc})",
                     "Check that each CSV file opens in Excel with the columns of the data contract.",
                     code="unexpected", file=path.name)
        return None, report
    file_report.source = str(path)
    if dataset is not None:
        dataset.source = str(path)
    return dataset, file_report


def _several_authorities(report: ValidationReport, name: str, sheet: str | None,
                         named: list[str] | None = None, at_least: bool = False) -> None:
    """One council's reader given a many-authority long file: say so, and which commands read it."""
    listed = f" ({', '.join(named[:5])}{' ...' if len(named) > 5 else ''})" if named else ""
    count = f"{'at least ' * at_least}{len(named)} authorities" if named else "several authorities"
    report.error(f"The file holds {count}{listed} in its authority column; this reads one council's data",
                 f"For all of them: the app's 'Compare authorities' page, or `python -m forecasting panel "
                 f"--data {name}` (check them all with `python -m forecasting data check {name}`); for one "
                 "council, keep only its rows.",
                 code="several_authorities", file=name, sheet=sheet)


def _too_large(report: ValidationReport, name: str, size: int, limit: int) -> None:
    report.error(
        f"The file is {_size_text(size)}; the limit is {_size_text(limit)}",
        "Upload only the scorecard sheet (delete other sheets, images and pivot caches) or save as CSV.",
        code="too_large",
        file=name,
    )


def _size_text(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1e6:.1f} MB"
    return f"{size / 1e3:.1f} kB" if size >= 1_000 else f"{size} bytes"


def _read_table(name: str, content: bytes, report: ValidationReport, sheet: str | None,
                known_codes: frozenset[str] = frozenset()) -> ParsedTable | None:
    """Find and parse the indicator table in a file's bytes; problems go to `report`."""
    found = read_sheets(name, content, report, sheet=sheet)
    if found is None:
        return None
    kind, sheets = found
    return _parse_chosen_sheet(name, sheets, report, sheet if kind == "xlsx" else None, known_codes)


def _parse_chosen_sheet(name, sheets, report, sheet, known_codes) -> ParsedTable | None:
    listing = ", ".join(f"'{s.name}'" for s in sheets)
    if sheet is not None:
        chosen = [s for s in sheets if s.name.strip().lower() == str(sheet).strip().lower()]
        if not chosen:
            report.error(f"There is no sheet named '{sheet}'; sheets found: {listing}",
                         "Choose one of the sheets listed.", code="wrong_sheet", file=name, sheet=str(sheet))
            return None
        sheets = chosen
    with_table = [s for s in sheets if find_header(s) is not None]
    if not with_table:
        blank = all(not any(v not in (None, "") for row in s.rows for v in row) for s in sheets)
        where = {"file": name, "sheet": sheets[0].name if len(sheets) == 1 else None}
        near_misses = [(s, missing) for s in sheets if (missing := explain_missing_header(s)) is not None]
        if near_misses:
            for near_sheet, (row, what) in near_misses:
                report.error(
                    f"No indicator table found: row {row} {what}",
                    "Use the template (python -m "
                    "forecasting data template): long form has columns indicator, month, value; wide "
                    "form has an indicator column then one column per month headed Jun-17 or 2017-06.",
                    code="no_table",
                    file=name,
                    sheet=near_sheet.name,
                    row=row,
                )
        elif blank:
            report.error(
                "The file has no data" if sheets[0].name is None else f"No data in sheet(s) {listing}",
                "Upload the file that holds the scorecard values.",
                code="empty",
                **where,
            )
        else:
            found = f" (sheets found: {listing})" if sheets[0].name is not None else ""
            report.error(
                "No indicator table found" + found + ": expected a header row with indicator, month, "
                "value (long form) or an indicator column then month headings like Jun-17 (wide form)",
                "Use the template (python -m forecasting data template) or choose the right sheet.",
                code="no_table",
                **where,
            )
        return None
    chosen = with_table[0]
    if len(with_table) > 1:
        report.warning(
            f"Read sheet '{chosen.name}' only; sheets "
            + ", ".join(f"'{s.name}'" for s in with_table[1:])
            + " also look like data",
            "Choose a sheet explicitly if another one is wanted.",
            code="other_sheets",
            file=name,
            sheet=chosen.name,
        )
    elif chosen is not sheets[0]:
        report.warning(
            f"Read sheet '{chosen.name}'; sheets without an indicator table were skipped: "
            + ", ".join(f"'{s.name}'" for s in sheets if s is not chosen),
            code="other_sheets",
            file=name,
            sheet=chosen.name,
        )
    located = authority_column(chosen)
    if located is not None and len(named := authorities_named(chosen, *located)) > 1:
        _several_authorities(report, name, chosen.name, named, at_least=chosen.truncated)
        return None
    if chosen.truncated:
        report.warning(
            f"The sheet has more than {MAX_ROWS:,} rows (counting formatted blank rows); only the first "
            f"{MAX_ROWS:,} were read",
            "A scorecard has tens of rows: delete the unused rows below the "
            "table, or move other data to another sheet.",
            code="truncated",
            file=name,
            sheet=chosen.name,
            row=MAX_ROWS + 1,
        )
    warn_long_cells(chosen, report, name)
    parsed = parse_sheet(chosen, report, {"file": name, "sheet": chosen.name}, known_codes)
    if parsed is not None and parsed.located.empty and report.ok:
        report.error(
            "The table has a header row but no data rows under it",
            "Add one row per indicator (wide form) or per indicator and month (long form).",
            code="no_data",
            file=name,
            sheet=chosen.name,
        )
    return parsed


def _load_upload(name, content, report, *, catalogue, today, max_bytes, sheet, units,
                 borrow=False) -> Dataset | None:
    if not isinstance(content, (bytes, bytearray)):
        report.error("No file content was received", "Upload the file again.", code="empty", file=name)
        return None
    if len(content) > max_bytes:
        _too_large(report, name, len(content), max_bytes)
        return None
    indicators, source = resolve_catalogue(catalogue)
    parsed = _read_table(name, bytes(content), report, sheet, frozenset(str(c) for c in indicators.index))
    if parsed is None or parsed.located.empty:
        return None
    return build_dataset(name, parsed, report, indicators=indicators, source=source, today=today, units=units,
                         borrow=borrow)


def build_dataset(name: str, parsed: ParsedTable, report: ValidationReport, *, indicators: pd.DataFrame,
                  source: Dataset | None, today, units: dict[str, str] | None = None,
                  borrow: bool = False) -> Dataset:
    """Validate a parsed table against the catalogue `indicators`. A council's targets, benchmarks and
    population are its own: those of the reference data set `source` are borrowed only when `borrow` (the user
    chose them; said so in a warning); otherwise a warning says what is missing and how to add it. Problems go
    to `report`."""
    units = _checked_units(units, report, name)
    if units:
        chosen = pd.DataFrame({"name": [parsed.names.get(c, c) for c in units], "unit": list(units.values()),
                               "polarity": "neutral"}, index=pd.Index(list(units), name="indicator"))
        indicators = pd.concat([indicators.drop(index=list(units), errors="ignore"), chosen])
    where = {"file": name, "sheet": parsed.sheet}
    observations, catalogue_rows = validate_observations(
        parsed.located, indicators, report, today=resolve_today(today), where=where, names=parsed.names,
        report_gaps=parsed.form == "long")
    _require_values(observations, report, where)
    codes = set(observations["unique_id"])
    extra: dict[str, Any] = {}
    if source is not None and not borrow:
        _say_side_tables_missing(name, source, codes, report)
    if source is not None and borrow:  # the user chose the reference tables: they come along, said so
        extra = {
            "context": dict(source.context),
            "targets": source.targets[source.targets["indicator"].isin(codes)].reset_index(drop=True),
            "benchmarks": source.benchmarks[source.benchmarks["indicator"].isin(codes)].reset_index(
                drop=True
            ),
        }
        borrowed = [f"{len(extra['targets'])} targets"] if len(extra["targets"]) else []
        borrowed += [f"{len(extra['benchmarks'])} benchmarks"] if len(extra["benchmarks"]) else []
        borrowed += [f"{key} = {value:,g}" for key, value in extra["context"].items()]
        if borrowed:
            report.warning(
                f"The file holds monthly values only; as chosen, {', '.join(borrowed)} were taken from the "
                f"reference data set ({Path(source.source).name})",
                "Use this only for the reference council's own data; otherwise give your council's own "
                "targets, benchmarks and population.",
                code="borrowed_context",
                file=name,
            )
    return Dataset(observations=observations, indicators=catalogue_rows, source=name, **extra)


def _say_side_tables_missing(name: str, source: Dataset, codes: set, report: ValidationReport) -> None:
    """A warning, when the reference data set has targets for these indicators, that this file has none."""
    has_targets = bool(source.targets["indicator"].isin(codes).any()) if not source.targets.empty else False
    if not has_targets and not source.context:
        return
    report.warning(
        "The file holds monthly values only: no targets, benchmarks or 0-17 population of this council, so "
        "projections are shown without RAG or chance of meeting a target, and rates per 10,000 children are "
        "forecast as given",
        "Add your council's targets, benchmarks and population on the Data page (or as targets.csv, "
        "benchmarks.csv and context.csv in a data set folder). If this is the reference council's own data, "
        "choose its tables explicitly.",
        code="no_side_tables",
        file=name,
    )


def _require_values(observations: pd.DataFrame, report: ValidationReport, where: dict) -> None:
    """Nothing can be forecast from a table whose every value is blank (e.g. an unfilled template)."""
    if not observations.empty and observations["y"].isna().all():
        report.error(
            "Every value in the table is blank: there is nothing to forecast from",
            "Fill in the monthly values (a blank template needs at least one filled month per indicator).",
            code="no_values",
            **where,
        )


def _checked_units(units: dict[str, str] | None, report: ValidationReport, name: str) -> dict[str, str]:
    """The user's choice of unit for unknown indicators, without invalid units (each reported)."""
    allowed = ("count", "percent", "rate_per_10k")
    for code, unit in (units or {}).items():
        if unit not in allowed:
            report.error(f"Unit '{unit}' chosen for {code} is not one of {', '.join(allowed)}",
                         "Choose count, percent (0-100) or rate_per_10k.", code="bad_unit", file=name)
    return {code: unit for code, unit in (units or {}).items() if unit in allowed}


def _check_directory(directory: Path, report: ValidationReport, *, today) -> tuple[Dataset | None,
                                                                                  ValidationReport]:
    """Validate a data set directory written in the contract at the top of this module."""
    observations_path = directory / "observations.csv"
    if not observations_path.exists():
        found = ", ".join(sorted(p.name for p in directory.iterdir())) or "nothing"
        report.error(f"No observations.csv in {directory} (found: {found})", "A data set folder needs "
                     "observations.csv with columns indicator, month, value.", code="not_found",
                     file="observations.csv")
        return None, report
    indicators = pd.DataFrame(columns=["unit"], index=pd.Index([], name="indicator"))
    catalogue = read_side_file(directory, "indicators.csv", report, check=False)
    if catalogue is not None:
        indicators = validate_catalogue(catalogue, report)
    elif not (directory / "indicators.csv").exists():
        report.warning("No indicators.csv: every indicator's unit is inferred", "Add indicators.csv (see the "
                       "data contract in forecasting/data.py).", code="no_catalogue", file="indicators.csv")
    parsed = _read_table("observations.csv", observations_path.read_bytes(), report, None)
    if parsed is None or parsed.located.empty:
        return None, report
    observations, catalogue_rows = validate_observations(
        parsed.located, indicators, report, today=resolve_today(today), where={"file": "observations.csv"},
        names=parsed.names, report_gaps=True)
    _require_values(observations, report, {"file": "observations.csv"})
    side_files = {file: read_side_file(directory, file, report)
                  for file in ("targets.csv", "benchmarks.csv", "context.csv")}
    if not report.ok:
        return None, report
    for file in ("targets.csv", "benchmarks.csv"):
        side = side_files[file]
        unknown = (
            sorted(set(side["indicator"].dropna()) - set(catalogue_rows.index)) if side is not None else []
        )
        if unknown:
            report.warning(f"Indicators not in observations.csv: {', '.join(unknown)}", "Check the codes.",
                           code="unknown_indicator", file=file)
    targets = _read_optional_csv(directory / "targets.csv", ["indicator", "period", "target", "basis"])
    benchmarks = _read_optional_csv(directory / "benchmarks.csv", ["indicator", "comparator", "value"])
    dataset = Dataset(observations, catalogue_rows, targets, benchmarks, source=str(directory),
                      warnings=[p.as_text() for p in report.warnings], context=_read_context(directory))
    return dataset, report
