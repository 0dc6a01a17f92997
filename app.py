"""Streamlit entry point: optional sign-in, then the navigation; each page lives in views/ (not pages/, which Streamlit would auto-discover)."""
import streamlit as st

st.set_page_config(page_title="Children's services demand planner", layout="wide")


def _sign_in_required() -> bool:
    """True when an [auth] section is configured in .streamlit/secrets.toml (off by default)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


if _sign_in_required() and not st.user.is_logged_in:
    st.title("Children's services demand planner")
    st.write("Sign in with your organisation account to continue.")
    st.button("Sign in", on_click=st.login)
    st.stop()

navigation = st.navigation([
    st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("views/forecasts.py", title="Forecasts", icon=":material/show_chart:"),
    st.Page("views/scenarios.py", title="Scenarios", icon=":material/tune:"),
    st.Page("views/workforce.py", title="Workforce", icon=":material/groups:"),
    st.Page("views/finance.py", title="Finance", icon=":material/payments:"),
    st.Page("views/data.py", title="Data", icon=":material/table:"),
    st.Page("views/authorities.py", title="Compare authorities", icon=":material/compare_arrows:"),
    st.Page("views/method.py", title="Method & assumptions", icon=":material/menu_book:"),
])
navigation.run()
