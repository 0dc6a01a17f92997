"""SSDA903 reader: located validation, cleaning across returns, and the monthly indicators (hand-computed)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from forecasting.data import check_path
from forecasting.data.ssda903_config import completed_years, placement_type
from forecasting.data.ssda903_load import load_903, load_903_path

EPISODE_HEAD = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"
HEADER = (
    "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
    "1,1,15/06/2010,WBRI,,,\n2,2,01/01/2016,WBRI,,,\n3,1,10/05/2002,WBRI,,,\n"
)


def _files(episodes: str, header: str = HEADER, name: str = "2018/episodes.csv") -> list[tuple[str, bytes]]:
    return [(name, (EPISODE_HEAD + "\n" + episodes).encode()), ("2018/header.csv", header.encode())]


def _series(loaded, code: str) -> pd.Series:
    dataset = next(iter(loaded.datasets.values()))
    return dataset.series(code)


def test_placement_types_follow_the_cited_place_and_provider_rules():
    assert placement_type("U4", "PR1") == "in_house_fostering"
    assert placement_type("U6", "PR3") == "in_house_fostering"
    assert placement_type("U5", "PR4") == "ifa"
    assert placement_type("U2", "") == "kinship"
    assert placement_type("K2", "PR4") == "residential"
    assert placement_type("S1", "PR1") == "residential"
    assert placement_type("H5", "PR4") == "supported"
    assert placement_type("P1", "PR0") == "placed_with_parents"
    assert placement_type("A5", "PR1") == "other"
    assert placement_type("U4", "PR0") == "other"  # SF-R: foster code with parent provider falls to Other


def test_age_in_completed_years_counts_the_birthday_itself():
    dob = pd.Series(pd.to_datetime(["2010-06-15", "2010-06-15"]))
    on = pd.Series(pd.to_datetime(["2018-06-14", "2018-06-15"]))
    assert completed_years(dob, on).tolist() == [7.0, 8.0]


def test_month_end_stocks_entries_exits_and_types_by_hand():
    # child 1: enters 10/04/2017 in IFA, moves 20/05/2017 to residential, leaves 15/07/2017 home (E4A)
    # child 2: enters 31/05/2017 in-house fostering, still in care;
    # child 3: enters 01/06/2017 supported, leaves 30/06/2017 at 16+ (E6): not in care at that month end
    episodes = (
        "1,10/04/2017,S,C2,N1,U4,PR4,20/05/2017,X1,PLACE,,,\n"
        "1,20/05/2017,P,C2,N1,K2,PR4,15/07/2017,E4A,,,,\n"
        "2,31/05/2017,S,C1,N1,U4,PR1,,,,,,\n"
        "3,01/06/2017,S,V2,N1,H5,PR4,30/06/2017,E6,,,,\n"
    )
    loaded = load_903(_files(episodes))
    assert loaded.ok, loaded.report.as_text()
    months = pd.to_datetime(["2017-04-01", "2017-05-01", "2017-06-01", "2017-07-01", "2017-08-01"])
    assert _series(loaded, "LAC1").loc[months].tolist() == [1, 2, 2, 1, 1]
    assert _series(loaded, "LAC2").loc[months].tolist() == [1, 1, 1, 0, 0]
    assert _series(loaded, "LAC4").loc[months].tolist() == [0, 0, 1, 1, 0]
    assert _series(loaded, "PL-IFA").loc[months].tolist() == [1, 0, 0, 0, 0]
    assert _series(loaded, "PL-RESIDENTIAL").loc[months].tolist() == [0, 1, 1, 0, 0]
    assert _series(loaded, "PL-IN-HOUSE-FOSTERING").loc[months].tolist() == [0, 1, 1, 1, 1]
    assert _series(loaded, "EXIT-REUNIFICATION").loc[months].tolist() == [0, 0, 0, 1, 0]
    assert _series(loaded, "EXIT-LEAVING-CARE-16-PLUS").loc[months].tolist() == [0, 0, 1, 0, 0]
    # ages at 30/06/2017: child 1 born 15/06/2010 is 7 (5-9); child 2 born 01/01/2016 is 1 (1-4)
    assert _series(loaded, "AGE-5-9").loc["2017-06-01"] == 1
    assert _series(loaded, "AGE-1-4").loc["2017-06-01"] == 1
    # the data window is the collection year of the return: Apr 2017 .. Mar 2018
    assert _series(loaded, "LAC1").index.min() == pd.Timestamp("2017-04-01")
    assert _series(loaded, "LAC1").index.max() == pd.Timestamp("2018-03-01")


def test_errors_are_located_with_file_row_column_and_a_fix():
    episodes = (
        "1,10/04/2017,S,C2,N1,U4,PR4,31/02/2017,E4A,,,,\n"  # row 2: no 31 February
        ",12/04/2017,S,C2,N1,U4,PR4,,,,,,\n"  # row 3: no child
        "2,20/05/2017,S,C2,N1,U4,PR4,01/05/2017,E4A,,,,\n"
    )  # row 4: ends before it starts
    loaded = load_903(_files(episodes))
    assert not loaded.ok
    problems = loaded.report.to_frame()
    errors = problems[problems["severity"] == "error"].set_index("code")
    # the cell as Excel shows it (DEC is the 8th column, H), the column's name in the message
    assert errors.loc["bad_date", ["file", "row", "column"]].tolist() == ["2018/episodes.csv", 2, "H"]
    assert errors.loc["bad_date", "message"] == "DEC '31/02/2017' is not a date"
    assert "2018/episodes.csv, cell H2" in loaded.report.as_text()
    assert errors.loc["blank_child", ["row", "column"]].tolist() == [3, "A"]
    assert errors.loc["ends_before_start", ["row", "column"]].tolist() == [4, "H"]
    assert all(errors["hint"] != "")


def test_a_missing_column_names_the_columns_needed():
    files = [("episodes.csv", b"CHILD,DECOM,PLACE\n1,01/04/2017,U4\n"), ("header.csv", HEADER.encode())]
    loaded = load_903(files)
    assert not loaded.ok
    [problem] = [p for p in loaded.report.errors if p.code == "missing_column"]
    assert "RNE" in problem.message and "PLACE_PROVIDER" in problem.hint


def test_copies_across_returns_are_merged_and_overlaps_reported_not_dropped():
    first = "1,10/04/2017,S,C2,N1,U4,PR4,,,,,,\n"  # open in the 2017-18 return
    second = (
        "1,10/04/2017,S,C2,N1,U4,PR4,01/06/2018,X1,,,,\n"  # the same episode, closed, in 2018-19
        "1,20/05/2018,P,C2,N1,K2,PR4,,,,,,\n"
    )  # next episode starts before that close
    files = [
        ("2017/episodes.csv", (EPISODE_HEAD + "\n" + first).encode()),
        ("2018/episodes.csv", (EPISODE_HEAD + "\n" + second).encode()),
        ("2018/header.csv", HEADER.encode()),
    ]
    loaded = load_903(files)
    assert loaded.ok
    episodes = loaded.clean.episodes
    assert len(episodes) == 2  # one copy of the first episode kept, the second episode too
    assert episodes.loc[0, "DEC"] == pd.Timestamp("2018-05-20")  # ended where the next begins
    overlaps = [p for p in loaded.report.warnings if p.code == "overlap"]
    assert len(overlaps) == 1 and overlaps[0].row == 2 and overlaps[0].file == "2018/episodes.csv"
    assert _series(loaded, "LAC1").loc["2018-05-01"] == 1  # one child, not two
    assert _series(loaded, "PL-RESIDENTIAL").loc["2018-05-01"] == 1
    assert _series(loaded, "LAC1").index.min() == pd.Timestamp("2017-04-01")  # window from the first return


def test_short_breaks_are_left_out_by_default_and_kept_on_request():
    episodes = "1,10/04/2017,S,V4,N2,U4,PR1,,,,,,\n2,10/04/2017,S,C2,N1,U4,PR1,,,,,,\n"
    assert _series(load_903(_files(episodes)), "LAC1").loc["2017-04-01"] == 1
    assert _series(load_903(_files(episodes), short_breaks="include"), "LAC1").loc["2017-04-01"] == 2


def test_an_la_column_makes_one_dataset_per_authority(tmp_path):
    episodes = (
        "LA,CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
        "North,1,10/04/2017,S,C2,N1,U4,PR4,,\nSouth,1,10/04/2017,S,C2,N1,K2,PR4,,\n"
        "South,2,10/04/2017,S,C2,N1,K2,PR4,,\n"
    )
    header = "LA,CHILD,SEX,DOB\nNorth,1,1,01/01/2010\nSouth,1,1,01/01/2010\nSouth,2,2,01/01/2012\n"
    (tmp_path / "episodes.csv").write_text(episodes)
    (tmp_path / "header.csv").write_text(header)
    loaded = load_903_path(tmp_path)
    assert sorted(loaded.datasets) == ["North", "South"]
    assert loaded.datasets["South"].series("PL-RESIDENTIAL").iloc[0] == 2
    assert loaded.datasets["North"].series("PL-IFA").iloc[0] == 1
    dataset, report = check_path(tmp_path)  # a one-authority command refuses, saying what to do
    assert dataset is None and report.errors[0].code == "several_authorities"
    assert f"panel --data {tmp_path}" in report.errors[0].hint and "--la NAME" in report.errors[0].hint


def test_a_folder_of_903_files_is_what_data_option_reads(tmp_path):
    (tmp_path / "2018").mkdir()
    for name, content in _files("1,10/04/2017,S,C2,N1,U4,PR4,,,,,,\n"):
        (tmp_path / name).write_bytes(content)
    (tmp_path / "2018" / "oc3.csv").write_text("CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n")
    dataset, report = check_path(tmp_path)
    assert report.ok and dataset is not None
    assert dataset.series("LAC1").iloc[0] == 1
    assert {"LAC1", "LAC2", "LAC4", "PL-IFA", "AGE-5-9"} <= set(dataset.indicators.index)


def test_an_xlsx_workbook_with_one_table_per_sheet_is_read():
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer) as writer:
        pd.read_csv(io.StringIO(EPISODE_HEAD + "\n1,10/04/2017,S,C2,N1,U1,,,,,,,\n"), dtype=str).to_excel(
            writer, sheet_name="episodes", index=False
        )
        pd.read_csv(io.StringIO(HEADER), dtype=str).to_excel(writer, sheet_name="header", index=False)
    loaded = load_903([("return-2017-18.xlsx", buffer.getvalue())])
    assert loaded.ok, loaded.report.as_text()
    assert _series(loaded, "PL-KINSHIP").iloc[0] == 1


def test_episodes_without_a_header_row_count_but_are_said_to_lack_an_age():
    loaded = load_903(_files("9,10/04/2017,S,C2,N1,U4,PR4,,,,,,\n"))
    assert loaded.ok
    assert _series(loaded, "LAC1").iloc[0] == 1
    assert _series(loaded, "AGE-UNKNOWN").iloc[0] == 1
    assert any(p.code == "no_header_row" for p in loaded.report.warnings)


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n binary"])
def test_unusable_files_give_a_report_never_a_traceback(content):
    loaded = load_903([("episodes.csv", content)])
    assert not loaded.ok and loaded.report.errors


def test_the_app_reads_903_files_in_a_worker_process():
    from forecasting.data.ssda903_load import load_903_isolated

    loaded = load_903_isolated(_files("1,10/04/2017,S,C2,N1,U4,PR4,,,,,,\n"), source="uploaded")
    assert loaded.ok and loaded.clean is not None
    assert loaded.datasets["authority"].series("PL-IFA").iloc[0] == 1


def test_copies_that_differ_between_returns_are_said_once_each_and_the_later_close_is_kept():
    # child 1's episode from 10/04/2017 is open in IFA in 2017-18 and closed in residential in 2018-19: one
    # warning; child 2's episode is copied unchanged: no warning.
    first = "1,10/04/2017,S,C2,N1,U4,PR4,,,,,,\n2,12/04/2017,S,C2,N1,U4,PR1,,,,,,\n"
    second = "1,10/04/2017,S,C2,N1,K2,PR4,01/06/2018,E4A,,,,\n2,12/04/2017,S,C2,N1,U4,PR1,,,,,,\n"
    files = [
        ("2017/episodes.csv", (EPISODE_HEAD + "\n" + first).encode()),
        ("2018/episodes.csv", (EPISODE_HEAD + "\n" + second).encode()),
        ("2018/header.csv", HEADER.encode()),
    ]
    loaded = load_903(files)
    assert loaded.ok
    [warning] = [p for p in loaded.report.warnings if p.code == "copies_differ"]
    assert "child 1: 2017/episodes.csv row 2; 2018/episodes.csv row 2" in warning.message
    assert (warning.file, warning.row) == ("2017/episodes.csv", 2)
    kept = loaded.clean.episodes.set_index("CHILD")
    assert kept.loc["1", "PLACE"] == "K2" and kept.loc["1", "DEC"] == pd.Timestamp("2018-06-01")
    assert len(kept) == 2


def test_episodes_without_any_header_table_are_used_with_ages_unknown():
    # was a failure ("could not be read (AttributeError ...)"): the missing header's dates were not dates
    files = [("episodes.csv", (EPISODE_HEAD + "\n1,10/04/2017,S,C2,N1,U4,PR4,,,,,,\n").encode())]
    loaded = load_903(files)
    assert loaded.ok, loaded.report.as_text()
    assert [p.code for p in loaded.report.problems] == ["no_header"]
    assert _series(loaded, "LAC1").iloc[0] == 1 and _series(loaded, "AGE-UNKNOWN").iloc[0] == 1
