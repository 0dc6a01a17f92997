"""Placement costs: children looked after by placement type, weekly unit costs with inflation, spend by month
and by full financial year (elapsed months actual, the rest forecast), and savings of a scenario.

Rules (all figures are named parameters in data/assumptions.yaml; price base rules in
forecasting.planning.prices):
- Placement types: `in_house_fostering`, `ifa`, `residential`, `kinship` (kinship / connected-person
  fostering, its own unit cost), `supported_other`.
- Mix from an SSDA903 return (a data set converted from one counts children by 903 placement type,
  `PL-<TYPE>`): each month's shares are the counts of that month grouped into the cost types
  (forecasting.planning.placement_mix.COST_TYPE), observed months as counted, later months from the care
  model's projection of the return (placement_mix.placement_mix_table, when its episodes are at hand), else
  the baseline projection of each count, else the latest count. Nothing is assumed but the unit costs.
- Mix from the scorecard (no 903 counts): IFA where it counts them (LAC9 (val) / LAC1, latest month);
  in-house from in-house foster carers (LAC16) x `children_per_in_house_carer` / LAC1; residential from
  `share_residential`; kinship 0 (the scorecard does not count it: kinship children sit in the other shares);
  supported/other takes what is left. Without the scorecard counts, `share_ifa` and
  `share_in_house_fostering`. `mix_by_month` lets the mix move: each month's own LAC9/LAC16/LAC1 where
  observed, else the engine's projection of them, else the latest.
  Any share can be overridden (`mix_overrides`); supported/other is always re-derived so shares sum to 1.
- Marginal mix: with `baseline_lac` given, the baseline's children are split at the mix above and the change
  (lac - baseline_lac: children kept out of care, or extra) at the marginal mix (`marginal_share_<type>`,
  supported/other the remainder), because the children a plan keeps out of care are not average placements.
  A type that would fall below 0 is floored at 0 and the shortfall taken from the others in proportion.
- Extra in-house carers (a lever; a number or a month-indexed series) each take `children_per_in_house_carer`
  children out of IFA placements, never more than are in IFA that month.
- Unit cost in a month = weekly cost x (1 + that type's inflation)^(financial years since the cost's price
  year).
- Spend in a month = children x weekly unit cost x weeks_per_year / 12.
- Full financial years (`full_year_lac`): the months of the first forecast year before the forecast starts are
  costed from the children in care observed then (LAC1), marked `actual`; forecast months are `forecast`.
  Spend the user uploads for a month and type replaces the costed figure and is marked `actual spend`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from forecasting.planning import placement_mix as mix_903
from forecasting.planning.parameters import Parameter, ParameterError, value
from forecasting.planning.prices import (
    INFLATION_PARAMETER,
    financial_year,
    inflation_factors,
    price_year,
    weeks_per_month,
)

log = logging.getLogger(__name__)
__all__ = [
    "BASIS_ACTUAL",
    "BASIS_ACTUAL_SPEND",
    "BASIS_FORECAST",
    "PLACEMENT_TYPES",
    "PlacementCosts",
    "financial_year",
    "full_year_lac",
    "placement_mix",
    "project_placement_costs",
    "savings",
    "unit_costs",
]

PLACEMENT_TYPES: tuple[str, ...] = ("in_house_fostering", "ifa", "residential", "kinship", "supported_other")
EDITABLE_SHARES = PLACEMENT_TYPES[:-1]  # supported/other is the remainder
UNIT_COST_PARAMETER = {kind: f"unit_cost_{kind}" for kind in PLACEMENT_TYPES}
BASIS_ACTUAL = "actual"  # observed children in care, costed at unit costs
BASIS_ACTUAL_SPEND = "actual spend"  # spend the user uploaded
BASIS_FORECAST = "forecast"


def unit_costs(months: pd.DatetimeIndex, params: dict[str, Parameter]) -> pd.DataFrame:
    """Weekly unit cost per placement type (columns) for each month (index), inflated from each price year at
    that type's rate."""
    out = {}
    for kind, name in UNIT_COST_PARAMETER.items():
        parameter = params[name]
        out[kind] = parameter.value * inflation_factors(
            months, value(params, INFLATION_PARAMETER[kind]), price_year(parameter)
        )
    return pd.DataFrame(out, index=pd.DatetimeIndex(months, name="month"))


