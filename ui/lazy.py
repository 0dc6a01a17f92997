"""Expanders whose content is worked out and drawn only while open (issue 16 part 6, a page switch under 1 s).

A plain st.expander sends and draws everything in it, open or closed: a closed expander holding tables or
inputs cost the browser as much as an open one. With a key and `on_change="rerun"` Streamlit tracks whether it
is open and reruns when the user opens it, so its content is drawn only then (open again after another page
is shown only if the user opens it again, as for any expander)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st


@contextlib.contextmanager
def lazy_expander(label: str, key: str) -> Iterator[bool]:
    """`with lazy_expander(label, key) as shown:` then draw the content only `if shown`."""
    box = st.expander(label, key=key, on_change="rerun")
    with box:
        yield bool(box.open)
