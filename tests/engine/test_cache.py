"""Cache: results round-trip exactly through Parquet + JSON; forged, foreign, truncated or garbage files never
run code and are recomputed; nothing in the tool unpickles."""
import dataclasses
import hashlib
import hmac
import io
import json
import os
import pickle
import re
import stat
import zipfile
from collections import OrderedDict
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest

from forecasting.engine import cache
from forecasting.engine import forecast as forecast_module
from forecasting.engine.forecast import ForecastResult, ForecastSettings, run_forecast

REPO = Path(__file__).resolve().parents[2]
PARTS = ("run_forecast", "fingerprint", "settings")


class _Exploit:
    """Unpickling this creates `path`: the marker that code from a cache file ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _counter(value=None):
    calls = []

    def compute():
        calls.append(1)
        return value if value is not None else {"value": pd.DataFrame({"a": [1.0, 2.0]}), "n": len(calls)}

    return calls, compute


def _assert_results_equal(got: ForecastResult, expected: ForecastResult) -> None:
    assert type(got) is ForecastResult
    for field in dataclasses.fields(ForecastResult):
        mine, theirs = getattr(got, field.name), getattr(expected, field.name)
        if isinstance(theirs, pd.DataFrame):
            pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
        else:
            assert type(mine) is type(theirs) and mine == theirs, field.name


@pytest.fixture(scope="module")
def real_result(embedded_dataset):
    return run_forecast(embedded_dataset, use_cache=False)


def _varied_result() -> ForecastResult:
    """Dtypes the engine does not produce today but might: the cache must keep them all."""
    frame = pd.DataFrame({
        "text": ["a", None, "=c"], "mixed": [np.nan, "x", None],
        "when": pd.to_datetime(["2020-01-01", None, "2021-05-01"]),
        "count": np.array([1, 2, 3], dtype="int64"), "flag": [True, False, True],
        "value": [1.5, np.nan, np.inf],
        "group": pd.Categorical(["x", "y", "x"]), "maybe": pd.array([1, None, 3], dtype="Int64"),
        "london": pd.date_range("2020-03-29", periods=3, freq="h", tz="Europe/London"),
    }, index=pd.Index(["r1", "r2", "r3"], name="row"))
    return ForecastResult(forecasts=frame, all_forecasts=frame.drop(columns="group").iloc[:0],
                          backtest=pd.DataFrame({7: [0.1]}),
                          explanations={"M1": "plain words", "M2": ""}, distribution=frame.reset_index(),
                          holiday="",
                          settings=ForecastSettings(horizon=6, levels=(95, 80), models=("Naive",)),
                          selection_check=pd.DataFrame())


def test_reuses_result_when_nothing_changed(tmp_path):
    calls, compute = _counter()
    first = cache.cached(PARTS, compute, cache_dir=tmp_path)
    second = cache.cached(PARTS, compute, cache_dir=tmp_path)
    assert len(calls) == 1
    assert second["n"] == 1 and second["value"].equals(first["value"])
    cache.cached(("other data", "settings"), compute, cache_dir=tmp_path)
    assert len(calls) == 2


def test_real_forecast_result_round_trips_exactly(tmp_path, real_result):
    path = cache.save("real", real_result, tmp_path)
    assert zipfile.is_zipfile(path)
    found, loaded = cache.load("real", tmp_path)
    assert found
    _assert_results_equal(loaded, real_result)
    assert loaded.quantile("M1", loaded.distribution["month"].iloc[0], 0.5) == pytest.approx(
        real_result.quantile("M1", real_result.distribution["month"].iloc[0], 0.5), rel=0, abs=0)


def test_varied_dtypes_round_trip_exactly(tmp_path):
    expected = _varied_result()
    cache.save("varied", expected, tmp_path)
    found, loaded = cache.load("varied", tmp_path)
    assert found
    _assert_results_equal(loaded, expected)
    assert loaded.settings.levels == (80, 95)  # rebuilt through the constructor (validated, sorted)


def test_run_forecast_second_run_comes_from_the_cache(tmp_path, embedded_dataset, real_result, monkeypatch):
    settings = ForecastSettings()
    first = run_forecast(embedded_dataset, settings=settings, cache_dir=tmp_path)
    monkeypatch.setattr(forecast_module, "_compute",
                        lambda *a, **k: pytest.fail("recomputed despite the cache"))
    second = run_forecast(embedded_dataset, settings=settings, cache_dir=tmp_path)
    _assert_results_equal(second, first)
    _assert_results_equal(second, real_result)


def _pickle_payload(marker: Path) -> bytes:
    return pickle.dumps(_Exploit(marker))


def _forged_zip(key: str, marker: Path, variant: str) -> bytes:
    """Cache-shaped files with a pickle where a frame or value should be."""
    payload = _pickle_payload(marker)
    value = {"frame": "frame-0.parquet"}
    if variant == "dataclass":
        value = {"dataclass": "_Exploit", "fields": {"path": str(marker)}}
    elif variant == "builtin":
        value = {"dataclass": "open", "fields": {"file": str(marker), "mode": "w"}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        manifest = {"format": cache.FORMAT_VERSION, "key": key, "value": value}
        archive.writestr(cache.MANIFEST, json.dumps(manifest))
        archive.writestr("frame-0.parquet", payload)
    return buffer.getvalue()


@pytest.mark.parametrize("variant", ["raw pickle", "joblib", "pickle as frame", "dataclass", "builtin"])
def test_forged_cache_file_runs_no_code_and_is_recomputed(tmp_path, variant, monkeypatch):
    key = cache.cache_key(PARTS)
    marker = tmp_path / "pwned"
    folder = tmp_path / "cache"
    folder.mkdir()
    # Every name a cache (this one or the pickle-era one) could read, each holding code.
    secret = b"k" * 32
    (folder / ".key").write_bytes(secret)
    legacy = io.BytesIO()
    joblib.dump(_Exploit(marker), legacy)
    joblib_bytes = legacy.getvalue()
    signature = hmac.new(secret, joblib_bytes, hashlib.sha256).hexdigest().encode()
    (folder / f"{key}.joblib").write_bytes(signature + b"\n" + joblib_bytes)  # validly signed, the old probe
    forged = {"raw pickle": _pickle_payload(marker), "joblib": signature + b"\n" + joblib_bytes}.get(variant)
    (folder / f"{key}{cache.SUFFIX}").write_bytes(forged or _forged_zip(key, marker, variant))
    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, lambda *a, **k: pytest.fail("something unpickled"))
    monkeypatch.setattr(joblib, "load", lambda *a, **k: pytest.fail("something joblib-loaded"))

    calls, compute = _counter()
    result = cache.cached(PARTS, compute, cache_dir=folder)

    assert not marker.exists()
    assert len(calls) == 1 and result["n"] == 1
    assert sorted(p.name for p in folder.iterdir()) == [f"{key}{cache.SUFFIX}"]  # pickle-era files gone
    assert cache.load(key, folder)[0]                                            # replaced by a good file
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "other key"])
def test_damaged_file_is_deleted_and_recomputed(tmp_path, damage, caplog):
    key = cache.cache_key(PARTS)
    calls, compute = _counter()
    cache.cached(PARTS, compute, cache_dir=tmp_path)
    path = tmp_path / f"{key}{cache.SUFFIX}"
    content = path.read_bytes()
    if damage == "other key":
        cache.save("someone-else", {"n": 99}, tmp_path)
        content = (tmp_path / f"someone-else{cache.SUFFIX}").read_bytes()
    path.write_bytes({"truncated": content[: len(content) // 2], "garbage": os.urandom(4096), "empty": b"",
                      "other key": content}[damage])
    assert cache.load(key, tmp_path) == (False, None)
    assert not path.exists() and "ignored" in caplog.text
    result = cache.cached(PARTS, compute, cache_dir=tmp_path)
    assert len(calls) == 2 and result["n"] == 2


def test_file_others_can_write_is_never_read(tmp_path):
    calls, compute = _counter()
    cache.cached(PARTS, compute, cache_dir=tmp_path)
    path = tmp_path / f"{cache.cache_key(PARTS)}{cache.SUFFIX}"
    path.chmod(0o666)
    assert cache.load(cache.cache_key(PARTS), tmp_path) == (False, None)
    assert not path.exists()
    cache.cached(PARTS, compute, cache_dir=tmp_path)
    assert len(calls) == 2


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0,
                    reason="needs root to give a file to another account")
def test_file_owned_by_another_account_is_ignored_and_left_alone(tmp_path):
    calls, compute = _counter()
    cache.cached(PARTS, compute, cache_dir=tmp_path)
    path = tmp_path / f"{cache.cache_key(PARTS)}{cache.SUFFIX}"
    os.chown(path, 65534, 65534)
    assert cache.load(cache.cache_key(PARTS), tmp_path) == (False, None)
    assert path.exists() and path.stat().st_uid == 65534
    cache.cached(PARTS, compute, cache_dir=tmp_path)
    assert len(calls) == 2 and path.stat().st_uid == os.geteuid()  # our own result replaced it


def test_symbolic_link_is_not_followed(tmp_path):
    cache.save("real-file", {"n": 1}, tmp_path)
    link = tmp_path / f"linked{cache.SUFFIX}"
    link.symlink_to(tmp_path / f"real-file{cache.SUFFIX}")
    assert cache.load("linked", tmp_path) == (False, None)


def test_unstorable_value_is_returned_but_not_cached(tmp_path, caplog):
    value = {"thing": object()}
    calls, compute = _counter(value)
    assert cache.cached(PARTS, compute, cache_dir=tmp_path) is value
    assert cache.cached(PARTS, compute, cache_dir=tmp_path) is value
    assert len(calls) == 2 and "not cached" in caplog.text
    assert not list(tmp_path.glob(f"*{cache.SUFFIX}")) and not list(tmp_path.glob("*.part"))


def test_frame_parquet_cannot_hold_exactly_is_not_cached(tmp_path, caplog):
    """An empty categorical loses its categories in Parquet; caching it would change the result."""
    frame = pd.DataFrame({"group": pd.Categorical([], categories=["x", "y"])})
    calls, compute = _counter({"frame": frame})
    assert cache.cached(PARTS, compute, cache_dir=tmp_path)["frame"] is frame
    assert cache.cached(PARTS, compute, cache_dir=tmp_path)["frame"] is frame
    assert len(calls) == 2
    assert "does not survive Parquet" in caplog.text and not list(tmp_path.glob(f"*{cache.SUFFIX}"))


def test_plain_values_round_trip(tmp_path):
    value = {"list": [1, 2.5, None, "x"], "tuple": (1, ("nested", True)), 3: {"deep": [float("nan")]},
             "when": pd.Timestamp("2020-04-01"), "numpy": np.int64(7), "inf": float("-inf")}
    cache.save("plain", value, tmp_path)
    found, loaded = cache.load("plain", tmp_path)
    assert found and loaded.keys() == value.keys()
    assert loaded["tuple"] == (1, ("nested", True)) and loaded["list"] == [1, 2.5, None, "x"]
    assert np.isnan(loaded[3]["deep"][0]) and loaded["when"] == value["when"]
    assert loaded["inf"] == float("-inf")
    assert loaded["numpy"] == 7 and type(loaded["numpy"]) is int


@pytest.mark.parametrize("value", [pd.Timestamp("2020-04-01", tz="Europe/London"), OrderedDict(),
                                   pd.Series([1.0]), {1, 2}])
def test_values_that_would_not_come_back_identical_are_refused(tmp_path, value):
    with pytest.raises(TypeError):
        cache.save("k", {"v": value}, tmp_path)
    assert not list(tmp_path.glob(f"*{cache.SUFFIX}"))


def test_unknown_dataclass_is_refused_when_saving(tmp_path):
    @dataclasses.dataclass
    class Other:
        x: int = 1

    with pytest.raises(TypeError, match="ALLOWED_DATACLASSES"):
        cache.save("k", Other(), tmp_path)


def test_folder_is_private(tmp_path):
    folder = tmp_path / "new" / "cache"
    cache.save("k", {"n": 1}, folder)
    assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE((folder / f"k{cache.SUFFIX}").stat().st_mode) & 0o077 == 0


def test_code_version_changes_the_key():
    assert cache.cache_key(("a",)) == cache.cache_key(("a",))
    assert cache.cache_key(("a",)) != cache.cache_key(("b",))
    assert len(cache.code_version()) == 16


def test_old_results_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MAX_FILES", 3)
    for index in range(5):
        path = cache.save(f"k{index}", index, tmp_path)
        os.utime(path, (1000 + index, 1000 + index))
    kept = sorted(p.name for p in tmp_path.glob(f"*{cache.SUFFIX}"))
    assert kept == [f"k{i}{cache.SUFFIX}" for i in (2, 3, 4)]


UNPICKLING = re.compile(r"pickle\.(load|loads|Unpickler)\b|joblib\.load\b|read_pickle|allow_pickle\s*=\s*True"
                        r"|from (pickle|joblib|cloudpickle|dill) import .*\bload|cloudpickle|\bdill\b|shelve")


def test_nothing_in_the_tool_unpickles():
    sources = [*(REPO / "forecasting").rglob("*.py"), *(REPO / "ui").rglob("*.py"),
               *(REPO / "views").rglob("*.py"), REPO / "app.py"]
    offenders = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
                 for path in sources if path.exists()
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if UNPICKLING.search(line)]
    assert len(sources) > 20 and offenders == []


def test_any_change_to_an_engine_file_changes_the_code_version(tmp_path, monkeypatch):
    import shutil

    from forecasting.engine import cache as cache_module

    package = Path(cache_module.__file__).resolve().parent
    copy = tmp_path / "engine"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "__file__", str(copy / "cache.py"))
    before = cache_module.code_version()
    assert cache_module.code_version() == before  # stable
    # a module outside any named list (e.g. the panel runner) still counts, and so does a new file
    (copy / "distributed.py").write_text((copy / "distributed.py").read_text() + "\n# changed\n")
    changed = cache_module.code_version()
    assert changed != before
    (copy / "new_rule.py").write_text("X = 1\n")
    assert cache_module.code_version() != changed
