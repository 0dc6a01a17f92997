"""Reading SSDA903 (children looked after) returns: episodes, header and optional UASC tables, validated.

Input: one or several files (CSV, or XLSX with one table per sheet), one or several collection years, one or
several local authorities. Tables are recognised by their columns, not their names (as SF-R and D2I do):
episodes have CHILD, DECOM, PLACE...; header has CHILD, DOB; UASC has CHILD, DUC. Other 903 tables (OC2,
OC3, reviews, missing...) are listed and skipped. An `LA` (or `AUTHORITY`) column splits the data into
authorities; without one, everything is one authority. A `YEAR` column is optional: the collection year of
each table is the 31 March on or after its latest DECOM, so "2017" and "2017-18" naming conventions cannot
disagree.

Every problem goes into a `ValidationReport` with file, sheet, row and column (the spreadsheet's own row
numbers) and a fix. Errors (missing columns, unreadable dates, an episode that ends before it starts, a
header without DOB) block the data; warnings (unknown codes, episodes without a header row) do not.
Cleaning episodes across years is `forecasting.data.ssda903_episodes`. Child-level rows stay in memory:
nothing here writes them anywhere.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from forecasting.data.spreadsheet import decode_text, sniff
from forecasting.data.ssda903_checks import check_episodes, check_header, check_uasc
from forecasting.data.ssda903_config import Codes903, load_codes
from forecasting.data.validation import ValidationReport
from forecasting.data.xlsx_limits import WorkbookRefused, check_workbook

log = logging.getLogger(__name__)

LA_COLUMNS = ("LA", "AUTHORITY", "LA_NAME")
MAX_FILE_BYTES = 50 * 1024 * 1024  # a large authority's 903 episodes file is a few MB a year
# rows read from one sheet: episodes of all English authorities for one year are ~150,000 rows (DfE SSDA903
# 2018-19: 78,150 children looked after at 31 March, ~2 episodes each in the year)
MAX_ROWS_903 = 400_000
HEADER_SEARCH_ROWS = 10
PROBE_BYTES = 64_000  # of a text file read to find its header row (`looks_like_903`)
SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")
SINGLE_AUTHORITY = "authority"  # name used when the files have no LA column
MAX_EXAMPLES = 5


@dataclass
class Table903:
    """One recognised table: its kind (episodes, header, uasc), rows as text, where it came from."""

    kind: str
    frame: pd.DataFrame  # upper-case column names, text cells, plus `la`, `file`, `sheet`, `row`
    file: str
    sheet: str | None


@dataclass
class Raw903:
    """Validated child-level tables (in memory only) before cleaning across years."""

    episodes: pd.DataFrame
    header: pd.DataFrame
    uasc: pd.DataFrame
    files: list[str] = field(default_factory=list)

    @property
    def authorities(self) -> list[str]:
        return sorted(self.episodes["la"].unique())


def looks_like_903(path: str | Path) -> bool:
    """True when a folder (or its year sub-folders) or workbook holds an SSDA903 episodes table."""
    try:
        return any(
            _kind(columns) == "episodes"
            for _, content in _files_under(Path(path))
            for columns in _header_rows(content)
        )
    except OSError:
        return False


def files_under(path: str | Path) -> list[tuple[str, bytes]]:
    """(name relative to `path`, bytes) of each CSV/XLSX file in a folder and its sub-folders, or one file."""
    return _files_under(Path(path))


def _files_under(path: Path) -> list[tuple[str, bytes]]:
    if path.is_file():
        return [(path.name, path.read_bytes())] if path.suffix.lower() in SUFFIXES else []
    if not path.is_dir():
        return []
    found = sorted(
        p
        for p in path.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and len(p.relative_to(path).parts) <= 2
        and not p.name.startswith((".", "~$"))
    )
    return [(str(p.relative_to(path)), p.read_bytes()) for p in found]


def _header_rows(content: bytes) -> list[set[str]]:
    """Column names of the first rows of each sheet, cheaply (for `looks_like_903`)."""
    if not content.startswith(b"PK") and len(content) > PROBE_BYTES:  # text: its first lines are enough
        content = content[: content.rfind(b"\n", 0, PROBE_BYTES) + 1] or content[:PROBE_BYTES]
    try:
        return [set(_upper(t.columns)) for t in _read_sheets("probe", content, ValidationReport(), nrows=5)]
    except Exception:  # noqa: BLE001  a probe only: a file that cannot be read is simply not a 903 table
        return []


def _upper(columns) -> list[str]:
    return [str(c).strip().upper() for c in columns]


def _kind(columns: set[str]) -> str | None:
    if {"CHILD", "DECOM", "PLACE"} <= columns:
        return "episodes"
    if {"CHILD", "DUC"} <= columns:
        return "uasc"
    if {"CHILD", "DOB"} <= columns and ("SEX" in columns or "ETHNIC" in columns or "UPN" in columns):
        return "header"
    return None


def _read_sheets(
    name: str, content: bytes, report: ValidationReport, nrows: int | None = None
) -> list[pd.DataFrame]:
    """Each sheet of a CSV/XLSX file as a text frame whose header is the row holding CHILD. The frame's
    `attrs` carry the sheet name, the spreadsheet row number of its first data row and each column's letter
    (`letters`: name -> letter as Excel shows it, the first column of that name)."""
    kind, reason = sniff(name, content)
    if kind is None and reason == "empty":
        return []
    if kind is None:
        report.error(
            f"This is {reason}, not a CSV or Excel (.xlsx) file",
            "Export each 903 table (episodes, header, UASC) as CSV or XLSX.",
            code="not_spreadsheet",
            file=name,
        )
        return []
    if kind == "csv":
        text, _encoding = decode_text(content)
        if text is None:
            report.error(
                "The file is not readable text",
                "Save it again as 'CSV UTF-8'.",
                code="not_spreadsheet",
                file=name,
            )
            return []
        raw: dict[str | None, pd.DataFrame] = {
            None: pd.read_csv(
                io.StringIO(text),
                dtype=str,
                keep_default_na=False,
                header=None,
                nrows=nrows,
                skip_blank_lines=False,
            )
        }
    else:
        try:
            check_workbook(content, MAX_ROWS_903)  # streamed limits first: no zip or shared-string bomb
        except WorkbookRefused as exc:
            report.error(f"This Excel file was not read: {exc}",
                         "Open it in Excel and save it again (.xlsx) with only the 903 tables, or save each "
                         "table as CSV.", code="workbook_refused", file=name, sheet=exc.sheet, row=exc.row)
            return []
        workbook = pd.read_excel(
            io.BytesIO(content), sheet_name=None, dtype=str, header=None, nrows=nrows, keep_default_na=False
        )
        raw = {str(name): frame for name, frame in workbook.items()}
    sheets = []
    for sheet, frame in raw.items():
        top = frame.head(HEADER_SEARCH_ROWS)
        header_at = next(
            (i for i, row in enumerate(top.itertuples(index=False)) if "CHILD" in _upper(row)), None
        )
        if header_at is None:
            continue
        table = frame.iloc[header_at + 1 :].copy()
        table.columns = _upper(frame.iloc[header_at])
        letters = {name: get_column_letter(i + 1) for i, name in reversed(list(enumerate(table.columns)))}
        table = table.loc[:, [c != "" for c in table.columns]]
        table = table.apply(lambda column: column.astype(str).str.strip())
        table.attrs.update(sheet=sheet, first_row=header_at + 2, letters=letters)
        table["row"] = range(header_at + 2, header_at + 2 + len(table))
        sheets.append(table[(table.drop(columns="row") != "").any(axis=1)])
    return sheets


def read_tables(files: list[tuple[str, bytes]], report: ValidationReport) -> list[Table903]:
    """Recognise the 903 tables among `files`; say which files were skipped and why."""
    tables, skipped = [], []
    for name, content in files:
        if len(content) > MAX_FILE_BYTES:
            report.error(
                f"The file is {len(content) / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB",
                "Split it by collection year.",
                code="too_large",
                file=name,
            )
            continue
        try:
            sheets = _read_sheets(name, content, report)
        except Exception as exc:  # noqa: BLE001  a damaged file is one more located error, never a traceback
            log.info("could not read %s", name, exc_info=True)
            report.error(
                f"The file could not be read ({type(exc).__name__})",
                "Check that it opens in Excel, then save it again as CSV or XLSX.",
                code="unreadable",
                file=name,
            )
            continue
        recognised = [(frame, _kind(set(frame.columns))) for frame in sheets]
        for frame, kind in recognised:
            if kind is not None:
                tables.append(Table903(kind, frame, name, frame.attrs.get("sheet")))
        if not any(kind for _, kind in recognised) and report.ok:
            skipped.append(name)
    if skipped:
        report.warning(
            f"{len(skipped)} file(s) hold no episodes, header or UASC table and were skipped: "
            + ", ".join(skipped),
            "Nothing to do if they are other 903 tables (OC2, OC3, reviews...).",
            code="skipped_table",
            file=report.source,
        )
    return tables


def read_903(
    files: list[tuple[str, bytes]],
    report: ValidationReport,
    codes: Codes903 | None = None,
    authorities: dict[str, ValidationReport] | None = None,
) -> Raw903 | None:
    """Read and validate episodes, header and UASC tables; None when nothing usable was found.

    Located errors and warnings go to `report`; rows with errors are kept out of the result. With
    `authorities` (a dict, filled here), each authority's rows (the LA column) are checked on their own and
    their problems go to that authority's report (`authorities[name]`, created as needed), so that one
    authority's blocking error can leave out that authority alone; `report` then keeps only the problems of
    the files as a whole (unreadable, no episodes table, a table with no rows).
    """
    codes = codes or load_codes()
    tables = read_tables(files, report)
    by_kind: dict[str, list[pd.DataFrame]] = {"episodes": [], "header": [], "uasc": []}
    for table in tables:
        frame = _with_place(table)
        checker = {"episodes": check_episodes, "header": check_header, "uasc": check_uasc}[table.kind]
        for authority, part in _parts(frame, authorities is not None):
            target = report if authority is None or authorities is None else authorities.setdefault(
                authority, ValidationReport(source=_authority_source(report.source, authority)))
            checked = checker(part, target, table, codes)
            if checked is not None:
                by_kind[table.kind].append(checked)
    if not by_kind["episodes"]:
        said = report.errors + [p for r in (authorities or {}).values() for p in r.errors]
        if not any(p.code == "missing_column" for p in said):
            report.error(
                "No SSDA903 episodes table found (columns CHILD, DECOM, RNE, LS, PLACE, "
                "PLACE_PROVIDER, DEC, REC)",
                "Add the episodes file of each collection year.",
                code="no_episodes",
                file=report.source,
            )
        return None
    if not by_kind["header"]:
        report.warning(
            "No header table (CHILD, SEX, DOB): ages are unknown, so there are no age bands",
            "Add the header file of each collection year.",
            code="no_header",
            file=report.source,
        )
    episodes = _concat(by_kind["episodes"])
    where = ["file", "sheet", "row"]
    header = _concat(by_kind["header"]) if by_kind["header"] else _empty(["la", "CHILD", "DOB", *where])
    uasc = _concat(by_kind["uasc"]) if by_kind["uasc"] else _empty(["la", "CHILD", "DUC", *where])
    return Raw903(episodes, header, uasc, files=sorted({t.file for t in tables}))


def _authority_source(source: str, authority: str) -> str:
    """The name of one authority's report: the files' name, with the authority's unless it is the only one."""
    return source if authority == SINGLE_AUTHORITY else f"{source} ({authority})"