def placement_mix(
    params: dict[str, Parameter], dataset=None, mix_overrides: dict[str, float] | None = None
) -> dict[str, float]:
    """Shares of LAC by placement type (sum 1): a 903 return's latest counts, else the scorecard's
    LAC9/LAC16 where given, else parameters."""
    per_carer = value(params, "children_per_in_house_carer")
    shares = {
        "ifa": value(params, "share_ifa"),
        "in_house_fostering": value(params, "share_in_house_fostering"),
        "residential": value(params, "share_residential"),
        "kinship": 0.0,
    }
    latest_903 = _latest_903_shares(dataset)
    if latest_903 is not None:
        shares = {kind: latest_903[kind] for kind in EDITABLE_SHARES}
    elif dataset is not None:
        lac = _latest(dataset, "LAC1")
        ifa, carers = _latest(dataset, "LAC9 (val)"), _latest(dataset, "LAC16")
        if lac and ifa is not None:
            shares["ifa"] = ifa / lac
        if lac and carers is not None:
            shares["in_house_fostering"] = carers * per_carer / lac
    for kind, share in (mix_overrides or {}).items():
        if kind not in shares:
            raise ParameterError(
                f"placement mix: {kind!r} is not an editable share; choose from "
                f"{', '.join(shares)} (supported_other is the remainder)"
            )
        if not 0.0 <= float(share) <= 1.0:
            raise ParameterError(f"placement mix: share of {kind} must be between 0 and 1, got {share}")
        shares[kind] = float(share)
    total = sum(shares.values())
    if total > 1.0 + 1e-12:
        raise ParameterError(
            f"placement mix: IFA + in-house + residential + kinship shares add to {total:.2f}, more than 1; "
            "lower one of them or children_per_in_house_carer"
        )
    shares["supported_other"] = max(1.0 - total, 0.0)
    return {kind: shares[kind] for kind in PLACEMENT_TYPES}


def _latest_903_shares(dataset) -> dict[str, float] | None:
    """Cost-type shares of the last month a 903 return counts anyone in care (None: not 903 data)."""
    if not mix_903.has_903_mix(dataset):
        return None
    children = pd.DataFrame({kind: dataset.series(code) for kind, code in mix_903.type_codes().items()})
    shares = mix_903.cost_shares(children.fillna(0.0)).dropna()
    return None if shares.empty else shares.iloc[-1].to_dict()


def mix_by_month(params: dict[str, Parameter], dataset, months, projection=None,
                 mix_overrides: dict[str, float] | None = None,
                 care_mix: pd.DataFrame | None = None) -> pd.DataFrame:
    """Shares of LAC by placement type for each month (index) that can move: IFA (LAC9 (val)), in-house carers
    (LAC16) and LAC1 as observed that month, else the projection's median for it (the engine's forecast: a
    trend only where its back-test chose one), else the latest observed, else the share parameters;
    residential from `share_residential`; overrides hold in every month; IFA and in-house are scaled down
    together in a month where the shares would add to more than 1, so supported/other is never below 0."""
    months = pd.DatetimeIndex(months)
    fixed = placement_mix(params, dataset, mix_overrides)
    if mix_903.has_903_mix(dataset):
        return _mix_by_month_903(dataset, months, projection, fixed, mix_overrides, care_mix)
    counts = {code: _by_month(code, months, dataset, projection) for code in ("LAC1", "LAC9 (val)", "LAC16")}
    lac = counts["LAC1"].where(counts["LAC1"] > 0)
    shares = pd.DataFrame(index=months)
    shares["ifa"] = (counts["LAC9 (val)"] / lac).fillna(fixed["ifa"])
    carers = counts["LAC16"] * value(params, "children_per_in_house_carer")
    shares["in_house_fostering"] = (carers / lac).fillna(fixed["in_house_fostering"])
    for kind, share in (mix_overrides or {}).items():
        shares[kind] = float(share)
    shares["residential"] = fixed["residential"]
    shares["kinship"] = fixed["kinship"]
    room = 1.0 - shares["residential"] - shares["kinship"]
    fostering = shares["ifa"] + shares["in_house_fostering"]
    scale = np.where(fostering > room, room / fostering.where(fostering > 0, 1.0), 1.0)
    shares["ifa"] *= scale
    shares["in_house_fostering"] *= scale
    shares["supported_other"] = 1.0 - shares[list(EDITABLE_SHARES)].sum(axis=1)
    shares.index.name = "month"
    return shares[list(PLACEMENT_TYPES)]


