"""Loading and validating scorecard data: the malformed corpus, good files in every form, the data set
folder."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from forecasting.data import DataValidationError, check_path, load_dataset, load_upload
from forecasting.reports.template import write_template

CORPUS = Path(__file__).resolve().parents[1] / "malformed"
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
    "07-percent-over-100.csv": (
        "error",
        "M3 is a percentage but the value is 140",
        {"row": 3, "column": "I"},
        {},
    ),
    "08-future-month.csv": (
        "error",
        "has a value for Jan-99, which is after this month",
        {"row": 2, "column": "O"},
        {},
    ),
    "09-duplicate-month-long.csv": (
        "error",
        "M1 Jun-18 is given more than once (C14, C15)",
        {"row": 15, "column": "C"},
        {},
    ),
    "10-gap-long.csv": ("warning", "M1 has no row for Dec-17", {}, {}),
    "11-unknown-indicator.csv": ("warning", "Unknown indicator 'XYZ9'", {"row": 5, "column": "A"}, {}),
    "12-bad-month-header.csv": (
        "error",
        "The heading of column H 'Sometime' is not a month",
        {"row": 1, "column": "H"},
        {},
    ),
    "13-long-missing-value-column.csv": (
        "error",
        "row 1 has indicator and month columns but no value column",
        {"row": 1},
        {},
    ),
    "14-duplicate-indicator-rows.csv": (
        "error",
        "Indicator M1 is on more than one row (rows 2 and 5)",
        {"row": 5, "column": "A"},
        {},
    ),
    "15-excel-error-cell.csv": ("warning", "Excel errors (e.g. #DIV/0!)", {"row": 2, "column": "K"}, {}),
    "16-latin1-encoding.csv": ("warning", "it was read as Windows-1252", {}, {}),
    "17-zip-not-xlsx.xlsx": ("error", "This is a zip archive holding other files", {}, {}),
    "18-no-table.xlsx": ("error", "No indicator table found", {"sheet": "Notes"}, {}),
    "19-negative-count.xlsx": (
        "error",
        "LAC1 is a count but the value is -1",
        {"sheet": "Scorecard", "row": 2, "column": "O"},
        {},
    ),
    "20-percent-over-100.xlsx": (
        "error",
        "M3 is a percentage but the value is 150.5",
        {"sheet": "Scorecard", "row": 2, "column": "O"},
        {},
    ),
    "21-text-in-number.xlsx": (
        "error",
        "'about 1300' for M1 is not a number",
        {"sheet": "Scorecard", "row": 2, "column": "F"},
        {},
    ),
    "22-blank-workbook.xlsx": ("error", "No data in sheet(s) 'Sheet1'", {"sheet": "Sheet1"}, {}),
    "23-duplicate-month-columns.csv": (
        "error",
        "Month Jun-17 heads more than one column (C, O)",
        {"row": 1, "column": "O"},
        {},
    ),
    "25-wrong-sheet-requested.xlsx": (
        "error",
        "There is no sheet named 'June 2018'; sheets found: 'Scorecard'",
        {"sheet": "June 2018"},
        {"sheet": "June 2018"},
    ),
    "26-oversize.csv": ("error", "the limit is 200 bytes", {}, {"max_bytes": 200}),
    "27-bad-encoding.csv": ("error", "text in an unknown encoding", {}, {}),
    "28-merged-title-no-month-headings.xlsx": (
        "error",
        "row 3 looks like the header row (it has 'indicator')",
        {"sheet": "Scorecard", "row": 3},
        {},
    ),
    "29-blank-month-heading.csv": (
        "error",
        "The heading of column H is blank",
        {"row": 1, "column": "H"},
        {},
    ),
    "30-excel-error-cell.xlsx": (
        "warning",
        "M3: 1 value(s) Excel errors (e.g. #DIV/0!)",
        {"sheet": "Scorecard", "row": 2, "column": "F"},
        {},
    ),
    "31-long-bad-month.xlsx": (
        "error",
        "Month 'Juneish' for M1 is not a month",
        {"sheet": "Data", "row": 3, "column": "B"},
        {},
    ),
    "32-png-renamed.xlsx": ("error", "This is a PNG image", {}, {}),
    "33-row-without-code.csv": (
        "error",
        "This row has values but no indicator code",
        {"row": 3, "column": "A"},
        {},
    ),
    "34-header-only.xlsx": ("error", "header row but no data rows", {"sheet": "Scorecard"}, {}),
    "35-percent-as-fraction.csv": (
        "warning",
        "M3 is a percentage but every value is between 0 and 1",
        {"row": 2, "column": "C"},
        {},
    ),
    "36-future-month-long.xlsx": (
        "error",
        "LAC1 has a value for Jul-31, which is after this month (Nov-26)",
        {"sheet": "Data", "row": 3, "column": "C"},
        {},
    ),
    "37-old-excel-format.xls": ("error", "old-style Excel 97-2003 (.xls)", {}, {}),
    "38-formulas-without-results.xlsx": (
        "warning",
        "1 cell(s) hold formulas whose results were never saved",
        {"sheet": "Scorecard", "row": 2, "column": "O"},
        {},
    ),
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


def test_rows_beyond_the_limit_are_reported():
    from forecasting.data.spreadsheet import MAX_ROWS

    content = ("indicator,month,value\n" + "M1,2018-06,1\n" + "\n" * MAX_ROWS + "M1,2018-05,2\n").encode()
    dataset, report = load_upload("long.csv", content, today=TODAY)
    assert [p.code for p in report.warnings if p.code == "truncated"] == ["truncated"]
    assert dataset is not None and len(dataset.observations) == 1


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


def test_unclosed_quote_is_located():
    content = b'indicator,name,Jun-17,Jul-17\nM1,"Contacts,1357,1491\nM2,Referrals,300,310\n'
    dataset, report = load_upload("quote.csv", content, today=TODAY)
    assert dataset is None
    [problem] = report.errors
    assert problem.code == "csv_layout" and (problem.row, problem.column) == (2, "B")
    assert "unexpected" not in {p.code for p in report.problems}


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
    long = embedded_dataset.observations.rename(
        columns={"unique_id": "indicator", "ds": "month", "y": "value"}
    )
    buffer = io.BytesIO()
    long.assign(month=long.month.dt.strftime("%Y-%m")).to_excel(buffer, index=False)
    dataset, report = load_upload("long.xlsx", buffer.getvalue(), today=TODAY, reference_side_tables=True)
    assert report.ok, report.as_text()
    pd.testing.assert_frame_equal(
        dataset.observations.sort_values(["unique_id", "ds"]).reset_index(drop=True),
        embedded_dataset.observations.sort_values(["unique_id", "ds"]).reset_index(drop=True),
        check_dtype=False)
    # the reference council's own data, its tables chosen explicitly
    assert set(dataset.targets.indicator) == set(embedded_dataset.targets.indicator)


def test_an_upload_never_borrows_another_councils_targets_unless_chosen(embedded_dataset):
    """A new council's file is graded against nothing until it gives its own targets (no silent borrowing)."""
    long = embedded_dataset.observations.rename(
        columns={"unique_id": "indicator", "ds": "month", "y": "value"}
    )
    content = long.assign(month=long.month.dt.strftime("%Y-%m")).to_csv(index=False).encode()
    dataset, report = load_upload("other-council.csv", content, today=TODAY)
    assert report.ok and dataset.targets.empty and dataset.benchmarks.empty and dataset.context == {}
    warning = next(p for p in report.warnings if p.code == "no_side_tables")
    assert "without RAG" in warning.message and "Data page" in warning.hint
    chosen, report = load_upload("other-council.csv", content, today=TODAY, reference_side_tables=True)
    assert not chosen.targets.empty and "borrowed_context" in {p.code for p in report.warnings}


