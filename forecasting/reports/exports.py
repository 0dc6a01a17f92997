"""Exports for people who live in spreadsheets and committee papers.

- `to_xlsx(frames)` writes one sheet per frame, Excel-ready: a bold, frozen header row, column widths that
  fit, number formats by what a column holds (£ for money, % for probabilities and percentages, whole numbers
  for counts, months as Jun-18; `forecasting.reports.formats`), RAG cells filled in their colour, and an
  "About" sheet last saying what each sheet holds. Formula injection is neutralised without a visible
  apostrophe: a text cell (or header) that starts with `=`, `+`, `-`, `@`, tab or carriage return is stored as
  text with Excel's quote-prefix style, shown as typed and never evaluated (OWASP "CSV injection" advice).
- `words=True` (the app's downloads, for people) puts headers in words with units
  (`forecasting.reports.words.header_words`: `probability_met` -> "Chance of meeting the target (%)"); the
  command line's files keep the column names so programs (and this tool) can read them back.
- `to_csv(frame)` prefixes such cells with a single quote (CSV has no styles) and rounds float noise
  (1432.9999999999998 -> 1433) to 12 significant digits unless a `float_format` is given.
- `scenario_html_report(...)` builds one standalone HTML file for a committee paper: charts as static SVG
  (small, quick to open, printable; plotly.js inlined once when asked for interactive charts). Every piece
  of text is HTML-escaped: nothing a user typed or uploaded becomes markup.
"""
from __future__ import annotations

import html
import io
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from forecasting.errors import UserFacingError
from forecasting.reports.formats import FORMULA_TRIGGERS, write_sheet
from forecasting.reports.svg import figure_svg
from forecasting.reports.words import RAG_MEANING, in_words

log = logging.getLogger(__name__)

CSV_FLOAT_FORMAT = "%.12g"   # enough digits for any count or pound, none of the binary noise
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise_cell(value: object) -> object:
    """Prefix a text value that a spreadsheet would treat as a formula with `'`; leave everything else."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of `frame` with every text cell and column header neutralised; numbers and dates untouched."""
    safe = frame.copy()
    safe.columns = [neutralise_cell(str(column)) for column in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_cell).astype(object)
    return safe


def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """Move a meaningful index into columns and strip time zones so any writer accepts the frame."""
    has_named_index = any(name is not None for name in frame.index.names)
    flat = frame.reset_index() if has_named_index else frame.reset_index(drop=True)
    if isinstance(flat.columns, pd.MultiIndex):
        flat.columns = [" ".join(str(part) for part in column if str(part)) for column in flat.columns]
    for column in flat.columns:
        if isinstance(flat[column].dtype, pd.DatetimeTZDtype):
            flat[column] = flat[column].dt.tz_localize(None)
    return flat


def _sheet_names(names: Sequence[str]) -> list[str]:
    """Valid, unique Excel sheet names (<= 31 chars, no []:*?/\\), in the given order."""
    used: set[str] = set()
    result = []
    for raw in names:
        base = _SHEET_NAME_FORBIDDEN.sub("_", str(raw)).strip("'") or "Sheet"
        name = base[:SHEET_NAME_MAX]
        counter = 2
        while name.lower() in used:
            suffix = f" ({counter})"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
            counter += 1
        used.add(name.lower())
        result.append(name)
    return result


def to_xlsx(frames: Mapping[str, pd.DataFrame], about: Mapping[str, str] | None = None,
            words: bool = False) -> bytes:
    """One Excel-ready workbook, one sheet per frame (sheet names made valid) plus an "About" sheet (module
    docstring); `about` gives a sentence per sheet name saying what it holds. `words` True puts headers in
    words with units (`forecasting.reports.words`; the app's downloads); the default keeps the column names,
    which the command line's files and the programs reading them back rely on."""
    from openpyxl import Workbook

    if not frames:
        raise ValueError("to_xlsx needs at least one table; pass {'sheet name': frame}.")
    book = Workbook()
    book.remove(book.active)
    names = _sheet_names([*frames, "About"])
    for sheet_name, frame in zip(names, frames.values(), strict=False):
        write_sheet(book.create_sheet(sheet_name), _flatten(frame), words=words)
    summary = pd.DataFrame({"Sheet": names[:-1], "Rows": [len(frame) for frame in frames.values()],
                            "What it holds": [(about or {}).get(name, "") for name in frames]})
    write_sheet(book.create_sheet(names[-1]), summary)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_csv(frame: pd.DataFrame, float_format: str | None = None, words: bool = False) -> bytes:
    """UTF-8 CSV (with BOM so Excel reads accents) with formula injection neutralised and float noise rounded.

    `float_format` (e.g. "%.4g") rounds numbers further for a smaller file; text cells are guarded either way.
    `words` True writes headers in words with units (the app's downloads, for people); the default keeps the
    column names, so a CSV the command line writes can be read back by a program or this tool.
    """
    flat = _flatten(frame)
    if words:
        flat = in_words(flat)
    return neutralise_frame(flat).to_csv(index=False, float_format=float_format or CSV_FLOAT_FORMAT
                                         ).encode("utf-8-sig")


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)


