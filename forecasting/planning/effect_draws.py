"""Effect uncertainty: a scenario simulated over its effects' evidence bands and the calibrated rates.

Rules:
- One draw set per (number of draws, seed) (parameters `scenario_effect_draws`, `scenario_effect_seed`), made
  once and shared by every scenario: for each lever in `levers.EVIDENCE` and each care pathway parameter a
  shape s = U1 + U2 - 1 (triangular on [-1, 1], mode 0), for each calibrated rate a standard normal z. Two
  scenarios (two slider positions) therefore differ only by their levers, and a result repeats exactly.
- Effect sizes: a lever set to x is drawn as x (1 + s (central - low) / central) for s < 0 and
  x (1 + s (high - central) / central) for s >= 0, kept at or above 0 (and at most 100 for a percentage;
  not cut at the slider's range, which would bias a high setting's draws downwards). At the central value
  the draws follow a triangular distribution over the evidence band with its mode at the central value; at
  another value the band scales with it (a planned effect twice the central one is taken to be as uncertain,
  in proportion). A zero-width band gives x in every draw; widening a band moves every draw away from x,
  never towards it. Levers without evidence (decisions such as recruits, or a what-if such as a demand shock)
  are what the user sets in every draw.
- Care pathway parameters (forecasting.planning.pathway_evidence: entries via a CP plan and the lag from the
  plan to care, the stepped-down contacts' conversion, assessments ending in no further action, re-entry by
  route, exit route shares, the extra exits' route): drawn by the same rule over their own bands, around the
  value in force (`DrawnParameters`; a lag in whole months); rates the calibration took from one of them (no
  months of data) follow its draws. A zero-width band gives the value in force in every draw.
- Calibrated rates (the baseline's own uncertainty in the scenario's changes): mean + z x sd / sqrt(months),
  the uncertainty of each monthly conversion's mean, floored at 0 (exit rates are kept within 0..1 by the
  pipeline). A rate with no spread or no months stays at its mean.
- The stock-and-flow pipeline runs once on all draws together (forecasting.planning.pipeline): exact per draw.
- Workforce, timeliness and cost measures: the models run at the point scenario and once more per demand
  measure that varies across draws, with one more case in every month; each draw's change is the point change
  plus, month by month, that response per case times the draw's own demand change (first order: exact where a
  model is linear in demand month by month, as caseloads are; an approximation for timeliness curves and for
  costs that step). Demand measures that drive different workforce measures (scenario_effects.DEPENDS_ON) are
  moved together in one run; looked-after children are the only demand the cost models read, so runs without
  them use the workforce model alone. A measure that answers to a demand it is not declared to read sends the
  calculation back to one run per demand measure. Costs the plan itself drives (e.g. allowances after extra
  exits) keep their point value in every draw.
- Intervals: the 10th/90th (80%) and 2.5th/97.5th (95%) percentiles of each measure's change across draws.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Mapping
from functools import lru_cache
from types import SimpleNamespace

import numpy as np

from forecasting.planning import scenario_effects
from forecasting.planning.levers import EVIDENCE, LEVERS
from forecasting.planning.parameters import value
from forecasting.planning.pathway_evidence import LAGS, PATHWAY_EVIDENCE, RATE_FROM_PARAMETER
from forecasting.planning.pipeline import BaselineFlows, Calibration, run_pipeline
from forecasting.planning.workforce import TEAM_WORK

log = logging.getLogger(__name__)
__all__ = ["INTERVAL_COLUMNS", "DrawnParameters", "DrawnRates", "band_draws", "delta_intervals",
           "drawn_levers", "lever_draws", "parameter_draws", "simulate"]

TOTAL = "fte_gap_total"  # the teams' FTE gaps added up (forecasting.planning.workforce_scenario)
RESPONSE_STEP = 1.0  # one more case (child, contact, plan) a month: the models' response per unit of demand
INTERVAL_COLUMNS = {"delta_lo80": 0.10, "delta_hi80": 0.90, "delta_lo95": 0.025, "delta_hi95": 0.975}


@lru_cache(maxsize=256)
def _stream(seed: int, name: str, n: int, kind: str) -> np.ndarray:
    """n seeded numbers for one named lever or rate (independent of every other name); read-only."""
    rng = np.random.default_rng([seed, zlib.crc32(f"{kind}:{name}".encode())])
    out = rng.random(n) + rng.random(n) - 1.0 if kind == "shape" else rng.standard_normal(n)
    out.setflags(write=False)
    return out


def band_draws(name: str, evidence, chosen: float, n: int, seed: int, percent: bool) -> np.ndarray:
    """(n,) draws of a value set to `chosen` over `evidence`'s band (module docstring), from `name`'s
    stream: the rule for effect levers and for the care pathway's parameters alike."""
    shape = _stream(seed, name, n, "shape")
    below, above = (
        (evidence.central - evidence.low) / evidence.central,
        (evidence.high - evidence.central) / evidence.central,
    )
    factor = 1.0 + np.where(shape < 0, shape * below, shape * above)
    return np.clip(chosen * factor, 0.0, 100.0 if percent else np.inf)


