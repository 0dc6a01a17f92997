"""Streaming limits for an XLSX workbook, checked before openpyxl builds anything from it.

A workbook is a zip of XML parts. A small file can expand to gigabytes (a zip bomb under the ratio guard) or
hold millions of cells; openpyxl would materialise them. `check_workbook(content, max_rows)` streams every XML
part in 1 MB pieces, counting tags with bounded patterns, and stops at the first limit crossed, so a hostile
file costs at most the limits below, never its expanded size:

- MAX_UNZIPPED_BYTES: all parts together, decompressed. A national panel of 152 authorities x 40 indicators x
  60 months in long form is ~365,000 rows of 4 cells, about 60 MB of sheet XML; 200 MB leaves room for
  styles and formatting. (The zip's declared sizes bound what it can decompress to, and are checked too.)
- MAX_PART_BYTES / MAX_OTHER_ELEMENTS: a part openpyxl reads whole (shared strings, styles, the workbook).
- MAX_CELLS: cells in the rows that will be read (rows past `max_rows` are never parsed by the reader either).
- MAX_PADDED_CELLS: cells the reader creates when it pads each row out to its last used column.
- Column letters beyond XFD (Excel's 16,384 columns) mean a damaged or crafted file.
- A DOCTYPE (entity declarations: XML bombs, external entities) is refused outright.

It also checks that every sheet the workbook lists has its part in the file (a damaged file otherwise reads
as having no sheets). Every refusal is a `WorkbookRefused` whose message says what and where in plain words.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.parsers import expat

MAX_UNZIPPED_BYTES = 200_000_000
MAX_PART_BYTES = 32_000_000
MAX_OTHER_ELEMENTS = 1_000_000
MAX_CELLS = 2_500_000  # a national long-form panel: ~365,000 rows x 4-5 cells ~ 1.8 million
MAX_PADDED_CELLS = 20_000_000
EXCEL_MAX_COLUMNS = 16_384  # column XFD
CHUNK = 1 << 20

__all__ = ["MAX_CELLS", "MAX_UNZIPPED_BYTES", "WorkbookRefused", "check_workbook"]


class WorkbookRefused(ValueError):
    """The workbook crosses a limit or is damaged; `sheet` (if known) is the sheet where it happened."""

    def __init__(self, message: str, *, sheet: str | None = None, row: int | None = None):
        super().__init__(message)
        self.sheet = sheet
        self.row = row


class _Stop(Exception):
    """Raised inside an expat handler to stop streaming at a limit."""


def _column_number(reference: str) -> int:
    """1-based column of a cell reference such as 'D758' (0 when it has no letters)."""
    number = 0
    for index, char in enumerate(reference):
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
            if index > 3:  # more than 3 letters is past XFD already; stop counting
                return EXCEL_MAX_COLUMNS + 1
        else:
            break
    return number


ROW_TAG = re.compile(rb"row[\s/>]")  # preceded by "<" or a prefix's ":" (checked)
ROW_NUMBER = re.compile(rb'\br="(\d{1,9})"')
CELL_COLUMN = re.compile(rb'\br="([A-Z]{1,4})[0-9]')
MAX_TAG_BYTES = 1 << 20


class _Counter:
    """Counts rows, cells and padding in a part's XML as it streams, raising _Stop at a limit.

    Tags are counted with byte searches and literal-prefix patterns in C (a Python call per element would
    cost seconds on a flood of cells); a tag split between two pieces is carried over. Padding is estimated
    per piece as its rows times its widest cell column (openpyxl pads each row to its last cell's column).
    """

    def __init__(self, budget: dict[str, int], max_rows: int, part: str, sheet: str | None):
        self.budget, self.max_rows, self.part, self.sheet = budget, max_rows, part, sheet
        self.row = 0
        self.elements = 0
        self.carry = b""
        self.done = False
        self.prefixed = False  # the sheet's tags carry a namespace prefix (<x:row>)

    def feed(self, chunk: bytes) -> None:
        if self.done:
            return
        data = self.carry + chunk
        cut = data.rfind(b"<")
        if cut != -1 and data.find(b">", cut) == -1:
            data, self.carry = data[:cut], data[cut:]
            if len(self.carry) > MAX_TAG_BYTES:
                raise _Stop(f"its part {self.part} has an XML tag longer than {MAX_TAG_BYTES // 2**20} MB")
        else:
            self.carry = b""
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise _Stop(f"its part {self.part} declares a DOCTYPE (entities are not allowed in a workbook)")
        if self.sheet is None:
            self.elements += data.count(b"<")
            if self.elements > MAX_OTHER_ELEMENTS:
                raise _Stop(f"its part {self.part} holds more than {MAX_OTHER_ELEMENTS:,} XML elements")
            return
        rows = 0
        for match in ROW_TAG.finditer(data):
            before = data[match.start() - 1 : match.start()]
            if before not in (b"<", b":"):
                continue
            self.prefixed = self.prefixed or before == b":"
            closing = data.find(b">", match.end() - 1)
            number = ROW_NUMBER.search(data, match.end() - 1, closing if closing != -1 else len(data))
            self.row = int(number[1]) if number else self.row + 1
            if self.row > self.max_rows:  # the reader stops here too: nothing after it is parsed
                data, self.done = data[: match.start()], True
                break
            rows += 1
        cells = data.count(b"<c")  # also counts the rare <col>, <cfRule> ...: an upper bound
        if self.prefixed:
            cells += data.count(b":c ") + data.count(b":c>") + data.count(b":c/")
        self.budget["cells"] -= cells
        if self.budget["cells"] < 0:
            raise _Stop(f"it holds more than {MAX_CELLS:,} cells in the rows read (near row {self.row:,})")
        widest = max(set(CELL_COLUMN.findall(data)), key=lambda letters: (len(letters), letters), default=b"")
        width = _column_number(widest.decode())
        if width > EXCEL_MAX_COLUMNS:
            raise _Stop(f"a cell near row {self.row:,} is beyond column XFD, Excel's last column")
        self.budget["padded"] -= max(rows, 1) * width
        if self.budget["padded"] < 0:
            raise _Stop(f"its rows span more than {MAX_PADDED_CELLS:,} cells (near row {self.row:,})")


def _doctype(*_args) -> None:
    raise _Stop("it declares a DOCTYPE (entities are not allowed in a workbook)")


def _stream(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, counter: _Counter, budget: dict[str, int]
) -> None:
    read = 0
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            read += len(chunk)
            budget["bytes"] -= len(chunk)
            if budget["bytes"] < 0:
                raise _Stop(f"its contents expand to more than {MAX_UNZIPPED_BYTES / 1e6:,.0f} MB")
            if counter.sheet is None and read > MAX_PART_BYTES:
                raise _Stop(f"its part {info.filename} expands to more than {MAX_PART_BYTES / 1e6:,.0f} MB")
            counter.feed(chunk)
            if counter.done:
                return


def _attribute(attributes: dict[str, str], suffix: str) -> str | None:
    return next(
        (value for key, value in attributes.items() if key == suffix or key.endswith(":" + suffix)), None
    )


def _small_part(archive: zipfile.ZipFile, name: str, tag: str) -> list[dict[str, str]]:
    """Attributes of every `tag` element in a small part (workbook.xml, its rels), parsed safely."""
    if name not in archive.NameToInfo or archive.getinfo(name).file_size > MAX_PART_BYTES:
        return []
    found: list[dict[str, str]] = []
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _doctype
    parser.EntityDeclHandler = _doctype

    def start(element: str, attributes: dict[str, str]) -> None:
        if element.rsplit(":", 1)[-1] == tag:
            found.append(attributes)
            if len(found) > MAX_OTHER_ELEMENTS:
                raise _Stop(f"its part {name} lists more than {MAX_OTHER_ELEMENTS:,} {tag} entries")

    parser.StartElementHandler = start
    try:
        parser.Parse(archive.read(name), True)
    except expat.ExpatError as exc:
        raise WorkbookRefused(
            f"its part {name} is not well-formed XML ({expat.ErrorString(exc.code)})"
        ) from None
    return found


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) for each sheet listed in xl/workbook.xml."""
    relations = {
        r.get("Id"): r.get("Target", "")
        for r in _small_part(archive, "xl/_rels/workbook.xml.rels", "Relationship")
    }
    parts = []
    for sheet in _small_part(archive, "xl/workbook.xml", "sheet"):
        target = relations.get(_attribute(sheet, "id") or "")
        if target is None:
            continue
        path = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        )
        parts.append((sheet.get("name", "?"), path))
    return parts


