"""`python -m forecasting data check|show|template` as a user runs them."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).parent / "malformed"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "forecasting", *args], capture_output=True, text=True, timeout=120)


def test_check_embedded_passes():
    result = run("data", "check")
    assert result.returncode == 0, result.stderr
    assert "58 indicators" in result.stdout and "Traceback" not in result.stdout + result.stderr


def test_check_bad_file_exits_1_with_located_message():
    result = run("data", "check", str(CORPUS / "19-negative-count.xlsx"))
    assert result.returncode == 1
    assert "sheet 'Scorecard', cell O2" in result.stdout and "Traceback" not in result.stderr


def test_check_missing_path_is_a_message_not_a_traceback():
    result = run("data", "check", "no/such/file.csv")
    assert result.returncode == 1 and "No such file or folder" in result.stdout
    assert "Traceback" not in result.stderr


def test_show_prints_table():
    result = run("data", "show", "--months", "3")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert "Jun-18" in lines[0] and any(line.startswith("LAC1 ") and "534" in line for line in lines)


def test_template_refuses_to_overwrite(tmp_path):
    out = tmp_path / "t.xlsx"
    assert run("data", "template", str(out)).returncode == 0 and out.exists()
    second = run("data", "template", str(out))
    assert second.returncode == 2 and "already exists" in second.stderr
