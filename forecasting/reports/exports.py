"""Exports for people who live in spreadsheets and committee papers, and for programs that read files back.

Headers, one decision for every table the tool writes (the command line, the app's downloads, the finance
and workforce workbooks):
- **XLSX is for people**: headers in words with units ("Month", "Central forecast", "Chance of meeting the
  target (%)", "Net cost ... (£ in the month)"), coded values in words (measures, levers, bases;
  `forecasting.reports.words.values_in_words`), number formats, months as Mar-20. `to_xlsx(words=False)` or
  the command line's `--headers codes` keeps the column names instead.
- **CSV is the data contract** by default: the documented machine headers (`indicator,month,model,mean,...`;
  `measure,month,baseline,scenario,delta,delta_lo80,...`; measure codes such as `net_cost`) that other tools
  and this tool read back. `to_csv(words=True)` (the app's downloads) or `--headers words` on the command line
  writes the people's version: headers and coded values in words, chances as percentages (44.0 under
  "... (%)"), money in whole pounds, other numbers to 2 decimals, infinite ones in words ("no staff in
  post": work per worker with nobody in post; `forecasting.reports.infinite`), as in the XLSX.
- Either way a CSV writes months as YYYY-MM and other dates as YYYY-MM-DD, and rounds float noise
  (1432.9999999999998 -> 1433) to 12 significant digits unless a `float_format` is given.
- Files a user edits and uploads again (the data template, `data convert`, the staffing plan) keep the codes
  in every format: the readers expect them.

- `to_xlsx(frames)` writes one sheet per frame, Excel-ready: a bold, frozen header row, column widths that
  fit, number formats by what a column holds (£ for money, % for probabilities and percentages, whole numbers
  for counts, months as Jun-18; `forecasting.reports.formats`), RAG cells filled in their colour, and an
  "About" sheet last saying what each sheet holds. Formula injection is neutralised without a visible
  apostrophe: a text cell (or header) that starts with `=`, `+`, `-`, `@`, tab or carriage return is stored as
  text with Excel's quote-prefix style, shown as typed and never evaluated (OWASP "CSV injection" advice).
- `to_csv(frame)` prefixes such cells with a single quote (CSV has no styles).
- `write_table(frame, out, headers=...)`: the one writer of a table to a file (format from the name).
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
from forecasting.reports.formats import FORMULA_TRIGGERS, column_format, write_sheet
from forecasting.reports.infinite import infinite_cells, with_infinite_words
from forecasting.reports.svg import figure_svg
from forecasting.reports.words import RAG_MEANING, in_words, values_in_words

log = logging.getLogger(__name__)

CSV_FLOAT_FORMAT = "%.12g"   # enough digits for any count or pound, none of the binary noise
HEADERS = ("codes", "words")  # a table's headers: the column names (a data contract) or words with units
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
            words: bool = True) -> bytes:
    """One Excel-ready workbook, one sheet per frame (sheet names made valid) plus an "About" sheet (module
    docstring); `about` gives a sentence per sheet name saying what it holds. `words` (default) puts headers
    and coded values in words with units; False keeps the column names and codes (a file read back)."""
    from openpyxl import Workbook

    if not frames:
        raise ValueError("to_xlsx needs at least one table; pass {'sheet name': frame}.")
    book = Workbook()
    book.remove(book.active)
    names = _sheet_names([*frames, "About"])
    for sheet_name, frame in zip(names, frames.values(), strict=False):
        flat = _flatten(frame)
        write_sheet(book.create_sheet(sheet_name), values_in_words(flat) if words else flat, words=words,
                    infinite=infinite_cells(flat))  # by the codes (a long table's measure) before words
    summary = pd.DataFrame({"Sheet": names[:-1], "Rows": [len(frame) for frame in frames.values()],
                            "What it holds": [(about or {}).get(name, "") for name in frames]})
    write_sheet(book.create_sheet(names[-1]), summary)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as text a person and a program both read: YYYY-MM for months (every value the first of a month
    at midnight), YYYY-MM-DD for other dates at midnight; anything with a time of day left as it is."""
    for column in frame.columns:
        series = frame[column]
        if not pd.api.types.is_datetime64_any_dtype(series):
            continue
        values = series.dropna()
        if len(values) and bool((values.dt.normalize() == values).all()):
            months = bool((values.dt.day == 1).all())
            frame[column] = series.dt.strftime("%Y-%m" if months else "%Y-%m-%d")
    return frame


