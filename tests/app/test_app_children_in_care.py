"""AppTest: the Children in care page on uploaded 903 files (projection, back-test) and without them."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from forecasting.data.ssda903_load import load_903

ROOT = Path(__file__).resolve().parents[2]
PAGE = str(ROOT / "views" / "children_in_care.py")


def _episodes() -> bytes:
    rows = ["CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC"]
    for child in range(40):  # entries through 2017-18, half leave home after ~5 months
        start_month = 4 + child % 9
        end = f"15/{(start_month + 4) % 12 + 1:02d}/2018,E4A" if child % 2 else ","
        rows.append(
            f"{child},0{1 + child % 9}/{start_month:02d}/2017,S,C2,N1,{'U4' if child % 3 else 'K2'},PR4,{end}"
        )
    return ("\n".join(rows) + "\n").encode()


def _header() -> bytes:
    return ("CHILD,SEX,DOB\n" + "".join(f"{c},1,01/01/{2003 + c % 12}\n" for c in range(40))).encode()


def test_children_in_care_page_asks_for_903_files_without_them():
    app = AppTest.from_file(PAGE, default_timeout=120).run()
    assert not app.exception
    assert any("Upload your SSDA903" in i.value for i in app.info)


def test_children_in_care_page_projects_and_back_tests():
    loaded = load_903(
        [
            ("2017/episodes.csv", _episodes()),
            ("2017/header.csv", _header()),
            ("2018/episodes.csv", _episodes()),
            ("2018/header.csv", _header()),
        ]
    )
    assert loaded.ok, loaded.report.as_text()
    app = AppTest.from_file(PAGE, default_timeout=180)
    app.session_state["ssda903"] = loaded
    app.run()
    assert not app.exception
    assert any("Start stock" in s.value for s in app.subheader)
    app.number_input[0].set_value(0.05).run()
    assert not app.exception
    compare = app.dataframe[1].value
    assert compare.loc["PL-RESIDENTIAL", "change"] < 0 < compare.loc["PL-IN-HOUSE-FOSTERING", "change"]
    app.slider[1].set_value(6).run()  # back-test rewind (the horizon is a select_slider)
    app.button[0].click().run()
    assert not app.exception
    scores = app.dataframe[-1].value
    assert {"care model (903 transitions)"} <= set(scores["model"]) and scores["model"].str.startswith(
        "engine"
    ).any()
