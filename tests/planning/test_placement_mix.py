"""Placement mix by type and month from 903 files: observed counts, then the projection; shares add to 1."""

from __future__ import annotations

import pandas as pd
import pytest

from forecasting.data.ssda903_load import load_903
from forecasting.planning.placement_mix import placement_mix_table

EPISODES = (
    "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
    "1,10/04/2017,S,C2,N1,U4,PR1,,\n2,10/04/2017,S,C2,N1,U4,PR4,,\n3,10/04/2017,S,C2,N1,K2,PR4,,\n"
    "4,10/04/2017,S,C2,N1,U4,PR4,20/10/2017,X1\n4,20/10/2017,P,C2,N1,K2,PR4,,\n"
)
HEADER = "CHILD,SEX,DOB\n1,1,01/01/2010\n2,1,01/01/2010\n3,1,01/01/2004\n4,2,01/01/2005\n"


def test_the_mix_counts_each_type_and_its_share_by_month():
    loaded = load_903([("episodes.csv", EPISODES.encode()), ("header.csv", HEADER.encode())])
    mix = placement_mix_table(loaded.clean, "authority", horizon=6, n_sims=50)
    observed = mix[mix["basis"] == "observed"].set_index(["month", "placement_type"])
    assert observed.loc[(pd.Timestamp("2017-09-01"), "ifa"), "children"] == 2
    assert observed.loc[(pd.Timestamp("2017-10-01"), "ifa"), "children"] == 1
    assert observed.loc[(pd.Timestamp("2017-10-01"), "residential"), "children"] == 2
    assert observed.loc[(pd.Timestamp("2017-10-01"), "residential"), "share"] == pytest.approx(0.5)
    projected = mix[mix["basis"] == "projected"]
    assert projected["month"].min() == pd.Timestamp("2018-04-01") and projected["month"].nunique() == 6
    assert projected.groupby("month")["share"].sum().round(9).eq(1).all()
    assert (projected["lo80"] <= projected["children"] + 1e-9).all()
    # one month on, the mix is March's plus a third of an entry and a sixth of a move (the reference year's
    # 4 entries and 1 move spread over 12 months): within half a child of March's
    last = observed.xs(pd.Timestamp("2018-03-01"), level="month")["children"]
    first = projected[projected["month"] == projected["month"].min()].set_index("placement_type")["children"]
    assert first.reindex(last.index).round(6).tolist() == pytest.approx(last.tolist(), abs=0.5)
