"""Children in care leave at 18 (issue 17, anchor comparison): the 16+ band is modelled as the years 16 and
17, a child leaving in the month before its 18th birthday or after is counted as ageing out of care, not as an
exit, and the projection lets the 17-year-olds go at the observed ageing rate by the 16-18 route.
Hand-computed toys."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.data.ssda903_load import load_903
from forecasting.planning.care_model import (
    StatePanel,
    count_transitions,
    estimate_rates,
    fit_care_model,
    simulate,
    state_panel,
    step_expected,
)

BANDS = ("young", "old")  # "old" ages out of care
TYPES = ("foster", "resi")
ROUTES = ("home", "other")
REFERENCE = (pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01"))
# state = band * 2 + type: young/foster 0, young/resi 1, old/foster 2, old/resi 3; -1 not in care
STATE = [
    [2, -1, -1],  # A: old foster, turns 18 and leaves in month 1 (aged out)
    [2, 2, 2],  # B: old foster, stays both months
    [3, 3, -1],  # C: old resi, goes home in month 2 (an exit)
]
ROUTE = [[-1, 0, -1], [-1, -1, -1], [-1, -1, 0]]
AGED_OUT = [[False, True, False], [False, False, False], [False, False, False]]


def _panel() -> StatePanel:
    months = pd.date_range("2019-12-31", periods=3, freq="ME")
    return StatePanel(months, BANDS, TYPES, ROUTES, np.array(STATE), np.array(ROUTE), np.array(AGED_OUT),
                      next_band=(1, -1), age_out_route=0)


def test_leaving_at_18_is_counted_as_ageing_out_not_as_an_exit():
    counts = count_transitions(_panel(), 1, 2)
    # old foster: exposure A, B (month 1), B (month 2) = 3; all three "stay put" (A until its birthday)
    assert counts.exposure.tolist() == [[0, 0], [3, 2]]
    assert counts.moves[1, 0].tolist() == [3, 0]
    assert counts.exits[1, 0].tolist() == [0, 0]  # A is not an exit
    assert counts.exits[1, 1].tolist() == [1, 0]  # C went home
    assert counts.aged.tolist() == [0, 1] and counts.stayed.tolist() == [0, 4]  # A aged; B x2, C once, A
    rates = estimate_rates(counts, np.array([5.0, 1.0]), REFERENCE)
    assert rates.ageing == pytest.approx([1 / 60, 1 / 4])  # young: 1/(12 x 5) fallback; old: 1 of 4
    assert rates.exit[1, 0] == pytest.approx([0, 0]) and rates.exit[1, 1] == pytest.approx([1 / 2, 0])


def test_one_month_lets_the_oldest_band_age_out_of_care_by_its_route():
    rates = estimate_rates(count_transitions(_panel(), 1, 2), np.array([5.0, 1.0]), REFERENCE)
    stock = np.array([[0.0, 0.0], [40.0, 10.0]])
    after, exits = step_expected(stock, rates)
    # old foster 40: all stay foster, then 1/4 (10) age out of care; old resi 10: 5 go home, 5 stay, then a
    # quarter of those (1.25) age out; nobody ages into "young"
    assert after[1] == pytest.approx([30, 3.75]) and after[0] == pytest.approx([0, 0])
    assert exits[1, 0] == pytest.approx([10, 0])  # aged out, by route 0
    assert exits[1, 1] == pytest.approx([5 + 1.25, 0])
    assert after.sum() + exits.sum() == pytest.approx(stock.sum())  # nobody lost or made


def test_simulated_ageing_out_is_counted_in_the_exits_and_centred_on_the_expected_month():
    rates = estimate_rates(count_transitions(_panel(), 1, 2), np.array([5.0, 1.0]), REFERENCE)
    start = np.array([[0.0, 0.0], [400.0, 0.0]])
    stocks, exits = simulate(start, rates, horizon=1, n_sims=300, seed=4)
    assert (stocks[:, 0].sum(axis=(1, 2)) + exits[:, 0].sum(axis=(1, 2, 3)) == 400).all()
    assert exits[:, 0, 1, 0, 0].mean() == pytest.approx(100, rel=0.1)  # a quarter aged out, route 0


EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n" + (
    "1,10/04/2017,S,C2,N1,U4,PR1,15/09/2017,E17\n"  # born 15/09/1999: leaves on its 18th birthday
    "2,10/04/2017,S,C2,N1,U4,PR1,20/06/2017,E4A\n"  # born 01/01/2001: goes home at 16
    "3,10/04/2017,S,C2,N1,K2,PR4,,\n"  # born 01/02/2001: 16 until January, 17 from the end of February
    "4,10/04/2017,S,C2,N1,U4,PR1,05/11/2017,E17\n"  # born 05/12/1999: leaves 30 days before it turns 18
    "5,10/04/2017,S,C2,N1,U4,PR1,04/11/2017,E4A\n"  # born 05/12/1999: 31 days before: still counts
    "6,10/04/2017,S,C2,N1,U4,PR1,03/11/2017,E4A\n"  # born 05/12/1999: 32 days before: an exit
)
HEADER = "CHILD,SEX,DOB\n1,1,15/09/1999\n2,1,01/01/2001\n3,2,01/02/2001\n" + "".join(
    f"{child},1,05/12/1999\n" for child in (4, 5, 6)
)


def test_the_903_state_panel_splits_16_plus_into_years_and_flags_leaving_at_18():
    loaded = load_903([("episodes.csv", EPISODES.encode()), ("header.csv", HEADER.encode())])
    panel = state_panel(loaded.clean, "authority")
    month = {end.strftime("%Y-%m"): i for i, end in enumerate(panel.months)}
    n_types, sixteen, seventeen = len(panel.types), panel.bands.index("AGE-16PLUS:16"), \
        panel.bands.index("AGE-16PLUS:17")
    assert panel.bands[-2:] == ("AGE-16PLUS:16", "AGE-16PLUS:17")
    assert panel.next_band[seventeen] == -1 and panel.next_band[sixteen] == seventeen
    assert panel.state[0, month["2017-08"]] // n_types == seventeen and panel.state[0, month["2017-09"]] == -1
    assert panel.aged_out[0, month["2017-09"]]  # left on the 18th birthday
    assert panel.route[0, month["2017-09"]] == panel.routes.index("leaving_care_16_plus")
    assert not panel.aged_out[1].any()  # went home at 16: an exit
    assert panel.route[1, month["2017-06"]] == panel.routes.index("reunification")
    # leaving in the month (31 days) before the 18th birthday is leaving at 18; 32 days before is not
    assert panel.aged_out[3, month["2017-11"]] and panel.aged_out[4, month["2017-11"]]
    assert not panel.aged_out[5].any()
    assert panel.state[2, month["2018-01"]] // n_types == sixteen
    assert panel.state[2, month["2018-02"]] // n_types == seventeen
    counts = count_transitions(panel, 1, len(panel.months) - 1)
    # children 1, 4, 5 out of care at 18; child 3 from 16 to 17; child 2 (home at 16) and 6 are exits
    assert counts.aged[seventeen] == 3 and counts.aged[sixteen] == 1
    assert counts.exits[:, :, panel.routes.index("leaving_care_16_plus")].sum() == 0
    assert counts.exits[:, :, panel.routes.index("reunification")].sum() == 2


def test_the_projection_reports_the_16_plus_band_as_the_sum_of_its_years():
    loaded = load_903([("episodes.csv", EPISODES.encode()), ("header.csv", HEADER.encode())])
    projection = fit_care_model(loaded.clean, "authority", reference_months=12, horizon=3, n_sims=20)
    codes = set(projection.table["indicator"])
    assert "AGE-16PLUS" in codes and not any(":" in code for code in codes)
    # every child of the file is 16 or 17 (entries included), so LAC1 = AGE-16PLUS in every projected month
    table = projection.table.set_index(["indicator", "month"])["mean"].unstack("month")
    assert table.loc["AGE-16PLUS"].tolist() == pytest.approx(table.loc["LAC1"].tolist())
