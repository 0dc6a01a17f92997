"""Each lever's part of the change in children in care, and the marginal placement mix that part is costed at.

Why: the children a plan keeps out of care (or brings in) are not average placements, and not the same
children for every lever: an edge-of-care service works with adolescents at risk of a children's home, an
Early Help step-down with younger children of lower-need families, extra planned exits take children home or
to special guardians from foster and kinship care. So each lever that changes the number of children in care
has its own marginal mix (`MIX_LEVERS`; parameters `<key>_marginal_share_<type>` in data/assumptions.yaml,
supported / other the remainder), and the change is split between the levers before it is costed.

Rules:
- A lever alone: the stock-and-flow pipeline run with that lever as in the plan (its own start month and ramp)
  and every other lever in MIX_LEVERS neutral; `lone_k(t)` is its change in children looked after in month t.
- Attribution: the plan's change C(t) is rarely the sum of the levers alone, because levers act on each
  other (fewer referrals times a lower share of entries). The difference R(t) = C(t) - sum_k lone_k(t) is
  shared in proportion to the size of each lever's own change:
      part_k(t) = lone_k(t) + R(t) x |lone_k(t)| / sum_j |lone_j(t)|
  so the parts add up to C(t) exactly; when every lever moves care the same way this is lone_k(t) x C(t) /
  sum_j lone_j(t) (each lever alone, scaled so the parts sum to the plan's change), and one lever on its own
  gets all of C(t). In a month where no lever alone changes care (sum_j |lone_j| = 0) nothing is
  attributed: the whole change is costed at the general marginal mix (`marginal_share_<type>`, also used for
  any change the parts do not cover).
- Costing (forecasting.planning.costs): children by type = baseline x the average mix + sum_k part_k x mix_k
  + (C - sum_k part_k) x the general marginal mix, then the floor rule there (no type below 0).
- The parts are scenario measures `lac_change_<key>` (baseline 0, delta = the part), so the Finance view costs
  exactly what the scenario's `placement_cost` costed, and the effect draws give them intervals.
Levers neutral: no lone changes, no parts, nothing costed at any lever's mix.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd

from forecasting.planning.levers import LEVERS
from forecasting.planning.parameters import Parameter, ParameterError, value
from forecasting.planning.placement_shares import EDITABLE_SHARES, PLACEMENT_TYPES, marginal_mix

log = logging.getLogger(__name__)
__all__ = ["GENERAL_MIX_WORDS", "LONE_PREFIX", "MIX_LEVERS", "OTHER_EFFECTS_WORDS", "MixLever", "attribute",
           "avoided_by_lever", "children_change",
           "cost_model_options", "lever_mix", "lever_mixes", "lone_changes", "lone_from", "mix_parameter",
           "part_measure", "parts_from_table"]


@dataclass(frozen=True)
class MixLever:
    key: str      # short name used in parameter and measure names
    lever: str    # the effect lever in forecasting.planning.levers.LEVERS
    words: str    # for people


MIX_LEVERS: dict[str, MixLever] = {m.key: m for m in [
    MixLever("early_help", "early_help_diversion_pct", "Early Help step-down (entries avoided)"),
    MixLever("edge_of_care_entries", "edge_of_care_entry_reduction", "Edge of care: entries avoided"),
    MixLever("edge_of_care_exits", "edge_of_care_extra_exits", "Edge of care: extra planned exits"),
    MixLever("demand_shock", "demand_shock_pct", "Demand shock (extra or fewer entries)"),
]}
GENERAL_MIX_WORDS = "Levers acting together (any change not put down to one lever)"
LONE_PREFIX = "lac_alone_"  # pipeline deltas: each lever's change in children in care on its own


def mix_parameter(key: str, kind: str) -> str:
    """Parameter name of lever `key`'s marginal share of placement type `kind`."""
    return f"{key}_marginal_share_{kind}"


def part_measure(key: str) -> str:
    """Scenario measure holding lever `key`'s part of the change in children looked after."""
    return f"lac_change_{key}"


