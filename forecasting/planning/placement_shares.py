"""Placement mix: the shares of children looked after by placement type, by month, and the marginal mix of
the children a plan keeps out of (or brings into) care. Rules in forecasting.planning.costs (which re-exports
these functions); split from it to keep each module short.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecasting.planning import placement_mix as mix_903
from forecasting.planning.parameters import Parameter, ParameterError, value

__all__ = ["EDITABLE_SHARES", "PLACEMENT_TYPES", "marginal_mix", "mix_by_month", "mix_columns",
           "placement_mix"]

PLACEMENT_TYPES: tuple[str, ...] = ("in_house_fostering", "ifa", "residential", "kinship", "supported_other")
EDITABLE_SHARES = PLACEMENT_TYPES[:-1]  # supported/other is the remainder


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
    return None if shares.empty else {str(kind): float(share) for kind, share in shares.iloc[-1].items()}


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
    if dataset is not None:  # a code the data set lacks reads as no months (Dataset.series is empty)
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


def mix_columns(mix, index: pd.DatetimeIndex) -> dict[str, np.ndarray]:
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


def marginal_mix(params: dict[str, Parameter]) -> dict[str, float]:
    """Shares by type of the children a plan keeps out of (or brings into) care; supported/other the rest."""
    shares = {kind: value(params, f"marginal_share_{kind}") for kind in EDITABLE_SHARES}
    total = sum(shares.values())
    if total > 1.0 + 1e-12:
        raise ParameterError(
            f"marginal placement mix: in-house + IFA + residential + kinship shares add to {total:.2f}, more "
            "than 1; lower one of them")
    return {**shares, "supported_other": 1.0 - total}
