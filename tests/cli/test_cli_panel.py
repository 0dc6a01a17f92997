"""`forecasting panel`: every table it writes (CSV or XLSX) goes through the guarded writer, so an authority
named like a spreadsheet formula comes out as text."""
import csv
import io

import openpyxl
import pandas as pd
import pytest

from forecasting.cli.main import main
from forecasting.reports.exports import FORMULA_TRIGGERS

# ('|' separates authority from indicator in panel ids, so no name here has one)
EVIL = ['=HYPERLINK("http://evil.example","Click")', "+cmd /C calc!A0", "@SUM(A1)", "-2+3"]
AUTHORITIES = [*EVIL, "Southampton"]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def written(tmp_path_factory, embedded_dataset):
    """One panel run with formula-looking authority names: forecasts as CSV, back-test and targets as XLSX."""
    folder = tmp_path_factory.mktemp("panel")
    columns = {"unique_id": "indicator", "ds": "month", "y": "value"}
    frame = embedded_dataset.observations.rename(columns=columns)
    frame = frame[frame["indicator"].isin(["M1", "LAC1"])].copy()
    frame["month"] = frame["month"].dt.strftime("%Y-%m")
    long = pd.concat([frame.assign(authority=name) for name in AUTHORITIES])
    long = long[["authority", "indicator", "month", "value"]]
    source = folder / "councils.csv"
    source.write_text(long.to_csv(index=False), encoding="utf-8")
    outputs = {"forecasts": folder / "forecasts.csv", "backtest": folder / "backtest.xlsx",
               "targets": folder / "targets.xlsx"}
    code = main(["panel", "--data", str(source), "--jobs", "1", "--horizon", "3",
                 "--out", str(outputs["forecasts"]), "--backtest-out", str(outputs["backtest"]),
                 "--targets-out", str(outputs["targets"]), "--reference-side-tables"])
    assert code == 0
    return outputs


def test_forecasts_csv_cells_are_neutralised(written):
    rows = list(csv.reader(io.StringIO(written["forecasts"].read_bytes().decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    authorities = {row[header.index("authority")] for row in body}
    assert authorities == {"'" + name for name in EVIL} | {"Southampton"}
    cells = [cell for row in body for cell in row]
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS) and not _is_number(cell)]
    assert dangerous == []
    assert pd.api.types.is_numeric_dtype(pd.read_csv(written["forecasts"])["mean"])  # numbers stay numbers


@pytest.mark.parametrize("table", ["backtest", "targets"])
def test_xlsx_cells_are_text_never_formulas(written, table):
    sheet = openpyxl.load_workbook(written[table])[table]
    header = [cell.value for cell in sheet[1]]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    authorities = {row[header.index("Council")].value for row in sheet.iter_rows(min_row=2)}  # in words
    assert authorities == set(EVIL) | {"Southampton"}          # shown as typed, no visible apostrophe
    assert all(cell.data_type != "f" for cell in cells)
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_TRIGGERS)]
    assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky)   # text, never evaluated
