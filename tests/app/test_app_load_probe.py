"""benchmarks/app_load.py without a browser: its bounds are enforced and its report gives p50/p95 by hand."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _probe():
    spec = importlib.util.spec_from_file_location("app_load", ROOT / "benchmarks" / "app_load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("argv", [["--sessions", "0"], ["--sessions", "21"], ["--rounds", "11"]])
def test_session_count_and_rounds_are_bounded(argv):
    with pytest.raises(SystemExit) as stopped:
        _probe().main(argv)
    assert stopped.value.code == 2


def test_report_gives_percentiles(capsys):
    timings = {"first page": [1.0, 2.0, 3.0, 4.0, 5.0], "page switch": [], "slider": [0.5], "errors": []}
    _probe().report(timings, [70.0, 530.0, 504.0], sessions=5, rounds=1)
    out = capsys.readouterr().out
    # p50 of 1..5 is 3; p95 by linear interpolation is 4 + 0.8 x (5 - 4) = 4.8
    assert "first page        5     3.00     4.80     5.00" in out
    assert "page switch       0        -" in out
    assert "start 70 MB, peak 530 MB, end 504 MB" in out
