"""Streamlit-side helpers shared by the pages (session state, cached wrappers, downloads).

The `forecasting` package never imports Streamlit; this package is the thin layer between them.
"""