def _mix_by_month_903(dataset, months, projection, fixed, mix_overrides, care_mix=None) -> pd.DataFrame:
    """Mix by month from a 903 return's counts by type (observed, else the care model's projection
    `care_mix` when given (placement_mix.placement_mix_table), else the engine's projection, else latest); a
    month without children takes the latest mix; overrides hold in every month, supported/other the
    remainder."""
    care = None
    if care_mix is not None:
        projected = care_mix[care_mix["basis"] == "projected"]
        care = projected.pivot_table(index="month", columns="placement_type", values="children")
    children = pd.DataFrame(
        {kind: _by_month(code, months, dataset, projection,
                         None if care is None or kind not in care else care[kind])
         for kind, code in mix_903.type_codes().items()},
        index=months,
    )
    shares = mix_903.cost_shares(children.fillna(0.0))
    for kind in PLACEMENT_TYPES:
        shares[kind] = shares[kind].fillna(fixed[kind])
    for kind, share in (mix_overrides or {}).items():
        shares[kind] = float(share)
    if mix_overrides:
        shares["supported_other"] = 1.0 - shares[list(EDITABLE_SHARES)].sum(axis=1)
        if (shares["supported_other"] < -1e-9).any():
            raise ParameterError("placement mix: the shares you set leave less than nothing for supported / "
                                 "other in some months of the 903 data; lower one of them")
    shares.index.name = "month"
    out = shares[list(PLACEMENT_TYPES)]
    out.attrs["from_903"] = True
    out.attrs["care_model"] = care is not None
    return out


def _by_month(code: str, months: pd.DatetimeIndex, dataset, projection,
              modelled: pd.Series | None = None) -> pd.Series:
    """One indicator by month: observed, else `modelled` (a month-indexed series, e.g. the care model's),
    else the projection's median, else the latest observed (NaN if none)."""
    out = pd.Series(np.nan, index=months)
    if dataset is not None and code in getattr(dataset, "indicator_codes", ()):
        observed = dataset.series(code).dropna()
        out = out.fillna(pd.Series(observed.to_numpy(dtype=float), index=pd.DatetimeIndex(observed.index))
                         .reindex(months))
    if modelled is not None:
        out = out.fillna(pd.Series(modelled.to_numpy(dtype=float),
                                   index=pd.DatetimeIndex(modelled.index)).reindex(months))
    if projection is not None and code in projection.indicators:
        wanted = months[out.isna().to_numpy() & months.isin(projection.months)]
        if len(wanted):
            out[wanted] = projection.means(code, wanted)
    latest = _latest(dataset, code) if dataset is not None else None
    return out.fillna(latest) if latest is not None else out


