"""`python -m forecasting ...` entry point."""
import sys

from forecasting.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