def _csv_for_people(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers as the XLSX shows them: chances (0-1) as percentages to 1 decimal (their header says %),
    money and whole numbers whole, other numbers to 2 decimals, an infinite one in words ("no staff in post":
    `forecasting.reports.infinite`); then headers and coded values in words."""
    for column in frame.columns:
        series = frame[column]
        if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        number_format = column_format(column, series)
        if number_format == "0%":
            frame[column] = (series * 100).round(1)
        elif number_format in ('"£"#,##0', "#,##0"):
            frame[column] = series.round(0)
        else:
            frame[column] = series.round(2)
    return in_words(with_infinite_words(frame, CSV_FLOAT_FORMAT), values=True, spell_out=True)


def to_csv(frame: pd.DataFrame, float_format: str | None = None, words: bool = False) -> bytes:
    """UTF-8 CSV (with BOM so Excel reads accents) with formula injection neutralised and float noise rounded.

    `float_format` (e.g. "%.4g") rounds numbers further for a smaller file; text cells are guarded either way.
    `words` True writes the people's version (module docstring); the default keeps the column names, so a
    CSV the command line writes can be read back by a program or this tool. Months are written YYYY-MM.
    """
    flat = _csv_dates(_flatten(frame))
    if words:
        flat = _csv_for_people(flat)
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
        shown = with_infinite_words(_flatten(frame), _fmt)  # "no staff in post", never "inf"
        parts.append(_rag_cells(shown.to_html(index=False, escape=True, border=0, na_rep="",
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


#: what each of the command line's sheets holds (the XLSX's About sheet)
SHEET_ABOUT: dict[str, str] = {
    "forecasts": "One row per indicator (and council) and month after the data: the central forecast and its "
                 "80% and 95% ranges, with the method used.",
    "backtest": "Each forecasting method's scores on past data, per indicator; the one used is marked.",
    "accuracy_by_horizon": "How the forecasts in use did on past data, by months ahead.",
    "targets": "Every target: the projected value, its 95% range, the chance of meeting it and RAG, with how "
               "it was worked out.",
    "benchmarks": "The latest actual and the projection against each benchmark.",
    "headlines": "The headline measures as on the Overview page: latest value, projections at 31 March, "
                 "targets, chances and RAG.",
}


def write_table(frame: pd.DataFrame, out, file_format: str | None = None, sheet: str = "data",
                float_format: str | None = None, headers: str | None = None) -> None:
    """Write a table for a CLI user: XLSX when asked (or when `out` ends .xlsx), else CSV; safe cells always.

    The one writer for every table the tool writes to a file (a test fails on a direct DataFrame.to_csv or
    .to_excel elsewhere in `forecasting/`). `headers` "words" or "codes" (module docstring); None: words in
    an XLSX, codes in a CSV. `float_format` applies to CSV; XLSX keeps full precision and lets the
    spreadsheet format numbers. A folder that cannot be written to is a UserFacingError, not a traceback.
    """
    from pathlib import Path

    out = Path(out)
    file_format = file_format or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")
    if headers is not None and headers not in HEADERS:
        raise UserFacingError(f"--headers {headers}: choose one of {', '.join(HEADERS)}.")
    words = (headers or ("words" if file_format == "xlsx" else "codes")) == "words"
    try:
        out.write_bytes(to_xlsx({sheet: frame}, about=SHEET_ABOUT, words=words) if file_format == "xlsx"
                        else to_csv(frame, float_format, words=words))
    except OSError as exc:
        raise UserFacingError(f"could not write {out}: {exc.strerror or exc}. "
                              "Check the folder is writable.") from None
    log.info("wrote %d rows to %s", len(frame), out)
