"""Load probe for the app (issue 16 part 6): N concurrent headless Chromium sessions against one local
`streamlit run app.py` on 127.0.0.1, each doing what a user does; prints p50/p95 per interaction and the
server's memory.

Each session, after one warm-up session that is not counted (the first forecast of the data set) and once
the server has finished the background work it starts then (ui/precompute.py; a warm server):
  1. first page: open Overview in a new session and wait until it is drawn;
  2. page switch: click "Scenarios" in the sidebar (same session) and wait until drawn;
  3. slider: move the first lever of the "Edge of care" tab five steps and wait for the redraw;
  then `--rounds` - 1 more rounds of page switch (Overview and back) and slider.

Bounded: at most MAX_SESSIONS sessions, and the whole probe stops after --max-seconds (unfinished
interactions are reported as timed out, never waited for). The server runs with the machine's other load:
the load average is printed with the figures. Not part of `make test`.

    .venv/bin/python benchmarks/app_load.py --sessions 3          # quick
    .venv/bin/python benchmarks/app_load.py                       # 10 sessions x 3 rounds
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "app"))
from browser_support import (  # noqa: E402  (the tests' server and browser helpers, one copy)
    CHROMIUM,
    CHROMIUM_FLAGS,
    chromium_present,
    server_cpu_seconds,
    server_memory_mb,
    streamlit_server,
    wait_server_idle,
)

log = logging.getLogger("app_load")
MAX_SESSIONS = 20
STEP_TIMEOUT_MS = 300_000
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
BUSY = '[data-testid="stApp"]:not([data-test-script-state="notRunning"])'


async def _drawn(page, title: str | None = None) -> None:
    if title:
        await page.get_by_role("heading", name=title).first.wait_for(timeout=STEP_TIMEOUT_MS)
    await page.locator(IDLE).wait_for(timeout=STEP_TIMEOUT_MS)
    await page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')",
                                 timeout=STEP_TIMEOUT_MS)
    if await page.locator('[data-testid="stPlotlyChart"]').count():
        await page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=STEP_TIMEOUT_MS)


async def _rerun(page) -> None:
    with contextlib.suppress(Exception):  # a quick rerun may be over before it is seen
        await page.locator(BUSY).wait_for(timeout=1000)
    await _drawn(page)


async def _switch(page, link: str, title: str) -> float:
    started = time.perf_counter()
    await page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=link).first.click()
    with contextlib.suppress(Exception):  # the page's script starts at once; allow a moment to see it
        await page.locator(BUSY).wait_for(timeout=1000)
    await _drawn(page, title)
    return time.perf_counter() - started


async def _slider(page, direction: str) -> float:
    group = page.get_by_role("radio", name="Edge of care").first  # the levers' group (segmented control)
    if await group.get_attribute("aria-checked") != "true":
        await group.click()
        await _rerun(page)
    slider = page.get_by_role("slider").first  # the group's first lever: the page's first slider
    await slider.focus()
    started = time.perf_counter()
    for _ in range(5):
        await page.keyboard.press(direction)
    await _rerun(page)
    return time.perf_counter() - started


async def session(browser, url: str, rounds: int, timings: dict[str, list[float]]) -> None:
    """One user's visit; each finished interaction's seconds appended to `timings`."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    try:
        started = time.perf_counter()
        await page.goto(url)
        await _drawn(page, "Overview")
        timings["first page"].append(time.perf_counter() - started)
        for number in range(rounds):
            if number:
                timings["page switch"].append(await _switch(page, "Overview", "Overview"))
            timings["page switch"].append(await _switch(page, "Scenarios", "Scenarios"))
            timings["slider"].append(await _slider(page, "ArrowRight" if number % 2 == 0 else "ArrowLeft"))
        if await page.locator('[data-testid="stException"]').count():
            timings["errors"].append(1.0)
    finally:
        await context.close()


def browser_cpu_seconds() -> float:
    """CPU seconds (user + system) used so far by the Chromium processes this probe started (its descendants,
    with the children they have reaped), from /proc (Linux): the browsers' share of the cores, beside the
    server's."""
    me, ticks, total = str(os.getpid()), os.sysconf("SC_CLK_TCK"), 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if b"chrom" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            parent = pid
            for _ in range(8):  # Chromium's renderers are a few levels below the probe
                parent = Path(f"/proc/{parent}/stat").read_text().rsplit(")", 1)[1].split()[1]
                if parent == me:  # its own CPU and that of its children it has reaped (closed tabs)
                    total += sum(int(value) for value in fields[11:15]) / ticks
                    break
                if parent in ("0", "1"):
                    break
    return total


def _memory_sampler(pid: int, samples: list[float], stop: threading.Event) -> None:
    while not stop.is_set():
        samples.append(server_memory_mb(pid))
        stop.wait(0.5)


