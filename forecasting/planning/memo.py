"""Results of pure planning steps kept by their inputs, including exactly the parameters they read.

A step such as fitting the timeliness curves reads a few dozen of the ~300 named parameters; a Finance page
cost edit changes another one. `remember(store, key, compute, params)` runs `compute(recorded)` with a view
of `params` that records every parameter it reads (and falls back to "all of them" when it iterates, counts
or copies the registry), and keeps the result under `key` (the step's other inputs, by content) with the
values read. A later call with the same `key` reuses the result only when every recorded parameter has the
same `Parameter` (value, range, source: the whole frozen record) in the new registry, and when a parameter
that was absent is still absent. So a cached answer is the answer the step would give: the step is a pure
function of its key and the parameters it read, and reading the same values takes the same path.

A result must not keep the recording view and read from it later (the recorded set would then be
incomplete): a read after `compute` returns marks the entry unusable and logs a warning, and `STRICT = True`
(tests, or FORECASTING_MEMO_STRICT=1) makes it an error. A step run inside another recorded step passes its
reads on to the outer one. Results are shared between callers, so they are read-only, like the baseline
they belong to. Each store keeps at most `size` entries (least recently used dropped) and is thread-safe.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

log = logging.getLogger(__name__)
__all__ = ["STRICT", "MemoStore", "RecordingParams", "Same", "content_key", "remember"]

# a read of a closed recording view raises instead of warning (tests; FORECASTING_MEMO_STRICT=1 for a run)
STRICT = os.environ.get("FORECASTING_MEMO_STRICT") == "1"
_ABSENT = object()
_NONEMPTY = object()  # the recorded fact "the registry has at least one parameter"


def _seen(params: Mapping[str, Any], name) -> Any:
    """What `name` gives in `params` (a recording view records it): the parameter or _ABSENT, or for
    _NONEMPTY whether there are any."""
    return bool(params) if name is _NONEMPTY else params.get(name, _ABSENT)


T = TypeVar("T")


class RecordingParams(dict):
    """A copy of a parameter registry that notes which names are read. Whole-registry operations (iterating,
    len, keys/items/values, copying, comparing) note "everything". After `close()`, any read marks the
    owner entry stale (`escaped`)."""

    def __init__(self, params: Mapping[str, Any]):
        # inside another recorded step: copy without reading, and pass each read on to that step
        self.parent = params if isinstance(params, RecordingParams) else None
        if self.parent is not None:
            super().__init__(dict.items(self.parent))
        else:
            super().__init__(params)
        self.read: dict[Any, Any] = {}
        self.read_all = False
        self.closed = False
        self.escaped = False

    def _note(self, name=None) -> None:
        if self.closed:
            self.escaped = True
            message = "a cached planning result kept its parameters and read them afterwards"
            if STRICT:
                raise RuntimeError(message)
            log.warning(message)
        if self.parent is not None:
            self.parent._note(name)
        if name is None:
            self.read_all = True
        elif name not in self.read:
            self.read[name] = dict.__len__(self) > 0 if name is _NONEMPTY else dict.get(self, name, _ABSENT)

    def close(self) -> None:
        self.closed = True

    def __getitem__(self, name):
        self._note(name)
        return dict.__getitem__(self, name)

    def get(self, name, default=None):
        self._note(name)
        return dict.get(self, name, default)

    def __contains__(self, name) -> bool:
        self._note(name)
        return dict.__contains__(self, name)

    def __iter__(self) -> Iterator:
        self._note()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._note()
        return dict.__len__(self)

    def __bool__(self) -> bool:  # `params or defaults`: only whether there are any is read
        self._note(_NONEMPTY)
        return dict.__len__(self) > 0

    def keys(self):
        self._note()
        return dict.keys(self)

    def items(self):
        self._note()
        return dict.items(self)

    def values(self):
        self._note()
        return dict.values(self)

    def copy(self) -> dict:
        self._note()
        return dict(dict.items(self))

    def __eq__(self, other) -> bool:
        self._note()
        return dict.__eq__(self, other)

    __hash__ = None

    def __or__(self, other):
        self._note()
        return dict(dict.items(self)) | dict(other)

    def __reduce__(self):
        self._note()
        return (dict, (dict(dict.items(self)),))

    def __setitem__(self, name, value) -> None:
        raise TypeError("a planning step must not change the parameters it is given")

    __delitem__ = __setitem__  # type: ignore[assignment]


@dataclass
class _Entry:
    result: Any
    view: RecordingParams
    owner: weakref.ref | None = None  # the read-only object the result was worked out from (by identity)

    def fits(self, params: Mapping[str, Any], owner: Any = None) -> bool:
        if self.view.escaped:
            return False
        if self.owner is not None and self.owner() is not owner:  # freed, and its id reused
            return False
        if self.view.read_all:
            return dict(dict.items(self.view)) == dict(params.items())
        return all(_seen(params, name) == seen for name, seen in self.view.read.items())


@dataclass
class MemoStore:
    """Entries of one step: key -> results for different parameter values (least recently used dropped)."""

    name: str
    size: int = 16
    entries: OrderedDict = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    hits: int = 0
    misses: int = 0

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return sum(len(found) for found in self.entries.values())


def remember(store: MemoStore, key: Hashable, compute: Callable[[Mapping[str, Any]], T],
             params: Mapping[str, Any], owner: Any = None) -> T:
    """`compute(params)`, or the kept result of an earlier call with the same `key` whose recorded parameters
    are the same in `params` (module docstring). `key` holds every other input of the step, by value; or
    `owner`, a read-only object (e.g. a shared baseline) the step reads, by identity without keeping it
    alive (only a weak reference is held)."""
    key = (key, id(owner)) if owner is not None else key
    with store.lock:
        for entry in store.entries.get(key, ()):
            if entry.fits(params, owner):
                store.entries.move_to_end(key)
                store.hits += 1
                return entry.result
        store.misses += 1
    view = RecordingParams(params)
    try:
        result = compute(view)
    finally:
        view.close()
    try:
        held = weakref.ref(owner) if owner is not None else None
    except TypeError:  # an owner that cannot be weakly referenced (a stand-in): nothing is kept
        return result
    with store.lock:
        found = store.entries.setdefault(key, [])
        found.insert(0, _Entry(result, view, held))
        del found[4:]  # a few parameter variants per key (e.g. sessions with different staffing plans)
        store.entries.move_to_end(key)
        while len(store.entries) > store.size:
            store.entries.popitem(last=False)
    return result


def content_key(*parts: Any) -> str:
    """A SHA-256 of `parts` by content: frames and series by their values, index, column names and dtypes;
    dicts by their sorted items; anything else by its repr (numbers exactly, via repr)."""
    digest = hashlib.sha256()

    def add(part: Any) -> None:
        if isinstance(part, (pd.DataFrame, pd.Series)):
            digest.update(b"F" if isinstance(part, pd.DataFrame) else b"S")
            columns = list(part.columns) if isinstance(part, pd.DataFrame) else [part.name]
            dtypes = list(part.dtypes) if isinstance(part, pd.DataFrame) else [part.dtype]
            digest.update(repr((columns, [str(d) for d in dtypes], len(part))).encode())
            digest.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
        elif isinstance(part, dict):
            digest.update(b"D")
            for name in sorted(part, key=repr):
                add(name)
                add(part[name])
        elif isinstance(part, (list, tuple)):
            digest.update(f"L{len(part)}".encode())
            for item in part:
                add(item)
        else:
            digest.update(f"{type(part).__name__}:{part!r}".encode())
        digest.update(b"\x1f")

    for part in parts:
        add(part)
    return digest.hexdigest()


class Same:
    """A key part that is `obj` itself, compared by identity (functions, classes: a stand-in is another
    computation); it holds `obj`, so its id is not reused while the key is kept."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any):
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other) -> bool:
        return isinstance(other, Same) and other.obj is self.obj
