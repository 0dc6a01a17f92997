"""Many-authority long files (issue 18, part 3): as robust as one council's file.

Before the fix: malformed long files raised from pandas inside the panel reader; files were cut at 20,000
rows (a 40-authority file of 29,640 rows lost 13 authorities); an authority name holding `|` was split
wrongly; messages pointed one column to the left (C758 for a bad value in D758, because the authority column
was dropped before validation); one short series stopped the whole run.
"""

from __future__ import annotations

import subprocess
import sys

import hostile_files as hf
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.data import panel as panel_module
from forecasting.data.panel import drop_short_series, panel_from_long_file, series_id, split_ids

TODAY = "2026-11-01"


def _authorities(n: int) -> list[str]:
    return [f"Authority {i:02d}" for i in range(n)]


def test_a_40_authority_file_of_29640_rows_keeps_every_authority():
    text = hf.panel_csv(_authorities(40), indicators=13, months=57)
    assert text.count("\n") == 29_641
    loaded = panel_from_long_file("national.csv", text.encode(), today=TODAY)
    assert loaded.authorities == _authorities(40) and not loaded.reports
    assert len(loaded.long_frame()) == 29_640


def test_the_row_cap_is_stated_and_refuses_instead_of_cutting(monkeypatch):
    monkeypatch.setattr(panel_module, "PANEL_MAX_ROWS", 100)
    loaded = panel_from_long_file("big.csv", hf.panel_csv(_authorities(3), 2, 24).encode(), today=TODAY)
    [error] = loaded.reports["(file)"].errors
    assert (
        "more than 100 rows" in error.message
        and "152 authorities x 40 indicators x 60 months" in error.message
    )
    assert error.row == 101 and not loaded.datasets


def test_an_error_points_at_the_cell_that_holds_the_bad_value():
    lines = hf.panel_csv(_authorities(2), indicators=7, months=60).splitlines()
    assert lines[0] == "authority,indicator,month,value"
    lines[757] = lines[757].rsplit(",", 1)[0] + ",-3"  # row 758 as Excel numbers it
    loaded = panel_from_long_file("councils.csv", ("\n".join(lines) + "\n").encode(), today=TODAY)
    [bad] = [a for a in loaded.reports]
    assert loaded.authorities == [a for a in _authorities(2) if a != bad]
    [problem] = loaded.reports[bad].errors
    assert problem.location == "councils.csv, cell D758" and "the value is -3" in problem.message


def test_authority_names_with_a_bar_or_backslash_survive_the_ids():
    names = ["Bath | North East Somerset", "Back\\slash", "Trailing\\", "|", "Plain"]
    loaded = panel_from_long_file("councils.csv", hf.panel_csv(names, 2, 12).encode(), today=TODAY)
    assert loaded.authorities == sorted(names)
    ids = split_ids(loaded.long_frame()["unique_id"])
    assert set(ids["authority"]) == set(names) and set(ids["indicator"]) == {"IND00", "IND01"}
    assert set(loaded.compare("IND01")["authority"]) == set(names)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_split_ids_inverts_series_id(authority, indicator):
    ids = split_ids(pd.Series([series_id(authority, indicator)]))
    assert (ids["authority"][0], ids["indicator"][0]) == (authority, indicator)


def test_short_series_are_named_and_the_rest_kept():
    frame = pd.DataFrame(
        {
            "unique_id": [series_id("A|B", "M1")] * 3 + [series_id("C", "M1")] * 9,
            "ds": list(pd.date_range("2018-01-01", periods=3, freq="MS"))
            + list(pd.date_range("2018-01-01", periods=9, freq="MS")),
            "y": [1.0, None, 2.0] + [3.0] * 9,
        }
    )
    kept, short = drop_short_series(frame, 8)
    assert set(kept["unique_id"]) == {"C|M1"}
    assert short == [
        "A|B, M1: 2 month(s) with a value; at least 8 are needed to back-test and forecast, "
        "so it was not forecast"
    ]


def test_panel_command_forecasts_what_it_can_when_one_series_is_short(tmp_path):
    text = hf.panel_csv(["Long A", "Long B"], 1, 30) + "".join(
        f"Short C,IND00,2014-{m:02d},{m}\n" for m in range(4, 8)
    )
    source = tmp_path / "councils.csv"
    source.write_text(text)
    out = tmp_path / "forecasts.csv"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "forecasting",
            "panel",
            "--data",
            str(source),
            "--out",
            str(out),
            "--horizon",
            "3",
            "--jobs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    # the panel runs the single-council engine, which forecasts a 4-month series as `forecast` would
    # (simple models back-tested on what there is); only a series with no value at all is not forecast
    forecasts = pd.read_csv(out)
    assert set(forecasts["authority"]) == {"Long A", "Long B", "Short C"} and len(forecasts) == 3 * 3


MALFORMED = {
    "empty.csv": b"",
    "binary.csv": bytes(range(256)) * 40,
    "nul.csv": b"authority,indicator,month,value\nA,M1,2018-01,\x00\x00\n",
    "unclosed-quote.csv": b'authority,indicator,month,value\nA,M1,2018-01,5\n"B,M1,2018-02,6\n'
    b"B,M1,2018-03,7\n",
    "header-only.csv": b"authority,indicator,month,value\n",
    "no-value-column.csv": b"authority,indicator,month\nA,M1,2018-01\n",
    "wide.csv": b"authority,indicator,Jan-18,Feb-18\nA,M1,5,6\n",
    "ragged.csv": b"authority,indicator,month,value\nA,M1\nA,M1,2018-01,5,9,9,9\n,,,\nA\n",
    "semicolons.csv": b"authority;indicator;month;value\nA;M1;2018-01;5,5\n",
    "duplicate-headers.csv": b"authority,authority,indicator,month,value,value\nA,B,M1,2018-01,5,6\n",
    "no-authority-values.csv": b"authority,indicator,month,value\n,M1,2018-01,5\n,M1,2018-02,6\n",
    "digits.csv": b"authority,indicator,month,value\nA,M1,2018-01," + b"9" * 50_000 + b"x\n",
    "damaged.xlsx": b"PK\x03\x04" + b"\x00" * 200,
    "nosheet.xlsx": hf.workbook([], with_sheet=False),
    "inf.csv": b"authority,indicator,month,value\nA,M1,2018-01,1e309\nA,M1,2018-02,5\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_long_file_gets_located_messages_not_an_exception(name):
    loaded = panel_from_long_file(name, MALFORMED[name], today=TODAY)
    problems = [p for report in [*loaded.reports.values(), loaded.notes] for p in report.problems]
    assert problems, f"{name}: no message"
    assert all(p.file == name and p.message for p in problems)
    if not loaded.datasets:
        assert any(p.severity == "error" for p in problems)


def test_utf16_and_windows_1252_long_files_read_like_one_councils():
    text = "authority,indicator,month,value\nÅrhus,M1,2018-01,5\nÅrhus,M1,2018-02,6\n"
    for encoding in ("utf-16", "cp1252"):
        loaded = panel_from_long_file("x.csv", text.encode(encoding), today=TODAY)
        assert loaded.authorities == ["Århus"], encoding
