"""A chance (0-1) in words, one way everywhere: targets' explanations, goal-seek answers, the pages, reports.

Rule: a whole percentage by default ("44%"); a chance that is not nil but would be shown as 0% reads "<1%",
and one that is not certain but would be shown as 100% reads ">99%" (with `decimals=1`: "<0.1%",
">99.9%"); the test is on the figure as shown, so rounding at the boundary (0.005, 0.995) cannot slip
through. Exactly 0 and 1 read "0%" and "100%" (an outturn: the target was met or
missed). A missing chance reads "not available", never "nan". `forecasting.reports.words` re-exports it.
"""
from __future__ import annotations

import math

__all__ = ["NOT_AVAILABLE", "probability_text"]

NOT_AVAILABLE = "not available"


def probability_text(value: object, decimals: int = 0) -> str:
    """A chance given 0-1 as a percentage with `decimals` places (rule in the module docstring)."""
    if value is None or isinstance(value, str):
        return NOT_AVAILABLE
    try:
        chance = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return NOT_AVAILABLE
    if math.isnan(chance):
        return NOT_AVAILABLE
    chance += 0.0                               # -0.0 reads 0%
    shown = f"{chance:.{decimals}%}"
    smallest = 10 ** -decimals                  # the last digit shown: 1 (%), 0.1 (%)
    if chance > 0 and float(shown[:-1]) == 0:   # would read 0% although it is not nil
        return f"<{smallest:.{decimals}f}%"
    if chance < 1 and float(shown[:-1]) == 100:  # would read 100% although it is not certain
        return f">{100 - smallest:.{decimals}f}%"
    return shown
