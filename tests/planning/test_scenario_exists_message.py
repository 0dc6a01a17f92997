"""Issue 18 part 5: a refused save names the scenario, the file and the fix, never the server folder.

Three refusals: the early check, the atomic publish losing a race (`os.link` finds the file) and the
exclusive create used where a file system has no hard links. Each says the same words."""
from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from forecasting.errors import UserFacingError
from forecasting.planning.scenarios import Scenario, save_scenario


@pytest.fixture()
def saved(tmp_path):
    folder = tmp_path / "server-folder-with-a-secret-name"
    folder.mkdir()
    first = Scenario(schema_version=1, name="Edge of care plan").with_levers(edge_of_care_extra_exits=2.0)
    return save_scenario(first, folder / "edge-of-care-plan.yaml")


def _refusal(path: Path) -> str:
    second = Scenario(schema_version=1, name="Edge of care plan").with_levers(edge_of_care_extra_exits=3.0)
    with pytest.raises(UserFacingError) as refused:
        save_scenario(second, path)
    return str(refused.value)


def _check(message: str, path: Path) -> None:
    assert message == ("A saved scenario called 'Edge of care plan' already exists (edge-of-care-plan.yaml); "
                       "choose another name, or replace the saved one on purpose.")
    assert str(path.parent) not in message and "overwrite=True" not in message


def test_early_refusal_names_the_scenario_not_the_folder(saved):
    _check(_refusal(saved), saved)


def test_refusal_after_losing_a_race_names_the_scenario_not_the_folder(saved, monkeypatch):
    monkeypatch.setattr(Path, "exists", lambda self: False)   # a racing save created it after our check
    _check(_refusal(saved), saved)


def test_refusal_without_hard_links_names_the_scenario_not_the_folder(saved, monkeypatch):
    def no_links(source, target):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    monkeypatch.setattr(Path, "exists", lambda self: False)
    _check(_refusal(saved), saved)