def lever_draws(name: str, chosen: float, n: int, seed: int) -> np.ndarray:
    """(n,) draws of effect lever `name` set to `chosen` (rules in the module docstring)."""
    return band_draws(name, EVIDENCE[name], chosen, n, seed, LEVERS[name].unit.startswith("percent"))


def parameter_draws(name: str, chosen: float, n: int, seed: int, unit: str = "") -> np.ndarray:
    """(n,) draws of care pathway parameter `name` in force at `chosen` over its band
    (forecasting.planning.pathway_evidence); a lag in whole months."""
    draws = band_draws(name, PATHWAY_EVIDENCE[name], chosen, n, seed, unit.startswith("percent"))
    return np.rint(draws) if name in LAGS else draws


def drawn_levers(levers, n: int, seed: int) -> SimpleNamespace:
    """The levers as attributes, each lever with evidence as a (n, 1) column of draws."""
    values = levers.model_dump()
    for name in EVIDENCE:
        values[name] = lever_draws(name, float(values[name]), n, seed)[:, None]
    return SimpleNamespace(**values)


class DrawnParameters(Mapping):
    """The parameters, each one in PATHWAY_EVIDENCE with an (n, 1) column of draws as its `value` (read by
    the scenario's front door and care pathway as they read the parameters)."""

    def __init__(self, params: Mapping, n: int, seed: int):
        self.params, self.n, self.seed = params, n, seed
        self._drawn: dict[str, SimpleNamespace] = {}

    def __getitem__(self, name: str):
        parameter = self.params[name]
        if name not in PATHWAY_EVIDENCE:
            return parameter
        if name not in self._drawn:
            draws = parameter_draws(name, float(parameter.value), self.n, self.seed, parameter.unit)
            self._drawn[name] = SimpleNamespace(**{**vars(parameter), "value": draws[:, None]})
        return self._drawn[name]

    def __iter__(self):
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)


class DrawnRates:
    """A calibration read like `Calibration` (rates[name]) whose rates are (n, 1) draws (module docstring);
    with `params`, a rate the calibration took from a parameter (pathway_evidence.RATE_FROM_PARAMETER) is
    drawn from that parameter's draws."""

    def __init__(self, calibration: Calibration, n: int, seed: int, params: Mapping | None = None):
        self.calibration, self.n, self.seed = calibration, n, seed
        self.params = DrawnParameters(params, n, seed) if params is not None else None

    def __getitem__(self, name: str):
        rate = self.calibration.rates[name]
        if rate.n_months == 0 and self.params is not None and name in RATE_FROM_PARAMETER:
            parameter, rule = RATE_FROM_PARAMETER[name]
            if parameter in self.params:
                return rule(np.asarray(self.params[parameter].value, dtype=float))
        if rate.n_months == 0 or rate.sd <= 0:
            return rate.mean
        z = _stream(self.seed, name, self.n, "rate")
        return np.maximum(rate.mean + z * rate.sd / np.sqrt(rate.n_months), 0.0)[:, None]


