"""benchmarks/anchor_d2i.py's own figures, without the anchor's environment: the stock by age band D2I's way
(age when the episode began) and ours (age on the day), and our model with 16+ as one band (the model before
leaving at 18), on hand-computed toys."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from forecasting.data.ssda903_load import load_903

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "anchor_d2i.py"
_SPEC = importlib.util.spec_from_file_location("anchor_d2i_benchmark", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
anchor = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(anchor)

HEAD = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
# Six children of 16 or 17, all entering on 10/04/2017 (the 2017-18 return: month ends Apr 2017 .. Mar 2018)
EPISODES = HEAD + (
    "1,10/04/2017,S,C2,N1,U4,PR1,15/09/2017,E17\n"  # 17, leaves on its 18th birthday
    "2,10/04/2017,S,C2,N1,U4,PR1,20/06/2017,E4A\n"  # 16, goes home
    "3,10/04/2017,S,C2,N1,K2,PR4,,\n"  # 16, residential, stays
    "4,10/04/2017,S,C2,N1,U4,PR1,05/11/2017,E17\n"  # 17, leaves 30 days before turning 18
    "5,10/04/2017,S,C2,N1,U4,PR1,04/11/2017,E4A\n"
    "6,10/04/2017,S,C2,N1,U4,PR1,03/11/2017,E4A\n"
)
HEADER = "CHILD,SEX,DOB\n1,1,15/09/1999\n2,1,01/01/2001\n3,2,01/02/2001\n" + "".join(
    f"{child},1,05/12/1999\n" for child in (4, 5, 6)
)


def _clean(episodes: str = EPISODES, header: str = HEADER):
    loaded = load_903([("episodes.csv", episodes.encode()), ("header.csv", header.encode())])
    assert loaded.ok, loaded.report.as_text()
    return loaded.clean


def test_stock_by_age_d2is_way_and_ours():
    # child 7 (born 01/05/2001) began its episode at 15 and is 16 on 30/06/2017
    clean = _clean(EPISODES + "7,10/04/2017,S,C2,N1,U4,PR4,,\n", HEADER + "7,2,01/05/2001\n")
    table = anchor.stock_by_age(clean, pd.Timestamp("2017-06-30"), 365.24)
    # in care on 30/06/2017: children 1, 3, 4, 5, 6, 7 (child 2 went home on 20/06)
    assert table.loc["AGE-10-15"].tolist() == [1, 0]  # D2I's way counts child 7 at 15
    assert table.loc["AGE-16PLUS"].tolist() == [5, 6]
    assert table.sum().tolist() == [6, 6]


def test_one_oldest_band_is_the_model_before_leaving_at_18():
    projection = anchor.one_oldest_band(_clean(), "authority", reference_months=12, horizon=2, sims=20,
                                        codes=None)
    assert not any(":" in code for code in projection.table["indicator"])
    lac1 = projection.table[projection.table["indicator"] == "LAC1"]["mean"].tolist()
    # one band: in-house exits 5 of 28 child-months (children 1, 2, 4, 5, 6: 5 + 2 + 7 + 7 + 7), residential
    # 0 of 11 (child 3); entries 6 in 12 months (5 in-house, 1 residential). At the end of March 2018 only
    # child 3 (residential) is in care: month 1 = 1 + 1/12 + 5/12; month 2: the in-house entrants who stay
    assert lac1[0] == pytest.approx(1 + 1 / 12 + 5 / 12)
    assert lac1[1] == pytest.approx(1 + 2 / 12 + 5 / 12 * (1 - 5 / 28) + 5 / 12)
