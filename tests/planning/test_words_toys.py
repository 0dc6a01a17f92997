"""Hand-worked cases for small word rules: lists joined in English, and the scenario file's size limit at
its exact boundary (a limit is "at most", so a file of exactly MAX_BYTES is read)."""

import pytest

from forecasting.errors import UserFacingError
from forecasting.planning.coverage import _join
from forecasting.planning.scenario_yaml import MAX_BYTES, read_scenario_text


def test_lists_are_joined_with_commas_and_a_final_and():
    assert _join(["referrals"]) == "referrals"
    assert _join(["referrals", "contacts"]) == "referrals and contacts"
    assert _join(["a", "b", "c"]) == "a, b and c"


def test_a_scenario_file_of_exactly_the_limit_is_read_and_one_byte_more_is_not(tmp_path):
    head = "name: limit\n# "
    exact = tmp_path / "exact.yaml"
    exact.write_text(head + "x" * (MAX_BYTES - len(head)), encoding="utf-8")
    assert exact.stat().st_size == MAX_BYTES
    assert read_scenario_text(exact).startswith("name: limit")
    over = tmp_path / "over.yaml"
    over.write_text(head + "x" * (MAX_BYTES - len(head) + 1), encoding="utf-8")
    with pytest.raises(UserFacingError, match=f"over.yaml: the file is {MAX_BYTES + 1:,} bytes"):
        read_scenario_text(over)


def _nested(levels: int) -> str:
    """A YAML document `levels` deep: the top mapping is level 1, each `- ` one more, the scalar the last."""
    return (
        "a:\n" + "".join("  " * k + "- " + "\n" for k in range(1, levels - 2)) + "  " * (levels - 2) + "- 1\n"
    )


def test_nesting_up_to_the_limit_is_read_and_one_level_more_is_refused():
    from forecasting.planning.scenario_yaml import MAX_DEPTH, load_yaml_text

    depth = _depth(load_yaml_text(_nested(MAX_DEPTH), "deep.yaml"))
    assert depth == MAX_DEPTH
    with pytest.raises(UserFacingError, match=f"deep.yaml: nesting deeper than {MAX_DEPTH} levels at line"):
        load_yaml_text(_nested(MAX_DEPTH + 1), "deep.yaml")
    # siblings do not add up: many shallow levers are fine
    assert load_yaml_text("\n".join(f"lever_{k}: {{a: [1]}}" for k in range(50)), "wide.yaml")[
        "lever_49"
    ] == {"a": [1]}


def _depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max(_depth(v) for v in value.values())
    if isinstance(value, list):
        return 1 + max(_depth(v) for v in value)
    return 1


def test_integers_up_to_the_digit_limit_are_read():
    from forecasting.planning.scenario_yaml import MAX_INT_DIGITS, load_yaml_text

    assert load_yaml_text(f"n: {'9' * MAX_INT_DIGITS}", "n.yaml")["n"] == int("9" * MAX_INT_DIGITS)
    with pytest.raises(UserFacingError, match=f"a number with {MAX_INT_DIGITS + 1} digits at line 1"):
        load_yaml_text(f"n: {'9' * (MAX_INT_DIGITS + 1)}", "n.yaml")


def test_indicator_words_come_from_the_short_list_then_the_catalogue_then_the_code():
    import pandas as pd

    from forecasting.planning.coverage import INDICATOR_WORDS, indicator_words

    code, words = next(iter(INDICATOR_WORDS.items()))
    assert indicator_words(code) == f"{words} ({code})"
    catalogue = pd.DataFrame({"name": ["Foster carers approved"]}, index=pd.Index(["FC1"], name="indicator"))
    assert indicator_words("FC1", catalogue) == "Foster carers approved (FC1)"
    assert indicator_words("FC2", catalogue) == "FC2"
    assert indicator_words("FC1") == "FC1"
