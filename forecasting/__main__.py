"""`python -m forecasting ...` entry point."""
import sys

from forecasting.cli import main

if __name__ == "__main__":
    sys.exit(main())
