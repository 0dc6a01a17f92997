"""Validation speed of a many-authority long file: reading and checking a national-size SYNTHETIC panel.

    .venv/bin/python benchmarks/panel_validation.py                  # 152 authorities x 40 x 60 months
    .venv/bin/python benchmarks/panel_validation.py --authorities 20 # a quick look

Writes the panel as one long CSV (authority, indicator, month, value: 152 x 40 x 60 = 364,800 rows, the
national case of issue 18) to a temporary folder, then times, each in a fresh process so that peak memory
(ru_maxrss) belongs to that step alone:
- `load_panel(file)`: what `python -m forecasting panel --data FILE` does before forecasting (peak memory
  also as the rise above the process's peak after its imports);
- `python -m forecasting data check FILE`: the whole command, start-up included.
The panel is `forecasting.data.panel.synthetic_panel` (labelled SYN..., not any council's data). CPU time
is printed beside wall time: on a shared machine the wall time can be several times the CPU time.
To time an older version, run from a folder without a `forecasting` package, with PYTHONPATH pointing at the
older package (e.g. `git archive f0f31f5 forecasting data | tar -x -C /tmp/before`): the timed steps run with
`python -c`, which puts the current folder first on the import path.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

LOAD_STEP = """
import resource, sys, time
started = time.perf_counter()
from forecasting.data.panel import load_panel
imported = time.perf_counter()
cpu_imported = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
rss_imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
panel = load_panel(sys.argv[1])
done = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(len(panel.datasets), len(panel.reports), done - imported, rss_imported, usage.ru_maxrss / 1e3,
      usage.ru_utime + usage.ru_stime - cpu_imported)
"""

CHECK_STEP = """
import resource, runpy, sys
sys.argv = ["forecasting", "data", "check", sys.argv[1]]
try:
    runpy.run_module("forecasting", run_name="__main__")
except SystemExit as stop:
    code = stop.code
usage = resource.getrusage(resource.RUSAGE_SELF)
print(f"peak {usage.ru_maxrss / 1e3} exit {code} cpu {usage.ru_utime + usage.ru_stime}")
"""

def write_panel(path: Path, authorities: int, indicators: int, months: int) -> int:
    from forecasting.data.panel import split_ids, synthetic_panel

    panel = synthetic_panel(authorities, indicators, months)
    ids = split_ids(panel["unique_id"])
    long = pd.DataFrame({"authority": ids["authority"], "indicator": ids["indicator"],
                         "month": panel["ds"].dt.strftime("%Y-%m"), "value": panel["y"]})
    long.to_csv(path, index=False)
    return len(long)


def _run(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", *args], check=True, capture_output=True, text=True)
    return done.stdout.split()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--authorities", type=int, default=152)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "panel.csv"
        rows = write_panel(file, args.authorities, args.indicators, args.months)
        print(f"SYNTHETIC panel (not real data): {args.authorities} authorities x {args.indicators} "
              f"indicators x {args.months} months = {rows:,} rows, {file.stat().st_size / 1e6:.1f} MB as CSV")
        out = _run(LOAD_STEP, str(file))
        kept, refused = int(out[0]), int(out[1])
        seconds, baseline, peak, cpu = float(out[2]), float(out[3]), float(out[4]), float(out[5])
        print(f"load_panel:  {seconds:6.1f} s wall, {cpu:6.1f} s CPU; peak memory {peak:,.0f} MB "
              f"({peak - baseline:,.0f} MB above the {baseline:,.0f} MB after the imports); "
              f"{kept} authorities kept, {refused} refused")
        started = time.perf_counter()
        check = subprocess.run([sys.executable, "-c", CHECK_STEP, str(file)], capture_output=True, text=True)
        wall = time.perf_counter() - started
        lines = check.stdout.strip().splitlines() or [""]
        _, peak_text, _, code, _, cpu_text = lines[-1].split()
        said = lines[-2][:80] if len(lines) > 1 else ""
        print(f"data check:  {wall:6.1f} s wall, {float(cpu_text):6.1f} s CPU; peak memory "
              f"{float(peak_text):,.0f} MB (whole command, start-up included, exit {code}); said: {said}")


if __name__ == "__main__":
    main()
