"""`python -m forecasting data ...`: check, show, template and convert (scorecard, panel and SSDA903 data)."""
from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pandas as pd

from forecasting.data import EMBEDDED_DATASET, check_path
from forecasting.data.validation import MAX_LISTED_PER_KIND, month_label
from forecasting.errors import UserFacingError
from forecasting.reports.template import write_template

SHOW_MONTHS = 6  # months shown by `data show`; a terminal is ~120 characters wide


def register(subparsers) -> None:
    data = subparsers.add_parser("data", help="check, show or template a scorecard data set")
    commands = data.add_subparsers(dest="data_command", metavar="ACTION")

    check = commands.add_parser("check", help="validate a data set folder or a CSV/XLSX file (several "
                                "authorities: each one as `panel` reads it)")
    check.add_argument(
        "path", nargs="?", default=str(EMBEDDED_DATASET), help="folder or file (default: embedded)"
    )
    check.add_argument("--sheet", help="sheet to read in an Excel workbook")
    check.add_argument("--today", type=_iso_date,
                       help="treat this date as today (YYYY-MM-DD) when checking for future months")
    check.add_argument("--all", action="store_true", help="list every problem (default: at most "
                       f"{MAX_LISTED_PER_KIND} of each kind)")
    check.set_defaults(handler=run_check)

    show = commands.add_parser("show", help="print a compact table of the data")
    show.add_argument(
        "path", nargs="?", default=str(EMBEDDED_DATASET), help="folder or file (default: embedded)"
    )
    show.add_argument("--sheet", help="sheet to read in an Excel workbook")
    show.add_argument(
        "--months", type=int, default=SHOW_MONTHS, help=f"latest months to show ({SHOW_MONTHS})"
    )
    show.set_defaults(handler=run_show)

    template = commands.add_parser("template", help="write a blank template to fill in (.xlsx or .csv)")
    template.add_argument("out", help="file to write, e.g. scorecard-template.xlsx")
    template.add_argument("--form", choices=("wide", "long"), default="wide", help="layout (default: wide)")
    template.set_defaults(handler=run_template)
    convert = commands.add_parser(
        "convert", help="write the monthly values (indicator,month,value) of any accepted input, 903 included"
    )
    convert.add_argument("path", help="data set folder, CSV/XLSX scorecard, SSDA903 files (a folder or one "
                         "workbook), a long file with an authority column, or a folder of one file per "
                         "authority")
    convert.add_argument("--out", required=True, help="file to write (.csv, or .xlsx)")
    convert.add_argument("--la", help="one authority of a several-authority input (default: all, with an "
                         "authority column)")
    convert.add_argument("--sheet", help="sheet to read in an Excel workbook")
    convert.add_argument("--today", type=_iso_date, help="treat this date as today (YYYY-MM-DD)")
    convert.add_argument("--force", action="store_true", help="replace --out if it exists")
    convert.add_argument("--usable-only", action="store_true",
                         help="several authorities: write the ones that can be used and leave out those with "
                         "blocking errors (listed); by default nothing is written unless all can be used")
    convert.set_defaults(handler=run_convert)
    data.set_defaults(handler=lambda args: data.print_help() or 2)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date written YYYY-MM-DD, e.g. 2018-07-15"
        ) from None


def run_check(args: argparse.Namespace) -> int:
    from forecasting.data.panel_input import panel_kind

    kind = panel_kind(args.path) if args.sheet is None else None
    if kind in ("long", "folder") or (kind == "903" and _authorities_903(args.path) > 1):
        return _check_panel(args)
    dataset, report = check_path(args.path, sheet=args.sheet, today=args.today)
    print(report.as_text(max_per_kind=None if args.all else MAX_LISTED_PER_KIND))
    if dataset is not None and pd.notna(dataset.last_month):
        print(f"{len(dataset.indicator_codes)} indicators, {len(dataset.observations)} indicator-months, "
              f"last month {month_label(dataset.last_month)}.")
    return 0 if report.ok else 1


def _authorities_903(path: str) -> int:
    from forecasting.data.ssda903_load import load_903_path

    return len(load_903_path(path).authorities)  # used or refused: each is reported as `panel` reads it


