"""The finance workbook: a scenario's finance view (forecasting.planning.finance) as sheets with words for
headings, the same tables the Finance page shows, and money as £1,234,567 where it is shown as text.

Sheets: spend by type and year, net position by year, net position by month, plan costs by month, investment
summary, assumptions with sources, notes. `finance_sheets(view, params)` builds them; `finance_workbook(...)`
writes them through `forecasting.reports.exports.to_xlsx` (the one table writer).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from forecasting.planning import plan_costs, prices
from forecasting.planning.parameters import Parameter
from forecasting.reports.exports import to_xlsx
from forecasting.reports.finance_assumptions import assumptions_sheet

log = logging.getLogger(__name__)
__all__ = [
    "PLACEMENT_WORDS",
    "SHEET_ABOUT",
    "baseline_sheets",
    "finance_sheets",
    "finance_workbook",
    "investment_table",
    "money",
]

PLACEMENT_WORDS = {
    "in_house_fostering": "In-house fostering",
    "ifa": "Independent fostering agency (IFA)",
    "residential": "Residential children's homes",
    "kinship": "Kinship / connected-person fostering",
    "supported_other": "Supported accommodation and other",
}
SHEET_ABOUT = {
    "Spend by type and year": "Placement spend by type and full financial year, baseline and plan; which "
    "months "
    "are actual and which forecast.",
    "Net position by year": "Avoided placement spend minus the plan's own costs by financial year, with "
    "present "
    "values.",
    "Net position by month": "The same month by month, with the cumulative net position.",
    "Plan costs by month": "What delivering the plan costs, by component and month.",
    "Avoided spend by lever": "Each lever's part of the children kept out of care and the placement spend "
    "it avoids at its own marginal mix, by financial year.",
    "Investment summary": "Payback, net present value and cost per child kept out of care, in words.",
    "Budget variance": "Forecast spend against the uploaded budget by line and year (with --budget).",
    "Assumptions": "Every cost and rate used, its value, price year and source.",
    "Notes": "Caveats.",
}


def money(amount: float | None) -> str:
    """£1,234,567 (or -£1,234,567); a dash when there is no figure."""
    if amount is None or (isinstance(amount, float) and not np.isfinite(amount)):
        return "-"
    return f"-£{-amount:,.0f}" if round(amount) < 0 else f"£{amount:,.0f}"


def _used_types(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of placement types with children in some month (kinship is empty on scorecard data)."""
    used = table.groupby("placement_type")["child_months"].transform(lambda c: c.abs().sum() > 0)
    return table[used.astype(bool)]


def _spend_sheet(view) -> pd.DataFrame:
    table = _used_types(view.spend_by_type)
    wide = table.pivot_table(
        index=["financial_year", "months_basis", "placement_type"],
        columns="case",
        values=["spend", "child_months", "months"],
        aggfunc="sum",
    ).reset_index()
    out = pd.DataFrame(
        {
            "Financial year": wide["financial_year"],
            "Months (actual or forecast)": wide["months_basis"],
            "Placement type": wide["placement_type"].map(PLACEMENT_WORDS),
            "Children, average a month (baseline)": wide[("child_months", "baseline")]
            / wide[("months", "baseline")],
            "Children, average a month (plan)": wide[("child_months", "plan")] / wide[("months", "plan")],
            "Baseline spend (£)": wide[("spend", "baseline")],
            "Plan spend (£)": wide[("spend", "plan")],
        }
    )
    out["Change in spend (£)"] = out["Plan spend (£)"] - out["Baseline spend (£)"]
    order = {kind: i for i, kind in enumerate(PLACEMENT_WORDS.values())}
    out = out.sort_values(
        ["Financial year", "Placement type"],
        key=lambda s: s.map(order) if s.name == "Placement type" else s,
        kind="stable",
    ).reset_index(drop=True)
    totals = (
        out.groupby(["Financial year", "Months (actual or forecast)"], sort=True, as_index=False)[
            [
                "Children, average a month (baseline)",
                "Children, average a month (plan)",
                "Baseline spend (£)",
                "Plan spend (£)",
                "Change in spend (£)",
            ]
        ]
        .sum()
        .assign(**{"Placement type": "All placements"})
    )
    return (
        pd.concat([out, totals[out.columns]], ignore_index=True)
        .sort_values("Financial year", kind="stable")
        .reset_index(drop=True)
    )


