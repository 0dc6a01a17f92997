"""Children-in-care model: every transition rule on hand-computed toy panels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.data.ssda903_load import load_903
from forecasting.planning.care_model import (
    StatePanel,
    band_widths,
    count_transitions,
    estimate_rates,
    simulate,
    state_panel,
    step_expected,
)

BANDS = ("young", "old")
TYPES = ("foster", "resi")
ROUTES = ("home", "other")
REFERENCE = (pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01"))


def _panel(state: list[list[int]], route: list[list[int]] | None = None) -> StatePanel:
    """state = band * 2 + type (young/foster 0, young/resi 1, old/foster 2, old/resi 3); -1 not in care."""
    array = np.array(state)
    routes = np.array(route) if route is not None else np.full_like(array, -1)
    months = pd.date_range("2019-12-31", periods=array.shape[1], freq="ME")
    return StatePanel(months, BANDS, TYPES, ROUTES, array, routes)


def test_counts_moves_exits_ageing_and_entries_by_hand():
    panel = _panel(
        [
            [0, 0, 1],  # child A: young foster, stays, then moves to resi
            [0, 2, 2],  # child B: young foster, ages into old foster, stays
            [3, -1, -1],  # child C: old resi, leaves home in month 1
            [-1, 3, 3],
        ],  # child D: enters old resi in month 1
        [[-1, -1, -1], [-1, -1, -1], [-1, 0, -1], [-1, -1, -1]],
    )
    counts = count_transitions(panel, 1, 2)
    assert counts.months == 2
    # exposure: month 1 from A(y,f) B(y,f) C(o,r); month 2 from A(y,f) B(o,f) D(o,r)
    assert counts.exposure.tolist() == [[3, 0], [1, 2]]
    assert counts.moves[0, 0].tolist() == [2, 1]  # young foster: A stays, B stays foster (ages), A -> resi
    assert counts.moves[1, 0].tolist() == [1, 0]  # old foster: B stays
    assert counts.moves[1, 1].tolist() == [0, 1]  # old resi: D stays
    assert counts.exits[1, 1].tolist() == [1, 0]  # old resi: C went home
    assert counts.aged.tolist() == [1, 0] and counts.stayed.tolist() == [3, 2]
    assert counts.entries.tolist() == [[0, 0], [0, 1]]


def test_rates_divide_by_exposure_and_unseen_states_stay_put():
    panel = _panel(
        [[0, 0, 1], [0, 2, 2], [3, -1, -1], [-1, 3, 3]],
        [[-1, -1, -1], [-1, -1, -1], [-1, 0, -1], [-1, -1, -1]],
    )
    rates = estimate_rates(count_transitions(panel, 1, 2), np.array([5.0, 0.0]), REFERENCE)
    assert rates.move[0, 0] == pytest.approx([2 / 3, 1 / 3])
    assert rates.move[0, 1].tolist() == [0, 1]  # young resi never seen: stays put
    assert rates.exit[1, 1] == pytest.approx([1 / 2, 0])
    assert rates.move[1, 1] == pytest.approx([0, 1 / 2])
    assert np.allclose(rates.move.sum(axis=2) + rates.exit.sum(axis=2), 1)
    assert rates.ageing == pytest.approx([1 / 3, 0])  # 1 of 3 young children still in care aged; last band 0
    assert rates.entries.tolist() == [[0, 0], [0, 0.5]]  # one entry over two months


def test_ageing_falls_back_to_one_over_twelve_times_the_band_width():
    panel = _panel([[2, 2]])  # nobody young: no observed ageing
    rates = estimate_rates(count_transitions(panel, 1, 1), np.array([4.0, 0.0]), REFERENCE)
    assert rates.ageing == pytest.approx([1 / 48, 0])


def test_one_expected_month_moves_and_exits_then_ages_then_adds_entries():
    panel = _panel(
        [[0, 0, 1], [0, 2, 2], [3, -1, -1], [-1, 3, 3]],
        [[-1, -1, -1], [-1, -1, -1], [-1, 0, -1], [-1, -1, -1]],
    )
    rates = estimate_rates(count_transitions(panel, 1, 2), np.array([5.0, 0.0]), REFERENCE)
    stock = np.array([[30.0, 0.0], [0.0, 10.0]])
    after, exits = step_expected(stock, rates)
    # young foster 30: 20 stay foster, 10 move to resi; then 1/3 of each ages:
    # young (13.33, 6.67), old +(6.67, 3.33)
    # old resi 10: 5 leave home, 5 stay; entries add 0.5 to old resi
    assert after[0] == pytest.approx([20 * 2 / 3, 10 * 2 / 3])
    assert after[1] == pytest.approx([20 / 3, 10 / 3 + 5 + 0.5])
    assert exits[1, 1] == pytest.approx([5, 0])
    assert exits.sum() == pytest.approx(5)


def test_simulation_is_centred_on_the_expected_path_and_exact_when_nothing_moves():
    still = _panel([[0, 0], [3, 3]])
    rates = estimate_rates(count_transitions(still, 1, 1), np.array([0.0, 0.0]), REFERENCE)
    stocks, exits = simulate(np.array([[7.0, 0.0], [0.0, 4.0]]), rates, horizon=3, n_sims=20)
    assert (stocks[:, -1] == [[7, 0], [0, 4]]).all() and exits.sum() == 0
    panel = _panel(
        [[0, 0, 1], [0, 2, 2], [3, -1, -1], [-1, 3, 3]],
        [[-1, -1, -1], [-1, -1, -1], [-1, 0, -1], [-1, -1, -1]],
    )
    rates = estimate_rates(count_transitions(panel, 1, 2), np.array([5.0, 0.0]), REFERENCE)
    start = np.array([[300.0, 0.0], [0.0, 100.0]])
    stocks, _ = simulate(start, rates, horizon=1, n_sims=400, seed=3)
    expected, _ = step_expected(start, rates)
    assert stocks[:, 0].sum(axis=(1, 2)).mean() == pytest.approx(expected.sum(), rel=0.03)


def test_state_panel_reads_exit_routes_and_bands_from_903_episodes():
    episodes = (
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"
        "1,10/04/2017,S,C2,N1,U4,PR1,20/06/2017,E11\n"
        "2,10/04/2017,S,C2,N1,K2,PR4,,\n"
    )
    header = "CHILD,SEX,DOB\n1,1,01/01/2016\n2,1,15/05/2001\n"
    loaded = load_903([("episodes.csv", episodes.encode()), ("header.csv", header.encode())])
    panel = state_panel(loaded.clean, "authority")
    assert panel.months[0] == pd.Timestamp("2017-03-31")  # the month end before the window
    types = list(panel.types)
    june = list(panel.months).index(pd.Timestamp("2017-06-30"))
    assert panel.route[0, june] == list(panel.routes).index("adoption")
    may = june - 1
    assert panel.state[0, may] == panel.bands.index("AGE-1-4") * len(types) + types.index(
        "in_house_fostering"
    )
    # child 2 turns 16 on 15/05/2017: 10-15 at the end of April, 16 (of the 16+ band) at the end of May
    assert panel.state[1, may - 1] // len(types) == panel.bands.index("AGE-10-15")
    assert panel.state[1, may] // len(types) == panel.bands.index("AGE-16PLUS:16")
    assert band_widths(panel).tolist() == [1, 4, 5, 6, 1, 1]  # 16+ modelled as the years 16 and 17
