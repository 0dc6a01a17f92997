"""`python -m forecasting care`: the children-in-care model on SSDA903 files (projection and back-test).

  python -m forecasting care --data FOLDER [--la NAME] [--reference-months 12] [--start YYYY-MM]
      [--horizon 24] [--rewind 12] --out care-projection.csv [--backtest-out care-backtest.csv]

Prints the start stock by placement type, the projection 12 and 24 months out (mean and 80% interval) and the
back-test scores beside the engine's forecast of LAC1. Tables go out through `reports.exports.write_table`.
Only counts are written: child-level rows stay in memory.
"""

from __future__ import annotations

import argparse
import dataclasses

import pandas as pd

from forecasting.errors import UserFacingError


def register(subparsers) -> None:
    care = subparsers.add_parser(
        "care", help="children-in-care model on SSDA903 files: project and back-test"
    )
    care.add_argument("--data", required=True, help="folder of SSDA903 files (episodes, header, UASC)")
    care.add_argument("--la", help="authority, when the files hold several")
    care.add_argument(
        "--reference-months",
        type=int,
        default=12,
        help="months of history the rates are estimated over (default 12)",
    )
    care.add_argument("--start", help="month to project from, YYYY-MM (default: the last month of data)")
    care.add_argument("--horizon", type=int, default=24, help="months to project (default 24)")
    care.add_argument(
        "--rewind",
        type=int,
        default=12,
        help="back-test: months to rewind, project and compare (0 = no back-test; default 12)",
    )
    care.add_argument(
        "--sims",
        type=int,
        default=None,
        help="simulated paths for the intervals (default: the care model's, 1,000, as the app uses)",
    )
    care.add_argument("--out", required=True, help="projection table (CSV, or XLSX if it ends .xlsx)")
    care.add_argument("--backtest-out", help="also write the back-test table here")
    care.add_argument(
        "--step-down",
        action="append",
        default=[],
        metavar="FROM:TO:SHARE",
        help="scenario: an extra monthly SHARE of children in placement type FROM move to TO, e.g. "
        "residential:in_house_fostering:0.01 (repeatable)",
    )
    care.add_argument(
        "--redirect-entries",
        action="append",
        default=[],
        metavar="FROM:TO:SHARE",
        help="scenario: a SHARE of entries into FROM go to TO instead, e.g. "
        "ifa:in_house_fostering:0.25 (repeatable)",
    )
    care.set_defaults(handler=run_care)


def run_care(args: argparse.Namespace) -> int:
    from forecasting.data.ssda903_load import load_903_path
    from forecasting.planning.care_backtest import backtest_care
    from forecasting.planning.care_model import DEFAULT_SIMULATIONS, fit_care_model
    from forecasting.reports.exports import write_table

    if args.sims is None:
        args.sims = DEFAULT_SIMULATIONS

    loaded = load_903_path(args.data)
    if not loaded.ok or loaded.clean is None:
        print(loaded.report.as_text())
        return 1
    if loaded.refused:
        print(loaded.refused_text())
        print(f"{len(loaded.datasets)} of {len(loaded.authorities)} authorities can be used.")
    authorities = list(loaded.datasets)
    if args.la in loaded.refused:
        raise UserFacingError(f"{args.la} cannot be used: its rows have blocking errors (listed above). "
                              f"Fix them, or choose another authority with --la: {', '.join(authorities)}")
    authority = args.la or (authorities[0] if len(loaded.authorities) == 1 else None)
    if authority not in authorities:
        raise UserFacingError(f"Choose one authority with --la: {', '.join(authorities)}")
    if len(loaded.report.warnings):
        print(
            f"{len(loaded.report.warnings)} warning(s) while reading; see `python -m forecasting data check "
            f"{args.data}`."
        )
    try:
        projection = fit_care_model(
            loaded.clean,
            authority,
            reference_months=args.reference_months,
            horizon=args.horizon,
            start_month=args.start,
            n_sims=args.sims,
        )
    except ValueError as exc:
        raise UserFacingError(f"{exc}. Choose --start inside the data.") from None
    print(format_projection(projection, [12, 24]))
    levers = [("step_down", *_lever(text)) for text in args.step_down]
    levers += [("redirect_entries", *_lever(text)) for text in args.redirect_entries]
    if levers:
        from forecasting.planning.care_levers import scenario_projection

        try:
            scenario = scenario_projection(loaded.clean, authority, projection, levers, n_sims=args.sims)
        except ValueError as exc:
            raise UserFacingError(str(exc)) from None
        print("\nScenario (" + "; ".join(f"{n} {a}->{b} {v:g}" for n, a, b, v in levers) + "):")
        print(format_projection(scenario, [12, 24], with_start=False))
        projection = dataclasses.replace(
            projection,
            table=pd.concat(
                [projection.table.assign(scenario="baseline"), scenario.table.assign(scenario="scenario")]
            ),
        )
    table = projection.table.assign(month=projection.table["month"].dt.strftime("%Y-%m"))
    write_table(table, args.out, float_format="%.4g")
    print(f"Wrote {args.out}")
    if args.rewind:
        try:
            backtest = backtest_care(
                loaded.clean,
                authority,
                rewind=args.rewind,
                reference_months=args.reference_months,
                n_sims=args.sims,
            )
        except ValueError as exc:
            raise UserFacingError(f"{exc}; choose a smaller --rewind.") from None
        print(
            f"\nBack-test: rewound to {backtest.cutoff:%b %Y}, rates over {backtest.reference[0]:%b %Y}-"
            f"{backtest.reference[1]:%b %Y}, projected {args.rewind} months and compared with what happened:"
        )
        print(backtest.scores.round(2).to_string(index=False))
        if args.backtest_out:
            write_table(
                backtest.table.assign(month=backtest.table["month"].dt.strftime("%Y-%m")),
                args.backtest_out,
                float_format="%.4g",
            )
            print(f"Wrote {args.backtest_out}")
    return 0


def _lever(text: str) -> tuple[str, str, float]:
    try:
        from_type, to_type, value = text.split(":")
        return from_type.strip(), to_type.strip(), float(value)
    except ValueError:
        raise UserFacingError(
            f"'{text}' is not FROM:TO:SHARE, e.g. residential:in_house_fostering:0.01"
        ) from None


def format_projection(projection, horizons: list[int], *, with_start: bool = True) -> str:
    """Start stock by type (unless `with_start` is False), then mean (80% interval) at each horizon."""
    table = projection.table
    months = sorted(table["month"].unique())
    lines: list[str] = []
    if with_start:
        lines.append(
            f"Start stock at the end of {projection.start_month:%b %Y} (rates over "
            f"{projection.rates.reference[0]:%b %Y}-{projection.rates.reference[1]:%b %Y}):"
        )
        lines += [f"  {code:26} {value:6.0f}" for code, value in projection.start.items()]
        lines.append(f"  {'LAC1 (all)':26} {projection.start.sum():6.0f}")
    for horizon in [h for h in horizons if h <= len(months)]:
        month = pd.Timestamp(months[horizon - 1])
        rows = table[(table["month"] == month) & (table["indicator"].str.startswith(("LAC1", "PL-")))]
        lines.append(f"Projection {horizon} months out ({month:%b %Y}): mean (80% interval)")
        lines += [f"  {r.indicator:26} {r.mean:6.1f} ({r.lo80:.0f}-{r.hi80:.0f})" for r in rows.itertuples()]
    return "\n".join(lines)