def simulate(
    baseline: BaselineFlows,
    levers,
    calibration: Calibration,
    params,
    point_deltas: dict,
    point_extra: dict,
    *,
    front_door,
    models,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """({pipeline measure: (draws, months) deltas}, {workforce/cost measure: (draws, months) deltas}).

    `front_door(levers, baseline, calibration, params)` turns levers into pipeline changes (the scenario
    engine's own); `point_deltas` / `point_extra` are the point scenario's pipeline deltas and
    {measure: (baseline, delta)} of the workforce and cost models `models`.
    """
    n, seed = int(value(params, "scenario_effect_draws")), int(value(params, "scenario_effect_seed"))
    months = len(baseline.months)
    rates = DrawnRates(calibration, n, seed, params)
    changes = front_door(drawn_levers(levers, n, seed), baseline, rates, DrawnParameters(params, n, seed))
    raw = run_pipeline(baseline, changes, rates).deltas  # type: ignore[arg-type]
    deltas = {name: np.broadcast_to(np.asarray(d, dtype=float), (n, months)) for name, d in raw.items()}
    return deltas, _model_draws(baseline, levers, params, point_deltas, point_extra, deltas, models)


def _model_draws(
    baseline, levers, params, point_deltas, point_extra, deltas, models
) -> dict[str, np.ndarray]:
    """First-order workforce and cost deltas per draw (module docstring)."""
    n = next(iter(deltas.values())).shape[0]
    out = {measure: np.tile(delta, (n, 1)) for measure, (_, delta) in point_extra.items()}
    varying = [
        c
        for c in scenario_effects.DEMAND_COLUMNS
        if c in deltas and c in baseline.flows and np.ptp(deltas[c], axis=0).max() > 0
    ]
    slopes = _slopes(baseline, levers, params, point_deltas, point_extra, varying, models, _rounds(varying))
    if slopes is None:  # a measure answered to a demand it is not declared to read: one column at a time
        slopes = _slopes(baseline, levers, params, point_deltas, point_extra, varying, models,
                         [[column] for column in varying])
    for (measure, column), slope in (slopes or {}).items():
        out[measure] += slope * (deltas[column] - point_deltas[column])
    return out


def _drives(column: str) -> set[str]:
    """The workforce measures a demand column drives: scenario_effects.DEPENDS_ON, the FTE gap, backlog and
    triage of each team whose work it is (workforce.TEAM_WORK), and for referrals every timeliness measure (a
    curve may read the work arriving, forecasting.planning.timeliness_load); the teams' total gap is a sum
    (TOTAL)."""
    teams = [team for team, (_, columns, _) in TEAM_WORK.items() if column in columns]
    arriving = set(scenario_effects.TIMELINESS) if column == "referrals" else set()   # work arriving
    return set(scenario_effects.DEPENDS_ON.get(column, ())) | arriving | {
        f"{kind}_{team}" for team in teams for kind in ("fte_gap", "backlog", "triaged", "screened_out")}


def _rounds(varying: list[str]) -> list[list[str]]:
    """Demand columns moved together in one model run: no two in a run drive the same measure (`_drives`),
    so each measure's response has one cause."""
    rounds: list[list[str]] = []
    for column in varying:
        drives = _drives(column)
        for members in rounds:
            if not drives & {m for c in members for m in _drives(c)}:
                members.append(column)
                break
        else:
            rounds.append([column])
    return rounds


def _slopes(baseline, levers, params, point_deltas, point_extra, varying, models, rounds):
    """{(measure, demand column): response per extra case a month} over `rounds` of columns moved together;
    None when a response cannot be put down to one column of its round. Runs with looked-after children run
    every model (only they reach the cost models); the others the workforce model alone."""
    workforce_measures = set(models.base_workforce.columns) if models.base_workforce is not None else set()
    before = None
    out = {}
    for members in rounds:
        moved = dict(point_deltas)
        for column in members:
            moved[column] = point_deltas[column] + RESPONSE_STEP
        if "lac" in members or models.workforce_model is None or models.base_workforce is None:
            response = scenario_effects.workforce_and_costs(
                baseline, moved, levers, params, [], models=models, dataset=baseline.dataset
            )
            changes = {m: response[m][1] - point_extra[m][1] for m in response if m in point_extra}
        else:
            if before is None:
                before = models.workforce_model(scenario_effects.demand_frame(baseline, point_deltas), levers,
                                                params)
            after = models.workforce_model(scenario_effects.demand_frame(baseline, moved), levers, params)
            changes = {m: after[m].to_numpy(dtype=float) - before[m].to_numpy(dtype=float)
                       for m in after.columns if m in point_extra}
        for measure, change in changes.items():
            if not np.any(np.abs(change) > 1e-9) or (measure == TOTAL and len(members) > 1):
                continue
            causes = [c for c in members if measure in _drives(c)]
            if not causes and "lac" in members and measure not in workforce_measures:
                causes = ["lac"]                     # a cost: the cost models read looked-after children only
            if len(members) > 1 and len(causes) != 1:
                return None
            out[(measure, causes[0] if len(members) > 1 else members[0])] = change / RESPONSE_STEP
        if len(members) > 1 and TOTAL in changes and np.any(np.abs(changes[TOTAL]) > 1e-9):
            parts = [m for m in changes if m.startswith("fte_gap_") and m != TOTAL]
            for column in members:      # the total's response is the sum of its teams' (each has one cause)
                slope = sum((out[(m, column)] for m in parts if (m, column) in out), np.zeros(len(change)))
                if np.any(np.abs(slope) > 1e-12):
                    out[(TOTAL, column)] = slope
            explained = sum((out.get((TOTAL, c), 0.0) for c in members), np.zeros(len(change)))
            if not np.allclose(explained * RESPONSE_STEP, changes[TOTAL], rtol=1e-9, atol=1e-9):
                return None
    return out


def delta_intervals(point: np.ndarray, draws: np.ndarray | None) -> dict[str, np.ndarray]:
    """{delta_lo80, delta_hi80, delta_lo95, delta_hi95} over months; the point where every draw equals it."""
    if draws is None or not np.any(draws != point):
        return {column: np.array(point, dtype=float) for column in INTERVAL_COLUMNS}
    bands = np.quantile(draws, list(INTERVAL_COLUMNS.values()), axis=0)
    return dict(zip(INTERVAL_COLUMNS, bands, strict=True))
