"""Per-case time and memory limits for the fuzz suite, checked in the test process (cheap enough per case).

Time: an interval timer raises `CaseTookTooLong` (a BaseException, so the readers' `except Exception` guards
cannot swallow it) when one case runs past its limit; Python's regex engine and most C loops check for it.
Memory: the process's address space is capped for the duration of a case (RLIMIT_AS at what it had plus the
allowance), so a blow-up raises MemoryError inside the reader, which the test then sees as an unexpected
failure; the peak resident size after the case is reported as well.
"""

from __future__ import annotations

import resource
import signal
import time
from contextlib import contextmanager

CASE_SECONDS = 20.0
CASE_MEMORY_MB = 1500
STATS: dict[str, dict[str, float]] = {}


class CaseTookTooLong(BaseException):
    """One fuzz case ran past CASE_SECONDS."""


def _virtual_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _alarm(_signum, _frame):
    raise CaseTookTooLong(f"a case ran past {CASE_SECONDS:g} s")


@contextmanager
def limited(reader: str):
    """Run one case under the limits; record count, total and slowest time per reader in STATS."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _virtual_bytes() + CASE_MEMORY_MB * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
    start = time.perf_counter()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, previous)
        elapsed = time.perf_counter() - start
        stats = STATS.setdefault(reader, {"cases": 0, "seconds": 0.0, "slowest": 0.0, "peak_mb": 0.0})
        stats["cases"] += 1
        stats["seconds"] += elapsed
        stats["slowest"] = max(stats["slowest"], elapsed)
        stats["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
