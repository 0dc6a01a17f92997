"""A bad scenario file's message stays short whatever the file holds (found by `make fuzz`: a 5,000-character
name came back as a 5,005-character message). Values and keys quoted back are cut with their length said; the
known keys are listed once; at most 10 problems are listed and the rest counted."""

import pytest

from forecasting.errors import UserFacingError
from forecasting.planning.scenarios import scenario_from_dict


def _message(data) -> str:
    with pytest.raises(UserFacingError) as caught:
        scenario_from_dict(data, "plan.yaml")
    return str(caught.value)


def test_a_5000_character_name_is_cut_and_its_length_said():
    message = _message({"schema_version": 1, "name": "9" * 5000, "levers": {}})
    assert message.startswith("plan.yaml: key 'name': String should have at most 120 characters")
    assert "... (5,002 characters)" in message  # the repr: 5,000 nines and two quotes
    assert len(message) < 300


def test_many_unknown_keys_list_the_known_keys_once():
    levers = {f"not_a_lever_{i}": 1 for i in range(50)}
    message = _message({"schema_version": 1, "name": "x", "levers": levers})
    assert message.count("expected one of:") == 1
    assert "'levers.not_a_lever_0'" in message and "'levers.not_a_lever_9'" in message
    assert "'levers.not_a_lever_10'" not in message and "and 40 more" in message
    assert len(message) < 1500


def test_one_unknown_key_reads_as_before():
    message = _message({"schema_version": 1, "name": "x", "levers": {"early_help_diversion": 5}})
    assert "key 'levers.early_help_diversion' is not known; expected one of: " in message
    assert "early_help_diversion_pct" in message


def test_more_than_ten_problems_are_counted_not_listed():
    from forecasting.planning.levers import LEVERS

    levers = {name: "not a number" for name in sorted(LEVERS)[:15]}
    message = _message({"schema_version": 1, "name": "x", "levers": levers})
    assert message.count("; key ") == 9  # ten listed: the first, then nine after a semicolon
    assert message.endswith("more problem(s)")