@pytest.mark.parametrize("suffix,form", [(".xlsx", "wide"), (".csv", "long")])
def test_template_reads_back_without_errors(tmp_path, suffix, form):
    path = tmp_path / f"template{suffix}"
    write_template(path, form=form, today=TODAY)
    dataset, report = check_path(path, today=TODAY)
    assert dataset is None and [p.code for p in report.errors] == ["no_values"], report.as_text()
    filled = pd.read_excel(path) if suffix == ".xlsx" else pd.read_csv(path)
    if form == "wide":
        filled.iloc[:, 2:] = 1.0
    else:
        filled["value"] = 1.0
    buffer = io.BytesIO()
    filled.to_excel(buffer, index=False) if suffix == ".xlsx" else buffer.write(
        filled.to_csv(index=False).encode()
    )
    dataset, report = load_upload(f"filled{suffix}", buffer.getvalue(), today=TODAY)
    assert report.ok, report.as_text()
    assert len(dataset.indicator_codes) == 58 and dataset.last_month == pd.Timestamp("2026-10-01")


def test_load_dataset_raises_user_facing_error_for_a_bad_file():
    with pytest.raises(DataValidationError) as caught:
        load_dataset(CORPUS / "06-negative-count.csv")
    assert "cell E2" in str(caught.value)