def _check_panel(args: argparse.Namespace) -> int:
    """`data check` of a many-authority input: each authority validated as its own data (as `panel` reads
    it)."""
    from forecasting.data.panel import load_panel

    panel = load_panel(args.path, today=args.today)
    print(f"Checked {args.path} as a many-authority input (one data set per authority, as `panel` reads it)")
    print(panel.as_text(max_per_kind=None if args.all else MAX_LISTED_PER_KIND))
    return 0 if panel.ok else 1


def run_show(args: argparse.Namespace) -> int:
    dataset, report = check_path(args.path, sheet=args.sheet)
    if dataset is None:
        print(report.as_text())
        return 1
    print(format_table(dataset.observations, dataset.indicators, months=max(1, args.months)))
    return 0


def format_table(observations: pd.DataFrame, indicators: pd.DataFrame, *, months: int) -> str:
    """Indicators as rows, the latest `months` months as columns, with the unit."""
    wide = (
        observations.pivot(index="unique_id", columns="ds", values="y").sort_index(axis=1).iloc[:, -months:]
    )
    order = [code for code in indicators.index if code in wide.index] + [
        c for c in wide.index if c not in indicators.index
    ]
    wide = wide.loc[order]
    wide.columns = [month_label(m) for m in wide.columns]
    units = indicators["unit"].reindex(wide.index).fillna("?") if "unit" in indicators else "?"
    wide.insert(0, "unit", units)
    wide.index.name = "indicator"
    return wide.to_string(na_rep="-", float_format=_number)


def _number(value: float) -> str:
    text = f"{value:,.1f}"
    return text.removesuffix(".0")


def run_template(args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise UserFacingError(f"Cannot write {out.name}: choose a name ending .xlsx or .csv")
    if out.exists():
        raise UserFacingError(f"{out} already exists; choose another name or delete it first")
    write_template(out, form=args.form)
    print(f"Wrote {out}")
    return 0


def run_convert(args: argparse.Namespace) -> int:
    """Validate any accepted input and write its monthly values as indicator,month,value (aggregates only)."""
    from forecasting.data.panel import load_panel
    from forecasting.data.panel_input import panel_kind
    from forecasting.reports.exports import write_table

    out = Path(args.out)
    if out.exists() and not args.force:
        raise UserFacingError(f"{out} already exists; choose another name, delete it, or add --force")
    kind = panel_kind(args.path) if args.sheet is None else None
    if kind is not None:  # 903 returns, a long file with an authority column, a folder of files
        panel = load_panel(args.path, today=args.today)
        print(panel.as_text())
        datasets = panel.datasets
        if args.la is None and not panel.ok:
            if not datasets or not args.usable_only:
                if datasets:
                    print(f"Nothing written: some authorities cannot be used. Add --usable-only to write the "
                          f"{len(datasets)} that can ({', '.join(sorted(datasets))}), or --la NAME for one.")
                return 1
            print(f"Writing the {len(datasets)} authorities that can be used (--usable-only).")
        if args.la is not None:
            if args.la not in datasets:
                found = ", ".join(sorted(datasets)) or "none usable"
                raise UserFacingError(f"No usable authority '{args.la}' in {args.path}; found: {found}")
            datasets = {args.la: datasets[args.la]}
    else:
        dataset, report = check_path(args.path, sheet=args.sheet, today=args.today)
        print(report.as_text())
        if dataset is None:
            return 1
        datasets = {"": dataset}
    table = pd.concat([_long_form(d.observations).assign(authority=name) for name, d in datasets.items()],
                      ignore_index=True)
    columns = ["authority"] * (len(datasets) > 1) + ["indicator", "month", "value"]
    write_table(table[columns], out, headers="codes")  # a data file read back: its column names
    print(f"Wrote {out}: {table['indicator'].nunique()} indicators, {len(table)} rows"
          + (f", {len(datasets)} authorities" if len(datasets) > 1 else "") + ".")
    return 0


def _long_form(observations: pd.DataFrame) -> pd.DataFrame:
    months = observations["ds"].dt.strftime("%Y-%m")
    return pd.DataFrame({"indicator": observations["unique_id"], "month": months, "value": observations["y"]})
