"""Cell-level reading: file kind by its bytes, text encodings, month headings, cell values, XLSX sheets."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pandas as pd
import pytest
from openpyxl import Workbook

from forecasting.data.spreadsheet import (
    MAX_ROWS,
    CsvLayoutError,
    PercentValue,
    decode_text,
    parse_month,
    parse_value,
    read_csv_sheet,
    read_xlsx_sheets,
    sniff,
)


@pytest.mark.parametrize(
    "heading",
    [
        "Jun-17",
        "jun 17",
        "June 2017",
        "Jun 2017",
        "2017-06",
        "2017/06",
        "06/2017",
        "01/06/2017",
        "2017-06-01",
        "2017-06-01 00:00:00",
        "Jun'17",
        "1-Jun-17",
        datetime(2017, 6, 1),
        date(2017, 6, 30),
        pd.Timestamp("2017-06-15"),
    ],
)
def test_month_headings_in_every_usual_form(heading):
    assert parse_month(heading) == pd.Timestamp("2017-06-01")


@pytest.mark.parametrize(
    "heading", ["Sometime", "", None, "12m avg", "% change", "Jux-17", "2017-13", "Target", 1433, 2017, "DoT"]
)
def test_things_that_are_not_months(heading):
    assert parse_month(heading) is None


@pytest.mark.parametrize("cell,expected", [
    (1433, ("number", 1433.0, False)),
    ("1,433", ("number", 1433.0, False)),
    (" 22.6% ", ("number", 22.6, True)),
    ("\u22125", ("number", -5.0, False)),  # a typographic minus sign
    (PercentValue(22.6), ("number", 22.6, True)),
    ("", ("missing", None, False)),
    ("-", ("missing", None, False)),
    ("n/a", ("missing", None, False)),
    (None, ("missing", None, False)),
    (float("nan"), ("missing", None, False)),
    ("<5", ("suppressed", None, False)),
    ("[c]", ("suppressed", None, False)),
    ("#DIV/0!", ("excel_error", None, False)),
    ("#N/A", ("excel_error", None, False)),
    ("12a", ("text", None, False)),
    ("about 1300", ("text", None, False)),
    (True, ("text", None, False)),
    (datetime(2018, 1, 1), ("text", None, False)),
])
def test_cell_values_are_classified(cell, expected):
    assert parse_value(cell) == expected


def _zip(names: dict[str, str], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, text in names.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _workbook_bytes(rows: list[list], number_format: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if number_format:
        for row in sheet.iter_rows(min_row=2):
            for cell in row[1:]:
                cell.number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("content,expected", [
    (b"", (None, "empty")),
    (b"  \n\n", (None, "empty")),
    (b"%PDF-1.7 ...", (None, "a PDF document")),
    (b"\x89PNG\r\n\x1a\n...", (None, "a PNG image")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", (None, "an old-style Excel 97-2003 (.xls) or other Office file")),
    (b"PK\x03\x04 truncated", (None, "a damaged zip/Excel file")),
    (b"indicator,month,value\n", ("csv", "text")),
])
def test_sniff_decides_by_bytes(content, expected):
    assert sniff("whatever.xlsx", content) == expected


def test_sniff_tells_zips_apart():
    assert sniff("a.xlsx", _zip({"readme.txt": "hi"}))[1] == "a zip archive holding other files"
    assert sniff("a.xlsx", _zip({"word/document.xml": "<w/>"}))[1] == "a Word document"
    assert (
        sniff("a.xlsx", _zip({"mimetype": "x", "content.xml": "<x/>"}))[1]
        == "an OpenDocument file (.ods/.odt)"
    )
    assert sniff("a.csv", _workbook_bytes([["a"]])) == ("xlsx", "Excel workbook")


def test_sniff_refuses_a_zip_bomb():
    bomb = _zip({"xl/workbook.xml": "<x/>", "xl/big.xml": " " * 2_000_000}, zipfile.ZIP_DEFLATED)
    assert sniff("bomb.xlsx", bomb)[1] == "an Excel file whose contents expand to an implausible size"


@pytest.mark.parametrize("content,encoding", [
    ("indicator,name\nM2,Référrals £\n".encode(), "UTF-8"),
    ("\ufeffindicator,name\nM2,Référrals £\n".encode(), "UTF-8"),
    ("indicator,name\nM2,Référrals £\n".encode("cp1252"), "Windows-1252"),
    ("indicator,name\nM2,Référrals £\n".encode("utf-16"), "UTF-16"),
    ("indicator,name\nM2,Référrals £\n".encode("utf-16-le"), "UTF-16"),  # no byte-order mark
])
def test_text_encodings(content, encoding):
    text, used = decode_text(content)
    assert used == encoding and text.lstrip("\ufeff") == "indicator,name\nM2,Référrals £\n"


def test_binary_junk_is_not_text():
    assert decode_text(bytes(range(0x80, 0xA0)) * 20)[0] is None
    assert decode_text(b"a,b\n\x00\x01\x02\x03\x04\x05")[0] is None


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_and_line_endings(delimiter):
    text = delimiter.join(["indicator", "Jun-17"]) + "\r\n" + delimiter.join(["M1", "1357"]) + "\r"
    assert read_csv_sheet(text).rows == [["indicator", "Jun-17"], ["M1", "1357"]]


def test_csv_that_cannot_be_split_reports_its_line():
    with pytest.raises(CsvLayoutError) as caught:
        read_csv_sheet("a,b\n" + "c," + "x" * 200_000 + "\n")  # a cell beyond the csv module's field limit
    assert caught.value.line == 2


def test_xlsx_sheets_keep_names_trim_padding_and_scale_percent_cells():
    content = _workbook_bytes([["indicator", "Jun-17", "Jul-17"], ["M3", 0.226, 0.201]], number_format="0.0%")
    [sheet] = read_xlsx_sheets(content)
    assert sheet.name == "Sheet"
    assert sheet.rows[0] == ["indicator", "Jun-17", "Jul-17"]
    assert sheet.rows[1] == ["M3", 22.6, 20.1] and isinstance(sheet.rows[1][1], PercentValue)


def test_xlsx_error_cells_come_through_as_their_code():
    [sheet] = read_xlsx_sheets(_workbook_bytes([["indicator", "Jun-17"], ["M3", "#DIV/0!"]]))
    assert parse_value(sheet.rows[1][1])[0] == "excel_error"


def test_xlsx_reading_is_bounded_by_stray_far_away_cells():
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "Jun-17", "Jul-17"])
    sheet.append(["M1", 1, 2])
    sheet["A1000000"] = "stray"  # a million rows down
    sheet["XFD1"] = "far"  # Excel's last column
    buffer = io.BytesIO()
    book.save(buffer)
    [read] = read_xlsx_sheets(buffer.getvalue())
    assert len(read.rows) == MAX_ROWS and read.truncated and read.rows[0] == ["indicator", "Jun-17", "Jul-17"]
    assert not read_xlsx_sheets(_workbook_bytes([["indicator", "Jun-17"]]))[0].truncated
