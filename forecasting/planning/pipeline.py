"""Stock-and-flow demand pipeline, calibrated from the scorecard history and applied ON TOP OF the baseline.

The journey (scorecard codes in brackets):
  contacts (M1) -> referrals (M2; conversion M3) -> single assessments (EH3) -> S47 enquiries (CP1)
  -> initial CP conferences (CP2) -> new CP plans (CP4 (val)) -> CP plans in force (CP6B, stock)
  referrals -> new LAC episodes (LAC2) -> LAC at month end (LAC1, stock) -> ceasing LAC (LAC4)
  assessments -> children in need open (EH2, stock).
  Early Help step-down (levers): stepped-down contacts -> Universal Help Assessments completed (EH1c, a share
  of them) and Universal Help Plans opened (EH1b, a share of them); each plan stays open for an episode (the
  extra Early Help caseload, measure `early_help_open`); a share come back later as re-referrals. Step-ups
  from Universal Help to CIN (M5 / EH1b) are calibrated as a check on that share.

Rules:
- Partial data: only contacts (M1) are required. Each other measure is taken when the data set has it, filled
  from referrals at a calibrated conversion when only its forecast is missing, else left out; a conversion
  with no months of data is 0 (changes stop there) and a stock without its inflow is unchanged by any
  scenario. Every such case is a note in plain words (forecasting.planning.coverage says which page parts that
  affects).
- `calibrate_pipeline(dataset)` estimates each conversion as the mean over months of the monthly ratio, with
  its standard deviation across months and the number of months used. Flows the scorecard does not give are
  derived from stock change: ended = opening + new - closing (CP plans ended, CIN closures, LAC exits) and are
  labelled "derived" in `Rate.rule`.
- Scenarios never re-forecast. `run_pipeline(baseline, changes, calibration)` returns only CHANGES (deltas) to
  the baseline: a change in referrals propagates down the journey at the calibrated conversions; stocks change
  by the cumulative change in inflows minus the change in outflows:
      d_stock[t] = d_stock[t-1] + d_in[t] - d_out[t],
      d_out[t]   = exit_rate * d_stock[t-1] + extra_exits[t]  (children not admitted are not discharged later)
  with d_out capped so the scenario stock (baseline + d_stock) never goes below zero, and d_in floored so the
  scenario inflow never goes below zero. With no changes every delta is exactly 0.0, so the scenario equals
  the baseline bit for bit.
- Lags (`PipelineChanges.cp_lag_months`, `care_lag_months`; parameters `referral_to_cp_plan_lag_months`,
  `referral_to_care_lag_months`): a change in referrals reaches S47 enquiries, ICPCs and new CP plans
  `cp_lag_months` later and entries to care `care_lag_months` later (delta shifted right, zeros in front;
  effects that would land after the horizon fall outside it). Assessments and contacts are not lagged.
  Edge-of-care factors act on entries in the month they happen. Shifting zeros gives zeros, so neutral levers
  still give exactly 0.0, and the stocks' conservation is unchanged (the lag only moves the inflow change).
- Re-entry (`PipelineChanges.lac_reentries`, from `reentries`): a share of the children who leave care through
  the edge-of-care lever's extra exits come back, evenly over the months after they leave; they are added to
  the change in entries to care (so conserved in the LAC stock). Zero extra exits give exactly zero.
- Draws: every rule also runs on a stack of draws at once (arrays (draws, months), rates (draws, 1)), each
  draw exactly as a single run would be (forecasting.planning.effect_draws simulates effect sizes that way).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from forecasting.errors import UserFacingError
from forecasting.planning.coverage import indicator_words

log = logging.getLogger(__name__)
__all__ = [
    "FLOW_INDICATORS",
    "BaselineFlows",
    "PipelineChanges",
    "PipelineDeltas",
    "Rate",
    "calibrate_pipeline",
    "lagged",
    "prepare_baseline",
    "reentries",
    "run_pipeline",
    "stock_flow",
]

# measure name -> scorecard indicator the baseline takes it from
FLOW_INDICATORS: dict[str, str] = {
    "contacts": "M1", "referrals": "M2", "assessments": "EH3", "s47_enquiries": "CP1", "icpc": "CP2",
    "new_cp_plans": "CP4 (val)", "cp_plans": "CP6B", "lac_starts": "LAC2", "lac": "LAC1", "cin_open": "EH2",
    "early_help_assessments": "EH1c", "early_help_plans": "EH1b",
}
STOCKS = {"cp_plans": ("new_cp_plans", "cp_plans_ended"), "lac": ("lac_starts", "lac_ceased"),
          "cin_open": ("assessments", "cin_closed")}
REQUIRED = ("M1",)     # the front door: every lever is translated into changes in contacts first


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


def calibrate_pipeline(dataset) -> Calibration:
    """Monthly conversion and exit rates from the history (mean and sd across months). See module
    docstring."""
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
        )
    }
    notes: list[str] = []
    absent = [code for code, values in s.items() if values.dropna().empty]
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
    rates.append(_rate("cp_exit_rate", _ratio(cp_ended, s["CP6B"].shift(1)),
                       "DERIVED: CP plans ended = opening CP6B + new plans (CP4 (val)) + transfer-ins (CP2b) "
                       "- "
                       "closing CP6B, divided by opening CP6B (the scorecard's CP7 has gaps).", notes))
    lac_out = s["LAC4"].reindex(s["LAC1"].index)
    if lac_out.notna().sum():
        rates.append(_rate("lac_exit_rate", _ratio(lac_out, s["LAC1"].shift(1)),
                           "ceasing LAC episodes (LAC4) / opening LAC1 each month.", notes))
    else:
        derived_out = s["LAC1"].shift(1) + s["LAC2"].reindex(s["LAC1"].index) - s["LAC1"]
        rates.append(_rate("lac_exit_rate", _ratio(derived_out, s["LAC1"].shift(1)),
                           "DERIVED (no LAC4 in the data): children ceasing care = opening LAC1 + new "
                           "episodes "
                           "(LAC2) - closing LAC1, divided by opening LAC1.", notes))
    cin_closed = s["EH2"].shift(1) + s["EH3"].reindex(s["EH2"].index) - s["EH2"]
    rates.append(_rate("cin_exit_rate", _ratio(cin_closed, s["EH2"].shift(1)),
                       "DERIVED: CIN closures = opening EH2 + assessments completed (EH3, taken as the CIN "
                       "inflow) - closing EH2, divided by opening EH2 (the scorecard gives neither CIN "
                       "starts nor closures).",
                       notes))
    rates.append(_rate("early_help_step_up", _ratio(s["M5"], s["EH1b"]),
                       "children stepped up from Universal Help to a CIN assessment (M5) / Universal Help "
                       "Plans opened (EH1b) each month: in a steady state, the share of plans that end in a "
                       "step-up. Shown as a check on the leakage assumption (a lower bound: families also "
                       "come back through "
                       "new contacts); not used in the maths.", notes))
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


@dataclass
class BaselineFlows:
    """The statistical baseline, one numpy array per measure over the forecast months.

    Stocks' outflows are derived from the baseline's own stock forecasts (ended = opening + in - closing), so
    the baseline conserves children by construction; a negative derived outflow means the stock grew faster
    than the recorded inflows (transfer-ins, episodes vs children) and is kept, not hidden.
    """

    months: pd.DatetimeIndex
    flows: dict[str, np.ndarray]
    opening: dict[str, float]
    forecasts: pd.DataFrame          # indicator, month, mean, lo80, hi80, lo95, hi95 (the engine's)
    distribution: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    # set once by forecasting.planning.scenarios.build_baseline, then only read (a baseline may be shared):
    projection: Any = None           # planning.projection.Projection of the engine's forecasts
    dataset: Any = None              # the data set it was built from
    params: Any = None               # the parameter values the effect models were built with
    effects: Any = None              # planning.scenario_effects.EffectModels for those values


def prepare_baseline(forecasts: pd.DataFrame, dataset, calibration: Calibration,
                     distribution: pd.DataFrame | None = None) -> BaselineFlows:
    """Arrays of the engine's forecast means per pipeline measure (see FLOW_INDICATORS).

    Works on whatever the data set has: a flow indicator without a forecast is filled as referrals x its
    calibrated conversion when the history allows, else left out of the scenario, with a note either way; a
    stock without its inflow stays unchanged under any scenario (noted). Only contacts (M1), the front door
    every lever starts from, are required; without them, or with a forecast that stops short of the horizon
    for some indicator, this is a user problem (UserFacingError).
    """
    months = pd.DatetimeIndex(sorted(forecasts["month"].unique()))
    wide = forecasts.pivot_table(index="month", columns="indicator", values="mean").reindex(months)
    for code in REQUIRED:
        if code not in wide.columns or wide[code].isna().all():
            raise UserFacingError(
                "Scenarios need contacts (M1): every lever is first a change in contacts at the "
                "front door, and this data set has no contacts. Upload a scorecard with M1."
            )
    for code in FLOW_INDICATORS.values():
        if code in wide.columns and wide[code].isna().any() and wide[code].notna().any():
            raise UserFacingError(
                f"The baseline forecast of {indicator_words(code)} is missing some months between "
                f"{months[0]:%Y-%m} and {months[-1]:%Y-%m}; re-run the forecast over one horizon."
            )
    notes: list[str] = []
    flows: dict[str, np.ndarray] = {}
    fill = {
        "assessments": ("referrals", "referral_to_assessment"),
        "s47_enquiries": ("referrals", "referral_to_s47"),
        "icpc": ("s47_enquiries", "s47_to_icpc"),
        "new_cp_plans": ("icpc", "icpc_to_plan"),
        "lac_starts": ("referrals", "referral_to_lac_start"),
    }
    for measure, code in FLOW_INDICATORS.items():
        if code in wide.columns and wide[code].notna().all():
            flows[measure] = wide[code].to_numpy(dtype=float)
        elif (
            measure in fill and fill[measure][0] in flows and calibration.rates[fill[measure][1]].n_months > 0
        ):
            source, rate = fill[measure]
            flows[measure] = flows[source] * calibration[rate]
            notes.append(f"No forecast for {indicator_words(code)}: taken as {source} x {rate} "
                         f"({calibration[rate]:.3f}).")
        else:
            notes.append(
                f"No forecast for {indicator_words(code)} and no history to estimate it from: left out "
                "of the scenario."
            )
    opening = {}
    for stock, (inflow, outflow) in STOCKS.items():
        if stock not in flows or inflow not in flows:
            if stock in flows:
                words = indicator_words(FLOW_INDICATORS[stock])
                notes.append(f"{words[0].upper()}{words[1:]}: no inflow "
                             f"({indicator_words(FLOW_INDICATORS[inflow])}) to work with, so the scenario "
                             "leaves "
                             "it unchanged.")
            continue
        history = dataset.series(FLOW_INDICATORS[stock]).dropna()
        opening[stock] = float(history.iloc[-1]) if len(history) else float(flows[stock][0])
        previous = np.concatenate([[opening[stock]], flows[stock][:-1]])
        flows[outflow] = previous + flows[inflow] - flows[stock]
        if (flows[outflow] < 0).any():
            notes.append(f"Baseline {outflow} derived from the {stock} forecast is negative in "
                         f"{int((flows[outflow] < 0).sum())} month(s): the stock forecast grows faster than "
                         "its "
                         "recorded inflow.")
    return BaselineFlows(months, flows, opening, forecasts, distribution, notes)


@dataclass
class PipelineChanges:
    """Changes the levers make at the front of the journey, one array per month (0 = no change)."""

    contacts: np.ndarray            # change in contacts reaching the front door
    referrals: np.ndarray           # change in referrals (diversion, leakage, shock)
    lac_entry_factor: np.ndarray    # multiplier on entries to care (1 = unchanged)
    lac_extra_exits: np.ndarray     # extra children leaving care per month
    early_help_in: np.ndarray       # families newly open to Early Help because of step-down (plans opened)
    early_help_episode_months: int = 6
    referrals_downstream: np.ndarray | None = None   # change in referrals weighted by their risk of going on
    #                                                  to S47/CP/care (None = same as `referrals`)
    # extra Universal Help Assessments completed (None = none)
    early_help_assessments: np.ndarray | None = None
    cp_lag_months: int = 0          # months from a referral to its S47 / ICPC / CP plan
    care_lag_months: int = 0        # months from a referral to its entry to care
    lac_reentries: np.ndarray | None = None   # children coming back into care after extra exits (None = none)


@dataclass
class PipelineDeltas:
    """Scenario minus baseline for every pipeline measure (arrays over the forecast months)."""

    deltas: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.deltas[name]


def stock_flow(stock: np.ndarray, inflow: np.ndarray, outflow: np.ndarray, d_in: np.ndarray, exit_rate,
               extra_exits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(d_stock, d_in, d_out) for one stock; rules in the module docstring.

    d_in is floored at -inflow (scenario inflow >= 0); d_out at month t is exit_rate * d_stock[t-1] +
    extra_exits[t], floored so the scenario outflow stays >= 0, then capped so the scenario stock
    (stock + d_stock) stays >= 0 (the cap wins if the two clash).

    Vectorised over draws: `d_in` and `extra_exits` may be (draws, months) and `exit_rate` (draws, 1); months
    are the last axis. Each draw follows exactly the one-draw rule.
    """
    n = len(stock)
    d_in = np.maximum(d_in, -np.maximum(inflow, 0.0))
    shape = np.broadcast_shapes(np.shape(d_in), np.shape(extra_exits), (n,))
    d_in = np.broadcast_to(d_in, shape)
    extra_exits = np.broadcast_to(extra_exits, shape)
    rate = np.broadcast_to(np.clip(np.asarray(exit_rate, dtype=float), 0.0, 1.0), shape[:-1] + (1,))[..., 0]
    d_stock = np.zeros(shape)
    d_out = np.zeros(shape)
    prev = np.zeros(shape[:-1])
    for t in range(n):
        want = rate * prev + extra_exits[..., t]
        want = np.maximum(want, -max(outflow[t], 0.0))          # scenario outflow never below zero ...
        want = np.minimum(want, stock[t] + prev + d_in[..., t])  # ... and never more children than there are
        d_out[..., t] = want
        prev = prev + d_in[..., t] - want
        d_stock[..., t] = prev
    return d_stock, np.array(d_in), d_out


