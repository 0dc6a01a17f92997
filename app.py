"""Streamlit entry point: the navigation (only a sign-in page while sign-in is required and the user is signed
out); each page lives in views/ (not pages/, which Streamlit would auto-discover)."""
import streamlit as st

from ui import precompute, state

st.set_page_config(page_title="Children's services demand planner", layout="wide")


def _sign_in_required() -> bool:
    """True when an [auth] section is configured in .streamlit/secrets.toml (off by default)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


if _sign_in_required() and not st.user.is_logged_in:
    # Signed out: the sign-in page is the only page registered, so every URL (/, /scenarios, ...) lands on it
    # and no other page script runs, whatever files lie beside app.py (tests/app/test_sign_in*.py).
    navigation = st.navigation(
        [st.Page("views/sign_in.py", title="Sign in", icon=":material/login:", default=True)],
        position="hidden",
    )
else:
    navigation = st.navigation([
        st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("views/forecasts.py", title="Forecasts", icon=":material/show_chart:"),
        st.Page("views/scenarios.py", title="Scenarios", icon=":material/tune:"),
        st.Page("views/workforce.py", title="Workforce", icon=":material/groups:"),
        st.Page("views/finance.py", title="Finance", icon=":material/payments:"),
        st.Page("views/children_in_care.py", title="Children in care", icon=":material/family_restroom:"),
        st.Page("views/data.py", title="Data", icon=":material/table:"),
        st.Page("views/authorities.py", title="Compare authorities", icon=":material/compare_arrows:"),
        st.Page("views/method.py", title="Method & assumptions", icon=":material/menu_book:"),
    ])
try:
    with precompute.page_run():  # the background work waits while a page runs
        navigation.run()
finally:
    # once the page is drawn (not competing with it): the other pages' tables for the data set in use are
    # worked out in the background, once per data set (ui/precompute.py)
    if not _sign_in_required() or st.user.is_logged_in:
        precompute.start(state.active_dataset())
