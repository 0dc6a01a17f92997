"""Uploads are read in a worker process with a time and a memory limit (issue 18 part 2).

Before: the app read uploads in the server process, so one slow file (61 s for a 100 kB CSV) made every
other user's page wait (the health endpoint answered in 58 s).
"""

from __future__ import annotations

import re
import threading
import time

import pytest

from forecasting.data.isolation import ReadingLimit, load_upload_isolated, panel_isolated, run_isolated

GOOD = b"indicator,month,value\nM1,2018-01,5\nM1,2018-02,6\n"


def _sleep_then_answer(seconds: float) -> str:
    time.sleep(seconds)
    return "answered"


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 2**20))


def test_an_upload_read_in_a_worker_gives_what_the_plain_reader_gives():
    dataset, report = load_upload_isolated("mine.csv", GOOD, today="2026-11-01")
    assert report.ok and dataset is not None and dataset.observations["y"].tolist() == [5.0, 6.0]
    loaded = panel_isolated(
        "councils.csv", b"authority,indicator,month,value\nA,M1,2018-01,5\n", today="2026-11-01"
    )
    assert loaded.authorities == ["A"]


def test_the_time_limit_stops_the_worker_and_says_so():
    start = time.monotonic()
    with pytest.raises(ReadingLimit, match="took longer than 1 seconds"):
        run_isolated(_sleep_then_answer, 30, seconds=1)
    assert time.monotonic() - start < 10


def test_the_memory_limit_stops_the_worker_and_says_so():
    with pytest.raises(ReadingLimit, match="more than 300 MB of memory"):
        run_isolated(_allocate, 2000, memory_mb=300)
    assert run_isolated(_allocate, 10, memory_mb=300) == 10 * 2**20


def _old_number_pattern(digits: int) -> bool:
    """The number pattern the reader used before issue 18: quadratic backtracking, holding the GIL."""
    return re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", "1" * digits + "a") is None


def test_the_server_keeps_answering_while_a_file_hogs_a_worker():
    answers = []
    hog = threading.Thread(target=lambda: answers.append(run_isolated(_old_number_pattern, 6_000)))
    hog.start()
    gaps, last = [], time.monotonic()
    while hog.is_alive():  # a server thread: it must never wait long while the file is read
        time.sleep(0.01)
        now = time.monotonic()
        gaps.append(now - last)
        last = now
    hog.join()
    assert answers == [True]
    assert len(gaps) > 50 and max(gaps) < 0.5
