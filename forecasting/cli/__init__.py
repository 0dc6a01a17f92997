"""`python -m forecasting ...`: one sub-command module per capability, dispatched by
`forecasting.cli.main`."""
from forecasting.cli.main import main

__all__ = ["main"]
