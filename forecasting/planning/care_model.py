"""Children-in-care model on SSDA903 episodes: monthly transitions between placement types by age band.

The state of a child at a month end is (age band, placement type), from `ssda903_monthly.month_end_states`.
Between two consecutive month ends t-1 and t, a child in state (b, p) at t-1:
- is in care at t with placement type q: a *move* p -> q in band b (q = p is staying put);
- is not in care at t: an *exit* from (b, p) by route r, the route of the period-ending episode whose DEC
  falls in (t-1, t] (`other` if none is found);
- separately, if still in care, *ages* into the next band when its band at t is higher;
- *ages out of care* when it left care between t-1 and t because it turned 18 (LEAVING_CARE_AGE: being
  looked after ends at 18; leaving in the month before the birthday counts, `care_states`): counted as
  ageing out of its band, not as an exit, so that the projection lets each child go at 18 instead of at the
  band's average exit rate.
The oldest reporting band (16 and over) is modelled as one band per year of age (16, 17: `AGE-16PLUS:16`,
`AGE-16PLUS:17`) so that a start stock full of 17-year-olds leaves sooner than one of 16-year-olds; the
projection reports them summed as AGE-16PLUS. Children still in care at 18 or over (data errors) count as 17.
A child not in care at t-1 and in care at t in (b, q) is an *entry* to (b, q). Children who come and go
within one month are not seen (monthly snapshots); LAC2/LAC4 count them, the model does not.

Rates over a reference period (months t in [first, last]), in `estimate_rates`:
- move[b, p, q] = moves / exposure[b, p] and exit[b, p, r] = exits / exposure[b, p], where exposure is the
  number of child-months in (b, p) at t-1; a state never seen keeps its children (move[b, p, p] = 1);
- ageing[b] = children in band b at t-1 and band b+1 at t (or aged out of care) / children in band b at t-1
  still in care at t (or aged out); with no such children, 1 / (12 x band width in years) (D2I's
  uniform-birthday rule); 0 for a band of width 0 (unknown ages, a last band without an age limit);
- entries[b, q] = entries / number of months in the reference period.
One projected month (`step_expected`): moves and exits first, then ageing of those still in care (from the
oldest band, out of care by the 16-18 route), then entries. Intervals come from simulation (`simulate`):
rates drawn from their posterior (`_draw_rates`), then multinomial moves, binomial ageing and Poisson entries;
quantiles of the simulated paths. Month-end states come from `care_states.state_panel`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecasting.data.ssda903_config import UNKNOWN_AGE, Codes903, load_codes
from forecasting.data.ssda903_episodes import Episodes903
from forecasting.data.ssda903_monthly import placement_code, route_code
from forecasting.planning.care_states import (
    AGE_OUT_ROUTE,
    LEAVING_CARE_AGE,
    SUB_BAND,
    StatePanel,
    reporting_band,
    state_panel,
)

PRIOR = 1.0  # pseudo-count (spread by the point rates) added to each state's counts for the simulated rates
DEFAULT_SIMULATIONS = 1000
QUANTILES = {"lo80": 0.10, "hi80": 0.90, "lo95": 0.025, "hi95": 0.975}


@dataclass(frozen=True)
class TransitionCounts:
    """Counts over a reference period: exposure [b, p], moves [b, p, q], exits [b, p, r], aged [b],
    stayed [b] (in care at both ends, or aged out of care), entries [b, q], months (number of month pairs);
    next_band and age_out_route as in the panel."""

    exposure: np.ndarray
    moves: np.ndarray
    exits: np.ndarray
    aged: np.ndarray
    stayed: np.ndarray
    entries: np.ndarray
    months: int
    next_band: np.ndarray | None = None
    age_out_route: int = -1


@dataclass(frozen=True)
class CareRates:
    """Monthly rates (module docstring) with the counts they came from and the reference period."""

    move: np.ndarray
    exit: np.ndarray
    ageing: np.ndarray
    entries: np.ndarray
    counts: TransitionCounts
    reference: tuple[pd.Timestamp, pd.Timestamp]

    @property
    def next_band(self) -> np.ndarray:
        """The band each band ages into (-1 = out of care)."""
        found = self.counts.next_band
        return found if found is not None else np.append(np.arange(1, len(self.ageing)), -1)


@dataclass(frozen=True)
class CareProjection:
    """Start stock and projected months: `table` has indicator, month, mean, lo80, hi80, lo95, hi95 for LAC1,
    every PL-<type>, every age band and every EXIT-<route> (exits per month); `start` is the stock by type."""

    table: pd.DataFrame
    start: pd.Series
    start_month: pd.Timestamp
    rates: CareRates


def count_transitions(panel: StatePanel, first: int, last: int) -> TransitionCounts:
    """Counts over month pairs (t-1, t) for t in [first, last] (indices into `panel.months`, first >= 1)."""
    n_b, n_p, n_r = len(panel.bands), len(panel.types), len(panel.routes)
    exposure, moves = np.zeros((n_b, n_p)), np.zeros((n_b, n_p, n_p))
    exits, entries = np.zeros((n_b, n_p, n_r)), np.zeros((n_b, n_p))
    aged, stayed = np.zeros(n_b), np.zeros(n_b)
    for t in range(max(first, 1), last + 1):
        before, after, route = panel.state[:, t - 1], panel.state[:, t], panel.route[:, t]
        was = before >= 0
        b0, p0 = before[was] // n_p, before[was] % n_p
        np.add.at(exposure, (b0, p0), 1)
        now = after[was]
        out = panel.aged_out[was, t] if panel.aged_out is not None else np.zeros(len(now), dtype=bool)
        stay = now >= 0
        kept = stay | out  # ageing out at 18 is ageing, not an exit: it stays put, then ages (out of care)
        np.add.at(moves, (b0[kept], p0[kept], np.where(stay, now % n_p, p0)[kept]), 1)
        np.add.at(stayed, b0[kept], 1)
        np.add.at(aged, b0[kept], out[kept] | ((now[kept] // n_p) > b0[kept]))
        np.add.at(exits, (b0[~kept], p0[~kept], route[was][~kept]), 1)
        new = (~was) & (after >= 0)
        np.add.at(entries, (after[new] // n_p, after[new] % n_p), 1)
    return TransitionCounts(exposure, moves, exits, aged, stayed, entries, max(last - max(first, 1) + 1, 0),
                            panel.ages_into(), panel.age_out_route)


def band_widths(panel: StatePanel, codes: Codes903 | None = None) -> np.ndarray:
    """Width in years of each band of `panel`: a year for each year of the oldest band (the last one ages out
    of care at 18), 0 for unknown ages and for an unsplit last band (nobody ages out)."""
    codes = codes or load_codes()
    widths = {code: upper - lower for code, _label, lower, upper in codes.age_bands}
    last = codes.age_band_codes[-1]
    return np.array([1.0 if SUB_BAND in band else 0.0 if band in (last, UNKNOWN_AGE) else float(widths[band])
                     for band in panel.bands])


def estimate_rates(
    counts: TransitionCounts, widths: np.ndarray, reference: tuple[pd.Timestamp, pd.Timestamp]
) -> CareRates:
    """Monthly rates from counts (the rules in the module docstring)."""
    n_b, n_p = counts.exposure.shape
    exposure = counts.exposure[:, :, None]
    seen = exposure > 0
    move = np.where(seen, counts.moves / np.where(seen, exposure, 1), 0.0)
    exit_rate = np.where(seen, counts.exits / np.where(seen, exposure, 1), 0.0)
    unseen = ~seen[:, :, 0]
    move[unseen] = np.eye(n_p)[np.nonzero(unseen)[1]]
    fallback = np.where(widths > 0, 1.0 / (12.0 * np.where(widths > 0, widths, 1)), 0.0)
    ageing = np.where(
        counts.stayed > 0, counts.aged / np.where(counts.stayed > 0, counts.stayed, 1), fallback
    )
    ageing = np.where(widths > 0, ageing, 0.0)
    entries = counts.entries / max(counts.months, 1)
    return CareRates(move, exit_rate, ageing, entries, counts, reference)


def step_expected(stock: np.ndarray, rates: CareRates) -> tuple[np.ndarray, np.ndarray]:
    """One month of expected flows: (stock at the next month end [b, q], exits in the month [b, p, r]).

    moved[b, q] = sum_p stock[b, p] x move[b, p, q]; exits[b, p, r] = stock[b, p] x exit[b, p, r];
    then a share ageing[b] of moved[b, .] goes to band b+1; then entries[b, q] are added.
    """
    moved = np.einsum("bp,bpq->bq", stock, rates.move)
    exits = stock[:, :, None] * rates.exit
    ageing_out = moved * rates.ageing[:, None]
    aged = moved - ageing_out
    _age(aged, exits, ageing_out, rates)
    return aged + rates.entries, exits


def _age(stock: np.ndarray, exits: np.ndarray, ageing_out: np.ndarray, rates: CareRates) -> None:
    """Add each band's children ageing out (by type) to the band they age into, or to the exits by the 16-18
    route when they age out of care (in place)."""
    next_band = rates.next_band
    inside = next_band >= 0
    np.add.at(stock, next_band[inside], ageing_out[inside])
    route = rates.counts.age_out_route
    if route >= 0:
        exits[~inside, :, route] += ageing_out[~inside]


def _draw_rates(rates: CareRates, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One draw of (move+exit row probabilities [b, p, q+r], entries [b, q]) from their posterior.

    Each state's row is Dirichlet(point rates x (exposure + PRIOR)): for estimated rates that is the counts
    + PRIOR x point rates, centred on the point rates, as uncertain as the exposure, never inventing an
    outcome that was not seen; rates changed by a lever (`care_levers`) keep the same spread. Entries:
    Gamma(rate x months) / months, i.e. the entry count's uncertainty.
    """
    counts = rates.counts
    point = np.concatenate([rates.move, rates.exit], axis=2)
    concentration = (counts.exposure + PRIOR)[:, :, None]
    draws = rng.gamma(np.where(point > 0, point * concentration, 1.0)) * (point > 0)
    rows = draws / draws.sum(axis=2, keepdims=True)
    rows[counts.exposure == 0] = point[counts.exposure == 0]  # no data: keep the rule (stay put)
    months = max(counts.months, 1)
    shape = rates.entries * months
    entries = rng.gamma(np.where(shape > 0, shape, 1.0)) * (shape > 0)
    return rows, entries / months


