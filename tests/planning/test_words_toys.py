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
