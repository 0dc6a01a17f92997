"""The fast long-form row reader (`forecasting.data.long_form`): each cell read as `parse_value` and
`parse_month` read it, problems located and in row order. Hand-made rows; expected values worked out by
hand."""

from __future__ import annotations

import pandas as pd

from forecasting.data.long_form import parse_long
from forecasting.data.spreadsheet import PercentValue
from forecasting.data.validation import ValidationReport

COLUMNS = {"id": 0, "month": 1, "value": 2, "name": None}
ROWS = [
    ["indicator", "month", "value"],        # row 1: header
    ["M1", "2018-01", "1,234"],             # 2: thousands separator -> 1234
    ["M1", "2018-02", " 7 "],               # 3: spaces -> 7
    ["EH4-QL", "Jan-18", "45%"],            # 4: % sign -> 45, percent
    ["EH4-QL", "2018-02", PercentValue(22.6)],  # 5: a cell Excel shows as % -> 22.6, percent
    ["M2", "2018-01", "<5"],                # 6: suppressed -> missing (kept, warned by the caller)
    ["M2", "2018-02", "abc"],               # 7: text -> error in C7
    ["M2", "2018-03", "1e309"],             # 8: infinity -> error in C8
    [None, None, None],                     # 9: blank row, skipped silently
    ["n/a", "", "-"],                       # 10: every cell blank-like: skipped silently
    ["n/a", "2018-01", "3"],                # 11: a blank-like code with a value is still a code
    ["", "2018-01", "4"],                   # 12: no code -> error in A12
    ["M3", "2018-13", "4"],                 # 13: not a month -> error in B13
    ["M3", "Jan-18", True],                 # 14: a tick box is not a number -> error in C14
    ["M3", "2018-02", 5],                   # 15: an int -> 5.0
    ["M3", "2018-03", "-0.5"],              # 16: plain negative decimal
]


def _parse(rows=ROWS):
    report = ValidationReport()
    frame, names, missing = parse_long(rows, 0, COLUMNS, report, {"file": "f.csv"},
                                       enumerate(rows[1:], start=2))
    return frame, missing, report


def test_values_months_and_percent_signs_as_read_by_hand():
    frame, missing, _ = _parse()
    assert frame["row"].tolist() == [2, 3, 4, 5, 6, 11, 15, 16]
    assert frame["unique_id"].tolist() == ["M1", "M1", "EH4-QL", "EH4-QL", "M2", "n/a", "M3", "M3"]
    assert frame["y"].iloc[[0, 1, 2, 3, 5, 6, 7]].tolist() == [1234.0, 7.0, 45.0, 22.6, 3.0, 5.0, -0.5]
    assert pd.isna(frame["y"].iloc[4])
    assert frame["percent_sign"].tolist() == [False, False, True, True, False, False, False, False]
    months = ["2018-01", "2018-02", "2018-01", "2018-02", "2018-01", "2018-01", "2018-02", "2018-03"]
    assert frame["ds"].dt.strftime("%Y-%m").tolist() == months
    assert missing == [(6, "suppressed", "M2")]
    assert set(frame["column"]) == {"C"} and set(frame["id_column"]) == {"A"}


def test_problems_are_located_and_in_row_order():
    _, _, report = _parse()
    assert [(p.code, f"{p.column}{p.row}") for p in report.errors] == [
        ("non_numeric", "C7"), ("non_finite", "C8"), ("missing_code", "A12"), ("bad_month", "B13"),
        ("non_numeric", "C14"),
    ]


def test_no_rows_gives_an_empty_located_frame_with_the_contract_columns():
    frame, missing, report = _parse([ROWS[0]])
    assert frame.empty and missing == [] and report.ok
    assert str(frame["ds"].dtype) == "datetime64[ns]" and frame["y"].dtype == float
