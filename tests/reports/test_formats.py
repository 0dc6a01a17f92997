"""Excel-ready workbooks: number formats by what a column holds, frozen header, widths, RAG colours, an About
sheet; CSV without float noise."""
import io

import openpyxl
import pandas as pd
import pytest

from forecasting.reports.exports import to_csv, to_xlsx
from forecasting.reports.formats import RAG_FILLS, column_format


@pytest.mark.parametrize(("name", "values", "expected"), [
    ("placement_cost", [21767603.40751906], '"£"#,##0'),
    ("probability_met", [0.273], "0%"),
    ("coverage80", [0.8], "0%"),
    ("on_time_pct", [48.2], '0.0"%"'),
    ("fte_needed", [12.25], "#,##0.0"),
    ("children", [534.0], "#,##0"),
    ("projected", [176.94], "#,##0.0##"),
])
def test_column_formats_follow_what_the_column_holds(name, values, expected):
    assert column_format(name, pd.Series(values)) == expected


def test_months_and_dates_get_readable_formats():
    assert column_format("month", pd.Series(pd.to_datetime(["2018-07-01", "2020-03-01"]))) == "mmm-yy"
    assert column_format("target_date", pd.Series(pd.to_datetime(["2020-03-31"]))) == "dd mmm yyyy"
    assert column_format("indicator", pd.Series(["LAC1"])) is None


def test_workbook_is_excel_ready():
    frame = pd.DataFrame({"indicator": ["LAC1", "M2"], "month": pd.to_datetime(["2020-03-01", "2020-03-01"]),
                          "placement_cost": [21767603.40751906, 1.0], "probability_met": [0.0001, 0.9],
                          "rag": ["Red", "Green"]})
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx({"targets": frame}, about={"targets": "every target"})))
    assert book.sheetnames == ["targets", "About"]
    sheet = book["targets"]
    assert sheet.freeze_panes == "A2" and sheet.cell(1, 1).font.bold
    assert sheet.cell(2, 2).number_format == "mmm-yy"
    assert sheet.cell(2, 3).number_format == '"£"#,##0'
    assert sheet.cell(2, 3).value == pytest.approx(21767603.4075)
    assert sheet.cell(2, 4).number_format == "0%"
    assert sheet.cell(2, 5).fill.start_color.rgb.endswith(RAG_FILLS["Red"])
    assert sheet.cell(2, 5).value == "Red"
    assert sheet.cell(3, 5).fill.start_color.rgb.endswith(RAG_FILLS["Green"])
    assert sheet.column_dimensions["C"].width >= len("21,767,603.4")
    about = [[cell.value for cell in row] for row in book["About"].iter_rows()]
    assert about[1] == ["targets", 2, "every target"]


def test_csv_rounds_float_noise_but_keeps_precision():
    frame = pd.DataFrame({"children": [1432.9999999999998], "spend": [21767603.40751906]})
    text = to_csv(frame).decode("utf-8-sig")
    assert "1433" in text and "1432.999" not in text
    assert "21767603.4075" in text
