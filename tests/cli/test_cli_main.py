"""The CLI dispatcher: help works, unknown commands fail cleanly, -v shows what went wrong."""
import subprocess
import sys
from pathlib import Path

import pytest

from forecasting.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def test_no_command_prints_help_and_returns_2(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().out.lower()


def test_unknown_command_exits_with_usage_error():
    with pytest.raises(SystemExit) as excinfo:
        main(["no-such-command"])
    assert excinfo.value.code == 2


# A real sub-command whose handler hits a bug (a KeyError nobody anticipated), run in a fresh interpreter so
# logging is configured exactly as for `python -m forecasting` (pytest's own log handlers are not there).
CRASHING_CLI = """
import sys
import forecasting.cli.data as cli_data
from forecasting.cli.main import main

def run_show_with_a_bug(args):
    return {}["indicator that is not there"]

cli_data.run_show = run_show_with_a_bug  # register() reads the handler when the parser is built
sys.exit(main(sys.argv[1:]))
"""


def _run_crashing_cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CRASHING_CLI, *argv], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)


def test_unexpected_error_without_verbose_is_one_plain_line():
    result = _run_crashing_cli("data", "show")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == ["error: unexpected problem (KeyError: 'indicator that is not there'). "
                     "Re-run with -v for the details and report it if it persists."]


def test_verbose_shows_the_traceback_of_an_unexpected_error():
    result = _run_crashing_cli("-v", "data", "show")
    assert result.returncode == 3
    assert "ERROR forecasting.cli.main: unexpected error" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "in run_show_with_a_bug" in result.stderr  # the frame where the bug is, not just its type
    assert result.stderr.strip().splitlines()[-1].startswith("error: unexpected problem (KeyError:")
