"""Evidence bands of the care pathway's parameters, and their draws in a scenario's effect uncertainty.

The care pathway (forecasting.planning.care_pathway) rests on named parameters (data/assumptions.yaml) that
are uncertain too: how many entries come through a CP plan and how long after, how likely a stepped-down
contact was to become a referral, how many assessments end in no further action, how many children come back
into care by each route, and how exits split by route. `PATHWAY_EVIDENCE` gives each a central value (the
shipped default), a low-high band and its grade and source, in the same form as the effect levers'
(`levers.EVIDENCE`, `levers.Evidence`); `pathway_evidence_table()` lists them.

Draws (forecasting.planning.effect_draws: `parameter_draws`, `DrawnParameters`), with the levers' rule: a
parameter in force at x is drawn as x (1 + s (central - low) / central) for s < 0 and
x (1 + s (high - central) / central) for s >= 0, with s triangular on [-1, 1] (mode 0) from its own seeded
stream (the same streams the levers use, by name), kept at or above 0 and at most 100 for a percentage. A
lag is rounded to whole months after drawing (as the point scenario rounds it). A zero-width band gives x in
every draw; widening a band moves every draw away from x.
- `DrawnParameters(params, n, seed)` reads like the parameters, with each parameter in `PATHWAY_EVIDENCE` an
  (n, 1) column of draws: the scenario's front door and care pathway read it as they read the parameters.
- Rates the calibration takes from a parameter (`RATE_FROM_PARAMETER`: the share of assessments that open a
  CIN case, 1 - assessment_nfa_pct; the SGO and adoption shares of exits when the data has no LAC6 / LAC12)
  are drawn from that parameter's draws; rates measured from the data keep their own spread (effect_draws).
  First order: the CIN exit rate calibrated with the central NFA share is kept in every draw.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from forecasting.planning.levers import Evidence

__all__ = ["LAGS", "PATHWAY_EVIDENCE", "RATE_FROM_PARAMETER", "pathway_evidence_table"]

PATHWAY_EVIDENCE: dict[str, Evidence] = {e.lever: e for e in [
    Evidence("care_entries_via_cp_pct", 50.0, 20.0, 80.0, "assumption",
             "Assumption: DfE does not publish the share of entrants to care who were on a CP plan. The band "
             "is the parameter's plausible range: from a fifth (most entries direct: police protection, "
             "emergency orders, voluntary accommodation, 10-21% of entrants unaccompanied children in "
             "2020-23, DfE CLA) to four fifths."),
    Evidence("cp_plan_to_care_lag_months", 9.0, 4.0, 15.0, "official statistics used as a proxy",
             "The spread of CP plan lengths, DfE Characteristics of children in need 2019-20, table D7 "
             "(18.7% of plans ended within 3 months, 42.3% at 6-12 months, 24.0% at 1-2 years): roughly the "
             "lower and upper quartiles, 4 and 15 months, around the median of 9, for children whose plan "
             "ends in care (the plan-to-care time itself is not published)."),
    Evidence("diverted_contact_conversion_pct", 50.0, 25.0, 100.0, "assumption",
             "Assumption, as for the step-down's risk lever: a stepped-down contact was half as likely as an "
             "average contact to become a referral (central), between a quarter as likely and as likely. "
             "England converts about 23-26% of contacts to referrals (ADCS Safeguarding Pressures, "
             "2019-22)."),
    Evidence("assessment_nfa_pct", 30.8, 20.0, 40.0, "official statistics; the band is an assumption",
             "30.8% of assessments in England found the child not in need in 2024-25 (DfE Characteristics of "
             "children in need, table C1); no 2018-19 figure found. The band (20-40%) is an assumption for a "
             "council's own share and the years between."),
    Evidence("reentry_within_year_pct", 20.0, 14.0, 23.0, "cohort studies",
             "1 in 5 children who went home re-entered within a year (Goldacre et al., BJSW 2022, exits "
             "2014-20); re-entry within a year of any exit fell from 23.3% (2007) to 14.4% (2012) (cohort "
             "study via PMC): the band."),
    Evidence("reentry_sgo_pct", 5.7, 3.0, 10.0, "research report; the band is an assumption",
             "About 5.7% of special guardianship orders disrupted within five years (Selwyn, Wijedasa & "
             "Meakings, DfE 2014; the figure is as recalled, not re-checked). The band is an assumption: "
             "residence orders disrupted more often, adoptions less."),
    Evidence("reentry_adoption_pct", 3.2, 0.0, 7.0, "research report",
             "3.2% of 37,335 adoptions disrupted after the order over 12 years, 0-7% by council (Selwyn, "
             "Wijedasa & Meakings, DfE 2014): the council range is the band."),
    Evidence("exit_route_home_pct", 31.0, 25.0, 40.0, "official statistics; the band is an assumption",
             "31% of children leaving care in England returned home in 2017-18, 34% in 2014-15 (DfE Children "
             "looked after, via Family Law Week and NSPCC); the band (25-40%) is an assumption for a "
             "council's own share."),
    Evidence("exit_route_sgo_pct", 13.0, 6.5, 19.5, "official statistics; the band is an assumption",
             "13.0% of children leaving care in England in 2018-19 left on a special guardianship order (DfE "
             "Children looked after 2019); used only without the data's LAC12. The band (half to one and a "
             "half times) is an assumption for a council's own share."),
    Evidence("exit_route_adoption_pct", 12.1, 6.0, 18.0, "official statistics; the band is an assumption",
             "12.1% of children leaving care in England in 2018-19 were adopted (DfE Children looked after "
             "2019); used only without the data's LAC6. The band (half to one and a half times) is an "
             "assumption for a council's own share."),
    Evidence("extra_exits_to_sgo_pct", 50.0, 25.0, 75.0, "assumption",
             "Assumption: the edge-of-care service's extra exits are reunification and special "
             "guardianship, half each (central), between a quarter and three quarters to special "
             "guardianship (nationally 31% of exits go home and 11% to SGO, 2017-18)."),
]}
LAGS = ("cp_plan_to_care_lag_months",)  # whole months after drawing

# calibrated rate -> (the parameter it is taken from, the rate for a parameter value)
RATE_FROM_PARAMETER: dict[str, tuple[str, Callable[[np.ndarray], np.ndarray]]] = {
    "assessment_to_cin": ("assessment_nfa_pct", lambda pct: 1.0 - pct / 100.0),
    "exit_share_sgo": ("exit_route_sgo_pct", lambda pct: pct / 100.0),
    "exit_share_adoption": ("exit_route_adoption_pct", lambda pct: pct / 100.0),
}


def pathway_evidence_table() -> pd.DataFrame:
    """Every pathway parameter's evidence as a row: parameter, central, low, high, grade, source."""
    return pd.DataFrame([{"parameter": e.lever, "central": e.central, "low": e.low, "high": e.high,
                          "grade": e.grade, "source": e.source} for e in PATHWAY_EVIDENCE.values()],
                        columns=["parameter", "central", "low", "high", "grade", "source"])
