"""AppTest: the Data page takes SSDA903 return files and switches to their monthly counts."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
EPISODES = (
    b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    b"1,10/04/2017,S,C2,N1,U4,PR4,15/06/2017,E4A\n2,01/05/2017,S,C2,N1,K2,PR4,,\n"
)
HEADER = b"CHILD,SEX,DOB\n1,1,15/06/2010\n2,2,01/01/2004\n"


def _uploader(app: AppTest):
    return next(u for u in app.get("file_uploader") if u.proto.multiple_files)


def test_data_page_uses_uploaded_903_files():
    app = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=120).run()
    _uploader(app).set_value(
        [("episodes.csv", EPISODES, "text/csv"), ("header.csv", HEADER, "text/csv")]
    ).run()
    assert not app.exception
    assert any("Now using the 903 files" in s.value for s in app.success)


def test_data_page_shows_located_903_errors_and_keeps_the_data():
    app = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=120).run()
    bad = EPISODES.replace(b"15/06/2017", b"31/02/2017")
    _uploader(app).set_value([("episodes.csv", bad, "text/csv"), ("header.csv", HEADER, "text/csv")]).run()
    assert not app.exception
    assert any("cannot be used yet" in e.value for e in app.error)
    table = app.dataframe[0].value
    # headers in words; the cell as Excel shows it (DEC is the 8th column, H), the column named in the problem
    assert (table["Row"] == 2).any() and (table["Column"] == "H").any()
    assert table["Problem"].str.contains("DEC '31/02/2017' is not a date").any()
