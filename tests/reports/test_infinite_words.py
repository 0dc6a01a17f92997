"""An infinite caseload (work to do, nobody in post) reads "no staff in post" in the CSV for people, the XLSX
and the app's tables alike (forecasting.reports.infinite); the data-contract CSV keeps `inf`. Toy tables by
hand: the LAC team with nobody in post carries 523 children (caseload and utilisation infinite), the MASH
103.561 contacts per worker; a queue with no ceiling and no triage (both infinite)."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from forecasting.reports import NO_STAFF_IN_POST, finite_or_words, per_worker_text, to_csv, to_xlsx
from forecasting.reports.infinite import infinite_cells, infinite_text

MONTHS = pd.to_datetime(["2018-07-01", "2018-08-01"])


def _by_team():
    return pd.DataFrame({"month": MONTHS, "team": ["lac", "mash"], "workload": [523.0, 1398.0],
                         "utilisation": [np.inf, 0.91], "caseload_per_worker": [np.inf, 103.561],
                         "ceiling": [np.inf, 2.0], "triage_threshold": [np.inf, 1.5], "backlog": [0.0, 3.0]})


def _rows(payload: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(payload)).worksheets[0].iter_rows(values_only=True))


def test_the_words_follow_what_the_column_means():
    assert infinite_text(np.inf, "caseload_per_worker") == NO_STAFF_IN_POST == "no staff in post"
    assert infinite_text(np.inf, "caseload_lac") == NO_STAFF_IN_POST
    assert infinite_text(np.inf, "utilisation") == NO_STAFF_IN_POST
    assert infinite_text(np.inf, "backlog_months") == NO_STAFF_IN_POST
    assert infinite_text(np.inf, "ceiling") == "no ceiling"
    assert infinite_text(np.inf, "triage_threshold") == "no triage"
    assert infinite_text(np.inf, "baseline", "caseload_cin_cp") == NO_STAFF_IN_POST  # a long table's row
    assert infinite_text(np.inf, "baseline", "lac") == "no limit"
    assert infinite_text(-np.inf, "anything") == "no lower limit"


def test_the_csv_for_people_says_no_staff_in_post_and_keeps_the_other_numbers():
    text = to_csv(_by_team(), words=True).decode("utf-8-sig").splitlines()
    assert text[0] == "Month,Team,Workload,Utilisation,Caseload per worker,Ceiling,Triage threshold,Backlog"
    assert text[1] == "2018-07,lac,523,no staff in post,no staff in post,no ceiling,no triage,0"
    assert text[2] == "2018-08,mash,1398,0.91,103.56,2,1.5,3"  # 2 decimals, no float noise, no "2.0"


def test_the_data_contract_csv_keeps_inf_for_programs():
    text = to_csv(_by_team()).decode("utf-8-sig").splitlines()
    assert text[1] == "2018-07,lac,523,inf,inf,inf,inf,0"
    back = pd.read_csv(io.BytesIO(to_csv(_by_team())), encoding="utf-8-sig")
    assert np.isinf(back.loc[0, "caseload_per_worker"])


@pytest.mark.parametrize("words", [True, False])
def test_the_xlsx_says_it_in_the_cell_and_formats_the_finite_ones(words):
    payload = to_xlsx({"caseload by team": _by_team()}, words=words)
    rows = _rows(payload)
    assert rows[1][1:] == ("lac", 523, NO_STAFF_IN_POST, NO_STAFF_IN_POST, "no ceiling", "no triage", 0)
    assert rows[2][4] == 103.561
    sheet = openpyxl.load_workbook(io.BytesIO(payload)).worksheets[0]
    assert sheet["E3"].number_format == "#,##0.0"  # the finite caseload keeps its format


def test_a_long_table_uses_each_rows_measure():
    long = pd.DataFrame({"measure": ["caseload_lac", "lac"], "month": MONTHS[:1].repeat(2),
                         "baseline": [np.inf, 10.0], "scenario": [np.inf, 9.0], "delta": [np.nan, -1.0]})
    csv = to_csv(long, words=True).decode("utf-8-sig").splitlines()
    assert csv[1].endswith(",2018-07,no staff in post,no staff in post,")  # the change inf - inf is blank
    assert csv[2].endswith(",2018-07,10,9,-1")
    rows = _rows(to_xlsx({"scenario": long}))  # measures in words there; the words still follow the code
    assert rows[1][2:] == (NO_STAFF_IN_POST, NO_STAFF_IN_POST, None)
    assert infinite_cells(long) == {"baseline": {0: NO_STAFF_IN_POST}, "scenario": {0: NO_STAFF_IN_POST}}


def test_the_app_table_says_the_same():
    from ui.scenario_compare import format_measure
    from ui.tables import table_styler

    html = table_styler(_by_team()).to_html()
    assert html.count(NO_STAFF_IN_POST) == 2 and "no ceiling" in html and "no triage" in html
    assert "inf" not in html.replace("info", "")
    assert "103.6" in html
    assert per_worker_text(np.inf) == NO_STAFF_IN_POST and per_worker_text(18.04) == "18.0"
    assert per_worker_text(np.nan) == "" and per_worker_text(None) == ""
    assert format_measure(np.inf, "cases") == NO_STAFF_IN_POST
    assert format_measure(18.04, "cases") == "18.0"
    assert finite_or_words("caseload_lac", str)(np.float64(np.inf)) == NO_STAFF_IN_POST
    assert finite_or_words("caseload_lac", str)(2.5) == "2.5"


def test_the_html_report_tables_say_it_too():
    from forecasting.reports import scenario_html_report

    page = scenario_html_report("Plan", [], {"Caseload by team": _by_team()})
    assert page.count(NO_STAFF_IN_POST) == 2 and "no ceiling" in page and "no triage" in page
    assert ">inf<" not in page
    assert "<td>104</td>" in page and "<td>1,398</td>" in page and "<td>2.0</td>" in page  # as before
