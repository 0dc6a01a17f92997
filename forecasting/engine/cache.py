"""joblib persistence of forecast results in models/cache/, HMAC-verified before anything is unpickled.

- Key: SHA-256 of (the data fingerprint, the settings hash, CODE_VERSION). CODE_VERSION hashes the source of the
  forecasting modules that compute results plus the statsforecast version, so a code change never reuses an
  old result.
- File: `<key>.joblib` = 64 hex characters of HMAC-SHA256 (over the payload), a newline, then the joblib payload.
- The HMAC key is 32 random bytes in `models/cache/.key`, created on first use with mode 0600. A file whose
  HMAC does not verify (tampered, truncated, written by someone else) is never unpickled: it is deleted,
  logged, and the result recomputed.
- Only files this module wrote are ever loaded; user uploads are never unpickled anywhere in the tool.
The folder is git-ignored. Set FORECASTING_CACHE_DIR to move it (tests use a temporary folder).
"""
from __future__ import annotations

import hashlib
import hmac
import io
import logging
import os
import secrets
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import joblib
import pandas as pd

log = logging.getLogger(__name__)

DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[2] / "models" / "cache"
KEY_FILE = ".key"
MAX_FILES = 20  # older results (other data, settings or code versions) beyond this many are deleted on save
_SOURCES = ("models.py", "backtest.py", "forecast.py", "explain.py", "seasonality.py", "cache.py")


def cache_dir(path: str | Path | None = None) -> Path:
    return Path(path or os.environ.get("FORECASTING_CACHE_DIR") or DEFAULT_CACHE_DIR)


def code_version() -> str:
    """Hash of the result-producing source files and the statsforecast version."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for name in _SOURCES:
        source = package / name
        digest.update(source.read_bytes() if source.exists() else name.encode())
    try:
        from importlib.metadata import version

        digest.update(version("statsforecast").encode())
    except Exception:  # noqa: BLE001  (metadata missing in odd installs: the source hash still applies)
        digest.update(b"statsforecast-unknown")
    return digest.hexdigest()[:16]


def dataset_fingerprint(dataset) -> str:
    """SHA-256 of everything in a Dataset that a forecast reads (observations, catalogue, context)."""
    digest = hashlib.sha256()
    observations = dataset.observations[["unique_id", "ds", "y"]]
    digest.update(pd.util.hash_pandas_object(observations, index=False).values.tobytes())
    digest.update(dataset.indicators.to_csv().encode())
    digest.update(repr(sorted((getattr(dataset, "context", None) or {}).items())).encode())
    return digest.hexdigest()


def _secret(directory: Path) -> bytes:
    """The HMAC key, created (0600) on first use."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(20):  # another process may have created it a moment ago and be writing it
            key = path.read_bytes()
            if len(key) >= 32:
                return key
            time.sleep(0.05)
        log.warning("cache key %s is damaged; replacing it (old cache files will be recomputed)", path)
        path.unlink(missing_ok=True)
        return _secret(directory)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def cache_key(parts: Sequence[object]) -> str:
    text = "\x1f".join(str(part) for part in (*parts, code_version()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def save(key: str, value: object, directory: str | Path | None = None) -> Path:
    directory = cache_dir(directory)
    secret = _secret(directory)
    buffer = io.BytesIO()
    joblib.dump(value, buffer, compress=3)
    payload = buffer.getvalue()
    signature = hmac.new(secret, payload, hashlib.sha256).hexdigest().encode()
    path = directory / f"{key}.joblib"
    temporary = path.with_suffix(f".tmp{os.getpid()}")
    temporary.write_bytes(signature + b"\n" + payload)
    os.replace(temporary, path)
    _prune(directory)
    return path


def _prune(directory: Path) -> None:
    files = sorted(directory.glob("*.joblib"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[MAX_FILES:]:
        old.unlink(missing_ok=True)


def load(key: str, directory: str | Path | None = None) -> tuple[bool, object]:
    """(found, value). A file that fails HMAC verification is deleted and reported as not found."""
    directory = cache_dir(directory)
    path = directory / f"{key}.joblib"
    if not path.exists():
        return False, None
    content = path.read_bytes()
    signature, _, payload = content.partition(b"\n")
    expected = hmac.new(_secret(directory), payload, hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(signature, expected):
        log.warning("cache file %s failed its integrity check (changed outside the tool); ignoring it", path)
        path.unlink(missing_ok=True)
        return False, None
    try:
        return True, joblib.load(io.BytesIO(payload))
    except Exception as exc:  # noqa: BLE001  (our own file from an incompatible library version)
        log.warning("cache file %s could not be read (%s); recomputing", path, exc)
        path.unlink(missing_ok=True)
        return False, None


def cached(parts: Sequence[object], compute: Callable[[], object], *, cache_dir: str | Path | None = None):
    """Value for `parts` from the cache if present and verified, else `compute()` (then stored)."""
    key = cache_key(parts)
    try:
        found, value = load(key, cache_dir)
    except OSError as exc:
        log.warning("cache unavailable (%s); computing without it", exc)
        return compute()
    if found:
        log.info("reused cached result %s", key)
        return value
    value = compute()
    try:
        save(key, value, cache_dir)
    except OSError as exc:
        log.warning("could not write the cache (%s); the result is still correct", exc)
    return value
