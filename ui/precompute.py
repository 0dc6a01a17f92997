"""Background work (issue 16, speed): when a data set comes into use (the embedded one when the server's first
session starts, an upload when it is chosen), a thread works out what each page shows before anything is
moved (Overview, Scenarios, Workforce, Finance) through the same cached functions the pages call
(`ui.derived`, `ui.state`), so the first visit to each page finds its tables ready. A page that asks for a
table while the thread is working on it waits for that one computation (Streamlit's per-entry compute lock)
instead of repeating it. The work is done in small pieces, each started only when no page is running in any
session (`page_run`, around every page run in app.py; waiting at most QUIET_WAIT_SECONDS), so it takes the
server's idle time rather than a user's.

Once per data set fingerprint; at most MAX_DATA_SETS threads remembered. Off when the environment variable
FORECASTING_APP_PRECOMPUTE is "0" (tests/app/conftest.py sets that for AppTest runs, where a thread outliving
a test would race with the next test's monkeypatches).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator

from forecasting.errors import UserFacingError
from forecasting.planning import MEDIUM_TERM_YEARS, finance_horizon
from ui import derived, saved_scenarios, state
from ui.lever_widgets import neutral_levers
from ui.scenario_charts import scenario_charts

log = logging.getLogger(__name__)
ENV = "FORECASTING_APP_PRECOMPUTE"
MAX_DATA_SETS = state.MAX_DATA_SETS
FINANCE_PLAN = "combined-plan"   # the Finance page's first plan (views/finance.py)
COMPARED = 3                     # the Scenarios page compares the first three examples but the baseline

QUIET_WAIT_SECONDS = 30.0      # a piece of work waits at most this long for the pages to stop running
_threads: dict[str, threading.Thread] = {}
_lock = threading.Lock()
_running = [0]                 # page runs in progress, all sessions


def enabled() -> bool:
    return os.environ.get(ENV, "1") != "0"


@contextlib.contextmanager
def page_run() -> Iterator[None]:
    """Around a page's run: the background work waits while any page is running."""
    with _lock:
        _running[0] += 1
    try:
        yield
    finally:
        with _lock:
            _running[0] -= 1


def pages_running() -> int:
    return _running[0]


def _quiet(limit: float = QUIET_WAIT_SECONDS) -> None:
    """Wait until no page is running (at most `limit` seconds)."""
    deadline = time.monotonic() + limit
    while pages_running() and time.monotonic() < deadline:
        time.sleep(0.1)


def start(dataset) -> threading.Thread | None:
    """Start the background work for `dataset` unless it was started before (or is off); the thread, or
    None."""
    if not enabled():
        return None
    key = state.fingerprint(dataset)
    with _lock:
        if key in _threads:
            return None
        if len(_threads) >= MAX_DATA_SETS:  # forget finished ones (their tables stay in the caches)
            for old in [k for k, t in _threads.items() if not t.is_alive()]:
                del _threads[old]
            if len(_threads) >= MAX_DATA_SETS:
                return None
        thread = threading.Thread(target=warm, args=(dataset,), name=f"precompute-{key[:8]}", daemon=True)
        _threads[key] = thread
    thread.start()
    return thread


def steps(dataset) -> list[tuple[str, list[Callable[[], object]]]]:
    """(page, its pieces of work) in the order users open the pages; each piece is a call its page makes on
    a new session (shipped assumptions, nothing moved)."""
    basis = derived.shipped(dataset)
    neutral = derived.page_scenario(neutral_levers(), None)
    compared = [key for key in saved_scenarios.examples() if key != "baseline"][:COMPARED]
    norms = {team: float(basis.params[f"caseload_norm_{team}"].value) for team in ("cin_cp", "lac")}
    horizon = finance_horizon(dataset, MEDIUM_TERM_YEARS)
    return [
        ("Overview", [lambda: derived.headlines(basis), lambda: derived.overview_chart(basis),
                      lambda: derived.baseline(basis)]),
        ("Scenarios", [lambda: derived.baseline_targets(basis), lambda: scenario_charts(basis, neutral),
                       lambda: derived.scenario_headlines(basis, neutral),
                       *(lambda key=key: derived.scenario_targets(basis, saved_scenarios.load(key))
                         for key in compared)]),
        ("Workforce", [lambda: derived.workforce(basis, norms, {})]),
        ("Finance", [lambda: state.forecast_result(dataset, horizon),
                     lambda: derived.baseline(basis, horizon),
                     lambda: derived.finance(basis, saved_scenarios.load(FINANCE_PLAN), horizon)]),
    ]


def warm(dataset, wait: bool = True) -> list[str]:
    """Do each page's pieces in turn (each, when `wait`, once no page is running); the pages done (one the
    data cannot support, e.g. no contacts for the scenarios, is left to its page to explain)."""
    done = []
    for page, pieces in steps(dataset):
        try:
            for piece in pieces:
                if wait:
                    _quiet()
                piece()
            done.append(page)
        except UserFacingError as exc:
            log.info("precompute: %s left to its page: %s", page, exc)
        except Exception:  # noqa: BLE001  background work must never stop the server; the page will say
            log.exception("precompute: %s failed (the page works it out when opened)", page)
    return done
