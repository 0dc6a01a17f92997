"""Shared fixtures, and one rule for the whole suite: tests never write to the shared forecast cache.

Some tests replace engine functions (monkeypatch) and then run a forecast; the cache key hashes the engine's
files, not what a test patched in, so such a result written to `models/cache/` would be served later to the
app and the CLI under the real code's key (it happened: a forecast without M1). Every test session therefore
gets its own cache folder unless FORECASTING_CACHE_DIR is already set by whoever runs the tests.
"""
import os
import shutil
import tempfile

import pytest

from forecasting import EMBEDDED_DATASET, load_dataset

_SESSION_CACHE = None


def pytest_configure(config):
    global _SESSION_CACHE
    if "FORECASTING_CACHE_DIR" not in os.environ:
        _SESSION_CACHE = tempfile.mkdtemp(prefix="forecast-cache-tests-")
        os.environ["FORECASTING_CACHE_DIR"] = _SESSION_CACHE


def pytest_unconfigure(config):
    if _SESSION_CACHE is not None:
        os.environ.pop("FORECASTING_CACHE_DIR", None)
        shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def embedded_dataset():
    return load_dataset(EMBEDDED_DATASET)
