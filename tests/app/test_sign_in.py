"""Sign-in gate (AppTest): with an [auth] section configured, a signed-out session reaches no page but
sign-in.

The real-browser version, which opens every page URL on a fresh server, is tests/app/test_sign_in_browser.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
# Dummy OIDC settings: nothing here is contacted, the gate only needs the [auth] section to exist.
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test-only-not-a-secret",
        "client_id": "dummy", "client_secret": "dummy",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
SIGN_IN_TITLE = "Children's services demand planner"
VIEWS = ["overview", "forecasts", "scenarios", "workforce", "finance", "data", "authorities", "method"]


def _app(*, logged_in: bool | None, auth: bool = True) -> AppTest:
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    if auth:
        app.secrets["auth"] = dict(AUTH)
    if logged_in is not None:
        app.user = {"is_logged_in": logged_in, "email": "planner@example.gov.uk"}
    return app


def _assert_sign_in_screen(app: AppTest) -> None:
    assert not app.exception, [e.value for e in app.exception]
    assert [t.value for t in app.title] == [SIGN_IN_TITLE]
    assert [b.label for b in app.button] == ["Sign in"]
    assert not (app.metric or app.dataframe or app.slider or app.selectbox or app.get("plotly_chart")
                or app.get("file_uploader")), "page content drawn for a signed-out user"


def test_signed_out_sees_only_the_sign_in_page():
    app = _app(logged_in=False).run()
    _assert_sign_in_screen(app)


@pytest.mark.parametrize("view", VIEWS)
def test_signed_out_cannot_switch_to_any_page(view):
    app = _app(logged_in=False).run()
    # Only the sign-in page is registered with st.navigation, so Streamlit refuses every other page.
    with pytest.raises(ValueError, match=r"Could not find a navigation page.*Known pages: \[.*sign_in.py.\]"):
        app.switch_page(f"views/{view}.py")


def test_signing_out_on_a_page_returns_to_the_sign_in_page():
    app = _app(logged_in=True).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Overview"
    app.switch_page("views/method.py").run()
    assert app.title[0].value == "Method & assumptions"
    app.user = {"is_logged_in": False}
    app.run()
    _assert_sign_in_screen(app)


def test_without_an_auth_section_the_app_opens_directly():
    app = _app(logged_in=False, auth=False).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Overview"


def test_no_pages_folder_beside_app_py():
    """Streamlit 1.67 runs pages/<name>.py itself for /<name> while no run has yet called st.navigation (e.g.
    the first request to a fresh server): app.py, and so its sign-in gate, never runs. Pages live in
    views/."""
    assert not (ROOT / "pages").exists()
