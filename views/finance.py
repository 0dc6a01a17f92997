"""Finance: a plan's net position by full financial year (placements, staff, the plan's own costs), payback,
NPV and cost per child; spend by placement type; editable costs with their price year; budget and actual
spend uploads. The figures are those of `python -m forecasting finance` (same functions, same horizon: full
financial years to the fifth 31 March by default). Edits apply as they are typed and, with the uploads and
choices, are kept in this session's state, so going to another page and back loses nothing."""

import pandas as pd
import streamlit as st

from forecasting.errors import UserFacingError
from forecasting.planning import (
    INFLATION_PARAMETER,
    MEDIUM_TERM_YEARS,
    PLAN_COST_PARAMETERS,
    apply_scenario,
    baseline_spend,
    care_model_mix,
    coverage,
    current_financial_year,
    finance_horizon,
    finance_view,
    load_parameters,
    load_scenario,
    read_actual_spend,
    read_budget,
    statement,
)
from forecasting.reports import (
    baseline_sheets,
    finance_sheets,
    finance_workbook,
    grouped_bars,
    lines,
    markdown_text,
    money,
)
from ui import state
from ui.downloads import download_buttons
from ui.lever_widgets import SCENARIO_DIR
from ui.notices import show_coverage

UNIT_COSTS = (
    "unit_cost_residential",
    "unit_cost_ifa",
    "unit_cost_in_house_fostering",
    "unit_cost_kinship",
    "unit_cost_supported_other",
)
RATES = (*dict.fromkeys(INFLATION_PARAMETER.values()), "general_inflation_pct", "discount_rate_pct")
# the scorecard's mix (a 903 return's own counts replace them): residential share, children per in-house carer
AVERAGE_MIX = ("share_residential", "children_per_in_house_carer")
ALLOWANCE_AGES = ("sgo_exit_age_years", "adoption_exit_age_years")  # allowances stop at 18
MARGINAL_MIX = ("marginal_share_in_house_fostering", "marginal_share_ifa", "marginal_share_residential",
                "marginal_share_kinship")


