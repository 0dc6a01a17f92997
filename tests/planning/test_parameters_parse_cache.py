"""load_parameters keeps the parse of a file's exact text (issue 16, speed): an edited file is read again, and
each call hands out its own dict, so one caller's change never reaches another."""
from __future__ import annotations

from forecasting.planning import load_parameters

ONE = """parameters:
  unit_cost_x:
    label: A cost
    value: 100
    unit: GBP a week
    low: 0
    high: 1000
    source: assumption
    year: "2019"
"""


def test_an_edited_file_is_read_again(tmp_path):
    path = tmp_path / "assumptions.yaml"
    path.write_text(ONE, encoding="utf-8")
    assert load_parameters(path, include_levers=False)["unit_cost_x"].value == 100.0
    path.write_text(ONE.replace("value: 100", "value: 250"), encoding="utf-8")
    assert load_parameters(path, include_levers=False)["unit_cost_x"].value == 250.0


def test_each_call_gets_its_own_dict(tmp_path):
    path = tmp_path / "assumptions.yaml"
    path.write_text(ONE, encoding="utf-8")
    first = load_parameters(path, include_levers=False)
    first.pop("unit_cost_x")
    first["extra"] = None
    again = load_parameters(path, include_levers=False)
    assert list(again) == ["unit_cost_x"] and again["unit_cost_x"].value == 100.0


def test_the_shipped_file_gives_equal_registries_twice():
    assert load_parameters() == load_parameters()
    assert load_parameters() is not load_parameters()
