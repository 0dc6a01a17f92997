"""Exports: XLSX/CSV neutralise formula injection; the HTML report is standalone and escapes text."""
import io
from datetime import datetime

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from forecasting.reports.exports import (
    neutralise_cell,
    scenario_html_report,
    to_csv,
    to_xlsx,
)

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_neutralise_cell_prefixes_formula_triggers(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Referrals", "a=b", "", 5, -3.5, None])
def test_neutralise_cell_leaves_safe_values(value):
    assert neutralise_cell(value) == value


def _workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_to_xlsx_neutralises_every_text_cell_and_header():
    frame = pd.DataFrame({"=evil header": DANGEROUS, "value": range(len(DANGEROUS))})
    book = _workbook(to_xlsx({"scenario": frame}))
    sheet = book["scenario"]
    assert sheet.cell(1, 1).value == "=evil header" and sheet.cell(1, 1).data_type == "s"
    assert sheet.cell(1, 1).quotePrefix
    cells = [sheet.cell(row, 1) for row in range(2, len(DANGEROUS) + 2)]
    # shown as typed (no visible apostrophe): XML storage turns a bare CR into LF on reading back
    assert [cell.value.replace("\n", "\r") for cell in cells] == DANGEROUS
    assert all(cell.data_type == "s" for cell in cells)  # text, never a formula ("f")
    assert all(cell.quotePrefix for cell in cells)      # Excel's "text, not a formula" style
    # numbers stay numbers, including negatives
    assert [sheet.cell(row, 2).value for row in range(2, len(DANGEROUS) + 2)] == list(range(len(DANGEROUS)))


def test_to_xlsx_keeps_negative_numbers_and_dates_as_values():
    frame = pd.DataFrame({"month": pd.to_datetime(["2018-06-01"]), "change": [-12.5]})
    sheet = _workbook(to_xlsx({"t": frame}))["t"]
    assert sheet.cell(2, 2).value == -12.5
    assert isinstance(sheet.cell(2, 1).value, datetime)


def test_to_xlsx_makes_sheet_names_valid_and_unique():
    frames = {"a/b:c" * 10: pd.DataFrame({"x": [1]}), "A/B:C" * 10: pd.DataFrame({"x": [2]})}
    names = _workbook(to_xlsx(frames)).sheetnames
    assert len(names) == 3 and len({n.lower() for n in names}) == 3 and names[-1] == "About"
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_to_xlsx_writes_named_index_as_a_column():
    frame = pd.DataFrame({"value": [1.0, 2.0]}, index=pd.Index(["M1", "M2"], name="indicator"))
    sheet = _workbook(to_xlsx({"t": frame}, words=False))["t"]
    assert [sheet.cell(1, c).value for c in (1, 2)] == ["indicator", "value"]       # codes, to read back
    worded = _workbook(to_xlsx({"t": frame}))["t"]
    assert [worded.cell(1, c).value for c in (1, 2)] == ["Indicator code", "Value"]  # for people: default
    assert sheet.cell(3, 1).value == "M2"


def test_to_xlsx_rejects_nothing_to_write():
    with pytest.raises(ValueError, match="at least one table"):
        to_xlsx({})


def test_to_csv_neutralises_and_round_trips_numbers():
    frame = pd.DataFrame({"note": ["=cmd|' /C calc'!A0", "fine"], "value": [-1.5, 2.0]})
    back = pd.read_csv(io.BytesIO(to_csv(frame)), encoding="utf-8-sig")
    assert back["note"].tolist() == ["'=cmd|' /C calc'!A0", "fine"]
    assert back["value"].tolist() == [-1.5, 2.0]


def test_scenario_html_report_is_standalone_and_escapes_text():
    figure = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="LAC"))
    html_text = scenario_html_report(
        title="Edge of care <script>alert(1)</script>",
        figures=[("Looked-after children", figure), ("Second <b>chart</b>", figure)],
        tables={"Summary": pd.DataFrame({"measure": ["<img src=x onerror=alert(1)>"], "value": [390.0]})},
        notes=["Assumes <i>10%</i> fewer entries"],
        generated_at=datetime(2026, 11, 22, 10, 30),
        data_source="upload.csv",
        interactive=True,
    )
    assert html_text.startswith("<!DOCTYPE html>")
    assert "<script>alert(1)</script>" not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "<img src=x" not in html_text and "&lt;img src=x" in html_text
    assert "<i>10%</i>" not in html_text and "<b>chart</b>" not in html_text
    # plotly.js is inlined exactly once (no CDN), so the file opens offline
    assert '<script src="http' not in html_text and "<script src='http" not in html_text
    assert html_text.count("plotly.js v") == 1
    assert html_text.count('class="plotly-graph-div"') == 2
    assert "22 November 2026 10:30" in html_text and "upload.csv" in html_text
    assert "390" in html_text
