"""`python -m forecasting targets ...`: every target's projected value, interval, P(met) and RAG as CSV or
XLSX.

  python -m forecasting targets --data PATH [--scenario FILE.yaml] --out targets.csv [--format xlsx]
                                [--benchmarks benchmarks.csv] [--headlines headlines.csv] [--no-cache]
                                [--headers words|codes]

Columns: indicator, period, target, projected, lo95, hi95, probability_met, rag, then basis, target_date, gap,
polarity, explanation (a CSV; an XLSX has them in words with units, --headers chooses). Read from the
same projection as the app (forecasting.planning.scenarios.project): the
engine's baseline, or the scenario applied to it; rules in forecasting.planning.targets.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from forecasting.cli.forecast import HEADERS, HEADERS_HELP
from forecasting.data import load_data_option
from forecasting.engine.forecast import run_forecast
from forecasting.errors import UserFacingError
from forecasting.planning.headlines import headline_table
from forecasting.planning.scenarios import load_scenario, project
from forecasting.planning.targets import compare_benchmarks, evaluate_targets

FORMATS = ("csv", "xlsx")
OUTPUT_COLUMNS = ["indicator", "period", "target", "projected", "lo95", "hi95", "probability_met", "rag"]


def register(subparsers) -> None:
    parser = subparsers.add_parser("targets", help="projected value, P(met) and RAG for every target")
    parser.add_argument("--data", help="data set folder or CSV/XLSX file (default: the embedded data set)")
    parser.add_argument("--scenario", help="scenario YAML file (default: the statistical baseline)")
    parser.add_argument("--out", required=True, help="file to write (.csv or .xlsx)")
    parser.add_argument("--format", choices=FORMATS, help="output format (default: from --out, else csv)")
    parser.add_argument("--headers", choices=HEADERS, help=HEADERS_HELP)
    parser.add_argument("--benchmarks", help="also write the comparison with benchmarks to this file")
    parser.add_argument(
        "--headlines", help="also write the headline measures (as on the Overview page) to this file"
    )
    parser.add_argument("--no-cache", action="store_true", help="recompute the forecasts even if cached")
    parser.add_argument("--staffing", help="staffing plan sheet (CSV/XLSX) the scenario's workforce levers "
                        "act on (default: the shipped plan)")
    parser.set_defaults(handler=run_targets_command)


def _write(frame: pd.DataFrame, out: Path, fmt: str | None, sheet: str, headers: str | None = None) -> None:
    from forecasting.reports.exports import write_table

    frame = frame.copy()
    xlsx = (fmt or ("xlsx" if out.suffix.lower() == ".xlsx" else "csv")) == "xlsx"
    for column in ("target_date", "projected_month"):
        if column in frame:  # dates in an XLSX; YYYY-MM-DD text in a CSV (the documented layout)
            dates = pd.to_datetime(frame[column])
            frame[column] = dates if xlsx else dates.dt.strftime("%Y-%m-%d")
    write_table(frame, out, fmt, sheet, headers=headers)
    print(f"wrote {len(frame)} rows to {out}", file=sys.stderr)


def run_targets_command(args: argparse.Namespace) -> int:
    out = Path(args.out)
    for path in [out] + [Path(p) for p in (args.benchmarks, args.headlines) if p]:
        if not path.parent.exists():
            raise UserFacingError(
                f"{path}: the folder {path.parent} does not exist. Create it or choose another."
            )
    from forecasting.cli.scenario import staffing_parameters

    params = staffing_parameters(getattr(args, "staffing", None))   # check the plan before the forecast
    dataset = load_data_option(args.data)
    if dataset.targets is None or dataset.targets.empty:
        raise UserFacingError(
            f"{dataset.source or 'the data'} has no targets (targets.csv); nothing to evaluate."
        )
    print(f"forecasting {len(dataset.indicator_codes)} indicators...", file=sys.stderr, flush=True)
    result = run_forecast(dataset, use_cache=not args.no_cache)
    scenario = load_scenario(args.scenario) if args.scenario else None
    if scenario is not None:
        print(f"applying scenario {args.scenario}", file=sys.stderr)
    projection = project(dataset, result, scenario, params)
    table = evaluate_targets(projection)
    table = table[OUTPUT_COLUMNS + [c for c in table.columns if c not in OUTPUT_COLUMNS]]
    headers = getattr(args, "headers", None)
    _write(table, out, args.format, "targets", headers)
    if args.benchmarks:
        _write(compare_benchmarks(projection), Path(args.benchmarks), None, "benchmarks", headers)
    if args.headlines:
        _write(headline_table(projection, table), Path(args.headlines), None, "headlines", headers)
    return 0
