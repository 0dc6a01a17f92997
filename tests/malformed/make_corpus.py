"""Writes the malformed-file corpus used by tests/test_data.py. Run from the repo root:

    .venv/bin/python tests/malformed/make_corpus.py

Each file has one deliberate problem, named in its file name; the expected severity, message fragment and
location (sheet, row, column) of each are in tests/test_data.py (CASES), with any load_upload options it
needs (26-oversize.csv is read with max_bytes=200, 25-wrong-sheet-requested.xlsx with sheet='June 2018').
24-good-wide-excel-dates.xlsx is a good file used by several tests. XLSX files are rebuilt with new zip
timestamps on every run; their content is the same.
"""
from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
MONTHS = ["Jun-17", "Jul-17", "Aug-17", "Sep-17", "Oct-17", "Nov-17", "Dec-17", "Jan-18", "Feb-18", "Mar-18",
          "Apr-18", "May-18", "Jun-18"]
M1 = [1357, 1491, 1259, 1358, 1378, 1215, 997, 1421, 1309, 1376, 1649, 1554, 1433]
M3 = [22.6, 20.1, 19.5, 20.7, 22.4, 21.2, 19.5, 21.3, 17.5, 19.6, 14.9, 17.4, 15.0]
LAC1 = [526, 515, 514, 523, 517, 528, 519, 517, 518, 522, 521, 524, 534]


def wide_csv(rows: list[list], header: list | None = None) -> str:
    header = header or ["indicator", "name", *MONTHS]
    return "\n".join(",".join(str(v) for v in row) for row in [header, *rows]) + "\n"


def good_rows() -> list[list]:
    return [["M1", "Contacts", *M1], ["M3", "Conversion %", *M3], ["LAC1", "Looked after children", *LAC1]]


def long_csv(records: list[tuple]) -> str:
    return "indicator,month,value\n" + "".join(f"{a},{b},{c}\n" for a, b, c in records)


def long_records() -> list[tuple]:
    months = [f"{y}-{m:02d}" for y, m in [(2017, m) for m in range(6, 13)] + [(2018, m) for m in range(1, 7)]]
    return [("M1", m, v) for m, v in zip(months, M1, strict=True)]


