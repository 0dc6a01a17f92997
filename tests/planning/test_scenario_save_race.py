"""save_scenario under a race: two saves of one new name, exactly one wins, the file is the winner's, whole.

Each round starts both savers at a barrier so they reach the "does it exist?" moment together; a check-then-
replace implementation lets both "succeed" (and the file holds whichever replaced last), which these catch.
"""
import multiprocessing
import threading
from pathlib import Path

import pytest

from forecasting.errors import UserFacingError
from forecasting.planning.scenarios import load_scenario, save_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
ROUNDS_THREADS = 60
ROUNDS_PROCESSES = 15


@pytest.fixture(scope="module")
def contenders():
    """Two scenarios whose saved files differ (different recruits and descriptions of different lengths)."""
    base = load_scenario(SCENARIO_DIR / "combined-plan.yaml")
    first = base.with_levers(recruits_fte=3.0)
    second = base.with_levers(recruits_fte=17.0)
    second = type(second)(schema_version=second.schema_version, name=second.name,
                          description="second saver " * 200, levers=second.levers.model_dump())
    return first, second


def _check_round(path: Path, outcomes: dict[int, str], contenders) -> None:
    winners = [index for index, outcome in outcomes.items() if outcome == "saved"]
    losers = [index for index, outcome in outcomes.items() if outcome == "refused"]
    assert len(winners) == 1 and len(losers) == 1, f"{path.name}: {outcomes}"
    assert load_scenario(path) == contenders[winners[0]]              # the winner's content, complete
    assert [p.name for p in path.parent.iterdir()] == [path.name]    # no temp file left behind


def _save(scenario, path: Path) -> str:
    try:
        save_scenario(scenario, path)
    except UserFacingError as exc:
        assert "already exists" in str(exc)
        return "refused"
    return "saved"


def _thread_contender(index, scenario, path, barrier, outcomes) -> None:
    barrier.wait(timeout=30)
    outcomes[index] = _save(scenario, path)


def test_racing_threads_one_new_name_exactly_one_wins(tmp_path, contenders):
    for round_number in range(ROUNDS_THREADS):
        folder = tmp_path / f"round{round_number}"
        folder.mkdir()
        path = folder / "plan.yaml"
        barrier = threading.Barrier(2)
        outcomes: dict[int, str] = {}
        threads = [threading.Thread(target=_thread_contender,
                                    args=(index, contenders[index], path, barrier, outcomes))
                   for index in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        _check_round(path, outcomes, contenders)


def _process_contender(index, scenario, path, barrier, results) -> None:
    barrier.wait(timeout=30)
    results.put((index, _save(scenario, path)))


def test_racing_processes_one_new_name_exactly_one_wins(tmp_path, contenders):
    context = multiprocessing.get_context("fork")  # the workers need this module's functions, not a re-import
    for round_number in range(ROUNDS_PROCESSES):
        folder = tmp_path / f"round{round_number}"
        folder.mkdir()
        path = folder / "plan.yaml"
        barrier, results = context.Barrier(2), context.Queue()
        workers = [context.Process(target=_process_contender,
                                   args=(index, contenders[index], path, barrier, results))
                   for index in (0, 1)]
        for worker in workers:
            worker.start()
        outcomes = dict(results.get(timeout=60) for _ in workers)
        for worker in workers:
            worker.join(timeout=30)
            assert worker.exitcode == 0
        _check_round(path, outcomes, contenders)


def test_overwrite_still_replaces_atomically(tmp_path, contenders):
    path = save_scenario(contenders[0], tmp_path / "plan.yaml")
    with pytest.raises(UserFacingError, match="already exists"):
        save_scenario(contenders[1], path)
    assert load_scenario(path) == contenders[0]
    save_scenario(contenders[1], path, overwrite=True)
    assert load_scenario(path) == contenders[1]
    assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml"]


def test_without_hard_links_creation_is_still_exclusive(tmp_path, contenders, monkeypatch):
    import errno
    import os

    def no_links(source, target):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    path = save_scenario(contenders[0], tmp_path / "plan.yaml")
    assert load_scenario(path) == contenders[0]
    monkeypatch.setattr(Path, "exists", lambda self: False)  # as if a racing save created it after our check
    with pytest.raises(UserFacingError, match="already exists"):
        save_scenario(contenders[1], path)
    monkeypatch.undo()
    assert load_scenario(path) == contenders[0]
    assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml"]