YEAR_WORDS = {
    "financial_year": "Financial year",
    "months_basis": "Months (actual or forecast)",
    "months": "Months",
    "baseline_placement_cost": "Baseline placement spend (£)",
    "plan_placement_cost": "Plan placement spend (£)",
    "avoided_placement_spend": "Avoided placement spend (£)",
    "baseline_staffing_cost": "Baseline staffing cost (£)",
    "plan_staffing_cost": "Plan staffing cost (£)",
    "extra_staffing_cost": "Extra staffing cost (£)",
    "delivery_cost": "Delivery cost of the plan (£)",
    "allowances_cost": "Allowances after extra exits (£)",
    "baseline_net_cost": "Baseline net cost (£)",
    "plan_net_cost": "Plan net cost (£)",
    "net_saving": "Net saving (£)",
    "cumulative_net_saving": "Cumulative net saving (£)",
}
MONTH_WORDS = {
    "month": "Month",
    "financial_year": "Financial year",
    "basis": "Actual or forecast",
    "baseline_placement_cost": "Baseline placement spend (£)",
    "plan_placement_cost": "Plan placement spend (£)",
    "baseline_staffing_cost": "Baseline staffing cost (£)",
    "plan_staffing_cost": "Plan staffing cost (£)",
    "delivery_cost": "Delivery cost of the plan (£)",
    "allowances_cost": "Allowances after extra exits (£)",
    "baseline_net_cost": "Baseline net cost (£)",
    "plan_net_cost": "Plan net cost (£)",
    "avoided_placement_spend": "Avoided placement spend (£)",
    "extra_staffing_cost": "Extra staffing cost (£)",
    "net_saving": "Net saving (£)",
    "cumulative_net_saving": "Cumulative net saving (£)",
}


def year_sheet(view) -> pd.DataFrame:
    table = view.by_year.rename(columns=YEAR_WORDS)
    return table.rename(
        columns={
            "net_saving_in_base_prices": f"Net saving in {view.price_base} prices (£)",
            "present_value": "Present value (£)",
        }
    )


def investment_table(view, params: dict[str, Parameter]) -> pd.DataFrame:
    """The investment figures in words: item, figure (text), how it is worked out."""
    s = view.investment
    horizon = f"{s['first_month']:%b %Y} to {s['last_month']:%b %Y}"
    payback = s["payback_month"]
    if payback is None:
        payback_words = f"not within the horizon (to {s['last_month']:%b %Y})"
    elif s["lowest_cumulative"] >= 0:
        payback_words = "from the start (the plan never costs more than it saves)"
    else:
        payback_words = f"{payback:%b %Y}"
    rate = params["discount_rate_pct"].value
    per_child, per_year = s["cost_per_child_kept_out"], s["cost_per_care_year_avoided"]
    rows = [
        ("Scenario", view.scenario_name, ""),
        (
            "Months covered",
            horizon,
            "Elapsed months of the first year from observed children in care (actual), the rest forecast.",
        ),
        (
            "Avoided placement spend",
            money(s["avoided_placement_spend"]),
            "Baseline minus plan placement spend, cash.",
        ),
        (
            "Cost of the plan",
            money(s["plan_cost_total"]),
            "Delivery cost + allowances after extra exits + extra staffing cost, cash.",
        ),
        (
            "Net saving over the horizon",
            money(s["net_saving_total"]),
            "Avoided placement spend minus the cost of the plan, cash.",
        ),
        (
            "Largest net outlay (lowest cumulative position)",
            money(min(s["lowest_cumulative"], 0.0)),
            "The most the plan is behind at any month.",
        ),
        (
            "Payback month",
            payback_words,
            "First month from which the cumulative net position stays at or above £0.",
        ),
        (
            f"Net present value ({view.price_base} prices, {rate:g}% a year)",
            money(s["npv"]),
            "Each year's net saving in price-base prices (general inflation), discounted at the HM "
            "Treasury Green "
            "Book rate; the price-base year is not discounted.",
        ),
        (
            "Children fewer in care at the end",
            f"{s['children_fewer_at_end']:,.0f}",
            f"Baseline minus plan children looked after in {s['last_month']:%b %Y}.",
        ),
        (
            "Cost per child kept out of care",
            money(per_child) if per_child is not None else "no fall in care",
            "Cost of the plan / children fewer in care at the end.",
        ),
        (
            "Cost per care-year avoided",
            money(per_year) if per_year is not None else "no fall in care",
            f"Cost of the plan / {s['care_years_avoided']:,.1f} child-years of care avoided.",
        ),
    ]
    rows += _interval_rows(view)
    return pd.DataFrame(rows, columns=["Item", "Figure", "How it is worked out"])


INTERVAL_WORDS = {"net_saving_total": "Net saving over the horizon", "npv": "Net present value"}


def _interval_rows(view) -> list[tuple[str, str, str]]:
    """How sure: the 80% and 95% ranges of the net saving and NPV over the scenario's effect draws."""
    spread = view.intervals
    if spread is None:
        return [("How sure", "point figures only",
                 "The scenario gives no simulated effects, so no interval is shown for these figures.")]
    rows = []
    for row in spread.itertuples(index=False):
        words = INTERVAL_WORDS.get(row.figure) or f"Net saving {row.figure.removeprefix('net_saving_')}"
        rows.append((f"{words}, 80% range", f"{money(row.lo80)} to {money(row.hi80)}",
                     f"Over the scenario's simulated effects (95%: {money(row.lo95)} to {money(row.hi95)})."))
    share = spread.attrs.get("share_paid_back")
    if share is not None:
        rows.append(("Chance of paying back within the horizon", f"{share:.0%}",
                     "Share of the simulated effects whose cumulative net position ends at or above £0."))
    return rows


