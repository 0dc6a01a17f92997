"""Browser-test fixtures: one Streamlit server for every real-browser test of the session (starting one is
the slow part), skipped when Chromium is absent unless REQUIRE_BROWSER_TESTS=1."""
from __future__ import annotations

import os

import pytest
from browser_support import ARTIFACTS, CHROMIUM, chromium_present, streamlit_server

# no background precompute thread in AppTest runs (ui/precompute.py): it would outlive its test and race with
# the next one's monkeypatches; the browser tests' server turns it on again (it is what they measure)
os.environ["FORECASTING_APP_PRECOMPUTE"] = "0"


def require_browser() -> None:
    if not chromium_present():
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium (make browser-deps)")
        pytest.skip("Chromium not installed (apt-get install chromium); set REQUIRE_BROWSER_TESTS=1 to fail")


@pytest.fixture(scope="session")
def app_server(tmp_path_factory):
    """URL of a headless `streamlit run app.py` shared by the browser tests, with its own forecast cache
    folder (the shared models/cache/ can hold results other tests wrote with the engine patched); the
    server's log is tests/artifacts/server.log."""
    require_browser()
    cache = tmp_path_factory.mktemp("forecast-cache")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with streamlit_server(env={"FORECASTING_CACHE_DIR": str(cache), "FORECASTING_APP_PRECOMPUTE": "1"},
                              log=ARTIFACTS / "server.log") as (
                url, _process):
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))
