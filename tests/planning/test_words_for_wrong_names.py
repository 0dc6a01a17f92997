"""What a user is told about a wrong name or an out-of-bounds value (worked by hand):
- an unknown parameter lists at most five known names that share its first word ("Did you mean one of: ...");
- a YAML tag in a scenario file is named as written ('!custom'), not by a word of the parser's message;
- scenario numbers have at most MAX_INT_DIGITS = 30 digits: 30 nines are read, 31 are refused in words;
- saved scenarios: a folder that does not exist has none; names are sorted and hidden files left out."""

import pytest

from forecasting.errors import UserFacingError
from forecasting.planning.parameters import ParameterError, load_parameters, with_overrides
from forecasting.planning.scenario_store import list_saved
from forecasting.planning.scenario_yaml import load_yaml_text


def test_an_unknown_parameter_suggests_at_most_five_names_sharing_its_first_word():
    params = load_parameters()
    sharing = [name for name in params if "early" in name]
    assert len(sharing) > 5  # more candidates than are shown
    with pytest.raises(ParameterError) as error:
        with_overrides(params, {"early_typo": 1.0})
    suggested = str(error.value).split("Did you mean one of: ")[1].rstrip("?").split(", ")
    assert suggested == sharing[:5]


def test_a_yaml_tag_is_named_as_written():
    with pytest.raises(UserFacingError) as error:
        load_yaml_text("levers:\n  recruits_fte: !custom 3\n", "plan.yaml")
    assert str(error.value).startswith("plan.yaml: YAML tags such as '!custom' (at line 2, column 17)")


def test_thirty_digit_numbers_are_read_and_thirty_one_are_refused():
    assert load_yaml_text("a: " + "9" * 30, "plan.yaml") == {"a": int("9" * 30)}
    with pytest.raises(UserFacingError, match="a number with 31 digits at line 1, column 4: numbers in a "
                                              "scenario have at most 30 digits"):
        load_yaml_text("a: " + "9" * 31, "plan.yaml")


def test_saved_scenarios_of_a_missing_folder_sorted_names_and_no_hidden_files(tmp_path):
    assert list_saved(tmp_path / "not there") == {}
    for name in ("b plan.yaml", "a plan.yaml", ".hidden.yaml", "notes.txt"):
        (tmp_path / name).write_text("name: x\n", encoding="utf-8")
    saved = list_saved(tmp_path)
    assert list(saved) == ["a plan", "b plan"]
    assert saved["a plan"] == tmp_path / "a plan.yaml"