def lever_mix(params: dict[str, Parameter], key: str) -> dict[str, float]:
    """Shares by type of the children lever `key` keeps out of (or brings into) care; supported / other the
    remainder. A parameter set without this lever's shares (e.g. a stand-in) uses the general marginal
    mix."""
    names = [mix_parameter(key, kind) for kind in EDITABLE_SHARES]
    if not all(name in params for name in names):
        return marginal_mix(params)
    shares = {kind: value(params, name) for kind, name in zip(EDITABLE_SHARES, names, strict=True)}
    total = sum(shares.values())
    if total > 1.0 + 1e-12:
        raise ParameterError(
            f"marginal placement mix of {MIX_LEVERS[key].words}: in-house + IFA + residential + kinship "
            f"shares add to {total:.0%}, more than 100%; lower one of them (parameters "
            f"{mix_parameter(key, '<type>')})")
    return {**shares, "supported_other": 1.0 - total}


def lever_mixes(params: dict[str, Parameter]) -> dict[str, dict[str, float]]:
    """{lever key: its marginal mix} for every lever in MIX_LEVERS."""
    return {key: lever_mix(params, key) for key in MIX_LEVERS}


def _alone(levers, key: str):
    """The levers with every MIX_LEVERS effect lever but `key`'s at neutral (timing levers kept)."""
    update = {m.lever: LEVERS[m.lever].neutral for k, m in MIX_LEVERS.items() if k != key}
    if hasattr(levers, "model_copy"):
        return levers.model_copy(update=update)
    return SimpleNamespace(**{**vars(levers), **update})


def lone_changes(levers, baseline, calibration, params, front_door) -> dict[str, np.ndarray]:
    """{LONE_PREFIX + key: change in children looked after by month with lever `key` alone} for each lever
    of MIX_LEVERS away from neutral (rules in the module docstring). `front_door(levers, baseline,
    calibration, params)` is the scenario engine's own translation of levers into pipeline changes. Empty
    when the baseline has no children in care or no lever is on."""
    from forecasting.planning.pipeline import run_pipeline

    if "lac" not in baseline.flows:
        return {}
    out = {}
    for key, spec in MIX_LEVERS.items():
        if getattr(levers, spec.lever) == LEVERS[spec.lever].neutral:
            continue
        changes = front_door(_alone(levers, key), baseline, calibration, params)
        deltas = run_pipeline(baseline, changes, calibration).deltas
        out[LONE_PREFIX + key] = np.asarray(deltas.get("lac", np.zeros(len(baseline.months))), dtype=float)
    return out


def lone_from(deltas: dict) -> dict[str, np.ndarray]:
    """{lever key: lone change} from pipeline deltas carrying `lone_changes`' entries."""
    return {name[len(LONE_PREFIX):]: np.asarray(d, dtype=float) for name, d in deltas.items()
            if name.startswith(LONE_PREFIX)}