def _sorted(observations: pd.DataFrame) -> pd.DataFrame:
    return observations.sort_values(["unique_id", "ds"]).reset_index(drop=True)


def _embedded_wide(embedded_dataset) -> pd.DataFrame:
    wide = embedded_dataset.observations.pivot(index="unique_id", columns="ds", values="y")
    wide.index.name = "indicator"
    return wide


def test_wide_csv_round_trip_equals_embedded_data(embedded_dataset):
    wide = _embedded_wide(embedded_dataset)
    wide.columns = [m.strftime("%b-%y") for m in wide.columns]  # headings as printed: Jun-17
    dataset, report = load_upload("scorecard.csv", wide.to_csv().encode("utf-8"), today=TODAY,
                                  reference_side_tables=True)     # the reference council's own data
    assert report.ok, report.as_text()
    pd.testing.assert_frame_equal(_sorted(dataset.observations), _sorted(embedded_dataset.observations))
    assert list(dataset.indicators["unit"]) == list(
        embedded_dataset.indicators.loc[dataset.indicators.index, "unit"]
    )
    assert dataset.context == embedded_dataset.context


def test_wide_xlsx_with_real_excel_dates_round_trip_equals_embedded_data(embedded_dataset):
    from openpyxl import Workbook

    wide = _embedded_wide(embedded_dataset)
    book = Workbook()
    sheet = book.active
    sheet.title = "Jun-18 scorecard"
    sheet.append(["Children's services scorecard"])  # a title above the table, as councils' files have
    sheet.append(["Indicator", "Name", *[m.to_pydatetime() for m in wide.columns], "12m avg"])
    for code, values in wide.iterrows():
        sheet.append([code, embedded_dataset.indicators.loc[code, "name"],
                      *[None if pd.isna(v) else v for v in values], values.mean()])
    for cell in sheet[2][2:-1]:
        cell.number_format = "mmm-yy"
    buffer = io.BytesIO()
    book.save(buffer)
    dataset, report = load_upload(
        "scorecard.xlsx", buffer.getvalue(), today=TODAY, reference_side_tables=True
    )
    assert report.ok, report.as_text()
    assert {p.code for p in report.warnings} == {"ignored_columns", "missing_value", "borrowed_context"}
    borrowed = next(p for p in report.warnings if p.code == "borrowed_context")
    assert "population_0_17 = 49,880" in borrowed.message and "southampton-2018-06" in borrowed.message
    pd.testing.assert_frame_equal(_sorted(dataset.observations), _sorted(embedded_dataset.observations))


def test_long_csv_round_trip_equals_embedded_data(embedded_dataset):
    long = embedded_dataset.observations.rename(
        columns={"unique_id": "indicator", "ds": "month", "y": "value"}
    )
    content = long.assign(month=long.month.dt.strftime("%Y-%m")).to_csv(index=False).encode("utf-8")
    dataset, report = load_upload("long.csv", content, today=TODAY)
    assert report.ok, report.as_text()
    pd.testing.assert_frame_equal(_sorted(dataset.observations), _sorted(embedded_dataset.observations))


