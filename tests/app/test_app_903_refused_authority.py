"""AppTest: SSDA903 files of three authorities, one with a blocking error. The Data page uses the other two
and lists the bad one's located errors; Children in care projects and back-tests a usable authority and names
the one left out; Compare authorities shows the usable ones and the refused one's errors."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from forecasting.data.ssda903_load import load_903

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("episodes", "header", "uasc")
# The hand-made toy of tests/data/test_ssda903_authorities.py: South's child 2 has DECOM '99/99/2017'
# (episodes.csv row 5, column C).
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


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Two SYNTHETIC years (2020-21, 2021-22) of three small councils with an LA column, read like an upload;
    one of South's episode rows has DECOM '31/02/2021'."""
    spec = importlib.util.spec_from_file_location("synthetic_903", ROOT / "tools" / "synthetic_903.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generator
    spec.loader.exec_module(generator)
    base = tmp_path_factory.mktemp("apps903")
    for la, seed in (("North", 1), ("South", 2), ("East", 3)):
        generator.generate(base / la, first_year=2020, last_year=2021, seed=seed,
                           settings=generator.Assumptions(children=40))
    files = []
    for year in ("2020", "2021"):
        for table in TABLES:
            frame = pd.concat([pd.read_csv(base / la / year / f"{table}.csv", dtype=str,
                                           keep_default_na=False).assign(LA=la)
                               for la in ("North", "South", "East")], ignore_index=True)
            if table == "episodes" and year == "2021":
                frame.loc[frame.index[frame["LA"] == "South"][2], "DECOM"] = "31/02/2021"
            buffer = io.StringIO()
            frame.to_csv(buffer, index=False)
            files.append((f"{year}/{table}.csv", buffer.getvalue().encode()))
    result = load_903(files, source="uploaded 903 files")
    assert result.ok and sorted(result.datasets) == ["East", "North"] and list(result.refused) == ["South"]
    return result


def test_data_page_uses_the_usable_authorities_and_lists_the_bad_one():
    app = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=120).run()
    uploader = next(u for u in app.get("file_uploader") if u.proto.multiple_files)
    uploader.set_value([("episodes.csv", EPISODES.encode(), "text/csv"),
                        ("header.csv", HEADER.encode(), "text/csv")]).run()
    assert not app.exception
    assert app.selectbox[0].options == ["East", "North"]
    assert any("Now using the 903 files (East)" in s.value for s in app.success)
    assert any("Not used: South" in w.value and "The other 2 authorities are used" in w.value
               for w in app.warning)
    table = app.dataframe[0].value
    errors = table[table["Severity"] == "error"]
    assert errors[["Council", "File", "Row", "Column"]].values.tolist() == [["South", "episodes.csv", 5, "C"]]
    assert errors["Problem"].str.contains("DECOM '99/99/2017' is not a date").all()
    assert app.session_state["ssda903"].authorities == ["East", "North", "South"]


def test_children_in_care_projects_a_usable_authority_and_names_the_one_left_out(loaded):
    app = AppTest.from_file(str(ROOT / "views" / "children_in_care.py"), default_timeout=180)
    app.session_state["ssda903"] = loaded
    app.run()
    assert not app.exception
    assert app.selectbox[0].options == ["East", "North"]
    assert any("Not used" in c.value and "South" in c.value for c in app.caption)
    app.selectbox[0].set_value("North").run()
    assert any(s.value.startswith("Start stock, end of Mar 2022") for s in app.subheader)
    app.slider[1].set_value(6).run()  # back-test rewind
    app.button[0].click().run()
    assert not app.exception
    scores = app.dataframe[-1].value
    assert "care model (903 transitions)" in set(scores["model"])


def test_compare_authorities_shows_the_903_authorities_and_the_refused_one(loaded):
    app = AppTest.from_file(str(ROOT / "views" / "authorities.py"), default_timeout=120)
    app.session_state["ssda903"] = loaded
    app.run()
    assert not app.exception
    assert any("South: not used (1 blocking problem(s))" in e.value for e in app.error)
    assert app.selectbox[-1].options == ["East", "North"]
    refused = app.dataframe[0].value
    # here LA is the last column, so DECOM is the second (B)
    assert refused["File"].tolist() == ["2021/episodes.csv"] and refused["Column"].tolist() == ["B"]
