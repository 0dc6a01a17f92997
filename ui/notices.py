"""Say in words what a page leaves out because the data set lacks it (rules in
forecasting.planning.coverage)."""
import streamlit as st

from forecasting.planning import Coverage, coverage


def show_coverage(dataset, capability: str) -> Coverage:
    """An st.info naming every missing indicator the page would use; stops the page if nothing can be
    drawn."""
    found = coverage(dataset, capability)
    if found.missing:
        st.info(found.message())
    if not found.usable:
        st.stop()
    return found


def show_missing_targets(dataset) -> None:
    """A banner when the data set has no targets of its own: projections are shown without RAG until the
    council adds its targets (a reference council's are never borrowed silently)."""
    if dataset.targets is None or dataset.targets.empty:
        st.warning("No targets for this data set yet, so projections are shown without RAG or a chance of "
                   "meeting a target. Add your council's targets (and benchmarks and 0-17 population) on the "
                   "Data page.")
