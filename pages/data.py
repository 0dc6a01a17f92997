"""Data page: which data set is active and what it holds."""
import streamlit as st

from forecasting import load_dataset


@st.cache_data
def embedded_observations():
    dataset = load_dataset()
    return dataset.observations, dataset.source


observations, source = embedded_observations()
st.title("Data")
st.caption(f"Active data set: {source}")
wide = observations.pivot(index="unique_id", columns="ds", values="y")
wide.columns = [c.strftime("%b-%y") for c in wide.columns]
st.dataframe(wide, use_container_width=True)
