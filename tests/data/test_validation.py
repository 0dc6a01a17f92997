"""Domain rules over a located long frame, and the report that carries every problem with its place and
fix."""
from __future__ import annotations

import pandas as pd
import pytest

from forecasting.data.validation import (
    LOCATED_COLUMNS,
    MAX_LISTED_PER_KIND,
    Problem,
    ValidationReport,
    infer_unit,
    months_text,
    resolve_today,
    validate_observations,
)

TODAY = pd.Timestamp("2018-07-01")
WHERE = {"file": "upload.csv"}
CATALOGUE = pd.DataFrame({"unit": ["count", "percent", "rate_per_10k"]},
                         index=pd.Index(["M1", "M3", "M2-NI"], name="indicator"))


def located(cells: list[tuple]) -> pd.DataFrame:
    """(code, 'YYYY-MM', value, excel row, column letter[, percent sign]) -> located frame."""
    records = [{"unique_id": c[0], "ds": pd.Timestamp(c[1]), "y": c[2], "row": c[3], "column": c[4],
                "raw": c[2], "percent_sign": c[5] if len(c) > 5 else False, "id_column": "A"} for c in cells]
    return pd.DataFrame.from_records(records, columns=list(LOCATED_COLUMNS)).astype({"y": float})


def validate(cells, catalogue=CATALOGUE, **options):
    report = ValidationReport(source="upload.csv")
    tidy, indicators = validate_observations(
        located(cells), catalogue, report, today=TODAY, where=WHERE, **options
    )
    return tidy, indicators, report


def test_clean_data_passes_and_is_the_long_frame_contract():
    tidy, indicators, report = validate([("M1", "2018-05", 1554, 2, "N"), ("M1", "2018-06", 1433, 2, "O"),
                                         ("M3", "2018-06", 15.0, 3, "O")])
    assert report.problems == []
    assert list(tidy.columns) == ["unique_id", "ds", "y"] and tidy["y"].dtype == float
    assert list(indicators.index) == ["M1", "M3"] and list(indicators["unit"]) == ["count", "percent"]


@pytest.mark.parametrize("cell,code,fragment", [
    (("M1", "2018-06", -5, 2, "O"), "negative_count", "M1 is a count but the value is -5"),
    (("M2-NI", "2018-06", -0.5, 4, "O"), "negative_rate", "M2-NI is a rate per 10,000 but the value is -0.5"),
    (("M3", "2018-06", 140, 3, "O"), "percent_out_of_range", "outside 0-100"),
    (("M3", "2018-06", -1, 3, "O"), "percent_out_of_range", "the value is -1"),
])
def test_value_rules_are_located_errors(cell, code, fragment):
    _, _, report = validate([cell])
    [problem] = report.errors
    assert problem.code == code and fragment in problem.message and problem.hint
    assert (problem.file, problem.row, problem.column) == ("upload.csv", cell[3], cell[4])


def test_every_broken_value_is_reported_not_just_the_first():
    _, _, report = validate([("M1", "2018-04", -1, 2, "M"), ("M1", "2018-05", -2, 2, "N"),
                             ("M3", "2018-05", 101, 3, "N"), ("M3", "2018-06", 50, 3, "O")])
    assert sorted((p.code, p.column) for p in report.errors) == [
        ("negative_count", "M"), ("negative_count", "N"), ("percent_out_of_range", "N")]


def test_percent_boundaries_are_allowed():
    _, _, report = validate([("M3", "2018-05", 0, 3, "N"), ("M3", "2018-06", 100, 3, "O")])
    assert report.ok


def test_future_month_with_value_is_an_error_blank_future_months_a_warning():
    tidy, _, report = validate([("M1", "2018-06", 1, 2, "B"), ("M1", "2018-08", 2, 2, "C"),
                                ("M1", "2018-09", None, 2, "D"), ("M1", "2018-10", None, 2, "E")])
    [error] = report.errors
    assert error.code == "future_month" and error.column == "C" and "Aug-18" in error.message
    [warning] = report.warnings
    assert warning.code == "future_blank" and "Sep-18 to Oct-18 (2 months)" in warning.message
    assert tidy["ds"].max() == pd.Timestamp("2018-06-01")


def test_current_month_is_not_future():
    _, _, report = validate([("M1", "2018-07", 5, 2, "B")])
    assert report.ok


def test_duplicate_month_names_both_cells():
    _, _, report = validate([("M1", "2018-06", 1, 2, "C"), ("M1", "2018-06", 2, 9, "C")])
    [problem] = report.errors
    assert problem.code == "duplicate_month" and "(C2, C9)" in problem.message and problem.row == 9


