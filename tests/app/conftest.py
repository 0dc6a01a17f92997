"""Browser-test fixtures: one Streamlit server for every real-browser test of the session (starting one is
the slow part), skipped when Chromium is absent unless REQUIRE_BROWSER_TESTS=1."""
from __future__ import annotations

import os

import pytest
from browser_support import CHROMIUM, chromium_present, streamlit_server


def require_browser() -> None:
    if not chromium_present():
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium (make browser-deps)")
        pytest.skip("Chromium not installed (apt-get install chromium); set REQUIRE_BROWSER_TESTS=1 to fail")


@pytest.fixture(scope="session")
def app_server():
    """URL of a headless `streamlit run app.py` shared by the browser tests."""
    require_browser()
    try:
        with streamlit_server() as (url, _process):
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))
