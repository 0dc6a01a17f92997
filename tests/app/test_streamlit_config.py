"""The shipped `.streamlit/config.toml` is a deployment's: no code reloading mid-run, no tracebacks shown,
upload cap and XSRF on (docs/deployment.md lists the same settings)."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_config_never_reloads_code_under_running_sessions():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["fileWatcherType"] == "none" and server["runOnSave"] is False
    assert server["enableXsrfProtection"] is True and server["maxUploadSize"] == 10
    assert config["client"]["showErrorDetails"] == "none"


def test_deployment_notes_say_the_same():
    notes = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert 'server.fileWatcherType = "none"' in notes and "server.runOnSave = false" in notes
