"""Data: the contract (`contract`), readers for folders and uploaded CSV/XLSX (`loading`, `upload`,
`spreadsheet`, `sheet_layout`), validation with located messages (`validation`, `dataset_checks`,
`side_tables`), checksums against the printed scorecard, and many-authority panels (`panel`). Imports nothing
above it."""
from forecasting.data.contract import (
    EMBEDDED_DATASET,
    UNITS,
    Dataset,
    DataValidationError,
    load_dataset_dir,
    resolve_catalogue,
)
from forecasting.data.loading import load_data_option, load_dataset
from forecasting.data.upload import check_path, load_upload
from forecasting.data.validation import ValidationReport

__all__ = ["EMBEDDED_DATASET", "UNITS", "DataValidationError", "Dataset", "ValidationReport", "check_path",
           "load_data_option", "load_dataset", "load_dataset_dir", "load_upload", "resolve_catalogue"]
