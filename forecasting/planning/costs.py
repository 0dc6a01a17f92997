"""Placement costs: children looked after by placement type, weekly unit costs with inflation, spend by month
and by full financial year (elapsed months actual, the rest forecast), and savings of a scenario.

Rules (all figures are named parameters in data/assumptions.yaml; price base rules in
forecasting.planning.prices; the mix functions live in forecasting.planning.placement_shares and are
re-exported here):
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
  (lac - baseline_lac: children kept out of care, or extra) at a marginal mix, because the children a plan
  keeps out of care are not average placements: each lever's part of the change (`lever_parts`) at that
  lever's own mix (`<lever>_marginal_share_<type>`), the rest at the general one (`marginal_share_<type>`),
  supported/other the remainder of each (rules in forecasting.planning.lever_mix). Where the average mix
  counts no kinship care (scorecard data) a marginal kinship share is costed as in-house fostering:
  connected-person carers are council-approved foster carers paid its allowances (an assumption: the
  scorecard does not say where it counts them), so no kinship child is floored away.
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
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from forecasting.planning.lever_mix import children_change
from forecasting.planning.parameters import Parameter, ParameterError, value
from forecasting.planning.placement_shares import (
    EDITABLE_SHARES,
    PLACEMENT_TYPES,
    marginal_mix,
    mix_by_month,
    mix_columns,
    placement_mix,
)
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
    "EDITABLE_SHARES",
    "PLACEMENT_TYPES",
    "PlacementCosts",
    "financial_year",
    "fold_uncounted_kinship",
    "full_year_lac",
    "marginal_mix",
    "mix_by_month",
    "placement_mix",
    "project_placement_costs",
    "savings",
    "unit_costs",
    "unused_spend_note",
]

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
    notes: list[str] = field(default_factory=list)  # e.g. uploaded spend for months not shown

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
    lever_parts: dict[str, np.ndarray] | None = None,
) -> PlacementCosts:
    """Children and spend by placement type for each month of `lac` (month-indexed numbers of LAC).

    `basis` (by month; default all forecast) says which months are actual; `actual_spend` (month,
    placement_type, spend) replaces the costed spend of those months and types with what was spent;
    `baseline_lac` (same months) costs the change from it at the marginal mix: each lever's part in
    `lever_parts` ({lever key: children by month}, forecasting.planning.lever_mix) at that lever's own mix,
    the rest at the general marginal mix."""
    lac = pd.Series(lac, dtype=float).sort_index()
    lac.index = pd.DatetimeIndex(lac.index, name="month")
    if (lac < 0).any() or lac.isna().any():
        raise ParameterError(
            "placement costs need a non-negative number of children looked after in every month"
        )
    if mix is None:
        mix = placement_mix(params, dataset, mix_overrides)
    shares = mix_columns(mix, lac.index)
    if baseline_lac is None:
        children = pd.DataFrame({kind: lac * shares[kind] for kind in PLACEMENT_TYPES}, index=lac.index)
    else:
        before = pd.Series(baseline_lac, dtype=float).set_axis(lac.index)
        change = fold_uncounted_kinship(children_change((lac - before).to_numpy(), lever_parts, params),
                                        shares["kinship"])
        children = _with_marginal_change(lac, before, shares, change)
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
    notes = []
    if actual_spend is not None and len(actual_spend):
        spend, words = _with_actual_spend(spend, words, lac.index, actual_spend)
        notes = unused_spend_note(actual_spend, lac.index)
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
        notes=notes,
    )


def unused_spend_note(actual_spend: pd.DataFrame, months: pd.DatetimeIndex) -> list[str]:
    """A note naming the uploaded spend months that fall outside `months` (so were not used); [] if none."""
    months = pd.DatetimeIndex(months)
    unused = sorted({pd.Timestamp(m) for m in actual_spend["month"]} - set(months))
    if not unused:
        return []
    listed = ", ".join(f"{m:%b %Y}" for m in unused[:6]) + (" and more" if len(unused) > 6 else "")
    return [f"Uploaded actual spend for {listed} was not used: those months are outside "
            f"{months.min():%b %Y}-{months.max():%b %Y}, the months that can take uploaded spend."]


def fold_uncounted_kinship(change: np.ndarray, kinship_share: np.ndarray) -> np.ndarray:
    """Change by type (months x PLACEMENT_TYPES) with the kinship column moved to in-house fostering in months
    whose average mix counts no kinship care (scorecard data: kinship children sit in the in-house count)."""
    change = np.array(change, dtype=float)
    k, h = PLACEMENT_TYPES.index("kinship"), PLACEMENT_TYPES.index("in_house_fostering")
    none = np.asarray(kinship_share, dtype=float) <= 0
    change[none, h] += change[none, k]
    change[none, k] = 0.0
    return change


def _with_marginal_change(lac: pd.Series, baseline_lac: pd.Series, mix: dict[str, np.ndarray],
                          change: np.ndarray) -> pd.DataFrame:
    """Children by type: the baseline at the average mix plus the change by type (`change`, months x
    PLACEMENT_TYPES: lever_mix.children_change), floored at 0."""
    base = baseline_lac.to_numpy()
    table = np.column_stack([base * mix[k] for k in PLACEMENT_TYPES]) + change
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
    """'Apr 2018-Jun 2018 actual, Jul 2018-Mar 2019 forecast' for the months of one year (a month given
    twice: its first word)."""
    months = pd.to_datetime(months)
    aligned = not isinstance(basis, pd.Series) or not isinstance(months, pd.Series) or (
        basis.index.equals(months.index))
    if aligned and not pd.isna(months).any():  # the common case, without building a frame (issue 16, speed)
        first: dict = {}
        for month, word in zip(months, basis, strict=True):
            first.setdefault(pd.Timestamp(month), word)
        rows = sorted(first.items(), key=lambda pair: pair[0])
    else:
        frame = pd.DataFrame({"month": months, "basis": basis}).drop_duplicates("month")
        rows = list(frame.sort_values("month").itertuples(index=False))
    parts, run = [], None
    for month, word in rows:
        if run and run[2] == word and (month.year - run[1].year) * 12 + month.month - run[1].month == 1:
            run[1] = month
        else:
            if run:
                parts.append(run)
            run = [month, month, word]
    if run:
        parts.append(run)
    return ", ".join((f"{a:%b %Y}" if a == b else f"{a:%b %Y}-{b:%b %Y}") + f" {w}" for a, b, w in parts)


def financial_years(months: pd.Series) -> pd.Series:
    """`months.map(financial_year)`, worked out once per distinct month (a table has a row per type)."""
    if months.isna().any():
        return months.map(financial_year)
    return months.map({pd.Timestamp(month): financial_year(month) for month in pd.unique(months)})


def _by_financial_year(by_month: pd.DataFrame) -> pd.DataFrame:
    frame = by_month.assign(financial_year=financial_years(by_month["month"]))
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
    # a month is `actual spend` when spend was uploaded for any type of it (one word per month)
    uploaded = frame.groupby("month")["basis"].transform(lambda b: (b == BASIS_ACTUAL_SPEND).any())
    frame["month_basis"] = frame["basis"].where(~uploaded, BASIS_ACTUAL_SPEND)
    words = {
        year: months_in_words(group["month"], group["month_basis"])
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
