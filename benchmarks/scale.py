"""Scale benchmark: the full single-council engine on a SYNTHETIC panel of councils x indicators, local and on
Dask.

    .venv/bin/python benchmarks/scale.py                          # 152 x 40 x 60 months, local then Dask
    .venv/bin/python benchmarks/scale.py --authorities 4          # a small version (160 series)
    .venv/bin/python benchmarks/scale.py --engine local           # one back-end only
    .venv/bin/python benchmarks/scale.py --growth                 # 25, 50, 100 and --authorities, local

The panel is synthetic (forecasting.data.panel.synthetic_panel: trend, August/December dips, noise), labelled
SYN..., not any council's data. Every authority is forecast by `forecasting.engine.distributed.run_panel`,
i.e. `run_forecast` with default settings (every candidate model that fits 60 months - AutoARIMA only where
the combination cannot run - the combination, the holiday check, the calibrated intervals): the engine
`forecast` uses. Local = `--jobs` worker processes (joblib); Dask = a LocalCluster of `--jobs`
single-threaded workers on 127.0.0.1; both take the authorities in PARTITIONS_PER_WORKER partitions per
worker. Times include starting the workers (and the cluster). With --jobs 1 --engine local everything runs
in this process, so its CPU time per series is the engine's own cost, whatever else the machine is doing.
Prints wall time, time per series, the CPU per series of this process and of the workers (local processes
and Dask workers alike: counted once they have ended), the load average of the machine over the run (other
work on a shared machine slows the wall time), the Dask / local ratio and peak memory (ru_maxrss) of this
process and of its child processes (the largest worker). tracemalloc is not used: it slowed the run ~3x.
Each back-end stops after --timeout-minutes (default 15) and says so, so `make scale` ends in bounded time.
"""
from __future__ import annotations

import argparse
import os
import resource
import time

os.environ.setdefault("PYTHONWARNINGS", "ignore::FutureWarning")  # dask workers: pandas deprecation noise

from forecasting.data.panel import synthetic_panel
from forecasting.engine.distributed import run_panel


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _reap_local_workers() -> None:
    """joblib's (loky) worker processes outlive the call; stop them so RUSAGE_CHILDREN counts their peak
    memory and CPU (without this the worker figures read 0: a child is counted only once it has ended)."""
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


def one_run(panel, engine: str, jobs: int, horizon: int, timeout: float | None = None) -> dict:
    started, cpu, children_cpu = time.perf_counter(), time.process_time(), _children_cpu()
    series, load_before = panel["unique_id"].nunique(), os.getloadavg()[0]
    try:
        result = run_panel(panel, horizon, engine=engine, n_jobs=jobs, timeout=timeout)
    except TimeoutError as exc:
        return {"series": series, "engine": engine, "jobs": jobs, "timeout": str(exc),
                "seconds": time.perf_counter() - started}
    finished, cpu = time.perf_counter(), time.process_time() - cpu
    # 1-minute load averages before and at the end of the run (at the end the run's own workers included)
    load = (load_before, os.getloadavg()[0])
    if engine == "local" and jobs > 1:
        _reap_local_workers()
    children_cpu = _children_cpu() - children_cpu
    chosen = result.backtest[result.backtest["chosen"]]
    return {
        "series": series,
        "engine": engine,
        "jobs": jobs,
        "seconds": finished - started,
        "ms_per_series": 1000 * (finished - started) / series,
        "cpu_ms_per_series": 1000 * cpu / series,  # this process only: the engine's own cost when jobs=1
        "worker_cpu_ms_per_series": 1000 * children_cpu / series,  # workers, counted once ended
        "load": load,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3,
        "peak_rss_children_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3,
        "chosen": chosen["model"].value_counts().to_dict(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--authorities", type=int, default=152)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--engine", choices=("local", "dask", "both"), default="both")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--horizon", type=int, default=21)
    parser.add_argument("--growth", action="store_true", help="25, 50, 100 and --authorities authorities")
    parser.add_argument("--timeout-minutes", type=float, default=15.0,
                        help="stop a back-end that takes longer than this (default 15)")
    args = parser.parse_args()
    sizes = sorted({25, 50, 100, args.authorities}) if args.growth else [args.authorities]
    engines = ("local", "dask") if args.engine == "both" else (args.engine,)
    print(
        "SYNTHETIC panel (not real data):",
        f"{args.indicators} indicators x {args.months} months per authority; full engine, horizon "
        f"{args.horizon}",
    )
    for authorities in sizes:
        panel = synthetic_panel(authorities, args.indicators, args.months)
        rows = {}
        for engine in engines:
            row = rows[engine] = one_run(panel, engine, args.jobs, args.horizon, 60 * args.timeout_minutes)
            if "timeout" in row:
                print(f"{row['series']:>6} series  {engine:>5} jobs={args.jobs}  stopped: {row['timeout']} "
                      f"(--timeout-minutes {args.timeout_minutes:g})", flush=True)
                continue
            print(
                f"{row['series']:>6} series  {row['engine']:>5} jobs={row['jobs']}  "
                f"{row['seconds']:.1f} s  ({row['ms_per_series']:.1f} ms/series; CPU in this process "
                f"{row['cpu_ms_per_series']:.0f} ms/series"
                + (f", in the workers {row['worker_cpu_ms_per_series']:.0f} ms/series"
                   if row["engine"] == "dask" or row["jobs"] > 1 else "")
                + f"; load average {row['load'][0]:.1f} before, {row['load'][1]:.1f} at the end, "
                  f"{os.cpu_count()} cores)  "
                f"peak RSS {row['peak_rss_mb']:.0f} MB  peak worker RSS {row['peak_rss_children_mb']:.0f} MB",
                flush=True,
            )
            print(f"        chosen models: {row['chosen']}", flush=True)
        if len(rows) == 2 and not any("timeout" in row for row in rows.values()):
            print(f"        Dask / local time: {rows['dask']['seconds'] / rows['local']['seconds']:.2f}x")


if __name__ == "__main__":
    main()
