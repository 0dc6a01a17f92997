"""The Scenarios page names levers from the package's one table (`forecasting.planning.LEVER_LABELS`)."""
from __future__ import annotations

from forecasting.planning import GROUP_LABELS, LEVER_LABELS, LEVERS
from ui import lever_widgets


def test_the_app_reads_the_same_table():
    assert lever_widgets.LEVER_LABELS is LEVER_LABELS and lever_widgets.GROUP_TITLES is GROUP_LABELS
    assert all(lever_widgets.lever_label(name) == LEVER_LABELS[name] for name in LEVERS)
