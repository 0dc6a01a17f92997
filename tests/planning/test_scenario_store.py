"""Saved scenarios per user (issue 16 part 5) and scenario names / messages (issue 18 part 5).

Hand-made cases: where the data directory is, a private folder per identity, file names from names, a NUL
refused in words, messages naming the file and never the server's folder, the file 0600 and the folder 0700.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.errors import UserFacingError
from forecasting.planning.scenario_store import (
    DATA_DIR_ENV,
    data_root,
    list_saved,
    read_saved,
    save_user_scenario,
    scenario_file_name,
    scenario_from_yaml,
    scenario_yaml,
    user_folder,
)
from forecasting.planning.scenarios import load_scenario, save_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def plan():
    return load_scenario(SCENARIO_DIR / "edge-of-care.yaml")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_root_env_then_xdg_then_home(tmp_path):
    assert data_root({DATA_DIR_ENV: str(tmp_path / "d"), "XDG_DATA_HOME": "/x"}) == tmp_path / "d"
    assert data_root({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "demand-planner"
    assert data_root({}) == Path.home() / ".local" / "share" / "demand-planner"
    repo = Path(__file__).resolve().parents[2]
    assert repo not in data_root({}).parents  # never the repository


def test_each_user_gets_a_private_folder_and_the_identity_is_not_a_path(tmp_path):
    root = tmp_path / "data"
    first = user_folder("planner@example.gov.uk", root)
    second = user_folder("leader@example.gov.uk", root)
    assert first != second and first.parent == second.parent == root / "scenarios"
    assert first == user_folder("Planner@Example.gov.uk ", root)  # same person, same folder
    for folder in (root, root / "scenarios", first, second):
        assert _mode(folder) == 0o700, folder
    hostile = user_folder("../../etc", root)
    assert hostile.parent == root / "scenarios" and len(hostile.name) == 32
    with pytest.raises(UserFacingError, match="signed-in user"):
        user_folder("", root)


@pytest.mark.parametrize(
    ("name", "file_name"),
    [("Plan A", "plan-a.yaml"), ("  Edge of care (2 exits)  ", "edge-of-care-2-exits.yaml"),
     ("../../etc/passwd", "etc-passwd.yaml"), ("Plan für 2019", "plan-f-r-2019.yaml")],
)
def test_file_names_from_names(name, file_name):
    assert scenario_file_name(name) == file_name


@pytest.mark.parametrize(
    ("name", "expected"),
    [("plan\x00a", "a NUL character at character 5"), ("a\tb", "a tab character at character 2"),
     ("a\nb", "a line break character at character 2"),
     ("x\x07", "the control character U+0007 at character 2"),
     ("£££", "has no letter or digit"), ("", "Give the scenario a name"), ("a" * 121, "at most 120")],
)
def test_bad_names_are_refused_in_words(name, expected):
    with pytest.raises(UserFacingError, match=re.escape(expected)):
        scenario_file_name(name)


def test_save_is_private_listed_at_once_and_never_overwrites_silently(tmp_path, plan):
    folder = user_folder("planner@example.gov.uk", tmp_path)
    path = save_user_scenario(folder, plan, "My plan")
    assert path == folder / "my-plan.yaml" and _mode(path) == 0o600
    assert list_saved(folder) == {"my-plan": path}
    assert read_saved(path).name == "My plan" and read_saved(path).levers == plan.levers
    changed = plan.with_levers(edge_of_care_extra_exits=3.0)
    with pytest.raises(UserFacingError) as refused:
        save_user_scenario(folder, changed, "my plan")
    message = str(refused.value)
    assert "my-plan.yaml already exists" in message and str(tmp_path) not in message
    assert read_saved(path).levers == plan.levers  # untouched
    save_user_scenario(folder, changed, "my plan", overwrite=True)
    assert read_saved(path).levers.edge_of_care_extra_exits == 3.0 and _mode(path) == 0o600


def test_nul_in_a_name_is_refused_before_any_file_is_touched(tmp_path, plan):
    folder = user_folder("planner@example.gov.uk", tmp_path)
    with pytest.raises(UserFacingError, match="NUL"):
        save_user_scenario(folder, plan, "plan\x00evil")
    assert list_saved(folder) == {}


def test_read_errors_name_the_file_not_the_folder(tmp_path):
    folder = tmp_path / "server" / "secret-folder"
    folder.mkdir(parents=True)
    bad = folder / "broken.yaml"
    bad.write_text("schema_version: 1\nname: x\nlevers: {a: 1\n", encoding="utf-8")
    with pytest.raises(UserFacingError) as caught:
        read_saved(bad)
    assert str(caught.value).startswith("broken.yaml: not valid YAML at line") and "secret-folder" not in str(
        caught.value)
    with pytest.raises(UserFacingError) as missing:
        read_saved(folder / "gone.yaml")
    assert str(missing.value) == "gone.yaml: no such scenario file."
    unknown = folder / "unknown.yaml"
    unknown.write_text("schema_version: 1\nname: x\nlevers: {no_such_lever: 1}\n", encoding="utf-8")
    with pytest.raises(UserFacingError, match=r"^unknown.yaml: key 'levers.no_such_lever' is not known"):
        read_saved(unknown)


def test_yaml_text_round_trips_and_equals_what_save_writes(tmp_path, plan):
    text = scenario_yaml(plan)
    assert scenario_from_yaml(text.encode("utf-8"), "download.yaml") == plan
    saved = save_scenario(plan, tmp_path / "plan.yaml")
    assert saved.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"\xff\xfe", "plan.yaml: not a text (UTF-8) file"),
     (b"x" * 70_000, "plan.yaml: the file is 70,000 bytes"),
     (b"schema_version: 1\nname: a\x00b\n", "plan.yaml: not valid YAML"),
     (b"a: &x 1\nb: *x\n", "plan.yaml: an alias (*x)")],
)
def test_uploads_refused_in_words_naming_only_the_file(content, expected):
    with pytest.raises(UserFacingError) as caught:
        scenario_from_yaml(content, "/home/someone/Downloads/plan.yaml")
    assert str(caught.value).startswith(expected) and "Downloads" not in str(caught.value)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=200))
def test_any_name_gives_a_safe_file_name_or_words(name):
    """Fuzz: whatever a user types, the file name stays inside the folder (letters, digits and - only) or the
    name is refused with a UserFacingError; nothing else is raised."""
    try:
        file_name = scenario_file_name(name)
    except UserFacingError as exc:
        assert str(exc)
        return
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.yaml", file_name) and len(file_name) <= 85
