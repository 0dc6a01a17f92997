"""`python -m forecasting forecast|backtest ...`: forecasts and back-test tables as CSV or XLSX.

  python -m forecasting forecast --data PATH --horizon 21 --out forecasts.csv [--format xlsx]
  python -m forecasting backtest --data PATH --out backtest.csv [--format xlsx] [--summary summary.md]

--data defaults to the embedded data set. A CSV has the documented column names (indicator,month,model,
mean,lo80,...) and months as YYYY-MM; an XLSX has headers in words with units and months as dates shown
Jul-18; --headers words|codes chooses (forecasting.reports.exports). Progress goes to stderr.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from forecasting.data import load_data_option
from forecasting.errors import UserFacingError
from forecasting.reports.escaping import markdown_cell

FORMATS = ("csv", "xlsx")
HEADERS = ("codes", "words")
HEADERS_HELP = ("headers: 'words' (for people: words with units; the default in an .xlsx) or 'codes' (the "
                "documented column names; the default in a .csv)")


def register(subparsers) -> None:
    forecast = subparsers.add_parser("forecast", help="forecast every indicator with 80%%/95%% intervals")
    _common(forecast)
    forecast.add_argument("--horizon", type=int, default=21,
                          help="months after the last observed month (default 21: Jun-18 -> Mar-20)")
    forecast.add_argument("--accuracy-out",
                          help="also write the back-test by months ahead (1-3, 4-9, 10-15, 16-21) here")
    forecast.add_argument("--no-accuracy", action="store_true",
                          help="do not measure or print the back-test by months ahead")
    forecast.set_defaults(handler=run_forecast_command)

    backtest = subparsers.add_parser("backtest", help="back-test every model on every indicator")
    _common(backtest)
    backtest.add_argument("--summary", help="also write a short markdown table (chosen model vs naive) here")
    backtest.set_defaults(handler=run_backtest_command)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", help="data set folder or CSV/XLSX file (default: the embedded data set)")
    parser.add_argument("--out", required=True, help="file to write (.csv or .xlsx)")
    parser.add_argument("--format", choices=FORMATS, help="output format (default: from --out, else csv)")
    parser.add_argument("--headers", choices=HEADERS, help=HEADERS_HELP)
    parser.add_argument("--no-cache", action="store_true", help="recompute even if a cached result exists")
    parser.add_argument("--no-seasonality", action="store_true", help="do not try the school-holiday dip")
    parser.add_argument(
        "--models", help="comma-separated candidate models (default: all that fit the history)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="parallel processes (default 1)")


def _settings(args, horizon: int):
    from forecasting.engine.forecast import ForecastSettings
    from forecasting.engine.models import MODEL_ORDER

    options = {"horizon": horizon, "seasonality": not args.no_seasonality, "n_jobs": args.jobs}
    if args.models:
        options["models"] = tuple(name.strip() for name in args.models.split(",") if name.strip())
    try:
        return ForecastSettings(**options)
    except ValueError as exc:
        raise UserFacingError(f"{exc}. Models available: {', '.join(MODEL_ORDER)}.") from None


def _progress(index: int, total: int, code: str) -> None:
    print(f"back-testing {index}/{total}: {code}", file=sys.stderr, flush=True)


def _run(args, horizon: int):
    from forecasting.engine.forecast import run_forecast

    out = Path(args.out)
    if not out.parent.exists():
        raise UserFacingError(
            f"--out {out}: the folder {out.parent} does not exist. Create it or choose another."
        )
    dataset = load_data_option(args.data)
    settings = _settings(args, horizon)
    print(f"forecasting {len(dataset.indicator_codes)} indicators from {dataset.source or 'the data'}...",
          file=sys.stderr, flush=True)
    return dataset, run_forecast(dataset, settings=settings, progress=_progress, use_cache=not args.no_cache)


def _write(frame: pd.DataFrame, args, sheet: str) -> None:
    from forecasting.reports.exports import write_table

    frame = frame.copy()
    if "month" in frame:  # a date: YYYY-MM in a CSV, a month cell (Jul-18) in an XLSX
        frame["month"] = pd.to_datetime(frame["month"])
    write_table(frame, Path(args.out), args.format, sheet, headers=getattr(args, "headers", None))
    print(f"wrote {len(frame)} rows to {args.out}", file=sys.stderr)


def run_forecast_command(args: argparse.Namespace) -> int:
    if args.horizon < 1 or args.horizon > 120:
        raise UserFacingError(f"--horizon {args.horizon}: give a number of months between 1 and 120.")
    dataset, result = _run(args, args.horizon)
    columns = ["indicator", "month", "model", "mean", "lo80", "hi80", "lo95", "hi95"]
    _write(result.forecasts.reindex(columns=[c for c in columns if c in result.forecasts] +
                                    [c for c in result.forecasts if c not in columns]), args, "forecasts")
    if not args.no_accuracy:
        _print_accuracy(dataset, result, args)
    return 0


def _print_accuracy(dataset, result, args) -> None:
    """The back-test by months ahead, beside the forecast: printed, and written to --accuracy-out."""
    from forecasting.engine.horizon import describe_horizon_accuracy, horizon_accuracy
    from forecasting.reports.exports import write_table

    print("measuring the forecasts on past data by months ahead...", file=sys.stderr, flush=True)
    table = horizon_accuracy(dataset, result, use_cache=not args.no_cache)
    print("How these forecasts did on past data, by months ahead (the models in use refitted at each past "
          "month; an 80% interval should hold about 80% of values):")
    for line in describe_horizon_accuracy(table):
        print(f"  {line}")
    if args.accuracy_out:
        write_table(table, Path(args.accuracy_out), None, "accuracy_by_horizon",
                    headers=getattr(args, "headers", None))
        print(f"wrote the back-test by months ahead to {args.accuracy_out}", file=sys.stderr)


def run_backtest_command(args: argparse.Namespace) -> int:
    dataset, result = _run(args, 21)
    _write(result.backtest, args, "backtest")
    if args.summary:
        from forecasting.engine.horizon import horizon_accuracy

        by_horizon = horizon_accuracy(dataset, result, use_cache=not args.no_cache)
        Path(args.summary).write_text(summary_markdown(result, by_horizon), encoding="utf-8")
        print(f"wrote summary to {args.summary}", file=sys.stderr)
    return 0


def _number(value: float, fmt: str) -> str:
    return format(value, fmt) if value is not None and np.isfinite(value) else "-"


def horizon_markdown(table: pd.DataFrame) -> list[str]:
    """The back-test by months ahead (`engine.horizon.horizon_accuracy`) as markdown lines."""
    levels = [int(c.removeprefix("coverage")) for c in table.columns if c.startswith("coverage")]
    lines = [
        "Back-test by months ahead: the model each indicator uses, refitted at every past month it could be "
        "and checked on every later month (forecasting/engine/horizon.py).",
        "",
        "| months ahead | forecasts checked | indicators | " + " | ".join(f"coverage {lv}%" for lv in levels)
        + " | MASE | MASE naive | note |",
        "|---|---|---|" + "---|" * len(levels) + "---|---|---|",
    ]
    for row in table.to_dict("records"):
        cover = " | ".join(_number(row[f"coverage{lv}"], ".0%") for lv in levels)
        lines.append(f"| {row['months_from']}-{row['months_to']} | {row['n_points']} | "
                     f"{row['n_indicators']} | {cover} | {_number(row['mase'], '.2f')} | "
                     f"{_number(row['naive_mase'], '.2f')} | {markdown_cell(row['note'])} |")
    return lines + [""]


def summary_markdown(result, by_horizon: pd.DataFrame | None = None) -> str:
    """Short markdown table: indicator, chosen model, MASE of chosen and of Naive, interval coverage; with
    `by_horizon` (engine.horizon.horizon_accuracy) the back-test by months ahead first.

    Indicator codes and model names come from the data; they are escaped (`escaping.markdown_cell`) so the
    table shows them as text wherever the file is rendered (it is spliced into the README)."""
    table = result.backtest
    lines = ["| indicator | chosen model | MASE chosen | MASE naive | coverage 80% | coverage 95% |",
             "|---|---|---|---|---|---|"]
    beat = tested = 0
    for code, rows in table.groupby("indicator", sort=False):
        chosen = rows[rows["chosen"]]
        if chosen.empty:
            lines.append(f"| {markdown_cell(code)} | no data | - | - | - | - |")
            continue
        chosen = chosen.iloc[0]
        naive = rows[rows["model"] == "Naive"]
        naive_mase = naive.iloc[0]["mase"] if not naive.empty else np.nan
        if np.isfinite(chosen["mase"]) and np.isfinite(naive_mase):
            tested += 1
            beat += chosen["mase"] < naive_mase
        lines.append(
            f"| {markdown_cell(code)} | {markdown_cell(chosen['model'])} | {_number(chosen['mase'], '.2f')} "
            f"| {_number(naive_mase, '.2f')} "
            f"| {_number(chosen.get('coverage80'), '.0%')} | {_number(chosen.get('coverage95'), '.0%')} |"
        )
    settings = result.settings
    header = [
        (
            f"Rolling-origin back-test: {settings.n_windows} windows, 1-{settings.cv_horizon} months ahead. "
            "MASE = back-test MAE / mean absolute month-to-month change over the history (lower is better; "
            "naive forecasts up to 3 months ahead, so its MASE is often above 1). "
            "Coverage = share of back-test actuals inside the interval the forecast uses (one-step spread "
            "grown with the months ahead by a prior from public series, forecasting/engine/intervals.py). "
            "The Combination is used whenever it runs, not chosen on these windows, so its MASE is not "
            "flattered by the choice."
        ),
        (
            f"The chosen model beats naive on {beat} of {tested} indicators with both scores. "
            f"School-holiday dip: {result.holiday}; used for "
            f"{int(table.loc[table['chosen'], 'model'].str.endswith('+holiday').sum())} indicator(s)."
        ),
    ]
    check = getattr(result, "selection_check", None)
    if check is not None and not check.empty:
        wins = int((check["mase_last_window"] < check["naive_mase_last_window"]).sum())
        header.append(
            "Out-of-sample check of the choice itself (choose on the earlier windows, score the last one): "
            f"the selected model beat naive on {wins} of {len(check)} indicators; median MASE "
            f"{check['mase_last_window'].median():.2f} "
            f"vs naive {check['naive_mase_last_window'].median():.2f}. "
            "The MASE columns below are from the windows the choice was made on, so they flatter the choice."
        )
    header.append("")
    if by_horizon is not None:
        header.extend(horizon_markdown(by_horizon))
    return "\n".join(header + lines) + "\n"
