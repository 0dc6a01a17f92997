"""Care back-test beside the engine (forecasting.planning.care_backtest._engine_lac1), by hand: the engine
sees LAC1 (children in care at each month end) from the first month after the panel's start to the cut-off
only, forecasts `rewind` months, and is scored on LAC1's actuals alone; it runs unless asked not to.

The engine itself is replaced by a stand-in that records what it was given and answers a known forecast, so
what is checked is this module's own rule (what goes in, what comes out), not the engine's models."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from forecasting.engine import forecast as engine_forecast
from forecasting.planning import care_backtest
from forecasting.planning.care_backtest import CARE_MODEL, backtest_care
from forecasting.planning.care_model import StatePanel


def _panel() -> StatePanel:
    # states: band * 2 + type (young/foster 0, young/resi 1, old/foster 2, old/resi 3); -1 = not in care.
    # Month ends Mar-17 (the start) .. Aug-17; in care at each: A from the start, B from May (month 2),
    # C until it goes home in August: 2, 2, 3, 3, 3, 2
    state = np.array(
        [
            [0, 0, 0, 0, 0, 0],     # A: young, fostered throughout
            [-1, -1, 2, 2, 2, 2],   # B: old, fostered from May
            [3, 3, 3, 3, 3, -1],    # C: old, residential, goes home in the last month
        ]
    )
    route = np.full_like(state, -1)
    route[2, 5] = 0
    months = pd.date_range("2017-03-31", periods=6, freq="ME")
    return StatePanel(months, ("young", "old"), ("foster", "resi"), ("home", "other"), state, route)


@pytest.fixture
def engine_seen(monkeypatch):
    monkeypatch.setattr(care_backtest, "state_panel", lambda clean, authority, codes=None: _panel())
    monkeypatch.setattr(care_backtest, "band_widths", lambda panel, codes=None: np.zeros(2))
    seen = {}

    def run_forecast(dataset, horizon, use_cache=True):
        seen.update(history=dataset.series("LAC1"), horizon=horizon, codes=dataset.indicator_codes,
                    use_cache=use_cache)
        months = pd.date_range(dataset.series("LAC1").index[-1] + pd.offsets.MonthBegin(1), periods=horizon,
                               freq="MS")
        forecasts = pd.DataFrame({"indicator": "LAC1", "month": months, "model": "ETS",
                                  "mean": 3.5 - np.arange(horizon, dtype=float),
                                  "lo80": 3.0 - np.arange(horizon), "hi80": 4.0 - np.arange(horizon)})
        return SimpleNamespace(forecasts=forecasts)

    monkeypatch.setattr(engine_forecast, "run_forecast", run_forecast)
    return seen


def test_the_engine_sees_lac1_up_to_the_cutoff_only_and_forecasts_the_rewound_months(engine_seen):
    # rewind 2: the cut-off is month end 3 (Jun-17); the engine gets Apr, May, Jun 2017 = 2, 3, 3 children
    backtest_care(None, "authority", rewind=2, n_sims=20)
    history = engine_seen["history"]
    assert list(history.index) == list(pd.to_datetime(["2017-04-01", "2017-05-01", "2017-06-01"]))
    assert list(history) == [2.0, 3.0, 3.0]
    assert engine_seen["horizon"] == 2
    assert engine_seen["codes"] == ["LAC1"]
    assert engine_seen["use_cache"] is False


def test_the_engine_is_scored_on_lac1_actuals_beside_the_care_model(engine_seen):
    result = backtest_care(None, "authority", rewind=2, n_sims=20)
    engine = result.table[result.table["model"] == "engine: ETS"].reset_index(drop=True)
    # Jul and Aug 2017: actual 3 then 2 (C went home); engine 3.5 and 2.5 (80% 3-4 and 2-3)
    assert list(engine["indicator"]) == ["LAC1", "LAC1"]
    assert list(engine["month"]) == list(pd.to_datetime(["2017-07-01", "2017-08-01"]))
    assert list(engine["actual"]) == [3.0, 2.0]
    scores = result.scores.set_index(["indicator", "model"])
    row = scores.loc[("LAC1", "engine: ETS")]
    # errors +0.5 and +0.5: MAE 0.5, bias +0.5, MAPE (0.5 / 3 + 0.5 / 2) / 2 = 20.83%, both months inside
    assert row["mae"] == 0.5 and row["bias"] == 0.5 and row["coverage80"] == 100.0 and row["months"] == 2.0
    assert row["mape"] == pytest.approx((0.5 / 3 + 0.5 / 2) / 2 * 100)
    # the care model's rows first (LAC1, then each placement type), the engine's last
    assert list(result.scores["model"]) == [CARE_MODEL] * 3 + ["engine: ETS"]
    assert list(result.scores["indicator"])[0] == "LAC1"


def test_the_engine_runs_unless_asked_not_to(engine_seen):
    assert "engine: ETS" in set(backtest_care(None, "authority", rewind=2, n_sims=20).table["model"])
    engine_seen.clear()
    without = backtest_care(None, "authority", rewind=2, n_sims=20, with_engine=False)
    assert set(without.table["model"]) == {CARE_MODEL} and engine_seen == {}
