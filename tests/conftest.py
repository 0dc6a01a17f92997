"""Shared fixtures, and two rules for the whole suite.

Tests never write to the shared forecast cache. Some tests replace engine functions (monkeypatch) and then run
a forecast; the cache key hashes the engine's files, not what a test patched in, so such a result written to
`models/cache/` would be served later to the app and the CLI under the real code's key (it happened: a
forecast without M1). Every test session therefore gets its own cache folder unless FORECASTING_CACHE_DIR is
already set by whoever runs the tests.

Tests may run in parallel (`make test` runs `pytest -n 2 --dist loadgroup`, pytest-xdist). Each worker then
has a cache folder of its own inside the session's (so a worker sees only what its own tests wrote, as in a
serial run of those tests); each test module runs whole on one worker, the AppTest modules of tests/app/
together on one worker, and every real-browser test (files named *browser*.py) on one worker, so the browser
tests share one Streamlit server (tests/app/conftest.py) and write tests/artifacts/ one at a time.
"""
import os
import shutil
import tempfile

import pytest

from forecasting import EMBEDDED_DATASET, load_dataset

# Set by the process that made the session's cache folder, so xdist workers (which inherit the environment)
# know the folder is the test session's own and make their own folder inside it.
SESSION_CACHE_ENV = "FORECASTING_TEST_SESSION_CACHE"
BROWSER_GROUP = "browser"
# The app's AppTest modules run together on one worker: the app keeps what it computes (forecasts, baselines,
# scenario results, derived tables) in process-wide caches, so spread over two workers they built them twice
# (tests/app alone: 110 s of CPU serially, 162 s on two workers).
APP_GROUP = "tests/app"
# Handed out first in a parallel run, longest first, so that no long unit starts last and keeps one worker
# busy alone at the end (the rest follow, larger modules first). Order only: a name here that no longer exists
# is ignored. Longest in a serial run on 2 cores (Dec 2026), most of them one or two long tests.
LONG_FIRST = (
    BROWSER_GROUP,  # the real-browser tests, one Streamlit server: minutes
    APP_GROUP,  # the AppTest modules: about two minutes
    "tests/test_imports.py",  # a fresh interpreter importing every module alone
    "tests/engine/test_distributed.py",  # Dask and process pools in a fresh interpreter
    "tests/fuzz/test_fuzz_readers.py",
    "tests/planning/test_goalseek.py",
    "tests/engine/test_forecast.py",
)
_SESSION_CACHE = None


def pytest_configure(config):
    global _SESSION_CACHE
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    session_cache = os.environ.get(SESSION_CACHE_ENV)
    if worker and session_cache and os.environ.get("FORECASTING_CACHE_DIR") == session_cache:
        own = os.path.join(session_cache, worker)
        os.makedirs(own, mode=0o700, exist_ok=True)
        os.environ["FORECASTING_CACHE_DIR"] = own  # removed with the session's folder by the controller
    elif "FORECASTING_CACHE_DIR" not in os.environ:
        _SESSION_CACHE = tempfile.mkdtemp(prefix="forecast-cache-tests-")
        os.environ["FORECASTING_CACHE_DIR"] = _SESSION_CACHE
        os.environ[SESSION_CACHE_ENV] = _SESSION_CACHE


def pytest_unconfigure(config):
    if _SESSION_CACHE is not None:
        os.environ.pop("FORECASTING_CACHE_DIR", None)
        os.environ.pop(SESSION_CACHE_ENV, None)
        shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


def _is_browser_file(name: str) -> bool:
    return BROWSER_GROUP in name


def pytest_collection_modifyitems(config, items):
    """Browser tests live in files named *browser*.py: the parallel run sends those files to one worker."""
    misplaced = sorted({item.nodeid.split("::")[0] for item in items
                        if item.get_closest_marker("browser") and not _is_browser_file(item.path.name)})
    if misplaced:
        raise pytest.UsageError("browser-marked tests must be in a file whose name contains 'browser' "
                                "(make test runs those files on one worker): " + ", ".join(misplaced))


def _scope(nodeid: str) -> str:
    """Work unit of a test in a parallel run: "browser" for a *browser*.py file's tests, APP_GROUP for the
    other tests/app/ modules, else the test's module."""
    module = nodeid.split("::", 1)[0]
    if _is_browser_file(module.rsplit("/", 1)[-1]):
        return BROWSER_GROUP
    return APP_GROUP if module.startswith(APP_GROUP + "/") else module


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # a pytest-xdist hook; ours wins for load and loadgroup
def pytest_xdist_make_scheduler(config, log):
    """With `--dist loadgroup` (make test) or a plain `-n N`: all browser files to one worker (one Streamlit
    server, tests/artifacts written by one process); the AppTest modules to one worker (APP_GROUP); every
    other module whole to one worker (its module-scoped fixtures built once, not once per worker);
    LONG_FIRST first, then larger modules first.
    xdist's own loadgroup reads group markers from a test id suffix that pytest 9 no longer lets it set, so
    groups are by file name here."""
    if config.getvalue("dist") not in ("load", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModulesAndBrowser(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _scope(nodeid)

        def _assign_work_unit(self, node) -> None:
            for first in reversed(LONG_FIRST):  # to the front of the queue, in LONG_FIRST's order
                if first in self.workqueue:
                    self.workqueue.move_to_end(first, last=False)
            super()._assign_work_unit(node)

    return ModulesAndBrowser(config, log)


_WORKER_SUMMARIES: list[str] = []


@pytest.hookimpl(optionalhook=True)  # pytest-xdist: a worker has finished
def pytest_testnodedown(node, error):
    """Keep the fuzz figures a worker sent (tests/fuzz/conftest.py), to print at the end."""
    _WORKER_SUMMARIES.extend(getattr(node, "workeroutput", {}).get("fuzz_figures", []))


def pytest_terminal_summary(terminalreporter):
    if _WORKER_SUMMARIES:
        terminalreporter.section("fuzz figures (per reader)")
        for line in _WORKER_SUMMARIES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def embedded_dataset():
    return load_dataset(EMBEDDED_DATASET)
