"""Side files of a data set directory (indicators, targets, benchmarks, context): located, worded errors."""
from __future__ import annotations

import pandas as pd

from forecasting.data import EMBEDDED_DATASET, check_path
from forecasting.data.dataset_checks import check_side_file, read_side_file, validate_catalogue
from forecasting.data.validation import ValidationReport


def test_embedded_side_files_pass():
    report = ValidationReport()
    for file in ("indicators.csv", "targets.csv", "benchmarks.csv", "context.csv"):
        assert read_side_file(EMBEDDED_DATASET, file, report) is not None
    assert report.problems == []


def test_catalogue_problems_are_located_and_say_what_is_allowed():
    frame = pd.DataFrame({"indicator": ["M1", "M3", "M1"], "unit": ["count", "percentage", "count"],
                          "polarity": ["neutral", "up", None]})
    report = ValidationReport()
    usable = validate_catalogue(frame, report)
    found = sorted((p.row, p.column, p.code) for p in report.errors)
    assert found == [
        (2, "A", "side_file_duplicate"),
        (3, "B", "side_file_value"),
        (3, "C", "side_file_value"),
        (4, "A", "side_file_duplicate"),
    ]  # both rows of a repeated code are shown
    unit = next(p for p in report.errors if p.column == "B")
    assert unit.message == "'percentage' in column 'unit' should be one of count, percent, rate_per_10k"
    assert list(usable.index) == ["M1", "M3"]
    report = ValidationReport()
    validate_catalogue(pd.DataFrame({"indicator": ["M1"]}), report)
    assert [p.code for p in report.errors] == ["side_file_column"] and "'unit'" in report.errors[0].message


def test_targets_and_benchmarks_cells_are_checked():
    targets = pd.DataFrame({"indicator": ["LAC1", "LAC1"], "period": ["2018-19", "2018/19"],
                            "target": ["460", "about 450"], "basis": ["year_end_level", "year end"]})
    report = ValidationReport()
    check_side_file(targets, report, file="targets.csv")
    assert sorted((p.row, p.column) for p in report.errors) == [(3, "B"), (3, "C"), (3, "D")]
    assert any("should be a financial year such as 2018-19" in p.message for p in report.errors)
    benchmarks = pd.DataFrame({"indicator": ["M2"], "comparator": ["england"], "value": ["-3"]})
    report = ValidationReport()
    check_side_file(benchmarks, report, file="benchmarks.csv")
    [problem] = report.errors
    assert problem.message == "'-3' in column 'value' should be a number of 0 or more" and problem.row == 2


def test_bad_side_file_blocks_the_folder_with_its_location(tmp_path):
    (tmp_path / "observations.csv").write_text("indicator,month,value\nM1,2018-05,10\nM1,2018-06,12\n")
    (tmp_path / "indicators.csv").write_text("indicator,name,unit\nM1,Contacts,count\n")
    (tmp_path / "context.csv").write_text(
        "key,value,unit,source\npopulation_0_17,fifty thousand,children,x\n"
    )
    dataset, report = check_path(tmp_path, today="2026-11-22")
    assert dataset is None
    [problem] = report.errors
    assert (problem.file, problem.row, problem.column) == ("context.csv", 2, "B")
    (tmp_path / "context.csv").write_bytes(b"\xff\xfe\x00junk")
    _, report = check_path(tmp_path, today="2026-11-22")
    assert [p.code for p in report.errors] == ["side_file_unreadable"]
