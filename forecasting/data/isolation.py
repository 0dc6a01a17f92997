"""Reading an upload in a worker process with a time and a memory limit, so one file cannot stall the server.

The app serves every user from one process; a reader that ran for a minute or took gigabytes there would
freeze everyone. `run_isolated(func, *args)` runs `func` in a child of a fork server (a clean process
started once, with the readers already imported, so each child starts in milliseconds) under:
- UPLOAD_SECONDS (PANEL_SECONDS for a many-authority file) of wall-clock time (the child is killed
  when it runs past it);
- UPLOAD_MEMORY_MB of address space above what the child starts with (RLIMIT_AS: an allocation past it
  fails inside the child, never in the server).
When a limit is hit the caller gets `ReadingLimit`, whose message says which limit and what to do, in plain
words. `load_upload_isolated` and `panel_isolated` are the two readers the app calls this way; both return
what the plain readers return (a report with the limit as a located error, rather than raising).
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import sys
import threading
import types
from typing import Any

from forecasting.data.validation import ValidationReport

log = logging.getLogger(__name__)

UPLOAD_SECONDS = 60.0  # one council's scorecard (10 MB at most) reads in seconds
PANEL_SECONDS = 300.0  # a national panel (364,800 rows) was read in 132 s on a busy 2-core machine
UPLOAD_MEMORY_MB = 2000  # that panel peaked at 456 MB while it was read
_PRELOAD = ["forecasting.data.upload", "forecasting.data.panel"]
_context: Any = None
_START_LOCK = threading.Lock()
_PLAIN_MAIN = types.ModuleType("__main__")  # stands in for __main__ while a worker starts

__all__ = [
    "PANEL_SECONDS",
    "UPLOAD_MEMORY_MB",
    "UPLOAD_SECONDS",
    "ReadingLimit",
    "load_upload_isolated",
    "panel_isolated",
    "run_isolated",
]


class ReadingLimit(Exception):
    """Reading a file hit the time or memory limit of its worker process."""


def _fork_server():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(_PRELOAD)
    return _context


def _virtual_bytes() -> int:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(connection, memory_mb: int, func, args, kwargs) -> None:
    try:
        limit = _virtual_bytes() + memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        outcome = ("ok", func(*args, **kwargs))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:  # noqa: BLE001  handed to the server, which re-raises it there
        outcome = ("raised", exc)
    try:
        connection.send(outcome)
    except MemoryError:
        connection.send(("memory", None))
    connection.close()


def run_isolated(func, *args, seconds: float = UPLOAD_SECONDS, memory_mb: int = UPLOAD_MEMORY_MB, **kwargs):
    """func(*args, **kwargs) in a worker process; ReadingLimit past `seconds` or `memory_mb` more memory.

    `func` and its arguments must be picklable (module-level functions, bytes, data frames).
    """
    context = _fork_server()
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_child, args=(sender, memory_mb, func, args, kwargs), daemon=True)
    with _START_LOCK:  # the child must not re-run __main__ (under Streamlit that is the page script)
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = _PLAIN_MAIN
        try:
            worker.start()
        finally:
            if main is not None:
                sys.modules["__main__"] = main
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise ReadingLimit(
                f"reading the file took longer than {seconds:g} seconds, the limit for one file"
            )
        try:
            kind, value = receiver.recv()
        except EOFError:  # the worker died without an answer: killed for memory, or crashed
            worker.join(5)
            kind, value = "died", worker.exitcode
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join(5)
    if kind == "memory":
        raise ReadingLimit(
            f"reading the file needed more than {memory_mb:,} MB of memory, the limit for one file"
        )
    if kind == "died":
        raise ReadingLimit(
            f"the process reading the file stopped without an answer (exit code {value}); the "
            f"likeliest cause is memory beyond the limit of {memory_mb:,} MB"
        )
    if kind == "raised":
        raise value
    return value


def _limit_report(name: str, limit: ReadingLimit) -> ValidationReport:
    report = ValidationReport(source=name)
    report.error(
        f"The file was not read: {limit}",
        "Upload only the data table (delete other sheets, images and formatted blank rows) or save it "
        "as CSV; for many councils, upload one file per authority.",
        code="reading_limit",
        file=name,
    )
    return report


def load_upload_isolated(name: str, content: bytes, **options):
    """`upload.load_upload` in a worker process: (Dataset | None, report); a limit hit is a located error."""
    from forecasting.data.upload import load_upload

    try:
        return run_isolated(load_upload, name, content, **options)
    except ReadingLimit as limit:
        log.warning("upload %s stopped: %s", name, limit)
        return None, _limit_report(name, limit)


def panel_isolated(name: str, content: bytes, **options):
    """`panel.panel_from_long_file` in a worker process; a limit hit is the file's report."""
    from forecasting.data.panel import FILE_KEY, Panel, panel_from_long_file

    try:
        return run_isolated(panel_from_long_file, name, content, seconds=PANEL_SECONDS, **options)
    except ReadingLimit as limit:
        log.warning("multi-authority upload %s stopped: %s", name, limit)
        return Panel({}, {FILE_KEY: _limit_report(name, limit)})