def simulate(
    stock: np.ndarray, rates: CareRates, horizon: int, n_sims: int = DEFAULT_SIMULATIONS, seed: int = 17
) -> tuple[np.ndarray, np.ndarray]:
    """Simulated paths: (stock [sim, month, b, q], exits [sim, month, b, p, r]) for months 1..horizon."""
    rng = np.random.default_rng(seed)
    n_b, n_p = stock.shape
    n_r = rates.exit.shape[2]
    stocks = np.zeros((n_sims, horizon, n_b, n_p))
    exits = np.zeros((n_sims, horizon, n_b, n_p, n_r))
    for sim in range(n_sims):
        rows, entry_rate = _draw_rates(rates, rng)
        current = np.rint(stock).astype(int)
        for month in range(horizon):
            outcomes = rng.multinomial(current, rows)
            moved = outcomes[:, :, :n_p].sum(axis=1)
            exits[sim, month] = outcomes[:, :, n_p:]
            ageing_out = rng.binomial(moved, rates.ageing[:, None])
            current = moved - ageing_out
            _age(current, exits[sim, month], ageing_out, rates)
            current = current + rng.poisson(entry_rate)
            stocks[sim, month] = current
    return stocks, exits


def project_care(
    panel: StatePanel,
    rates: CareRates,
    start: int,
    horizon: int,
    n_sims: int = DEFAULT_SIMULATIONS,
    seed: int = 17,
) -> CareProjection:
    """Project `horizon` months from the stock at month end `start`: expected values, simulated intervals."""
    stock = panel.stock(start)
    months = pd.date_range(panel.months[start] + pd.offsets.MonthBegin(1), periods=horizon, freq="MS")
    expected, expected_exits, current = [], [], stock
    for _ in range(horizon):
        current, out = step_expected(current, rates)
        expected.append(current)
        expected_exits.append(out)
    sims, sim_exits = simulate(stock, rates, horizon, n_sims, seed)
    paths = np.array(expected)
    rows = [_summary("LAC1", months, paths.sum(axis=(-2, -1)), sims.sum(axis=(-2, -1)))]
    rows += [
        _summary(placement_code(kind), months, paths[..., :, i].sum(axis=-1), sims[..., :, i].sum(axis=-1))
        for i, kind in enumerate(panel.types)
    ]
    reporting = pd.Index([reporting_band(band) for band in panel.bands])
    for band in reporting.unique():  # the years of the oldest band summed back into it
        mine = np.flatnonzero(reporting == band)
        rows.append(_summary(band, months, paths[..., mine, :].sum(axis=(-2, -1)),
                             sims[..., mine, :].sum(axis=(-2, -1))))
    for i, kind in enumerate(panel.routes):
        rows.append(
            _summary(
                route_code(kind),
                months,
                np.array(expected_exits)[..., i].sum(axis=(-2, -1)),
                sim_exits[..., i].sum(axis=(-2, -1)),
            )
        )
    start_by_type = pd.Series(
        stock.sum(axis=0), index=[placement_code(t) for t in panel.types], name="children"
    )
    start_month = panel.months[start].to_period("M").to_timestamp()
    return CareProjection(pd.concat(rows, ignore_index=True), start_by_type, start_month, rates)