def attribute(change, lone: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """{lever key: its part of `change` by month} for every key of MIX_LEVERS (zeros for levers that are
    off); the attribution rule of the module docstring."""
    change = np.asarray(change, dtype=float)
    parts = {key: np.zeros_like(change) for key in MIX_LEVERS}
    if not lone:
        return parts
    sizes = {key: np.abs(np.asarray(d, dtype=float)) for key, d in lone.items()}
    total_size = sum(sizes.values())
    residual = change - sum(np.asarray(d, dtype=float) for d in lone.values())
    some = total_size > 0
    for key, d in lone.items():
        share = np.divide(sizes[key], total_size, out=np.zeros_like(change), where=some)
        parts[key] = np.where(some, np.asarray(d, dtype=float) + residual * share, 0.0)
    return parts


def children_change(change, parts: dict[str, np.ndarray] | None, params: dict[str, Parameter]) -> np.ndarray:
    """Change in children by placement type (months x PLACEMENT_TYPES): each lever's part at its own mix,
    whatever the parts leave of `change` at the general marginal mix."""
    change = np.asarray(change, dtype=float)
    general = marginal_mix(params)
    parts = {k: np.asarray(p, dtype=float) for k, p in (parts or {}).items() if np.any(p)}
    rest = change - sum(parts.values()) if parts else change
    out = np.column_stack([rest * general[kind] for kind in PLACEMENT_TYPES])
    for key, part in parts.items():
        mix = lever_mix(params, key)
        out += np.column_stack([part * mix[kind] for kind in PLACEMENT_TYPES])
    return out


def cost_model_options(cost_model, deltas: dict) -> dict:
    """Keyword options for a scenario cost model: `lac_alone` (lever key -> lone change) when the model
    takes it and the deltas carry lone changes (a stand-in model that does not is called as before)."""
    lone = lone_from(deltas)
    if not lone:
        return {}
    try:
        accepted = inspect.signature(cost_model).parameters
    except (TypeError, ValueError):
        return {}
    return {"lac_alone": lone} if "lac_alone" in accepted else {}


def parts_from_table(table, months) -> dict[str, np.ndarray] | None:
    """{lever key: part by month} from a scenario table's `lac_change_<key>` measures (None when it has
    none)."""
    out = {}
    for key in MIX_LEVERS:
        rows = table[table["measure"] == part_measure(key)]
        if len(rows):
            out[key] = (rows.set_index(pd.to_datetime(rows["month"]))["delta"]
                        .reindex(pd.DatetimeIndex(months)).fillna(0.0).to_numpy(dtype=float))
    return out or None


def avoided_by_lever(parts: dict[str, np.ndarray] | None, months, params: dict[str, Parameter],
                     average_mix, avoided_by_year) -> pd.DataFrame | None:
    """Placement spend each lever avoids by financial year: financial_year, lever (words), children_fewer
    (average a month over the year's forecast months; negative = more children), avoided_spend (£: minus its
    part x its mix x that month's unit costs x weeks a month, a kinship share costed as in-house fostering
    where the average mix counts no kinship, as in costs). A last row a year, "Other effects", is the rest of
    the year's `avoided_by_year` (a Series by financial year): extra in-house carers taking children out of
    IFA places, and any floor at 0 children of a type. None without parts."""
    from forecasting.planning.costs import fold_uncounted_kinship, unit_costs
    from forecasting.planning.placement_shares import mix_columns
    from forecasting.planning.prices import financial_year, weeks_per_month

    if not parts or not any(np.any(p) for p in parts.values()):
        return None
    months = pd.DatetimeIndex(months)
    prices = unit_costs(months, params)[list(PLACEMENT_TYPES)].to_numpy() * weeks_per_month(params)
    kinship = mix_columns(average_mix, months)["kinship"]
    years = [financial_year(m) for m in months]
    rows = []
    for key, part in parts.items():
        if not np.any(part):
            continue
        change = fold_uncounted_kinship(children_change(part, {key: part}, params), kinship)
        spend = -(change * prices).sum(axis=1)
        frame = pd.DataFrame({"financial_year": years, "children": -np.asarray(part), "spend": spend})
        for year, group in frame.groupby("financial_year", sort=True):
            rows.append({"financial_year": year, "lever": MIX_LEVERS[key].words,
                         "children_fewer": group["children"].mean(), "avoided_spend": group["spend"].sum()})
    table = pd.DataFrame(rows)
    levers_total = table.groupby("financial_year")["avoided_spend"].sum()
    other = pd.Series(avoided_by_year, dtype=float).reindex(levers_total.index).fillna(0.0) - levers_total
    other = other.where(other.abs() >= 0.005, 0.0)  # rounding noise of the subtraction is no effect
    rest = pd.DataFrame({"financial_year": other.index, "lever": OTHER_EFFECTS_WORDS,
                         "children_fewer": np.nan, "avoided_spend": other.to_numpy()})
    names = [m.words for m in MIX_LEVERS.values()] + [OTHER_EFFECTS_WORDS]
    order = {words: i for i, words in enumerate(names)}
    out = pd.concat([table, rest], ignore_index=True)
    out = out.sort_values(["financial_year", "lever"], key=lambda c: c.map(order) if c.name == "lever" else c,
                          kind="stable")
    return out.reset_index(drop=True)


OTHER_EFFECTS_WORDS = "Other effects (extra in-house carers taking children out of IFA places)"
