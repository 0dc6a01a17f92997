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


def test_a_scenario_re_projects_from_the_same_start_with_changed_rates():
    from forecasting.data.ssda903_load import load_903
    from forecasting.planning.care_levers import apply_levers, scenario_projection
    from forecasting.planning.care_model import fit_care_model

    episodes = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n" + "".join(
        f"{c},10/04/2017,S,C2,N1,K2,PR4,,\n" for c in range(20)
    )
    header = "CHILD,SEX,DOB\n" + "".join(f"{c},1,01/01/2006\n" for c in range(20))
    loaded = load_903([("episodes.csv", episodes.encode()), ("header.csv", header.encode())])
    baseline = fit_care_model(loaded.clean, "authority", horizon=6, n_sims=50)
    levers = [("step_down", "residential", "in_house_fostering", 0.1)]
    scenario = scenario_projection(loaded.clean, "authority", baseline, levers, n_sims=50)
    at_6 = scenario.table[scenario.table["month"] == scenario.table["month"].max()].set_index("indicator")
    # nobody moved or left in the reference year; the 20 entries of April 2017 give 20/12 entries a month to
    # residential; the lever moves 10% of residential children to in-house fostering each month
    residential, fostering = 20.0, 0.0
    for _ in range(6):
        residential, fostering = 0.9 * residential + 20 / 12, fostering + 0.1 * residential
    assert at_6.loc["PL-RESIDENTIAL", "mean"] == pytest.approx(residential)
    assert at_6.loc["PL-IN-HOUSE-FOSTERING", "mean"] == pytest.approx(fostering)
    assert scenario.start.equals(baseline.start)
    with pytest.raises(ValueError, match="unknown placement type"):
        apply_levers(baseline.rates, TYPES, [("step_down", "resi", "x", 0.1)])
    with pytest.raises(ValueError, match="unknown lever"):
        apply_levers(baseline.rates, TYPES, [("more_money", "resi", "foster", 0.1)])
