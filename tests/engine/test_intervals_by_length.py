"""The horizon prior by history length (issue 12): growth(h) is read from the table of the history's length,
linear between lengths, the nearest length outside them; back-test rows use their window's training length.
Hand-computed on a toy prior table."""
import numpy as np
import pandas as pd
import pytest

from forecasting.engine import intervals

TOY = """# toy prior: two history lengths, one sigma1 band each
length,sigma1_below,step,n,m80,m95
10,inf,1,50,1.0,1.0
10,inf,2,50,2.0,2.0
20,inf,1,50,1.0,1.0
20,inf,2,50,1.5,1.5
"""


@pytest.fixture
def toy_prior(tmp_path, monkeypatch):
    path = tmp_path / "prior.csv"
    path.write_text(TOY, encoding="utf-8")
    monkeypatch.setattr(intervals, "PRIOR_FILE", path)
    intervals._prior.cache_clear()
    yield
    intervals._prior.cache_clear()


def test_growth_interpolates_between_history_lengths(toy_prior):
    assert intervals.growth(2, 0.1, 10).tolist() == [1.0, 2.0]
    assert intervals.growth(2, 0.1, 20).tolist() == [1.0, 1.5]
    assert intervals.growth(2, 0.1, 15).tolist() == pytest.approx([1.0, 1.75])      # halfway: (2 + 1.5) / 2
    assert intervals.growth(2, 0.1, 12).tolist() == pytest.approx([1.0, 1.9])       # 0.8 x 2 + 0.2 x 1.5
    assert intervals.growth(2, 0.1, 5).tolist() == [1.0, 2.0]                        # shorter: the 10 table
    assert intervals.growth(2, 0.1, 60).tolist() == [1.0, 1.5]                       # longer: the 20 table
    assert intervals.growth(2, 0.1).tolist() == [1.0, 2.0]                           # unknown: the shortest
    # beyond the table's last step: sqrt growth of each length's last value, then interpolated
    assert intervals.growth(3, 0.1, 15)[2] == pytest.approx(1.75 * np.sqrt(3 / 2))


def test_backtest_rows_use_their_windows_training_length(toy_prior):
    cv = pd.DataFrame({"cutoff": ["a", "a", "b", "b"], "step": [1, 2, 1, 2], "sigma": [0.1, 9.0, 0.2, 9.0],
                       "n_train": [10, 10, 20, 20]})
    assert intervals.cv_spread(cv).tolist() == pytest.approx([0.1, 0.2, 0.2, 0.3])   # 0.1 x 2; 0.2 x 1.5
    assert intervals.cv_spread(cv.drop(columns="n_train")).tolist() == pytest.approx([0.1, 0.2, 0.2, 0.4])
    assert intervals.forecast_spread(np.array([0.2, 5.0]), 15).tolist() == pytest.approx([0.2, 0.35])