def test_gaps_become_missing_months_with_a_warning():
    tidy, _, report = validate([("M1", "2018-01", 1, 2, "C"), ("M1", "2018-04", 4, 5, "C")])
    assert list(tidy["ds"].dt.month) == [1, 2, 3, 4] and tidy["y"].isna().sum() == 2
    [warning] = report.warnings
    assert warning.code == "gap" and "Feb-18 to Mar-18 (2 months)" in warning.message
    _, _, quiet = validate([("M1", "2018-01", 1, 2, "C"), ("M1", "2018-04", 4, 5, "C")], report_gaps=False)
    assert quiet.problems == []


def test_unknown_indicator_is_a_warning_with_inferred_unit_and_catalogue_row():
    _, indicators, report = validate([("Q1", "2018-06", 55.0, 7, "O", True)], names={"Q1": "Visits on time"})
    [warning] = report.warnings
    assert warning.code == "unknown_indicator" and "treated as percent" in warning.message
    assert (warning.row, warning.column) == (7, "A")
    assert indicators.loc["Q1", "unit"] == "percent" and indicators.loc["Q1", "name"] == "Visits on time"


def test_codes_differing_only_in_case_or_spaces_are_matched_with_a_warning():
    tidy, _, report = validate([("m 1", "2018-06", 10, 2, "O")])
    assert list(tidy["unique_id"]) == ["M1"]
    assert [p.code for p in report.warnings] == ["code_respelled"]


def test_percentages_entered_as_fractions_are_flagged():
    _, _, report = validate([("M3", "2018-05", 0.174, 3, "N"), ("M3", "2018-06", 0.15, 3, "O")])
    [warning] = report.warnings
    assert warning.code == "percent_as_fraction" and "enter 17.4 for 0.174" in warning.hint


@pytest.mark.parametrize("code,name,values,sign,unit", [
    ("Q1", "Referrals per 10,000 children", [40.2], False, "rate_per_10k"),
    ("Q2", "", [55.0], True, "percent"),
    ("Q3 %", "", [55.0, 61.0], False, "percent"),
    ("Q4", "Percentage seen in time", [155.0], False, "count"),  # above 100: cannot be a percentage
    ("Q5", "Visits", [12.0], False, "count"),
])
def test_unit_inference(code, name, values, sign, unit):
    assert infer_unit(code, name, pd.Series(values), sign)[0] == unit


def test_months_text_collapses_runs():
    months = pd.to_datetime(["2017-12-01", "2018-07-01", "2018-08-01", "2018-09-01", "2019-03-01"])
    assert months_text(months) == "Dec-17, Jul-18 to Sep-18 (3 months), Mar-19"
    assert months_text(pd.date_range("2018-07-01", "2098-12-01", freq="MS")).startswith(
        "Jul-18 to Dec-98 (966"
    )


def test_resolve_today_is_called_at_call_time_and_accepts_strings():
    assert resolve_today("2026-11-22") == pd.Timestamp("2026-11-01")
    assert resolve_today() == pd.Timestamp.now().to_period("M").to_timestamp()


def test_problem_location_reads_like_excel():
    assert (
        Problem("error", "x", file="a.xlsx", sheet="S", row=2, column="O").location
        == "a.xlsx, sheet 'S', cell O2"
    )
    assert Problem("error", "x", file="a.csv", row=1, column="C, D").location == "a.csv, row 1, column C, D"
    assert Problem("error", "x", file="a.csv", row=4).location == "a.csv, row 4"


def test_report_separates_errors_from_warnings_and_summarises_long_runs():
    report = ValidationReport(source="big.csv")
    for row in range(MAX_LISTED_PER_KIND + 5):
        report.error(f"bad {row}", "fix it", code="negative_count", file="big.csv", row=row + 2, column="C")
    report.warning("odd", code="gap", file="big.csv")
    text = report.as_text()
    assert not report.ok and len(report.errors) == MAX_LISTED_PER_KIND + 5 and len(report.warnings) == 1
    assert text.index("blocking errors") < text.index("1 warning:")
    assert "... and 5 more like 'negative_count'" in text and "Fix: fix it" in text
    assert list(report.to_frame().columns) == [
        "severity",
        "file",
        "sheet",
        "row",
        "column",
        "message",
        "hint",
        "code",
    ]
    with pytest.raises(ValueError):
        report.add("fatal", "not a severity")
