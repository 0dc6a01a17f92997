"""Sign-in gate in a real browser: a fresh `streamlit run app.py` with an [auth] section configured shows the
sign-in screen, and none of a page's content, at every page URL.

The [auth] values are dummies in a secrets file under pytest's tmp dir, handed to Streamlit with
`--secrets.files` (nothing is written to the repo's .streamlit/); no OIDC provider is contacted because no one
clicks "Sign in". The first request the fresh server gets is a deep URL (/scenarios), as in the report.
Skipped without Chromium unless REQUIRE_BROWSER_TESTS=1, like tests/app/test_browser.py.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# URL path -> the heading that page draws when it runs (app.py: default page at /, others by file name).
# Deep URLs first: tests run in this order, so the fresh server's first request is /scenarios.
PAGES = {"scenarios": "Scenarios", "workforce": "Workforce", "finance": "Finance", "forecasts": "Forecasts",
         "data": "Data", "authorities": "Compare authorities", "method": "Method & assumptions",
         "": "Overview"}
SIGN_IN_TITLE = "Children's services demand planner"
SECRETS = """[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "test-only-cookie-secret-not-a-real-one"
client_id = "dummy-client-id"
client_secret = "dummy-client-secret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
"""
# Anything a page draws; the sign-in page draws none of these.
PAGE_CONTENT = ['[data-testid="stSidebarNav"]', '[data-testid="stMetric"]', '[data-testid="stPlotlyChart"]',
                '[data-testid="stDataFrame"]', '[data-testid="stFileUploader"]', '[data-testid="stSlider"]',
                '[data-testid="stSelectbox"]', '[data-testid="stTabs"]', '[data-testid="stException"]']
pytestmark = pytest.mark.browser


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium (make browser-deps)")
        pytest.skip("Chromium not installed (apt-get install chromium); set REQUIRE_BROWSER_TESTS=1 to fail")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(app_dir: Path, secrets_dir: Path):
    """Start `streamlit run app.py` in app_dir with the dummy [auth] secrets; yield its URL, then stop it."""
    port = _free_port()
    secrets = secrets_dir / "secrets.toml"
    secrets.write_text(SECRETS.format(port=port))
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app_dir / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--secrets.files", str(secrets)],
        cwd=app_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("streamlit did not become healthy within 90 s")
    try:
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        secrets.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    yield from _serve(ROOT, tmp_path_factory.mktemp("auth-secrets"))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def _open_signed_out(browser, url: str):
    """A new browser context (no cookies: signed out) on url, once the script run has finished."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.goto(url)
    tab.get_by_role("heading", name=SIGN_IN_TITLE).wait_for(timeout=60_000)
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    tab.wait_for_load_state("networkidle")
    tab.wait_for_timeout(1500)  # time for any page script that did start to draw something
    return context, tab


def _assert_only_sign_in(tab, page_heading: str) -> None:
    headings = [h.strip() for h in tab.locator("h1, h2, h3").all_inner_texts()]
    assert SIGN_IN_TITLE in headings
    assert page_heading not in headings, headings
    assert tab.get_by_role("button", name="Sign in").count() == 1
    drawn = {selector: tab.locator(selector).count() for selector in PAGE_CONTENT}
    assert not any(drawn.values()), f"page content drawn for a signed-out user: {drawn}"


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_url_shows_only_the_sign_in_screen(browser, server, path):
    context, tab = _open_signed_out(browser, f"{server}/{path}")
    try:
        _assert_only_sign_in(tab, PAGES[path])
        for other_heading in PAGES.values():
            assert tab.get_by_role("heading", name=other_heading, exact=True).count() == 0
        if path == "":
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / "sign-in.png"), full_page=True)
    finally:
        context.close()

