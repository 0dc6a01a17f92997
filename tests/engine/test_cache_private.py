"""Issue 18 part 5: cached results (those of uploaded data included) are private files in a private folder,
or not written at all with FORECASTING_DISK_CACHE=off; docs/deployment.md says so."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasting.data.contract import Dataset
from forecasting.engine import cache
from forecasting.engine.forecast import ForecastSettings, run_forecast

REPO = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture()
def open_umask():
    """umask 000: any file or folder not made private on purpose would come out world-readable."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _upload_like() -> Dataset:
    """A small council data set as an upload gives it (not the embedded data)."""
    months = pd.date_range("2017-06-01", periods=13, freq="MS")
    values = np.array([510, 498, 530, 470, 505, 520, 488, 515, 530, 501, 496, 522, 517], dtype=float)
    observations = pd.DataFrame({"unique_id": "M1", "ds": months, "y": values})
    catalogue = pd.DataFrame({"unit": ["count"]}, index=pd.Index(["M1"], name="indicator"))
    return Dataset(observations, catalogue, source="upload.csv")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_forecast_of_uploaded_data_is_a_0600_file_in_a_0700_folder(tmp_path, open_umask):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)                 # e.g. made by hand or by an older version: others could list it
    run_forecast(_upload_like(), settings=ForecastSettings(horizon=3), cache_dir=folder)
    files = list(folder.iterdir())
    assert len(files) == 1 and files[0].suffix == cache.SUFFIX
    assert _mode(files[0]) == 0o600
    assert _mode(folder) == 0o700


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_new_folder_is_0700_whatever_the_umask(tmp_path, open_umask):
    folder = tmp_path / "new"
    cache.save("k", {"n": 1}, folder)
    assert _mode(folder) == 0o700 and _mode(folder / f"k{cache.SUFFIX}") == 0o600


def test_disk_cache_off_writes_and_reads_nothing(tmp_path, monkeypatch):
    cache.save(cache.cache_key(("x",)), "stale", tmp_path)          # a file that must not be read
    monkeypatch.setenv(cache.DISK_CACHE_ENV, "off")
    calls = []

    def compute():
        calls.append(1)
        return "fresh"

    assert cache.cached(("x",), compute, cache_dir=tmp_path) == "fresh"
    assert cache.cached(("y",), compute, cache_dir=tmp_path / "other") == "fresh"
    assert len(calls) == 2 and not (tmp_path / "other").exists()
    run_forecast(_upload_like(), settings=ForecastSettings(horizon=3), cache_dir=tmp_path / "other")
    assert not (tmp_path / "other").exists()


@pytest.mark.parametrize("value", ["off", "OFF", "0", "no", "false"])
def test_switch_words(monkeypatch, value):
    monkeypatch.setenv(cache.DISK_CACHE_ENV, value)
    assert not cache.disk_cache_enabled()
    monkeypatch.setenv(cache.DISK_CACHE_ENV, "on")
    assert cache.disk_cache_enabled()


def test_deployment_notes_say_what_is_written():
    text = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")
    assert "it is not written to disk or shared" not in text          # the old, untrue sentence
    for phrase in ("0600", "0700", cache.DISK_CACHE_ENV, "FORECASTING_CACHE_DIR", "models/cache"):
        assert phrase in text, phrase
