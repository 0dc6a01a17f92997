"""Back-test of the children-in-care model on a hand-made panel: what is rewound, projected and scored."""

import numpy as np
import pandas as pd
import pytest

from forecasting.data.ssda903_monthly import placement_code
from forecasting.planning import care_backtest
from forecasting.planning.care_backtest import CARE_MODEL, _score, backtest_care
from forecasting.planning.care_model import StatePanel


def _panel() -> StatePanel:
    # states: band * 2 + type (young/foster 0, young/resi 1, old/foster 2, old/resi 3); -1 = not in care
    state = np.array(
        [
            [0, 0, 0, 0, 0, 0],  # A: young, fostered throughout
            [2, 2, 2, 2, 2, 2],  # B: old, fostered throughout
            [3, 3, 3, 3, 3, -1],  # C: old, residential, goes home in the last month
        ]
    )
    route = np.full_like(state, -1)
    route[2, 5] = 0
    months = pd.date_range("2017-03-31", periods=6, freq="ME")
    return StatePanel(months, ("young", "old"), ("foster", "resi"), ("home", "other"), state, route)


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setattr(care_backtest, "state_panel", lambda clean, authority, codes=None: _panel())
    monkeypatch.setattr(care_backtest, "band_widths", lambda panel, codes=None: np.zeros(2))


def test_rewind_two_months_projects_the_cutoff_stock_and_scores_it(toy):
    # cut-off: month end 3 (Jun-17); rates from months 1-3 (nobody moved or left): everyone stays put, so
    # the model says 3 children in Jul and Aug; actually 3 then 2 (C went home in August)
    result = backtest_care(None, "authority", rewind=2, with_engine=False, n_sims=20)
    assert result.cutoff == pd.Timestamp("2017-06-01")
    assert result.reference == (pd.Timestamp("2017-04-01"), pd.Timestamp("2017-06-01"))
    lac = result.table[result.table["indicator"] == "LAC1"].reset_index(drop=True)
    assert list(lac["month"]) == [pd.Timestamp("2017-07-01"), pd.Timestamp("2017-08-01")]
    np.testing.assert_allclose(lac["actual"], [3, 2])
    np.testing.assert_allclose(lac["mean"], [3, 3])
    assert set(result.table["model"]) == {CARE_MODEL}
    scores = result.scores.set_index("indicator")
    # errors 0 and +1: MAE 0.5, MAPE (0/3 + 1/2) / 2 = 25%, bias +0.5, 1 of 2 months inside, last error +1
    assert scores.loc["LAC1", ["mae", "mape", "bias", "coverage80", "error_last", "months"]].tolist() == [
        0.5,
        25.0,
        0.5,
        50.0,
        1.0,
        2.0,
    ]
    resi = scores.loc[placement_code("resi")]
    assert resi["mae"] == 0.5 and resi["mape"] == 0.0  # the month with no residential child has no MAPE
    assert scores.loc[placement_code("foster"), "mae"] == 0.0


def test_the_longest_rewind_keeps_two_months_before_the_cutoff(toy):
    # 5 month ends after the opening one: rewinding 3 leaves month ends 1-2 for the rates (the least allowed)
    result = backtest_care(None, "authority", rewind=3, with_engine=False, n_sims=10)
    assert result.cutoff == pd.Timestamp("2017-05-01")
    assert result.reference == (pd.Timestamp("2017-04-01"), pd.Timestamp("2017-05-01"))
    assert result.scores.set_index("indicator").loc["LAC1", "months"] == 3.0


@pytest.mark.parametrize("rewind", [0, 4])
def test_a_rewind_that_leaves_too_little_history_is_refused(toy, rewind):
    with pytest.raises(ValueError, match=f"cannot rewind {rewind} months"):
        backtest_care(None, "authority", rewind=rewind, with_engine=False, n_sims=10)


def test_scores_by_hand():
    rows = pd.DataFrame(
        {"mean": [10.0, 12.0, 5.0], "actual": [8.0, 12.0, 0.0], "lo80": [9.0, 11.0, 1.0], "hi80": [11, 13, 6]}
    )
    scores = _score(rows)
    # errors +2, 0, +5: MAE 7/3; MAPE over actual > 0 only: (2/8 + 0) / 2 = 12.5%; bias 7/3
    assert scores["mae"] == pytest.approx(7 / 3) and scores["bias"] == pytest.approx(7 / 3)
    assert scores["mape"] == pytest.approx(12.5)
    assert scores["coverage80"] == pytest.approx(100 / 3)  # only 12 in [11, 13]
    assert scores["error_last"] == 5.0 and scores["months"] == 3.0
