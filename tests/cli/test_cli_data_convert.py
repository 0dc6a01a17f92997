"""`python -m forecasting data convert`: monthly values of any accepted input, SSDA903 folders included."""

from __future__ import annotations

import pandas as pd

from forecasting.cli.main import main
from forecasting.data import EMBEDDED_DATASET

EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "1,10/04/2017,S,C2,N1,U4,PR4,15/06/2017,E4A\n2,01/05/2017,S,C2,N1,K2,PR4,,\n"
)
HEADER = "CHILD,SEX,DOB\n1,1,15/06/2010\n2,2,01/01/2004\n"


def test_convert_a_903_folder_writes_indicator_month_value(tmp_path, capsys):
    (tmp_path / "903").mkdir()
    (tmp_path / "903" / "episodes.csv").write_text(EPISODES)
    (tmp_path / "903" / "header.csv").write_text(HEADER)
    out = tmp_path / "observations.csv"
    assert main(["data", "convert", str(tmp_path / "903"), "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns) == ["indicator", "month", "value"]
    lac1 = table[table["indicator"] == "LAC1"].set_index("month")["value"]
    assert lac1[["2017-04", "2017-05", "2017-06", "2017-07"]].tolist() == [1, 2, 1, 1]
    assert (
        table.loc[(table["indicator"] == "PL-RESIDENTIAL") & (table["month"] == "2017-05"), "value"].item()
        == 1
    )
    assert "CHILD" not in out.read_text()  # aggregates only
    assert (
        main(["data", "convert", str(tmp_path / "903"), "--out", str(out)]) == 2
    )  # no silent overwrite


def test_convert_a_scorecard_folder_round_trips(tmp_path):
    out = tmp_path / "observations.csv"
    assert main(["data", "convert", str(EMBEDDED_DATASET), "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig", dtype={"month": str})
    original = pd.read_csv(EMBEDDED_DATASET / "observations.csv", dtype={"month": str})
    merged = original.merge(table, on=["indicator", "month"], suffixes=("", "_converted"))
    assert len(merged) == len(original)
    assert (merged["value"].fillna(-1) == merged["value_converted"].fillna(-1)).all()


def test_convert_several_authorities_adds_an_authority_column(tmp_path):
    (tmp_path / "episodes.csv").write_text(
        "LA,CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
        "North,1,10/04/2017,S,C2,N1,U4,PR4,,\nSouth,1,10/04/2017,S,C2,N1,K2,PR4,,\n"
    )
    (tmp_path / "header.csv").write_text("LA,CHILD,SEX,DOB\nNorth,1,1,01/01/2010\nSouth,1,1,01/01/2010\n")
    out = tmp_path / "out.csv"
    assert main(["data", "convert", str(tmp_path), "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns) == ["authority", "indicator", "month", "value"]
    assert set(table["authority"]) == {"North", "South"}
    one = tmp_path / "south.csv"
    assert main(["data", "convert", str(tmp_path), "--la", "South", "--out", str(one)]) == 0
    assert list(pd.read_csv(one, encoding="utf-8-sig").columns) == ["indicator", "month", "value"]


def test_convert_a_903_workbook_with_one_table_per_sheet(tmp_path):
    import io

    workbook = tmp_path / "return-2017-18.xlsx"
    with pd.ExcelWriter(workbook) as writer:
        pd.read_csv(io.StringIO(EPISODES), dtype=str).to_excel(writer, sheet_name="episodes", index=False)
        pd.read_csv(io.StringIO(HEADER), dtype=str).to_excel(writer, sheet_name="header", index=False)
    out = tmp_path / "observations.csv"
    assert main(["data", "convert", str(workbook), "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert table.loc[(table["indicator"] == "LAC1") & (table["month"] == "2017-05"), "value"].item() == 2