def _summary(code: str, months: pd.DatetimeIndex, mean: np.ndarray, sims: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame({"indicator": code, "month": months, "mean": mean})
    for name, q in QUANTILES.items():
        frame[name] = np.quantile(sims, q, axis=0)
    return frame


def fit_care_model(
    clean: Episodes903,
    authority: str,
    *,
    reference_months: int = 12,
    horizon: int = 24,
    start_month: str | pd.Timestamp | None = None,
    n_sims: int = DEFAULT_SIMULATIONS,
    codes: Codes903 | None = None,
) -> CareProjection:
    """Rates over the `reference_months` months ending at `start_month` (default: the last month of data),
    then a projection of `horizon` months from that month's stock."""
    panel = state_panel(clean, authority, codes)
    start = _month_index(panel, start_month)
    first = max(start - reference_months + 1, 1)
    counts = count_transitions(panel, first, start)
    reference = (
        panel.months[first].to_period("M").to_timestamp(),
        panel.months[start].to_period("M").to_timestamp(),
    )
    rates = estimate_rates(counts, band_widths(panel, codes), reference)
    return project_care(panel, rates, start, horizon, n_sims)


def _month_index(panel: StatePanel, month: str | pd.Timestamp | None) -> int:
    if month is None:
        return len(panel.months) - 1
    wanted = pd.Timestamp(month).to_period("M")
    found = [i for i, end in enumerate(panel.months) if end.to_period("M") == wanted]
    if not found or found[0] < 1:
        first, last = panel.months[1].strftime("%Y-%m"), panel.months[-1].strftime("%Y-%m")
        raise ValueError(f"start month {wanted} is outside the data ({first} to {last})")
    return found[0]


__all__ = [
    "AGE_OUT_ROUTE",
    "LEAVING_CARE_AGE",
    "SUB_BAND",
    "CareProjection",
    "CareRates",
    "StatePanel",
    "TransitionCounts",
    "band_widths",
    "count_transitions",
    "estimate_rates",
    "fit_care_model",
    "project_care",
    "reporting_band",
    "simulate",
    "state_panel",
    "step_expected",
]
