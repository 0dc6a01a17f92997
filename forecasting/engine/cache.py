"""Forecast results kept on disk in models/cache/ in data-only formats: Parquet and JSON, never pickle.

Why: a pickle (or joblib) file runs code when loaded, so anyone able to write, or sign, a cache file could run
code in the forecast. Here nothing is ever unpickled: a cache file can at worst be wrong or unreadable, and
then it is ignored, logged, deleted when it is ours, and the result recomputed.

- Key: SHA-256 of (the data fingerprint, the settings hash, CODE_VERSION). CODE_VERSION hashes the source of
  the forecasting modules that compute results plus the statsforecast version, so a code change never reuses
  an old result.
- File: `<key>.zip`, uncompressed zip of `manifest.json` (format version, the key, the value as a JSON tree)
  and one Parquet file per DataFrame (`frame-<n>.parquet`; dtypes and index kept by pyarrow's pandas
  metadata).
  The JSON tree holds None, bool, int, float, str, lists, tuples, dicts, Timestamps, DataFrames and the
  dataclasses named in ALLOWED_DATACLASSES (ForecastResult, ForecastSettings), rebuilt through their
  constructors. Anything else is refused when saving (the result is then simply not cached).
- Every frame is read back and compared before a file is written, so a reused result equals the computed one.
- A file is read only when it is a regular file owned by this account and writable by no one else (POSIX), its
  manifest names the key asked for, and it parses; otherwise it is ignored (and deleted if ours).
- Files from earlier versions (`<key>.joblib`, the HMAC `.key`) are never read; the next save deletes them.
The folder is git-ignored and private: created 0700, and an existing folder of this account that others can
read or enter is tightened to 0700 on the next save; each file is written 0600 (a private temporary file,
renamed into place). Results of uploaded data are cached like any other: their forecast tables, back-test
scores and explanations (not the uploaded values themselves), at most MAX_FILES results, oldest deleted first.
Set FORECASTING_CACHE_DIR to move the folder (tests do); set FORECASTING_DISK_CACHE=off to write and read no
cache file at all (every result is then recomputed; docs/deployment.md).
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import json
import logging
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

DEFAULT_CACHE_DIR = Path(__file__).resolve().parents[2] / "models" / "cache"
SUFFIX = ".zip"
FORMAT_VERSION = 1
MAX_FILES = 20  # older results (other data, settings or code versions) beyond this many are deleted on save
MAX_FILE_BYTES = 512 * 1024 * 1024  # a bigger file is not one of ours; never read it into memory
MANIFEST = "manifest.json"
ALLOWED_DATACLASSES = {  # the only classes a cache file may rebuild: name -> module
    "ForecastResult": "forecasting.engine.forecast",
    "ForecastSettings": "forecasting.engine.forecast",
}
LEGACY_FILES = ("*.joblib", ".key")  # pickle-era files: never read, removed when ours
# every source and data file of the engine package is part of the key (a named list went stale when a module
# the forecast depends on was not in it, and a result computed by other code was served again)
_SOURCE_PATTERNS = ("*.py", "*.csv")


DISK_CACHE_ENV = "FORECASTING_DISK_CACHE"  # "off" (or 0/no/false): no cache file is written or read
FOLDER_MODE, FILE_MODE = 0o700, 0o600


def disk_cache_enabled() -> bool:
    """False when FORECASTING_DISK_CACHE is off, 0, no or false (read at call time)."""
    return os.environ.get(DISK_CACHE_ENV, "on").strip().lower() not in ("off", "0", "no", "false")


class CacheFileError(ValueError):
    """A cache file that is not a well-formed result written by this module."""


def cache_dir(path: str | Path | None = None) -> Path:
    return Path(path or os.environ.get("FORECASTING_CACHE_DIR") or DEFAULT_CACHE_DIR)


def code_version() -> str:
    """Hash of the result-producing source files and the statsforecast version."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for source in sorted(path for pattern in _SOURCE_PATTERNS for path in package.glob(pattern)):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
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
    digest.update(pd.util.hash_pandas_object(observations, index=False).to_numpy().tobytes())
    digest.update(dataset.indicators.to_json(orient="split", double_precision=15, date_format="iso",
                                             default_handler=str).encode())
    digest.update(repr(sorted((getattr(dataset, "context", None) or {}).items())).encode())
    return digest.hexdigest()


