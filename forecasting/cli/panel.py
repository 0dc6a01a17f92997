"""`python -m forecasting panel`: back-test and forecast many authorities at once, locally or on Dask.

Every table goes out through `reports.exports.write_table` (CSV, or XLSX for a name ending .xlsx), so an
authority or indicator name that looks like a spreadsheet formula is written as text, never evaluated. A CSV
has the column names (authority,indicator,month,...), an XLSX headers in words; --headers chooses.
"""
from __future__ import annotations

from forecasting.errors import UserFacingError

FLOAT_FORMAT = "%.4g"  # CSV numbers to 4 significant figures: forecasts are not more precise than that


def register(subparsers) -> None:
    panel = subparsers.add_parser("panel", help="forecast many authorities at once (local or Dask)")
    panel.add_argument("--data", required=True,
                       help="a folder with one CSV/XLSX per authority, or one long file with an authority "
                            "column")
    panel.add_argument("--engine", choices=("local", "dask"), default="local")
    panel.add_argument("--scheduler",
                       help="Dask scheduler address (tcp://host:8786); default: a local cluster")
    panel.add_argument("--jobs", type=int, default=2,
                       help="processes (local) or workers (local Dask cluster)")
    panel.add_argument("--horizon", type=int, default=21)
    panel.add_argument("--reference-side-tables", action="store_true",
                       help="give every authority the reference council's targets, benchmarks and population "
                            "(only when that is what you mean; by default each authority has only its own)")
    panel.add_argument("--out", required=True,
                       help="forecasts file (CSV, or XLSX if it ends .xlsx): authority, indicator, month, "
                            "model, mean, lo80..hi95")
    panel.add_argument("--headers", choices=("codes", "words"),
                       help="headers: 'words' (words with units; the default in an .xlsx) or 'codes' (the "
                            "column names; the default in a .csv)")
    panel.add_argument("--backtest-out", help="also write the back-test scores here (CSV or .xlsx)")
    panel.add_argument("--targets-out",
                       help="also write each authority's targets against its forecasts here (CSV or .xlsx)")
    panel.set_defaults(handler=run_panel_command)


def run_panel_command(args) -> int:
    from forecasting.data.panel import load_panel, split_ids
    from forecasting.engine.distributed import run_panel_datasets
    from forecasting.engine.forecast import ForecastSettings
    from forecasting.planning.targets import panel_targets
    from forecasting.reports.exports import write_table

    loaded = load_panel(args.data, reference_side_tables=args.reference_side_tables)
    if loaded.notes.problems:
        print(loaded.notes.as_text())
    for authority, report in loaded.reports.items():
        print(f"{authority}: not used\n{report.as_text()}")
    if not loaded.datasets:
        raise UserFacingError("No authority's data could be used; see the messages above.")
    if args.engine == "local" and args.scheduler:
        raise UserFacingError("--scheduler needs --engine dask")
    if not 1 <= args.horizon <= 120:
        raise UserFacingError(f"--horizon {args.horizon}: give a number of months between 1 and 120.")
    # the single-council engine (`forecast`) per authority, same settings: same models, choice, intervals
    result = run_panel_datasets(loaded.datasets, ForecastSettings(horizon=args.horizon), engine=args.engine,
                                scheduler=args.scheduler, n_jobs=args.jobs)
    for authority, authority_result in result.results.items():
        for code, sentence in authority_result.explanations.items():
            if code not in set(authority_result.forecasts["indicator"]):
                print(f"Not forecast: {authority}, {sentence}")
    forecasts = result.forecasts
    forecasts = forecasts.join(split_ids(forecasts["unique_id"])).drop(columns="unique_id")
    # months stay dates: YYYY-MM in a CSV, month cells in an XLSX (reports.exports)
    columns = ["authority", "indicator", "month", "model", "mean", "lo80", "hi80", "lo95", "hi95"]
    headers = getattr(args, "headers", None)
    write_table(forecasts[columns], args.out, sheet="forecasts", float_format=FLOAT_FORMAT, headers=headers)
    print(f"Wrote forecasts for {len(loaded.datasets)} authorities "
          f"({forecasts['indicator'].nunique()} indicators) to {args.out}")
    if args.backtest_out:
        backtest = result.backtest.join(split_ids(result.backtest["unique_id"])).drop(columns="unique_id")
        write_table(backtest, args.backtest_out, sheet="backtest", float_format=FLOAT_FORMAT, headers=headers)
    if args.targets_out:
        write_table(panel_targets(loaded, result.forecasts), args.targets_out, sheet="targets",
                    float_format=FLOAT_FORMAT, headers=headers)
    return 0
