"""Hostile files for the reader tests (issue 18), made on the fly: the real ones are megabytes to gigabytes.

Each maker returns the bytes of one file. Workbooks are written part by part (a minimal valid XLSX that
openpyxl opens), so the sheet XML can be streamed into the zip without building it in memory, and padded with
an incompressible part so that the whole file stays under the 100x expansion ratio the older guard checked.
"""

from __future__ import annotations

import io
import os
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Scorecard" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"
SHARED_HEAD = '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _inline(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def workbook(
    sheet_chunks, *, shared_chunks=(), with_sheet: bool = True, ratio_below: float | None = None
) -> bytes:
    """An XLSX whose sheet XML is the concatenation of `sheet_chunks` (strings, streamed into the zip).

    `ratio_below`: add an incompressible part so the file expands less than this many times its size.
    """
    buffer = io.BytesIO()
    expanded = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ):
            archive.writestr(name, text)
        parts = [("xl/sharedStrings.xml", [SHARED_HEAD, *shared_chunks, "</sst>"])]
        if with_sheet:
            parts.append(("xl/worksheets/sheet1.xml", [SHEET_HEAD, *sheet_chunks, SHEET_TAIL]))
        for name, chunks in parts:
            with archive.open(name, "w", force_zip64=True) as stream:
                for chunk in chunks:
                    data = chunk.encode()
                    expanded += len(data)
                    stream.write(data)
    content = buffer.getvalue()
    if ratio_below is not None and expanded >= ratio_below * len(content):
        padding = int(expanded / ratio_below) - len(content) + 4096
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
            archive.writestr("xl/media/padding.bin", os.urandom(padding))
        content = buffer.getvalue()
    return content


def scorecard_rows(months: int = 12) -> list[str]:
    """A small valid wide scorecard as sheet XML rows (indicator M1, `months` months from Jan-17)."""
    heads = "".join(
        _inline(f"{column_letter(c + 2)}1", f"{m:02d}/2017") for c, m in enumerate(range(1, months + 1))
    )
    values = "".join(f'<c r="{column_letter(c + 2)}2"><v>{100 + c}</v></c>' for c in range(months))
    return [
        f'<row r="1">{_inline("A1", "indicator")}{heads}</row>',
        f'<row r="2">{_inline("A2", "M1")}{values}</row>',
    ]


def cell_flood(rows: int, columns: int):
    """Sheet XML chunks: a scorecard, then `rows` rows of `columns` numeric cells each (streamed)."""
    yield from scorecard_rows()
    for r in range(3, rows + 3):
        yield f'<row r="{r}">' + "".join(f"<c><v>{c}</v></c>" for c in range(columns)) + "</row>"


def shared_string_flood(strings: int, per_chunk: int = 100_000):
    """sharedStrings.xml chunks: `strings` one-letter strings (each becomes a Python object in openpyxl)."""
    for start in range(0, strings, per_chunk):
        yield "<si><t>x</t></si>" * min(per_chunk, strings - start)


def digit_run_csv(cells: int = 4, digits: int = 25_000) -> bytes:
    """A long-form CSV whose value cells are runs of digits ending in a letter (~cells x digits bytes)."""
    rows = [f"M1,2018-{month:02d},{'1' * digits}a" for month in range(1, cells + 1)]
    return ("indicator,month,value\n" + "\n".join(rows) + "\n").encode()


def panel_csv(
    authorities: list[str], indicators: int, months: int, *, first_column: str = "authority"
) -> str:
    """A long multi-authority CSV (authority, indicator, month, value), values 10 + month index."""
    lines = [
        f"{first_column},indicator,month,value"
        if first_column == "authority"
        else "indicator,month,value,authority"
    ]
    for authority in authorities:
        quoted = '"' + authority.replace('"', '""') + '"'
        for i in range(indicators):
            for m in range(months):
                month = f"{2014 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}"
                row = [quoted, f"IND{i:02d}", month, str(10 + m)]
                lines.append(",".join(row if first_column == "authority" else [*row[1:], row[0]]))
    return "\n".join(lines) + "\n"
