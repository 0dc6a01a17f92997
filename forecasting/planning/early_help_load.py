"""The Early Help family workers' caseload: the baseline the step-down adds to.

Rule: families open to the council's family workers in a month = `early_help_family_worker_share_pct` x the
Universal Help Plans opened (EH1b) in the last `early_help_plan_months` months (each plan stays open that
long, Little's law); the months before the first are taken as the first month's (a steady start). A step-down
scenario's extra families (`early_help_extra_open`) are all the family workers'. FTE needed = open families /
`caseload_norm_early_help`. Every figure is an assumption the Workforce page names.
"""

from __future__ import annotations

import numpy as np

from forecasting.planning.parameters import Parameter, value

__all__ = ["early_help_open"]


def early_help_open(plans, params: dict[str, Parameter]) -> np.ndarray:
    """Families open to the family workers by month for `plans` opened a month (module docstring)."""
    plans = np.clip(np.asarray(plans, dtype=float), 0.0, None)
    if not len(plans):
        return plans
    months = max(int(round(value(params, "early_help_plan_months"))), 1)
    padded = np.concatenate([np.full(months - 1, plans[0]), plans])
    window = np.convolve(padded, np.ones(months), mode="valid")
    return value(params, "early_help_family_worker_share_pct") / 100.0 * window