def test_excel_percent_formatted_cells_are_read_as_0_to_100():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "month", "value"])
    for month, fraction in (("2018-05", 0.174), ("2018-06", 0.15)):
        sheet.append(["M3", month, fraction])
        sheet.cell(sheet.max_row, 3).number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    dataset, report = load_upload("pct.xlsx", buffer.getvalue(), today=TODAY)
    assert report.ok, report.as_text()
    assert list(dataset.series("M3")) == [17.4, 15.0]


def test_unknown_indicator_unit_inferred_or_given():
    content = b"indicator,name,Jun-17,Jul-17\nQ9,Share of visits on time %,55,61\nQ10,Visits,12,14\n"
    dataset, report = load_upload("new.csv", content, today=TODAY)
    assert report.ok and dataset.indicators.loc["Q9", "unit"] == "percent"
    assert dataset.indicators.loc["Q10", "unit"] == "count"
    assert [p.code for p in report.warnings] == ["unknown_indicator", "unknown_indicator", "no_side_tables"]
    dataset, _ = load_upload("new.csv", content, today=TODAY, units={"Q10": "rate_per_10k"})
    assert dataset.indicators.loc["Q10", "unit"] == "rate_per_10k"


def test_load_dataset_reads_context_and_tolerates_its_absence(tmp_path):
    (tmp_path / "observations.csv").write_text("indicator,month,value\nM1,2018-05,10\nM1,2018-06,\n")
    (tmp_path / "indicators.csv").write_text(
        "indicator,name,unit,polarity,kind\nM1,Contacts,count,neutral,flow\n"
    )
    dataset = load_dataset(tmp_path)
    assert dataset.context == {} and dataset.last_month == pd.Timestamp("2018-05-01")
    (tmp_path / "context.csv").write_text("key,value,unit,source\npopulation_0_17,50000,children,ONS\n")
    assert load_dataset(tmp_path).context == {"population_0_17": 50000.0}
    checked, report = check_path(tmp_path, today=TODAY)
    assert report.ok and checked.context == {"population_0_17": 50000.0}


def test_check_path_reports_bad_data_set_folder_without_raising(tmp_path):
    (tmp_path / "observations.csv").write_text("indicator,month,value\nM1,2018-05,-3\nM1,2018-05,4\n")
    (tmp_path / "indicators.csv").write_text("indicator,name,unit\nM1,Contacts,counts\n")
    dataset, report = check_path(tmp_path, today=TODAY)
    assert dataset is None
    codes = {(p.code, p.file, p.row) for p in report.errors}
    assert ("side_file_value", "indicators.csv", 2) in codes
    assert ("duplicate_month", "observations.csv", 3) in codes
    (tmp_path / "indicators.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(40))
    _, report = check_path(tmp_path, today=TODAY)
    assert not report.ok


@pytest.mark.parametrize("seed", range(60))
def test_damaged_files_never_raise_and_never_hit_the_catch_all(seed):
    import random

    rng = random.Random(seed)
    name = rng.choice(
        [
            "24-good-wide-excel-dates.xlsx",
            "11-unknown-indicator.csv",
            "09-duplicate-month-long.csv",
            "30-excel-error-cell.xlsx",
            "16-latin1-encoding.csv",
        ]
    )
    content = bytearray((CORPUS / name).read_bytes())
    for _ in range(rng.randint(1, 20)):  # flip bytes, then maybe truncate
        content[rng.randrange(len(content))] = rng.randrange(256)
    if rng.random() < 0.5:
        content = content[: rng.randrange(1, len(content))]
    dataset, report = load_upload(name, bytes(content), today=TODAY)
    assert report.problems or dataset is not None
    assert "unexpected" not in {p.code for p in report.problems}, report.as_text()
    assert all(p.hint or p.severity == "warning" for p in report.errors + report.warnings)


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_template_can_be_written_to_a_buffer_for_a_download_button(file_format):
    buffer = io.BytesIO()
    write_template(buffer, form="wide", file_format=file_format, months=["2018-05-01", "2018-06-01"])
    content = buffer.getvalue()
    if file_format == "csv":
        assert content.decode("utf-8-sig").splitlines()[0] == "indicator,name,May-18,Jun-18"  # BOM: for Excel
    _, report = load_upload(f"template.{file_format}", content, today=TODAY)
    assert [p.code for p in report.errors] == ["no_values"]
