"""Shared fixtures."""
import pytest

from forecasting import EMBEDDED_DATASET, load_dataset


@pytest.fixture(scope="session")
def embedded_dataset():
    return load_dataset(EMBEDDED_DATASET)
