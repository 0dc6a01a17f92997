"""The export writer's one header decision (reports/exports.py docstring), on hand-made toys: XLSX for people
(words with units, coded values in words, number formats, months as dates), CSV the data contract (column
names, codes, YYYY-MM months) unless words are asked for (then chances as %, money whole, 2 decimals)."""
import io

import openpyxl
import pandas as pd
import pytest

from forecasting.errors import UserFacingError
from forecasting.reports.exports import to_csv, to_xlsx, write_table

TOY = pd.DataFrame({
    "measure": ["lac", "net_cost"],
    "month": pd.to_datetime(["2020-03-01", "2020-04-01"]),
    "probability_met": [0.4444, 0.0],
    "net_cost": [1234.56, -99.5],
    "mean": [1432.9999999999998, 2.345],
})


def _csv_rows(data: bytes) -> list[str]:
    return data.decode("utf-8-sig").splitlines()


def test_csv_keeps_the_contract_by_default():
    rows = _csv_rows(to_csv(TOY))
    assert rows[0] == "measure,month,probability_met,net_cost,mean"
    # months as YYYY-MM, codes kept, float noise gone (12 significant digits), nothing else rounded
    assert rows[1:] == ["lac,2020-03,0.4444,1234.56,1433", "net_cost,2020-04,0,-99.5,2.345"]


def test_csv_in_words_for_people():
    rows = _csv_rows(to_csv(TOY, words=True))
    assert rows == [
        "Measure,Month,Chance of meeting the target (%),Net cost (£),Central forecast",
        # chance 0.4444 -> 44.4 (its header says %); money whole (1234.56 -> 1235); 1433 without the noise
        "Children in care (count at month end),2020-03,44.4,1235,1433",
        # -99.5 -> -100 (round half to even); 2.345 to 2 decimals -> 2.35 (numpy rounds it up)
        '"Net cost: placements, staffing, delivery and allowances (£ in the month)",2020-04,0,-100,2.35',
    ]


def test_xlsx_in_words_with_formats_by_default():
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx({"t": TOY})))["t"]
    assert [c.value for c in sheet[1]] == ["Measure", "Month", "Chance of meeting the target (%)",
                                          "Net cost (£)", "Central forecast"]
    measure, month, chance, cost, _mean = sheet[2]
    assert measure.value == "Children in care (count at month end)"
    assert month.value.year == 2020 and month.value.month == 3 and month.number_format == "mmm-yy"
    assert chance.value == pytest.approx(0.4444) and chance.number_format == "0%"      # shown 44%
    assert cost.value == pytest.approx(1234.56) and cost.number_format == '"£"#,##0'  # shown £1,235
    assert sheet.freeze_panes == "A2"


def test_xlsx_with_codes_when_a_program_reads_it_back():
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx({"t": TOY}, words=False)))["t"]
    assert [c.value for c in sheet[1]] == list(TOY.columns) and sheet["A2"].value == "lac"


def test_write_table_chooses_by_format_and_headers(tmp_path):
    write_table(TOY, tmp_path / "a.csv")
    write_table(TOY, tmp_path / "b.xlsx")
    write_table(TOY, tmp_path / "c.csv", headers="words")
    write_table(TOY, tmp_path / "d.xlsx", headers="codes")
    assert _csv_rows((tmp_path / "a.csv").read_bytes())[0].startswith("measure,month")
    assert openpyxl.load_workbook(tmp_path / "b.xlsx")["data"]["A1"].value == "Measure"
    write_table(TOY, tmp_path / "f.xlsx", sheet="targets")
    about = openpyxl.load_workbook(tmp_path / "f.xlsx")["About"]
    assert [c.value for c in about[2]][:2] == ["targets", 2] and about["C2"].value.startswith("Every target")
    assert _csv_rows((tmp_path / "c.csv").read_bytes())[0].startswith("Measure,Month")
    assert openpyxl.load_workbook(tmp_path / "d.xlsx")["data"]["A1"].value == "measure"
    with pytest.raises(UserFacingError, match="--headers both: choose one of codes, words"):
        write_table(TOY, tmp_path / "e.csv", headers="both")
