"""`python -m forecasting data check|show|template` as a user runs them (in-process, plus one real
subprocess)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from forecasting.cli.main import main

CORPUS = Path(__file__).resolve().parents[1] / "malformed"
EMBEDDED = str(Path(__file__).resolve().parents[2] / "data" / "southampton-2018-06")


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_real_command_line_checks_the_embedded_data_set():
    result = subprocess.run(
        [sys.executable, "-m", "forecasting", "data", "check", EMBEDDED],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "No blocking errors" in result.stdout
        and "58 indicators, 754 indicator-months, last month Jun-18" in result.stdout
    )
    assert "Traceback" not in result.stderr


def test_check_bad_file_exits_1_with_located_message(capsys):
    code, out, _ = run(capsys, "data", "check", str(CORPUS / "19-negative-count.xlsx"))
    assert code == 1
    assert "sheet 'Scorecard', cell O2: LAC1 is a count but the value is -1" in out and "Fix:" in out


def test_check_with_warnings_only_exits_0(capsys):
    code, out, _ = run(capsys, "data", "check", str(CORPUS / "11-unknown-indicator.csv"))
    assert code == 0 and "Unknown indicator 'XYZ9'" in out and "4 indicators" in out


def test_check_today_is_a_parameter(capsys):
    code, out, _ = run(capsys, "data", "check", EMBEDDED, "--today", "2018-04-15")
    assert code == 1 and "after this month (Apr-18)" in out and "more like 'future_month'" in out
    code, out, _ = run(capsys, "data", "check", EMBEDDED, "--today", "2018-04-15", "--all")
    observations = pd.read_csv(Path(EMBEDDED) / "observations.csv")
    valued_after_april = (
        observations[observations["month"].isin(["2018-05", "2018-06"])]["value"].notna().sum()
    )
    assert out.count("after this month (Apr-18)") == valued_after_april > 100
    code, _, err = run(capsys, "data", "check", EMBEDDED, "--today", "15/04/2018")
    assert code == 2 and "is not a date written YYYY-MM-DD" in err


def test_check_missing_path_is_a_message_not_a_traceback(capsys):
    code, out, _ = run(capsys, "data", "check", "no/such/file.csv")
    assert code == 1 and "No such file or folder" in out


def test_check_wrong_sheet(capsys):
    code, out, _ = run(
        capsys, "data", "check", str(CORPUS / "24-good-wide-excel-dates.xlsx"), "--sheet", "Nope"
    )
    assert code == 1 and "There is no sheet named 'Nope'; sheets found: 'Cover', 'Scorecard'" in out


def test_show_prints_indicators_by_latest_months(capsys):
    code, out, _ = run(capsys, "data", "show", EMBEDDED, "--months", "3")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["unit", "Apr-18", "May-18", "Jun-18"]
    lac1 = next(line for line in rows if line.startswith("LAC1 "))
    assert lac1.split() == ["LAC1", "count", "521", "524", "534"]
    assert len([line for line in rows if line.strip()]) == 58 + 1  # one per indicator, plus the index name


def test_show_a_file_and_a_bad_file(capsys):
    code, out, _ = run(capsys, "data", "show", str(CORPUS / "24-good-wide-excel-dates.xlsx"))
    assert code == 0 and "M3" in out and "15" in out
    code, out, _ = run(capsys, "data", "show", str(CORPUS / "05-non-numeric.csv"))
    assert code == 1 and "'12a' for M1 is not a number" in out


@pytest.mark.parametrize("name,form", [("t.xlsx", "wide"), ("t.csv", "long"), ("w.csv", "wide")])
def test_template_is_written_and_reads_back(capsys, tmp_path, name, form):
    out = tmp_path / name
    code, printed, _ = run(capsys, "data", "template", str(out), "--form", form)
    assert code == 0 and out.exists() and f"Wrote {out}" in printed
    code, printed, _ = run(capsys, "data", "check", str(out))  # a blank template: one clear error
    assert code == 1 and "Every value in the table is blank" in printed
    assert "not a number" not in printed and "No indicator table" not in printed


def test_template_refuses_to_overwrite_or_guess_a_format(capsys, tmp_path):
    out = tmp_path / "t.xlsx"
    assert run(capsys, "data", "template", str(out))[0] == 0
    code, _, err = run(capsys, "data", "template", str(out))
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "data", "template", str(tmp_path / "t.pdf"))
    assert code == 2 and "ending .xlsx or .csv" in err


def test_data_without_action_prints_help(capsys):
    code, out, _ = run(capsys, "data")
    assert code == 2 and "check" in out and "template" in out