def _mix_columns(mix, index: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """{type: shares aligned with `index`} from one mix (dict) or a mix by month (frame)."""
    if isinstance(mix, pd.DataFrame):
        frame = mix.reindex(index).ffill().bfill()
        return {kind: frame[kind].to_numpy(dtype=float) if kind in frame else np.zeros(len(index))
                for kind in PLACEMENT_TYPES}
    return {kind: np.full(len(index), float(mix.get(kind, 0.0))) for kind in PLACEMENT_TYPES}


def _latest(dataset, code: str) -> float | None:
    """Latest non-missing value of one indicator (numpy, so a scenario recompute stays fast)."""
    observations = dataset.observations
    mask = observations["unique_id"].to_numpy() == code
    values = observations["y"].to_numpy(dtype=float)[mask]
    months = observations["ds"].to_numpy()[mask]
    ok = ~np.isnan(values)
    return float(values[ok][np.argmax(months[ok])]) if ok.any() else None


@dataclass
class PlacementCosts:
    """`by_month`: month, placement_type, children, weekly_unit_cost, spend, basis (actual / actual spend /
    forecast).
    `by_financial_year` (computed when first asked): financial_year, placement_type, months, actual_months,
    forecast_months, child_months, spend, complete_year (False for a part year), months_basis (in words)."""

    by_month: pd.DataFrame
    mix: dict[str, float] | pd.DataFrame   # one mix, or shares by month (mix_by_month)
    total_by_month: pd.Series  # spend per month, all placement types
    children_by_type: pd.DataFrame  # month (index) x placement type (columns): children

    @cached_property
    def by_financial_year(self) -> pd.DataFrame:
        return _by_financial_year(self.by_month)


def full_year_lac(dataset, forecast_lac: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(children looked after by month, basis by month) from the April of the first forecast month's financial
    year: the elapsed months from the observed LAC1 (`actual`), then `forecast_lac` (`forecast`). Elapsed
    months the data does not have are left out (the year is then marked part)."""
    forecast_lac = pd.Series(forecast_lac, dtype=float)
    forecast_lac.index = pd.DatetimeIndex(forecast_lac.index, name="month")
    first = forecast_lac.index.min()
    april = pd.Timestamp(year=first.year if first.month >= 4 else first.year - 1, month=4, day=1)
    observed = pd.Series(dtype=float)
    if dataset is not None and "LAC1" in getattr(dataset, "indicator_codes", ()):
        observed = dataset.series("LAC1").dropna()
        observed.index = pd.DatetimeIndex(observed.index)
        observed = observed[(observed.index >= april) & (observed.index < first)]
    lac = pd.concat([observed.astype(float), forecast_lac]).sort_index()
    lac.index.name = "month"
    basis = pd.Series(BASIS_FORECAST, index=lac.index, name="basis")
    basis[basis.index < first] = BASIS_ACTUAL
    return lac, basis


def project_placement_costs(
    lac: pd.Series,
    params: dict[str, Parameter],
    mix: dict[str, float] | pd.DataFrame | None = None,
    mix_overrides: dict[str, float] | None = None,
    extra_in_house_carers=0.0,
    dataset=None,
    basis: pd.Series | None = None,
    actual_spend: pd.DataFrame | None = None,
    baseline_lac: pd.Series | None = None,
) -> PlacementCosts:
    """Children and spend by placement type for each month of `lac` (month-indexed numbers of LAC).

    `basis` (by month; default all forecast) says which months are actual; `actual_spend` (month,
    placement_type, spend) replaces the costed spend of those months and types with what was spent;
    `baseline_lac` (same months) costs the change from it at the marginal mix."""
    lac = pd.Series(lac, dtype=float).sort_index()
    lac.index = pd.DatetimeIndex(lac.index, name="month")
    if (lac < 0).any() or lac.isna().any():
        raise ParameterError(
            "placement costs need a non-negative number of children looked after in every month"
        )
    if mix is None:
        mix = placement_mix(params, dataset, mix_overrides)
    shares = _mix_columns(mix, lac.index)
    if baseline_lac is None:
        children = pd.DataFrame({kind: lac * shares[kind] for kind in PLACEMENT_TYPES}, index=lac.index)
    else:
        before = pd.Series(baseline_lac, dtype=float).set_axis(lac.index)
        children = _with_marginal_change(lac, before, shares, marginal_mix(params))
    extra: pd.Series = (
        pd.Series(extra_in_house_carers, index=lac.index, dtype=float)
        if np.isscalar(extra_in_house_carers)
        else pd.Series(extra_in_house_carers, dtype=float).reindex(lac.index).fillna(0.0)
    )
    moved = np.minimum(extra.clip(lower=0.0) * value(params, "children_per_in_house_carer"), children["ifa"])
    children["ifa"] -= moved
    children["in_house_fostering"] += moved
    costs = unit_costs(lac.index, params)
    spend = (
        children[list(PLACEMENT_TYPES)].to_numpy()
        * costs[list(PLACEMENT_TYPES)].to_numpy()
        * weeks_per_month(params)
    )
    words = (
        np.full(len(lac), BASIS_FORECAST, dtype=object)
        if basis is None
        else pd.Series(basis).reindex(lac.index).fillna(BASIS_FORECAST).to_numpy(dtype=object)
    )
    words = np.repeat(words[:, None], len(PLACEMENT_TYPES), axis=1)
    if actual_spend is not None and len(actual_spend):
        spend, words = _with_actual_spend(spend, words, lac.index, actual_spend)
    by_month = pd.DataFrame(
        {
            "month": np.repeat(lac.index.values, len(PLACEMENT_TYPES)),
            "placement_type": np.tile(PLACEMENT_TYPES, len(lac)),
            "children": children[list(PLACEMENT_TYPES)].to_numpy().ravel(),
            "weekly_unit_cost": costs[list(PLACEMENT_TYPES)].to_numpy().ravel(),
            "spend": spend.ravel(),
            "basis": words.ravel(),
        }
    )
    return PlacementCosts(
        by_month=by_month,
        mix=mix,
        total_by_month=pd.Series(spend.sum(axis=1), index=lac.index, name="spend"),
        children_by_type=children[list(PLACEMENT_TYPES)],
    )


def marginal_mix(params: dict[str, Parameter]) -> dict[str, float]:
    """Shares by type of the children a plan keeps out of (or brings into) care; supported/other the rest."""
    shares = {kind: value(params, f"marginal_share_{kind}") for kind in EDITABLE_SHARES}
    total = sum(shares.values())
    if total > 1.0 + 1e-12:
        raise ParameterError(
            f"marginal placement mix: in-house + IFA + residential + kinship shares add to {total:.2f}, more "
            "than 1; lower one of them")
    return {**shares, "supported_other": 1.0 - total}


def _with_marginal_change(lac: pd.Series, baseline_lac: pd.Series, mix: dict[str, np.ndarray],
                          marginal: dict[str, float]) -> pd.DataFrame:
    """Children by type: the baseline at the average mix plus the change at the marginal mix (floored at
    0)."""
    change = (lac - baseline_lac).to_numpy()
    base = baseline_lac.to_numpy()
    table = np.column_stack([base * mix[k] + change * marginal[k] for k in PLACEMENT_TYPES])
    for row in np.flatnonzero((table < 0).any(axis=1)):
        values = table[row]
        short = -values[values < 0].sum()
        values[values < 0] = 0.0
        positive = values > 0
        values[positive] -= short * values[positive] / values[positive].sum()
    return pd.DataFrame(table, index=lac.index, columns=list(PLACEMENT_TYPES))


def _with_actual_spend(
    spend: np.ndarray, words: np.ndarray, months: pd.DatetimeIndex, actual_spend: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Uploaded spend in place of the costed figure for the (month, type) cells it covers."""
    spend, words = spend.copy(), words.copy()
    row = {m: i for i, m in enumerate(months)}
    column = {kind: j for j, kind in enumerate(PLACEMENT_TYPES)}
    for month, kind, amount in actual_spend[["month", "placement_type", "spend"]].itertuples(index=False):
        i, j = row.get(pd.Timestamp(month)), column.get(kind)
        if i is not None and j is not None:
            spend[i, j] = float(amount)
            words[i, j] = BASIS_ACTUAL_SPEND
    return spend, words


def months_in_words(months: pd.Series, basis: pd.Series) -> str:
    """'Apr-Jun 2018 actual, Jul 2018-Mar 2019 forecast' for the months of one year."""
    frame = pd.DataFrame({"month": pd.to_datetime(months), "basis": basis}).drop_duplicates("month")
    frame = frame.sort_values("month")
    parts, run = [], None
    for month, word in frame.itertuples(index=False):
        if run and run[2] == word and (month.year - run[1].year) * 12 + month.month - run[1].month == 1:
            run[1] = month
        else:
            if run:
                parts.append(run)
            run = [month, month, word]
    if run:
        parts.append(run)
    return ", ".join((f"{a:%b %Y}" if a == b else f"{a:%b %Y}-{b:%b %Y}") + f" {w}" for a, b, w in parts)


def _by_financial_year(by_month: pd.DataFrame) -> pd.DataFrame:
    frame = by_month.assign(financial_year=by_month["month"].map(financial_year))
    if "basis" not in frame:
        frame["basis"] = BASIS_FORECAST
    frame["actual"] = frame["month"].where(frame["basis"] != BASIS_FORECAST)
    table = (
        frame.groupby(["financial_year", "placement_type"], sort=True)
        .agg(
            months=("month", "nunique"),
            actual_months=("actual", "nunique"),
            child_months=("children", "sum"),
            spend=("spend", "sum"),
        )
        .reset_index()
    )
    table["forecast_months"] = table["months"] - table["actual_months"]
    table["complete_year"] = table["months"] == 12
    words = {
        year: months_in_words(group["month"], group["basis"])
        for year, group in frame.groupby("financial_year", sort=True)
    }
    table["months_basis"] = table["financial_year"].map(words)
    return table


def savings(baseline: PlacementCosts, scenario: PlacementCosts, by: str = "financial_year") -> pd.DataFrame:
    """Baseline spend minus scenario spend (positive = the scenario saves), by financial year or month."""
    if by not in ("financial_year", "month"):
        raise ValueError("by must be 'financial_year' or 'month'")
    table_of = (lambda c: c.by_financial_year) if by == "financial_year" else (lambda c: c.by_month)
    base = table_of(baseline).groupby(by)["spend"].sum()
    scen = table_of(scenario).groupby(by)["spend"].sum()
    out = pd.DataFrame({"baseline_spend": base, "scenario_spend": scen.reindex(base.index)})
    out["saving"] = out["baseline_spend"] - out["scenario_spend"]
    return out.reset_index()
