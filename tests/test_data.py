"""Loading and validating scorecard data: the malformed corpus, good files in every form, the data set folder."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from forecasting.data import DataValidationError, check_path, load_dataset, load_upload, write_template

CORPUS = Path(__file__).parent / "malformed"
TODAY = "2026-11-22"

# file -> (severity, fragment of the message, location that must be reported, load_upload options).
# Location keys are Problem fields: sheet, row (as Excel numbers rows), column (letter).
CASES = {
    "01-not-a-spreadsheet.xlsx": ("error", "This is a PDF document", {}, {}),
    "02-png-renamed.csv": ("error", "This is a PNG image", {}, {}),
    "03-empty.csv": ("error", "The file is empty", {}, {}),
    "04-header-only.csv": ("error", "header row but no data rows", {}, {}),
    "05-non-numeric.csv": ("error", "'12a' for M1 is not a number", {"row": 2, "column": "G"}, {}),
    "06-negative-count.csv": ("error", "M1 is a count but the value is -5", {"row": 2, "column": "E"}, {}),
    "07-percent-over-100.csv": ("error", "M3 is a percentage but the value is 140", {"row": 3, "column": "I"}, {}),
    "08-future-month.csv": ("error", "has a value for Jan-99, which is after this month", {"row": 2, "column": "O"},
                            {}),
    "09-duplicate-month-long.csv": ("error", "M1 Jun-18 is given more than once (C14, C15)",
                                    {"row": 15, "column": "C"}, {}),
    "10-gap-long.csv": ("warning", "M1 has no row for Dec-17", {}, {}),
    "11-unknown-indicator.csv": ("warning", "Unknown indicator 'XYZ9'", {"row": 5, "column": "A"}, {}),
    "12-bad-month-header.csv": ("error", "The heading of column H 'Sometime' is not a month",
                                {"row": 1, "column": "H"}, {}),
    "13-long-missing-value-column.csv": ("error", "row 1 has indicator and month columns but no value column",
                                         {"row": 1}, {}),
    "14-duplicate-indicator-rows.csv": ("error", "Indicator M1 is on more than one row (rows 2 and 5)",
                                        {"row": 5, "column": "A"}, {}),
    "15-excel-error-cell.csv": ("warning", "Excel errors (e.g. #DIV/0!)", {"row": 2, "column": "K"}, {}),
    "16-latin1-encoding.csv": ("warning", "it was read as Windows-1252", {}, {}),
    "17-zip-not-xlsx.xlsx": ("error", "This is a zip archive holding other files", {}, {}),
    "18-no-table.xlsx": ("error", "No indicator table found", {"sheet": "Notes"}, {}),
    "19-negative-count.xlsx": ("error", "LAC1 is a count but the value is -1",
                               {"sheet": "Scorecard", "row": 2, "column": "O"}, {}),
    "20-percent-over-100.xlsx": ("error", "M3 is a percentage but the value is 150.5",
                                 {"sheet": "Scorecard", "row": 2, "column": "O"}, {}),
    "21-text-in-number.xlsx": ("error", "'about 1300' for M1 is not a number",
                               {"sheet": "Scorecard", "row": 2, "column": "F"}, {}),
    "22-blank-workbook.xlsx": ("error", "No data in sheet(s) 'Sheet1'", {"sheet": "Sheet1"}, {}),
    "23-duplicate-month-columns.csv": ("error", "Month Jun-17 heads more than one column (C, O)",
                                       {"row": 1, "column": "O"}, {}),
    "25-wrong-sheet-requested.xlsx": ("error", "There is no sheet named 'June 2018'; sheets found: 'Scorecard'",
                                      {"sheet": "June 2018"}, {"sheet": "June 2018"}),
    "26-oversize.csv": ("error", "the limit is 200 bytes", {}, {"max_bytes": 200}),
    "27-bad-encoding.csv": ("error", "text in an unknown encoding", {}, {}),
    "28-merged-title-no-month-headings.xlsx": ("error", "row 3 looks like the header row (it has 'indicator')",
                                               {"sheet": "Scorecard", "row": 3}, {}),
    "29-blank-month-heading.csv": ("error", "The heading of column H is blank", {"row": 1, "column": "H"}, {}),
    "30-excel-error-cell.xlsx": ("warning", "M3: 1 value(s) Excel errors (e.g. #DIV/0!)",
                                 {"sheet": "Scorecard", "row": 2, "column": "F"}, {}),
    "31-long-bad-month.xlsx": ("error", "Month 'Juneish' for M1 is not a month",
                               {"sheet": "Data", "row": 3, "column": "B"}, {}),
    "32-png-renamed.xlsx": ("error", "This is a PNG image", {}, {}),
    "33-row-without-code.csv": ("error", "This row has values but no indicator code", {"row": 3, "column": "A"}, {}),
    "34-header-only.xlsx": ("error", "header row but no data rows", {"sheet": "Scorecard"}, {}),
    "35-percent-as-fraction.csv": ("warning", "M3 is a percentage but every value is between 0 and 1",
                                   {"row": 2, "column": "C"}, {}),
    "36-future-month-long.xlsx": ("error", "LAC1 has a value for Jul-31, which is after this month (Nov-26)",
                                  {"sheet": "Data", "row": 3, "column": "C"}, {}),
    "37-old-excel-format.xls": ("error", "old-style Excel 97-2003 (.xls)", {}, {}),
}


def test_corpus_has_at_least_20_malformed_files_of_both_kinds():
    assert len(CASES) >= 20
    suffixes = [Path(name).suffix for name in CASES]
    assert suffixes.count(".csv") >= 10 and suffixes.count(".xlsx") >= 10
    assert all((CORPUS / name).exists() for name in CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_file_gives_located_message(name):
    severity, fragment, location, options = CASES[name]
    dataset, report = load_upload(name, (CORPUS / name).read_bytes(), today=TODAY, **options)
    matching = [p for p in report.problems if p.severity == severity and fragment in p.message]
    assert matching, report.as_text()
    problem = matching[0]
    assert problem.file == name and problem.hint
    for key, expected in location.items():
        assert getattr(problem, key) == expected, (key, problem)
    assert (dataset is None) == (severity == "error")
    assert "unexpected" not in {p.code for p in report.problems}, report.as_text()
    assert "Traceback" not in report.as_text()


def test_every_problem_is_collected_not_just_the_first():
    _, report = load_upload("future.csv", (CORPUS / "08-future-month.csv").read_bytes(), today=TODAY)
    assert len(report.errors) == 3  # one per indicator row with a Jan-99 value


def test_wrong_sheet_named():
    content = (CORPUS / "24-good-wide-excel-dates.xlsx").read_bytes()
    dataset, report = load_upload("book.xlsx", content, sheet="June 2018", today=TODAY)
    assert dataset is None
    [problem] = report.errors
    assert "no sheet named 'June 2018'" in problem.message and "'Scorecard'" in problem.message
    assert problem.sheet == "June 2018"


def test_oversize_file_refused_before_parsing():
    content = (CORPUS / "05-non-numeric.csv").read_bytes()
    dataset, report = load_upload("big.csv", content, max_bytes=100, today=TODAY)
    assert dataset is None and "the limit is" in report.errors[0].message


def test_good_wide_workbook_with_excel_dates_skips_the_cover_sheet():
    content = (CORPUS / "24-good-wide-excel-dates.xlsx").read_bytes()
    dataset, report = load_upload("book.xlsx", content, today=TODAY)
    assert report.ok and dataset is not None
    assert sorted(dataset.indicator_codes) == ["LAC1", "M1", "M3"]
    lac = dataset.series("LAC1")
    assert lac.index[0] == pd.Timestamp("2017-06-01") and lac.iloc[-1] == 534


def test_windows_encoded_csv_is_read():
    dataset, report = load_upload("latin.csv", (CORPUS / "16-latin1-encoding.csv").read_bytes(), today=TODAY)
    assert dataset is not None and report.ok
    assert dataset.series("M2").iloc[0] == 100


def test_bad_input_never_raises():
    for content in (None, b"\x00" * 10, b"indicator\n" + b"x," * 5000, "text not bytes"):
        dataset, report = load_upload("odd.csv", content, today=TODAY)
        assert dataset is None and not report.ok


def test_embedded_data_set_loads_clean(embedded_dataset):
    assert len(embedded_dataset.indicator_codes) == 58
    assert embedded_dataset.last_month == pd.Timestamp("2018-06-01")
    assert embedded_dataset.context["population_0_17"] == pytest.approx(49_880)
    _, report = check_path(embedded_dataset.source, today=TODAY)
    assert report.ok and [p.code for p in report.errors] == []


def test_long_round_trip_of_embedded_data_through_xlsx(embedded_dataset, tmp_path):
    long = embedded_dataset.observations.rename(columns={"unique_id": "indicator", "ds": "month", "y": "value"})
    buffer = io.BytesIO()
    long.assign(month=long.month.dt.strftime("%Y-%m")).to_excel(buffer, index=False)
    dataset, report = load_upload("long.xlsx", buffer.getvalue(), today=TODAY)
    assert report.ok, report.as_text()
    pd.testing.assert_frame_equal(
        dataset.observations.sort_values(["unique_id", "ds"]).reset_index(drop=True),
        embedded_dataset.observations.sort_values(["unique_id", "ds"]).reset_index(drop=True),
        check_dtype=False)
    assert set(dataset.targets.indicator) == set(embedded_dataset.targets.indicator)


@pytest.mark.parametrize("suffix,form", [(".xlsx", "wide"), (".csv", "long")])
def test_template_reads_back_without_errors(tmp_path, suffix, form):
    path = tmp_path / f"template{suffix}"
    write_template(path, form=form, today=TODAY)
    _dataset, report = check_path(path, today=TODAY)
    assert not [p for p in report.errors if p.code not in ("no_data", "empty")], report.as_text()


def test_load_dataset_raises_user_facing_error_for_a_bad_file():
    with pytest.raises(DataValidationError) as caught:
        load_dataset(CORPUS / "06-negative-count.csv")
    assert "cell E2" in str(caught.value)
