"""The staffing plan sheet reader: the layout the tool writes reads back, loose headings and team words, and
every problem located (file, sheet, cell) with what was expected."""

import pytest

from forecasting.data.staffing_sheet import column_letter, read_staffing_sheet, team_of
from forecasting.reports.exports import to_csv, to_xlsx

GOOD = (
    "team,establishment_fte,vacancies_fte,agency_fte,turnover_pct,months_to_full_caseload,asye_fte\n"
    "mash,14,1,0.5,15,6,0\nassessment,24,2,1,15,6,1\ncin_cp,80,6,3,15,6,4\nlac,34,2,1,15,6,0\n"
    "early_help,20,0,0,10,3,0\n"
)


def test_reads_the_plan_with_every_column():
    sheet, report = read_staffing_sheet("plan.csv", GOOD.encode())
    assert report.ok and not report.warnings
    assert sheet.values["cin_cp"] == {
        "establishment_fte": 80,
        "vacancies_fte": 6,
        "agency_fte": 3,
        "turnover_pct": 15,
        "months_to_full_caseload": 6,
        "asye_fte": 4,
    }
    assert sheet.cells[("cin_cp", "agency_fte")] == (4, "D")


def test_loose_headings_team_words_and_filled_posts():
    text = (
        "Staffing plan 2018\n\nTeam,Establishment (FTE),Filled posts,Agency,Turnover %\n"
        "MASH / front door,14,13,0.5,15%\nCIN/CP,80,74,3,15\nLooked-after children,34,32,1,12\n"
    )
    sheet, report = read_staffing_sheet("plan.csv", text.encode())
    assert report.ok
    assert sheet.values["mash"] == {
        "establishment_fte": 14,
        "vacancies_fte": 1,
        "agency_fte": 0.5,
        "turnover_pct": 15,
    }
    assert sheet.values["lac"]["vacancies_fte"] == 2
    missing = {p.message for p in report.warnings}
    assert "No row for assessment: its current plan is kept." in missing
    assert (
        team_of("Early Help family workers") == "early_help" and team_of("CIN / child protection") == "cin_cp"
    )
    assert team_of("Fostering") is None and column_letter(27) == "AB"


def test_every_problem_is_located():
    text = (
        "team,establishment_fte,filled_fte,vacancies_fte,agency_fte,turnover_pct\n"
        "mash,14,13,1,lots,15\nsocial,10,9,1,0,15\ncin_cp,80,70,5,3,15\nlac,34,,40,1,150\nmash,14,13,1,0,15\n"
    )
    sheet, report = read_staffing_sheet("plan.csv", text.encode())
    assert sheet is None and not report.ok
    where = {(p.code, p.row, p.column) for p in report.errors}
    assert ("not_a_number", 2, "E") in where  # agency 'lots'
    assert ("unknown_team", 3, "A") in where
    assert ("inconsistent", 4, "D") in where  # 80 - 70 is not 5
    assert ("out_of_range", 5, "F") in where  # turnover 150%
    assert ("vacancies_above_establishment", 5, "D") in where  # 40 of 34
    assert ("duplicate_team", 6, "A") in where
    text_report = report.as_text()
    assert "plan.csv" in text_report and "cell E2" in text_report


def test_not_a_plan():
    assert not read_staffing_sheet("plan.csv", b"indicator,month,value\nM1,2018-01,5\n")[1].ok
    sheet, report = read_staffing_sheet("plan.png", b"\x89PNG\r\n\x1a\n....")
    assert sheet is None and "PNG" in report.errors[0].message
    sheet, report = read_staffing_sheet("plan.csv", b"team,vacancies_fte\nmash,1\n")
    assert sheet is None and report.errors[0].code == "missing_column"


@pytest.mark.parametrize("writer", ["csv", "xlsx"])
def test_the_sheet_the_tool_writes_reads_back(writer):
    from forecasting.planning.parameters import load_parameters
    from forecasting.planning.staffing_plan import plan_table

    table = plan_table(load_parameters())
    content = to_csv(table) if writer == "csv" else to_xlsx({"staffing plan": table}, words=False)
    sheet, report = read_staffing_sheet(f"plan.{writer}", content)
    assert report.ok, report.as_text()
    for row in table.itertuples():
        values = sheet.values[row.team]
        assert values["establishment_fte"] == pytest.approx(row.establishment_fte)
        assert values["vacancies_fte"] == pytest.approx(row.vacancies_fte)
        assert values["turnover_pct"] == pytest.approx(row.turnover_pct)  # 15, not 1,500 (quoted % format)


def test_excel_percentages_are_read_as_percent(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["team", "establishment_fte", "turnover_pct"])
    sheet.append(["lac", 34, 0.12])
    sheet["C2"].number_format = "0%"
    path = tmp_path / "plan.xlsx"
    book.save(path)
    read, report = read_staffing_sheet("plan.xlsx", path.read_bytes())
    assert report.ok and read.values["lac"]["turnover_pct"] == pytest.approx(12)
