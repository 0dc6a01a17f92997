"""Streamlit entry point: only builds the navigation; each page lives in pages/."""
import streamlit as st

st.set_page_config(page_title="Children's services demand planner", layout="wide")

navigation = st.navigation([
    st.Page("pages/data.py", title="Data", icon=":material/table:"),
])
navigation.run()
