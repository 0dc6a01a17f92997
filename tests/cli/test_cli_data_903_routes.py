"""SSDA903 inputs through every `--data` route (issue 17): one 903 workbook as `--data FILE.xlsx`, a
multi-LA 903 folder or workbook as `panel --data`, and `data check` / `data convert` on both. Hand-made files:
each month-end count below is worked out from the episodes by hand."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from forecasting.cli.main import main
from forecasting.data import check_path, load_data_option
from forecasting.data.panel import load_panel, split_ids

# One authority: child 1 in IFA (U4, PR4) from 10/04/2017, home 15/06/2017; child 2 in residential (K2)
# from 01/05/2017, still in care. Month ends: Apr 1 (child 1), May 2, Jun 1 (child 2), then 1 to Mar 2018.
EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "1,10/04/2017,S,C2,N1,U4,PR4,15/06/2017,E4A\n2,01/05/2017,S,C2,N1,K2,PR4,,\n"
)
HEADER = "CHILD,SEX,DOB\n1,1,15/06/2010\n2,2,01/01/2004\n"
# Two authorities: North has one child in IFA; South two in residential, all from 10/04/2017, all in care.
LA_EPISODES = (
    "LA,CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "North,1,10/04/2017,S,C2,N1,U4,PR4,,\nSouth,1,10/04/2017,S,C2,N1,K2,PR4,,\n"
    "South,2,10/04/2017,S,C2,N1,K2,PR4,,\n"
)
LA_HEADER = "LA,CHILD,SEX,DOB\nNorth,1,1,01/01/2010\nSouth,1,1,01/01/2010\nSouth,2,2,01/01/2012\n"


def _workbook(path, episodes: str, header: str):
    with pd.ExcelWriter(path) as writer:
        pd.read_csv(io.StringIO(episodes), dtype=str).to_excel(writer, sheet_name="episodes", index=False)
        pd.read_csv(io.StringIO(header), dtype=str).to_excel(writer, sheet_name="header", index=False)
    return path


@pytest.fixture
def one_workbook(tmp_path):
    return _workbook(tmp_path / "return-2017-18.xlsx", EPISODES, HEADER)


@pytest.fixture
def la_folder(tmp_path):
    folder = tmp_path / "903"
    folder.mkdir()
    (folder / "episodes.csv").write_text(LA_EPISODES)
    (folder / "header.csv").write_text(LA_HEADER)
    return folder


def test_one_903_workbook_is_a_data_option_like_a_folder(one_workbook):
    dataset = load_data_option(str(one_workbook))
    lac1 = dataset.series("LAC1")
    assert lac1[["2017-04-01", "2017-05-01", "2017-06-01", "2018-03-01"]].tolist() == [1, 2, 1, 1]
    assert dataset.series("PL-RESIDENTIAL").loc["2017-05-01"] == 1
    assert dataset.series("PL-IFA").loc["2017-04-01"] == 1


def test_data_check_accepts_a_903_workbook(one_workbook, capsys):
    assert main(["data", "check", str(one_workbook)]) == 0
    assert "last month Mar-18" in capsys.readouterr().out


def test_a_903_workbook_with_a_bad_date_is_a_located_error(tmp_path):
    bad = EPISODES.replace("01/05/2017", "31/02/2017")
    dataset, report = check_path(_workbook(tmp_path / "bad.xlsx", bad, HEADER))
    assert dataset is None
    error = next(p for p in report.errors if p.column == "DECOM" or "DECOM" in p.message)
    assert error.sheet == "episodes" and error.row == 3


def test_panel_reads_a_multi_la_903_folder(la_folder):
    panel = load_panel(la_folder)
    assert panel.authorities == ["North", "South"]
    assert panel.datasets["South"].series("PL-RESIDENTIAL").loc["2017-04-01"] == 2
    assert panel.datasets["North"].series("PL-IFA").loc["2017-04-01"] == 1
    ids = split_ids(panel.long_frame()["unique_id"])
    assert set(ids["authority"]) == {"North", "South"}


def test_panel_reads_a_multi_la_903_workbook(tmp_path):
    panel = load_panel(_workbook(tmp_path / "all.xlsx", LA_EPISODES, LA_HEADER))
    assert panel.authorities == ["North", "South"]
    assert panel.datasets["South"].series("LAC1").loc["2018-03-01"] == 2


def test_a_blocking_903_error_leaves_out_its_authority_only(la_folder):
    (la_folder / "episodes.csv").write_text(LA_EPISODES.replace("South,2,10/04/2017", "South,2,99/99/2017"))
    panel = load_panel(la_folder)
    assert panel.authorities == ["North"] and list(panel.reports) == ["South"]
    [problem] = panel.reports["South"].errors
    assert (problem.file, problem.row, problem.column) == ("episodes.csv", 4, "C")  # DECOM is column C
    assert panel.datasets["North"].series("PL-IFA").loc["2017-04-01"] == 1


def test_panel_command_forecasts_every_la_of_a_903_folder(la_folder, tmp_path, capsys):
    out = tmp_path / "forecasts.csv"
    assert main(["panel", "--data", str(la_folder), "--out", str(out), "--horizon", "3", "--jobs", "1"]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert set(table["authority"]) == {"North", "South"}
    assert {"LAC1", "PL-RESIDENTIAL"} <= set(table["indicator"])
    assert "2 authorities" in capsys.readouterr().out


def test_convert_a_multi_la_903_workbook_and_one_la_of_it(tmp_path):
    workbook = _workbook(tmp_path / "all.xlsx", LA_EPISODES, LA_HEADER)
    out = tmp_path / "all.csv"
    assert main(["data", "convert", str(workbook), "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    south = table[(table["authority"] == "South") & (table["indicator"] == "LAC1")]
    assert south.set_index("month").loc["2017-04", "value"] == 2
    one = tmp_path / "north.csv"
    assert main(["data", "convert", str(workbook), "--la", "North", "--out", str(one)]) == 0
    north = pd.read_csv(one, encoding="utf-8-sig")
    assert list(north.columns) == ["indicator", "month", "value"]
    assert north.loc[(north["indicator"] == "PL-IFA") & (north["month"] == "2017-04"), "value"].item() == 1
