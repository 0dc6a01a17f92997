"""Shared by the real-browser tests: a headless `streamlit run app.py` on 127.0.0.1, Debian's Chromium driven
by Playwright, and a page opener that waits until Streamlit has finished drawing (and says how long it took).

Used by tests/app/conftest.py (the `server` fixture) and benchmarks/app_load.py.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HEALTHY_WITHIN_SECONDS = 90
DRAWN_WITHIN_MS = 180_000  # generous: the test machine is shared


def chromium_present() -> bool:
    return Path(CHROMIUM).exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(env: dict[str, str] | None = None, log: Path | None = None
                     ) -> Iterator[tuple[str, subprocess.Popen]]:
    """(url, process) of `streamlit run app.py` on a free local port; stopped (its own process only) on exit.
    The server's output goes to `log` when given (the full text of an error the page shows redacted).
    RuntimeError when it is not healthy within HEALTHY_WITHIN_SECONDS."""
    port = free_port()
    output = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115  closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         # no reloading of edited modules mid-run: a reloaded class is not the class of cached objects
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + HEALTHY_WITHIN_SECONDS
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.time() > deadline or process.poll() is not None:
                    raise RuntimeError(f"streamlit did not become healthy within {HEALTHY_WITHIN_SECONDS} s"
                                       ) from None
                time.sleep(0.5)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if log:
            output.close()


IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
BUSY = '[data-testid="stApp"]:not([data-test-script-state="notRunning"])'


def wait_drawn(page, title: str | None = None, timeout: int = DRAWN_WITHIN_MS) -> None:
    """Until the page's heading is shown, the app says its script has stopped running (Streamlit's own
    `data-test-script-state`), no placeholder is left and the charts are drawn."""
    if title:
        page.get_by_role("heading", name=title).first.wait_for(timeout=timeout)
    page.locator(IDLE).wait_for(timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout)
    if page.locator('[data-testid="stPlotlyChart"]').count():
        page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=timeout)


def open_page(page, url: str, title: str) -> float:
    """Load `url` in a new session and wait until it is drawn; seconds taken."""
    started = time.perf_counter()
    page.goto(url)
    wait_drawn(page, title)
    return time.perf_counter() - started


def switch_page(page, link: str, title: str) -> float:
    """Click a sidebar link (same session, as a user does) and wait until the page is drawn; seconds taken."""
    started = time.perf_counter()
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=link).first.click()
    with contextlib.suppress(Exception):  # the page's script starts at once; allow a moment to see it
        page.locator(BUSY).wait_for(timeout=1000)
    wait_drawn(page, title)
    return time.perf_counter() - started


def rerun_done(page, timeout: int = DRAWN_WITHIN_MS) -> None:
    """After an interaction: wait for the rerun it triggers to start (briefly) and to finish."""
    with contextlib.suppress(Exception):  # a quick rerun may be over before it is seen
        page.locator(BUSY).wait_for(timeout=1000)
    wait_drawn(page, timeout=timeout)


def server_memory_mb(pid: int) -> float:
    """Resident memory of the server process and its children (MB), from /proc (Linux)."""
    total = 0
    pids = [pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    for one in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def server_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system, all threads) the server process has used so far, from /proc (Linux)."""
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def wait_server_idle(pid: int, limit: float = 180.0, busy: float = 0.1) -> float:
    """Until the server uses less than `busy` CPU seconds a second over two seconds (its background work,
    ui/precompute.py, is done), at most `limit` seconds; seconds waited."""
    started = time.perf_counter()
    before = server_cpu_seconds(pid)
    while time.perf_counter() - started < limit:
        time.sleep(2.0)
        now = server_cpu_seconds(pid)
        if now - before < 2.0 * busy:
            break
        before = now
    return time.perf_counter() - started