def lever_sheet(view) -> pd.DataFrame | None:
    """Placement spend avoided by each lever and financial year (planning.lever_mix.avoided_by_lever)."""
    if view.by_lever is None:
        return None
    table = view.by_lever
    return pd.DataFrame({
        "Financial year": table["financial_year"],
        "Lever": table["lever"],
        "Children fewer in care, average a month (forecast months)": table["children_fewer"],
        "Placement spend avoided at the lever's marginal mix (£)": table["avoided_spend"],
    })


def finance_sheets(view, params: dict[str, Parameter]) -> dict[str, pd.DataFrame]:
    """Every sheet of the finance workbook (and table of the Finance page), headings in words."""
    components = view.components.rename(
        columns={k: f"{words} (£)" for k, (_, words) in plan_costs.COMPONENTS.items()}
    ).reset_index()
    components = components.rename(columns={"month": "Month"})
    by_month = view.by_month.rename(columns=MONTH_WORDS)
    about = [f"Sheet '{name}': {words}" for name, words in SHEET_ABOUT.items()]
    notes = pd.DataFrame({"Note": [prices.statement(params, view.price_base), *view.notes, *about]})
    sheets = {
        "Spend by type and year": _spend_sheet(view),
        "Net position by year": year_sheet(view),
        "Net position by month": by_month,
        "Plan costs by month": components,
        "Investment summary": investment_table(view, params),
    }
    levers = lever_sheet(view)
    if levers is not None:
        sheets["Avoided spend by lever"] = levers
    if view.budget_variance is not None:
        sheets["Budget variance"] = variance_sheet(view)
    sheets.update({"Assumptions": assumptions_sheet(view, params), "Notes": notes})
    return sheets


def baseline_sheets(spend, params: dict[str, Parameter], price_base: str) -> dict[str, pd.DataFrame]:
    """The workbook (and Finance page) for data without a plan: spend by type and full financial year from
    `spend` (planning.finance.baseline_spend), assumptions and notes."""
    table = _used_types(spend.by_financial_year)
    out = pd.DataFrame(
        {
            "Financial year": table["financial_year"],
            "Months (actual or forecast)": table["months_basis"],
            "Placement type": table["placement_type"].map(PLACEMENT_WORDS),
            "Children, average a month": table["child_months"] / table["months"],
            "Spend (£)": table["spend"],
        }
    )
    totals = out.groupby(["Financial year", "Months (actual or forecast)"], sort=True, as_index=False)[
        ["Children, average a month", "Spend (£)"]].sum().assign(**{"Placement type": "All placements"})
    order = {words: i for i, words in enumerate([*PLACEMENT_WORDS.values(), "All placements"])}
    out = pd.concat([out, totals[out.columns]], ignore_index=True)
    out = out.sort_values(["Financial year", "Placement type"], key=lambda c: c.map(order) if
                          c.name == "Placement type" else c, kind="stable")
    view = type("BaselineView", (), {"price_base": price_base})()
    notes = pd.DataFrame({"Note": [
        prices.statement(params, price_base),
        "No plan: the data set cannot run the scenario levers (they start at contacts, M1), so this is the "
        "baseline's placement spend only.",
        "Placement mix: " + _mix_words(spend) + "; see the Assumptions sheet for unit costs and sources.",
        *getattr(spend, "notes", []),
    ]})
    return {
        "Spend by type and year": out.reset_index(drop=True),
        "Assumptions": assumptions_sheet(view, params),
        "Notes": notes,
    }


def _mix_words(spend) -> str:
    attrs = spend.mix.attrs if isinstance(spend.mix, pd.DataFrame) else {}
    if not attrs.get("from_903"):
        return "the scorecard's counts and the named shares"
    later = ("the care model's projection of the return (transitions between placement types, exits, ageing)"
             if attrs.get("care_model") else "the projection of each type's count")
    return ("the SSDA903 return's own counts by placement type (observed months as counted, later months "
            f"from {later})")


LINE_WORDS = {
    **PLACEMENT_WORDS,
    "all_placements": "All placements",
    "delivery_cost": "Delivery cost of the plan",
    "allowances_cost": "Allowances after extra exits",
    "staffing_cost": "Staffing (front line, managers and support)",
    "net_cost": "Net cost (placements, staffing, delivery, allowances)",
}


def variance_sheet(view) -> pd.DataFrame:
    """Budget against forecast by line and year; variance = forecast - budget (positive = overspend)."""
    table = view.budget_variance
    years = view.by_year.set_index("financial_year")["months_basis"]
    return pd.DataFrame(
        {
            "Line": table["line"].map(LINE_WORDS),
            "Financial year": table["financial_year"],
            "Months (actual or forecast)": table["financial_year"].map(years).fillna("outside the forecast"),
            "Budget (£)": table["budget"],
            "Baseline forecast spend (£)": table["baseline_forecast_spend"],
            "Plan forecast spend (£)": table["plan_forecast_spend"],
            "Baseline variance, over (+) or under (-) budget (£)": table["baseline_variance"],
            "Plan variance, over (+) or under (-) budget (£)": table["plan_variance"],
        }
    )


def finance_workbook(view, params: dict[str, Parameter]) -> bytes:
    """The finance workbook as XLSX bytes (through the one table writer)."""
    return to_xlsx(finance_sheets(view, params))
