"""Every command on SSDA903 files of three authorities where one has a blocking error: `data check` and
`data convert` report it located and keep the others, `panel --data` forecasts the others, `care --la`
projects and back-tests each usable authority and refuses the bad one in words. A file where every
authority is bad stops with all the errors."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from forecasting.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("episodes", "header", "uasc")
# The hand-made toy of tests/data/test_ssda903_authorities.py: North and East fine, South's child 2 has
# DECOM '99/99/2017' (episodes.csv row 5, column C).
EPISODES = "LA,CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n" + (
    "North,1,10/04/2017,S,C2,N1,U4,PR4,,\n"
    "North,2,01/05/2017,S,C2,N1,K2,PR4,15/06/2017,E4A\n"
    "South,1,10/04/2017,S,C2,N1,K2,PR4,,\n"
    "South,2,99/99/2017,S,C2,N1,K2,PR4,,\n"
    "East,1,10/04/2017,S,C2,N1,U1,,,\n"
    "East,2,20/04/2017,S,C2,N1,U4,PR1,10/05/2017,E11\n"
)
HEADER = "LA,CHILD,SEX,DOB\n" + "".join(
    f"{la},{child},1,01/01/2010\n" for la in ("North", "South", "East") for child in (1, 2)
)


def _generator():
    spec = importlib.util.spec_from_file_location("synthetic_903", ROOT / "tools" / "synthetic_903.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def three_las(tmp_path_factory) -> tuple[Path, int]:
    """(folder, bad row): two SYNTHETIC collection years (2020-21, 2021-22) of three small councils, one
    folder per year with an LA column; one of South's rows in 2021/episodes.csv has DECOM '31/02/2021'."""
    generator = _generator()
    base = tmp_path_factory.mktemp("three")
    for la, seed in (("North", 1), ("South", 2), ("East", 3)):
        generator.generate(base / la, first_year=2020, last_year=2021, seed=seed,
                           settings=generator.Assumptions(children=40))
    out, bad_row = base / "903", 0
    for year in ("2020", "2021"):
        (out / year).mkdir(parents=True)
        for table in TABLES:
            frames = [pd.read_csv(base / la / year / f"{table}.csv", dtype=str, keep_default_na=False)
                      .assign(LA=la) for la in ("North", "South", "East")]
            frame = pd.concat(frames, ignore_index=True)
            if table == "episodes" and year == "2021":
                south = frame.index[frame["LA"] == "South"][2]
                frame.loc[south, "DECOM"] = "31/02/2021"
                bad_row = int(south) + 2  # the file's own row number (row 1 is the header)
            frame[["LA", *[c for c in frame.columns if c != "LA"]]].to_csv(out / year / f"{table}.csv",
                                                                           index=False)
    return out, bad_row


def test_data_check_lists_the_bad_authority_located_and_keeps_the_others(three_las, capsys):
    three_las, bad_row = three_las
    assert main(["data", "check", str(three_las)]) == 1  # not every authority can be used
    out = capsys.readouterr().out
    assert f"2021/episodes.csv, cell C{bad_row}: DECOM '31/02/2021' is not a date" in out  # LA A, CHILD B
    assert "South: not used" in out and "2 of 3 authorities can be used; not used: South." in out


def test_data_convert_writes_the_usable_authorities_on_request(three_las, tmp_path, capsys):
    three_las, _row = three_las
    everything = tmp_path / "all.csv"
    assert main(["data", "convert", str(three_las), "--out", str(everything)]) == 1
    assert not everything.exists() and "--usable-only" in capsys.readouterr().out
    assert main(["data", "convert", str(three_las), "--out", str(everything), "--usable-only"]) == 0
    table = pd.read_csv(everything, encoding="utf-8-sig")
    assert set(table["authority"]) == {"East", "North"}
    one = tmp_path / "north.csv"
    assert main(["data", "convert", str(three_las), "--la", "North", "--out", str(one)]) == 0
    north = pd.read_csv(one, encoding="utf-8-sig")
    merged = north.merge(table[table["authority"] == "North"], on=["indicator", "month"])
    assert len(merged) == len(north) and (merged["value_x"] == merged["value_y"]).all()


def test_care_projects_and_back_tests_each_usable_authority(three_las, tmp_path, capsys):
    three_las, _row = three_las
    for la in ("North", "East"):
        out = tmp_path / f"{la}.csv"
        assert main(["care", "--data", str(three_las), "--la", la, "--horizon", "12", "--rewind", "6",
                     "--sims", "50", "--out", str(out)]) == 0
        printed = capsys.readouterr().out
        assert "South: not used" in printed and "2 of 3 authorities can be used." in printed
        assert "Start stock at the end of Mar 2022" in printed and "Back-test: rewound to Sep 2021" in printed
        assert set(pd.read_csv(out, encoding="utf-8-sig")["indicator"]) >= {"LAC1", "PL-IFA"}


def test_care_refuses_the_bad_authority_in_words(three_las, tmp_path, capsys):
    three_las, _row = three_las
    code = main(["care", "--data", str(three_las), "--la", "South", "--out", str(tmp_path / "s.csv")])
    assert code == 2
    assert "South cannot be used: its rows have blocking errors" in capsys.readouterr().err


def test_panel_forecasts_the_usable_authorities(tmp_path, capsys):
    folder = tmp_path / "903"
    folder.mkdir()
    (folder / "episodes.csv").write_text(EPISODES)
    (folder / "header.csv").write_text(HEADER)
    out = tmp_path / "forecasts.csv"
    assert main(["panel", "--data", str(folder), "--out", str(out), "--horizon", "3", "--jobs", "1"]) == 0
    printed = capsys.readouterr().out
    assert "South: not used" in printed and "cell C5" in printed
    assert set(pd.read_csv(out, encoding="utf-8-sig")["authority"]) == {"East", "North"}


def test_every_authority_bad_stops_every_command(tmp_path, capsys):
    folder = tmp_path / "903"
    folder.mkdir()
    (folder / "episodes.csv").write_text(EPISODES.replace(",10/04/2017,", ",10/14/2017,"))
    (folder / "header.csv").write_text(HEADER)
    assert main(["data", "check", str(folder)]) == 1
    printed = capsys.readouterr().out
    assert "0 of 3 authorities can be used" in printed
    assert all(f"{la}: not used" in printed for la in ("North", "South", "East"))
    assert main(["panel", "--data", str(folder), "--out", str(tmp_path / "f.csv")]) == 2
    assert "No authority's data could be used" in capsys.readouterr().err
    assert main(["care", "--data", str(folder), "--out", str(tmp_path / "c.csv")]) == 1
    assert main(["data", "convert", str(folder), "--out", str(tmp_path / "o.csv"), "--usable-only"]) == 1
    assert not (tmp_path / "o.csv").exists()
