"""The care pathway's rules: routes into care, lower-need step-down, exits by route and re-entry to care.

Every figure is a named parameter (data/assumptions.yaml, with source and year) or read off the data
(forecasting.planning.pipeline_calibration). Rules, each with a hand-computed test in
tests/planning/test_care_pathway.py:
- Routes into care: the entries to care a change in referrals D causes (at the calibrated LAC2 / M2
  conversion r) arrive by two routes. A share s (`care_entries_via_cp_pct`) comes through a child protection
  plan and pre-proceedings, `referral_to_cp_plan_lag_months` + `cp_plan_to_care_lag_months` after the
  referral; the rest come in directly (police protection, emergency orders, voluntary accommodation)
  `referral_to_care_lag_months` after it:
      entries[t] = r x ((1 - s) x D[t - L_direct] + s x D[t - L_cp - L_plan_to_care])
  A lasting change in referrals therefore changes entries by r x D in the end, as before; the routes only set
  when. s = 0 is the old single-route rule exactly.
- Lower-need step-down (`diverted_contact_conversion_pct`): a contact stepped down to Early Help would have
  become a referral at that percentage of the calibrated contact-to-referral conversion (100 = as likely as
  an average contact): stepped-down contacts are the lower-need ones. Used by the scenario's front door.
- Assessments that find no further need (`assessment_nfa_pct`): only 1 - nfa of completed single assessments
  open a child-in-need case (the calibration's `assessment_to_cin`); CIN closures are derived with the same
  inflow, so the stock stays conserved.
- Exits by route: a change in children leaving care is split by route. The edge-of-care service's extra exits
  go to special guardianship (`extra_exits_to_sgo_pct`), adoption (`extra_exits_to_adoption_pct`) or home
  (the rest). Other exits (the calibrated exit rate on the change in children in care: children kept out of
  care are not discharged later) follow the data's mix: adoption and SGO shares from LAC6 / LAC12 over LAC4
  (national parameters without them), home `exit_route_home_pct` (the scorecard does not give it), and the
  rest at 18 or by another route ("other"). Shares are kept within 0..1 and home is cut so no mix exceeds 1.
- Re-entry: of the children leaving by a route, a share comes back into care, evenly over a number of months
  from the month after they leave: home `reentry_within_year_pct` over `reentry_spread_months`; special
  guardianship `reentry_sgo_pct` over `reentry_sgo_months`; adoption `reentry_adoption_pct` over
  `reentry_adoption_months`; none after leaving at 18. For a mix this is one kernel,
      kernel[k - 1] = sum over routes of share x pct / 100 / months (for k <= months),
  the share of one month's leavers who come back k months later. Re-entries are entries to care (so the stock
  stays conserved) and are worked out month by month inside the stock-and-flow loop, because fewer children
  in care means fewer leave, and so fewer come back. No change in exits gives exactly no re-entry.
Shares, re-entry percentages and the CP-plan-to-care lag may be arrays of draws (draws, 1)
(forecasting.planning.effect_draws, the parameters' evidence bands in forecasting.planning.pathway_evidence):
every rule broadcasts, each draw exactly as a single run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from forecasting.planning.parameters import value

__all__ = [
    "ROUTES",
    "ExitRoutes",
    "diverted_conversion",
    "exit_routes",
    "extra_exit_routes",
    "lagged",
    "pathway_fields",
    "route_entries",
]

ROUTES = ("home", "sgo", "adoption", "other")
ROUTE_WORDS = {
    "home": "went home (reunification)",
    "sgo": "special guardianship",
    "adoption": "adoption",
    "other": "age 18 and other routes",
}
# route -> (parameter: percent coming back, parameter: over how many months)
RETURNS = {
    "home": ("reentry_within_year_pct", "reentry_spread_months"),
    "sgo": ("reentry_sgo_pct", "reentry_sgo_months"),
    "adoption": ("reentry_adoption_pct", "reentry_adoption_months"),
}


@dataclass(frozen=True)
class ExitRoutes:
    """A mix of exit routes: `shares` {route: share of exits} for home, sgo and adoption (floats or (draws, 1)
    arrays; "other" is what is left), and `returns` {route: (percent who come back, over months)}."""

    shares: dict[str, Any]
    returns: dict[str, tuple[float, int]]

    def share(self, route: str):
        if route == "other":
            return np.maximum(1.0 - sum(self.shares.values()), 0.0)
        return self.shares.get(route, 0.0)

    def kernel(self) -> np.ndarray:
        """(..., K): the share of one month's leavers who come back k = 1..K months later (module
        docstring)."""
        longest = max([int(months) for _, months in self.returns.values()] + [1])
        k = np.arange(1, longest + 1, dtype=float)
        total = np.zeros(longest)
        for route, (pct, months) in self.returns.items():
            months = max(int(months), 1)
            per_month = np.asarray(self.share(route), dtype=float) * pct / 100.0 / months
            total = total + per_month * (k <= months)
        return total

    def split(self, exits: np.ndarray) -> dict[str, np.ndarray]:
        """{route: exits by that route} for every route in ROUTES (they add up to `exits`)."""
        return {route: exits * self.share(route) for route in ROUTES}


def _bounded(home, sgo, adoption) -> dict[str, Any]:
    """Shares kept in 0..1, home cut so the three never add to more than 1."""
    sgo, adoption = np.clip(sgo, 0.0, 1.0), np.clip(adoption, 0.0, 1.0)
    home = np.minimum(np.clip(home, 0.0, 1.0), np.maximum(1.0 - sgo - adoption, 0.0))
    return {"home": home, "sgo": sgo, "adoption": adoption}


def _returns(params) -> dict[str, tuple[float, int]]:
    return {
        route: (value(params, pct), round(value(params, months))) for route, (pct, months) in RETURNS.items()
    }


def extra_exit_routes(params) -> ExitRoutes:
    """The edge-of-care service's extra exits: SGO and adoption at the plan's shares, the rest home."""
    sgo = value(params, "extra_exits_to_sgo_pct") / 100.0
    adoption = value(params, "extra_exits_to_adoption_pct") / 100.0
    return ExitRoutes(_bounded(1.0 - sgo - adoption, sgo, adoption), _returns(params))


def exit_routes(calibration, params) -> ExitRoutes:
    """Other exits: adoption and SGO at the calibrated shares (`exit_share_*`), home at
    exit_route_home_pct."""
    shares = [
        _calibrated(calibration, f"exit_share_{route}", params, f"exit_route_{route}_pct")
        for route in ("sgo", "adoption")
    ]
    return ExitRoutes(_bounded(value(params, "exit_route_home_pct") / 100.0, *shares), _returns(params))


def _calibrated(calibration, name: str, params, fallback: str):
    try:
        return calibration[name]
    except KeyError:  # a calibration made without the route shares: the national parameter
        return value(params, fallback) / 100.0


def lagged(values: np.ndarray, months) -> np.ndarray:
    """`values` shifted `months` later along the last axis (zeros in front, the tail past the horizon
    dropped); 0 = unchanged. `months` may be whole months per draw ((draws, 1)): each draw shifted by its
    own."""
    values = np.asarray(values, dtype=float)
    if np.ndim(months):
        lags = np.asarray(months)
        shape = np.broadcast_shapes(values.shape, lags.shape[:-1] + (values.shape[-1],))
        spread, out = np.broadcast_to(values, shape), np.zeros(shape)
        for lag in np.unique(lags):
            rows = np.broadcast_to(lags == lag, shape[:-1] + (1,))[..., 0]
            out[rows] = lagged(spread[rows], int(lag))
        return out
    months = max(int(months), 0)
    if months == 0:
        return values
    n = values.shape[-1]
    front = np.zeros(values.shape[:-1] + (min(months, n),))
    return np.concatenate([front, values], axis=-1)[..., :n]


def route_entries(
    downstream: np.ndarray, conversion, via_cp_share: float, direct_lag: int, cp_route_lag: int
) -> np.ndarray:
    """Change in entries to care from a change in (risk-weighted) referrals `downstream` (module
    docstring)."""
    direct = lagged(downstream, direct_lag)
    if np.ndim(via_cp_share) == 0 and not via_cp_share:
        return direct * conversion
    return ((1.0 - via_cp_share) * direct + via_cp_share * lagged(downstream, cp_route_lag)) * conversion


def diverted_conversion(params) -> float:
    """Conversion of a stepped-down contact to a referral, as a fraction of the average conversion."""
    return value(params, "diverted_contact_conversion_pct") / 100.0


def _whole_months(months):
    """A lag in whole months (an int; per draw, an int array)."""
    return round(months) if np.ndim(months) == 0 else np.rint(months).astype(int)


def pathway_fields(calibration, params) -> dict[str, Any]:
    """The pipeline settings of the care pathway (PipelineChanges fields) for `params`."""
    return {
        "care_via_cp_share": value(params, "care_entries_via_cp_pct") / 100.0,
        "cp_to_care_lag_months": _whole_months(value(params, "cp_plan_to_care_lag_months")),
        "exit_routes": exit_routes(calibration, params),
        "extra_exit_routes": extra_exit_routes(params),
    }
