"""Background work (issue 16, speed): when a data set comes into use (the embedded one when the server's first
session starts, an upload when it is chosen), a thread works out what each page shows before anything is
moved (Overview, Scenarios, Workforce, Finance) through the same cached functions the pages call
(`ui.derived`, `ui.state`), so the first visit to each page finds its tables ready. A page that asks for a
table while the thread is working on it waits for that one computation (Streamlit's per-entry compute lock)
instead of repeating it.

Once per data set fingerprint; at most MAX_DATA_SETS threads remembered. Off when the environment variable
FORECASTING_APP_PRECOMPUTE is "0" (tests/app/conftest.py sets that for AppTest runs, where a thread outliving
a test would race with the next test's monkeypatches).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

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

_threads: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def enabled() -> bool:
    return os.environ.get(ENV, "1") != "0"


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


def steps(dataset) -> list[tuple[str, Callable[[], object]]]:
    """(page, work) in the order users open the pages; each work is the call its page makes on a new
    session (shipped assumptions, nothing moved)."""
    basis = derived.shipped(dataset)
    neutral = derived.page_scenario(neutral_levers(), None)
    compared = [key for key in saved_scenarios.examples() if key != "baseline"][:COMPARED]

    def overview():
        derived.headlines(basis)
        derived.baseline(basis)

    def scenarios():
        derived.baseline_targets(basis)
        scenario_charts(basis, neutral)
        derived.scenario_headlines(basis, neutral)
        for key in compared:
            derived.scenario_targets(basis, saved_scenarios.load(key))

    def workforce():
        norms = {team: float(basis.params[f"caseload_norm_{team}"].value) for team in ("cin_cp", "lac")}
        derived.workforce(basis, norms, {})

    def finance():
        horizon = finance_horizon(dataset, MEDIUM_TERM_YEARS)
        derived.finance(basis, saved_scenarios.load(FINANCE_PLAN), horizon)

    return [("Overview", overview), ("Scenarios", scenarios), ("Workforce", workforce), ("Finance", finance)]


def warm(dataset) -> list[str]:
    """Do each step in turn; the pages done (a step the data cannot support, e.g. no contacts for the
    scenarios, is left to its page to explain)."""
    done = []
    for page, work in steps(dataset):
        try:
            work()
            done.append(page)
        except UserFacingError as exc:
            log.info("precompute: %s left to its page: %s", page, exc)
        except Exception:  # noqa: BLE001  background work must never stop the server; the page will say
            log.exception("precompute: %s failed (the page works it out when opened)", page)
    return done
