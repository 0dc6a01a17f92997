"""Sign-in: the only page a signed-out user can reach when sign-in is configured (see app.py)."""
import streamlit as st

st.title("Children's services demand planner")
st.write("Sign in with your organisation account to continue.")
st.button("Sign in", on_click=st.login, type="primary")
