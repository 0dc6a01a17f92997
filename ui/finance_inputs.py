"""The Finance page's inputs: costs and rates that apply as they are typed, choices and uploads kept in this
session's state (Streamlit drops a widget's own state when the page is left, so nothing here lives only in a
widget), and the care model's placement mix for SSDA903 data read on the Data page."""

import pandas as pd
import streamlit as st

from forecasting.errors import UserFacingError
from forecasting.planning import (
    GENERAL_MIX_WORDS,
    INFLATION_PARAMETER,
    MIX_LEVERS,
    PLAN_COST_PARAMETERS,
    care_model_mix,
    load_parameters,
    mix_parameter,
)
from forecasting.reports import markdown_text, money
from ui import state

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
# marginal mix: the placements the children a plan keeps out of care would have had, one row per lever that
# changes children in care (forecasting.planning.lever_mix) and the general mix for what no one lever explains
MIX_TYPES = {"in_house_fostering": "In-house fostering", "ifa": "IFA", "residential": "Residential",
             "kinship": "Kinship"}
MIX_ROWS: dict[str, tuple[str, ...]] = {
    **{spec.words: tuple(mix_parameter(key, kind) for kind in MIX_TYPES) for key, spec in MIX_LEVERS.items()},
    GENERAL_MIX_WORDS: tuple(f"marginal_share_{kind}" for kind in MIX_TYPES),
}
MARGINAL_MIX = tuple(name for row in MIX_ROWS.values() for name in row)
MIX_MESSAGE = "finance-mix-message"  # why a typed share was not applied
FINANCE_INPUTS = (*UNIT_COSTS, *PLAN_COST_PARAMETERS, *ALLOWANCE_AGES, *RATES, *AVERAGE_MIX)


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
    for name in FINANCE_INPUTS:
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
    marginal_mix_inputs(params)
    mine = set(FINANCE_INPUTS + MARGINAL_MIX) & set(state.parameter_overrides())
    if mine and st.button("Back to the shipped defaults (these costs and rates only)"):
        state.set_parameter_overrides({k: v for k, v in state.parameter_overrides().items() if k not in mine})
        state.set_price_year(None)
        for key in [k for k in st.session_state if str(k).startswith("cost-")]:
            del st.session_state[key]
        st.rerun()


def apply_share(name: str, row: tuple[str, ...], default: float) -> None:
    """on_change: a marginal share typed in % applies at once (as a fraction), unless the row's shares would
    add to more than 100%: then the typed value is refused with a message and the one in use shown again."""
    typed = float(st.session_state[f"cost-{name}"]) / 100.0
    overrides = state.parameter_overrides()
    shipped = load_parameters()
    total = typed + sum(overrides.get(other, shipped[other].value) for other in row if other != name)
    if total > 1.0 + 1e-9:
        st.session_state[f"cost-{name}"] = 100.0 * overrides.get(name, shipped[name].value)
        st.session_state[MIX_MESSAGE] = (f"Not applied: the shares of one row would add to {total:.0%}, more "
                                         "than 100%. Lower another share of that row first.")
        return
    st.session_state.pop(MIX_MESSAGE, None)
    if abs(typed - default) < 1e-12:
        overrides.pop(name, None)
    else:
        overrides[name] = typed
    state.set_parameter_overrides(overrides)



def marginal_mix_inputs(params) -> None:
    """The marginal mix of each lever in %, a row per lever, supported / other the remainder of each row."""
    st.markdown("**Which placements the children a plan keeps out of (or brings into) care would have had "
                "(marginal mix, % of each lever's change in children in care)**")
    st.caption("Each lever's part of the change in children in care is costed at its own row; the last row "
               "costs what no one lever explains (levers acting on each other). Supported accommodation / "
               "other is the rest of each row. Defaults are assumptions; hover for the reasoning.")
    if MIX_MESSAGE in st.session_state:
        st.error(st.session_state[MIX_MESSAGE])
    shipped = load_parameters()
    for words, row in MIX_ROWS.items():
        st.markdown(f"*{words}*")
        columns = st.columns(len(row) + 1)
        for column, kind, name in zip(columns[:-1], MIX_TYPES, row, strict=True):
            spec = params[name]
            column.number_input(
                f"{MIX_TYPES[kind]} (%)",
                min_value=0.0, max_value=100.0, value=round(100.0 * float(spec.value), 6), step=5.0,
                key=f"cost-{name}", on_change=apply_share, args=(name, row, float(shipped[name].default)),
                help=f"Source: {spec.source} ({spec.year})",
            )
        rest = 1.0 - sum(float(params[name].value) for name in row)
        columns[-1].markdown(f"Supported / other: **{max(rest, 0.0):.0%}** (the rest)")


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
