"""Which inputs are read as several authorities (`forecasting.data.panel_input`): found from headers only,
never raising on a damaged or hostile file."""

from __future__ import annotations

import zipfile

import pytest

from forecasting.data import EMBEDDED_DATASET
from forecasting.data.panel_input import holds_903, panel_kind


def test_each_kind_of_input(tmp_path):
    long = tmp_path / "long.csv"
    long.write_text("authority,indicator,month,value\nNorth,M1,2018-01,5\n")
    one = tmp_path / "one.csv"
    one.write_text("indicator,month,value\nM1,2018-01,5\n")
    folder = tmp_path / "councils"
    folder.mkdir()
    (folder / "North.csv").write_text("indicator,month,value\nM1,2018-01,5\n")
    returns = tmp_path / "903"
    returns.mkdir()
    (returns / "episodes.csv").write_text("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n1,10/04/2017,"
                                          "S,C2,N1,U4,PR4,,\n")
    assert panel_kind(long) == "long"
    assert panel_kind(one) is None
    assert panel_kind(folder) == "folder"
    assert panel_kind(returns) == "903" and holds_903(returns)
    assert panel_kind(returns / "episodes.csv") == "903"
    assert panel_kind(EMBEDDED_DATASET) is None  # a data set folder is one council's
    assert panel_kind(tmp_path / "missing.csv") is None


def test_a_903_header_far_down_a_large_csv_is_not_searched_beyond_the_first_lines(tmp_path):
    big = tmp_path / "big.csv"
    big.write_text("indicator,month,value\n" + "M1,2018-01,5\n" * 20_000
                   + "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n")
    assert not holds_903(big)


@pytest.mark.parametrize("content", [
    b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, b"PK\x03\x04broken zip", b"\xff\xfe\x00\x00" * 50,
    b"authority,indicator\n\"unclosed,M1\n",
])
def test_damaged_files_are_not_panels_and_do_not_raise(tmp_path, content):
    for suffix in (".csv", ".xlsx"):
        path = tmp_path / f"damaged{suffix}"
        path.write_bytes(content)
        assert panel_kind(path) is None
        assert not holds_903(path)


def test_a_workbook_bomb_is_not_read_as_a_panel(tmp_path):  # refused by the streamed limits
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml",
                         "<workbook><sheets><sheet name='s' r:id='rId1'/></sheets></workbook>")
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "<si><t>CHILD</t></si>" * 2_000_000 + "</sst>")
    assert panel_kind(path) is None
