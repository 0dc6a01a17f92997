"""Is a path one council's data or several authorities'? Found cheaply, from headers and the first rows only.

The many-authority forms (read by `forecasting.data.panel.load_panel`):
- `903`: SSDA903 returns (a folder, or one CSV/XLSX file holding an episodes table); an LA column may name
  several authorities;
- `long`: one CSV/XLSX file whose long table (indicator, month, value) has an authority column;
- `folder`: a folder of CSV/XLSX scorecard files, one per authority (no observations.csv, no 903 tables).
`data check` and `data convert` use this to read such inputs whole; the single-council reader uses
`authorities_named` to say "this file holds several authorities" instead of listing every month as given
twice.
"""

from __future__ import annotations

from pathlib import Path

from forecasting.data.file_reading import read_sheets
from forecasting.data.sheet_layout import HEADER_SEARCH_ROWS, find_header, header_text
from forecasting.data.spreadsheet import Sheet
from forecasting.data.validation import ValidationReport

AUTHORITY_HEADERS = ("authority", "local authority", "la", "la name", "la_name", "council")
PANEL_SUFFIXES = (".csv", ".xlsx", ".xlsm")
PROBE_ROWS = HEADER_SEARCH_ROWS + 10  # rows read to find the header row
PROBE_BYTES = 64_000  # of a CSV file: enough for PROBE_ROWS rows of a long table

__all__ = ["AUTHORITY_HEADERS", "authorities_named", "authority_column", "holds_903", "panel_kind",
           "probe_sheets"]


def authority_column(sheet: Sheet) -> tuple[int, int] | None:
    """(header row index, authority column index) when the sheet is a long table with an authority column."""
    found = find_header(sheet)
    if found is None or found[1] != "long":
        return None
    headers = [header_text(v) for v in sheet.rows[found[0]]]
    column = next((headers.index(h) for h in AUTHORITY_HEADERS if h in headers), None)
    return None if column is None else (found[0], column)


def authorities_named(sheet: Sheet, header: int, column: int) -> list[str]:
    """The distinct authority names under the header (as written, stripped), in order of first appearance."""
    names = (str(row[column]).strip() for row in sheet.rows[header + 1:] if column < len(row)
             and row[column] is not None)
    return list(dict.fromkeys(name for name in names if name))


def probe_sheets(path: Path) -> list[Sheet]:
    """The first PROBE_ROWS rows of each sheet of a CSV/XLSX file ([] when it cannot be read: the full
    reader then says why, with its location)."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            content = path.read_bytes()
        else:
            with path.open("rb") as handle:
                content = handle.read(PROBE_BYTES)
            if len(content) == PROBE_BYTES:  # drop the last, maybe partial, line
                content = content[: content.rfind(b"\n") + 1] or content
        found = read_sheets(path.name, content, ValidationReport(), max_rows=PROBE_ROWS)
    except (OSError, ValueError):
        return []
    return found[1] if found is not None else []


def holds_903(path: str | Path, max_bytes: int = 0) -> bool:
    """A folder (not a data set folder) or a CSV/XLSX file (within the larger of `max_bytes` and the 903
    reader's own limit) holding an SSDA903 episodes table."""
    from forecasting.data.ssda903 import MAX_FILE_BYTES, looks_like_903

    path = Path(path)
    try:
        if path.is_dir():
            return not (path / "observations.csv").exists() and looks_like_903(path)
        return (path.is_file() and path.stat().st_size <= max(max_bytes, MAX_FILE_BYTES)
                and looks_like_903(path))
    except OSError:
        return False


def panel_kind(path: str | Path) -> str | None:
    """'903', 'long' or 'folder' for a many-authority input (see the module docstring), else None.

    A long file with an authority column is 'long' whatever the number of authorities it names (a sorted
    national file names one authority in its first thousands of rows); one authority is a panel of one."""
    path = Path(path)
    if holds_903(path):
        return "903"
    try:
        if path.is_dir():
            if (path / "observations.csv").exists():
                return None
            files = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() in PANEL_SUFFIXES
                     and not p.name.startswith((".", "~$"))]
            return "folder" if files else None
        if not path.is_file() or path.suffix.lower() not in (*PANEL_SUFFIXES, ".txt"):
            return None
    except OSError:
        return None
    for sheet in probe_sheets(path):
        if authority_column(sheet) is not None:
            return "long"
    return None