def _parts(frame: pd.DataFrame, by_authority: bool) -> list[tuple[str | None, pd.DataFrame]]:
    """The table whole (authority None), or each authority's rows with the table's own attributes."""
    if not by_authority or frame.empty:
        return [(None, frame)]
    parts: list[tuple[str | None, pd.DataFrame]] = []
    for authority, part in frame.groupby("la", sort=True):
        part = part.copy()
        part.attrs.update(frame.attrs)
        parts.append((str(authority), part))
    return parts


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The checked parts one below the other (parts left empty by errors only when all are)."""
    kept = [frame for frame in frames if len(frame)] or frames[:1]
    joined = pd.concat(kept, ignore_index=True)
    joined.attrs = {}  # where the columns were is in each row (file, sheet, row); pandas copies attrs often
    return joined


def _empty(columns: list[str]) -> pd.DataFrame:
    """A table with no rows; its date columns (DOB, DUC) typed as dates, as the checked tables' are."""
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in ("DOB", "DUC") else object)
                         for c in columns})


def _with_place(table: Table903) -> pd.DataFrame:
    frame = table.frame.copy()
    la_column = next((c for c in LA_COLUMNS if c in frame.columns), None)
    frame["la"] = (
        frame[la_column].where(frame[la_column] != "", SINGLE_AUTHORITY) if la_column else SINGLE_AUTHORITY
    )
    frame["file"] = table.file
    frame["sheet"] = table.sheet
    return frame


__all__ = ["SINGLE_AUTHORITY", "Raw903", "files_under", "looks_like_903", "read_903", "read_tables"]
