"""Run one call in a forked child under a wall-clock and an address-space limit (tests of hostile input).

A hostile file must be refused quickly and cheaply; the failures seen were a frozen server and
gigabytes of memory. `run_bounded` tells "answered within the limits" from "froze" or "blew up" without
timing anything in the test process itself: the child is killed at the deadline, and its memory is capped
with RLIMIT_AS above what it had at the fork. Linux only (fork, /proc).
Returns (value, seconds, peak resident MB of the child).
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import time
import traceback


class LimitExceeded(AssertionError):
    """The call ran past its time limit or its memory limit."""


def _virtual_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def run_bounded(func, *args, seconds: float = 20.0, memory_mb: int = 1000, **kwargs):
    """func(*args, **kwargs) in a child process; LimitExceeded past `seconds` or `memory_mb` more memory."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        status = 0
        try:
            os.close(read_end)
            limit = _virtual_bytes() + memory_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            try:
                payload = ("ok", func(*args, **kwargs))
            except MemoryError:
                payload = ("memory", None)
            except BaseException as exc:  # noqa: BLE001  reported to the parent, which re-raises it there
                payload = ("raised", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
            data = pickle.dumps(payload)
            view = memoryview(data)
            while view:
                written = os.write(write_end, view)
                view = view[written:]
        except BaseException:  # noqa: BLE001  the child must never return into pytest
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    start = time.monotonic()
    chunks = []
    try:
        while True:
            left = seconds - (time.monotonic() - start)
            if left <= 0:
                os.kill(pid, signal.SIGKILL)
                raise LimitExceeded(f"still running after {seconds:g} s (killed)")
            ready, _, _ = select.select([read_end], [], [], left)
            if ready:
                chunk = os.read(read_end, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
        _, _, usage = os.wait4(pid, 0)
    elapsed = time.monotonic() - start
    peak_mb = usage.ru_maxrss / 1024
    if not chunks:
        raise LimitExceeded(f"the child died without an answer after {elapsed:.1f} s (memory limit?)")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "memory":
        raise LimitExceeded(f"needed more than {memory_mb} MB more memory (after {elapsed:.1f} s)")
    if kind == "raised":
        raise AssertionError(f"raised instead of answering: {value}")
    return value, elapsed, peak_mb
