"""Say in words what a page leaves out because the data set lacks it (rules in
forecasting.planning.coverage)."""
import streamlit as st

from forecasting.planning.coverage import Coverage, coverage


def show_coverage(dataset, capability: str) -> Coverage:
    """An st.info naming every missing indicator the page would use; stops the page if nothing can be
    drawn."""
    found = coverage(dataset, capability)
    if found.missing:
        st.info(found.message())
    if not found.usable:
        st.stop()
    return found