_REPORT_STYLE = """
body { font-family: Arial, Helvetica, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: right; }
th { background: #f0f0f0; } td:first-child, th:first-child { text-align: left; }
.meta { color: #555; font-size: 0.9em; } .notes li { margin: 0.3em 0; }
figure.chart { margin: 0.5em 0 1.5em; break-inside: avoid; }
td.rag { text-align: left; font-weight: bold; } td.rag-green { background: #d4edda; color: #0b4d1e; }
td.rag-amber { background: #ffe8b3; color: #5c3b00; } td.rag-red { background: #f8d0d0; color: #7a0f0f; }
td.rag-grey { background: #e6e6e6; color: #333; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
               table { break-inside: avoid; } }
"""


def scenario_html_report(
    title: str,
    figures: Sequence[tuple[str, Any]],  # (heading, plotly Figure); plotly ships no type information
    tables: Mapping[str, pd.DataFrame] | None = None,
    notes: Sequence[str] = (),
    generated_at: datetime | None = None,
    data_source: str = "",
    interactive: bool = False,
) -> str:
    """A standalone HTML page: title, provenance, notes, figures, tables; opens offline with no server.

    `figures` is a sequence of (heading, plotly Figure). By default each is drawn as static SVG
    (`forecasting.reports.svg`): no script, tens of kilobytes, opens at once and prints as shown.
    `interactive` True embeds plotly instead (plotly.js inlined once, about 4.5 MB). All text (title,
    headings, notes, table cells, chart labels) is escaped.
    """
    generated_at = generated_at or datetime.now()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_escape(title)}</title>",
        f"<style>{_REPORT_STYLE}</style></head><body>",
        f"<h1>{_escape(title)}</h1>",
        f'<p class="meta">Generated {_escape(generated_at.strftime("%d %B %Y %H:%M"))}'
        + (f" from data set: {_escape(data_source)}" if data_source else "")
        + "</p>",
    ]
    if notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{_escape(note)}</li>" for note in notes) + "</ul>")
    for position, (heading, figure) in enumerate(figures):
        parts.append(f"<h2>{_escape(heading)}</h2>")
        if interactive:
            parts.append(
                figure.to_html(full_html=False, include_plotlyjs=(position == 0), default_width="100%")
            )
        else:
            own_title = str(getattr(figure.layout.title, "text", None) or "")
            same = html.unescape(own_title).strip() == str(heading).strip()
            parts.append(f'<figure class="chart">{figure_svg(figure, show_title=not same)}</figure>')
    for heading, frame in (tables or {}).items():
        parts.append(f"<h2>{_escape(heading)}</h2>")
        parts.append(_rag_cells(_flatten(frame).to_html(index=False, escape=True, border=0, na_rep="",
                                                        float_format=_fmt)))
    parts.append("</body></html>")
    log.info("HTML report built: %d figures, %d tables", len(figures), len(tables or {}))
    return "\n".join(parts)


_RAG_CELL = re.compile(r"<td>(Green|Amber|Red|Grey)(?::[^<]*)?</td>")


def _rag_cells(table_html: str) -> str:
    """Every RAG cell of a report table coloured and in words ('Red: likely to miss'), never colour alone."""
    return _RAG_CELL.sub(lambda found: f'<td class="rag rag-{found.group(1).lower()}">{found.group(1)}: '
                                       f"{RAG_MEANING[found.group(1)]}</td>", table_html)


def _fmt(value: float) -> str:
    """Plain-words number format for report tables: thousands separators, at most one decimal."""
    if pd.isna(value):
        return ""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def write_table(frame: pd.DataFrame, out, file_format: str | None = None, sheet: str = "data",
                float_format: str | None = None) -> None:
    """Write a table for a CLI user: XLSX when asked (or when `out` ends .xlsx), else CSV; safe cells always.

    The one writer for every table the tool writes to a file (a test fails on a direct DataFrame.to_csv or
    .to_excel elsewhere in `forecasting/`). `float_format` applies to CSV; XLSX keeps full precision and lets
    the spreadsheet format numbers. A folder that cannot be written to is a UserFacingError, not a traceback.
    """
    from pathlib import Path

    out = Path(out)
    file_format = file_format or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    try:
        out.write_bytes(to_xlsx({sheet: frame}) if file_format == "xlsx" else to_csv(frame, float_format))
    except OSError as exc:
        raise UserFacingError(f"could not write {out}: {exc.strerror or exc}. "
                              "Check the folder is writable.") from None
    log.info("wrote %d rows to %s", len(frame), out)
