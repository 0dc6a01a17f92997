"""Finding the indicator table in a sheet (long or wide form) and locating every value in it."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from forecasting.data.sheet_layout import explain_missing_header, find_header, parse_sheet
from forecasting.data.spreadsheet import Sheet
from forecasting.data.validation import ValidationReport

WHERE = {"file": "book.xlsx", "sheet": "Scorecard"}


def parse(rows, known=frozenset()):
    report = ValidationReport()
    return parse_sheet(Sheet("Scorecard", rows), report, WHERE, known), report


def test_header_found_below_a_title_and_blank_rows():
    rows = [["Children and Families scorecard"], [], ["Jun-18"], ["Ref", "Indicator", "Jun-17", "Jul-17"]]
    assert find_header(Sheet("S", rows)) == (3, "wide")
    assert find_header(Sheet("S", [["x"], ["Indicator", "Month", "Value"]])) == (1, "long")
    assert find_header(Sheet("S", [["only", "words"]])) is None


def test_long_form_values_keep_their_cells():
    parsed, report = parse(
        [
            ["indicator", "month", "value", "name"],
            ["M1", "2017-06", "1,357", "Contacts"],
            ["M1", datetime(2017, 7, 1), 1491, None],
            [],
            ["M3", "Jun-17", "22.6%", "Conversion"],
        ]
    )
    assert report.problems == [] and parsed.form == "long"
    frame = parsed.located
    assert list(frame["y"]) == [1357.0, 1491.0, 22.6]
    assert list(frame["row"]) == [2, 3, 5] and set(frame["column"]) == {"C"}
    assert list(frame["percent_sign"]) == [False, False, True]
    assert parsed.names == {"M1": "Contacts", "M3": "Conversion"}


def test_wide_form_codes_under_ref_names_under_indicator_summary_columns_ignored():
    rows = [["Ref", "Indicator", "Jun-17", "Jul-17", "12 month average", "% change"],
            ["Front door"],  # a section heading: skipped with a warning
            ["M1", "Contacts received", 1357, 1491, 1424, "10%"],
            ["Q7", "A new measure", 5, "-", 5, None]]
    parsed, report = parse(rows)
    assert parsed.form == "wide" and parsed.names == {"M1": "Contacts received", "Q7": "A new measure"}
    frame = parsed.located.set_index(["unique_id", "ds"])
    assert frame.loc[("M1", pd.Timestamp("2017-07-01")), "column"] == "D"
    assert frame.loc[("M1", pd.Timestamp("2017-07-01")), "row"] == 3
    assert pd.isna(frame.loc[("Q7", pd.Timestamp("2017-07-01")), "y"])
    codes = sorted(p.code for p in report.warnings)
    assert codes == ["ignored_columns", "missing_value", "skipped_rows"]
    ignored = next(p for p in report.warnings if p.code == "ignored_columns")
    assert "E '12 month average'" in ignored.message and "F '% change'" in ignored.message


def test_indicator_column_of_long_descriptions_means_codes_are_in_column_a():
    description = "Percentage of all contacts that become new referrals of children in need"
    parsed, _ = parse([[None, "Indicator", "Jun-17", "Jul-17"], ["M3", description, 22.6, 20.1]])
    assert set(parsed.located["unique_id"]) == {"M3"} and parsed.names == {"M3": description}


def test_blank_row_of_a_known_indicator_is_kept_as_missing_months():
    rows = [["indicator", "Jun-17", "Jul-17"], ["EH5", None, "-"], ["Notes", None, None]]
    parsed, report = parse(rows, known=frozenset({"EH5"}))
    assert list(parsed.located["unique_id"]) == ["EH5", "EH5"] and parsed.located["y"].isna().all()
    assert "skipped_rows" in {p.code for p in report.warnings}  # the 'Notes' row


def test_missing_month_column_is_a_gap_warning_at_the_header_row():
    parsed, report = parse([["indicator", "Jun-17", "Aug-17"], ["M1", 1, 2]])
    assert parsed.header_gaps
    [gap] = [p for p in report.warnings if p.code == "gap"]
    assert "No column for Jul-17" in gap.message and gap.row == 1


def test_text_heading_between_months_without_numbers_is_only_ignored():
    parsed, report = parse([["indicator", "Jun-17", "Comment", "Jul-17"], ["M1", 1, "fine", 2]])
    assert report.ok and [p.code for p in report.warnings] == ["ignored_columns"]
    assert len(parsed.located) == 2


def test_incomplete_header_rows_are_explained():
    assert explain_missing_header(Sheet("S", [["Title"], ["Indicator", "Month"]]))[0] == 2
    row, what = explain_missing_header(Sheet("S", [["Indicator", "Value"]]))
    assert row == 1 and "no month column" in what
    row, what = explain_missing_header(Sheet("S", [["Code", "2017-18"]]))
    assert "no month headings" in what and "'2017-18'" in what
    assert explain_missing_header(Sheet("S", [["nothing", "here"]])) is None
    sheet = Sheet("S", [["Scorecard"], ["Indicator", "Jun", "Jul", "Jan"], ["M1", 1, 2, 3]])
    assert find_header(sheet) is None
    row, what = explain_missing_header(sheet)
    assert row == 2 and "month names without a year (Jun, Jul, Jan ...)" in what


def test_two_row_header_of_years_over_month_names():
    # merged financial-year cells
    rows = [
        ["Scorecard"],
        [None, None, "2017-18", None, None, None, "2018-19"],
        ["Ref", "Indicator", "Dec", "Jan", "Feb", "Mar", "Apr"],
        ["M1", "Contacts", 997, 1421, 1309, 1376, 1649],
    ]
    parsed, report = parse(rows)
    assert report.problems == []
    assert list(parsed.located["ds"].dt.strftime("%Y-%m")) == [
        "2017-12",
        "2018-01",
        "2018-02",
        "2018-03",
        "2018-04",
    ]
    assert list(parsed.located["column"]) == ["C", "D", "E", "F", "G"] and set(parsed.located["row"]) == {4}
    calendar = [[None, 2017, None, 2018], ["indicator", "Nov", "Dec", "Jan"], ["M1", 1, 2, 3]]
    parsed, _ = parse(calendar)
    assert list(parsed.located["ds"].dt.strftime("%Y-%m")) == ["2017-11", "2017-12", "2018-01"]