def lagged(values: np.ndarray, months: int) -> np.ndarray:
    """`values` shifted `months` later along the last axis (zeros in front, the tail past the horizon
    dropped); 0 = unchanged."""
    months = max(int(months), 0)
    values = np.asarray(values, dtype=float)
    if months == 0:
        return values
    n = values.shape[-1]
    front = np.zeros(values.shape[:-1] + (min(months, n),))
    return np.concatenate([front, values], axis=-1)[..., :n]


def reentries(extra_exits: np.ndarray, share_pct: float, spread_months: int) -> np.ndarray:
    """Children coming back into care each month: `share_pct` % of each month's `extra_exits`, spread evenly
    over the `spread_months` months after it (months on the last axis; the tail past the horizon dropped)."""
    spread = max(int(spread_months), 1)
    exits = np.asarray(extra_exits, dtype=float)
    total = np.cumsum(exits, axis=-1)
    within = total - lagged(total, spread)          # exits in the last `spread` months, this month included
    return lagged(within, 1) * share_pct / 100.0 / spread


def run_pipeline(
    baseline: BaselineFlows, changes: PipelineChanges, calibration: Calibration
) -> PipelineDeltas:
    """Propagate front-door changes down the journey and through the stocks. Returns deltas only."""
    f = baseline.flows
    d: dict[str, np.ndarray] = {"contacts": changes.contacts, "referrals": changes.referrals}
    d["assessments"] = changes.referrals * calibration["referral_to_assessment"]
    downstream = changes.referrals if changes.referrals_downstream is None else changes.referrals_downstream
    d["s47_enquiries"] = lagged(downstream, changes.cp_lag_months) * calibration["referral_to_s47"]
    d["icpc"] = d["s47_enquiries"] * calibration["s47_to_icpc"]
    d["new_cp_plans"] = d["icpc"] * calibration["icpc_to_plan"]
    if "lac_starts" in f:
        demand_entries = f["lac_starts"] + lagged(downstream, changes.care_lag_months) * \
            calibration["referral_to_lac_start"]
        d["lac_starts"] = np.maximum(demand_entries, 0.0) * changes.lac_entry_factor - f["lac_starts"]
        if changes.lac_reentries is not None:
            d["lac_starts"] = d["lac_starts"] + changes.lac_reentries
    zero = np.zeros(len(baseline.months))
    for stock_name, (inflow, outflow), rate, extra in (
            ("cp_plans", STOCKS["cp_plans"], "cp_exit_rate", zero),
            ("lac", STOCKS["lac"], "lac_exit_rate", changes.lac_extra_exits),
            ("cin_open", STOCKS["cin_open"], "cin_exit_rate", zero)):
        if stock_name not in f or inflow not in f:
            if stock_name in f:
                d[stock_name] = np.zeros(len(zero))        # present but unreachable: unchanged (noted)
            continue
        d_stock, d_in, d_out = stock_flow(
            f[stock_name], f[inflow], f[outflow], d[inflow], calibration[rate], extra
        )
        d[stock_name], d[inflow], d[outflow] = d_stock, d_in, d_out
    # Early Help: each stepped-down family stays open for `episode` months
    episode = max(int(changes.early_help_episode_months), 1)
    closed = lagged(changes.early_help_in, episode)
    d["early_help_new"] = changes.early_help_in
    d["early_help_plans"] = changes.early_help_in
    d["early_help_assessments"] = (
        changes.early_help_assessments if changes.early_help_assessments is not None else np.zeros(len(zero))
    )
    d["early_help_closed"] = closed
    d["early_help_open"] = np.cumsum(changes.early_help_in - closed, axis=-1)
    return PipelineDeltas(d)
