"""Hostile scenario files (issue 18): each refused with a UserFacingError naming the file and where, quickly.

Each case raised an uncaught exception or took gigabytes with the plain `yaml.safe_load` reader.
"""

from __future__ import annotations

import pytest
from bounded import run_bounded

from forecasting.errors import UserFacingError
from forecasting.planning.scenario_yaml import MAX_BYTES, MAX_DEPTH, load_yaml_text
from forecasting.planning.scenarios import load_scenario

# 380 bytes: nine levels of nine aliases each, 9^9 (387 million) strings once expanded (pydantic's error
# message expanded them: 2.4 GB and a MemoryError after 72 s before the fix).
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def _refusal(path) -> str:
    try:
        load_scenario(path)
    except UserFacingError as exc:
        return str(exc)
    return "accepted"


def _write(tmp_path, text: str):
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_alias_bomb_is_refused_at_the_first_alias_within_limits(tmp_path):
    path = _write(tmp_path, BOMB + "schema_version: 1\nname: *i\nlevers: {}\n")
    message, seconds, _peak = run_bounded(_refusal, path, seconds=20, memory_mb=500)
    assert str(path) in message
    assert "alias (*a) at line 2, column 8" in message and "not allowed" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("levers:\n  early_help_start: 2018-02-30\n", "'2018-02-30' at line 4, column 21 is not a real date"),
        ("levers:\n  recruits_fte: " + "9" * 4301 + "\n", "a number with 4,301 digits at line 4, column 17"),
        (
            "levers: " + "[" * 10_000 + "]" * 10_000 + "\n",
            f"nesting deeper than {MAX_DEPTH} levels at line 3",
        ),
        ("levers:\n  recruits_fte: .inf\n", "'.inf' at line 4, column 17 is not a finite number"),
        ("levers:\n  recruits_fte: !!python/object:os.system ls\n", "YAML tags such as"),
        ("levers: {a: 1\n", "not valid YAML at line"),
    ],
    ids=["invalid-date", "4301-digit-integer", "10000-deep", "infinity", "python-tag", "unclosed-brace"],
)
def test_each_refusal_names_the_file_and_where(tmp_path, text, expected):
    path = _write(tmp_path, "schema_version: 1\nname: x\n" + text)
    message, _seconds, _peak = run_bounded(_refusal, path, seconds=20, memory_mb=500)
    assert message.startswith(f"{path}: ")
    assert expected in message


def test_oversized_file_is_refused_before_it_is_parsed(tmp_path):
    path = _write(tmp_path, "schema_version: 1\nname: x\ndescription: " + "x" * MAX_BYTES + "\n")
    with pytest.raises(UserFacingError, match=f"a scenario file has at most {MAX_BYTES:,}"):
        load_scenario(path)


def test_plain_scenarios_still_read():
    text = (
        "schema_version: 1\nname: Early Help\nlevers:\n"
        "  early_help_diversion_pct: 15\n  early_help_start: 2018-09\n"
    )
    assert load_yaml_text(text, "s.yaml") == {
        "schema_version": 1,
        "name": "Early Help",
        "levers": {"early_help_diversion_pct": 15, "early_help_start": "2018-09"},
    }
    assert load_yaml_text("when: 2018-09-01\n", "s.yaml")["when"].isoformat() == "2018-09-01"
