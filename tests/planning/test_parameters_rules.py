"""Parameter registry rules on small files: ranges are inclusive, every field is read, errors say where."""
import math

import pytest

from forecasting.planning.levers import LEVERS
from forecasting.planning.parameters import (
    Parameter,
    ParameterError,
    load_parameters,
    parameter_table,
    value,
    with_overrides,
)

ENTRY = """  {name}:
    label: {label}
    value: {value}
    unit: children
    low: 1
    high: 10
    source: {source}
    year: "2018-19"
"""


def _write(tmp_path, *entries, extra=""):
    path = tmp_path / "assumptions.yaml"
    path.write_text("parameters:\n" + "".join(entries) + extra, encoding="utf-8")
    return path


def _entry(name="a", value="5", label="A thing", source="\"Assumption: toy\""):
    return ENTRY.format(name=name, value=value, label=label, source=source)


def test_every_field_is_read(tmp_path):
    params = load_parameters(
        _write(tmp_path, _entry(value="2.5"), extra="    note: a note\n"), include_levers=False
    )
    a = params["a"]
    assert (a.name, a.label, a.value, a.unit, a.default, a.low, a.high, a.source, a.year, a.note) == \
        ("a", "A thing", 2.5, "children", 2.5, 1.0, 10.0, "Assumption: toy", "2018-19", "a note")
    assert a.is_assumption
    assert not Parameter("b", "B", 1, "u", 1, 0, 2, "DfE 2018", "2018").is_assumption
    assert list(params) == ["a"]


def test_ranges_are_inclusive(tmp_path):
    params = load_parameters(_write(tmp_path, _entry("low", "1"), _entry("high", "10")), include_levers=False)
    assert params["low"].value == 1 and params["high"].value == 10
    assert params["low"].in_range(1.0) and params["low"].in_range(10.0)
    assert not params["low"].in_range(0.999) and not params["low"].in_range(10.001)
    assert not params["low"].in_range(math.nan) and not params["low"].in_range(math.inf)
    assert with_overrides(params, {"low": 10})["low"].value == 10
    with pytest.raises(ParameterError, match=r"low = 10.5 children is outside its plausible range 1..10"):
        with_overrides(params, {"low": 10.5})
    with pytest.raises(ParameterError, match="low 3 is above high 2"):
        Parameter("x", "X", 2, "u", 2, 3, 2, "s", "y")
    Parameter("x", "X", 2, "u", 2, 2, 2, "s", "y")             # low == high is allowed


@pytest.mark.parametrize("text, words", [
    (_entry(value="11"), "a = 11.0 is outside its range 1.0..10.0"),
    (_entry(value="0.5"), "outside its range"),
    (_entry(value="many"), "parameter a: value must be a number, got 'many'"),
    (_entry(value=".nan"), "value must be a finite number"),
    (_entry().replace("    unit: children\n", ""), "parameter a is missing unit"),
    (_entry() + "    colour: red\n", "unknown key(s) colour"),
    ("  a: 5\n", "parameter a must be a mapping"),
])
def test_bad_entries_say_which_parameter_and_what(tmp_path, text, words):
    path = _write(tmp_path, text)
    with pytest.raises(ParameterError) as caught:
        load_parameters(path, include_levers=False)
    assert words in str(caught.value) and str(path) in str(caught.value)


def test_bad_files(tmp_path):
    with pytest.raises(ParameterError, match="cannot read"):
        load_parameters(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("parameters: [1, 2\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_parameters(tmp_path / "bad.yaml")
    (tmp_path / "list.yaml").write_text("- 1\n")
    with pytest.raises(ParameterError, match="top-level 'parameters:'"):
        load_parameters(tmp_path / "list.yaml")


def test_levers_join_the_registry_with_their_neutral_value(tmp_path):
    path = _write(tmp_path, _entry("early_help_diversion_pct", "7"))
    params = load_parameters(path)
    # a file entry wins over the lever of the same name
    assert params["early_help_diversion_pct"].value == 7
    lever = params["edge_of_care_entry_reduction"]
    spec = LEVERS["edge_of_care_entry_reduction"]
    assert (lever.value, lever.default, lever.low, lever.high) == (
        spec.neutral,
        spec.neutral,
        spec.low,
        spec.high,
    )
    assert lever.note == f"scenario lever ({spec.group}); shipped scenarios use {spec.default}"
    assert "early_help_start" not in params                        # months are not numbers
    assert "edge_of_care_entry_reduction" not in load_parameters(path, include_levers=False)


def test_overrides_value_and_table(tmp_path):
    params = load_parameters(
        _write(tmp_path, _entry("caseload_a"), _entry("caseload_b")), include_levers=False
    )
    with pytest.raises(ParameterError, match="Did you mean one of: caseload_a, caseload_b"):
        with_overrides(params, {"caseload_c": 3})
    with pytest.raises(ParameterError, match=r"unknown parameter 'zzz'\.$"):
        with_overrides(params, {"zzz": 3})
    assert with_overrides(params, None) == params
    with pytest.raises(ParameterError, match="'nothing' is missing"):
        value(params, "nothing")
    table = parameter_table(with_overrides(params, {"caseload_a": 7}))
    assert list(table.columns) == [
        "name",
        "label",
        "value",
        "unit",
        "default",
        "low",
        "high",
        "source",
        "year",
        "note",
    ]
    assert table.set_index("name").loc["caseload_a", ["value", "default"]].tolist() == [7.0, 5.0]
