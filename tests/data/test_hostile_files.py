"""Hostile uploads (issue 18): each answered within time and memory limits with a located message.

Before the fix: one 25 kB cell of digits ending in a letter took 31 s of regex backtracking (the whole server
waited); a 0.65 MB workbook of 3 million cells and a 3.8 MB workbook of 20 million shared strings (both under
the 100x ratio guard) were parsed in full; 1e309 read as infinity and passed validation; a workbook missing
its sheet part ended in IndexError with a traceback on the terminal.
"""

from __future__ import annotations

import subprocess
import sys

import hostile_files as hf
import pytest
from bounded import run_bounded

from forecasting.data.spreadsheet import MAX_CELL_CHARS, parse_value
from forecasting.data.upload import load_upload
from forecasting.data.xlsx_limits import MAX_CELLS, WorkbookRefused, check_workbook

TODAY = "2026-11-01"


def _problems(name: str, content: bytes) -> list[tuple[str, str, str | None, int | None, str | None]]:
    _dataset, report = load_upload(name, content, today=TODAY)
    return [(p.severity, p.message, p.sheet, p.row, p.column) for p in report.problems]


def test_a_long_run_of_digits_is_not_a_number_and_costs_linear_time():
    kind, seconds, _ = run_bounded(
        lambda: [parse_value("1" * n + "a")[0] for n in (25_000, 100_000)], seconds=5
    )
    assert kind == ["text", "text"]
    assert parse_value("1" * 30 + "a") == ("text", None, False)
    assert parse_value("1,433") == ("number", 1433.0, False) and parse_value("22.6%") == (
        "number",
        22.6,
        True,
    )


def test_a_100_kB_csv_of_digit_runs_is_answered_with_located_errors():
    problems, seconds, _ = run_bounded(_problems, "digits.csv", hf.digit_run_csv(4, 25_000), seconds=20)
    errors = [
        (row, column)
        for severity, message, _, row, column in problems
        if severity == "error" and "is not a number" in message
    ]
    assert errors == [(2, "C"), (3, "C"), (4, "C"), (5, "C")]
    [cut] = [p for p in problems if "characters; only the start" in p[1]]
    assert f"more than {MAX_CELL_CHARS:,} characters" in cut[1] and "C2, C3, C4, C5" in cut[1]


@pytest.mark.parametrize("text", ["1e309", "-1e309", "1E400"])
def test_a_number_too_large_to_hold_is_refused_where_it_is(text):
    problems = _problems("inf.csv", f"indicator,month,value\nM1,2018-01,5\nM1,2018-02,{text}\n".encode())
    [error] = [p for p in problems if p[0] == "error"]
    assert error[1].startswith(f"'{text}' for M1 is too large to be a number") and error[3:] == (3, "C")


def test_forecast_refuses_infinity_instead_of_writing_nothing(tmp_path):
    data = tmp_path / "inf.csv"
    data.write_text(
        "indicator,month,value\n"
        + "".join(f"M1,2017-{m:02d},{100 + m}\n" for m in range(1, 13))
        + "M1,2018-01,1e309\n"
    )
    out = tmp_path / "f.csv"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "forecasting",
            "forecast",
            "--data",
            str(data),
            "--out",
            str(out),
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0 and not out.exists()
    assert (
        "cell C14" in result.stdout + result.stderr
        and "too large to be a number" in result.stdout + result.stderr
    )


def test_a_flood_of_cells_under_the_ratio_guard_is_refused_while_streaming():
    content = hf.workbook(hf.cell_flood(6_000, 500), ratio_below=90)  # 3 million cells, 0.65 MB
    problems, seconds, _ = run_bounded(_problems, "flood.xlsx", content, seconds=30, memory_mb=600)
    [error] = [p for p in problems if p[0] == "error"]
    assert f"more than {MAX_CELLS:,} cells" in error[1] and error[2] == "Scorecard" and error[3] > 3


def test_a_workbook_expanding_past_the_size_cap_is_refused_before_reading():
    content = hf.workbook(
        hf.scorecard_rows(), shared_chunks=hf.shared_string_flood(20_000_000), ratio_below=90
    )
    assert len(content) < 10_000_000  # under the upload limit and the ratio guard
    problems, seconds, _ = run_bounded(_problems, "strings.xlsx", content, seconds=30, memory_mb=600)
    [error] = [p for p in problems if p[0] == "error"]
    assert "would expand to 342 MB; the limit is 200 MB" in error[1]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (['<row r="1"><c r="XFE1"><v>1</v></c></row>'], "beyond column XFD"),
        ([f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>' for r in range(1, 2_000)], "span more than"),
    ],
    ids=["beyond-XFD", "padding-flood"],
)
def test_cells_far_to_the_right_are_refused(rows, expected):
    with pytest.raises(WorkbookRefused, match=expected):
        check_workbook(hf.workbook(rows), max_rows=20_000)


def test_a_doctype_in_a_sheet_is_refused():
    content = hf.workbook(['<!DOCTYPE x [<!ENTITY a "aaaa">]>', *hf.scorecard_rows()])
    with pytest.raises(WorkbookRefused, match="DOCTYPE"):
        check_workbook(content, max_rows=20_000)


def test_a_hand_made_workbook_within_the_limits_reads():
    dataset, report = load_upload("small.xlsx", hf.workbook(hf.scorecard_rows()), today=TODAY)
    assert dataset is not None, report.as_text()
    assert dataset.observations["y"].tolist()[:3] == [100.0, 101.0, 102.0]


def test_a_workbook_missing_its_sheet_part_gets_a_located_message_not_a_traceback(tmp_path):
    path = tmp_path / "nosheet.xlsx"
    path.write_bytes(hf.workbook([], with_sheet=False))
    problems = _problems(path.name, path.read_bytes())
    assert problems == [
        (
            "error",
            "This Excel file was not read: it lists sheet 'Scorecard' but the sheet's "
            "contents (xl/worksheets/sheet1.xml) are missing, so the file is damaged",
            "Scorecard",
            None,
            None,
        )
    ]
    result = subprocess.run(
        [sys.executable, "-m", "forecasting", "data", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "nosheet.xlsx, sheet 'Scorecard': This Excel file was not read" in result.stdout


def test_a_side_table_row_longer_than_its_header_gets_a_located_error(embedded_dataset):
    from forecasting.data.side_tables import replace_side_table

    content = b"indicator,period,target,basis\nLAC1,2019-20,420,year_end_level\n,,,,,\n"
    updated, report = replace_side_table(embedded_dataset, "targets.csv", content)
    assert updated is None
    [error] = report.errors
    assert error.location == "targets.csv, row 3" and "more cells than the header row" in error.message


@pytest.mark.parametrize("target", ["1e309", "inf", "-1e400"])
def test_an_infinite_target_is_refused_where_it_is(embedded_dataset, target):
    from forecasting.data.side_tables import replace_side_table

    content = f"indicator,period,target,basis\nLAC1,2019-20,{target},year_end_level\n".encode()
    updated, report = replace_side_table(embedded_dataset, "targets.csv", content)
    assert updated is None
    [error] = report.errors
    assert error.location == "targets.csv, cell C2" and error.message.endswith("should be a number")