def money_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Money (columns headed '(£)') as £1,234,567 text for reading; the downloads keep numbers."""
    shown = frame.copy()
    for column in shown.columns:
        if str(column).endswith("(£)"):
            shown[column] = shown[column].map(lambda v: money(None if pd.isna(v) else float(v)))
    return shown


def kept(name: str, default=None):
    """A Finance choice kept in this session (it survives going to another page and back)."""
    return st.session_state.get(f"finance-kept-{name}", default)


def keep(name: str, widget_key: str) -> None:
    """on_change: copy a widget's value to where it is kept (Streamlit drops a widget's own state when the
    page is left)."""
    st.session_state[f"finance-kept-{name}"] = st.session_state[widget_key]


def apply_cost(name: str, default: float) -> None:
    """on_change: a typed cost or rate applies at once, to every page of this session."""
    overrides = state.parameter_overrides()
    typed = st.session_state[f"cost-{name}"]
    if typed == default:
        overrides.pop(name, None)
    else:
        overrides[name] = typed
    state.set_parameter_overrides(overrides)


def apply_price_year() -> None:
    state.set_price_year(st.session_state["cost-price-year"])


def cost_inputs(params, base: str) -> None:
    """Costs and rates a finance user edits; each applies as it is typed and is kept for the session; typed-in
    costs are in the chosen price year."""
    years = [f"{y}-{(y + 1) % 100:02d}" for y in range(int(base[:4]) - 3, int(base[:4]) + 3)]
    st.selectbox(
        "Costs you type are in the prices of",
        years,
        index=years.index(state.price_year() or base),
        key="cost-price-year",
        on_change=apply_price_year,
        help="Each typed cost is inflated from this financial year at its type's rate.",
    )
    shipped = load_parameters()
    for name in (*UNIT_COSTS, *PLAN_COST_PARAMETERS, *ALLOWANCE_AGES, *RATES, *AVERAGE_MIX, *MARGINAL_MIX):
        spec = params[name]
        st.number_input(
            f"{spec.label} ({spec.unit}; price year {spec.year})",
            min_value=float(spec.low),
            max_value=float(spec.high),
            value=float(spec.value),
            key=f"cost-{name}",
            on_change=apply_cost,
            args=(name, float(shipped[name].default)),
            help=f"Source: {spec.source} ({spec.year})",
        )
    if state.parameter_overrides() and st.button("Back to the shipped defaults"):
        state.set_parameter_overrides({})
        state.set_price_year(None)
        for key in [k for k in st.session_state if str(k).startswith("cost-")]:
            del st.session_state[key]
        st.rerun()


@st.cache_data(show_spinner="Projecting the placement mix with the care model...", max_entries=4)
def _care_mix(key: str, authority: str, horizon: int, _clean):
    return care_model_mix(_clean, authority, horizon)


def care_mix_of(dataset, horizon: int):
    """The care model's placement mix when the data in use came from the SSDA903 files read on the Data page
    (their episodes are in this session), else None."""
    loaded = st.session_state.get("ssda903")
    if loaded is None or loaded.clean is None:
        return None
    for authority, candidate in loaded.datasets.items():
        if candidate is dataset:
            return _care_mix(state.fingerprint(dataset), authority, horizon, loaded.clean)
    return None


def upload(name: str, label: str, reader):
    """An uploaded budget or actual-spend file, read and kept for the session (None when there is none or it
    is refused, with the reason shown)."""
    file = st.file_uploader(label, type=["csv", "xlsx"], key=f"finance-upload-{name}")
    if file is not None and kept(f"{name}-file") != (file.name, file.size):
        try:
            st.session_state[f"finance-kept-{name}"] = reader(file.getvalue(), file.name)
            st.session_state[f"finance-kept-{name}-file"] = (file.name, file.size)
        except UserFacingError as exc:  # refused: what was in use stays in use
            st.error(str(exc))
    table = kept(name)
    if table is not None:
        left, right = st.columns([4, 1])
        left.caption(f"In use: {markdown_text(kept(f'{name}-file', ('',))[0])}")
        if right.button("Stop using it", key=f"finance-drop-{name}"):
            for suffix in ("", "-file"):
                st.session_state.pop(f"finance-kept-{name}{suffix}", None)
            st.rerun()
    return table


st.title("Finance")
dataset = state.active_dataset()
show_coverage(dataset, "finance")
params = state.parameters()
base = current_financial_year(dataset)
last_month = dataset.observations["ds"].max()
YEARS = {n: f"{n} year{'s' if n > 1 else ''}, to Mar {last_month.year + (last_month.month >= 3) + n - 1}"
         for n in range(1, MEDIUM_TERM_YEARS + 1)}
years_ahead = st.radio(
    "Financial years ahead", list(YEARS), index=list(YEARS).index(kept("years", MEDIUM_TERM_YEARS)),
    format_func=YEARS.get, horizontal=True, key="finance-years", on_change=keep,
    args=("years", "finance-years"),
    help="Full financial years to the N-th 31 March after the last data month (5: the medium term); the "
    "forecast is run once for it.",
)
horizon = finance_horizon(dataset, years_ahead)
st.caption(statement(params, base))
with st.expander(
    "Costs, inflation and discount rate (editable; defaults from public sources)", expanded=False
):
    cost_inputs(params, base)

if not coverage(dataset, "scenarios").usable:  # the levers start at contacts (M1); said above when missing
    try:
        spend = baseline_spend(dataset, state.forecast_result(dataset, horizon), params,
                               care_mix=care_mix_of(dataset, horizon))
    except UserFacingError as exc:
        st.error(str(exc))
        st.stop()
    sheets = baseline_sheets(spend, params, base)
    st.subheader("Placement spend by type and full financial year (baseline, no plan)")
    st.caption(sheets["Notes"]["Note"].iloc[2])
    st.dataframe(money_columns(sheets["Spend by type and year"]), hide_index=True, width="stretch")
    download_buttons(sheets["Spend by type and year"], "spend by financial year", key="years")
    st.stop()

with st.expander("Upload actual spend or a budget (CSV or XLSX)", expanded=kept("budget") is not None):
    st.caption(
        "Actual spend: columns month, placement_type, spend. Budget: columns line, financial_year, budget "
        "(lines: in-house fostering, IFA, residential, kinship, supported / other, all placements, plan "
        "delivery, allowances, staffing, net cost). A file is kept for this session until you stop using it."
    )
    actual_spend = upload("actual-spend", "Actual spend by month and placement type", read_actual_spend)
    budget = upload("budget", "Budget by line and financial year", read_budget)

baseline, calibration = state.scenario_baseline(dataset, horizon)
saved = sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))
default_plan = kept("plan", "combined-plan")
chosen = st.selectbox(
    "Plan (scenario)", saved, index=saved.index(default_plan) if default_plan in saved else 0,
    key="finance-plan", on_change=keep, args=("plan", "finance-plan"),
)
result = apply_scenario(baseline, load_scenario(SCENARIO_DIR / f"{chosen}.yaml"), calibration, params)
view = finance_view(result, params, actual_spend=actual_spend, budget=budget)
sheets = finance_sheets(view, params)

st.subheader(f"Savings from '{view.scenario_name}': the investment")
st.dataframe(sheets["Investment summary"], hide_index=True, width="stretch")
cumulative = view.by_month.assign(line="cumulative net saving")
st.plotly_chart(
    lines(
        cumulative,
        x="month",
        y="cumulative_net_saving",
        colour="line",
        title="Cumulative net position of the plan (above £0 = paid back)",
        y_title="£",
    ),
    width="stretch",
)
st.subheader("Net position by financial year")
st.caption(
    "Net saving = avoided placement spend - delivery cost - allowances after extra exits - extra staffing. "
    "Each year says which months are actual and which forecast."
)
st.dataframe(money_columns(sheets["Net position by year"]), hide_index=True, width="stretch")
st.subheader("Placement spend by type and financial year")
years = view.spend_by_type.groupby(["financial_year", "case"], as_index=False)["spend"].sum()
st.plotly_chart(
    grouped_bars(
        years,
        x="financial_year",
        y="spend",
        colour="case",
        title="Placement spend by financial year",
        y_title="£",
    ),
    width="stretch",
)
st.dataframe(money_columns(sheets["Spend by type and year"]), hide_index=True, width="stretch")
if "Budget variance" in sheets:
    st.subheader("Against the budget")
    st.dataframe(money_columns(sheets["Budget variance"]), hide_index=True, width="stretch")
with st.expander("Plan costs by month, assumptions and notes"):
    st.dataframe(money_columns(sheets["Plan costs by month"]), hide_index=True, width="stretch")
    st.dataframe(sheets["Assumptions"], hide_index=True, width="stretch")
    for note in sheets["Notes"]["Note"]:
        st.caption(note)
st.download_button(
    "Finance workbook (XLSX)",
    finance_workbook(view, params),
    file_name=f"finance-{chosen}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
