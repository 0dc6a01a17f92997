"""Command-line dispatcher. Each capability registers its own sub-commands in a `cli_*` module.

No traceback ever reaches a user: known problems raise `UserFacingError`, which is printed as a
plain message with exit code 2 (bad usage/input) or 1 (validation found blocking errors).
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from forecasting.errors import UserFacingError

log = logging.getLogger(__name__)

# Modules that each define `register(subparsers)`; a missing one is skipped (work in progress).
COMMAND_MODULES = (
    "forecasting.cli.data",
    "forecasting.cli.forecast",
    "forecasting.cli.targets",
    "forecasting.cli.scenario",
    "forecasting.cli.panel",
    "forecasting.cli.care",
    "forecasting.cli.workforce",
    "forecasting.cli.finance",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m forecasting",
        description="Forecasts, back-tests and scenarios for children's social care scorecards.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except UserFacingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001  last line of defence: a bug becomes a message, not a crash
        if args.verbose:  # -v asked for details: the traceback goes to the log (stderr) at ERROR
            log.error("unexpected error", exc_info=True)
            hint = "Please report it with the details above."
        else:
            hint = "Re-run with -v for the details and report it if it persists."
        print(f"error: unexpected problem ({type(exc).__name__}: {exc}). {hint}", file=sys.stderr)
        return 3
