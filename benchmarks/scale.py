"""Scale benchmark: back-test and forecast a SYNTHETIC panel of councils x indicators, local and on Dask.

    .venv/bin/python benchmarks/scale.py                       # 152 x 40 x 60 months, local, 2 jobs
    .venv/bin/python benchmarks/scale.py --engine dask         # same on a LocalCluster (127.0.0.1)
    .venv/bin/python benchmarks/scale.py --growth              # 1k, 2k, 4k, 6k series, local

The panel is synthetic (forecasting.data.panel.synthetic_panel: trend, August/December dips, noise), labelled
SYN..., not any council's data. Prints wall times, time per series and peak memory (ru_maxrss) of this
process and of its worker processes. (tracemalloc is not used: it slowed the run about 3x.)
"""
from __future__ import annotations

import argparse
import os
import resource
import time

os.environ.setdefault("PYTHONWARNINGS", "ignore::FutureWarning")  # dask workers: pandas deprecation noise

from forecasting.data.panel import synthetic_panel
from forecasting.engine.distributed import run_panel


def one_run(
    n_authorities: int, n_indicators: int, n_months: int, engine: str, jobs: int, horizon: int
) -> dict:
    started = time.perf_counter()
    panel = synthetic_panel(n_authorities, n_indicators, n_months)
    loaded = time.perf_counter()
    result = run_panel(panel, horizon, engine=engine, n_jobs=jobs)
    finished = time.perf_counter()
    series = panel["unique_id"].nunique()
    return {
        "series": series,
        "engine": engine,
        "jobs": jobs,
        "generate_s": loaded - started,
        "backtest_and_forecast_s": finished - loaded,
        "ms_per_series": 1000 * (finished - loaded) / series,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
        "peak_rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3,
        "chosen": result.backtest[result.backtest["chosen"]]["model"].value_counts().to_dict(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--authorities", type=int, default=152)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--horizon", type=int, default=21)
    parser.add_argument("--growth", action="store_true", help="1k, 2k, 4k and 6k series")
    args = parser.parse_args()
    sizes = [25, 50, 100, args.authorities] if args.growth else [args.authorities]
    print(
        "SYNTHETIC panel (not real data):",
        f"{args.indicators} indicators x {args.months} months per authority",
    )
    for authorities in sizes:
        row = one_run(authorities, args.indicators, args.months, args.engine, args.jobs, args.horizon)
        print(
            f"{row['series']:>6} series  {row['engine']:>5} jobs={row['jobs']}  "
            f"generate {row['generate_s']:.1f} s  back-test+forecast {row['backtest_and_forecast_s']:.1f} s  "
            f"({row['ms_per_series']:.1f} ms/series)  "
            f"peak RSS {row['peak_rss_mb']:.0f} MB  peak worker RSS {row['peak_rss_children_mb']:.0f} MB"
        )
        print(f"        chosen models: {row['chosen']}")


if __name__ == "__main__":
    main()
