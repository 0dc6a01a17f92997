"""Which reader a path needs: a data set folder (the contract in `forecasting.data.contract`) or one CSV/XLSX
file (validated by `forecasting.data.upload`). The CLI's `--data PATH` and the app's start-up both come
through
here."""
from __future__ import annotations

from pathlib import Path

from forecasting.data.contract import EMBEDDED_DATASET, Dataset, DataValidationError, load_dataset_dir
from forecasting.data.upload import check_path
from forecasting.errors import UserFacingError

__all__ = ["load_data_option", "load_dataset"]


def load_dataset(path: str | Path = EMBEDDED_DATASET) -> Dataset:
    """Load a data set directory (the embedded one by default), or one CSV/XLSX file (validated).

    A single file that has blocking errors raises `DataValidationError` carrying the full report.
    """
    path = Path(path)
    if path.is_file():
        dataset, report = check_path(path)
        if dataset is None:
            raise DataValidationError(report)
        return dataset
    return load_dataset_dir(path)


def load_data_option(path: str | None) -> Dataset:
    """What a `--data PATH` option means: the embedded data set when None, else a validated folder or file.

    Raises UserFacingError (missing path) or DataValidationError (blocking problems, all listed).
    """
    if path is None:
        return load_dataset()
    if not Path(path).exists():
        raise UserFacingError(
            f"--data {path}: no such file or folder. Give a data set folder or a CSV/XLSX file."
        )
    dataset, report = check_path(path)
    if dataset is None:
        raise DataValidationError(report)
    return dataset