def check_workbook(content: bytes, max_rows: int) -> None:
    """Raise WorkbookRefused when the workbook crosses a limit or lists a sheet whose part is missing."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            declared = sum(info.file_size for info in infos)
            if declared > MAX_UNZIPPED_BYTES:
                raise WorkbookRefused(
                    f"its contents would expand to {declared / 1e6:,.0f} MB; the limit is "
                    f"{MAX_UNZIPPED_BYTES / 1e6:,.0f} MB"
                )
            sheets = _sheet_parts(archive)
            for sheet_name, part in sheets:
                if part not in archive.NameToInfo:
                    raise WorkbookRefused(
                        f"it lists sheet '{sheet_name}' but the sheet's contents ({part}) "
                        "are missing, so the file is damaged",
                        sheet=sheet_name,
                    )
            sheet_of = {part: sheet_name for sheet_name, part in sheets}
            budget = {"bytes": MAX_UNZIPPED_BYTES, "cells": MAX_CELLS, "padded": MAX_PADDED_CELLS}
            for info in infos:
                if not info.filename.lower().endswith((".xml", ".rels")) or info.is_dir():
                    continue
                sheet = sheet_of.get(info.filename)
                if (
                    sheet is None
                    and info.filename.startswith("xl/worksheets/")
                    and "_rels" not in info.filename
                ):
                    sheet = posixpath.basename(info.filename)  # a sheet part the workbook's list did not name
                counter = _Counter(budget, max_rows, info.filename, sheet)
                try:
                    _stream(archive, info, counter, budget)
                except _Stop as stop:
                    raise WorkbookRefused(str(stop), sheet=sheet, row=counter.row or None) from None
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise WorkbookRefused(f"it is a damaged zip/Excel file ({type(exc).__name__})") from None
