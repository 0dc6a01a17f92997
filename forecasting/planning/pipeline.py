"""Stock-and-flow demand pipeline, calibrated from the scorecard history and applied ON TOP OF the baseline.

The journey (scorecard codes in brackets):
  contacts (M1) -> referrals (M2; conversion M3) -> single assessments (EH3) -> S47 enquiries (CP1)
  -> initial CP conferences (CP2) -> new CP plans (CP4 (val)) -> CP plans in force (CP6B, stock)
  referrals -> new LAC episodes (LAC2), directly or through a CP plan -> LAC at month end (LAC1, stock)
  -> ceasing LAC (LAC4), by route (adoption LAC6 (val), special guardianship LAC12 (val), home, 18 / other)
  assessments -> new CIN cases (those not closed with no further action) -> children in need open (EH2,
  stock).
  Early Help step-down (levers): stepped-down contacts -> Universal Help Assessments completed (EH1c, a share
  of them) and Universal Help Plans opened (EH1b, a share of them); each plan stays open for an episode (the
  extra Early Help caseload, measure `early_help_open`); a share come back later as re-referrals. Step-ups
  from Universal Help to CIN (M5 / EH1b) are calibrated as a check on that share.

Rules:
- Partial data: only contacts (M1) are required. Each other measure is taken when the data set has it, filled
  from referrals at a calibrated conversion when only its forecast is missing, else left out; a conversion
  with no months of data is 0 (changes stop there) and a stock without its inflow is unchanged by any
  scenario. Every such case is a note in plain words (forecasting.planning.coverage says which page parts that
  affects). Exits by route (LAC6 (val), LAC12 (val)) are read when the data set has them, silently otherwise.
- Calibration (`calibrate_pipeline`, forecasting.planning.pipeline_calibration): each conversion is the mean
  over months of the monthly ratio; flows the scorecard does not give are derived from stock change.
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
  `cp_lag_months` later (delta shifted right, zeros in front; effects that would land after the horizon fall
  outside it). Assessments and contacts are not lagged. Edge-of-care factors act on entries in the month they
  happen. Shifting zeros gives zeros, so neutral levers still give exactly 0.0.
- The care pathway (forecasting.planning.care_pathway, rules and sources there): entries to care by two routes
  (direct, `care_lag_months` after the referral; through a CP plan, `cp_lag_months` + `cp_to_care_lag_months`
  after it, a share `care_via_cp_share`); only `assessment_to_cin` of assessments open a CIN case; exits split
  by route (`exit_routes` for the exits the exit rate gives, `extra_exit_routes` for the lever's extra exits,
  deltas `lac_ceased_<route>`), and children who leave come back by each route's re-entry kernel, month by
  month inside the stock loop (`lac_reentries`, part of `lac_starts`). Without these settings
  (PipelineChanges defaults) the rules are the single-route, no-re-entry ones.
- Precomputed re-entries (`PipelineChanges.lac_reentries`, from `reentries`): added to the change in entries
  to care (so conserved in the LAC stock). Zero extra exits give exactly zero.
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
from forecasting.planning.care_pathway import ExitRoutes, lagged, route_entries
from forecasting.planning.coverage import indicator_words
from forecasting.planning.pipeline_calibration import Calibration, Rate, calibrate_pipeline

log = logging.getLogger(__name__)
__all__ = [
    "FLOW_INDICATORS",
    "BaselineFlows",
    "PipelineChanges",
    "PipelineDeltas",
    "ROUTE_FLOWS",
    "Calibration",
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
    "lac_ceased_adoption": "LAC6 (val)", "lac_ceased_sgo": "LAC12 (val)",
}
# exits by route: read when the data set has them, without a note when it does not
ROUTE_FLOWS = ("lac_ceased_adoption", "lac_ceased_sgo")
STOCKS = {"cp_plans": ("new_cp_plans", "cp_plans_ended"), "lac": ("lac_starts", "lac_ceased"),
          "cin_open": ("cin_starts", "cin_closed")}
REQUIRED = ("M1",)     # the front door: every lever is translated into changes in contacts first


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
    backtest: Any = None             # the engine's back-test (ForecastResult.backtest), for timeliness loads


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
        elif measure not in ROUTE_FLOWS:
            notes.append(
                f"No forecast for {indicator_words(code)} and no history to estimate it from: left out "
                "of the scenario."
            )
    if "assessments" in flows:      # new CIN cases: the assessments that do not end in no further action
        flows["cin_starts"] = flows["assessments"] * _rate_or(calibration, "assessment_to_cin", 1.0)
    opening = {}
    for stock, (inflow, outflow) in STOCKS.items():
        if stock not in flows or inflow not in flows:
            if stock in flows:
                words = indicator_words(FLOW_INDICATORS[stock])
                source = FLOW_INDICATORS["assessments" if inflow == "cin_starts" else inflow]
                notes.append(f"{words[0].upper()}{words[1:]}: no inflow "
                             f"({indicator_words(source)}) to work with, so the scenario "
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
    # the care pathway (forecasting.planning.care_pathway); defaults: the single-route, no-re-entry rules
    care_via_cp_share: float = 0.0  # share of the entries a referral change causes that come via a CP plan
    cp_to_care_lag_months: int = 0  # months from a new CP plan to those entries
    exit_routes: ExitRoutes | None = None        # route mix and re-entry of the exits the exit rate gives
    extra_exit_routes: ExitRoutes | None = None  # route mix and re-entry of the lever's extra exits


@dataclass
class PipelineDeltas:
    """Scenario minus baseline for every pipeline measure (arrays over the forecast months)."""

    deltas: dict[str, np.ndarray]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.deltas[name]


def stock_flow(stock: np.ndarray, inflow: np.ndarray, outflow: np.ndarray, d_in: np.ndarray, exit_rate,
               extra_exits: np.ndarray, *, kernels: tuple[np.ndarray, np.ndarray] | None = None,
               detail: dict | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(d_stock, d_in, d_out) for one stock; rules in the module docstring.

    d_in is floored at -inflow (scenario inflow >= 0); d_out at month t is exit_rate * d_stock[t-1] +
    extra_exits[t], floored so the scenario outflow stays >= 0, then capped so the scenario stock
    (stock + d_stock) stays >= 0 (the cap wins if the two clash).

    `kernels` (re-entry, forecasting.planning.care_pathway): (kernel of the exits the exit rate gives, kernel
    of the extra exits), each (..., K); month t's d_in gains sum_k kernel[k-1] x exits[t-k] of each kind (the
    extra exits as made, after the floor and cap), before the floor. `detail`, when given, receives
    "ordinary_exits" (exit_rate x d_stock[t-1]), "extra_exits" (d_out minus those) and "reentries".

    Vectorised over draws: `d_in` and `extra_exits` may be (draws, months) and `exit_rate` (draws, 1); months
    are the last axis. Each draw follows exactly the one-draw rule.
    """
    n = len(stock)
    floor = -np.maximum(inflow, 0.0)
    lead = [np.shape(k)[:-1] + (1,) for k in kernels] if kernels is not None else []
    shape = np.broadcast_shapes(np.shape(d_in), np.shape(extra_exits), (n,), *lead)
    d_in = np.array(np.broadcast_to(np.maximum(d_in, floor), shape), dtype=float)
    extra_exits = np.broadcast_to(extra_exits, shape)
    rate = np.broadcast_to(np.clip(np.asarray(exit_rate, dtype=float), 0.0, 1.0), shape[:-1] + (1,))[..., 0]
    d_stock, d_out = np.zeros(shape), np.zeros(shape)
    ordinary, extra, back = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    prev = np.zeros(shape[:-1])
    for t in range(n):
        if kernels is not None and t > 0:
            for kernel, exits in zip(kernels, (ordinary, extra), strict=True):
                m = min(np.shape(kernel)[-1], t)
                back[..., t] += (kernel[..., :m] * exits[..., t - m:t][..., ::-1]).sum(axis=-1)
            d_in[..., t] = np.maximum(d_in[..., t] + back[..., t], floor[t])
        ordinary[..., t] = rate * prev
        want = ordinary[..., t] + extra_exits[..., t]
        want = np.maximum(want, -max(outflow[t], 0.0))          # scenario outflow never below zero ...
        want = np.minimum(want, stock[t] + prev + d_in[..., t])  # ... and never more children than there are
        d_out[..., t] = want
        extra[..., t] = want - ordinary[..., t]
        prev = prev + d_in[..., t] - want
        d_stock[..., t] = prev
    if detail is not None:
        detail.update(ordinary_exits=ordinary, extra_exits=extra, reentries=back)
    return d_stock, d_in, d_out


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
    if "cin_starts" not in f and "assessments" in f:   # a baseline made by hand: new CIN from assessments
        f = {**f, "cin_starts": f["assessments"] * _rate_or(calibration, "assessment_to_cin", 1.0)}
    d: dict[str, np.ndarray] = {"contacts": changes.contacts, "referrals": changes.referrals}
    d["assessments"] = changes.referrals * calibration["referral_to_assessment"]
    if "assessments" in f:
        d["assessments"] = np.maximum(d["assessments"], -np.maximum(f["assessments"], 0.0))
    d["cin_starts"] = d["assessments"] * _rate_or(calibration, "assessment_to_cin", 1.0)
    downstream = changes.referrals if changes.referrals_downstream is None else changes.referrals_downstream
    d["s47_enquiries"] = lagged(downstream, changes.cp_lag_months) * calibration["referral_to_s47"]
    d["icpc"] = d["s47_enquiries"] * calibration["s47_to_icpc"]
    d["new_cp_plans"] = d["icpc"] * calibration["icpc_to_plan"]
    if "lac_starts" in f:
        demand_entries = f["lac_starts"] + route_entries(
            downstream, calibration["referral_to_lac_start"], changes.care_via_cp_share,
            changes.care_lag_months, changes.cp_lag_months + changes.cp_to_care_lag_months)
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
        routes = None
        if stock_name == "lac" and changes.exit_routes is not None and changes.extra_exit_routes is not None:
            routes = (changes.exit_routes, changes.extra_exit_routes)
        detail: dict[str, np.ndarray] = {}
        d_stock, d_in, d_out = stock_flow(
            f[stock_name], f[inflow], f[outflow], d[inflow], calibration[rate], extra,
            kernels=(routes[0].kernel(), routes[1].kernel()) if routes is not None else None, detail=detail)
        d[stock_name], d[inflow], d[outflow] = d_stock, d_in, d_out
        if routes is not None:
            d["lac_reentries"] = detail["reentries"]
            ordinary = routes[0].split(detail["ordinary_exits"])
            planned = routes[1].split(detail["extra_exits"])
            for route in ordinary:
                d[f"lac_ceased_{route}"] = ordinary[route] + planned[route]
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


def _rate_or(calibration, name: str, default: float):
    """calibration[name], or `default` for a calibration made without that rate (e.g. a test's toy one)."""
    try:
        return calibration[name]
    except KeyError:
        return default
