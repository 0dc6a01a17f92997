"""Speed of the forecasting engine on the whole embedded data set (prints figures; no assertions).

Cold = a new Python process (imports, data load, back-test and forecast, no cache).
Warm = the same work again inside one process (imports done), without the cache, then with it.
Reference = the same runs with only the Naive model, so the ratio shows what model choice costs.
Targets (issue 4): whole embedded set warm < 5 s, cold < 20 s on 2 cores.

    .venv/bin/python benchmarks/forecast_speed.py [--repeats 3]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLD_SCRIPT = r"""
import json, sys, time
start = time.perf_counter()
from forecasting import load_dataset
from forecasting.engine.forecast import ForecastSettings, run_forecast
imported = time.perf_counter()
dataset = load_dataset()
loaded = time.perf_counter()
models = tuple(sys.argv[1].split(",")) if sys.argv[1] else None
settings = ForecastSettings(models=models) if models else ForecastSettings()
result = run_forecast(dataset, settings=settings, use_cache=False)
done = time.perf_counter()
print(json.dumps({"import": imported - start, "load": loaded - imported, "forecast": done - loaded,
                  "total": done - start, "series": len(dataset.indicator_codes)}))
"""


def cold(models: str) -> dict:
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-c", COLD_SCRIPT, models], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if process.returncode != 0:
        raise SystemExit(f"cold run failed:\n{process.stderr[-2000:]}")
    figures = json.loads(process.stdout.strip().splitlines()[-1])
    figures["process"] = time.perf_counter() - started  # includes interpreter start-up
    return figures


def warm(models: str, repeats: int) -> dict:
    from forecasting import load_dataset
    from forecasting.engine.forecast import ForecastSettings, run_forecast

    settings = ForecastSettings(models=tuple(models.split(","))) if models else ForecastSettings()
    load_times, run_times = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        dataset = load_dataset()
        load_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        run_forecast(dataset, settings=settings, use_cache=False)
        run_times.append(time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as folder:
        run_forecast(dataset, settings=settings, cache_dir=folder)
        start = time.perf_counter()
        run_forecast(dataset, settings=settings, cache_dir=folder)
        cached = time.perf_counter() - start
    return {"load": min(load_times), "forecast": min(run_times), "cached": cached,
            "series": len(dataset.indicator_codes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm repeats (the fastest is reported)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    rows = []
    for label, models in (("all candidates", ""), ("naive only", "Naive")):
        c = cold(models)
        w = warm(models, args.repeats)
        rows.append((label, c, w))
        print(
            f"{label:15s} cold: process {c['process']:.2f} s (import {c['import']:.2f}, "
            f"load {c['load']:.2f}, back-test+forecast {c['forecast']:.2f}) | warm: load {w['load']:.2f} s, "
            f"back-test+forecast {w['forecast']:.2f} s "
            f"({1000 * w['forecast'] / w['series']:.0f} ms per series over {w['series']}), "
            f"from cache {w['cached']:.3f} s"
        )
    full, naive = rows[0], rows[1]
    print(f"ratio all/naive: warm {full[2]['forecast'] / naive[2]['forecast']:.1f}x, "
          f"cold {full[1]['process'] / naive[1]['process']:.1f}x")
    warm_total = full[2]["load"] + full[2]["forecast"]
    print(f"targets: warm {warm_total:.2f} s (< 5 s: {'met' if warm_total < 5 else 'NOT met'}), "
          f"cold {full[1]['process']:.2f} s (< 20 s: {'met' if full[1]['process'] < 20 else 'NOT met'})")


if __name__ == "__main__":
    main()
