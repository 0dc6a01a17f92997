"""Levers on the care model's rates, hand-computed: step-downs and redirected entries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.care_levers import redirect_entries, step_down
from forecasting.planning.care_model import (
    StatePanel,
    count_transitions,
    estimate_rates,
    simulate,
    step_expected,
)

TYPES = ("foster", "resi")


def _rates():
    # one band; resi: 5 child-months, 4 stayed, 1 moved to foster; foster: 2 stayed; one entry to resi
    state = np.array([[1, 1, 0], [1, 1, 1], [-1, 1, 1], [0, 0, 0]])
    panel = StatePanel(
        pd.date_range("2019-12-31", periods=3, freq="ME"),
        ("all",),
        TYPES,
        ("home",),
        state,
        np.full_like(state, -1),
    )
    reference = (pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01"))
    return estimate_rates(count_transitions(panel, 1, 2), np.array([0.0]), reference)


def test_a_step_down_moves_an_extra_share_from_those_who_stayed():
    rates = _rates()
    assert rates.move[0, 1] == pytest.approx([0.2, 0.8])
    changed = step_down(rates, TYPES, "resi", "foster", 0.05)
    assert changed.move[0, 1] == pytest.approx([0.25, 0.75])
    assert rates.move[0, 1] == pytest.approx([0.2, 0.8])  # the baseline is not changed
    after, _ = step_expected(np.array([[0.0, 100.0]]), changed)
    assert after[0] == pytest.approx([25, 75 + 0.5])  # plus the baseline's half an entry a month to resi
    assert step_down(rates, TYPES, "resi", "foster", 1.0).move[0, 1] == pytest.approx([1, 0])  # capped


def test_redirected_entries_go_to_the_other_type():
    rates = _rates()
    assert rates.entries[0].tolist() == [0, 0.5]
    changed = redirect_entries(rates, TYPES, "resi", "foster", 0.4)
    assert changed.entries[0] == pytest.approx([0.2, 0.3])


def test_the_simulation_follows_the_lever():
    rates = step_down(_rates(), TYPES, "resi", "foster", 0.25)
    stocks, _ = simulate(np.array([[0.0, 400.0]]), rates, horizon=1, n_sims=300, seed=1)
    assert stocks[:, 0, 0, 0].mean() == pytest.approx(400 * 0.45, rel=0.05)  # 0.20 + 0.25 of 400 move


@pytest.mark.parametrize("bad", [-0.1, 1.5])
def test_shares_outside_0_1_are_refused(bad):
    with pytest.raises(ValueError):
        step_down(_rates(), TYPES, "resi", "foster", bad)
