"""Calibration of the stock-and-flow pipeline: each conversion and exit rate read off the data set's history.

`calibrate_pipeline(dataset, params=None)` estimates each conversion as the mean over months of the monthly
ratio, with its standard deviation across months and the number of months used (`Rate`). Flows the
scorecard does not give are derived from stock change: ended = opening + new - closing (CP plans ended, CIN
closures, LAC exits) and are labelled "derived" in `Rate.rule`. Rates the data cannot give are named
parameters (`params`, default the shipped `data/assumptions.yaml`), labelled "PARAMETER" with their source:
- `assessment_to_cin`: the share of completed single assessments that open (or keep open) a child-in-need
  case, 1 - assessment_nfa_pct / 100 (nationally about 31% of assessments find the child not in need). CIN
  closures are derived with this inflow, so the baseline still conserves children.
- `exit_share_adoption`, `exit_share_sgo`: the share of children leaving care who are adopted (LAC6 (val) /
  LAC4) or leave on a special guardianship order (LAC12 (val) / LAC4), over all months with both figures
  (sum / sum: a month with few exits counts for little); without them in the data, the national shares
  (parameters exit_route_adoption_pct, exit_route_sgo_pct). The share who go home is the parameter
  exit_route_home_pct (the scorecard does not give it); the rest leave at 18 or by another route.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field

import pandas as pd

from forecasting.planning import memo
from forecasting.planning.coverage import indicator_words
from forecasting.planning.parameters import load_parameters, value

log = logging.getLogger(__name__)
__all__ = ["ROUTE_CODES", "Calibration", "Rate", "calibrate_pipeline"]

# exit route -> (scorecard count of children leaving care by that route, national share parameter)
ROUTE_CODES = {
    "adoption": ("LAC6 (val)", "exit_route_adoption_pct"),
    "sgo": ("LAC12 (val)", "exit_route_sgo_pct"),
}


@dataclass(frozen=True)
class Rate:
    """A calibrated monthly rate: mean and spread across the months used, and how it was computed."""

    name: str
    mean: float
    sd: float
    n_months: int
    rule: str

    def describe(self) -> str:
        return f"{self.name} = {self.mean:.3f} (sd {self.sd:.3f} over {self.n_months} months): {self.rule}"


@dataclass
class Calibration:
    rates: dict[str, Rate]
    notes: list[str] = field(default_factory=list)

    def __getitem__(self, name: str) -> float:
        return self.rates[name].mean

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([vars(r) for r in self.rates.values()])


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    both = pd.concat([numerator, denominator], axis=1).dropna()
    both = both[both.iloc[:, 1] > 0]
    return both.iloc[:, 0] / both.iloc[:, 1]


def _rate(name: str, values: pd.Series, rule: str, notes: list[str]) -> Rate:
    values = values.dropna()
    if values.empty:
        notes.append(f"{name}: no months with both figures; rate set to 0 (no propagation). {rule}")
        return Rate(name, 0.0, 0.0, 0, rule + " NOT ESTIMABLE from this data set: set to 0.")
    sd = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return Rate(name, float(values.mean()), sd, len(values), rule)


def calibrate_pipeline(dataset, params=None) -> Calibration:
    """Monthly conversion and exit rates from the history (mean and sd across months), and the rates the
    scorecard cannot give from `params` (default: the shipped values). See module docstring."""
    params = params if params is not None else load_parameters()
    s = {
        code: dataset.series(code) if code in dataset.indicator_codes else pd.Series(dtype=float)
        for code in (
            "M1",
            "M2",
            "EH3",
            "CP1",
            "CP2",
            "CP4 (val)",
            "CP2b",
            "CP6B",
            "CP7",
            "LAC1",
            "LAC2",
            "LAC4",
            "EH2",
            "M5",
            "EH1b",
            "LAC6 (val)",
            "LAC12 (val)",
        )
    }
    # the same history and parameters read give the same rates: kept (a cost edit rebuilds the baseline)
    kept = memo.remember(_CALIBRATIONS, (memo.Same(_calibrate), memo.content_key(s)),
                         functools.partial(_calibrate, s), params)
    return Calibration(dict(kept.rates), list(kept.notes))  # a copy of its own: build_baseline adds notes


_CALIBRATIONS = memo.MemoStore("pipeline calibrations", size=16)


def _calibrate(s: dict[str, pd.Series], params) -> Calibration:
    """The rates from the history `s` ({code: monthly series}) and `params` (calibrate_pipeline)."""
    notes: list[str] = []
    routes = {code for code, _ in ROUTE_CODES.values()}
    absent = [code for code, values in s.items() if values.dropna().empty and code not in routes]
    if absent:
        notes.append(
            f"This data set has no {', '.join(indicator_words(c) for c in absent)}: the rates that need "
            "them cannot be estimated and are set to 0, so a scenario's changes stop there."
        )
    rates = [
        _rate(
            "contact_to_referral",
            _ratio(s["M2"], s["M1"]),
            "referrals (M2) / contacts (M1) each month.",
            notes,
        ),
        _rate(
            "referral_to_assessment",
            _ratio(s["EH3"], s["M2"]),
            "single assessments completed (EH3) / referrals (M2) each month.",
            notes,
        ),
        _rate(
            "referral_to_s47",
            _ratio(s["CP1"], s["M2"]),
            "S47 enquiries (CP1) / referrals (M2) each month.",
            notes,
        ),
        _rate(
            "s47_to_icpc", _ratio(s["CP2"], s["CP1"]), "ICPCs (CP2) / S47 enquiries (CP1) each month.", notes
        ),
        _rate(
            "icpc_to_plan",
            _ratio(s["CP4 (val)"], s["CP2"]),
            "new CP plans (CP4 (val)) / ICPCs (CP2) each month.",
            notes,
        ),
        _rate(
            "referral_to_lac_start",
            _ratio(s["LAC2"], s["M2"]),
            "new LAC episodes (LAC2) / referrals (M2) each month (the scorecard does not split routes into "
            "care).",
            notes,
        ),
    ]
    transfers = s["CP2b"].reindex(s["CP6B"].index).fillna(0.0)
    cp_ended = s["CP6B"].shift(1) + s["CP4 (val)"].reindex(s["CP6B"].index) + transfers - s["CP6B"]
    rates.append(
        _rate(
            "cp_exit_rate",
            _ratio(cp_ended, s["CP6B"].shift(1)),
            "DERIVED: CP plans ended = opening CP6B + new plans (CP4 (val)) + transfer-ins (CP2b) "
            "- "
            "closing CP6B, divided by opening CP6B (the scorecard's CP7 has gaps).",
            notes,
        )
    )
    lac_out = s["LAC4"].reindex(s["LAC1"].index)
    if lac_out.notna().sum():
        rates.append(
            _rate(
                "lac_exit_rate",
                _ratio(lac_out, s["LAC1"].shift(1)),
                "ceasing LAC episodes (LAC4) / opening LAC1 each month.",
                notes,
            )
        )
    else:
        derived_out = s["LAC1"].shift(1) + s["LAC2"].reindex(s["LAC1"].index) - s["LAC1"]
        rates.append(
            _rate(
                "lac_exit_rate",
                _ratio(derived_out, s["LAC1"].shift(1)),
                "DERIVED (no LAC4 in the data): children ceasing care = opening LAC1 + new "
                "episodes "
                "(LAC2) - closing LAC1, divided by opening LAC1.",
                notes,
            )
        )
    nfa = value(params, "assessment_nfa_pct")
    to_cin = Rate(
        "assessment_to_cin",
        1.0 - nfa / 100.0,
        0.0,
        0,
        f"PARAMETER: share of single assessments that open a child-in-need case, 1 - "
        f"assessment_nfa_pct ({nfa:g}%: {params['assessment_nfa_pct'].source})",
    )
    rates.append(to_cin)
    cin_closed = s["EH2"].shift(1) + to_cin.mean * s["EH3"].reindex(s["EH2"].index) - s["EH2"]
    rates.append(
        _rate(
            "cin_exit_rate",
            _ratio(cin_closed, s["EH2"].shift(1)),
            f"DERIVED: CIN closures = opening EH2 + new CIN cases (assessments completed, EH3, x "
            f"{to_cin.mean:.3f} that open a case) - closing EH2, divided by opening EH2 (the "
            "scorecard gives neither CIN starts nor closures).",
            notes,
        )
    )
    rates.extend(_route_shares(s, params))
    rates.append(
        _rate(
            "early_help_step_up",
            _ratio(s["M5"], s["EH1b"]),
            "children stepped up from Universal Help to a CIN assessment (M5) / Universal Help "
            "Plans opened (EH1b) each month: in a steady state, the share of plans that end in a "
            "step-up. Shown as a check on the leakage assumption (a lower bound: families also "
            "come back through "
            "new contacts); not used in the maths.",
            notes,
        )
    )
    residual = (s["LAC1"].shift(1) + s["LAC2"].reindex(s["LAC1"].index) - lac_out - s["LAC1"]).dropna()
    if len(residual):
        notes.append(
            f"LAC stock check: opening + LAC2 - LAC4 - closing averages {residual.mean():+.1f} children a "
            f"month over {len(residual)} months (episodes vs children, UASC transfers)."
        )
    for name in ("cp_exit_rate", "lac_exit_rate", "cin_exit_rate"):
        rate = next(r for r in rates if r.name == name)
        if rate.n_months and not 0.0 <= rate.mean <= 1.0:
            notes.append(f"{name} {rate.mean:.3f} is outside 0..1; clipped for the scenario maths.")
    return Calibration({r.name: r for r in rates}, notes)


def _route_shares(s: dict[str, pd.Series], params) -> list[Rate]:
    """exit_share_adoption / exit_share_sgo: sum of the route's exits / sum of all exits (LAC4) over the
    months with both; sd across the monthly ratios. Without the data: the national parameter (module
    docstring)."""
    out = []
    for route, (code, parameter) in ROUTE_CODES.items():
        both = pd.concat([s[code], s["LAC4"]], axis=1).dropna()
        both = both[both.iloc[:, 1] > 0]
        if len(both) == 0 or both.iloc[:, 1].sum() <= 0:
            share = value(params, parameter) / 100.0
            out.append(
                Rate(
                    f"exit_share_{route}",
                    share,
                    0.0,
                    0,
                    f"PARAMETER (no {indicator_words(code)} with LAC4 in the data): {parameter} "
                    f"{share:.1%} ({params[parameter].source})",
                )
            )
            continue
        monthly = both.iloc[:, 0] / both.iloc[:, 1]
        sd = float(monthly.std(ddof=1)) if len(monthly) > 1 else 0.0
        share = float(both.iloc[:, 0].sum() / both.iloc[:, 1].sum())
        out.append(
            Rate(
                f"exit_share_{route}",
                min(max(share, 0.0), 1.0),
                sd,
                len(both),
                f"{indicator_words(code)} / children ceasing care (LAC4), summed over the months with both.",
            )
        )
    return out
