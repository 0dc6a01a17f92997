"""Children-in-care model edges, by hand (forecasting.planning.care_model):
- an entry straight into the first state (young, fostered: state 0) is an entry like any other;
- a band of width 0 (unknown age, or an unsplit last band) never ages, even when its children were seen to
  move up a band."""

import numpy as np
import pandas as pd
import pytest

from forecasting.planning.care_model import StatePanel, count_transitions, estimate_rates

REFERENCE = (pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01"))


def _panel(state: list[list[int]]) -> StatePanel:
    """state = band * 2 + type (young/foster 0, young/resi 1, old/foster 2, old/resi 3); -1 not in care."""
    array = np.array(state)
    months = pd.date_range("2019-12-31", periods=array.shape[1], freq="ME")
    return StatePanel(months, ("young", "old"), ("foster", "resi"), ("home", "other"), array,
                      np.full_like(array, -1))


def test_an_entry_into_the_first_state_is_counted():
    # child A enters young foster care in month 1, child B old residential in month 2: one entry each over
    # 2 months, 0.5 a month into young/foster and 0.5 into old/resi
    counts = count_transitions(_panel([[-1, 0, 0], [-1, -1, 3]]), 1, 2)
    assert counts.entries.tolist() == [[1, 0], [0, 1]]
    rates = estimate_rates(counts, np.array([5.0, 0.0]), REFERENCE)
    assert rates.entries.tolist() == [[0.5, 0.0], [0.0, 0.5]]


def test_a_band_of_width_zero_never_ages():
    # one young fostered child moves up to old fostering: 1 of 1 aged. With the young band 5 years wide that
    # is an ageing rate of 1; with widths 0 (unknown ages) no band ages at all
    counts = count_transitions(_panel([[0, 2, 2]]), 1, 2)
    assert counts.aged.tolist() == [1, 0] and counts.stayed.tolist() == [1, 1]
    assert estimate_rates(counts, np.array([5.0, 0.0]), REFERENCE).ageing == pytest.approx([1.0, 0.0])
    assert estimate_rates(counts, np.array([0.0, 0.0]), REFERENCE).ageing.tolist() == [0.0, 0.0]
