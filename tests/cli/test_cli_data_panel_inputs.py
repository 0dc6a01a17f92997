"""`data check` and `data convert` on many-authority inputs (a long file with an authority column, a folder of
one file per authority), and the one-council reader's single clear message for such a file (issue 18)."""

from __future__ import annotations

import pandas as pd

from forecasting.cli.main import main
from forecasting.data import check_path

# Two authorities, 3 months of M1; North's Jan value is text (an error located at D3), South is clean.
LONG = (
    "authority,indicator,month,value\n"
    "North,M1,2018-01,x5\nNorth,M1,2018-02,6\nNorth,M1,2018-03,7\n"
    "South,M1,2018-01,10\nSouth,M1,2018-02,11\nSouth,M1,2018-03,12\n"
)


def test_data_check_of_a_long_panel_file_checks_each_authority(tmp_path, capsys):
    path = tmp_path / "councils.csv"
    path.write_text(LONG.replace("x5", "5"))
    assert main(["data", "check", str(path), "--today", "2018-07-01"]) == 0
    out = capsys.readouterr().out
    assert "2 of 2 authorities can be used." in out
    assert "given more than once" not in out


def test_data_check_names_the_refused_authority_and_the_cell(tmp_path, capsys):
    path = tmp_path / "councils.csv"
    path.write_text(LONG)
    assert main(["data", "check", str(path), "--today", "2018-07-01"]) == 1
    out = capsys.readouterr().out
    assert "North: not used" in out and "cell D2" in out and "'x5' for M1 is not a number" in out
    assert "1 of 2 authorities can be used; not used: North." in out


def test_data_check_of_a_folder_of_one_file_per_authority(tmp_path, capsys):
    for name, values in (("Northshire", (5, 6, 7)), ("Southshire", (10, 11, 12))):
        rows = "".join(f"M1,2018-0{m},{v}\n" for m, v in zip((1, 2, 3), values, strict=True))
        (tmp_path / f"{name}.csv").write_text("indicator,month,value\n" + rows)
    assert main(["data", "check", str(tmp_path), "--today", "2018-07-01"]) == 0
    assert "2 of 2 authorities can be used." in capsys.readouterr().out


def test_convert_a_long_panel_file_keeps_the_authority_column(tmp_path):
    path = tmp_path / "councils.csv"
    path.write_text(LONG.replace("x5", "5"))
    out = tmp_path / "out.csv"
    assert main(["data", "convert", str(path), "--out", str(out), "--today", "2018-07-01"]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns) == ["authority", "indicator", "month", "value"]
    assert table[table["authority"] == "South"]["value"].tolist() == [10, 11, 12]
    one = tmp_path / "north.csv"
    today = ["--today", "2018-07-01"]
    assert main(["data", "convert", str(path), "--la", "North", "--out", str(one), *today]) == 0
    assert pd.read_csv(one, encoding="utf-8-sig")["value"].tolist() == [5, 6, 7]


def test_convert_refuses_a_panel_with_a_refused_authority_unless_one_usable_la_is_chosen(tmp_path):
    path = tmp_path / "councils.csv"
    path.write_text(LONG)
    today = ["--today", "2018-07-01"]
    assert main(["data", "convert", str(path), "--out", str(tmp_path / "all.csv"), *today]) == 1
    assert not (tmp_path / "all.csv").exists()
    south = str(tmp_path / "s.csv")
    assert main(["data", "convert", str(path), "--la", "South", "--out", south, *today]) == 0


def test_a_one_council_command_says_the_file_holds_several_authorities(tmp_path):
    path = tmp_path / "councils.csv"
    path.write_text(LONG.replace("x5", "5"))
    dataset, report = check_path(path, today="2018-07-01")
    assert dataset is None
    assert [p.code for p in report.errors] == ["several_authorities"]
    assert "2 authorities (North, South)" in report.errors[0].message
    assert "panel --data councils.csv" in report.errors[0].hint


def test_one_authority_with_an_authority_column_is_still_one_councils_file(tmp_path):
    path = tmp_path / "north.csv"
    path.write_text("authority,indicator,month,value\nNorth,M1,2018-01,5\nNorth,M1,2018-02,6\n")
    dataset, report = check_path(path, today="2018-07-01")
    assert dataset is not None, report.as_text()
    assert dataset.series("M1").tolist() == [5, 6]