async def probe(url: str, sessions: int, rounds: int, max_seconds: float, pid: int) -> dict[str, list[float]]:
    from playwright.async_api import async_playwright

    timings: dict[str, list[float]] = {"first page": [], "page switch": [], "slider": [], "errors": []}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            warm: dict[str, list[float]] = {"first page": [], "page switch": [], "slider": [], "errors": []}
            started = time.perf_counter()
            await asyncio.wait_for(session(browser, url, 1, warm), timeout=max_seconds)
            print(f"warm-up session (not counted): first page {warm['first page'][0]:.1f} s, "
                  f"whole visit {time.perf_counter() - started:.1f} s")
            # a warm server: the other pages' tables worked out in the background (ui/precompute.py)
            waited = await asyncio.to_thread(wait_server_idle, pid)
            print(f"server busy with its background work for {waited:.0f} s more after the warm-up visit")
            cpu, chrome, wall = server_cpu_seconds(pid), browser_cpu_seconds(), time.perf_counter()
            tasks = [asyncio.create_task(session(browser, url, rounds, timings)) for _ in range(sessions)]
            done, pending = await asyncio.wait(tasks, timeout=max_seconds)
            cpu, wall = server_cpu_seconds(pid) - cpu, time.perf_counter() - wall
            chrome = browser_cpu_seconds() - chrome
            # the server's own work, whatever the browsers on the same cores take: CPU seconds per interaction
            count = sum(len(timings[name]) for name in ("first page", "page switch", "slider"))
            print(f"server CPU during the sessions: {cpu:.1f} s in {wall:.0f} s "
                  f"({cpu / max(count, 1):.2f} s per interaction, {count} interactions)")
            print(f"browser CPU (the headless Chromium drawing the pages, same cores): {chrome:.1f} s "
                  f"({chrome / max(count, 1):.2f} s per interaction); load average {os.getloadavg()[0]:.1f}")
            for task in pending:
                task.cancel()
            for task in done:
                if task.exception() is not None:
                    log.warning("a session failed: %s", str(task.exception()).splitlines()[0])
                    timings["errors"].append(1.0)
            if pending:
                print(f"{len(pending)} session(s) unfinished after {max_seconds:g} s (stopped)")
        finally:
            await browser.close()
    return timings


def report(timings: dict[str, list[float]], memory: list[float], sessions: int, rounds: int) -> None:
    load = os.getloadavg()
    print(f"\n{sessions} concurrent sessions x {rounds} round(s); machine load average {load[0]:.1f} "
          f"(1 min) on {os.cpu_count()} cores")
    print(f"{'interaction':14} {'n':>4} {'p50 s':>8} {'p95 s':>8} {'max s':>8}")
    for name in ("first page", "page switch", "slider"):
        values = np.array(timings[name])
        if len(values):
            p50, p95 = np.percentile(values, 50), np.percentile(values, 95)
            print(f"{name:14} {len(values):4d} {p50:8.2f} {p95:8.2f} {values.max():8.2f}")
        else:
            print(f"{name:14} {0:4d} {'-':>8} {'-':>8} {'-':>8}")
    print(f"sessions with an error or exception: {len(timings['errors'])}")
    if memory:
        print(f"server memory (RSS, server and its worker processes): start {memory[0]:.0f} MB, "
              f"peak {max(memory):.0f} MB, end {memory[-1]:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10, help=f"concurrent sessions (1-{MAX_SESSIONS})")
    parser.add_argument("--rounds", type=int, default=3, help="page switch + slider rounds per session")
    parser.add_argument("--max-seconds", type=float, default=900, help="stop the probe after this long")
    args = parser.parse_args(argv)
    if not 1 <= args.sessions <= MAX_SESSIONS or not 1 <= args.rounds <= 10:
        parser.error(f"--sessions must be 1-{MAX_SESSIONS} and --rounds 1-10")
    if not chromium_present():
        print(f"Chromium not found at {CHROMIUM}: install it (make browser-deps)")
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    with tempfile.TemporaryDirectory() as cache, \
            streamlit_server(env={"FORECASTING_CACHE_DIR": cache, "FORECASTING_APP_PRECOMPUTE": "1"}) as (
                url, process):  # a private forecast cache; the pages worked out in the background
        memory: list[float] = []
        stop = threading.Event()
        sampler = threading.Thread(target=_memory_sampler, args=(process.pid, memory, stop), daemon=True)
        sampler.start()
        try:
            timings = asyncio.run(probe(url, args.sessions, args.rounds, args.max_seconds, process.pid))
        finally:
            stop.set()
            sampler.join(timeout=2)
    report(timings, memory, args.sessions, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
