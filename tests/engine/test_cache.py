"""Cache: reuse when nothing changed, HMAC key 0600, tampered files rejected and recomputed."""
import os
import stat

import pandas as pd

from forecasting.engine import cache


def _counter():
    calls = []

    def compute():
        calls.append(1)
        return {"value": pd.DataFrame({"a": [1.0, 2.0]}), "n": len(calls)}

    return calls, compute


def test_reuses_result_when_nothing_changed(tmp_path):
    calls, compute = _counter()
    first = cache.cached(("data", "settings"), compute, cache_dir=tmp_path)
    second = cache.cached(("data", "settings"), compute, cache_dir=tmp_path)
    assert len(calls) == 1
    assert second["n"] == 1 and second["value"].equals(first["value"])
    cache.cached(("other data", "settings"), compute, cache_dir=tmp_path)
    assert len(calls) == 2


def test_key_file_is_private_and_stable(tmp_path):
    cache.save("k", 1, tmp_path)
    key_path = tmp_path / cache.KEY_FILE
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    before = key_path.read_bytes()
    cache.save("k2", 2, tmp_path)
    assert key_path.read_bytes() == before and len(before) == 32


def test_tampered_file_is_rejected_and_recomputed(tmp_path):
    calls, compute = _counter()
    cache.cached(("x",), compute, cache_dir=tmp_path)
    path = tmp_path / f"{cache.cache_key(('x',))}.joblib"
    content = bytearray(path.read_bytes())
    content[-5] ^= 0xFF
    path.write_bytes(bytes(content))
    assert cache.load(cache.cache_key(("x",)), tmp_path) == (False, None)
    assert not path.exists()
    result = cache.cached(("x",), compute, cache_dir=tmp_path)
    assert len(calls) == 2 and result["n"] == 2


def test_foreign_pickle_with_forged_signature_is_never_loaded(tmp_path):
    import joblib

    cache.save("seed", 0, tmp_path)  # creates the key
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.joblib"
    with open(tmp_path / "payload", "wb") as handle:
        joblib.dump(_Exploit(str(marker)), handle)
    path.write_bytes(b"0" * 64 + b"\n" + (tmp_path / "payload").read_bytes())
    assert cache.load("evil", tmp_path) == (False, None)
    assert not marker.exists()


def test_code_version_changes_the_key():
    assert cache.cache_key(("a",)) == cache.cache_key(("a",))
    assert cache.cache_key(("a",)) != cache.cache_key(("b",))
    assert len(cache.code_version()) == 16


class _Exploit:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_old_results_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MAX_FILES", 3)
    for index in range(5):
        path = cache.save(f"k{index}", index, tmp_path)
        os.utime(path, (1000 + index, 1000 + index))
    assert sorted(p.stem for p in tmp_path.glob("*.joblib")) == ["k2", "k3", "k4"]
