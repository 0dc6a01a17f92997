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
from forecasting.data.isolation import PANEL_SECONDS, UPLOAD_SECONDS, load_upload_isolated, panel_isolated
from forecasting.data.loading import load_data_option, load_dataset
from forecasting.data.panel import panel_from_903
from forecasting.data.side_tables import replace_side_table
from forecasting.data.ssda903_load import load_903_isolated
from forecasting.data.upload import check_path, load_upload
from forecasting.data.validation import ValidationReport, month_label

__all__ = ["DataValidationError", "Dataset", "EMBEDDED_DATASET", "PANEL_SECONDS", "UNITS", "UPLOAD_SECONDS",
           "ValidationReport", "check_path", "load_903_isolated", "load_data_option", "load_dataset",
           "load_dataset_dir", "load_upload", "load_upload_isolated", "month_label", "panel_from_903",
           "panel_isolated",
           "replace_side_table", "resolve_catalogue"]
