"""tools/mutate.py by hand: `--lines MODULE:LINE` picks the mutants to run (and says in words what it cannot
read), the default per-mutant time is 150 s (the traced run of the whole suite gets 20 x that, 50 minutes),
and the lines a module-scoped fixture runs in the first test's setup count for the later tests of its file."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def mutate():
    spec = importlib.util.spec_from_file_location("mutate_tool", ROOT / "tools" / "mutate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_lines_are_read_by_module(mutate):
    assert mutate.parse_lines(["scenarios:241", "workforce:380", "scenarios:102"]) == {
        "scenarios": {241, 102}, "workforce": {380}}


@pytest.mark.parametrize("item", ["scenarioz:241", "scenarios", "scenarios:two", "scenarios:-1"])
def test_a_line_it_cannot_read_is_said_in_words(mutate, item):
    with pytest.raises(SystemExit, match=r"is not MODULE:LINE .*\(e.g. scenarios:241\)"):
        mutate.parse_lines([item])


def test_listing_only_the_lines_asked_for(mutate, capsys):
    assert mutate.main(["--list", "--lines", "workforce_scenario:1"]) == 0  # the docstring: no mutant
    assert capsys.readouterr().out == ""
    line = next(m.line for m in mutate.list_mutants("placement_shares"))
    assert mutate.main(["--list", "--lines", f"placement_shares:{line}"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out and all(row.startswith(f"placement_shares:{line}  ") for row in out)


def test_the_default_timeout_leaves_the_traced_run_50_minutes(mutate, capsys):
    assert mutate.DEFAULT_TIMEOUT == 150.0
    with pytest.raises(SystemExit):
        mutate.main(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "(default 150;" in help_text and "20x this (50 minutes at the default" in help_text


def test_fixture_setup_lines_count_for_the_later_tests_of_the_same_file(mutate):
    # a.py::one set up a module fixture that ran lines 10-11 of scenarios.py; a.py::two reused it; b.py::three
    # is another file (its own fixtures); a.py::zero ran before the fixture existed
    order = ["a.py::zero", "a.py::one", "a.py::two", "b.py::three"]
    lines = {"a.py::one": {"scenarios.py": {10, 11, 12}}, "a.py::two": {"scenarios.py": {20}}}
    setup = {"a.py::one": {"scenarios.py": {10, 11}}}
    mutate._share_fixture_lines(lines, setup, order)
    assert lines == {"a.py::one": {"scenarios.py": {10, 11, 12}}, "a.py::two": {"scenarios.py": {10, 11, 20}}}