def cache_key(parts: Sequence[object]) -> str:
    text = "\x1f".join(str(part) for part in (*parts, code_version()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


# ----------------------------------------------------------------------------------------------- encoding
def _frame_bytes(frame: pd.DataFrame) -> bytes:
    """Parquet bytes of `frame`, checked to read back equal (dtypes, index, column names, values)."""
    buffer = io.BytesIO()
    try:
        frame.to_parquet(buffer, engine="pyarrow", compression="zstd")
        pd.testing.assert_frame_equal(_read_frame(buffer.getvalue()), frame, check_exact=True,
                                      check_freq=False)
    except Exception as exc:  # noqa: BLE001  (pyarrow/pandas raise many types for frames Parquet cannot hold)
        columns = list(frame.columns)[:5]
        raise TypeError(f"a table with columns {columns} does not survive Parquet: {exc}") from None
    return buffer.getvalue()


def _read_frame(content: bytes) -> pd.DataFrame:
    import pyarrow.parquet as pq

    return pq.read_table(io.BytesIO(content)).to_pandas()


def _encode(value: object, frames: list[bytes]) -> object:
    """A JSON-ready tree for `value`; DataFrames are appended to `frames` and referenced by name."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, np.generic):  # numpy scalar -> the Python number it equals
        return _encode(value.item(), frames)
    if isinstance(value, pd.DataFrame):
        frames.append(_frame_bytes(value))
        return {"frame": f"frame-{len(frames) - 1}.parquet"}
    if isinstance(value, pd.Timestamp) and value.tz is None:  # (time zones live in frames, which keep them)
        return {"timestamp": value.isoformat()}
    if isinstance(value, (list, tuple)) and type(value) in (list, tuple):  # a subclass would return as base
        return {type(value).__name__: [_encode(item, frames) for item in value]}
    if type(value) is dict:
        return {"dict": [[_encode(key, frames), _encode(item, frames)] for key, item in value.items()]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if name not in ALLOWED_DATACLASSES or _allowed_class(name) is not type(value):
            raise TypeError(f"{type(value).__qualname__} is not in cache.ALLOWED_DATACLASSES")
        fields = dataclasses.fields(value)
        if any(not field.init for field in fields):
            raise TypeError(f"{name} has fields its constructor does not take; it cannot be rebuilt")
        encoded = {field.name: _encode(getattr(value, field.name), frames) for field in fields}
        return {"dataclass": name, "fields": encoded}
    raise TypeError(f"cannot store a {type(value).__qualname__} in the cache")


def _allowed_class(name: object) -> type:
    if not isinstance(name, str) or name not in ALLOWED_DATACLASSES:
        raise CacheFileError(f"class {str(name)[:80]!r} is not one the cache may rebuild")
    cls = getattr(importlib.import_module(ALLOWED_DATACLASSES[name]), name)
    if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
        raise CacheFileError(f"{name} is not a dataclass")
    return cls


def _decode(node: object, archive: zipfile.ZipFile) -> object:
    """Inverse of `_encode`; anything unexpected is a CacheFileError."""
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if not isinstance(node, dict) or len(node) != (2 if "dataclass" in node else 1):
        raise CacheFileError(f"unexpected node {str(node)[:80]}")
    tag = next(iter(node))
    content = node[tag]
    if tag == "frame" and isinstance(content, str):
        return _read_frame(_member(archive, content))
    if tag == "timestamp" and isinstance(content, str):
        return pd.Timestamp(content)
    if tag in ("list", "tuple") and isinstance(content, list):
        items = [_decode(item, archive) for item in content]
        return items if tag == "list" else tuple(items)
    if tag == "dict" and isinstance(content, list):
        if not all(isinstance(pair, list) and len(pair) == 2 for pair in content):
            raise CacheFileError("malformed dict")
        return {_decode(key, archive): _decode(item, archive) for key, item in content}
    if tag == "dataclass" and isinstance(node.get("fields"), dict):
        cls = _allowed_class(content)
        names = {field.name for field in dataclasses.fields(cls) if field.init}
        if not set(node["fields"]) <= names:
            raise CacheFileError(f"{content} has no field(s) {sorted(set(node['fields']) - names)}")
        return cls(**{name: _decode(item, archive) for name, item in node["fields"].items()})
    raise CacheFileError(f"unexpected node tag {str(tag)[:40]!r}")


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)  # KeyError for a missing member: caught as unreadable by load()
    if info.compress_type != zipfile.ZIP_STORED or info.file_size > MAX_FILE_BYTES:
        raise CacheFileError(f"member {name} is compressed or too large")
    return archive.read(info)


# ----------------------------------------------------------------------------------------------- files
def _private_dir(directory: Path) -> Path:
    """The cache folder, created 0700; one other accounts can write to is reported (its files are checked)."""
    directory.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if os.name == "posix":
        info = directory.stat()
        if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
            log.info("cache folder %s was readable by other accounts; made private (0700)", directory)
            directory.chmod(FOLDER_MODE)
            info = directory.stat()
        if info.st_uid != os.geteuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            log.warning("cache folder %s is owned by or writable by another account; only files this account "
                        "owns and alone can write are read from it", directory)
    return directory


def _trusted(info: os.stat_result) -> bool:
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
        return False
    if os.name != "posix":
        return True
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _discard(path: Path, info: os.stat_result | None, reason: str) -> None:
    """Log an unusable cache file; delete it when this account owns it (another account's is left alone)."""
    ours = info is not None and (os.name != "posix" or info.st_uid == os.geteuid())
    log.warning("cache file %s ignored (%s); %s", path, reason,
                "deleted, the result is recomputed" if ours else "not ours, left in place; recomputing")
    if ours:
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not delete %s (%s)", path, exc)


def save(key: str, value: object, directory: str | Path | None = None) -> Path:
    """Write `value` as `<key>.zip` atomically (private temp file, os.replace); TypeError if unstorable."""
    frames: list[bytes] = []
    manifest = {"format": FORMAT_VERSION, "key": key, "value": _encode(value, frames)}
    text = json.dumps(manifest, allow_nan=True)
    directory = _private_dir(cache_dir(directory))
    path = directory / f"{key}{SUFFIX}"
    fd, temporary = tempfile.mkstemp(prefix=f".{key}.", suffix=".part", dir=directory)  # 0600, O_EXCL
    try:
        if os.name == "posix":
            os.fchmod(fd, FILE_MODE)  # mkstemp's mode already; stated, so no umask or platform can widen it
        with os.fdopen(fd, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr(MANIFEST, text)
            for number, content in enumerate(frames):
                archive.writestr(f"frame-{number}.parquet", content)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    _prune(directory)
    return path


def _prune(directory: Path) -> None:
    """Keep the MAX_FILES newest results; delete pickle-era files this account owns."""
    dated = [(info.st_mtime, path) for path in directory.glob(f"*{SUFFIX}") if (info := _lstat(path))]
    for _, old in sorted(dated, reverse=True)[MAX_FILES:]:
        old.unlink(missing_ok=True)
    for pattern in LEGACY_FILES:
        for legacy in directory.glob(pattern):
            info = _lstat(legacy)
            if info is not None and (os.name != "posix" or info.st_uid == os.geteuid()):
                log.info("deleting %s from an earlier cache format (never read)", legacy)
                legacy.unlink(missing_ok=True)


def load(key: str, directory: str | Path | None = None) -> tuple[bool, object]:
    """(found, value). A file that is not ours alone, or does not parse, is ignored (deleted if ours)."""
    path = cache_dir(directory) / f"{key}{SUFFIX}"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return False, None
    except OSError as exc:  # e.g. a symbolic link (O_NOFOLLOW) or no permission
        _discard(path, _lstat(path), f"cannot be opened safely: {exc}")
        return False, None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not _trusted(info):
            _discard(path, info, "not a private file of this account")
            return False, None
        content = handle.read(MAX_FILE_BYTES + 1)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            manifest = json.loads(_member(archive, MANIFEST))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
                raise CacheFileError("unknown format")
            if manifest.get("key") != key:
                raise CacheFileError("written for another key")
            return True, _decode(manifest["value"], archive)
    except Exception as exc:  # noqa: BLE001  (zip, JSON, Parquet and constructors fail in many ways)
        _discard(path, info, f"unreadable: {type(exc).__name__}: {str(exc)[:200]}")
        return False, None


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return path.lstat()
    except OSError:
        return None


def cached(parts: Sequence[object], compute: Callable[[], object], *, cache_dir: str | Path | None = None):
    """Value for `parts` from the cache if present and readable, else `compute()` (then stored). With
    FORECASTING_DISK_CACHE=off nothing is read or written."""
    if not disk_cache_enabled():
        return compute()
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
    except TypeError as exc:
        log.warning("result not cached: %s", exc)
    except OSError as exc:
        log.warning("could not write the cache (%s); the result is still correct", exc)
    return value
