"""Cost per child kept out of care, by hand, at its edges (no months, care not reduced, care reduced)."""

import pytest

from forecasting.planning.investment import cost_per_child


def test_no_months_means_no_children_kept_out():
    assert cost_per_child(120_000.0, []) == (None, None, 0.0, 0.0)


def test_care_not_reduced_has_no_cost_per_child():
    assert cost_per_child(120_000.0, [0.0, -1.0, -2.0]) == (None, None, -2.0, -0.25)


def test_cost_per_child_and_per_care_year_by_hand():
    # 1, 2, ... 12 fewer children over a year: 12 fewer at the end, 78 child-months = 6.5 care-years
    per_child, per_year, fewer, care_years = cost_per_child(130_000.0, range(1, 13))
    assert (fewer, care_years) == (12.0, 6.5)
    assert per_child == pytest.approx(130_000.0 / 12)
    assert per_year == pytest.approx(20_000.0)