def workbook(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def excel_dates() -> list[datetime]:
    return [datetime(2017 + (5 + i) // 12, (5 + i) % 12 + 1, 1) for i in range(13)]


def build() -> dict[str, bytes | str]:
    rows = good_rows()
    files: dict[str, bytes | str] = {}
    files["01-not-a-spreadsheet.xlsx"] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
    files["02-png-renamed.csv"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)
    files["03-empty.csv"] = b""
    files["04-header-only.csv"] = wide_csv([])
    files["05-non-numeric.csv"] = wide_csv([["M1", "Contacts", *M1[:4], "12a", *M1[5:]], *rows[1:]])
    files["06-negative-count.csv"] = wide_csv([["M1", "Contacts", *M1[:2], -5, *M1[3:]], *rows[1:]])
    files["07-percent-over-100.csv"] = wide_csv(
        [rows[0], ["M3", "Conversion %", *M3[:6], 140, *M3[7:]], rows[2]]
    )
    future = [*MONTHS[1:], "Jan-99"]
    files["08-future-month.csv"] = wide_csv(rows, header=["indicator", "name", *future])
    files["09-duplicate-month-long.csv"] = long_csv(long_records() + [("M1", "2018-06", 1500)])
    files["10-gap-long.csv"] = long_csv([r for r in long_records() if r[1] != "2017-12"])
    files["11-unknown-indicator.csv"] = wide_csv([*rows, ["XYZ9", "Widgets made", *range(13)]])
    files["12-bad-month-header.csv"] = wide_csv(
        rows, header=["indicator", "name", *MONTHS[:5], "Sometime", *MONTHS[6:]]
    )
    files["13-long-missing-value-column.csv"] = "indicator,month\nM1,2017-06\nM1,2017-07\n"
    files["14-duplicate-indicator-rows.csv"] = wide_csv([*rows, ["M1", "Contacts again", *M1]])
    files["15-excel-error-cell.csv"] = wide_csv([["M1", "Contacts", *M1[:8], "#DIV/0!", *M1[9:]], *rows[1:]])
    files["16-latin1-encoding.csv"] = wide_csv([*rows, ["M2", "Référrals £", *range(100, 113)]]).encode(
        "cp1252"
    )
    files["17-zip-not-xlsx.xlsx"] = _plain_zip()
    files["18-no-table.xlsx"] = workbook(
        {"Notes": [["This workbook has commentary only"], ["Nothing to see"]]}
    )
    files["19-negative-count.xlsx"] = workbook({"Scorecard": [["indicator", "name", *excel_dates()],
                                                              ["LAC1", "LAC", *LAC1[:12], -1]]})
    files["20-percent-over-100.xlsx"] = workbook({"Scorecard": [["indicator", "name", *MONTHS],
                                                                ["M3", "Conversion", *M3[:12], 150.5]]})
    files["21-text-in-number.xlsx"] = workbook(
        {"Scorecard": [["indicator", "name", *MONTHS], ["M1", "Contacts", *M1[:3], "about 1300", *M1[4:]]]}
    )
    files["22-blank-workbook.xlsx"] = workbook({"Sheet1": []})
    files["23-duplicate-month-columns.csv"] = wide_csv(
        rows, header=["indicator", "name", *MONTHS[:12], "Jun-17"]
    )
    files["24-good-wide-excel-dates.xlsx"] = workbook({
        "Cover": [["Children and Families scorecard"]],
        "Scorecard": [["indicator", "name", *excel_dates()], *[[r[0], r[1], *r[2:]] for r in rows]]})
    files["25-wrong-sheet-requested.xlsx"] = workbook({"Scorecard": [["indicator", "name", *MONTHS], *rows]})
    files["26-oversize.csv"] = wide_csv(rows)  # read with a small max_bytes
    files["27-bad-encoding.csv"] = b"indicator,name,Jun-17,Jul-17\n" + bytes(range(0x80, 0xA0)) * 20
    files["28-merged-title-no-month-headings.xlsx"] = _merged_title_workbook(rows)
    files["29-blank-month-heading.csv"] = wide_csv(
        rows, header=["indicator", "name", *MONTHS[:5], "", *MONTHS[6:]]
    )
    files["30-excel-error-cell.xlsx"] = workbook(
        {
            "Scorecard": [
                ["indicator", "name", *excel_dates()],
                ["M3", "Conversion", *M3[:3], "#DIV/0!", *M3[4:]],
            ]
        }
    )
    files["31-long-bad-month.xlsx"] = workbook(
        {
            "Data": [
                ["indicator", "month", "value"],
                ["M1", "2017-06", 1357],
                ["M1", "Juneish", 1491],
                ["M1", "2017-08", 1259],
            ]
        }
    )
    files["32-png-renamed.xlsx"] = files["02-png-renamed.csv"]
    files["33-row-without-code.csv"] = wide_csv([rows[0], ["", "Conversion %", *M3], rows[2]])
    files["34-header-only.xlsx"] = workbook({"Scorecard": [["indicator", "name", *excel_dates()]]})
    files["35-percent-as-fraction.csv"] = long_csv(
        [("M3", r[1], round(v / 100, 3)) for r, v in zip(long_records(), M3, strict=True)]
    )
    files["36-future-month-long.xlsx"] = workbook({"Data": [["indicator", "month", "value"],
                                                            ["LAC1", datetime(2018, 6, 1), 534],
                                                            ["LAC1", datetime(2031, 7, 1), 540]]})
    files["37-old-excel-format.xls"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    files["38-formulas-without-results.xlsx"] = workbook({"Scorecard": [["indicator", "name", *MONTHS],
                                                                     ["M1", "Contacts", *M1[:12], "=N2+1"]]})
    return files


def _merged_title_workbook(rows: list[list]) -> bytes:
    """A title merged across the top, a blank row, then a header whose month cells are one merged
    '2017-18'."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Scorecard"
    sheet.append(["Children's services scorecard, June 2018"])
    sheet.merge_cells("A1:O1")
    sheet.append([])
    sheet.append(["indicator", "name", "2017-18"])
    sheet.merge_cells("C3:O3")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


def main() -> None:
    for name, content in build().items():
        path = HERE / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


if __name__ == "__main__":
    main()
