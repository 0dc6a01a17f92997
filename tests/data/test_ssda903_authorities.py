"""SSDA903 files of several authorities (an LA column): an authority with a blocking error in its own rows is
left out with its located errors, every other authority is still used; all refused, or a problem with the
files as a whole, stops everything. Month-end counts below are worked out from the episodes by hand."""

from __future__ import annotations

import pandas as pd

from forecasting.data import check_path, panel_from_903
from forecasting.data.panel import FILE_KEY, load_panel
from forecasting.data.ssda903_load import load_903, load_903_path

HEAD = "LA,CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
# North: child 1 in IFA (U4, PR4) from 10/04/2017, still in care; child 2 in residential (K2) 01/05/2017 to
#   15/06/2017, home (E4A). Month ends: Apr 1, May 2, Jun 1, Jul 1.
# South: child 2's DECOM is not a date (file row 5): South is left out.
# East: child 1 with kin (U1) from 10/04/2017; child 2 in in-house fostering (U4, PR1) 20/04/2017 to
#   10/05/2017, adopted (E11). Month ends: Apr 2, May 1, Jun 1.
EPISODES = HEAD + (
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
MONTHS = pd.to_datetime(["2017-04-01", "2017-05-01", "2017-06-01", "2017-07-01"])


def _files(episodes: str = EPISODES, header: str = HEADER) -> list[tuple[str, bytes]]:
    return [("episodes.csv", episodes.encode()), ("header.csv", header.encode())]


def test_one_bad_authority_is_left_out_and_the_others_are_used():
    loaded = load_903(_files())
    assert loaded.ok
    assert sorted(loaded.datasets) == ["East", "North"] and list(loaded.refused) == ["South"]
    assert loaded.authorities == ["East", "North", "South"]
    north, east = loaded.datasets["North"], loaded.datasets["East"]
    assert north.series("LAC1").loc[MONTHS].tolist() == [1, 2, 1, 1]
    assert north.series("PL-RESIDENTIAL").loc[MONTHS].tolist() == [0, 1, 0, 0]
    assert north.series("EXIT-REUNIFICATION").loc[MONTHS].tolist() == [0, 0, 1, 0]
    assert east.series("LAC1").loc[MONTHS].tolist() == [2, 1, 1, 1]
    assert east.series("PL-KINSHIP").loc[MONTHS].tolist() == [1, 1, 1, 1]
    assert east.series("EXIT-ADOPTION").loc[MONTHS].tolist() == [0, 1, 0, 0]
    assert loaded.clean is not None and loaded.clean.authorities == ["East", "North"]
    assert set(loaded.clean.episodes["la"]) == {"East", "North"}  # none of South's rows is used


def test_the_refused_authority_has_its_errors_located_with_a_fix():
    loaded = load_903(_files())
    [problem] = loaded.refused["South"].errors
    # file, row (the file's own row: header is row 1), column as Excel shows it (DECOM is C), what to fix
    assert (problem.file, problem.row, problem.column) == ("episodes.csv", 5, "C")
    assert problem.message == "DECOM '99/99/2017' is not a date" and "dd/mm/yyyy" in problem.hint
    text = loaded.refused_text()
    assert text.startswith("South: not used (1 blocking error(s) in its own rows)")
    assert "episodes.csv, cell C5: DECOM '99/99/2017' is not a date" in text
    frame = loaded.problems_frame()
    assert frame.loc[frame["severity"] == "error", ["authority", "row", "column"]].values.tolist() == [
        ["South", 5, "C"]
    ]
    assert loaded.report.errors == [problem]  # the whole report still lists it
    assert loaded.checked["North"].ok and loaded.checked["East"].ok


def test_each_used_authority_keeps_only_its_own_warnings():
    episodes = EPISODES.replace("North,1,10/04/2017,S,C2,N1,U4,PR4", "North,1,10/04/2017,S,C2,N1,ZZ,PR4")
    loaded = load_903(_files(episodes))
    assert [p.code for p in loaded.checked["North"].warnings] == ["unknown_place"]
    assert not loaded.checked["East"].warnings
    assert any("ZZ" in w for w in loaded.datasets["North"].warnings)
    assert not any("ZZ" in w for w in loaded.datasets["East"].warnings)


def test_every_authority_refused_stops_with_all_their_errors():
    episodes = EPISODES.replace("North,2,01/05/2017", "North,2,31/02/2017").replace(
        "East,2,20/04/2017,S,C2,N1,U4,PR1,10/05/2017", "East,2,20/04/2017,S,C2,N1,U4,PR1,10/03/2017"
    )
    loaded = load_903(_files(episodes))
    assert not loaded.ok and loaded.datasets == {} and loaded.clean is None
    assert sorted(loaded.refused) == ["East", "North", "South"]
    located = sorted((p.code, p.row, p.column) for p in loaded.report.errors)
    # North row 3 DECOM (C); South row 5 DECOM (C); East row 7 ends before it starts (DEC is column I)
    assert located == [("bad_date", 3, "C"), ("bad_date", 5, "C"), ("ends_before_start", 7, "I")]
    panel = panel_from_903(loaded)
    assert panel.datasets == {} and sorted(panel.reports) == ["East", "North", "South"]
    assert "0 of 3 authorities can be used" in panel.as_text()


def test_a_missing_column_in_one_authoritys_file_leaves_out_that_authority(tmp_path):
    north = "\n".join(line for line in EPISODES.splitlines() if line.startswith(("LA", "North")))
    east = "\n".join(line for line in EPISODES.splitlines() if line.startswith(("LA", "East")))
    (tmp_path / "north.csv").write_text(north + "\n")
    (tmp_path / "east.csv").write_text(east.replace(",REC", ",REASON") + "\n")  # no REC column
    (tmp_path / "header.csv").write_text(HEADER)
    loaded = load_903_path(tmp_path)
    assert list(loaded.datasets) == ["North"] and list(loaded.refused) == ["East"]
    [problem] = loaded.refused["East"].errors
    assert problem.code == "missing_column" and problem.file == "east.csv" and "REC" in problem.message


def test_a_file_that_cannot_be_read_stops_everything():
    loaded = load_903([*_files(EPISODES.replace("99/99/2017", "10/04/2017")),
                       ("more.csv", b"\x89PNG\r\n\x1a\n binary")])
    assert not loaded.ok and loaded.datasets == {}
    assert [p.file for p in loaded.notes.errors] == ["more.csv"]
    panel = panel_from_903(loaded)
    assert list(panel.reports) == [FILE_KEY]


def test_the_panel_and_a_one_council_command_see_the_same_split(tmp_path):
    (tmp_path / "episodes.csv").write_text(EPISODES)
    (tmp_path / "header.csv").write_text(HEADER)
    panel = load_panel(tmp_path)
    assert panel.authorities == ["East", "North"] and list(panel.reports) == ["South"]
    assert sorted(panel.checked) == ["East", "North"]
    assert panel.as_text().endswith("2 of 3 authorities can be used; not used: South.")
    assert panel.datasets["North"].series("LAC1").loc[MONTHS].tolist() == [1, 2, 1, 1]
    dataset, report = check_path(tmp_path)  # one council's command: still several authorities, said so
    assert dataset is None and report.errors[-1].code == "several_authorities"
    assert "3 authorities (East, North, South)" in report.errors[-1].message


def test_one_authority_with_an_error_is_still_refused_as_before():
    episodes = "\n".join(line.removeprefix("South,") for line in EPISODES.splitlines()
                         if line.startswith(("LA", "South"))).replace("LA,", "", 1)
    loaded = load_903(_files(episodes + "\n", "CHILD,SEX,DOB\n1,1,01/01/2010\n2,1,01/01/2010\n"))
    assert not loaded.ok and loaded.datasets == {}
    assert [(p.row, p.column) for p in loaded.report.errors] == [(3, "B")]  # no LA column: DECOM is B
